//! Selection: who gets to be a parent of the next generation, given each
//! individual's fitness. Shared by every world (NicheWorld, Connect Four).
//!
//! Every scheme draws all parents from one stream per generation, in a fixed
//! order, so results do not depend on the thread count.

use rayon::prelude::*;

use crate::control::Control;
use crate::error::{Error, Result};
use crate::law::{Field, Law};
use crate::rng::{self, Rng};

pub const PRESSURE: Field = Field::new("selection.pressure", Law::NonNegative);
pub const SIZE: Field = Field::new("selection.size", Law::at_least(1));
pub const FRACTION: Field = Field::new("selection.fraction", Law::Fraction);
pub const FLOOR: Field = Field::new("selection.floor", Law::Finite);
/// The law of each selection knob (`crate::law`).
pub const LAWS: &[Field] = &[PRESSURE, SIZE, FRACTION, FLOOR];

/// Smallest piece of parallel work in selection (smaller populations run serially).
const PAR_MIN: usize = 4096;

/// A selection scheme (SPEC section 1, "Selection").
#[derive(Debug, Clone, PartialEq)]
pub enum Selection {
    /// Wright-Fisher sampling: a parent is chosen with probability
    /// proportional to exp(pressure * z). With `standardize`, z is fitness
    /// standardised within the generation ((F - mean) / sd, 0 when all are
    /// equal), so `sum` and `rate` can be compared at equal pressure;
    /// otherwise z = F. Pressure 0 is neutral drift.
    Proportional { pressure: f64, standardize: bool },
    /// The fittest of `size` individuals drawn uniformly with replacement
    /// (ties go to the first drawn). Size 1 is neutral drift.
    Tournament { size: usize },
    /// Parents drawn uniformly from the top `fraction` (at least one
    /// individual; ties broken by index).
    Truncation { fraction: f64 },
    /// Individuals with fitness below `floor` die; the next generation is
    /// drawn uniformly from the survivors. No survivor means extinction.
    Threshold { floor: f64 },
}

/// The outcome of selection.
#[derive(Debug, Clone, PartialEq)]
pub enum Parents {
    /// parent[i] is the index of the parent of offspring i.
    Chosen(Vec<u32>),
    /// Nobody survived (only under `Threshold`).
    Extinct,
}

impl Selection {
    /// The names the bindings and configs use.
    pub const NAMES: [&'static str; 4] = ["proportional", "tournament", "truncation", "threshold"];

    /// Build a scheme from its name and its one parameter (pressure, size,
    /// fraction or floor), validated.
    pub fn from_parts(name: &str, parameter: f64, standardize: bool) -> Result<Selection> {
        let s = match name {
            "proportional" => Selection::Proportional { pressure: parameter, standardize },
            "tournament" => {
                SIZE.check(parameter)?;
                Selection::Tournament { size: parameter as usize }
            }
            "truncation" => Selection::Truncation { fraction: parameter },
            "threshold" => Selection::Threshold { floor: parameter },
            other => return Err(Error::unknown("selection", other, &Self::NAMES)),
        };
        s.validate()?;
        Ok(s)
    }

    /// Check every field, naming it in the error.
    pub fn validate(&self) -> Result<()> {
        match *self {
            Selection::Proportional { pressure, .. } => {
                PRESSURE.check(pressure)?;
            }
            Selection::Tournament { size } => {
                SIZE.check_integer(size as u64)?;
            }
            Selection::Truncation { fraction } => {
                FRACTION.check(fraction)?;
            }
            Selection::Threshold { floor } => {
                FLOOR.check(floor)?;
            }
        }
        Ok(())
    }

    /// Choose `offspring` parents from individuals with the given fitness;
    /// `Interrupted` if `control` is cancelled meanwhile (at a million
    /// individuals the searches take a few tenths of a second).
    pub fn choose(&self, fitness: &[f64], offspring: usize, rng: &mut Rng, control: &Control) -> Result<Parents> {
        self.validate()?;
        if fitness.is_empty() {
            return Err(Error::invalid("population", 0, "at least one individual"));
        }
        if let Some(bad) = fitness.iter().find(|f| !f.is_finite()) {
            return Err(Error::invalid("fitness", bad, "finite fitness values"));
        }
        let n = fitness.len();
        let parents = match *self {
            Selection::Proportional { pressure, standardize } => {
                let z = if standardize { standardized(fitness) } else { fitness.to_vec() };
                let top = z.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
                // Weights in parallel, their running total in order; draws
                // in order, searches in parallel: the same numbers at any
                // thread count.
                let mut cumulative: Vec<f64> =
                    z.par_iter().with_min_len(PAR_MIN).map(|&zi| (pressure * (zi - top)).exp()).collect();
                let mut total = 0.0;
                for c in &mut cumulative {
                    total += *c;
                    *c = total;
                }
                let u: Vec<f64> = (0..offspring).map(|_| rng::uniform(rng) * total).collect();
                u.par_iter()
                    .with_min_len(PAR_MIN)
                    .map(|&u| if control.is_cancelled() { 0 } else { cumulative.partition_point(|&c| c <= u).min(n - 1) as u32 })
                    .collect()
            }
            Selection::Tournament { size } => (0..offspring)
                .map(|_| {
                    let mut best = rng::below(rng, n as u64) as usize;
                    for _ in 1..size {
                        let c = rng::below(rng, n as u64) as usize;
                        if fitness[c] > fitness[best] {
                            best = c;
                        }
                    }
                    best as u32
                })
                .collect(),
            Selection::Truncation { fraction } => {
                let keep = ((fraction * n as f64).ceil() as usize).clamp(1, n);
                let mut order: Vec<u32> = (0..n as u32).collect();
                // Stable sort: ties keep index order, so the top set is well defined.
                order.sort_by(|&a, &b| fitness[b as usize].total_cmp(&fitness[a as usize]));
                order.truncate(keep);
                uniform_from(&order, offspring, rng)
            }
            Selection::Threshold { floor } => {
                let survivors: Vec<u32> = (0..n as u32).filter(|&i| fitness[i as usize] >= floor).collect();
                if survivors.is_empty() {
                    return Ok(Parents::Extinct);
                }
                uniform_from(&survivors, offspring, rng)
            }
        };
        control.checkpoint()?;
        Ok(Parents::Chosen(parents))
    }
}

fn uniform_from(pool: &[u32], count: usize, rng: &mut Rng) -> Vec<u32> {
    (0..count).map(|_| pool[rng::below(rng, pool.len() as u64) as usize]).collect()
}

/// (F - mean) / sd within the generation; all zeros when sd is 0.
pub fn standardized(fitness: &[f64]) -> Vec<f64> {
    let n = fitness.len() as f64;
    let mean = fitness.iter().sum::<f64>() / n;
    let var = fitness.iter().map(|f| (f - mean).powi(2)).sum::<f64>() / n;
    let sd = var.sqrt();
    if sd > 1e-12 * (1.0 + mean.abs()) {
        fitness.iter().map(|f| (f - mean) / sd).collect()
    } else {
        vec![0.0; fitness.len()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::stream;

    fn counts(p: &Parents, n: usize) -> Vec<usize> {
        let Parents::Chosen(v) = p else { panic!("extinct") };
        let mut c = vec![0; n];
        for &i in v {
            c[i as usize] += 1;
        }
        c
    }

    #[test]
    fn proportional_matches_exp_weights() {
        let f = [0.0, 1.0, 2.0];
        let sel = Selection::Proportional { pressure: 1.0, standardize: false };
        let m = 90_000;
        let c = counts(&sel.choose(&f, m, &mut stream(3, &[]), &Control::new()).unwrap(), 3);
        let w: Vec<f64> = f.iter().map(|x: &f64| x.exp()).collect();
        let t: f64 = w.iter().sum();
        for i in 0..3 {
            let p = w[i] / t;
            let sd = (m as f64 * p * (1.0 - p)).sqrt();
            assert!((c[i] as f64 - m as f64 * p).abs() < 4.0 * sd, "{c:?}");
        }
    }

    #[test]
    fn zero_pressure_is_neutral() {
        let f = [0.0, 10.0, 100.0, -5.0];
        let sel = Selection::Proportional { pressure: 0.0, standardize: true };
        let m = 40_000;
        let c = counts(&sel.choose(&f, m, &mut stream(4, &[]), &Control::new()).unwrap(), 4);
        let sd = (m as f64 * 0.25 * 0.75).sqrt();
        assert!(c.iter().all(|&k| (k as f64 - 10_000.0).abs() < 4.0 * sd), "{c:?}");
    }

    #[test]
    fn standardising_makes_scale_irrelevant() {
        let a = [1.0, 2.0, 3.0];
        let b = [10.0, 20.0, 30.0];
        assert_eq!(standardized(&a), standardized(&b));
        assert_eq!(standardized(&[5.0, 5.0]), vec![0.0, 0.0]);
    }

    #[test]
    fn tournament_of_two_picks_the_better() {
        // With two individuals, size 2: the fitter wins unless both draws hit the weaker (1/4).
        let sel = Selection::Tournament { size: 2 };
        let m = 40_000;
        let c = counts(&sel.choose(&[0.0, 1.0], m, &mut stream(5, &[]), &Control::new()).unwrap(), 2);
        let sd = (m as f64 * 0.25 * 0.75).sqrt();
        assert!((c[0] as f64 - 10_000.0).abs() < 4.0 * sd, "{c:?}");
    }

    #[test]
    fn truncation_keeps_the_top() {
        let sel = Selection::Truncation { fraction: 0.5 };
        let c = counts(&sel.choose(&[3.0, 1.0, 4.0, 0.0], 1000, &mut stream(6, &[]), &Control::new()).unwrap(), 4);
        assert_eq!(c[1] + c[3], 0);
        assert!(c[0] > 0 && c[2] > 0);
    }

    #[test]
    fn threshold_can_go_extinct() {
        let sel = Selection::Threshold { floor: 1.0 };
        assert_eq!(sel.choose(&[0.0, 0.5], 2, &mut stream(7, &[]), &Control::new()).unwrap(), Parents::Extinct);
        let c = counts(&sel.choose(&[0.0, 2.0], 10, &mut stream(7, &[]), &Control::new()).unwrap(), 2);
        assert_eq!(c, vec![0, 10]);
    }

    #[test]
    fn from_parts_round_trips_and_rejects() {
        assert_eq!(Selection::from_parts("tournament", 3.0, true).unwrap(), Selection::Tournament { size: 3 });
        assert!(Selection::from_parts("tournament", 2.5, true).is_err());
        let e = Selection::from_parts("roulette", 1.0, true).unwrap_err();
        assert!(matches!(e, Error::UnknownName { .. }));
    }

    #[test]
    fn bad_knobs_name_their_field() {
        let e = Selection::Truncation { fraction: 0.0 }.validate().unwrap_err();
        assert!(e.to_string().contains("selection.fraction"));
        let e = Selection::Proportional { pressure: -1.0, standardize: true }.validate().unwrap_err();
        assert!(e.to_string().contains("selection.pressure"));
        let e = Selection::Tournament { size: 0 }.validate().unwrap_err();
        assert!(e.to_string().contains("selection.size"));
        let e = Selection::Threshold { floor: 0.0 }.choose(&[f64::NAN], 1, &mut stream(0, &[]), &Control::new()).unwrap_err();
        assert!(e.to_string().contains("fitness"));
    }
}
