//! The finite-population processes and their transition probabilities.
//!
//! A population of `N` individuals, `k` of them mutants (strategy A), the
//! rest residents (B). Payoffs `f_k`, `g_k` exclude self-interaction (see
//! `game.rs`); fitness maps payoffs for the Moran and Wright-Fisher
//! processes: `F = 1 - w + w f` (linear) or `F = exp(w f)` (exponential),
//! `w` = intensity. One step of each process:
//!
//! - **Moran birth-death** (`moran`): one individual is chosen to reproduce
//!   with probability proportional to fitness; its offspring replaces an
//!   individual chosen uniformly among all `N` (possibly the parent, which
//!   changes nothing).
//!   `T+_k = k F / (k F + (N-k) G) * (N-k)/N`,
//!   `T-_k = (N-k) G / (k F + (N-k) G) * k/N`.
//! - **Moran death-birth** (`moran_db`): an individual chosen uniformly dies;
//!   the `N - 1` others compete for the empty place with probability
//!   proportional to their fitness (computed before the death).
//!   `T+_k = (N-k)/N * k F / (k F + (N-k-1) G)`,
//!   `T-_k = k/N * (N-k) G / ((k-1) F + (N-k) G)`.
//! - **Fermi pairwise comparison** (`fermi`): a focal individual and a model
//!   are drawn uniformly, without replacement; the focal adopts the model's
//!   strategy with probability `1 / (1 + exp(-beta (pi_model - pi_focal)))`
//!   on raw payoffs, beta = intensity (the fitness map is not used).
//!   `T+_k = (N-k)/N * k/(N-1) / (1 + exp(-beta (f - g)))`,
//!   `T-_k = k/N * (N-k)/(N-1) / (1 + exp(beta (f - g)))`.
//! - **Wright-Fisher** (`wright_fisher`): all `N` individuals are replaced at
//!   once; each offspring picks its parent with probability proportional to
//!   fitness, so `k' ~ Binomial(N, p_k)`, `p_k = k F / (k F + (N-k) G)`;
//!   with mutation rate `u` an offspring switches to the other strategy
//!   with probability `u` (fixation needs `u = 0`).
//!
//! The first three are birth-death chains (k moves by at most 1 per step);
//! all quantities are kept as logarithms.

use super::game::Pair;
use super::logspace::{ln_count, log_add, softplus};
use crate::control::Control;
use crate::error::{Error, Result};

/// The largest population of the two-strategy chains.
/// Per-state tables are O(N): keep them within a few hundred MB.
pub const MAX_POPULATION: u64 = 10_000_000;

/// The process that updates a finite population.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Process {
    MoranBirthDeath,
    MoranDeathBirth,
    Fermi,
    WrightFisher,
}

impl Process {
    pub const NAMES: [&'static str; 4] = ["moran", "moran_db", "fermi", "wright_fisher"];

    pub fn parse(name: &str) -> Result<Self> {
        match name {
            "moran" => Ok(Process::MoranBirthDeath),
            "moran_db" => Ok(Process::MoranDeathBirth),
            "fermi" => Ok(Process::Fermi),
            "wright_fisher" => Ok(Process::WrightFisher),
            _ => Err(Error::unknown("process", name, &Self::NAMES)),
        }
    }

    /// Does the state change by at most one per step?
    pub fn is_birth_death(self) -> bool {
        !matches!(self, Process::WrightFisher)
    }
}

/// How payoffs become fitness in the Moran and Wright-Fisher processes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FitnessMap {
    /// `1 - w + w * payoff` (must stay positive).
    Linear,
    /// `exp(w * payoff)`.
    Exponential,
}

impl FitnessMap {
    pub const NAMES: [&'static str; 2] = ["linear", "exponential"];

    pub fn parse(name: &str) -> Result<Self> {
        match name {
            "linear" => Ok(FitnessMap::Linear),
            "exponential" => Ok(FitnessMap::Exponential),
            _ => Err(Error::unknown("fitness", name, &Self::NAMES)),
        }
    }

    /// ln(fitness) of a payoff at intensity `w`, or an error naming the
    /// intensity when linear fitness is not positive.
    #[inline]
    pub fn ln_fitness(self, payoff: f64, w: f64) -> Result<f64> {
        match self {
            FitnessMap::Exponential => Ok(w * payoff),
            FitnessMap::Linear => {
                let f = 1.0 - w + w * payoff;
                if f > 0.0 && f.is_finite() {
                    Ok(f.ln())
                } else {
                    Err(Error::invalid(
                        "intensity",
                        w,
                        format!(
                            "an intensity that keeps fitness 1 - w + w * payoff positive (payoff {payoff} gives {f}); \
                             lower it or use fitness=\"exponential\""
                        ),
                    ))
                }
            }
        }
    }
}

/// Everything that defines a two-strategy finite-population chain.
#[derive(Debug, Clone, Copy)]
pub struct Setup {
    pub pair: Pair,
    pub population: u64,
    pub intensity: f64,
    pub process: Process,
    pub fitness: FitnessMap,
}

impl Setup {
    pub fn new(pair: Pair, population: u64, intensity: f64, process: Process, fitness: FitnessMap) -> Result<Self> {
        super::laws::POPULATION.law.check_integer("population", population)?;
        super::laws::INTENSITY.law.check("intensity", intensity)?;
        Ok(Self { pair, population, intensity, process, fitness })
    }

    /// (ln F_k, ln G_k) for `k` mutants, 1 <= k <= N - 1.
    #[inline]
    pub fn ln_fitness(&self, k: u64) -> Result<(f64, f64)> {
        let (f, g) = self.pair.payoffs(k, self.population);
        Ok((self.fitness.ln_fitness(f, self.intensity)?, self.fitness.ln_fitness(g, self.intensity)?))
    }

    /// ln T+_k and ln T-_k of a birth-death process, for k = 0..=N (the
    /// absorbing ends have -inf).
    pub fn birth_death_rates(&self) -> Result<BirthDeath> {
        self.birth_death_rates_controlled(&Control::new())
    }

    /// `birth_death_rates`, looking at `control` every 2^16 states (N may
    /// be 10^7: a fraction of a second per pass).
    pub fn birth_death_rates_controlled(&self, control: &Control) -> Result<BirthDeath> {
        let n = self.population;
        let nf = n as f64;
        let mut ln_up = vec![f64::NEG_INFINITY; n as usize + 1];
        let mut ln_down = vec![f64::NEG_INFINITY; n as usize + 1];
        for k in 1..n {
            if k % (1 << 16) == 0 {
                control.checkpoint()?;
            }
            let kf = k as f64;
            let (up, down) = match self.process {
                Process::MoranBirthDeath => {
                    let (lf, lg) = self.ln_fitness(k)?;
                    let a = kf.ln() + lf;
                    let b = (nf - kf).ln() + lg;
                    let total = log_add(a, b);
                    (a - total + ((nf - kf) / nf).ln(), b - total + (kf / nf).ln())
                }
                Process::MoranDeathBirth => {
                    let (lf, lg) = self.ln_fitness(k)?;
                    let up = ((nf - kf) / nf).ln() + kf.ln() + lf - log_add(kf.ln() + lf, ln_count(nf - kf - 1.0) + lg);
                    let down =
                        (kf / nf).ln() + (nf - kf).ln() + lg - log_add(ln_count(kf - 1.0) + lf, (nf - kf).ln() + lg);
                    (up, down)
                }
                Process::Fermi => {
                    let (f, g) = self.pair.payoffs(k, n);
                    let x = self.intensity * (f - g);
                    let meet = (kf * (nf - kf) / (nf * (nf - 1.0))).ln();
                    (meet - softplus(-x), meet - softplus(x))
                }
                Process::WrightFisher => {
                    return Err(Error::invalid(
                        "process",
                        "wright_fisher",
                        "a birth-death process (moran, moran_db, fermi) here",
                    ))
                }
            };
            if !(up.is_finite() && down.is_finite()) {
                return Err(Error::Numerical {
                    message: format!("transition probabilities at k = {k} are not finite (intensity {})", self.intensity),
                });
            }
            ln_up[k as usize] = up;
            ln_down[k as usize] = down;
        }
        Ok(BirthDeath { ln_up, ln_down })
    }

    /// Wright-Fisher: the logit of the share of mutant offspring before
    /// mutation, ln(k F_k / ((N-k) G_k)), for k = 0..=N (+-inf at the ends;
    /// logits keep both p and 1 - p accurate near 0 and 1).
    pub fn wright_fisher_logits(&self) -> Result<Vec<f64>> {
        let n = self.population;
        let mut x = vec![f64::NEG_INFINITY; n as usize + 1];
        x[n as usize] = f64::INFINITY;
        for k in 1..n {
            let (lf, lg) = self.ln_fitness(k)?;
            x[k as usize] = (k as f64).ln() + lf - ((n - k) as f64).ln() - lg;
        }
        Ok(x)
    }
}

/// A birth-death chain on 0..=N: ln T+_k, ln T-_k.
#[derive(Debug, Clone)]
pub struct BirthDeath {
    pub ln_up: Vec<f64>,
    pub ln_down: Vec<f64>,
}

impl BirthDeath {
    pub fn population(&self) -> u64 {
        (self.ln_up.len() - 1) as u64
    }

    /// ln gamma_k = ln(T-_k / T+_k).
    #[inline]
    pub fn ln_gamma(&self, k: usize) -> f64 {
        self.ln_down[k] - self.ln_up[k]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(a: f64, b: f64, c: f64, d: f64) -> Pair {
        Pair { a, b, c, d }
    }

    #[test]
    fn names_round_trip_and_unknown_names_fail() {
        for name in Process::NAMES {
            assert!(Process::parse(name).is_ok());
        }
        let e = Process::parse("moran_bd").unwrap_err();
        assert!(e.to_string().contains("process"), "{e}");
        assert!(FitnessMap::parse("quadratic").is_err());
    }

    #[test]
    fn rates_match_the_formulas() {
        let p = pair(3.0, 0.5, 2.0, 1.0);
        let n = 7u64;
        for process in [Process::MoranBirthDeath, Process::MoranDeathBirth, Process::Fermi] {
            let s = Setup::new(p, n, 0.4, process, FitnessMap::Linear).unwrap();
            let bd = s.birth_death_rates().unwrap();
            for k in 1..n {
                let (f, g) = p.payoffs(k, n);
                let (ff, gg) = (1.0 - 0.4 + 0.4 * f, 1.0 - 0.4 + 0.4 * g);
                let (kf, nf) = (k as f64, n as f64);
                let (up, down) = match process {
                    Process::MoranBirthDeath => {
                        let t = kf * ff + (nf - kf) * gg;
                        (kf * ff / t * (nf - kf) / nf, (nf - kf) * gg / t * kf / nf)
                    }
                    Process::MoranDeathBirth => (
                        (nf - kf) / nf * kf * ff / (kf * ff + (nf - kf - 1.0) * gg),
                        kf / nf * (nf - kf) * gg / ((kf - 1.0) * ff + (nf - kf) * gg),
                    ),
                    _ => {
                        let m = kf * (nf - kf) / (nf * (nf - 1.0));
                        (m / (1.0 + (-0.4 * (f - g)).exp()), m / (1.0 + (0.4 * (f - g)).exp()))
                    }
                };
                assert!((bd.ln_up[k as usize].exp() - up).abs() < 1e-14, "{process:?} {k}");
                assert!((bd.ln_down[k as usize].exp() - down).abs() < 1e-14, "{process:?} {k}");
            }
        }
    }

    #[test]
    fn non_positive_linear_fitness_names_the_intensity() {
        let s = Setup::new(pair(-2.0, -2.0, 1.0, 1.0), 5, 1.0, Process::MoranBirthDeath, FitnessMap::Linear).unwrap();
        let e = s.birth_death_rates().unwrap_err();
        assert!(e.to_string().starts_with("intensity"), "{e}");
        assert!(Setup::new(pair(1.0, 1.0, 1.0, 1.0), 1, 1.0, Process::Fermi, FitnessMap::Linear).is_err());
        assert!(Setup::new(pair(1.0, 1.0, 1.0, 1.0), 5, -1.0, Process::Fermi, FitnessMap::Linear).is_err());
    }
}
