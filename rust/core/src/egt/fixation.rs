//! Exact fixation probabilities and mean fixation times of one mutant.
//!
//! Birth-death processes (Moran BD/DB, Fermi), with gamma_k = T-_k / T+_k:
//!
//! ```text
//! rho   = 1 / (1 + sum_{k=1}^{N-1} prod_{j<=k} gamma_j)
//! phi_l = (1 + sum_{k=1}^{l-1} prod_{j<=k} gamma_j) * rho        (from l mutants)
//! t_1   = phi_1 sum_{k=1}^{N-1} sum_{l=1}^{k} (1 / T+_l) prod_{j=l+1}^{k} gamma_j
//! t_1^A =       sum_{k=1}^{N-1} sum_{l=1}^{k} (phi_l / T+_l) prod_{j=l+1}^{k} gamma_j
//! ```
//!
//! (unconditional absorption time and time to fixation conditional on
//! fixation; Traulsen & Hauert 2009, Antal & Scheuring 2006), evaluated in
//! log space with O(N) recurrences. Wright-Fisher is not a birth-death
//! chain: its absorbing chain on 0..=N (binomial transitions) is solved
//! exactly, `h = (I - Q)^-1 r`, `t = (I - Q)^-1 1`, `t^A = (I - Q)^-1 h / h`.
//! Times count steps of the process: one Moran event, one pairwise
//! comparison, one Wright-Fisher generation.

use super::linalg::Lu;
use super::logspace::{log_add, softplus};
use super::process::{BirthDeath, Process, Setup};
use crate::control::Control;
use crate::error::{Error, Result};

/// The largest population the dense Wright-Fisher solve accepts.
pub const WRIGHT_FISHER_MAX_POPULATION: u64 = 2000;

/// Exact results for one mutant in a resident population.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fixation {
    /// Probability that the mutant's strategy takes over.
    pub probability: f64,
    /// Mean number of steps until the population is monomorphic (either way).
    pub absorption_time: f64,
    /// Mean number of steps until fixation, given that the mutant fixes.
    pub fixation_time: f64,
}

/// Exact fixation probability and times for the process in `setup`.
pub fn exact(setup: &Setup, control: Option<&Control>) -> Result<Fixation> {
    if setup.process.is_birth_death() {
        let quiet = Control::new();
        let control = control.unwrap_or(&quiet);
        birth_death_controlled(&setup.birth_death_rates_controlled(control)?, control)
    } else {
        wright_fisher(setup, control)
    }
}

/// Fixation of a birth-death chain from state 1.
pub fn birth_death(chain: &BirthDeath) -> Fixation {
    birth_death_controlled(chain, &Control::new()).expect("never cancelled")
}

/// `birth_death`, looking at `control` every 2^16 states.
pub fn birth_death_controlled(chain: &BirthDeath, control: &Control) -> Result<Fixation> {
    let n = chain.population() as usize;
    // cum[k] = ln prod_{j<=k} gamma_j; ln_s[k] = ln sum_{i<=k} exp(cum[i]).
    let mut cum = vec![0.0; n];
    let mut ln_s = vec![0.0; n];
    for k in 1..n {
        if k % (1 << 16) == 0 {
            control.checkpoint()?;
        }
        cum[k] = cum[k - 1] + chain.ln_gamma(k);
        ln_s[k] = log_add(ln_s[k - 1], cum[k]);
    }
    let ln_rho = -ln_s[n - 1];
    let ln_phi = |l: usize| ln_s[l - 1] + ln_rho;

    // A_k = sum_{l<=k} a_l prod_{j=l+1}^{k} gamma_j, via A_k = A_{k-1} gamma_k + a_k.
    let (mut ln_a_unc, mut ln_a_cond) = (f64::NEG_INFINITY, f64::NEG_INFINITY);
    let (mut ln_t_unc, mut ln_t_cond) = (f64::NEG_INFINITY, f64::NEG_INFINITY);
    for k in 1..n {
        if k % (1 << 16) == 0 {
            control.checkpoint()?;
        }
        let g = if k > 1 { chain.ln_gamma(k) } else { 0.0 };
        ln_a_unc = log_add(ln_a_unc + g, -chain.ln_up[k]);
        ln_a_cond = log_add(ln_a_cond + g, ln_phi(k) - chain.ln_up[k]);
        ln_t_unc = log_add(ln_t_unc, ln_a_unc);
        ln_t_cond = log_add(ln_t_cond, ln_a_cond);
    }
    Ok(Fixation {
        probability: ln_rho.exp(),
        absorption_time: (ln_phi(1) + ln_t_unc).exp(),
        fixation_time: ln_t_cond.exp(),
    })
}

/// ln of the binomial coefficients C(n, j), j = 0..=n.
fn ln_binomials(n: usize) -> Vec<f64> {
    let mut out = vec![0.0; n + 1];
    for j in 1..=n {
        out[j] = out[j - 1] + ((n - j + 1) as f64).ln() - (j as f64).ln();
    }
    out
}

/// The Wright-Fisher chain without mutation, solved as an absorbing chain.
pub fn wright_fisher(setup: &Setup, control: Option<&Control>) -> Result<Fixation> {
    debug_assert_eq!(setup.process, Process::WrightFisher);
    let n = setup.population;
    if n > WRIGHT_FISHER_MAX_POPULATION {
        return Err(Error::invalid(
            "population",
            n,
            format!(
                "an integer in [2, {WRIGHT_FISHER_MAX_POPULATION}] for the exact Wright-Fisher solution \
                 (use simulate_fixation for larger populations)"
            ),
        ));
    }
    let n = n as usize;
    let m = n - 1; // transient states 1..=N-1
    let ln_c = ln_binomials(n);
    let logits = setup.wright_fisher_logits()?;
    // I - Q over the transient states, and the one-step fixation probabilities.
    let mut a = vec![0.0; m * m];
    let mut r = vec![0.0; m];
    for k in 1..n {
        let (ln_p, ln_q) = (-softplus(-logits[k]), -softplus(logits[k]));
        let row = &mut a[(k - 1) * m..k * m];
        for j in 1..n {
            row[j - 1] = -(ln_c[j] + j as f64 * ln_p + (n - j) as f64 * ln_q).exp();
        }
        row[k - 1] += 1.0;
        r[k - 1] = (n as f64 * ln_p).exp();
    }
    let lu = Lu::factor(a, m, control)?;
    let h = lu.solve(&r);
    let t = lu.solve(&vec![1.0; m]);
    let y = lu.solve(&h);
    Ok(Fixation {
        probability: h[0],
        absorption_time: t[0],
        fixation_time: if h[0] > 0.0 { y[0] / h[0] } else { f64::NAN },
    })
}

#[cfg(test)]
mod tests {
    use super::super::game::Pair;
    use super::super::process::FitnessMap;
    use super::*;

    fn setup(p: Pair, n: u64, w: f64, process: Process) -> Setup {
        Setup::new(p, n, w, process, FitnessMap::Linear).unwrap()
    }

    const CONSTANT_2: Pair = Pair { a: 2.0, b: 2.0, c: 1.0, d: 1.0 };
    const NEUTRAL: Pair = Pair { a: 1.0, b: 1.0, c: 1.0, d: 1.0 };

    #[test]
    fn spec_reference_values() {
        let f = exact(&setup(CONSTANT_2, 10, 1.0, Process::MoranBirthDeath), None).unwrap();
        assert!((f.probability - 0.500488758553).abs() < 1e-12, "{f:?}");
        let f = exact(&setup(NEUTRAL, 10, 1.0, Process::MoranBirthDeath), None).unwrap();
        assert!((f.probability - 0.1).abs() < 1e-15);
        assert!((f.absorption_time - 28.2896825397).abs() < 1e-9, "{f:?}");
        assert!((f.fixation_time - 90.0).abs() < 1e-9, "{f:?}");
    }

    #[test]
    fn neutral_processes_give_one_over_n() {
        for process in [Process::MoranBirthDeath, Process::MoranDeathBirth, Process::Fermi, Process::WrightFisher] {
            for n in [2u64, 3, 17, 100] {
                let f = exact(&setup(NEUTRAL, n, 0.7, process), None).unwrap();
                assert!((f.probability - 1.0 / n as f64).abs() < 1e-12, "{process:?} {n} {f:?}");
            }
        }
    }

    /// The closed forms agree with a direct linear solve of the same chain.
    #[test]
    fn birth_death_formulas_match_the_absorbing_chain() {
        let p = Pair { a: 1.0, b: 3.0, c: 2.5, d: 0.5 };
        for process in [Process::MoranBirthDeath, Process::MoranDeathBirth, Process::Fermi] {
            let s = setup(p, 12, 0.3, process);
            let chain = s.birth_death_rates().unwrap();
            let closed = birth_death(&chain);
            let m = 11;
            let mut a = vec![0.0; m * m];
            let mut r = vec![0.0; m];
            for k in 1..12usize {
                let (up, down) = (chain.ln_up[k].exp(), chain.ln_down[k].exp());
                a[(k - 1) * m + k - 1] = up + down;
                if k > 1 {
                    a[(k - 1) * m + k - 2] = -down;
                }
                if k < 11 {
                    a[(k - 1) * m + k] = -up;
                } else {
                    r[k - 1] = up;
                }
            }
            let lu = Lu::factor(a, m, None).unwrap();
            let h = lu.solve(&r);
            let t = lu.solve(&vec![1.0; m]);
            let y = lu.solve(&h);
            assert!((closed.probability - h[0]).abs() < 1e-12, "{process:?}");
            assert!((closed.absorption_time / t[0] - 1.0).abs() < 1e-10, "{process:?}");
            assert!((closed.fixation_time / (y[0] / h[0]) - 1.0).abs() < 1e-10, "{process:?}");
        }
    }

    #[test]
    fn strong_selection_and_large_populations_stay_finite() {
        let p = Pair { a: 1.0, b: 1.0, c: 30.0, d: 30.0 };
        let f = exact(&Setup::new(p, 5000, 50.0, Process::Fermi, FitnessMap::Linear).unwrap(), None).unwrap();
        assert!(f.probability >= 0.0 && f.probability < 1e-300 && f.absorption_time.is_finite(), "{f:?}");
        assert!(f.fixation_time.is_finite() && f.fixation_time > 0.0, "{f:?}");
        let f = exact(&Setup::new(CONSTANT_2, 100_000, 1.0, Process::MoranBirthDeath, FitnessMap::Linear).unwrap(), None)
            .unwrap();
        assert!((f.probability - 0.5).abs() < 1e-12);
    }

    #[test]
    fn wright_fisher_constant_fitness_is_close_to_kimura() {
        // Kimura's diffusion: (1 - e^{-2s}) / (1 - e^{-2Ns}) with s = ln r.
        let s = setup(Pair { a: 1.02, b: 1.02, c: 1.0, d: 1.0 }, 200, 1.0, Process::WrightFisher);
        let f = exact(&s, None).unwrap();
        let sel = 1.02f64.ln();
        let kimura = (1.0 - (-2.0 * sel).exp()) / (1.0 - (-2.0 * 200.0 * sel).exp());
        assert!((f.probability / kimura - 1.0).abs() < 0.02, "{f:?} vs {kimura}");
        assert!(f.fixation_time > 0.0 && f.absorption_time > 0.0);
        let big = Setup::new(CONSTANT_2, 5000, 1.0, Process::WrightFisher, FitnessMap::Linear).unwrap();
        assert!(exact(&big, None).is_err());
    }
}
