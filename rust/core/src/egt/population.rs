//! Trajectories of a finite population of n strategies under any of the
//! processes of `process.rs`, with mutation.
//!
//! The state is the count of each strategy. Payoffs exclude
//! self-interaction; fitness maps them as in `process.rs`. With mutation
//! rate `u`, an offspring (Moran, Wright-Fisher) or an updating focal
//! individual (Fermi, as random exploration) takes one of the other n - 1
//! strategies uniformly with probability `u`. One step is one Moran event,
//! one pairwise comparison or one Wright-Fisher generation (multinomial
//! resampling of all N). Run `r` draws from
//! `rng::stream(seed, [POPULATION, r])`; runs go in parallel and do not
//! depend on the thread count.

use rand::RngExt as _;
use rayon::prelude::*;

use super::game::MatrixGame;
use super::laws;
use super::logspace::sigmoid;
use super::process::{FitnessMap, Process};
use crate::control::Control;
use crate::error::{check, Error, Result};
use crate::rng::{self, domain, Rng};

/// The largest number of recorded counts one call may return.
const MAX_RECORDED: u64 = 200_000_000;

/// What to simulate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Plan {
    pub steps: u64,
    pub record_every: u64,
    pub runs: u64,
    pub seed: u64,
    pub mutation: f64,
}

/// A finite population with the rules of its process.
pub struct Population<'a> {
    pub game: &'a MatrixGame,
    pub intensity: f64,
    pub process: Process,
    pub fitness: FitnessMap,
}

impl Population<'_> {
    fn validate(&self, counts: &[u64], plan: &Plan) -> Result<u64> {
        let n = self.game.strategies();
        if counts.len() != n {
            return Err(Error::shape("initial", format!("{} counts for a game of {n} strategies", counts.len())));
        }
        let total: u64 = counts.iter().sum();
        check::at_least("population", total, 2)?;
        laws::INTENSITY.law.check("intensity", self.intensity)?;
        laws::MUTATION.law.check("mutation", plan.mutation)?;
        laws::RUNS.law.check_integer("runs", plan.runs)?;
        laws::RECORD_EVERY.law.check_integer("record_every", plan.record_every)?;
        let records = plan.steps / plan.record_every + 1;
        if records.saturating_mul(plan.runs).saturating_mul(n as u64) > MAX_RECORDED {
            return Err(Error::invalid(
                "record_every",
                plan.record_every,
                format!("a larger interval: runs x records x strategies must stay <= {MAX_RECORDED}"),
            ));
        }
        Ok(records)
    }

    /// Counts per (run, record, strategy), row-major; record i is after
    /// `i * record_every` steps.
    pub fn simulate(&self, initial: &[u64], plan: &Plan, control: &Control) -> Result<Vec<u64>> {
        let records = self.validate(initial, plan)? as usize;
        let per_run: Vec<Vec<u64>> = (0..plan.runs)
            .into_par_iter()
            .map(|r| {
                // Per run as well as every 2^16 steps: a million short runs
                // must stop as fast as one long one.
                control.checkpoint()?;
                let mut rng = rng::stream(plan.seed, &[domain::POPULATION, r]);
                self.run(initial, plan, records, &mut rng, control)
            })
            .collect::<Result<_>>()?;
        Ok(per_run.concat())
    }

    fn run(&self, initial: &[u64], plan: &Plan, records: usize, rng: &mut Rng, control: &Control) -> Result<Vec<u64>> {
        let n = initial.len();
        let total: u64 = initial.iter().sum();
        let mut counts = initial.to_vec();
        let mut out = Vec::with_capacity(records * n);
        out.extend_from_slice(&counts);
        let mut scratch = Scratch { payoff: vec![0.0; n], weight: vec![0.0; n] };
        for step in 1..=plan.steps {
            if step % 65_536 == 0 {
                control.checkpoint()?;
            }
            self.step(&mut counts, total, plan.mutation, &mut scratch, rng)?;
            if step % plan.record_every == 0 {
                out.extend_from_slice(&counts);
            }
        }
        Ok(out)
    }

    /// ln fitness of each strategy present; weights_i = c_i F_i / max.
    fn weights(&self, counts: &[u64], s: &mut Scratch) -> Result<()> {
        self.game.finite_payoffs(counts, &mut s.payoff);
        let mut top = f64::NEG_INFINITY;
        for i in 0..counts.len() {
            s.weight[i] = if counts[i] > 0 {
                let lf = self.fitness.ln_fitness(s.payoff[i], self.intensity)?;
                top = top.max(lf);
                lf
            } else {
                f64::NEG_INFINITY
            };
        }
        for (w, &c) in s.weight.iter_mut().zip(counts) {
            *w = if c > 0 { c as f64 * (*w - top).exp() } else { 0.0 };
        }
        Ok(())
    }

    fn mutate(&self, born: usize, n: usize, u: f64, rng: &mut Rng) -> usize {
        if n > 1 && u > 0.0 && rng::bernoulli(rng, u) {
            let other = rng::below(rng, n as u64 - 1) as usize;
            if other >= born { other + 1 } else { other }
        } else {
            born
        }
    }

    fn step(&self, counts: &mut [u64], total: u64, u: f64, s: &mut Scratch, rng: &mut Rng) -> Result<()> {
        let n = counts.len();
        let pick = |rng: &mut Rng, counts: &[u64], without: Option<usize>| {
            let mut r = rng::below(rng, total - without.is_some() as u64);
            for (i, &c) in counts.iter().enumerate() {
                let c = c - (without == Some(i)) as u64;
                if r < c {
                    return i;
                }
                r -= c;
            }
            n - 1
        };
        match self.process {
            Process::MoranBirthDeath => {
                self.weights(counts, s)?;
                let total_w: f64 = s.weight.iter().sum();
                let parent = rng::categorical(rng, &s.weight, total_w);
                let child = self.mutate(parent, n, u, rng);
                let dead = pick(rng, counts, None);
                counts[dead] -= 1;
                counts[child] += 1;
            }
            Process::MoranDeathBirth => {
                self.weights(counts, s)?;
                let dead = pick(rng, counts, None);
                // The dead individual does not compete for its own place.
                let c = counts[dead] as f64;
                s.weight[dead] *= if c > 0.0 { (c - 1.0) / c } else { 0.0 };
                let total_w: f64 = s.weight.iter().sum();
                let parent = rng::categorical(rng, &s.weight, total_w);
                let child = self.mutate(parent, n, u, rng);
                counts[dead] -= 1;
                counts[child] += 1;
            }
            Process::Fermi => {
                let focal = pick(rng, counts, None);
                let model = pick(rng, counts, Some(focal));
                let explored = self.mutate(focal, n, u, rng);
                let next = if explored != focal {
                    explored
                } else if model != focal {
                    self.game.finite_payoffs(counts, &mut s.payoff);
                    let p = sigmoid(self.intensity * (s.payoff[model] - s.payoff[focal]));
                    if rng::bernoulli(rng, p) { model } else { focal }
                } else {
                    focal
                };
                counts[focal] -= 1;
                counts[next] += 1;
            }
            Process::WrightFisher => {
                self.weights(counts, s)?;
                let total_w: f64 = s.weight.iter().sum();
                for w in s.weight.iter_mut() {
                    *w /= total_w;
                }
                if n > 1 && u > 0.0 {
                    let spread = u / (n - 1) as f64;
                    for w in s.weight.iter_mut() {
                        *w = *w * (1.0 - u) + (1.0 - *w) * spread;
                    }
                }
                // Multinomial by successive binomials on the remaining mass.
                let (mut left, mut mass) = (total, 1.0f64);
                for i in 0..n {
                    let k = if i == n - 1 || left == 0 {
                        left
                    } else {
                        let p = (s.weight[i] / mass).clamp(0.0, 1.0);
                        let b = rand_distr::Binomial::new(left, p)
                            .map_err(|e| Error::Numerical { message: format!("binomial draw: {e}") })?;
                        rng.sample(b)
                    };
                    counts[i] = k;
                    left -= k;
                    mass -= s.weight[i];
                }
            }
        }
        Ok(())
    }
}

struct Scratch {
    payoff: Vec<f64>,
    weight: Vec<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::control::with_threads;
    use crate::egt::stationary::stationary;

    #[test]
    fn counts_are_conserved_and_thread_independent() {
        let g = MatrixGame::new(&[vec![0.0, -1.0, 1.0], vec![1.0, 0.0, -1.0], vec![-1.0, 1.0, 0.0]]).unwrap();
        for process in [Process::MoranBirthDeath, Process::MoranDeathBirth, Process::Fermi, Process::WrightFisher] {
            let pop = Population { game: &g, intensity: 0.5, process, fitness: FitnessMap::Exponential };
            let plan = Plan { steps: 500, record_every: 10, runs: 6, seed: 3, mutation: 0.01 };
            let run = |t| with_threads(Some(t), || pop.simulate(&[10, 10, 10], &plan, &Control::new())).unwrap().unwrap();
            let a = run(1);
            assert_eq!(a, run(2));
            assert_eq!(a.len(), 6 * 51 * 3);
            assert!(a.chunks(3).all(|c| c.iter().sum::<u64>() == 30), "{process:?}");
        }
    }

    /// With rare mutations the time spent near each monomorphic state
    /// approaches the rare-mutation stationary distribution (weak selection,
    /// small N: many fixations per run; approximation error ~ u N t ~ 1e-3).
    #[test]
    fn rare_mutations_approach_the_stationary_distribution() {
        let g = MatrixGame::new(&[vec![4.0, 1.0], vec![3.0, 2.0]]).unwrap();
        let c = Control::new();
        let (pi, _) = stationary(&g, 6, 0.5, Process::Fermi, FitnessMap::Linear, &c).unwrap();
        let pop = Population { game: &g, intensity: 0.5, process: Process::Fermi, fitness: FitnessMap::Linear };
        let runs = 16;
        let plan = Plan { steps: 2_000_000, record_every: 50, runs, seed: 5, mutation: 1e-4 };
        let counts = pop.simulate(&[6, 0], &plan, &c).unwrap();
        let per_run: Vec<f64> = counts
            .chunks(counts.len() / runs as usize)
            .map(|run| run.chunks(2).map(|c| c[0] as f64 / 6.0).sum::<f64>() / (run.len() / 2) as f64)
            .collect();
        let mean = per_run.iter().sum::<f64>() / runs as f64;
        let var = per_run.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (runs - 1) as f64;
        let se = (var / runs as f64).sqrt();
        assert!((mean - pi[0]).abs() < 4.0 * se + 0.01, "{mean} +- {se} vs {pi:?}");
    }
}
