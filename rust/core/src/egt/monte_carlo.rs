//! Monte Carlo estimates of fixation: many independent runs from one
//! mutant, each from its own random stream.
//!
//! Birth-death processes are simulated as their embedded jump chain: from
//! `k` mutants the next *change* is up with probability
//! `T+_k / (T+_k + T-_k)`, so steps that change nothing are skipped; the
//! fixation probability is that of the full chain. When times are asked for,
//! each visit also draws its holding time, the number of steps of the full
//! chain until the change (geometric with success `T+_k + T-_k`), so the
//! times too are those of the full chain. Wright-Fisher is simulated a
//! generation at a time (`k' ~ Binomial(N, p_k)`).
//!
//! Run `r` draws from `rng::stream(seed, [FIXATION_RUN, r])`; runs are
//! spread over rayon's threads and reduced in run order (integer counts and
//! a sequential sum), so the numbers depend on the seed only, not on the
//! thread count. With a target standard error, runs proceed in batches of a
//! fixed size until the target or the cap is reached, which keeps that
//! independence.

use rand::RngExt as _;
use rayon::prelude::*;

use super::laws;
use super::logspace::sigmoid;
use super::process::{Process, Setup};
use crate::control::Control;
use crate::error::{check, Error, Result};
use crate::rng::{self, domain, Rng};

/// Runs per parallel chunk: the granularity of Ctrl-C and progress.
const CHUNK: u64 = 8192;
/// Jumps between cancellation checks inside one long run.
const CHECK_EVERY: u64 = 1 << 20;

/// What to simulate and for how long.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Plan {
    /// Runs, or with `target_stderr` the batch size.
    pub runs: u64,
    pub seed: u64,
    /// Also measure absorption and fixation times (draws holding times).
    pub times: bool,
    /// Keep adding batches until the standard error is at most this.
    pub target_stderr: Option<f64>,
    /// Cap on the total number of runs with `target_stderr`.
    pub max_runs: u64,
    /// Cap on the changes of state (jumps; generations for Wright-Fisher)
    /// of one run: an error beyond it, never a hang.
    pub max_steps: u64,
}

impl Plan {
    pub fn validate(&self) -> Result<()> {
        laws::RUNS.law.check_integer("runs", self.runs)?;
        laws::MAX_STEPS.law.check_integer("max_steps", self.max_steps)?;
        if let Some(t) = self.target_stderr {
            laws::TARGET_STDERR.law.check("target_stderr", t)?;
            check::at_least("max_runs", self.max_runs, self.runs)?;
        }
        Ok(())
    }
}

/// Monte Carlo estimates with their standard errors (times are NaN when
/// not measured, or when no run fixed).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    pub runs: u64,
    pub fixations: u64,
    pub probability: f64,
    pub stderr: f64,
    pub absorption_time: f64,
    pub absorption_time_stderr: f64,
    pub fixation_time: f64,
    pub fixation_time_stderr: f64,
}

/// The outcome of one run: did the mutant fix, and after how many steps
/// of the full chain (0 when times are not measured).
#[derive(Debug, Clone, Copy)]
struct Run {
    fixed: bool,
    steps: u64,
}

/// Per-state tables of the embedded chain.
struct JumpChain {
    /// P(next change is up), k = 0..=N.
    up: Vec<f64>,
    /// ln(1 - (T+_k + T-_k)): ln of the probability that a step changes nothing.
    ln_stay: Vec<f64>,
}

enum Sampler {
    Jump(JumpChain),
    /// Share of mutant offspring, k = 0..=N.
    WrightFisher(Vec<f64>),
}

impl Sampler {
    fn new(setup: &Setup) -> Result<Self> {
        if setup.process == Process::WrightFisher {
            let p = setup.wright_fisher_logits()?.into_iter().map(sigmoid).collect();
            return Ok(Sampler::WrightFisher(p));
        }
        let chain = setup.birth_death_rates()?;
        let n = chain.population() as usize;
        let mut up = vec![0.0; n + 1];
        let mut ln_stay = vec![0.0; n + 1];
        for k in 1..n {
            up[k] = sigmoid(-chain.ln_gamma(k));
            let leave = chain.ln_up[k].exp() + chain.ln_down[k].exp();
            ln_stay[k] = (-leave.min(1.0)).ln_1p();
        }
        Ok(Sampler::Jump(JumpChain { up, ln_stay }))
    }

    fn run(&self, n: u64, rng: &mut Rng, times: bool, max_steps: u64, control: &Control) -> Result<Run> {
        let mut k = 1u64;
        let mut steps = 0u64;
        let mut changes = 0u64;
        loop {
            changes += 1;
            if changes % CHECK_EVERY == 0 {
                control.checkpoint()?;
            }
            if changes > max_steps {
                return Err(Error::invalid(
                    "max_steps",
                    max_steps,
                    "more steps: a run did not reach fixation or extinction within max_steps changes \
                     (use the exact fixation_probability for such slow chains)",
                ));
            }
            match self {
                Sampler::Jump(chain) => {
                    let i = k as usize;
                    if times {
                        // Steps until the change, >= 1: geometric by inversion.
                        let ln_stay = chain.ln_stay[i];
                        steps += if ln_stay == f64::NEG_INFINITY {
                            1
                        } else {
                            let u = 1.0 - rng::uniform(rng); // in (0, 1]
                            1 + (u.ln() / ln_stay).floor().min(1e18) as u64
                        };
                    }
                    if rng::uniform(rng) < chain.up[i] {
                        k += 1;
                    } else {
                        k -= 1;
                    }
                }
                Sampler::WrightFisher(p) => {
                    steps += 1;
                    let binomial = rand_distr::Binomial::new(n, p[k as usize])
                        .map_err(|e| Error::Numerical { message: format!("binomial draw: {e}") })?;
                    k = rng.sample(binomial);
                }
            }
            if k == 0 || k == n {
                return Ok(Run { fixed: k == n, steps: if times { steps } else { 0 } });
            }
        }
    }
}

/// Running sums over runs, added to in run order.
#[derive(Default)]
struct Tally {
    runs: u64,
    fixations: u64,
    all: Moments,
    fixed: Moments,
}

#[derive(Default)]
struct Moments {
    n: u64,
    sum: f64,
    sum_sq: f64,
}

impl Moments {
    fn add(&mut self, x: f64) {
        self.n += 1;
        self.sum += x;
        self.sum_sq += x * x;
    }

    /// (mean, standard error of the mean).
    fn mean_stderr(&self) -> (f64, f64) {
        if self.n == 0 {
            return (f64::NAN, f64::NAN);
        }
        let n = self.n as f64;
        let mean = self.sum / n;
        if self.n == 1 {
            return (mean, f64::NAN);
        }
        let var = ((self.sum_sq - n * mean * mean) / (n - 1.0)).max(0.0);
        (mean, (var / n).sqrt())
    }
}

impl Tally {
    fn add(&mut self, run: Run, times: bool) {
        self.runs += 1;
        if run.fixed {
            self.fixations += 1;
        }
        if times {
            self.all.add(run.steps as f64);
            if run.fixed {
                self.fixed.add(run.steps as f64);
            }
        }
    }

    fn probability(&self) -> (f64, f64) {
        let n = self.runs as f64;
        let p = self.fixations as f64 / n;
        (p, (p * (1.0 - p) / n).sqrt())
    }

    /// The standard error used to decide when to stop: from (x + 1)/(n + 2),
    /// so that a batch without any fixation does not look infinitely precise.
    fn stopping_stderr(&self) -> f64 {
        let n = self.runs as f64;
        let p = (self.fixations as f64 + 1.0) / (n + 2.0);
        (p * (1.0 - p) / n).sqrt()
    }

    fn estimate(&self, times: bool) -> Estimate {
        let (probability, stderr) = self.probability();
        let ((a, a_se), (f, f_se)) = if times {
            (self.all.mean_stderr(), self.fixed.mean_stderr())
        } else {
            ((f64::NAN, f64::NAN), (f64::NAN, f64::NAN))
        };
        Estimate {
            runs: self.runs,
            fixations: self.fixations,
            probability,
            stderr,
            absorption_time: a,
            absorption_time_stderr: a_se,
            fixation_time: f,
            fixation_time_stderr: f_se,
        }
    }
}

/// Simulate runs `[start, end)` into `tally`, a chunk at a time.
fn simulate_runs(
    sampler: &Sampler,
    setup: &Setup,
    plan: &Plan,
    start: u64,
    end: u64,
    tally: &mut Tally,
    control: &Control,
) -> Result<()> {
    let mut chunk_start = start;
    while chunk_start < end {
        control.checkpoint()?;
        let chunk_end = (chunk_start + CHUNK).min(end);
        let runs: Vec<Run> = (chunk_start..chunk_end)
            .into_par_iter()
            .map(|r| {
                let mut rng = rng::stream(plan.seed, &[domain::FIXATION_RUN, r]);
                sampler.run(setup.population, &mut rng, plan.times, plan.max_steps, control)
            })
            .collect::<Result<_>>()?;
        for run in runs {
            tally.add(run, plan.times);
        }
        control.advance(chunk_end - chunk_start);
        chunk_start = chunk_end;
    }
    Ok(())
}

/// Estimate fixation of one mutant by simulation (see the module docs).
pub fn simulate(setup: &Setup, plan: &Plan, control: &Control) -> Result<Estimate> {
    plan.validate()?;
    let sampler = Sampler::new(setup)?;
    let mut tally = Tally::default();
    let mut done = 0u64;
    loop {
        simulate_runs(&sampler, setup, plan, done, done + plan.runs, &mut tally, control)?;
        done += plan.runs;
        match plan.target_stderr {
            Some(target) if tally.stopping_stderr() > target && done + plan.runs <= plan.max_runs => continue,
            _ => break,
        }
    }
    Ok(tally.estimate(plan.times))
}

#[cfg(test)]
mod tests {
    use super::super::fixation::exact;
    use super::super::game::Pair;
    use super::super::process::FitnessMap;
    use super::*;
    use crate::control::with_threads;

    fn plan(runs: u64, times: bool) -> Plan {
        Plan { runs, seed: 11, times, target_stderr: None, max_runs: runs, max_steps: 1 << 40 }
    }

    #[test]
    fn agrees_with_exact_values_within_four_standard_errors() {
        let p = Pair { a: 1.0, b: 2.0, c: 1.4, d: 0.8 };
        for process in [Process::MoranBirthDeath, Process::MoranDeathBirth, Process::Fermi, Process::WrightFisher] {
            let s = Setup::new(p, 15, 0.5, process, FitnessMap::Linear).unwrap();
            let truth = exact(&s, None).unwrap();
            let est = simulate(&s, &plan(40_000, true), &Control::new()).unwrap();
            assert!((est.probability - truth.probability).abs() < 4.0 * est.stderr, "{process:?} {est:?} {truth:?}");
            let z_abs = (est.absorption_time - truth.absorption_time) / est.absorption_time_stderr;
            let z_fix = (est.fixation_time - truth.fixation_time) / est.fixation_time_stderr;
            assert!(z_abs.abs() < 4.0 && z_fix.abs() < 4.0, "{process:?} {est:?} {truth:?}");
        }
    }

    #[test]
    fn thread_count_does_not_change_the_numbers() {
        let p = Pair { a: 1.0, b: 1.0, c: 1.0, d: 1.0 };
        let s = Setup::new(p, 50, 1.0, Process::Fermi, FitnessMap::Linear).unwrap();
        let run = |threads| with_threads(Some(threads), || simulate(&s, &plan(20_000, true), &Control::new())).unwrap();
        assert_eq!(run(1).unwrap(), run(2).unwrap());
    }

    #[test]
    fn target_stderr_adds_batches_and_cancel_stops() {
        let p = Pair { a: 1.0, b: 1.0, c: 1.0, d: 1.0 };
        let s = Setup::new(p, 10, 1.0, Process::MoranBirthDeath, FitnessMap::Linear).unwrap();
        let mut pl = plan(1000, false);
        pl.target_stderr = Some(0.003);
        pl.max_runs = 1_000_000;
        let est = simulate(&s, &pl, &Control::new()).unwrap();
        assert!(est.stderr <= 0.0031 && est.runs % 1000 == 0 && est.runs > 1000, "{est:?}");
        let c = Control::new();
        c.cancel();
        assert_eq!(simulate(&s, &pl, &c), Err(Error::Interrupted));
        assert!(simulate(&s, &plan(0, false), &Control::new()).is_err());
    }
}
