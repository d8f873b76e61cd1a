//! The genome of an agent and what the step loop reads from it.
//!
//! Layout of one genome row (`World::genome_width` = K * (A + 1) genes):
//! K x A action logits, niche-major (the policy pi(.|k) = softmax of row k),
//! then K skill logits (w = softmax, skill_k = capacity * w_k^tradeoff).
//!
//! Once per generation each agent's genome is turned into `Tables`: the
//! cumulative action probabilities and skills as integer thresholds on
//! 32-bit uniforms, so a step costs one 64-bit draw and a few integer
//! compares. The same pass measures the agent (`Traits`: entropy, KL from
//! the initial policy, specialisation, persona).

use rayon::prelude::*;

use super::analytic;
use super::build::{self, Block, Constants};
use super::persona;
use super::world::{ChooseBy, Routing, World};
use crate::control::Control;

/// Probability 1 as a threshold on a 32-bit uniform `u`: `u < threshold(p)`
/// has probability exactly round(p * 2^32) / 2^32.
pub const ONE: u64 = 1 << 32;

#[inline(always)]
pub fn threshold(p: f64) -> u64 {
    // round(p * 2^32) as p * 2^32 + 0.5 rounded down (p clamped to [0, 1],
    // NaN to 0), in arithmetic that vectorises: the table build computes
    // it for many agents at once (`super::build`), and the conversion
    // `as i64` does not vectorise. y < 2^52, so adding and taking away 2^52
    // rounds it to an integer, one less if that rounded up; adding 2^52
    // again leaves the integer in the low bits of the mantissa.
    const MAGIC: f64 = 4503599627370496.0;
    #[allow(clippy::manual_clamp)] // clamp keeps NaN, and NaN must give 0
    let y = p.max(0.0).min(1.0) * ONE as f64 + 0.5;
    let nearest = (y + MAGIC) - MAGIC;
    let floor = if nearest > y { nearest - 1.0 } else { nearest };
    (floor + MAGIC).to_bits() - MAGIC.to_bits()
}

/// Numerically stable softmax.
pub fn softmax(logits: &[f64], out: &mut [f64]) {
    let top = logits.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let mut total = 0.0;
    for (o, &x) in out.iter_mut().zip(logits) {
        *o = (x - top).exp();
        total += *o;
    }
    for o in out.iter_mut() {
        *o /= total;
    }
}

/// Shannon entropy in nats.
pub fn entropy(p: &[f64]) -> f64 {
    -p.iter().filter(|&&x| x > 0.0).map(|&x| x * x.ln()).sum::<f64>()
}

/// pi(.|k) of a genome row.
pub fn policy(world: &World, genome: &[f64], k: usize, out: &mut [f64]) {
    let a = world.a();
    softmax(&genome[k * a..(k + 1) * a], out);
}

/// The skill weights w (softmax of the skill logits).
pub fn skill_weights(world: &World, genome: &[f64]) -> Vec<f64> {
    let ka = world.k() * world.a();
    let mut w = vec![0.0; world.k()];
    softmax(&genome[ka..ka + world.k()], &mut w);
    w
}

/// skill_k = capacity * w_k^tradeoff.
#[inline]
pub fn skill(world: &World, w: f64) -> f64 {
    world.capacity * w.powf(world.tradeoff)
}

/// 1 - H(w) / ln K (0 for a single niche).
pub fn specialization(w: &[f64]) -> f64 {
    if w.len() < 2 { 0.0 } else { 1.0 - entropy(w) / (w.len() as f64).ln() }
}

/// Per-agent step tables, rebuilt each generation.
#[derive(Debug, Default, Clone)]
pub struct Tables {
    /// [N x K x A] cumulative action thresholds; the last of each row is ONE.
    pub cumulative: Vec<u64>,
    /// [N x K] skill thresholds.
    pub skill: Vec<u64>,
    /// [N x K] H(pi(.|k)), for the entropy bonus.
    pub entropy: Vec<f64>,
    /// [N x K] what users choose on under `Routing::Choice`: the agent's
    /// expected gold (or proxy) per need in each niche (the exact
    /// evaluator's, follow-ups included, from the probabilities of the
    /// tables above). Empty under uniform routing.
    pub score: Vec<f64>,
    /// [K x N] (niche-major) the dense rank of each agent's score among
    /// the population's in that niche (0 the lowest; equal scores, equal
    /// rank). Users compare ranks: the same choice as comparing scores,
    /// from a table half the size whose niche columns stay in cache.
    pub rank: Vec<u32>,
    /// [K x N] each niche's agents in increasing score, each packed with
    /// the position where its tie block starts (`agent << 32 | start`):
    /// the best of a shortlist of uniformly drawn positions is the agent
    /// at the highest, or one of those at or above its block's start, read
    /// with one memory access instead of one per candidate (`Choice::pick_fresh`).
    pub ladder: Vec<u64>,
}

/// What the genome says about an agent, measured once per generation.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct Traits {
    /// Demand-weighted mean over niches of H(pi(.|k)).
    pub entropy: f64,
    /// Demand-weighted mean over niches of KL(pi(.|k) || reference(.|k)).
    pub kl: f64,
    pub specialization: f64,
    /// Demand-weighted mean skill.
    pub skill: f64,
    /// Persona id: niche label (0..K, K = generalist) * 3 + behaviour.
    pub persona: u16,
}

/// The persona id of a genome row (see `super::persona`).
pub fn persona(world: &World, genome: &[f64], demand: &[f64], specialist_threshold: f64) -> u16 {
    let (k, a) = (world.k(), world.a());
    let w = skill_weights(world, genome);
    let mut pi = vec![0.0; k * a];
    for kk in 0..k {
        policy(world, genome, kk, &mut pi[kk * a..(kk + 1) * a]);
    }
    persona::label(&pi, &w, specialization(&w), &persona::classes(world), demand, specialist_threshold)
}

/// A buffer of `len` entries whose contents will all be overwritten
/// (`vec!` of a zero asks the allocator for zeroed pages: no fill pass).
fn fit<T: Clone + Default>(v: &mut Vec<T>, len: usize) {
    if v.len() != len {
        *v = vec![T::default(); len];
    }
}

/// Agents per block of `prepare` (the unit of parallel work and of batching).
const PREPARE_BLOCK: usize = build::L;

/// Build every agent's tables and traits (parallel over agents; each agent's
/// numbers depend only on its genome, so the thread count does not matter).
///
/// Logs come from the log-softmax (ln pi_a = x_a - max - ln total), so an
/// agent costs K * A + K exponentials and K + 1 logarithms; blocks of
/// `build::L` agents are built side by side, one per vector lane
/// (`super::build`). Stops early, the tables partial, once `control`
/// is cancelled: at millions of agents the build takes seconds, and Ctrl-C
/// must not wait for it (the caller's next checkpoint returns `Interrupted`).
pub fn prepare(
    world: &World,
    genomes: &[f64],
    reference: &[f64],
    specialist_threshold: f64,
    tables: &mut Tables,
    traits: &mut Vec<Traits>,
    control: &Control,
) {
    let (k, a, width) = (world.k(), world.a(), world.genome_width());
    let n = genomes.len() / width;
    // Every entry is written below: new buffers come zeroed from the
    // allocator (their pages mapped as the parallel build first writes
    // them) rather than filled by `resize` first, one thread, uninterruptibly.
    fit(&mut tables.cumulative, n * k * a);
    fit(&mut tables.skill, n * k);
    fit(&mut tables.entropy, n * k);
    let choose_by = match world.routing.in_effect(world.time_budget) {
        Routing::Choice { by, .. } => Some(by),
        Routing::Uniform => None,
    };
    traits.resize(n, Traits::default());
    let demand = world.demand_shares();
    let log_reference: Vec<f64> = reference.iter().map(|q| q.max(1e-300).ln()).collect();
    let classes = persona::classes(world);
    let constants = Constants {
        k,
        a,
        log_reference: &log_reference,
        demand: &demand,
        classes: &classes,
        capacity: world.capacity,
        tradeoff: world.tradeoff,
        specialist_threshold,
    };
    let ka = k * a;
    // Under choice, each block also writes its agents' scores, from the
    // probabilities it has just computed; under uniform routing it writes
    // into one unused slot per block (the zip needs a chunk per block).
    let blocks = n.div_ceil(PREPARE_BLOCK);
    let mut unused = Vec::new();
    let (score_buffer, score_chunk) = match choose_by {
        Some(_) => {
            fit(&mut tables.score, n * k);
            (&mut tables.score, PREPARE_BLOCK * k)
        }
        None => {
            tables.score.clear();
            unused.resize(blocks, 0.0);
            (&mut unused, 1)
        }
    };
    // Under choice: whether users choose on gold (else on proxy).
    let score_on_gold = choose_by.map(|by| matches!(by, ChooseBy::Gold));
    tables
        .cumulative
        .par_chunks_mut(PREPARE_BLOCK * ka)
        .zip(tables.skill.par_chunks_mut(PREPARE_BLOCK * k))
        .zip(tables.entropy.par_chunks_mut(PREPARE_BLOCK * k))
        .zip(score_buffer.par_chunks_mut(score_chunk))
        .zip(traits.par_chunks_mut(PREPARE_BLOCK))
        .enumerate()
        .for_each_init(
            || (Block::default(), vec![0.0; a]),
            |(b, row), (block, ((((cums, sks), ents), scs), trs))| {
                if control.is_cancelled() {
                    return;
                }
                let first = block * PREPARE_BLOCK;
                b.build(&constants, &genomes[first * width..(first + trs.len()) * width], cums, sks, ents, trs);
                if let Some(gold) = score_on_gold {
                    for j in 0..trs.len() {
                        for kk in 0..k {
                            row.iter_mut().enumerate().for_each(|(x, v)| *v = b.p[kk * a + x][j]);
                            scs[j * k + kk] = analytic::score(world, kk, row, b.skill[kk][j], gold);
                        }
                    }
                }
            },
        );
    if choose_by.is_some() && !control.is_cancelled() {
        ranks(&tables.score, k, &mut tables.rank, &mut tables.ladder);
    } else {
        tables.rank.clear();
        tables.ladder.clear();
    }
}

/// Dense ranks of `score` [N x K] per niche, into `rank` [K x N], and the
/// niche's agents in increasing score with their tie blocks' starts, into
/// `ladder` [K x N] (`Tables::ladder`).
pub(crate) fn ranks(score: &[f64], k: usize, rank: &mut Vec<u32>, ladder: &mut Vec<u64>) {
    let n = score.len() / k;
    rank.resize(n * k, 0);
    ladder.resize(n * k, 0);
    rank.par_chunks_mut(n).zip(ladder.par_chunks_mut(n)).enumerate().for_each(|(kk, (col, rungs))| {
        // The niche's scores as one contiguous column: the sort compares
        // the same values as reading them at stride K, from 1/K of the
        // cache lines.
        let column: Vec<f64> = score.iter().skip(kk).step_by(k).copied().collect();
        let at = |i: u32| column[i as usize];
        let mut order: Vec<u32> = (0..n as u32).collect();
        // Scores are finite (chains of finite tables); ties keep equal rank
        // whatever order the sort leaves them in.
        order.sort_unstable_by(|&x, &y| at(x).total_cmp(&at(y)));
        let (mut r, mut start) = (0u32, 0u64);
        for (j, &i) in order.iter().enumerate() {
            if j > 0 && at(i) != at(order[j - 1]) {
                r += 1;
                start = j as u64;
            }
            col[i as usize] = r;
            rungs[j] = (i as u64) << 32 | start;
        }
    });
}

/// The mean policy of a population, [K x A]: the reference of `kl_from_initial`.
///
/// Summed in parallel over fixed blocks of agents, blocks added in order (the
/// same numbers at any thread count). Stops early, the mean partial, once
/// `control` is cancelled: at millions of agents it takes seconds.
pub fn mean_policy(world: &World, genomes: &[f64], control: &Control) -> Vec<f64> {
    const BLOCK: usize = 4096;
    let (k, a, width) = (world.k(), world.a(), world.genome_width());
    let n = genomes.len() / width;
    let sums: Vec<Vec<f64>> = genomes
        .par_chunks(BLOCK * width)
        .map(|block| {
            let mut sum = vec![0.0; k * a];
            let mut pi = vec![0.0; a];
            if control.is_cancelled() {
                return sum;
            }
            for g in block.chunks(width) {
                for kk in 0..k {
                    policy(world, g, kk, &mut pi);
                    for j in 0..a {
                        sum[kk * a + j] += pi[j];
                    }
                }
            }
            sum
        })
        .collect();
    let mut mean = vec![0.0; k * a];
    for sum in &sums {
        mean.iter_mut().zip(sum).for_each(|(m, s)| *m += s);
    }
    mean.iter_mut().for_each(|m| *m /= n as f64);
    mean
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threshold_rounds_as_truncating_p_times_2_32_plus_one_half() {
        let plain = |p: f64| (p.clamp(0.0, 1.0) * ONE as f64 + 0.5) as i64 as u64;
        let mut r = crate::rng::stream(5, &[]);
        let mut cases = vec![0.0, -0.0, 1.0, 0.5, 1e-300, 5e-324, -1.0, 2.0, f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 1.0 - 1e-16];
        // Halves and their neighbours, where the rounding of + 0.5 decides.
        for i in [0u64, 1, 2, 3, 1 << 20, (1 << 32) - 1] {
            let x = (i as f64 + 0.5) / ONE as f64;
            cases.extend([x, f64::from_bits(x.to_bits() - 1), f64::from_bits(x.to_bits() + 1)]);
        }
        for _ in 0..1_000_000 {
            let u = crate::rng::uniform(&mut r);
            cases.extend([u, u * 1e-9, 1.0 - u * 1e-12]);
        }
        for p in cases {
            assert_eq!(threshold(p), plain(p), "p = {p:e}");
        }
    }

    #[test]
    fn uniform_genome_is_a_generalist_with_uniform_policy() {
        let w = World::assistant();
        let g = vec![0.0; w.genome_width()];
        let reference = mean_policy(&w, &g, &Control::new());
        let (mut t, mut tr) = (Tables::default(), Vec::new());
        prepare(&w, &g, &reference, 0.5, &mut t, &mut tr, &Control::new());
        assert_eq!(&t.cumulative[..5], &[threshold(0.2), threshold(0.4), threshold(0.6), threshold(0.8), ONE]);
        assert_eq!(t.skill[0], threshold(0.25));
        assert!((tr[0].entropy - 5f64.ln()).abs() < 1e-12);
        assert!(tr[0].kl.abs() < 1e-12 && tr[0].specialization.abs() < 1e-12);
        // Generalist (label K = 4); helper mass 0.2 < farmer mass 0.6.
        assert_eq!(tr[0].persona, 4 * 3 + 1);
    }

    #[test]
    fn prepare_agrees_with_the_plain_persona_rule() {
        let w = World::assistant();
        let genomes: Vec<f64> = (0..50 * 24).map(|i| ((i * 7919 % 113) as f64 / 113.0 - 0.5) * 8.0).collect();
        let reference = mean_policy(&w, &genomes, &Control::new());
        let (mut t, mut tr) = (Tables::default(), Vec::new());
        prepare(&w, &genomes, &reference, 0.3, &mut t, &mut tr, &Control::new());
        let demand = w.demand_shares();
        for i in 0..50 {
            assert_eq!(tr[i].persona, persona(&w, &genomes[i * 24..(i + 1) * 24], &demand, 0.3));
            let mut pi = vec![0.0; 5];
            policy(&w, &genomes[i * 24..(i + 1) * 24], 1, &mut pi);
            assert!((t.entropy[i * 4 + 1] - entropy(&pi)).abs() < 1e-12);
        }
    }

    #[test]
    fn specialist_helper_is_labelled_by_its_niche() {
        let w = World::assistant();
        let mut g = vec![0.0; w.genome_width()];
        g[20 + 2] = 8.0; // skill logits: niche 2
        g[2 * 5] = 6.0; // solve in niche 2
        let demand = w.demand_shares();
        // Uniform elsewhere: read over every niche, mostly a farmer.
        assert_eq!(persona(&w, &g, &demand, 0.5), 2 * 3 + 1);
        for k in [0, 1, 3] {
            g[k * 5 + 4] = 6.0; // decline the other niches
        }
        assert_eq!(persona(&w, &g, &demand, 0.5), 2 * 3);
        assert!(specialization(&skill_weights(&w, &g)) > 0.9);
    }
}
