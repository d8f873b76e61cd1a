//! One episode: an agent serves one request, step by step.
//!
//! Each step costs two 64-bit draws and no data-dependent branch but the
//! one that ends the episode: a step's outcome comes from table lookups
//! indexed by the draw, not from `if`s, because the action is random and a
//! mispredicted branch costs more than a draw. Draw `x`: high 32 bits pick
//! the action (a compare against each cumulative threshold), low 32 bits
//! the skill check. Draw `y`: low 32 bits whether the user stays, high 32
//! bits the follow-up chance of an ending action.

use rand::Rng as _;

use super::genome::{threshold, ONE};
use super::world::World;
use crate::control::Control;
use crate::rng::Rng;

/// Steps between two looks at the cancel flag within one episode: an
/// episode may run to `max_steps` (up to 2^32 - 1) when nothing ends it, and
/// Ctrl-C must still be answered within a second. 2^20 steps take ~10 ms.
pub const PAUSE: u32 = 1 << 20;

/// An action in a niche as the step loop sees it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Step {
    /// Proxy and gold reward, indexed by `failed` (a skilled action's failure).
    pub proxy: [f64; 2],
    pub gold: [f64; 2],
    /// Follow-up threshold and whether the step ends the episode, indexed by
    /// `failed` (a failure brings no follow-up and ends only if `fail_ends`).
    pub follow_up: [u64; 2],
    pub ends: [bool; 2],
    /// Skilled and not rerouting: a rerouting action passes the request on
    /// before any skill check.
    pub skilled: bool,
    pub reroute: bool,
    /// Skilled and ending: its success solves the request.
    pub solves: bool,
}

/// The world flattened for the step loop: `steps[k * A + a]`, plus each
/// niche's patience threshold and cap.
#[derive(Debug, Clone)]
pub struct Rules {
    pub a: usize,
    pub steps: Vec<Step>,
    pub patience: Vec<u64>,
    pub max_steps: Vec<u32>,
    /// Cumulative demand thresholds (the last is ONE), to draw a niche.
    pub demand: Vec<u64>,
}

impl Rules {
    pub fn new(world: &World) -> Rules {
        let a = world.a();
        let mut steps = Vec::with_capacity(world.k() * a);
        for k in 0..world.k() {
            for (j, act) in world.actions.iter().enumerate() {
                let o = world.outcome(k, j);
                steps.push(Step {
                    proxy: [o.proxy, o.fail_proxy],
                    gold: [o.gold, o.fail_gold],
                    follow_up: [threshold(o.follow_up), 0],
                    ends: [act.ends, act.ends && act.fail_ends],
                    skilled: act.skilled && !act.reroute,
                    reroute: act.reroute,
                    solves: act.skilled && act.ends && !act.reroute,
                });
            }
        }
        let mut c = 0.0;
        let mut demand: Vec<u64> = world
            .demand_shares()
            .iter()
            .map(|d| {
                c += d;
                threshold(c)
            })
            .collect();
        *demand.last_mut().expect("validated: at least one niche") = ONE;
        Rules {
            a,
            steps,
            patience: world.niches.iter().map(|n| threshold(n.patience)).collect(),
            max_steps: world.niches.iter().map(|n| n.max_steps).collect(),
            demand,
        }
    }

    /// A niche drawn by demand.
    #[inline]
    pub fn draw_niche(&self, rng: &mut Rng) -> usize {
        pick(&self.demand, rng.next_u64() >> 32)
    }
}

/// Index of the first cumulative threshold above `u` (branch-free count).
#[inline(always)]
pub fn pick(cumulative: &[u64], u: u64) -> usize {
    let last = cumulative.len() - 1;
    cumulative[..last].iter().map(|&c| (c <= u) as usize).sum()
}

/// How an episode ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// A skilled action succeeded and ended the episode.
    Solved,
    /// An unskilled ending action.
    Ended,
    /// The user left after a non-ending step.
    Left,
    /// The step cap (max_steps, or the agent's remaining time budget).
    Capped,
    /// A rerouting action: the request goes to another agent.
    Declined,
}

/// An episode's outcome as flags, so that the caller's bookkeeping is
/// arithmetic rather than a branch per kind of ending (see `End`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Episode {
    pub steps: u32,
    pub proxy: f64,
    pub gold: f64,
    /// The last action ended the episode (a decline, an ending action that
    /// did not fail, or a failed one that ends anyway).
    pub ended: bool,
    /// The last action was a skilled ending action that succeeded.
    pub solved: bool,
    pub declined: bool,
    /// The user left (only meaningful when the episode did not end).
    pub left: bool,
    pub follow_up: bool,
    /// 64 random bits drawn by the last step that a declined episode never
    /// read (its leave and follow-up draws do not apply): the first draw of
    /// the request's next target, so a decline costs no extra draw.
    pub spare: u64,
}

impl Episode {
    pub fn end(&self) -> End {
        if self.declined {
            End::Declined
        } else if self.solved {
            End::Solved
        } else if self.ended {
            End::Ended
        } else if self.left {
            End::Left
        } else {
            End::Capped
        }
    }
}

/// Run one episode of niche `k`. `cumulative` is the agent's row for k,
/// `cap` >= 1 the step cap; `action_steps[a]` counts the steps per action.
/// A cancelled `control` cuts an episode longer than `PAUSE` steps short
/// (the caller then returns `Interrupted`, so the cut episode is never seen).
#[inline(always)]
pub fn run(
    rules: &Rules,
    k: usize,
    cumulative: &[u64],
    skill: u64,
    cap: u32,
    rng: &mut Rng,
    control: &Control,
    action_steps: &mut [u64],
) -> Episode {
    run_observed(rules, k, cumulative, skill, cap, rng, control, |a, _, _| action_steps[a] += 1)
}

/// `run`, calling `step(action, failed, proxy)` after each step: the one
/// law of an episode, whoever watches it (the generation counts actions, a
/// learner records its trajectory).
#[inline(always)]
pub fn run_observed(
    rules: &Rules,
    k: usize,
    cumulative: &[u64],
    skill: u64,
    cap: u32,
    rng: &mut Rng,
    control: &Control,
    mut step: impl FnMut(usize, bool, f64),
) -> Episode {
    let row = &rules.steps[k * rules.a..(k + 1) * rules.a];
    let patience = rules.patience[k];
    let (mut proxy, mut gold, mut steps) = (0.0, 0.0, 0u32);
    // Where the loop next stops to look at the cancel flag: the cap itself
    // for every episode shorter than PAUSE (one compare, as before).
    let mut pause = cap.min(PAUSE);
    loop {
        steps += 1;
        let (x, y) = (rng.next_u64(), rng.next_u64());
        let a = pick(cumulative, x >> 32);
        let s = &row[a];
        let failed = s.skilled & ((x & LOW) >= skill);
        step(a, failed, s.proxy[failed as usize]);
        proxy += s.proxy[failed as usize];
        gold += s.gold[failed as usize];
        let ended = s.reroute | s.ends[failed as usize];
        let left = (y & LOW) >= patience;
        if ended | left | (steps >= pause) {
            if !(ended | left) && steps < cap && !control.is_cancelled() {
                pause = cap.min(steps.saturating_add(PAUSE));
                continue;
            }
            return Episode {
                steps,
                proxy,
                gold,
                ended,
                solved: s.solves & !failed,
                declined: s.reroute,
                left,
                follow_up: ended & ((y >> 32) < s.follow_up[failed as usize]),
                spare: y,
            };
        }
    }
}

const LOW: u64 = 0xFFFF_FFFF;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::stream;

    #[test]
    fn pick_follows_thresholds() {
        let c = [10, 10, 30, ONE];
        assert_eq!(pick(&c, 0), 0);
        assert_eq!(pick(&c, 10), 2);
        assert_eq!(pick(&c, 29), 2);
        assert_eq!(pick(&c, 30), 3);
        assert_eq!(pick(&c, ONE - 1), 3);
    }

    #[test]
    fn pure_engage_runs_a_capped_geometric_episode() {
        let w = World::assistant();
        let rules = Rules::new(&w);
        // Always `engage` (action 1): length = min(Geometric(0.1), 20).
        let cum = [0, ONE, ONE, ONE, ONE];
        let mut r = stream(1, &[]);
        let mut counts = [0u64; 5];
        let n = 50_000;
        let mut total = 0.0;
        for _ in 0..n {
            let e = run(&rules, 0, &cum, 0, 20, &mut r, &Control::new(), &mut counts);
            assert!(matches!(e.end(), End::Left | End::Capped));
            assert!((e.proxy - 0.25 * e.steps as f64).abs() < 1e-9);
            total += e.steps as f64;
        }
        let expected = (1.0 - 0.9f64.powi(20)) / 0.1;
        // Var(L) < E[L^2] ~ 2/0.01; sd of the mean < sqrt(190 / n).
        assert!((total / n as f64 - expected).abs() < 4.0 * (190.0 / n as f64).sqrt());
        assert_eq!(counts[1], total as u64);
    }

    #[test]
    fn an_endless_episode_stops_when_cancelled() {
        let mut w = World::assistant();
        w.niches[0].patience = 1.0;
        let rules = Rules::new(&w);
        // Always `engage`, a patient user, no cap in sight: only a cancel ends it.
        let cum = [0, ONE, ONE, ONE, ONE];
        let (mut r, mut counts) = (stream(1, &[]), [0u64; 5]);
        let control = Control::new();
        let e = run(&rules, 0, &cum, 0, 3 * PAUSE + 5, &mut r, &control, &mut counts);
        assert_eq!((e.steps, e.end()), (3 * PAUSE + 5, End::Capped));
        control.cancel();
        let e = run(&rules, 0, &cum, 0, u32::MAX, &mut r, &control, &mut counts);
        assert_eq!(e.steps, PAUSE);
    }
}
