//! One assistant's episodes in a NicheWorld, stepped by an outside policy.
//!
//! An episode is a fresh request: its niche drawn by demand, then steps
//! until the action ends it (a success of a skilled ending action, an
//! unskilled ending action, a failure that ends, a decline), the user
//! leaves (chance 1 - patience after a step that did not end it) or the
//! niche's `max_steps` cuts it (truncated). The law is the generation's
//! (`crate::niche::episode`): the same step table, the same two 64-bit
//! draws per step read the same way, so a fixed policy's returns have the
//! exact evaluator's expectations. What a step does not model here:
//! rerouting (a decline just ends the episode) and the follow-ups, which are
//! drawn (`Outcome::follow_up`) but never arrive.
//!
//! Randomness: episode e of an environment seeded s draws from the stream
//! (s, ENV, e), so an environment's episodes are the same whether it is
//! stepped alone or in a batch of any size, on any number of threads.

use rand::Rng as _;
use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::niche::episode::Rules;
use crate::niche::genome::threshold;
use crate::niche::World;
use crate::rng::{self, domain, Rng};

const LOW: u64 = 0xFFFF_FFFF;

/// The world as the environments step it, and each niche's skill.
#[derive(Debug, Clone)]
pub struct Assistant {
    rules: Rules,
    /// Per-niche skill thresholds on a 32-bit uniform.
    skill: Vec<u64>,
    /// The same as chances (the exact evaluator's skill).
    pub skill_chance: Vec<f64>,
    k: usize,
}

/// One environment: where its current episode is.
#[derive(Debug, Clone)]
pub struct State {
    pub seed: u64,
    /// Episodes begun since the last seeding (the current one's index).
    pub episode: u64,
    pub niche: u32,
    /// Steps taken in the current episode.
    pub step: u32,
    /// The last step ended the episode: the next step begins a new one.
    pub done: bool,
    rng: Rng,
}

/// What one step of one environment did.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Outcome {
    pub proxy: f64,
    pub gold: f64,
    /// The episode ended by the law (an ending action, a decline, the user left).
    pub terminated: bool,
    /// The episode reached `max_steps` without ending.
    pub truncated: bool,
    /// A skilled action failed its skill check.
    pub failed: bool,
    /// A skilled ending action succeeded: the request is solved.
    pub solved: bool,
    pub declined: bool,
    /// The user will come back with a new request (drawn on an ending step).
    pub follow_up: bool,
}

/// Many environments' last steps, column by column (the Python arrays).
#[derive(Debug, Clone, Default)]
pub struct Batch {
    pub niche: Vec<u32>,
    pub step: Vec<u32>,
    pub proxy: Vec<f64>,
    pub gold: Vec<f64>,
    pub terminated: Vec<bool>,
    pub truncated: Vec<bool>,
    pub solved: Vec<bool>,
    pub failed: Vec<bool>,
    pub follow_up: Vec<bool>,
}

impl Batch {
    fn resize(&mut self, n: usize) {
        self.niche.resize(n, 0);
        self.step.resize(n, 0);
        self.proxy.resize(n, 0.0);
        self.gold.resize(n, 0.0);
        self.terminated.resize(n, false);
        self.truncated.resize(n, false);
        self.solved.resize(n, false);
        self.failed.resize(n, false);
        self.follow_up.resize(n, false);
    }
}

/// A chunk of environments with their actions and output slices.
type Chunk<'a> = (
    &'a mut [State],
    &'a [i64],
    &'a mut [u32],
    &'a mut [u32],
    &'a mut [f64],
    &'a mut [f64],
    &'a mut [bool],
    &'a mut [bool],
    &'a mut [bool],
    &'a mut [bool],
    &'a mut [bool],
);

/// Batches smaller than this step on the calling thread.
const PARALLEL: usize = 1 << 13;

impl Assistant {
    /// The environments of `world` for an assistant whose success chance in
    /// niche k is `skill[k]` (empty: the world's skill for equal skill
    /// weights, capacity * (1/K)^tradeoff).
    pub fn new(world: &World, skill: &[f64]) -> Result<Assistant> {
        world.validate()?;
        let k = world.k();
        let skill: Vec<f64> = match skill.len() {
            0 => vec![crate::niche::genome::skill(world, 1.0 / k as f64); k],
            n if n == k => skill.to_vec(),
            n => return Err(Error::shape("skill", format!("expected {k} values (one per niche), got {n}"))),
        };
        if let Some(bad) = skill.iter().find(|s| !(0.0..=1.0).contains(*s)) {
            return Err(Error::invalid("skill", bad, "probabilities in [0, 1]"));
        }
        Ok(Assistant { rules: Rules::new(world), skill: skill.iter().map(|&s| threshold(s)).collect(), skill_chance: skill, k })
    }

    pub fn actions(&self) -> usize {
        self.rules.a
    }

    pub fn niches(&self) -> usize {
        self.k
    }

    /// The longest episode of any niche.
    pub fn max_steps(&self) -> u32 {
        self.rules.max_steps.iter().cloned().max().unwrap_or(1)
    }

    /// An environment seeded `seed`, at the start of its first episode.
    pub fn reset(&self, seed: u64) -> State {
        let mut s = State { seed, episode: 0, niche: 0, step: 0, done: false, rng: rng::stream(seed, &[domain::ENV, 0]) };
        self.begin(&mut s);
        s
    }

    /// Begin episode `s.episode`: its own stream, its niche.
    fn begin(&self, s: &mut State) {
        s.rng = rng::stream(s.seed, &[domain::ENV, s.episode]);
        s.niche = self.rules.draw_niche(&mut s.rng) as u32;
        s.step = 0;
        s.done = false;
    }

    /// Begin the next episode of `s` (after one ended, or cut short).
    pub fn next_episode(&self, s: &mut State) {
        s.episode += 1;
        self.begin(s);
    }

    /// Take `action` (checked: < actions) in `s`'s current episode.
    pub fn step(&self, s: &mut State, action: usize) -> Outcome {
        let k = s.niche as usize;
        let st = &self.rules.steps[k * self.rules.a + action];
        let (x, y) = (s.rng.next_u64(), s.rng.next_u64());
        s.step += 1;
        let failed = st.skilled & ((x & LOW) >= self.skill[k]);
        let ended = st.reroute | st.ends[failed as usize];
        let left = (y & LOW) >= self.rules.patience[k];
        let terminated = ended | left;
        let truncated = !terminated && s.step >= self.rules.max_steps[k];
        s.done = terminated | truncated;
        Outcome {
            proxy: st.proxy[failed as usize],
            gold: st.gold[failed as usize],
            terminated,
            truncated,
            failed,
            solved: st.solves & !failed,
            declined: st.reroute,
            follow_up: ended & !st.reroute & ((y >> 32) < st.follow_up[failed as usize]),
        }
    }

    /// Step every environment with its action, Gymnasium's next-step
    /// autoreset: an environment whose last step ended its episode begins
    /// the next one instead (its action ignored, reward 0, not done).
    /// Every action is checked before any environment moves.
    pub fn step_all(&self, states: &mut [State], actions: &[i64], out: &mut Batch) -> Result<()> {
        if actions.len() != states.len() {
            return Err(Error::shape("actions", format!("expected {} actions (one per environment), got {}", states.len(), actions.len())));
        }
        let a = self.rules.a as i64;
        if let Some((i, bad)) = actions.iter().enumerate().find(|(i, &x)| !states[*i].done && !(0..a).contains(&x)) {
            return Err(Error::invalid(format!("actions[{i}]"), bad, format!("an action index in [0, {a})")));
        }
        out.resize(states.len());
        let b = out;
        // One chunk of environments, its actions and its slices of every
        // output column (rayon zips up to 12 parallel iterators as a tuple).
        let chunk = |(s, act, niche, step, proxy, gold, term, trunc, solved, failed, follow): Chunk<'_>| {
            for i in 0..s.len() {
                let o = if s[i].done {
                    self.next_episode(&mut s[i]);
                    Outcome::default()
                } else {
                    self.step(&mut s[i], act[i] as usize)
                };
                niche[i] = s[i].niche;
                step[i] = s[i].step;
                proxy[i] = o.proxy;
                gold[i] = o.gold;
                term[i] = o.terminated;
                trunc[i] = o.truncated;
                solved[i] = o.solved;
                failed[i] = o.failed;
                follow[i] = o.follow_up;
            }
        };
        if states.len() < PARALLEL {
            chunk((
                states, actions, &mut b.niche, &mut b.step, &mut b.proxy, &mut b.gold, &mut b.terminated, &mut b.truncated,
                &mut b.solved, &mut b.failed, &mut b.follow_up,
            ));
        } else {
            let c = PARALLEL / 4;
            (
                states.par_chunks_mut(c),
                actions.par_chunks(c),
                b.niche.par_chunks_mut(c),
                b.step.par_chunks_mut(c),
                b.proxy.par_chunks_mut(c),
                b.gold.par_chunks_mut(c),
                b.terminated.par_chunks_mut(c),
                b.truncated.par_chunks_mut(c),
                b.solved.par_chunks_mut(c),
                b.failed.par_chunks_mut(c),
                b.follow_up.par_chunks_mut(c),
            )
                .into_par_iter()
                .for_each(chunk);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::niche::analytic;

    #[test]
    fn a_fixed_policy_earns_the_exact_return() {
        // Always `partial` (action 3) in niche 0 of the preset, then `engage`
        // in the rest: means against the exact evaluator within 4 SE.
        let w = World::assistant();
        let env = Assistant::new(&w, &[]).unwrap();
        for action in [1usize, 3] {
            let mut s = env.reset(7);
            let (mut total, mut total2, mut n) = (0.0, 0.0, 0.0);
            let mut per_niche = vec![(0.0, 0.0); w.k()];
            for _ in 0..40_000 {
                let mut g = 0.0;
                loop {
                    let o = env.step(&mut s, action);
                    g += o.proxy;
                    if o.terminated || o.truncated {
                        break;
                    }
                }
                per_niche[s.niche as usize].0 += g;
                per_niche[s.niche as usize].1 += 1.0;
                total += g;
                total2 += g * g;
                n += 1.0;
                env.next_episode(&mut s);
            }
            let mut pi = vec![0.0; w.a()];
            pi[action] = 1.0;
            let skill = crate::niche::genome::skill(&w, 0.25);
            let exact: f64 = (0..w.k()).map(|k| w.demand_shares()[k] * analytic::evaluate(&w, k, &pi, skill).unwrap().proxy).sum();
            let (mean, var) = (total / n, total2 / n - (total / n).powi(2));
            assert!((mean - exact).abs() < 4.0 * (var / n).sqrt() + 1e-12, "action {action}: {mean} vs {exact}");
        }
    }

    #[test]
    fn a_batch_steps_each_environment_as_alone() {
        let w = World::assistant();
        let env = Assistant::new(&w, &[0.3, 0.5, 0.7, 0.9]).unwrap();
        let n = PARALLEL + 5;
        let mut states: Vec<State> = (0..n as u64).map(|i| env.reset(100 + i)).collect();
        let mut alone = vec![env.reset(100 + 3), env.reset(100 + PARALLEL as u64)];
        let mut out = Batch::default();
        for t in 0..200 {
            let actions: Vec<i64> = (0..n).map(|i| ((i + t) % 5) as i64).collect();
            env.step_all(&mut states, &actions, &mut out).unwrap();
            for (j, &i) in [3usize, PARALLEL].iter().enumerate() {
                let s = &mut alone[j];
                let o = if s.done { env.next_episode(s); Outcome::default() } else { env.step(s, actions[i] as usize) };
                assert_eq!((out.niche[i], out.step[i], out.proxy[i], out.terminated[i], out.truncated[i]),
                           (s.niche, s.step, o.proxy, o.terminated, o.truncated));
            }
        }
    }

    #[test]
    fn a_parallel_batch_is_the_same_at_any_thread_count() {
        // Eight parallel chunks of PARALLEL / 4 and a tail of 7: every output column, every step.
        let w = World::assistant();
        let env = Assistant::new(&w, &[0.3, 0.5, 0.7, 0.9]).unwrap();
        let n = 2 * PARALLEL + 7;
        let run = |threads| {
            crate::control::with_threads(Some(threads), || {
                let mut states: Vec<State> = (0..n as u64).map(|i| env.reset(500 + i)).collect();
                let (mut out, mut seen) = (Batch::default(), Vec::new());
                for t in 0..60 {
                    let actions: Vec<i64> = (0..n).map(|i| ((i * 7 + t) % 5) as i64).collect();
                    env.step_all(&mut states, &actions, &mut out).unwrap();
                    seen.push(format!("{out:?}"));
                }
                seen
            })
            .unwrap()
        };
        assert_eq!(run(1), run(2));
    }

    #[test]
    fn bad_actions_and_skills_name_the_field() {
        let w = World::assistant();
        assert!(Assistant::new(&w, &[0.5; 3]).unwrap_err().to_string().contains("skill"));
        assert!(Assistant::new(&w, &[1.5; 4]).unwrap_err().to_string().contains("skill"));
        let env = Assistant::new(&w, &[]).unwrap();
        let mut states = vec![env.reset(1), env.reset(2)];
        let e = env.step_all(&mut states, &[0, 5], &mut Batch::default()).unwrap_err();
        assert!(e.to_string().contains("actions[1]"), "{e}");
        assert_eq!(states[0].step, 0, "nothing moved");
        assert!(env.step_all(&mut states, &[0], &mut Batch::default()).unwrap_err().to_string().contains("actions"));
    }
}
