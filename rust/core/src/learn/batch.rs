//! A learner's batch: the trajectories of one iteration, as the shared
//! episode law (`niche::episode`) plays them, step by step.
//!
//! The batch holds `episodes` fresh requests (needs), split over niches by
//! demand with fixed counts (`niche_counts`): every iteration has the same
//! number of trajectories per niche, as GRPO's groups of responses to one
//! prompt need. A trajectory is one episode, or (`Trajectory::User`) an
//! episode and the follow-ups it causes, chained up to `max_chain`
//! episodes; a follow-up is the same user coming back with a request of
//! the same niche.

use crate::control::Control;
use crate::niche::episode::{run_observed, Rules};
use crate::niche::persona::Behaviour;
use crate::rng::Rng;

/// Fresh requests per niche: `episodes` split by demand, whole numbers by
/// largest remainder (ties to the lower niche), so the counts are the same
/// every iteration and sum to `episodes`.
pub fn niche_counts(demand: &[f64], episodes: u32) -> Vec<u32> {
    let quota: Vec<f64> = demand.iter().map(|d| d * episodes as f64).collect();
    let mut counts: Vec<u32> = quota.iter().map(|q| q.floor() as u32).collect();
    let mut left = episodes - counts.iter().sum::<u32>();
    let mut order: Vec<usize> = (0..demand.len()).collect();
    order.sort_by(|&i, &j| (quota[j] - quota[j].floor()).total_cmp(&(quota[i] - quota[i].floor())).then(i.cmp(&j)));
    for &i in order.iter().cycle() {
        if left == 0 {
            break;
        }
        if demand[i] > 0.0 {
            counts[i] += 1;
            left -= 1;
        }
    }
    counts
}

/// What the batch's steps and trajectories were (reused from one iteration
/// to the next; no allocation once grown).
#[derive(Debug, Default, Clone)]
pub struct Batch {
    /// Per step: niche, step within its episode (0-based), action, reward
    /// (proxy plus the shaping terms, before the returns transform), and
    /// whether it is the first step of an episode.
    pub niche: Vec<u8>,
    pub t: Vec<u16>,
    pub action: Vec<u8>,
    /// The (niche, action) cell k * A + a of the policy table.
    pub cell: Vec<u16>,
    pub reward: Vec<f64>,
    pub first: Vec<bool>,
    /// Trajectory i is steps `start[i]..start[i + 1]`.
    pub start: Vec<u32>,
    /// Per trajectory: its niche, and whether one of its episodes was solved.
    pub traj_niche: Vec<u8>,
    pub solved: Vec<bool>,
    /// Totals of the batch (for the history).
    pub tally: Tally,
}

/// Counts of one batch.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Tally {
    pub steps: u64,
    pub episodes: u64,
    pub solved: u64,
    pub declined: u64,
    pub follow_ups: u64,
    /// Raw proxy and gold (no shaping).
    pub proxy: f64,
    pub gold: f64,
    /// [K x A] steps per action.
    pub action_steps: Vec<u64>,
    /// Steps per behaviour class (helper, farmer, decliner).
    pub behaviour_steps: [u64; 3],
}

impl Batch {
    pub fn trajectories(&self) -> usize {
        self.traj_niche.len()
    }

    pub fn len(&self) -> usize {
        self.action.len()
    }

    pub fn is_empty(&self) -> bool {
        self.action.is_empty()
    }

    /// Steps of trajectory i.
    pub fn steps(&self, i: usize) -> std::ops::Range<usize> {
        self.start[i] as usize..self.start[i + 1] as usize
    }

    fn clear(&mut self, ka: usize) {
        self.niche.clear();
        self.t.clear();
        self.action.clear();
        self.cell.clear();
        self.reward.clear();
        self.first.clear();
        self.start.clear();
        self.start.push(0);
        self.traj_niche.clear();
        self.solved.clear();
        let mut action_steps = std::mem::take(&mut self.tally.action_steps);
        action_steps.clear();
        action_steps.resize(ka, 0);
        self.tally = Tally { action_steps, ..Tally::default() };
    }
}

/// What `collect` plays with: the world's step rules, the learner's step
/// tables and per-step shaping rewards.
pub struct Play<'a> {
    pub rules: &'a Rules,
    /// [K x A] cumulative action thresholds and [K] skill thresholds.
    pub cumulative: &'a [u64],
    pub skill: &'a [u64],
    /// [K x A] reward added to every step's proxy (entropy bonus, KL penalty).
    pub shaping: &'a [f64],
    /// [K x A] behaviour class of each action.
    pub classes: &'a [u8],
    /// Fresh requests per niche (`niche_counts`).
    pub counts: &'a [u32],
    /// Episodes a trajectory may chain (1 for `Trajectory::Episode`).
    pub chain: u32,
    /// Cuts endless episodes short once cancelled (`episode::PAUSE`).
    pub control: &'a Control,
}

/// Play one iteration's trajectories into `batch`, from `rng`.
pub fn collect(play: &Play<'_>, rng: &mut Rng, batch: &mut Batch) {
    let a = play.rules.a;
    batch.clear(play.cumulative.len());
    for (k, &n) in play.counts.iter().enumerate() {
        let (cum, skill, cap) = (&play.cumulative[k * a..(k + 1) * a], play.skill[k], play.rules.max_steps[k]);
        let shaping = &play.shaping[k * a..(k + 1) * a];
        for j in 0..n {
            // A cancelled run stops collecting (its batch is then discarded:
            // `run::learn` returns Interrupted after the block).
            if j % 1024 == 0 && play.control.is_cancelled() {
                return;
            }
            let mut solved = false;
            let mut episodes = 0;
            loop {
                let mut t = 0u16;
                let Batch { niche, t: ts, action, cell, reward, first, .. } = batch;
                let e = run_observed(play.rules, k, cum, skill, cap, rng, play.control, |j, _, proxy| {
                    niche.push(k as u8);
                    ts.push(t);
                    action.push(j as u8);
                    cell.push((k * a + j) as u16);
                    reward.push(proxy + shaping[j]);
                    first.push(t == 0);
                    t += 1;
                });
                let tally = &mut batch.tally;
                tally.steps += e.steps as u64;
                tally.episodes += 1;
                tally.solved += e.solved as u64;
                tally.declined += e.declined as u64;
                tally.follow_ups += e.follow_up as u64;
                tally.proxy += e.proxy;
                tally.gold += e.gold;
                solved |= e.solved;
                episodes += 1;
                if !(e.follow_up && episodes < play.chain) {
                    break;
                }
            }
            batch.start.push(batch.action.len() as u32);
            batch.traj_niche.push(k as u8);
            batch.solved.push(solved);
        }
    }
    for &c in &batch.cell {
        batch.tally.action_steps[c as usize] += 1;
        batch.tally.behaviour_steps[play.classes[c as usize] as usize] += 1;
    }
}

const _: () = assert!(Behaviour::Decliner as usize == 2);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_follow_demand_and_sum_to_the_episodes() {
        assert_eq!(niche_counts(&[0.25; 4], 64), vec![16; 4]);
        assert_eq!(niche_counts(&[0.4, 0.3, 0.2, 0.1], 10), vec![4, 3, 2, 1]);
        let c = niche_counts(&[0.5, 0.5, 0.0], 3);
        assert_eq!((c.iter().sum::<u32>(), c[2]), (3, 0));
        assert_eq!(niche_counts(&[1.0 / 3.0; 3], 4).iter().sum::<u32>(), 4);
    }
}
