//! The update of one learner from its batch (SPEC 4, "aggregation" and
//! "update"): the aggregated policy-gradient loss, plain or PPO-clipped, its
//! gradient for a tabular softmax policy, and the value table's regression.
//!
//! For a tabular softmax, d log pi(a|k) / d theta[k, j] = [a = j] - pi(j|k),
//! so each step adds its weight w_i A_t r_t to one (k, a) cell and to its
//! niche's total, and the gradient is cell - total * pi: the loss costs one
//! add per step, whatever the number of actions. The ratio
//! r = pi_new(a|k) / pi_old(a|k) depends only on (k, a): one table per
//! minibatch.

use crate::control::Control;
use super::advantage::Advantages;
use super::batch::Batch;
use super::config::{Advantage, Aggregation, Algorithm, Config};
use super::optimizer::State;
use super::policy::Policy;
use crate::rng::{self, Rng};

/// A learner's parameters and optimizer states.
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    /// [K x A] action logits (NicheWorld's genome layout).
    pub logits: Vec<f64>,
    /// [K x width] value table V(k, t), t the step within the episode.
    pub value: Vec<f64>,
    pub opt_logits: State,
    pub opt_value: State,
    /// This learner's own learning rate (None: the config's): what a
    /// lifetime inherits when evolution tunes it (`super::lifetime`).
    pub lr: Option<f64>,
}

/// What one update measured.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Stats {
    /// Means over the update's minibatch steps.
    pub value_loss: f64,
    pub clip_fraction: f64,
    pub approx_kl: f64,
    /// The first gradient (whole batch, before any step: ratio 1, no clip,
    /// advantages as estimated) and its split into reward and value parts.
    pub grad_norm: f64,
    pub grad_reward_norm: f64,
    pub grad_value_norm: f64,
    /// |g|^2, <g^R, g> and <g^V, g>: the projections (they add up: <g^R, g>
    /// + <g^V, g> = |g|^2), pooled over learners into shares by `measure`.
    pub grad_sq: f64,
    pub reward_dot: f64,
    pub value_dot: f64,
}

/// Buffers of one thread's updates.
#[derive(Debug, Default)]
pub struct Scratch {
    order: Vec<u32>,
    weight: Vec<f64>,
    cells: Vec<f64>,
    totals: Vec<f64>,
    grad: Vec<f64>,
    value_grad: Vec<f64>,
    ratio: Vec<f64>,
    log_ratio: Vec<f64>,
    policy: Policy,
    g: [Vec<f64>; 3],
    totals_scratch: Vec<f64>,
}

/// Each trajectory's weight in the aggregated loss, for trajectories `set`.
fn weights(agg: Aggregation, batch: &Batch, set: &[u32], l_max: f64, out: &mut Vec<f64>) {
    let g = set.len() as f64;
    let tokens: f64 = match agg {
        Aggregation::TokenMean => set.iter().map(|&i| batch.steps(i as usize).len() as f64).sum(),
        _ => 0.0,
    };
    out.clear();
    out.extend(set.iter().map(|&i| {
        let len = batch.steps(i as usize).len() as f64;
        match agg {
            Aggregation::Sum => 1.0 / g,
            Aggregation::SeqMean => 1.0 / (g * len),
            Aggregation::TokenMean => 1.0 / tokens,
            Aggregation::Constant => 1.0 / (g * l_max),
        }
    }));
}

/// The policy gradients (ascent directions) of the aggregated loss at ratio
/// 1 with the advantages `adv`, its reward part and its value part, over
/// trajectories `set`, into `out` ([K x A] each), in one pass.
fn gradients(batch: &Batch, set: &[u32], w: &[f64], adv: &Advantages, p: &[f64], a: usize, out: &mut [Vec<f64>; 3]) {
    for g in out.iter_mut() {
        g.clear();
        g.resize(p.len(), 0.0);
    }
    let [g, gr, gv] = out;
    for (&i, &wi) in set.iter().zip(w) {
        for t in batch.steps(i as usize) {
            let c = batch.cell[t] as usize;
            g[c] += wi * adv.adv[t];
            gr[c] += wi * adv.adv_reward[t];
            gv[c] += wi * adv.adv_value[t];
        }
    }
    // d log pi(a|k) / d theta[k, j] = [a = j] - pi(j|k): subtract each niche's total times pi.
    for x in out.iter_mut() {
        for (row, pr) in x.chunks_mut(a).zip(p.chunks(a)) {
            let total: f64 = row.iter().sum();
            row.iter_mut().zip(pr).for_each(|(v, q)| *v -= total * q);
        }
    }
}

fn dot(x: &[f64], y: &[f64]) -> f64 {
    x.iter().zip(y).map(|(a, b)| a * b).sum()
}

impl Scratch {
    /// The first gradient of the last `first_gradient` or `update` and its
    /// reward and value parts ([K x A] each, ascent directions).
    pub fn gradients(&self) -> &[Vec<f64>; 3] {
        &self.g
    }
}

/// The policy gradient of the aggregated loss on the whole batch, before
/// any step (ratio 1, no clip, advantages as estimated), and its split into
/// the reward and value parts of the advantages: the estimator SPEC 4's
/// exact checks compare with, and the seed's decomposition.
pub fn first_gradient(cfg: &Config, batch: &Batch, adv: &Advantages, old: &Policy, l_max: f64, s: &mut Scratch) -> Stats {
    let mut stats = Stats::default();
    s.order.clear();
    s.order.extend(0..batch.trajectories() as u32);
    weights(cfg.aggregation, batch, &s.order, l_max, &mut s.weight);
    gradients(batch, &s.order, &s.weight, adv, &old.p, old.a, &mut s.g);
    let [g, gr, gv] = &s.g;
    stats.grad_sq = dot(g, g);
    stats.grad_norm = stats.grad_sq.sqrt();
    stats.grad_reward_norm = dot(gr, gr).sqrt();
    stats.grad_value_norm = dot(gv, gv).sqrt();
    stats.reward_dot = dot(gr, g);
    stats.value_dot = dot(gv, g);
    stats
}

/// Update `params` from `batch` (rewards transformed, advantages `adv`)
/// collected with policy `old`. `width` is the value table's width,
/// `l_max` the longest possible trajectory (for `Constant`).
pub fn update(
    cfg: &Config,
    batch: &Batch,
    adv: &Advantages,
    old: &Policy,
    params: &mut Params,
    width: usize,
    l_max: f64,
    rng: &mut Rng,
    s: &mut Scratch,
    control: &Control,
) -> Stats {
    let a = old.a;
    let m = batch.trajectories();
    let mut stats = first_gradient(cfg, batch, adv, old, l_max, s);
    let mut pair = (std::mem::take(&mut s.cells), std::mem::take(&mut s.totals));
    pair.0.resize(old.p.len(), 0.0);

    let (clip, epochs, minibatches, normalize) = match cfg.algorithm {
        Algorithm::PolicyGradient => (f64::INFINITY, 1, 1, false),
        Algorithm::Ppo { clip, epochs, minibatches, normalize } => (clip, epochs, minibatches as usize, normalize),
    };
    let gae = matches!(cfg.advantage, Advantage::Gae { .. });
    let mut updates = 0u64;
    'epochs: for _ in 0..epochs {
        // A fresh order of trajectories each epoch (Fisher-Yates).
        for i in (1..m).rev() {
            let j = rng::below(rng, i as u64 + 1) as usize;
            s.order.swap(i, j);
        }
        for part in 0..minibatches {
            let (lo, hi) = (part * m / minibatches, (part + 1) * m / minibatches);
            if lo == hi {
                continue;
            }
            // Minibatches of a big batch take a fraction of a second each; a
            // cancelled run's update is discarded (`run::learn`).
            if control.is_cancelled() {
                break 'epochs;
            }
            let set = &s.order[lo..hi];
            // Before the first step the policy is the old one: ratio 1.
            let new = if updates == 0 {
                old
            } else {
                s.policy.set(&params.logits, a);
                &s.policy
            };
            s.ratio.clear();
            s.log_ratio.clear();
            for c in 0..old.p.len() {
                let lr = new.log_p[c] - old.log_p[c];
                s.log_ratio.push(lr);
                // pi_new / pi_old, as a quotient where pi_old is not tiny.
                s.ratio.push(if old.p[c] > 1e-200 { new.p[c] / old.p[c] } else { lr.exp() });
            }
            weights(cfg.aggregation, batch, set, l_max, &mut s.weight);
            // Per-minibatch standardisation of the advantages (CleanRL).
            let (mut steps, mut sum, mut sum2) = (0usize, 0.0, 0.0);
            for &i in set {
                for t in batch.steps(i as usize) {
                    let x = adv.adv[t];
                    steps += 1;
                    sum += x;
                    sum2 += x * x;
                }
            }
            let (mut mean, mut sd) = (0.0, 1.0);
            if normalize && steps > 1 {
                mean = sum / steps as f64;
                sd = ((sum2 - steps as f64 * mean * mean).max(0.0) / (steps - 1) as f64).sqrt() + 1e-8;
            }
            let inv_sd = 1.0 / sd;
            let (cells, counts) = &mut pair;
            cells.iter_mut().for_each(|x| *x = 0.0);
            counts.clear();
            counts.resize(old.p.len(), 0.0);
            s.value_grad.clear();
            s.value_grad.resize(params.value.len(), 0.0);
            let (lo_r, hi_r) = (1.0 - clip, 1.0 + clip);
            let (mut loss, per) = (0.0, 1.0 / steps as f64);
            for (&i, &wi) in set.iter().zip(&s.weight) {
                for t in batch.steps(i as usize) {
                    let c = batch.cell[t] as usize;
                    let r = s.ratio[c];
                    let x = (adv.adv[t] - mean) * inv_sd;
                    // Where the clipped term is the smaller one it has no
                    // gradient (branch-free: clipping falls at random).
                    let stopped = ((x > 0.0) & (r > hi_r)) | ((x < 0.0) & (r < lo_r));
                    cells[c] += if stopped { 0.0 } else { wi * x * r };
                    counts[c] += 1.0;
                    if gae {
                        // 0.5 * mean squared error of V(s_t) against its target.
                        let at = batch.niche[t] as usize * width + batch.t[t] as usize;
                        let e = params.value[at] - adv.target[t];
                        loss += 0.5 * e * e;
                        s.value_grad[at] += e * per;
                    }
                }
            }
            // The ratio and its log depend only on the cell: sum per cell.
            let (mut clipped, mut kl) = (0.0, 0.0);
            for c in 0..old.p.len() {
                let (r, lr, n) = (s.ratio[c], s.log_ratio[c], counts[c]);
                clipped += if (r - 1.0).abs() > clip { n } else { 0.0 };
                kl += n * ((r - 1.0) - lr);
            }
            stats.clip_fraction += clipped / steps as f64;
            stats.approx_kl += kl / steps as f64;
            let totals = &mut s.totals_scratch;
            totals.clear();
            totals.extend(cells.chunks(a).map(|row| row.iter().sum::<f64>()));
            // Minimise the loss: its gradient is minus the policy gradient.
            s.grad.clear();
            s.grad.extend((0..old.p.len()).map(|c| -(cells[c] - totals[c / a] * new.p[c])));
            let opt = params.lr.map_or(cfg.optimizer, |lr| cfg.optimizer.with_lr(lr));
            params.opt_logits.step(&opt, &mut params.logits, &s.grad);
            if gae {
                stats.value_loss += loss / steps as f64;
                params.opt_value.step(&opt, &mut params.value, &s.value_grad);
            }
            updates += 1;
        }
    }
    (s.cells, s.totals) = pair;
    let u = updates.max(1) as f64;
    stats.value_loss /= u;
    stats.clip_fraction /= u;
    stats.approx_kl /= u;
    stats
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aggregation_weights_follow_spec() {
        let b = Batch { start: vec![0, 1, 4], ..Batch::default() };
        let mut w = Vec::new();
        weights(Aggregation::Sum, &b, &[0, 1], 10.0, &mut w);
        assert_eq!(w, vec![0.5, 0.5]);
        weights(Aggregation::SeqMean, &b, &[0, 1], 10.0, &mut w);
        assert_eq!(w, vec![0.5, 0.5 / 3.0]);
        weights(Aggregation::TokenMean, &b, &[0, 1], 10.0, &mut w);
        assert_eq!(w, vec![0.25, 0.25]);
        weights(Aggregation::Constant, &b, &[0, 1], 10.0, &mut w);
        assert_eq!(w, vec![0.05, 0.05]);
    }
}
