//! The evolve loop: play a generation, measure it, select parents, mutate.

use rayon::prelude::*;

use super::episode::Rules;
use super::fitness::{check_entropy_bonus, Fitness};
use super::generation::{self, AgentStats, Scratch};
use super::genome::{mean_policy, prepare, Tables, Traits};
use super::measure::Measurements;
use super::world::World;
use crate::control::Control;
use crate::error::{check, Error, Result};
use crate::mutation::{reproduce, Mutation};
use crate::rng::{self, domain};
use crate::selection::{Parents, Selection};

/// Everything `evolve` needs besides the world.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub population: usize,
    pub generations: u64,
    pub fitness: Fitness,
    pub entropy_bonus: f64,
    pub selection: Selection,
    pub mutation: Mutation,
    pub seed: u64,
    /// Generations whose genomes are kept (g = `generations` is the final
    /// population, after the last reproduction).
    pub snapshots: Vec<u64>,
    /// Initial genomes: empty (all zeros: uniform policy, equal skill
    /// weights), one row (every agent starts from it) or one row per agent.
    pub initial: Vec<f64>,
    /// Standard deviation of Gaussian noise added to every initial gene.
    pub initial_spread: f64,
    /// Specialisation index below which an agent is a generalist persona.
    pub specialist_threshold: f64,
}

impl Config {
    pub fn new(population: usize, generations: u64, fitness: Fitness) -> Config {
        Config {
            population,
            generations,
            fitness,
            entropy_bonus: 0.0,
            selection: Selection::Proportional { pressure: 1.0, standardize: true },
            mutation: Mutation { rate: 0.05, scale: 0.1 },
            seed: 0,
            snapshots: Vec::new(),
            initial: Vec::new(),
            initial_spread: 0.0,
            specialist_threshold: 0.5,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Completed,
    /// Nobody reached the threshold at this generation: the run stopped.
    Extinct { generation: u64 },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    pub measurements: Measurements,
    pub snapshots: Vec<(u64, Vec<f64>)>,
    pub status: Status,
    /// The initial population's mean policy [K x A] (the KL reference).
    pub reference: Vec<f64>,
    /// Bytes of the per-agent state at its peak, divided by the population.
    pub bytes_per_agent: f64,
}

fn initial_genomes(world: &World, cfg: &Config) -> Result<Vec<f64>> {
    let (w, n) = (world.genome_width(), cfg.population);
    let mut genomes = match cfg.initial.len() {
        0 => vec![0.0; n * w],
        len if len == w => cfg.initial.repeat(n),
        len if len == n * w => cfg.initial.clone(),
        len => {
            return Err(Error::shape("initial", format!("expected {w} genes or {n} x {w}, got {len} values")));
        }
    };
    if let Some(bad) = genomes.iter().find(|g| !g.is_finite()) {
        return Err(Error::invalid("initial", bad, "finite logits"));
    }
    if cfg.initial_spread > 0.0 {
        genomes.par_chunks_mut(w).enumerate().for_each(|(i, g)| {
            let mut r = rng::stream(cfg.seed, &[domain::INITIAL, i as u64]);
            g.iter_mut().for_each(|x| *x += cfg.initial_spread * rng::normal(&mut r));
        });
    }
    Ok(genomes)
}

/// Run `cfg.generations` generations of `world` (inside the caller's rayon
/// pool; the thread count never changes a number).
pub fn evolve(world: &World, cfg: &Config, control: &Control) -> Result<Output> {
    world.validate()?;
    check::at_least("population", cfg.population as u64, 2)?;
    if cfg.population > u32::MAX as usize / 2 {
        return Err(Error::invalid("population", cfg.population, "at most 2^31 agents"));
    }
    check::at_least("generations", cfg.generations, 1)?;
    check_entropy_bonus(cfg.entropy_bonus)?;
    check::non_negative("initial_spread", cfg.initial_spread)?;
    check::probability("specialist_threshold", cfg.specialist_threshold)?;
    cfg.selection.validate()?;
    cfg.mutation.validate()?;
    let (n, width) = (cfg.population, world.genome_width());
    let rules = Rules::new(world);
    let mut genomes = initial_genomes(world, cfg)?;
    let reference = mean_policy(world, &genomes);
    let mut next = Vec::with_capacity(genomes.len());
    let (mut tables, mut traits) = (Tables::default(), Vec::<Traits>::new());
    let (mut stats, mut scratch) = (Vec::<AgentStats>::new(), Scratch::default());
    let mut measurements = Measurements::default();
    let mut snapshots = Vec::new();
    let mut status = Status::Completed;
    let mut peak_bytes = 0usize;
    for g in 0..cfg.generations {
        control.checkpoint()?;
        if cfg.snapshots.contains(&g) {
            snapshots.push((g, genomes.clone()));
        }
        prepare(world, &genomes, &reference, cfg.specialist_threshold, &mut tables, &mut traits);
        let tally = generation::run(world, &rules, &tables, cfg.seed, g, &mut stats, &mut scratch);
        let fitness: Vec<f64> = stats.par_iter().map(|s| cfg.fitness.of(s, cfg.entropy_bonus)).collect();
        measurements.record(world, g, &traits, &stats, &fitness, &tally);
        let mut rng = rng::stream(cfg.seed, &[domain::SELECTION, g]);
        let parents = match cfg.selection.choose(&fitness, n, &mut rng)? {
            Parents::Chosen(p) => p,
            Parents::Extinct => {
                status = Status::Extinct { generation: g };
                control.advance(1);
                break;
            }
        };
        reproduce(&genomes, width, &parents, &cfg.mutation, cfg.seed, g, &mut next);
        std::mem::swap(&mut genomes, &mut next);
        peak_bytes = peak_bytes.max(
            8 * (genomes.capacity() + next.capacity() + tables.cumulative.capacity() + tables.skill.capacity() + tables.entropy.capacity() + fitness.capacity())
                + std::mem::size_of::<Traits>() * traits.capacity()
                + std::mem::size_of::<AgentStats>() * stats.capacity()
                + 4 * parents.capacity()
                + scratch.bytes(),
        );
        control.advance(1);
    }
    if status == Status::Completed && cfg.snapshots.contains(&cfg.generations) {
        snapshots.push((cfg.generations, genomes.clone()));
    }
    Ok(Output { measurements, snapshots, status, reference, bytes_per_agent: peak_bytes as f64 / n as f64 })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::control::with_threads;
    use crate::niche::measure::Column;

    #[test]
    fn runs_are_identical_at_any_thread_count() {
        let w = World::assistant();
        let mut cfg = Config::new(700, 5, Fitness::Rate);
        cfg.initial_spread = 0.5;
        cfg.snapshots = vec![0, 5];
        let run = |t| with_threads(Some(t), || evolve(&w, &cfg, &Control::new())).unwrap().unwrap();
        let (a, b) = (run(1), run(2));
        // Debug strings: NaN (an empty persona's mean) is equal to itself there.
        assert!(format!("{a:?}") == format!("{b:?}"), "threads changed the result");
        assert_eq!(a.measurements.history.rows(), 5);
        assert_eq!(a.snapshots.len(), 2);
        assert!(a.bytes_per_agent < 1024.0, "{}", a.bytes_per_agent);
    }

    #[test]
    fn rate_selection_raises_the_rate() {
        let w = World::assistant();
        let mut cfg = Config::new(1000, 30, Fitness::Rate);
        cfg.selection = Selection::Proportional { pressure: 2.0, standardize: true };
        cfg.mutation = Mutation { rate: 0.2, scale: 0.3 };
        let out = with_threads(Some(2), || evolve(&w, &cfg, &Control::new())).unwrap().unwrap();
        let r = out.measurements.history.floats("proxy_per_step").unwrap();
        assert!(r[29] > r[0] + 0.05, "{} -> {}", r[0], r[29]);
    }

    #[test]
    fn threshold_extinction_is_an_outcome() {
        let w = World::assistant();
        let mut cfg = Config::new(50, 10, Fitness::Sum);
        cfg.selection = Selection::Threshold { floor: 1e9 };
        let out = evolve(&w, &cfg, &Control::new()).unwrap();
        assert_eq!(out.status, Status::Extinct { generation: 0 });
        assert!(matches!(out.measurements.history.get("generation"), Some(Column::Int(v)) if v.len() == 1));
    }
}
