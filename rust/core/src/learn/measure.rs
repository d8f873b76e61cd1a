//! What each iteration measures (SPEC 4, "Measured per iteration"): one row
//! of the history per iteration, summed over learners in learner order.
//!
//! Columns that `evolve` also has keep its names and meaning: from the
//! batches, `steps`, `episodes`, `solved`, `episode_length` (steps per
//! episode), `proxy_per_step`, `solved_fraction` (solved per episode
//! served), `share_<action>` (of steps), `farming_share` (steps in farmer
//! actions); from the policies, `policy_entropy` and `kl_from_initial`
//! (demand-weighted, mean over learners) and `effective_personas`. The
//! learners add: `trajectories`, `return_mean` (mean trajectory return as
//! the learner sees it: returns transform and shaping included),
//! `trajectory_length`, `failed_length` (steps of trajectories with no
//! solved episode), `proxy_per_need` and `gold_per_need` (the exact
//! evaluator's expectation per fresh request, follow-ups included: mean
//! over learners, demand-weighted), and the update's `value_loss`,
//! `clip_fraction`, `approx_kl`, `grad_norm`, `grad_reward_norm`,
//! `grad_value_norm`, `reward_share`, `value_share` (the projections
//! <g^X, g> summed over learners over the summed |g|^2).

use super::batch::Tally;
use super::update::Stats;
use crate::table::Table;

/// What one learner did and was in one iteration.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Record {
    pub tally: Tally,
    pub trajectories: u64,
    pub returns: f64,
    pub failed: u64,
    pub failed_steps: u64,
    pub proxy_per_need: f64,
    pub gold_per_need: f64,
    pub entropy: f64,
    pub kl: f64,
    pub persona: u16,
    pub update: Stats,
}

fn ratio(x: f64, y: f64) -> f64 {
    if y == 0.0 { f64::NAN } else { x / y }
}

/// Add the row of `iteration` to `history`; `personas` is the number of
/// persona labels, `a` the number of actions.
pub fn record(history: &mut Table, iteration: u64, records: &[Record], a: usize, personas: usize) {
    let n = records.len() as f64;
    let sum = |f: &dyn Fn(&Record) -> f64| records.iter().map(f).sum::<f64>();
    let count = |f: &dyn Fn(&Record) -> u64| records.iter().map(f).sum::<u64>();
    let mean = |f: &dyn Fn(&Record) -> f64| sum(f) / n;
    let steps = count(&|r| r.tally.steps);
    let episodes = count(&|r| r.tally.episodes);
    let trajectories = count(&|r| r.trajectories);
    let solved = count(&|r| r.tally.solved);
    let h = history;
    h.int("iteration", iteration);
    h.int("steps", steps);
    h.int("episodes", episodes);
    h.int("trajectories", trajectories);
    h.int("solved", solved);
    h.int("declined", count(&|r| r.tally.declined));
    h.int("follow_ups", count(&|r| r.tally.follow_ups));
    h.float("return_mean", ratio(sum(&|r| r.returns), trajectories as f64));
    h.float("trajectory_length", ratio(steps as f64, trajectories as f64));
    h.float("episode_length", ratio(steps as f64, episodes as f64));
    h.float("failed_length", ratio(count(&|r| r.failed_steps) as f64, count(&|r| r.failed) as f64));
    h.float("proxy_per_step", ratio(sum(&|r| r.tally.proxy), steps as f64));
    h.float("gold_per_step", ratio(sum(&|r| r.tally.gold), steps as f64));
    h.float("solved_fraction", ratio(solved as f64, episodes as f64));
    h.float("proxy_per_need", mean(&|r| r.proxy_per_need));
    h.float("gold_per_need", mean(&|r| r.gold_per_need));
    h.float("policy_entropy", mean(&|r| r.entropy));
    h.float("kl_from_initial", mean(&|r| r.kl));
    let mut labels = vec![0u64; personas];
    for r in records {
        labels[r.persona as usize] += 1;
    }
    let entropy: f64 = labels.iter().filter(|&&c| c > 0).map(|&c| c as f64 / n).map(|p| -p * p.ln()).sum();
    h.float("effective_personas", entropy.exp());
    let farming = count(&|r| r.tally.behaviour_steps[1]);
    h.float("farming_share", ratio(farming as f64, steps as f64));
    for j in 0..a {
        let steps_j: u64 = records
            .iter()
            .map(|r| r.tally.action_steps.iter().skip(j).step_by(a).sum::<u64>())
            .sum();
        h.float(&format!("share_{j}"), ratio(steps_j as f64, steps as f64));
    }
    h.float("value_loss", mean(&|r| r.update.value_loss));
    h.float("clip_fraction", mean(&|r| r.update.clip_fraction));
    h.float("approx_kl", mean(&|r| r.update.approx_kl));
    h.float("grad_norm", mean(&|r| r.update.grad_norm));
    h.float("grad_reward_norm", mean(&|r| r.update.grad_reward_norm));
    h.float("grad_value_norm", mean(&|r| r.update.grad_value_norm));
    // Pooled over learners: a learner near a stationary point has g ~ 0 and
    // parts that cancel, so its own shares are unbounded noise.
    let gg = sum(&|r| r.update.grad_sq);
    h.float("reward_share", ratio(sum(&|r| r.update.reward_dot), gg));
    h.float("value_share", ratio(sum(&|r| r.update.value_dot), gg));
}
