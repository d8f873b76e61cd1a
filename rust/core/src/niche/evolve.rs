//! The evolve loop of a NicheWorld: each generation builds the agents'
//! step tables, serves the requests and measures; choosing parents and
//! mutating them is the shared `crate::replication` loop.

use rayon::prelude::*;

use super::analytic;
use super::episode::Rules;
use super::fitness::{malthusian, Fitness};
use super::generation::{self, AgentStats, Lived, Scratch};
use super::genome::{mean_policy, prepare, Tables, Traits};
use super::measure::Measurements;
use super::world::World;
use crate::control::Control;
use crate::error::Result;
use crate::law::{Field, Law};
use crate::learn::lifetime::{self, Inherit, Lifetime};
use crate::mutation::Mutation;
use crate::replication::{Lineage, Replication};

pub const ENTROPY_BONUS: Field = Field::new("entropy_bonus", Law::NonNegative);
pub const SPECIALIST_THRESHOLD: Field = Field::new("specialist_threshold", Law::Probability);
/// The law of each NicheWorld option of evolve (`crate::law`).
pub const LAWS: &[Field] = &[ENTROPY_BONUS, SPECIALIST_THRESHOLD];

/// Everything `evolve` needs besides the world.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Population, generations, selection, mutation, seed, snapshots and
    /// the initial genomes (empty: all zeros, the uniform policy with equal
    /// skill weights).
    pub replication: Replication,
    pub fitness: Fitness,
    pub entropy_bonus: f64,
    /// Specialisation index below which an agent is a generalist persona.
    pub specialist_threshold: f64,
    /// Learning inside each lifetime (SPEC 5, population-based training):
    /// None is plain evolution; so is a lifetime of 0 iterations, number
    /// for number, with the lifetime's columns added to the history.
    pub lifetime: Option<Lifetime>,
}

impl Config {
    pub fn new(population: usize, generations: u64, fitness: Fitness) -> Config {
        Config {
            replication: Replication::new(population, generations, Mutation { rate: 0.05, scale: 0.1 }),
            fitness,
            entropy_bonus: 0.0,
            specialist_threshold: 0.5,
            lifetime: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    pub measurements: Measurements,
    pub lineage: Lineage,
    /// The initial population's mean policy [K x A] (the KL reference).
    pub reference: Vec<f64>,
    /// Bytes of the per-agent state at its peak, divided by the population.
    pub bytes_per_agent: f64,
    /// Each agent's tally in every snapshot generation that played (in
    /// snapshot order, agent order): its steps, proxy, gold, episodes.
    pub agents: Vec<(u64, Vec<AgentStats>)>,
    /// With a lifetime that learns: at each snapshot generation, the learned
    /// genomes (rows like the snapshot's) and each agent's `learning_kl`.
    pub learned: Vec<(u64, Vec<f64>, Vec<f64>)>,
    /// With a lifetime that evolves its learning rate: each agent's rate at
    /// each snapshot generation (the final population's included).
    pub learning_rates: Vec<(u64, Vec<f64>)>,
}

/// The learning rate an ln(lr) gene stands for, kept in [1e-6, 10]: beyond,
/// mutation's random walk would reach rates whose steps overflow.
fn learning_rate(gene: f64) -> f64 {
    gene.exp().clamp(1e-6, 10.0)
}

/// Each agent's Malthusian r from its episodes (in agent order); an agent
/// with no root (rewards summing to at most 0) ranks last: below every
/// other agent's r.
fn malthusian_fitness(lived: &[Lived], n: usize, entropy_bonus: f64) -> Vec<f64> {
    let mut r = vec![None; n];
    let mut start = 0;
    while start < lived.len() {
        let agent = lived[start].agent;
        let end = start + lived[start..].iter().take_while(|e| e.agent == agent).count();
        let episodes: Vec<(f64, u64)> = lived[start..end].iter().map(|e| (e.proxy + entropy_bonus * e.entropy, e.at)).collect();
        r[agent as usize] = malthusian(&episodes);
        start = end;
    }
    let worst = r.iter().flatten().cloned().fold(f64::INFINITY, f64::min);
    let last = if worst.is_finite() { worst - 1.0 } else { 0.0 };
    r.into_iter().map(|x| x.unwrap_or(last)).collect()
}

/// Run `cfg.replication.generations` generations of `world` (inside the
/// caller's rayon pool; the thread count never changes a number).
pub fn evolve(world: &World, cfg: &Config, control: &Control) -> Result<Output> {
    world.validate()?;
    // Agents travel as u32 in the request queues.
    cfg.replication.validate(u32::MAX as usize / 2)?;
    ENTROPY_BONUS.check(cfg.entropy_bonus)?;
    SPECIALIST_THRESHOLD.check(cfg.specialist_threshold)?;
    if let Some(life) = &cfg.lifetime {
        life.validate()?;
    }
    if let super::Routing::Choice { shortlist, .. } = world.routing {
        if shortlist as usize > cfg.replication.population {
            return Err(crate::error::Error::invalid(
                "shortlist",
                shortlist,
                format!("at most the population ({})", cfg.replication.population),
            ));
        }
    }
    let (run, seed) = (&cfg.replication, cfg.replication.seed);
    let (n, width) = (run.population, world.genome_width());
    bound_the_work(world, n)?;
    let rules = Rules::new(world);
    let genomes = run.initial_genomes(width)?;
    let reference = mean_policy(world, &genomes, control);
    control.checkpoint()?;
    let (mut tables, mut traits) = (Tables::default(), Vec::<Traits>::new());
    let (mut stats, mut scratch) = (Vec::<AgentStats>::new(), Scratch::default());
    scratch.record = cfg.fitness.needs_episodes();
    let mut measurements = Measurements::default();
    let mut peak_bytes = 0usize;
    let mut agents = Vec::new();
    let mut learned_snapshots = Vec::new();
    let demand = world.demand_shares();
    // PBT on the learning rate: ln(lr) rides as one more gene per row.
    let evolve_lr = cfg.lifetime.as_ref().filter(|l| l.evolve_lr);
    let stride = width + evolve_lr.is_some() as usize;
    let start = match evolve_lr {
        Some(l) => genomes.chunks(width).flat_map(|r| r.iter().cloned().chain([l.learn.optimizer.lr().ln()])).collect(),
        None => genomes,
    };
    let mut lr_snapshots = Vec::new();
    let mut lineage = run.run(start, stride, control, |g, rows| {
        let (view, lrs): (std::borrow::Cow<'_, [f64]>, Option<Vec<f64>>) = if evolve_lr.is_some() {
            let strip = rows.chunks(stride).flat_map(|r| r[..width].iter().cloned()).collect();
            (std::borrow::Cow::Owned(strip), Some(rows.chunks(stride).map(|r| learning_rate(r[width])).collect()))
        } else {
            (std::borrow::Cow::Borrowed(&*rows), None)
        };
        let genomes: &[f64] = &view;
        let learned = match &cfg.lifetime {
            Some(life) if life.learn.iterations > 0 => {
                Some(lifetime::live(world, life, genomes, lrs.as_deref(), seed, g, control)?)
            }
            _ => None,
        };
        let played: &[f64] = learned.as_ref().map_or(&*genomes, |l| &l.genomes);
        prepare(world, played, &reference, cfg.specialist_threshold, &mut tables, &mut traits, control);
        control.checkpoint()?;
        let tally = generation::run(world, &rules, &tables, seed, g, &mut stats, &mut scratch, control)?;
        let fitness: Vec<f64> = if cfg.fitness.needs_episodes() {
            malthusian_fitness(&scratch.lived(), n, cfg.entropy_bonus)
        } else {
            stats.par_iter().map(|s| cfg.fitness.of(s, cfg.entropy_bonus)).collect()
        };
        measurements.record(world, g, &traits, &stats, &fitness, &tally);
        if cfg.lifetime.is_some() {
            record_lifetime(world, &demand, genomes, learned.as_ref(), &mut measurements);
        }
        if let Some(lrs) = &lrs {
            measurements.history.float("learning_rate", lrs.iter().sum::<f64>() / n as f64);
        }
        if run.snapshots.contains(&g) {
            agents.push((g, stats.clone()));
            if let Some(lrs) = &lrs {
                lr_snapshots.push((g, lrs.clone()));
            }
            if let Some(l) = &learned {
                learned_snapshots.push((g, l.genomes.clone(), l.kl.clone()));
            }
        }
        peak_bytes = peak_bytes.max(
            n * Replication::bytes_per_individual(width)
                + 8 * (tables.cumulative.capacity() + tables.skill.capacity() + tables.entropy.capacity() + tables.score.capacity() + fitness.capacity())
                + 4 * tables.rank.capacity()
                + 8 * tables.ladder.capacity()
                + std::mem::size_of::<Traits>() * traits.capacity()
                + std::mem::size_of::<AgentStats>() * stats.capacity()
                + scratch.bytes(),
        );
        if let (Some(l), Some(Lifetime { inherit: Inherit::Learned, .. })) = (&learned, &cfg.lifetime) {
            drop(view);
            for (row, learned) in rows.chunks_mut(stride).zip(l.genomes.chunks(width)) {
                row[..width].copy_from_slice(learned);
            }
        }
        Ok(fitness)
    })?;
    if evolve_lr.is_some() {
        // Snapshots as the world's genomes; their learning rates beside them.
        for snap in &mut lineage.snapshots {
            if snap.fitness.is_none() {
                lr_snapshots.push((snap.generation, snap.genomes.chunks(stride).map(|r| learning_rate(r[width])).collect()));
            }
            snap.genomes = snap.genomes.chunks(stride).flat_map(|r| r[..width].iter().cloned()).collect();
        }
    }
    Ok(Output { measurements, lineage, reference, bytes_per_agent: peak_bytes as f64 / n as f64, agents, learned: learned_snapshots,
                learning_rates: lr_snapshots })
}

/// The lifetime's columns of the history (SPEC 5): how far learning moved
/// the population (`learning_kl`, KL(learned || inherited policy) averaged
/// over agents) and the exact per-need value of the inherited (`innate_`)
/// and the learned (`learned_`) genomes, averaged over agents. The gap
/// between them is what learning adds; its closing over generations, under
/// innate inheritance, is the Baldwin effect.
fn record_lifetime(world: &World, demand: &[f64], innate: &[f64], learned: Option<&lifetime::Learned>, m: &mut Measurements) {
    let width = world.genome_width();
    let n = (innate.len() / width) as f64;
    let mean = |genomes: &[f64]| {
        // Summed in agent order: a parallel reduction's order, and so its
        // last bits, would depend on the thread count.
        let each: Vec<(f64, f64)> = genomes.par_chunks(width).map(|row| analytic::per_need(world, row, demand)).collect();
        let (p, g) = each.iter().fold((0.0, 0.0), |a, b| (a.0 + b.0, a.1 + b.1));
        (p / n, g / n)
    };
    let (ip, ig) = mean(innate);
    let ((lp, lg), kl) = match learned {
        Some(l) => (mean(&l.genomes), l.kl.iter().sum::<f64>() / n),
        None => ((ip, ig), 0.0),
    };
    let h = &mut m.history;
    h.float("learning_kl", kl);
    h.float("innate_proxy_per_need", ip);
    h.float("innate_gold_per_need", ig);
    h.float("learned_proxy_per_need", lp);
    h.float("learned_gold_per_need", lg);
}

/// Sizes that would allocate more than the machine has, or queue more
/// requests than a generation can count, fail before anything is
/// allocated, naming the field.
fn bound_the_work(world: &World, n: usize) -> Result<()> {
    use crate::error::Error;
    let requests = (world.requests_per_agent * n as f64).round();
    if requests < 1.0 {
        return Err(Error::invalid(
            "requests_per_agent",
            world.requests_per_agent,
            format!("at least one request per generation: requests_per_agent x population ({n}) >= 0.5"),
        ));
    }
    if requests > u32::MAX as f64 {
        return Err(Error::invalid(
            "requests_per_agent",
            world.requests_per_agent,
            format!("at most {} requests per generation: requests_per_agent x population ({n}) <= 2^32 - 1", u32::MAX),
        ));
    }
    // What a generation holds per agent: two generations of genomes, the
    // step tables, traits, totals and queues (about 1 KiB for the preset).
    let (k, a, width) = (world.k(), world.a(), world.genome_width());
    let per_agent = Replication::bytes_per_individual(width)
        + 8 * (k * a + 3 * k)
        + std::mem::size_of::<Traits>()
        + std::mem::size_of::<AgentStats>()
        + 8 * (1 + world.requests_per_agent.ceil() as usize).min(64);
    let needed = per_agent as f64 * n as f64;
    if let Some(have) = crate::control::available_memory() {
        if needed > have as f64 {
            return Err(Error::invalid(
                "population",
                n,
                format!("a population that fits in memory: about {:.3} GiB needed, {:.3} GiB available",
                        needed / (1u64 << 30) as f64, have as f64 / (1u64 << 30) as f64),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::control::with_threads;
    use crate::niche::measure::Column;
    use crate::replication::Status;
    use crate::selection::Selection;

    #[test]
    fn runs_are_identical_at_any_thread_count() {
        let w = World::assistant();
        let mut cfg = Config::new(700, 5, Fitness::Rate);
        cfg.replication.initial_spread = 0.5;
        cfg.replication.snapshots = vec![0, 5];
        let run = |t| with_threads(Some(t), || evolve(&w, &cfg, &Control::new())).unwrap().unwrap();
        let (a, b) = (run(1), run(2));
        // Debug strings: NaN (an empty persona's mean) is equal to itself there.
        assert!(format!("{a:?}") == format!("{b:?}"), "threads changed the result");
        assert_eq!(a.measurements.history.rows(), 5);
        assert_eq!(a.lineage.snapshots.len(), 2);
        assert!(a.bytes_per_agent < 1024.0, "{}", a.bytes_per_agent);
    }

    #[test]
    fn a_lifetime_of_zero_iterations_is_plain_evolution() {
        let w = World::assistant();
        let mut cfg = Config::new(60, 4, Fitness::Sum);
        cfg.replication.initial_spread = 0.5;
        cfg.replication.snapshots = vec![0, 4];
        let plain = evolve(&w, &cfg, &Control::new()).unwrap();
        for inherit in [Inherit::Innate, Inherit::Learned] {
            cfg.lifetime = Some(Lifetime::new(0, 16, inherit));
            let out = evolve(&w, &cfg, &Control::new()).unwrap();
            assert_eq!(out.lineage, plain.lineage);
            for (name, col) in &plain.measurements.history.columns {
                assert_eq!(out.measurements.history.get(name), Some(col), "{name}");
            }
            assert_eq!(out.measurements.history.floats("learning_kl").unwrap(), &[0.0; 4]);
        }
    }

    #[test]
    fn learned_inheritance_passes_learning_on_and_threads_change_nothing() {
        let w = World::assistant();
        let mut cfg = Config::new(40, 3, Fitness::Rate);
        cfg.replication.snapshots = vec![3];
        let mut runs = Vec::new();
        for inherit in [Inherit::Innate, Inherit::Learned] {
            cfg.lifetime = Some(Lifetime::new(2, 16, inherit));
            let run = |t| with_threads(Some(t), || evolve(&w, &cfg, &Control::new())).unwrap().unwrap();
            let (a, b) = (run(1), run(2));
            assert!(format!("{a:?}") == format!("{b:?}"), "threads changed the result");
            let kl = a.measurements.history.floats("learning_kl").unwrap();
            assert!(kl.iter().all(|&x| x > 0.0), "{kl:?}");
            runs.push(a);
        }
        // Innate: offspring start from mutated zeros, far from what was learned.
        let drift = |o: &Output| o.lineage.snapshots[0].genomes.iter().map(|x| x.abs()).sum::<f64>();
        assert!(drift(&runs[1]) > 2.0 * drift(&runs[0]), "{} vs {}", drift(&runs[1]), drift(&runs[0]));
    }

    #[test]
    fn rate_selection_raises_the_rate() {
        let w = World::assistant();
        let mut cfg = Config::new(1000, 30, Fitness::Rate);
        cfg.replication.selection = Selection::Proportional { pressure: 2.0, standardize: true };
        cfg.replication.mutation = Mutation { rate: 0.2, scale: 0.3 };
        let out = with_threads(Some(2), || evolve(&w, &cfg, &Control::new())).unwrap().unwrap();
        let r = out.measurements.history.floats("proxy_per_step").unwrap();
        assert!(r[29] > r[0] + 0.05, "{} -> {}", r[0], r[29]);
    }

    #[test]
    fn threshold_extinction_is_an_outcome() {
        let w = World::assistant();
        let mut cfg = Config::new(50, 10, Fitness::Sum);
        cfg.replication.selection = Selection::Threshold { floor: 1e9 };
        let out = evolve(&w, &cfg, &Control::new()).unwrap();
        assert_eq!(out.lineage.status, Status::Extinct { generation: 0 });
        assert!(matches!(out.measurements.history.get("generation"), Some(Column::Int(v)) if v.len() == 1));
    }
}
