//! The table build of a block of agents, one agent per SIMD lane.
//!
//! `genome::prepare` turns every genome into its step tables and traits
//! once per generation: per agent K + 1 softmaxes, their logarithms,
//! entropies, KL divergences, cumulative thresholds, skills and a persona.
//! Each of these is a short chain of arithmetic over one agent's few genes,
//! so the build walks L agents side by side: every entry below holds one
//! number per lane (`[f64; L]`, agent l in lane l), each loop over lanes
//! is one instruction over a vector, and `multiversion` compiles the block
//! for AVX-512 and AVX2 as well as the portable target, choosing at run
//! time (safe code: the dispatch is the crate's).
//!
//! Every lane does the same operations in the same order as one agent
//! computed alone (no fused multiply-adds: Rust never fuses on its own),
//! so the tables are the same bit for bit whatever the lanes, the target
//! or the threads (`prepare_is_the_plain_rule_bit_for_bit`).

use multiversion::multiversion;

use super::genome::{threshold, Traits, ONE};
use super::persona;
use crate::vmath;

/// Agents per block: lanes side by side.
pub const L: usize = 32;

/// One number per agent of the block.
pub type Lanes = [f64; L];

/// What the build of a block reads besides the genomes: the world's
/// constants, in the layout of a genome row.
pub struct Constants<'a> {
    pub k: usize,
    pub a: usize,
    /// ln of the reference policy, [K x A] (for the KL divergence).
    pub log_reference: &'a [f64],
    pub demand: &'a [f64],
    /// Each action's behaviour class per niche, [K x A] (`persona::classes`).
    pub classes: &'a [u8],
    pub capacity: f64,
    pub tradeoff: f64,
    pub specialist_threshold: f64,
}

/// A block's numbers, cell by cell (a genome row's layout: K x A policy
/// cells, then K skill cells), reused from one block to the next.
#[derive(Default)]
pub struct Block {
    /// Shifted logits x - max(row): every exponential is at most 1.
    z: Vec<Lanes>,
    e: Vec<Lanes>,
    /// Probabilities, and their logarithms from the log-softmax
    /// (x - max - ln total).
    pub p: Vec<Lanes>,
    log_p: Vec<Lanes>,
    /// Each row's sum of exponentials, then its logarithm (K + 1 rows).
    totals: Vec<Lanes>,
    log_totals: Vec<Lanes>,
    /// Per niche: skill_k = capacity * w_k^tradeoff, and its exponent.
    pub skill: Vec<Lanes>,
    z_skill: Vec<Lanes>,
    /// The tables in lanes: [K x A] cumulative thresholds, [K] skill
    /// thresholds and entropies.
    cumulative: Vec<[u64; L]>,
    skill_threshold: Vec<[u64; L]>,
    entropy: Vec<Lanes>,
}

impl Block {
    /// Build the tables of `genomes` (`m` <= L whole rows) into the
    /// agent-major outputs: `cum` [m x K x A], `sk` and `ent` [m x K],
    /// `traits` [m]. The block's `p` and `skill` keep the agents'
    /// probabilities and skills for the caller.
    pub fn build(&mut self, c: &Constants<'_>, genomes: &[f64], cum: &mut [u64], sk: &mut [u64], ent: &mut [f64], traits: &mut [Traits]) {
        let (k, a) = (c.k, c.a);
        let (ka, width) = (k * a, k * a + k);
        let m = traits.len();
        if self.z.len() != width {
            let zero = [0.0; L];
            *self = Block {
                z: vec![zero; width],
                e: vec![zero; width],
                p: vec![zero; width],
                log_p: vec![zero; width],
                totals: vec![zero; k + 1],
                log_totals: vec![zero; k + 1],
                skill: vec![zero; k],
                z_skill: vec![zero; k],
                cumulative: vec![[0; L]; ka],
                skill_threshold: vec![[0; L]; k],
                entropy: vec![zero; k],
            };
        }
        // Lane l holds agent l's genes; lanes past the block's end hold a
        // zero genome (their results are not written out).
        for (l, genome) in genomes.chunks_exact(width).enumerate() {
            for (z, &x) in self.z.iter_mut().zip(genome) {
                z[l] = x;
            }
        }
        for z in &mut self.z {
            z[m..].fill(0.0);
        }
        let traits_lanes = lanes(c, self);
        for (l, tr) in traits.iter_mut().enumerate() {
            for cell in 0..ka {
                cum[l * ka + cell] = self.cumulative[cell][l];
            }
            for kk in 0..k {
                sk[l * k + kk] = self.skill_threshold[kk][l];
                ent[l * k + kk] = self.entropy[kk][l];
            }
            *tr = traits_lanes[l];
        }
    }
}

/// The arithmetic of a block, lane by lane (see the module's comment).
#[multiversion(targets("x86_64+avx512f+avx512vl+avx512dq", "x86_64+avx2+avx", "x86_64+sse4.1"))]
fn lanes<'c>(c: &Constants<'c>, b: &mut Block) -> [Traits; L] {
    let (k, a) = (c.k, c.a);
    let (ka, width) = (k * a, k * a + k);
    // The K policy rows of A cells, then the skill row of K.
    let row = |r: usize| if r < k { r * a..(r + 1) * a } else { ka..width };
    for r in 0..=k {
        let mut top = [f64::NEG_INFINITY; L];
        for x in &b.z[row(r)] {
            for l in 0..L {
                top[l] = top[l].max(x[l]);
            }
        }
        for x in &mut b.z[row(r)] {
            for l in 0..L {
                x[l] -= top[l];
            }
        }
    }
    for (e, &z) in b.e.as_flattened_mut().iter_mut().zip(b.z.as_flattened()) {
        *e = vmath::exp_lane(z);
    }
    for r in 0..=k {
        // As `Iterator::sum` adds: from -0.0, in order.
        let mut total = [-0.0; L];
        for e in &b.e[row(r)] {
            for l in 0..L {
                total[l] += e[l];
            }
        }
        b.totals[r] = total;
    }
    vmath::ln(b.totals.as_flattened(), b.log_totals.as_flattened_mut());
    for r in 0..=k {
        let (totals, log_totals) = (b.totals[r], b.log_totals[r]);
        let mut inv = [0.0; L];
        for l in 0..L {
            inv[l] = 1.0 / totals[l];
        }
        for j in row(r) {
            for l in 0..L {
                b.p[j][l] = b.e[j][l] * inv[l];
                b.log_p[j][l] = b.z[j][l] - log_totals[l];
            }
        }
    }
    // Per niche: the cumulative thresholds, the entropy and the KL
    // divergence from the reference.
    let (mut h_mean, mut kl_mean) = ([0.0; L], [0.0; L]);
    for kk in 0..k {
        let (mut cum, mut h, mut kl) = ([0.0; L], [0.0; L], [0.0; L]);
        for j in kk * a..(kk + 1) * a {
            let (p, log_p, log_q) = (&b.p[j], &b.log_p[j], c.log_reference[j]);
            for l in 0..L {
                let (p, lp) = (p[l], log_p[l]);
                h[l] = if p > 0.0 { h[l] - p * lp } else { h[l] };
                kl[l] = if p > 0.0 { kl[l] + p * (lp - log_q) } else { kl[l] };
                cum[l] += p;
                b.cumulative[j][l] = threshold(cum[l]);
            }
        }
        b.cumulative[kk * a + a - 1] = [ONE; L];
        b.entropy[kk] = h;
        for l in 0..L {
            h_mean[l] += c.demand[kk] * h[l];
            kl_mean[l] += c.demand[kk] * kl[l];
        }
    }
    // The skill weights w: the specialisation index 1 - H(w) / ln K, and
    // skill_k = capacity * w_k^tradeoff = capacity * exp(tradeoff * ln w_k).
    let (w, log_w) = (&b.p[ka..], &b.log_p[ka..]);
    let mut h_w = [-0.0; L];
    for (x, lx) in w.iter().zip(log_w) {
        for l in 0..L {
            h_w[l] = if x[l] > 0.0 { h_w[l] + (-x[l]) * lx[l] } else { h_w[l] };
        }
    }
    for kk in 0..k {
        if c.tradeoff != 1.0 {
            for l in 0..L {
                b.z_skill[kk][l] = c.tradeoff * log_w[kk][l];
                b.skill[kk][l] = vmath::exp_lane(b.z_skill[kk][l]);
            }
        } else {
            b.skill[kk] = w[kk];
        }
    }
    let mut skill_mean = [0.0; L];
    for kk in 0..k {
        for l in 0..L {
            let s = c.capacity * b.skill[kk][l];
            b.skill[kk][l] = s;
            b.skill_threshold[kk][l] = threshold(s);
            skill_mean[l] += c.demand[kk] * s;
        }
    }
    let ln_k = (k as f64).ln();
    let spec: Lanes = std::array::from_fn(|l| if k < 2 { 0.0 } else { 1.0 - h_w[l] / ln_k });
    let persona = persona::labels(&b.p[..ka], w, &spec, c.classes, c.demand, c.specialist_threshold);
    std::array::from_fn(|l| Traits { entropy: h_mean[l], kl: kl_mean[l].max(0.0), specialization: spec[l], skill: skill_mean[l], persona: persona[l] })
}
