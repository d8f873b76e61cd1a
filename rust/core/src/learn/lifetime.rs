//! Learning inside a lifetime (SPEC 5, population-based training): before
//! a NicheWorld generation plays, every individual learns for `iterations`
//! from its inherited starting logits, then serves the generation with what
//! it learned. Evolution acts on what is inherited: the starting logits
//! (`Inherit::Innate`, Darwinian) or the learned ones (`Inherit::Learned`,
//! Lamarckian); skill logits never change while learning.
//!
//! Each lifetime starts afresh: a zero value table, fresh optimizer
//! moments, the inherited policy as the KL penalty's reference. Individual
//! i of generation g learns from its own stream (the learner stream of
//! `super::run`, under a seed drawn from (seed, LIFETIME, g)), so the
//! thread count never changes a number.

use rayon::prelude::*;

use super::config::Config;
use super::policy::Policy;
use super::run::{context, learners_from, Scratch, BLOCK};
use crate::control::Control;
use crate::error::{Error, Result};
use crate::law::{Field, Law};
use crate::niche::World;
use crate::rng::{self, domain};

/// Learning iterations per lifetime: 0 is plain evolution, number for number.
pub const LIFETIME_ITERATIONS: Field = Field::new("lifetime.iterations", Law::at_least(0));
/// The law of each lifetime knob of its own (the rest are the learner's).
pub const LAWS: &[Field] = &[LIFETIME_ITERATIONS];

/// What offspring inherit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inherit {
    /// The parent's starting logits (Darwinian: learning is not inherited).
    Innate,
    /// The parent's logits after learning (Lamarckian).
    Learned,
}

impl Inherit {
    pub const NAMES: &'static [&'static str] = &["innate", "learned"];

    pub fn from_name(name: &str) -> Result<Inherit> {
        match name {
            "innate" => Ok(Inherit::Innate),
            "learned" => Ok(Inherit::Learned),
            _ => Err(Error::unknown("lifetime.inherit", name, Inherit::NAMES)),
        }
    }
}

/// How each individual learns in its lifetime: the learner's knobs
/// (`learn.iterations` per lifetime, `learn.episodes` per iteration; its
/// `learners`, `seed`, `initial` and `snapshots` are set by evolution) and
/// what offspring inherit.
#[derive(Debug, Clone, PartialEq)]
pub struct Lifetime {
    pub learn: Config,
    pub inherit: Inherit,
    /// PBT's explore/exploit on the learning rate: each individual carries
    /// ln(lr) as one more gene, inherited and mutated with the others
    /// (starting from the optimizer's lr).
    pub evolve_lr: bool,
}

impl Lifetime {
    pub fn new(iterations: u64, episodes: u32, inherit: Inherit) -> Lifetime {
        Lifetime { learn: Config::new(1, iterations, episodes), inherit, evolve_lr: false }
    }

    /// Check every knob, naming the field (`lifetime.<knob>`).
    pub fn validate(&self) -> Result<()> {
        LIFETIME_ITERATIONS.check_integer(self.learn.iterations)?;
        // The learner's own law wants at least one iteration; 0 is allowed here.
        let cfg = Config { iterations: self.learn.iterations.max(1), learners: 1, ..self.learn.clone() };
        cfg.validate().map_err(|e| e.within("lifetime"))
    }
}

/// What a generation's lifetimes produced.
#[derive(Debug, Clone, PartialEq)]
pub struct Learned {
    /// The learned genomes (rows as given; skill logits unchanged).
    pub genomes: Vec<f64>,
    /// Each individual's KL(learned || inherited policy), demand-weighted
    /// over niches: how far learning moved it.
    pub kl: Vec<f64>,
}

/// Let every row of `genomes` learn for a lifetime in generation `g`, each
/// at its own learning rate `lrs[i]` if given (else the optimizer's).
pub fn live(world: &World, lifetime: &Lifetime, genomes: &[f64], lrs: Option<&[f64]>, seed: u64, g: u64, control: &Control) -> Result<Learned> {
    let width = world.genome_width();
    let n = genomes.len() / width;
    let cfg = Config {
        learners: n,
        seed: rng::key(seed, &[domain::LIFETIME, g]),
        initial: Vec::new(),
        snapshots: Vec::new(),
        ..lifetime.learn.clone()
    };
    let ctx = context(world, &cfg, control).map_err(|e| e.within("lifetime"))?;
    let mut learners = learners_from(&ctx, genomes, n)?;
    if let Some(lrs) = lrs {
        for (l, &lr) in learners.iter_mut().zip(lrs) {
            l.params.lr = Some(lr);
        }
    }
    for it in 0..cfg.iterations {
        for (b, block) in learners.chunks_mut(BLOCK).enumerate() {
            control.checkpoint()?;
            block.par_iter_mut().enumerate().for_each_init(Scratch::default, |s, (j, learner)| {
                ctx.iterate(learner, it, b * BLOCK + j, s, false);
            });
        }
        control.checkpoint()?;
    }
    let (k, a) = (world.k(), world.a());
    let demand = world.demand_shares();
    let mut out = genomes.to_vec();
    let mut kl = vec![0.0; n];
    out.par_chunks_mut(width).zip(&mut kl).zip(&learners).for_each(|((row, kl), learner)| {
        row[..k * a].copy_from_slice(&learner.params.logits);
        *kl = Policy::of(&learner.params.logits, a).kl(&learner.reference, &demand);
    });
    Ok(Learned { genomes: out, kl })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::control::with_threads;

    #[test]
    fn learning_moves_every_individual_and_the_thread_count_changes_nothing() {
        let w = World::assistant();
        let genomes = vec![0.0; 6 * w.genome_width()];
        let life = Lifetime::new(3, 16, Inherit::Innate);
        let run = |t| with_threads(Some(t), || live(&w, &life, &genomes, None, 5, 2, &Control::new())).unwrap().unwrap();
        let (a, b) = (run(1), run(2));
        assert_eq!(a, b);
        assert!(a.kl.iter().all(|&x| x > 0.0), "{:?}", a.kl);
        // Skill logits are not learned.
        let (ka, width) = (w.k() * w.a(), w.genome_width());
        assert!(a.genomes.chunks(width).all(|r| r[ka..].iter().all(|&x| x == 0.0)));
        // Another generation, other streams.
        let c = live(&w, &life, &genomes, None, 5, 3, &Control::new()).unwrap();
        assert_ne!(a.genomes, c.genomes);
    }

    #[test]
    fn bad_knobs_name_the_lifetime_field() {
        let mut life = Lifetime::new(0, 16, Inherit::Learned);
        assert!(life.validate().is_ok());
        life.learn.episodes = 0;
        assert!(life.validate().unwrap_err().to_string().contains("lifetime.episodes"));
        assert!(Inherit::from_name("epigenetic").unwrap_err().to_string().contains("lifetime.inherit"));
    }
}
