//! Returns and advantages of a batch (SPEC 4, "returns" and "advantage").
//!
//! GAE splits each advantage in two, A_t = A^R_t + A^V_t: A^R_t =
//! sum_l (gamma lambda)^l r_{t+l} comes from the rewards alone, A^V_t
//! collects the value terms (gamma V(s_{t+l+1}) - V(s_{t+l})). The update
//! splits its first gradient the same way (the seed's claim that in
//! sparse-reward PPO most of the gradient comes through the value head).

use super::batch::Batch;
use super::config::{Advantage, Returns};

/// Per-step advantages (and their split), value targets, and per-trajectory returns.
#[derive(Debug, Default, Clone)]
pub struct Advantages {
    pub adv: Vec<f64>,
    pub adv_reward: Vec<f64>,
    pub adv_value: Vec<f64>,
    /// GAE's value targets A_t + V(s_t).
    pub target: Vec<f64>,
    /// G_i of each trajectory (after the returns transform).
    pub returns: Vec<f64>,
}

/// Apply the returns transform to the batch's rewards in place: under
/// `Rate`, every trajectory's summed reward divided by its length becomes
/// its last step's reward, every other step's 0.
pub fn transform(batch: &mut Batch, returns: Returns) {
    if returns == Returns::Sum {
        return;
    }
    for i in 0..batch.trajectories() {
        let steps = batch.steps(i);
        let len = steps.len() as f64;
        let total: f64 = batch.reward[steps.clone()].iter().sum();
        batch.reward[steps.clone()].iter_mut().for_each(|r| *r = 0.0);
        batch.reward[steps.end - 1] = total / len;
    }
}

/// V(s) of the step `s` of the batch, from the value table ([K x width]).
#[inline]
fn value_at(batch: &Batch, value: &[f64], width: usize, s: usize) -> f64 {
    value[batch.niche[s] as usize * width + batch.t[s] as usize]
}

/// Estimate the advantages of `batch` (rewards already transformed).
/// `value` is V(k, t) ([K x width]) for GAE; `baseline` the running
/// baseline per niche for REINFORCE.
pub fn estimate(batch: &Batch, advantage: Advantage, value: &[f64], width: usize, baseline: &[f64], out: &mut Advantages) {
    let n = batch.len();
    for v in [&mut out.adv, &mut out.adv_reward, &mut out.adv_value, &mut out.target] {
        v.clear();
        v.resize(n, 0.0);
    }
    out.returns.clear();
    for i in 0..batch.trajectories() {
        out.returns.push(batch.reward[batch.steps(i)].iter().sum());
    }
    match advantage {
        Advantage::Gae { gamma, lambda } => {
            for i in 0..batch.trajectories() {
                let steps = batch.steps(i);
                let (mut a_next, mut r_next) = (0.0, 0.0);
                for s in steps.clone().rev() {
                    // The next state: none after the trajectory's last step; a
                    // follow-up's first step (k, 0) bootstraps across episodes.
                    let v_next = if s + 1 == steps.end { 0.0 } else { value_at(batch, value, width, s + 1) };
                    let v = value_at(batch, value, width, s);
                    let r = batch.reward[s];
                    let a = r + gamma * v_next - v + gamma * lambda * a_next;
                    let ar = r + gamma * lambda * r_next;
                    out.adv[s] = a;
                    out.adv_reward[s] = ar;
                    out.adv_value[s] = a - ar;
                    out.target[s] = a + v;
                    (a_next, r_next) = (a, ar);
                }
            }
        }
        Advantage::Group { scale } => {
            let k = batch.traj_niche.iter().map(|&k| k as usize + 1).max().unwrap_or(0);
            let (mut sum, mut count) = (vec![0.0; k], vec![0usize; k]);
            for (i, &g) in out.returns.iter().enumerate() {
                sum[batch.traj_niche[i] as usize] += g;
                count[batch.traj_niche[i] as usize] += 1;
            }
            let mean: Vec<f64> = sum.iter().zip(&count).map(|(s, &c)| if c > 0 { s / c as f64 } else { 0.0 }).collect();
            let mut ss = vec![0.0; k];
            for (i, &g) in out.returns.iter().enumerate() {
                let kk = batch.traj_niche[i] as usize;
                ss[kk] += (g - mean[kk]).powi(2);
            }
            // Unbiased std plus 1e-6, as verl's GRPO (groups have >= 2 members).
            let sd: Vec<f64> = ss.iter().zip(&count).map(|(s, &c)| (s / (c.max(2) - 1) as f64).sqrt()).collect();
            for i in 0..batch.trajectories() {
                let kk = batch.traj_niche[i] as usize;
                let centred = out.returns[i] - mean[kk];
                let a = if scale { centred / (sd[kk] + 1e-6) } else { centred };
                fill(out, batch.steps(i), a);
            }
        }
        Advantage::Reinforce { .. } => {
            for i in 0..batch.trajectories() {
                let a = out.returns[i] - baseline[batch.traj_niche[i] as usize];
                fill(out, batch.steps(i), a);
            }
        }
    }
}

/// One advantage for every step of a trajectory (all of it from the reward).
fn fill(out: &mut Advantages, steps: std::ops::Range<usize>, a: f64) {
    out.adv[steps.clone()].iter_mut().for_each(|x| *x = a);
    out.adv_reward[steps].iter_mut().for_each(|x| *x = a);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One trajectory of three steps in niche 0, rewards 1, 0, 2.
    fn batch() -> Batch {
        Batch {
            niche: vec![0; 3],
            t: vec![0, 1, 2],
            action: vec![0; 3],
            reward: vec![1.0, 0.0, 2.0],
            first: vec![true, false, false],
            start: vec![0, 3],
            traj_niche: vec![0],
            solved: vec![false],
            ..Batch::default()
        }
    }

    #[test]
    fn gae_with_lambda_one_and_zero_values_is_the_monte_carlo_return() {
        let b = batch();
        let mut out = Advantages::default();
        estimate(&b, Advantage::Gae { gamma: 1.0, lambda: 1.0 }, &[0.0; 3], 3, &[0.0], &mut out);
        assert_eq!(out.adv, vec![3.0, 2.0, 2.0]);
        assert_eq!(out.adv_value, vec![0.0; 3]);
        // With values, the split still adds up and the reward part is unchanged.
        estimate(&b, Advantage::Gae { gamma: 0.9, lambda: 0.5 }, &[0.3, -0.2, 0.7], 3, &[0.0], &mut out);
        for s in 0..3 {
            assert!((out.adv[s] - out.adv_reward[s] - out.adv_value[s]).abs() < 1e-12);
        }
        assert!((out.adv_reward[0] - (1.0 + 0.45 * (0.0 + 0.45 * 2.0))).abs() < 1e-12);
    }

    #[test]
    fn rate_returns_become_one_terminal_reward() {
        let mut b = batch();
        transform(&mut b, Returns::Rate);
        assert_eq!(b.reward, vec![0.0, 0.0, 1.0]);
    }
}
