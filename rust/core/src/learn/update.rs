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
    /// <g^R, g> / |g|^2 and <g^V, g> / |g|^2 (they sum to 1; 0 when g = 0).
    pub reward_share: f64,
    pub value_share: f64,
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

/// The policy gradient (ascent direction) of the aggregated loss at ratio 1
/// with advantages `adv`, over trajectories `set`, into `out` ([K x A]).
fn gradient(batch: &Batch, set: &[u32], w: &[f64], adv: &[f64], p: &[f64], a: usize, s: &mut (Vec<f64>, Vec<f64>), out: &mut Vec<f64>) {
    let (cells, totals) = s;
    cells.clear();
    cells.resize(p.len(), 0.0);
    totals.clear();
    totals.resize(p.len() / a, 0.0);
    for (&i, &wi) in set.iter().zip(w) {
        for t in batch.steps(i as usize) {
            let (k, j) = (batch.niche[t] as usize, batch.action[t] as usize);
            let x = wi * adv[t];
            cells[k * a + j] += x;
            totals[k] += x;
        }
    }
    out.clear();
    out.extend((0..p.len()).map(|c| cells[c] - totals[c / a] * p[c]));
}

fn dot(x: &[f64], y: &[f64]) -> f64 {
    x.iter().zip(y).map(|(a, b)| a * b).sum()
}

impl Scratch {
    /// The first gradient of the last `first_gradient` or `update` ([K x A],
    /// the ascent direction of the aggregated objective).
    pub fn gradient(&self) -> &[f64] {
        &self.g[0]
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
    let mut pair = (std::mem::take(&mut s.cells), std::mem::take(&mut s.totals));
    for (out, part) in s.g.iter_mut().zip([&adv.adv, &adv.adv_reward, &adv.adv_value]) {
        gradient(batch, &s.order, &s.weight, part, &old.p, old.a, &mut pair, out);
    }
    (s.cells, s.totals) = pair;
    let [g, gr, gv] = &s.g;
    let gg = dot(g, g);
    stats.grad_norm = gg.sqrt();
    stats.grad_reward_norm = dot(gr, gr).sqrt();
    stats.grad_value_norm = dot(gv, gv).sqrt();
    if gg > 0.0 {
        stats.reward_share = dot(gr, g) / gg;
        stats.value_share = dot(gv, g) / gg;
    }
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
) -> Stats {
    let a = old.a;
    let m = batch.trajectories();
    let mut stats = first_gradient(cfg, batch, adv, old, l_max, s);
    let mut pair = (std::mem::take(&mut s.cells), std::mem::take(&mut s.totals));

    let (clip, epochs, minibatches, normalize) = match cfg.algorithm {
        Algorithm::PolicyGradient => (f64::INFINITY, 1, 1, false),
        Algorithm::Ppo { clip, epochs, minibatches, normalize } => (clip, epochs, minibatches as usize, normalize),
    };
    let gae = matches!(cfg.advantage, Advantage::Gae { .. });
    let mut updates = 0u64;
    for _ in 0..epochs {
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
            let set = &s.order[lo..hi];
            s.policy.set(&params.logits, a);
            s.ratio.clear();
            s.log_ratio.clear();
            for c in 0..old.p.len() {
                let lr = s.policy.log_p[c] - old.log_p[c];
                s.log_ratio.push(lr);
                s.ratio.push(lr.exp());
            }
            weights(cfg.aggregation, batch, set, l_max, &mut s.weight);
            // Per-minibatch standardisation of the advantages (CleanRL).
            let (mut mean, mut sd) = (0.0, 1.0);
            let steps: usize = set.iter().map(|&i| batch.steps(i as usize).len()).sum();
            if normalize && steps > 1 {
                let sum: f64 = set.iter().flat_map(|&i| batch.steps(i as usize)).map(|t| adv.adv[t]).sum();
                mean = sum / steps as f64;
                let ss: f64 = set.iter().flat_map(|&i| batch.steps(i as usize)).map(|t| (adv.adv[t] - mean).powi(2)).sum();
                sd = (ss / (steps - 1) as f64).sqrt() + 1e-8;
            }
            let (cells, totals) = &mut pair;
            cells.clear();
            cells.resize(old.p.len(), 0.0);
            totals.clear();
            totals.resize(old.p.len() / a, 0.0);
            let (mut clipped, mut kl) = (0u64, 0.0);
            for (&i, &wi) in set.iter().zip(&s.weight) {
                for t in batch.steps(i as usize) {
                    let (k, j) = (batch.niche[t] as usize, batch.action[t] as usize);
                    let c = k * a + j;
                    let (r, lr) = (s.ratio[c], s.log_ratio[c]);
                    let x = (adv.adv[t] - mean) / sd;
                    clipped += ((r - 1.0).abs() > clip) as u64;
                    kl += (r - 1.0) - lr;
                    // The clipped term is the smaller one: no gradient.
                    if (x > 0.0 && r > 1.0 + clip) || (x < 0.0 && r < 1.0 - clip) {
                        continue;
                    }
                    let y = wi * x * r;
                    cells[c] += y;
                    totals[k] += y;
                }
            }
            stats.clip_fraction += clipped as f64 / steps as f64;
            stats.approx_kl += kl / steps as f64;
            // Minimise the loss: its gradient is minus the policy gradient.
            s.grad.clear();
            s.grad.extend((0..old.p.len()).map(|c| -(cells[c] - totals[c / a] * s.policy.p[c])));
            params.opt_logits.step(&cfg.optimizer, &mut params.logits, &s.grad);
            if gae {
                // 0.5 * mean squared error of V(s_t) against its target.
                s.value_grad.clear();
                s.value_grad.resize(params.value.len(), 0.0);
                let mut loss = 0.0;
                for &i in set {
                    for t in batch.steps(i as usize) {
                        let at = batch.niche[t] as usize * width + batch.t[t] as usize;
                        let e = params.value[at] - adv.target[t];
                        loss += 0.5 * e * e;
                        s.value_grad[at] += e / steps as f64;
                    }
                }
                stats.value_loss += loss / steps as f64;
                params.opt_value.step(&cfg.optimizer, &mut params.value, &s.value_grad);
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
