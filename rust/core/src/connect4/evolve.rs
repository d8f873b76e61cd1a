//! The evolve loop of a Connect Four tournament: each generation plays the
//! tournament and measures it; choosing parents and mutating them is the
//! shared `crate::replication` loop, the same as NicheWorld's.

use rayon::prelude::*;

use super::bots::Bot;
use super::features::COUNT;
use super::fitness::Fitness;
use super::measure::{self, strength};
use super::policy::Policy;
use super::tournament::{self, Format, Standing};
use crate::control::Control;
use crate::error::Result;
use crate::law::{Field, Law};
use crate::mutation::Mutation;
use crate::table::Table;
use crate::replication::{Lineage, Replication};

pub const STRENGTH_GAMES: Field = Field::new("strength_games", Law::Integer { min: 0, max: 10_000_000 });
/// The law of each tournament knob (`crate::law`).
pub const LAWS: &[Field] = &[super::tournament::PRESSURE, super::tournament::GAMES_PER_PAIR, STRENGTH_GAMES];

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Population, generations, selection, mutation, seed, snapshots and
    /// the initial weights (empty: all zeros, uniformly random play).
    pub replication: Replication,
    pub format: Format,
    pub fitness: Fitness,
    /// Games per reference bot per generation for the strength columns
    /// (0 skips them).
    pub strength_games: u32,
}

impl Config {
    pub fn new(population: usize, generations: u64, format: Format, fitness: Fitness) -> Config {
        Config {
            replication: Replication::new(population, generations, Mutation { rate: 0.2, scale: 0.2 }),
            format,
            fitness,
            strength_games: 200,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    pub history: Table,
    pub lineage: Lineage,
}

/// Check every knob of `cfg`, naming the field.
pub fn validate(cfg: &Config) -> Result<()> {
    // Individuals are indexed by u32 in the tournament's pairings.
    cfg.replication.validate(1 << 24)?;
    STRENGTH_GAMES.check_integer(cfg.strength_games as u64)?;
    cfg.format.validate(cfg.replication.population)
}

/// Run the tournament world (inside the caller's rayon pool; the thread
/// count never changes a number).
pub fn evolve(cfg: &Config, control: &Control) -> Result<Output> {
    validate(cfg)?;
    let (run, seed) = (&cfg.replication, cfg.replication.seed);
    let mut standings: Vec<Standing> = Vec::new();
    let mut history = Table::default();
    // A policy is 1 KiB of tables: kept from one generation to the next
    // (no fresh pages to fault in) and built in blocks between checkpoints.
    let mut policies: Vec<Policy> = Vec::new();
    let lineage = run.run(run.initial_genomes(COUNT)?, COUNT, control, |g, weights| {
        policies.clear();
        for block in weights.chunks(COUNT << 14) {
            control.checkpoint()?;
            policies.par_extend(block.par_chunks(COUNT).map(Policy::new));
        }
        let tally = tournament::run(&cfg.format, &policies, seed, g, &mut standings, control)?;
        let fitness: Vec<f64> = standings.iter().map(|s| cfg.fitness.of(s)).collect();
        let games: Vec<u64> = standings.iter().map(|s| s.games).collect();
        let (vs_random, vs_greedy) = if cfg.strength_games > 0 {
            (strength(&policies, Bot::Random, cfg.strength_games, seed, g, control)?, strength(&policies, Bot::Greedy, cfg.strength_games, seed, g, control)?)
        } else {
            ((0, 0), (0, 0))
        };
        measure::record(&mut history, g, weights, &fitness, &games, &tally, cfg.strength_games, vs_random, vs_greedy);
        Ok(fitness)
    })?;
    Ok(Output { history, lineage })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connect4::features::index;
    use crate::control::with_threads;
    use crate::selection::Selection;

    #[test]
    fn runs_are_identical_at_any_thread_count() {
        for format in [Format::Knockout { pressure: 0.5 }, Format::RoundRobin { games_per_pair: 2 }] {
            let mut cfg = Config::new(60, 4, format, Fitness::Moves);
            cfg.replication.initial_spread = 0.5;
            cfg.replication.snapshots = vec![0, 4];
            let run = |t| with_threads(Some(t), || evolve(&cfg, &Control::new())).unwrap().unwrap();
            let (a, b) = (run(1), run(2));
            assert!(format!("{a:?}") == format!("{b:?}"), "threads changed the result");
            assert_eq!(a.history.rows(), 4);
            assert_eq!(a.lineage.snapshots.len(), 2);
        }
    }

    #[test]
    fn selecting_for_wins_raises_the_weight_on_winning_moves() {
        let mut cfg = Config::new(200, 25, Format::RoundRobin { games_per_pair: 1 }, Fitness::WinRate);
        cfg.replication.selection = Selection::Proportional { pressure: 2.0, standardize: true };
        cfg.replication.mutation = Mutation { rate: 0.5, scale: 0.3 };
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
        cfg.replication.population = 10;
        cfg.replication.initial = vec![0.0; 5];
        assert!(evolve(&cfg, &Control::new()).unwrap_err().to_string().contains("initial"));
        cfg.replication.initial = vec![];
        cfg.format = Format::Knockout { pressure: -0.1 };
        assert!(evolve(&cfg, &Control::new()).unwrap_err().to_string().contains("pressure"));
        let mut w = [0.0; COUNT];
        w[index::WINS_NOW] = f64::NAN;
        cfg.format = Format::Knockout { pressure: 0.1 };
        cfg.replication.initial = w.to_vec();
        assert!(evolve(&cfg, &Control::new()).unwrap_err().to_string().contains("initial"));
    }
}
