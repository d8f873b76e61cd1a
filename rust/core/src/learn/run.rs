//! Many independent learners trained at once (SPEC 4): each iteration every
//! learner plays its batch with its current policy, estimates advantages
//! and updates, in parallel over learners. A learner's numbers come only
//! from its own stream (seed, LEARN, iteration, learner), so the thread
//! count never changes a number.

use rayon::prelude::*;

use super::advantage::{self, Advantages};
use super::batch::{self, niche_counts, Batch, Play};
use super::config::{Advantage, Config};
use super::measure::{self, Record};
use super::optimizer::State;
use super::policy::Policy;
use super::update::{self, Params};
use crate::control::Control;
use crate::error::{Error, Result};
use crate::niche::analytic;
use crate::niche::episode::Rules;
use crate::niche::genome::{self, threshold};
use crate::niche::persona;
use crate::niche::World;
use crate::rng::{self, domain};
use crate::table::Table;

/// A learner: its parameters and what stays fixed while it learns.
#[derive(Debug, Clone)]
pub(super) struct Learner {
    pub(super) params: Params,
    /// The initial policy: the KL penalty's and `kl_from_initial`'s reference.
    pub(super) reference: Policy,
    /// Skill logits (fixed: evolution changes them, SPEC 5), skill weights
    /// and per-niche skill thresholds.
    skill_logits: Vec<f64>,
    skill_weights: Vec<f64>,
    skill: Vec<f64>,
    /// REINFORCE's running baseline per niche.
    baseline: Vec<f64>,
}

impl Learner {
    fn bytes(&self) -> usize {
        8 * (self.params.logits.capacity()
            + self.params.value.capacity()
            + self.reference.p.capacity()
            + self.reference.log_p.capacity()
            + self.reference.entropy.capacity()
            + self.skill_logits.capacity()
            + self.skill_weights.capacity()
            + self.skill.capacity()
            + self.baseline.capacity())
            + self.params.opt_logits.bytes()
            + self.params.opt_value.bytes()
            + std::mem::size_of::<Learner>()
    }

    fn genome(&self) -> impl Iterator<Item = f64> + '_ {
        self.params.logits.iter().chain(&self.skill_logits).cloned()
    }
}

/// What a run of learners returns.
#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    /// One row per iteration (`super::measure`).
    pub history: Table,
    /// The learned genomes, [learners x genome_width] (skill logits as given).
    pub genomes: Vec<f64>,
    /// (iteration, genomes, value tables [learners x K x width]) at the
    /// asked iterations: the state each learner plays that iteration with.
    pub snapshots: Vec<(u64, Vec<f64>, Vec<f64>)>,
    /// The learned value tables, [learners x K x width].
    pub values: Vec<f64>,
    /// Bytes of a learner's state (parameters, optimizer moments, value
    /// table, references), not counting the per-thread batch buffers.
    pub bytes_per_learner: f64,
}

/// Buffers of one thread.
#[derive(Default)]
pub(super) struct Scratch {
    batch: Batch,
    adv: Advantages,
    policy: Policy,
    cumulative: Vec<u64>,
    skill: Vec<u64>,
    shaping: Vec<f64>,
    update: update::Scratch,
}

/// The fixed context of a run.
pub(super) struct Context<'a> {
    world: &'a World,
    cfg: &'a Config,
    rules: Rules,
    counts: Vec<u32>,
    classes: Vec<u8>,
    demand: Vec<f64>,
    /// V(k, t) has `width` steps per niche (the longest episode).
    width: usize,
    /// The longest possible trajectory (Dr. GRPO's constant).
    l_max: f64,
    /// Seen between blocks of learners and within long episodes.
    control: &'a Control,
}

impl Context<'_> {
    /// The step tables and shaping of `learner`'s current policy into `s`.
    fn prepare(&self, learner: &Learner, s: &mut Scratch) {
        let a = self.world.a();
        s.policy.set(&learner.params.logits, a);
        s.policy.cumulative(&mut s.cumulative);
        s.skill.clear();
        s.skill.extend(learner.skill.iter().map(|&x| threshold(x)));
        s.policy.shaping(&learner.reference, self.cfg.entropy_bonus, self.cfg.kl_penalty, &mut s.shaping);
    }

    /// Play `learner`'s batch and estimate its advantages (into `s`).
    fn play(&self, learner: &Learner, rng: &mut rng::Rng, s: &mut Scratch) {
        self.prepare(learner, s);
        let play = Play {
            rules: &self.rules,
            cumulative: &s.cumulative,
            skill: &s.skill,
            shaping: &s.shaping,
            classes: &self.classes,
            counts: &self.counts,
            chain: self.cfg.chain(),
            control: self.control,
        };
        batch::collect(&play, rng, &mut s.batch);
        advantage::transform(&mut s.batch, self.cfg.returns);
        advantage::estimate(&s.batch, self.cfg.advantage, &learner.params.value, self.width, &learner.baseline, &mut s.adv);
    }

    /// One iteration of one learner: play, measure (unless `measure` is
    /// false: a lifetime's learning keeps no history), update.
    pub(super) fn iterate(&self, learner: &mut Learner, iteration: u64, index: usize, s: &mut Scratch, measure: bool) -> Record {
        let mut rng = rng::stream(self.cfg.seed, &[domain::LEARN, iteration, index as u64]);
        self.play(learner, &mut rng, s);
        if self.control.is_cancelled() {
            return Record::default(); // discarded: `learn` returns Interrupted
        }
        let record = if measure { self.measure(learner, s) } else { Record::default() };
        self.update(learner, record, &mut rng, s)
    }

    /// The batch just played and the policy that played it, exactly.
    fn measure(&self, learner: &Learner, s: &Scratch) -> Record {
        let b = &s.batch;
        let mut record = Record { trajectories: b.trajectories() as u64, ..Record::default() };
        record.returns = s.adv.returns.iter().sum();
        for i in 0..b.trajectories() {
            if !b.solved[i] {
                record.failed += 1;
                record.failed_steps += b.steps(i).len() as u64;
            }
        }
        record.tally = b.tally.clone();
        // The policy that played the batch, exactly.
        let a = self.world.a();
        for (k, d) in self.demand.iter().enumerate() {
            let e = analytic::chain(self.world, k, &s.policy.p[k * a..(k + 1) * a], learner.skill[k]);
            record.proxy_per_need += d * e.proxy_per_need();
            record.gold_per_need += d * e.gold_per_need();
            record.entropy += d * s.policy.entropy[k];
        }
        record.kl = s.policy.kl(&learner.reference, &self.demand);
        let spec = genome::specialization(&learner.skill_weights);
        record.persona = persona::label(&s.policy.p, &learner.skill_weights, spec, &self.classes, &self.demand, 0.5);
        record
    }

    /// Update `learner` from the batch in `s` (its update statistics go into `record`).
    fn update(&self, learner: &mut Learner, mut record: Record, rng: &mut rng::Rng, s: &mut Scratch) -> Record {
        let old = std::mem::take(&mut s.policy);
        record.update = update::update(self.cfg, &s.batch, &s.adv, &old, &mut learner.params, self.width, self.l_max, rng, &mut s.update, self.control);
        s.policy = old;
        if let Advantage::Reinforce { baseline_rate } = self.cfg.advantage {
            update_baseline(&s.batch, &s.adv.returns, baseline_rate, &mut learner.baseline);
        }
        record
    }
}

/// b_k += rate (mean return of niche k in the batch - b_k).
fn update_baseline(batch: &Batch, returns: &[f64], rate: f64, baseline: &mut [f64]) {
    let mut sum = vec![0.0; baseline.len()];
    let mut count = vec![0u32; baseline.len()];
    for (i, g) in returns.iter().enumerate() {
        sum[batch.traj_niche[i] as usize] += g;
        count[batch.traj_niche[i] as usize] += 1;
    }
    for k in 0..baseline.len() {
        if count[k] > 0 {
            baseline[k] += rate * (sum[k] / count[k] as f64 - baseline[k]);
        }
    }
}

pub(super) fn context<'a>(world: &'a World, cfg: &'a Config, control: &'a Control) -> Result<Context<'a>> {
    world.validate()?;
    cfg.validate()?;
    let demand = world.demand_shares();
    let counts = niche_counts(&demand, cfg.episodes);
    if matches!(cfg.advantage, Advantage::Group { .. }) {
        if let Some(k) = (0..world.k()).find(|&k| demand[k] > 0.0 && counts[k] < 2) {
            return Err(Error::invalid(
                "episodes",
                cfg.episodes,
                format!("enough requests for at least 2 per niche with group advantages (niche {k} gets {})", counts[k]),
            ));
        }
    }
    let width = world.niches.iter().map(|n| n.max_steps as usize).max().unwrap_or(1);
    if world.k() * width > 1 << 24 {
        return Err(Error::invalid("niches.max_steps", width, "at most 2^24 value-table cells (niches x max_steps)"));
    }
    if width > 1 << 16 {
        // The batch indexes steps within an episode with 16 bits.
        return Err(Error::invalid("niches.max_steps", width, "at most 65536 steps per episode when learning"));
    }
    bound_the_batch(cfg, width)?;
    Ok(Context {
        rules: Rules::new(world),
        classes: persona::classes(world),
        l_max: (cfg.chain() as usize * width) as f64,
        world,
        cfg,
        counts,
        demand,
        width,
        control,
    })
}

/// A batch holds every step of its trajectories: at worst `episodes x chain
/// x max_steps` of them (users who never leave). Refuse a config whose worst
/// batch, one per thread, would not fit in memory (or overflow the 32-bit
/// step offsets), before anything is played.
fn bound_the_batch(cfg: &Config, width: usize) -> Result<()> {
    let steps = cfg.episodes as f64 * cfg.chain() as f64 * width as f64;
    // Per step: 15 bytes of batch, 32 of advantages; growth may double it.
    let bytes = steps * 2.0 * 47.0 * rayon::current_num_threads() as f64;
    let have = crate::control::available_memory().map(|b| b as f64);
    if steps > u32::MAX as f64 || have.is_some_and(|h| bytes > h) {
        let gib = |b: f64| b / (1u64 << 30) as f64;
        return Err(Error::invalid(
            "episodes",
            cfg.episodes,
            format!(
                "a batch that fits: episodes x chain ({}) x max_steps ({width}) = {steps:.3e} steps at worst, \
                 about {:.3} GiB on {} threads, {} available, at most 2^32 - 1 steps",
                cfg.chain(),
                gib(bytes),
                rayon::current_num_threads(),
                have.map_or("unknown".to_string(), |h| format!("{:.3} GiB", gib(h)))
            ),
        ));
    }
    Ok(())
}

/// The learners as the config starts them.
fn learners(ctx: &Context<'_>) -> Result<Vec<Learner>> {
    let (cfg, width) = (ctx.cfg, ctx.world.genome_width());
    let rows = match cfg.initial.len() {
        0 => vec![0.0; width],
        len if len == width || len == cfg.learners * width => cfg.initial.clone(),
        len => return Err(Error::shape("initial", format!("expected {width} genes or {} x {width}, got {len} values", cfg.learners))),
    };
    learners_from(ctx, &rows, cfg.learners)
}

/// `count` learners starting from the genome `rows` (one row for all, or one each).
pub(super) fn learners_from(ctx: &Context<'_>, rows: &[f64], count: usize) -> Result<Vec<Learner>> {
    let (world, cfg) = (ctx.world, ctx.cfg);
    let (k, a, width) = (world.k(), world.a(), world.genome_width());
    if let Some(bad) = rows.iter().find(|g| !g.is_finite()) {
        return Err(Error::invalid("initial", bad, "finite genes"));
    }
    let n_rows = rows.len() / width;
    let value = match cfg.initial_value.len() {
        0 => vec![0.0; k * ctx.width],
        len if len == k * ctx.width => cfg.initial_value.clone(),
        len => return Err(Error::shape("initial_value", format!("expected {k} x {} values, got {len}", ctx.width))),
    };
    if let Some(bad) = value.iter().find(|x| !x.is_finite()) {
        return Err(Error::invalid("initial_value", bad, "finite values"));
    }
    Ok((0..count)
        .map(|i| {
            let g = &rows[(i % n_rows) * width..(i % n_rows + 1) * width];
            let logits = g[..k * a].to_vec();
            let skill_weights = genome::skill_weights(world, g);
            Learner {
                reference: Policy::of(&logits, a),
                skill: skill_weights.iter().map(|&w| genome::skill(world, w)).collect(),
                skill_logits: g[k * a..].to_vec(),
                skill_weights,
                baseline: vec![0.0; k],
                params: Params {
                    opt_logits: State::new(logits.len()),
                    opt_value: State::new(k * ctx.width),
                    value: value.clone(),
                    logits,
                    lr: None,
                },
            }
        })
        .collect())
}

fn genomes(learners: &[Learner]) -> Vec<f64> {
    learners.iter().flat_map(|l| l.genome()).collect()
}

fn values(learners: &[Learner]) -> Vec<f64> {
    learners.iter().flat_map(|l| l.params.value.iter().cloned()).collect()
}

/// Learners per unit of interruptible work.
pub(super) const BLOCK: usize = 1024;

/// Train `cfg.learners` learners in `world` for `cfg.iterations` iterations
/// (inside the caller's rayon pool; Ctrl-C is seen between blocks of learners).
pub fn learn(world: &World, cfg: &Config, control: &Control) -> Result<Output> {
    let ctx = context(world, cfg, control)?;
    let mut learners = learners(&ctx)?;
    let mut history = Table::default();
    let mut snapshots = Vec::new();
    let personas = (world.k() + 1) * 3;
    let mut records = vec![Record::default(); cfg.learners];
    for it in 0..cfg.iterations {
        control.checkpoint()?;
        if cfg.snapshots.contains(&it) {
            snapshots.push((it, genomes(&learners), values(&learners)));
        }
        // Blocks of learners, so that Ctrl-C is seen within a fraction of a
        // second however large an iteration is.
        for (b, (block, recs)) in learners.chunks_mut(BLOCK).zip(records.chunks_mut(BLOCK)).enumerate() {
            control.checkpoint()?;
            block.par_iter_mut().zip(recs.par_iter_mut()).enumerate().for_each_init(Scratch::default, |s, (j, (learner, record))| {
                *record = ctx.iterate(learner, it, b * BLOCK + j, s, true);
            });
        }
        // A cancel during the last block leaves partial batches: never recorded.
        control.checkpoint()?;
        measure::record(&mut history, it, &records, world.a(), personas);
        control.advance(1);
    }
    if cfg.snapshots.contains(&cfg.iterations) {
        snapshots.push((cfg.iterations, genomes(&learners), values(&learners)));
    }
    let bytes = learners.iter().map(Learner::bytes).sum::<usize>() as f64 / cfg.learners as f64;
    Ok(Output { history, genomes: genomes(&learners), snapshots, values: values(&learners), bytes_per_learner: bytes })
}

/// The first-epoch policy gradient (`update::first_gradient`) of one batch
/// per learner, all starting from the config's initial genomes (and value
/// table), without updating, with its reward and value parts:
/// [learners x 3 x (K x A)]. The Monte Carlo side of SPEC 4's exact checks
/// (`super::exact`).
pub fn sample_gradients(world: &World, cfg: &Config, control: &Control) -> Result<Vec<f64>> {
    let ctx = context(world, cfg, control)?;
    let learners = learners(&ctx)?;
    let ka = world.k() * world.a();
    let mut out = vec![0.0; cfg.learners * 3 * ka];
    for (b, (chunk, block)) in out.chunks_mut(BLOCK * 3 * ka).zip(learners.chunks(BLOCK)).enumerate() {
        control.checkpoint()?;
        chunk.par_chunks_mut(3 * ka).zip(block.par_iter()).enumerate().for_each_init(Scratch::default, |s, (j, (g, learner))| {
            let mut rng = rng::stream(cfg.seed, &[domain::LEARN, 0, (b * BLOCK + j) as u64]);
            ctx.play(learner, &mut rng, s);
            let old = std::mem::take(&mut s.policy);
            update::first_gradient(cfg, &s.batch, &s.adv, &old, ctx.l_max, &mut s.update);
            for (out, part) in g.chunks_mut(ka).zip(s.update.gradients()) {
                out.copy_from_slice(part);
            }
            s.policy = old;
        });
    }
    control.checkpoint()?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::control::with_threads;
    use crate::learn::config::{Aggregation, Algorithm, Returns, Trajectory};

    fn small() -> Config {
        let mut cfg = Config::new(40, 5, 16);
        cfg.seed = 3;
        cfg
    }

    #[test]
    fn runs_are_identical_at_any_thread_count() {
        let w = World::assistant();
        for (traj, adv) in [
            (Trajectory::Episode, Advantage::Gae { gamma: 1.0, lambda: 0.95 }),
            (Trajectory::User, Advantage::Group { scale: true }),
            (Trajectory::User, Advantage::Reinforce { baseline_rate: 0.1 }),
        ] {
            let mut cfg = small();
            cfg.trajectory = traj;
            cfg.advantage = adv;
            cfg.aggregation = Aggregation::SeqMean;
            cfg.snapshots = vec![0, 5];
            let run = |t| with_threads(Some(t), || learn(&w, &cfg, &Control::new())).unwrap().unwrap();
            let (a, b) = (run(1), run(2));
            assert!(format!("{a:?}") == format!("{b:?}"), "threads changed the result");
            assert_eq!(a.history.rows(), 5);
            assert_eq!(a.genomes.len(), 40 * w.genome_width());
        }
    }

    #[test]
    fn a_dominant_action_is_learned() {
        // One niche where `solve` always succeeds and pays most per step: PPO
        // must put almost all mass on it.
        let mut w = World::assistant();
        w.niches.truncate(1);
        w.outcomes.truncate(5);
        let mut cfg = Config::new(8, 150, 32);
        cfg.algorithm = Algorithm::Ppo { clip: 0.2, epochs: 4, minibatches: 4, normalize: true };
        cfg.returns = Returns::Rate;
        let out = learn(&w, &cfg, &Control::new()).unwrap();
        let width = w.genome_width();
        for g in out.genomes.chunks(width) {
            let p = Policy::of(&g[..5], 5);
            assert!(p.p[0] > 0.9, "{:?}", p.p);
        }
        assert!(out.bytes_per_learner < 4096.0, "{}", out.bytes_per_learner);
    }

    #[test]
    fn group_advantages_need_two_trajectories_per_niche() {
        let mut cfg = small();
        cfg.episodes = 6;
        cfg.advantage = Advantage::Group { scale: false };
        let e = learn(&World::assistant(), &cfg, &Control::new()).unwrap_err();
        assert!(e.to_string().contains("episodes"), "{e}");
    }
}
