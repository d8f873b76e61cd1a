//! The evolve loop of a Connect Four tournament: play the generation's
//! tournament, measure it, select parents, mutate (the same selection and
//! mutation as NicheWorld: `crate::selection`, `crate::mutation`).

use rayon::prelude::*;

use super::bots::Bot;
use super::features::COUNT;
use super::fitness::Fitness;
use super::measure::{self, strength};
use super::policy::Policy;
use super::tournament::{self, Format, Standing};
use crate::control::Control;
use crate::error::{check, Error, Result};
use crate::mutation::{reproduce, Mutation};
use crate::niche::measure::Table;
use crate::rng::{self, domain};
use crate::selection::{Parents, Selection};

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub population: usize,
    pub generations: u64,
    pub format: Format,
    pub fitness: Fitness,
    pub selection: Selection,
    pub mutation: Mutation,
    pub seed: u64,
    /// Generations whose weights are kept (g = `generations` is the final
    /// population).
    pub snapshots: Vec<u64>,
    /// Initial weights: empty (all zeros: uniformly random play), one row
    /// of `features::COUNT` (every individual) or one row per individual.
    pub initial: Vec<f64>,
    /// Standard deviation of Gaussian noise added to every initial weight.
    pub initial_spread: f64,
    /// Games per reference bot per generation for the strength columns
    /// (0 skips them).
    pub strength_games: u32,
}

impl Config {
    pub fn new(population: usize, generations: u64, format: Format, fitness: Fitness) -> Config {
        Config {
            population,
            generations,
            format,
            fitness,
            selection: Selection::Proportional { pressure: 1.0, standardize: true },
            mutation: Mutation { rate: 0.2, scale: 0.2 },
            seed: 0,
            snapshots: Vec::new(),
            initial: Vec::new(),
            initial_spread: 0.0,
            strength_games: 200,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Completed,
    Extinct { generation: u64 },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    pub history: Table,
    pub snapshots: Vec<(u64, Vec<f64>)>,
    pub status: Status,
}

fn initial_weights(cfg: &Config) -> Result<Vec<f64>> {
    let n = cfg.population;
    let mut w = match cfg.initial.len() {
        0 => vec![0.0; n * COUNT],
        COUNT => cfg.initial.repeat(n),
        len if len == n * COUNT => cfg.initial.clone(),
        len => return Err(Error::shape("initial", format!("expected {COUNT} weights or {n} x {COUNT}, got {len} values"))),
    };
    if let Some(bad) = w.iter().find(|x| !x.is_finite()) {
        return Err(Error::invalid("initial", bad, "finite weights"));
    }
    if cfg.initial_spread > 0.0 {
        w.par_chunks_mut(COUNT).enumerate().for_each(|(i, g)| {
            let mut r = rng::stream(cfg.seed, &[domain::INITIAL, i as u64]);
            g.iter_mut().for_each(|x| *x += cfg.initial_spread * rng::normal(&mut r));
        });
    }
    Ok(w)
}

/// Check every knob of `cfg`, naming the field.
pub fn validate(cfg: &Config) -> Result<()> {
    check::at_least("population", cfg.population as u64, 2)?;
    if cfg.population > 1 << 24 {
        return Err(Error::invalid("population", cfg.population, "at most 2^24 individuals"));
    }
    check::at_least("generations", cfg.generations, 1)?;
    check::non_negative("initial_spread", cfg.initial_spread)?;
    cfg.format.validate(cfg.population)?;
    cfg.selection.validate()?;
    cfg.mutation.validate()?;
    Ok(())
}

/// Run the tournament world (inside the caller's rayon pool; the thread
/// count never changes a number).
pub fn evolve(cfg: &Config, control: &Control) -> Result<Output> {
    validate(cfg)?;
    let n = cfg.population;
    let mut weights = initial_weights(cfg)?;
    let mut next = Vec::with_capacity(weights.len());
    let mut standings: Vec<Standing> = Vec::new();
    let mut history = Table::default();
    let mut snapshots = Vec::new();
    let mut status = Status::Completed;
    for g in 0..cfg.generations {
        control.checkpoint()?;
        if cfg.snapshots.contains(&g) {
            snapshots.push((g, weights.clone()));
        }
        let policies: Vec<Policy> = weights.par_chunks(COUNT).map(Policy::new).collect();
        let tally = tournament::run(&cfg.format, &policies, cfg.seed, g, &mut standings, control)?;
        let fitness: Vec<f64> = standings.iter().map(|s| cfg.fitness.of(s)).collect();
        let games: Vec<u64> = standings.iter().map(|s| s.games).collect();
        let (vs_random, vs_greedy) = if cfg.strength_games > 0 {
            (strength(&policies, Bot::Random, cfg.strength_games, cfg.seed, g), strength(&policies, Bot::Greedy, cfg.strength_games, cfg.seed, g))
        } else {
            ((0, 0), (0, 0))
        };
        measure::record(&mut history, g, &weights, &fitness, &games, &tally, cfg.strength_games, vs_random, vs_greedy);
        let mut r = rng::stream(cfg.seed, &[domain::SELECTION, g]);
        let parents = match cfg.selection.choose(&fitness, n, &mut r)? {
            Parents::Chosen(p) => p,
            Parents::Extinct => {
                status = Status::Extinct { generation: g };
                control.advance(1);
                break;
            }
        };
        reproduce(&weights, COUNT, &parents, &cfg.mutation, cfg.seed, g, &mut next);
        std::mem::swap(&mut weights, &mut next);
        control.advance(1);
    }
    if status == Status::Completed && cfg.snapshots.contains(&cfg.generations) {
        snapshots.push((cfg.generations, weights.clone()));
    }
    Ok(Output { history, snapshots, status })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connect4::features::index;
    use crate::control::with_threads;

    #[test]
    fn runs_are_identical_at_any_thread_count() {
        for format in [Format::Knockout { pressure: 0.5 }, Format::RoundRobin { games_per_pair: 2 }] {
            let mut cfg = Config::new(60, 4, format, Fitness::Moves);
            cfg.initial_spread = 0.5;
            cfg.snapshots = vec![0, 4];
            let run = |t| with_threads(Some(t), || evolve(&cfg, &Control::new())).unwrap().unwrap();
            let (a, b) = (run(1), run(2));
            assert!(format!("{a:?}") == format!("{b:?}"), "threads changed the result");
            assert_eq!(a.history.rows(), 4);
            assert_eq!(a.snapshots.len(), 2);
        }
    }

    #[test]
    fn selecting_for_wins_raises_the_weight_on_winning_moves() {
        let mut cfg = Config::new(200, 25, Format::RoundRobin { games_per_pair: 1 }, Fitness::WinRate);
        cfg.selection = Selection::Proportional { pressure: 2.0, standardize: true };
        cfg.mutation = Mutation { rate: 0.5, scale: 0.3 };
        cfg.strength_games = 400;
        let out = with_threads(Some(2), || evolve(&cfg, &Control::new())).unwrap().unwrap();
        let w = out.history.floats("weight_wins_now").unwrap();
        let iwr = out.history.floats("immediate_win_rate").unwrap();
        assert!(w[24] > w[0] + 1.0, "weight_wins_now {} -> {}", w[0], w[24]);
        assert!(iwr[24] > iwr[0] + 0.2, "immediate_win_rate {} -> {}", iwr[0], iwr[24]);
    }

    #[test]
    fn bad_configs_name_the_field() {
        let mut cfg = Config::new(1, 1, Format::Knockout { pressure: 0.5 }, Fitness::Moves);
        assert!(evolve(&cfg, &Control::new()).unwrap_err().to_string().contains("population"));
        cfg.population = 10;
        cfg.initial = vec![0.0; 5];
        assert!(evolve(&cfg, &Control::new()).unwrap_err().to_string().contains("initial"));
        cfg.initial = vec![];
        cfg.format = Format::Knockout { pressure: -0.1 };
        assert!(evolve(&cfg, &Control::new()).unwrap_err().to_string().contains("pressure"));
        let mut w = [0.0; COUNT];
        w[index::WINS_NOW] = f64::NAN;
        cfg.format = Format::Knockout { pressure: 0.1 };
        cfg.initial = w.to_vec();
        assert!(evolve(&cfg, &Control::new()).unwrap_err().to_string().contains("initial"));
    }
}
