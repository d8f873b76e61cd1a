//! The knobs of a learner (SPEC 4), each kept apart because the literature
//! conflates them: what a trajectory is, what its return is, how the
//! advantage is estimated, how per-step losses are aggregated, and how the
//! policy is updated.

use crate::error::{Error, Result};
use crate::law::{Field, Law};

/// What one trajectory of the batch is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trajectory {
    /// One conversation: an episode. Its follow-ups are not the learner's.
    Episode,
    /// A conversation and the follow-ups it causes, chained (at most
    /// `max_chain` episodes): what asking for more engagement and needing
    /// to come back earn under a summed return.
    User,
}

/// What a trajectory's return is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Returns {
    /// The per-step rewards.
    Sum,
    /// The trajectory's summed reward divided by its length, given as a
    /// terminal reward (every other step rewards 0).
    Rate,
}

/// How advantages are estimated.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Advantage {
    /// Generalised advantage estimation with a learned value V(k, t) (the
    /// "value head"; k the niche, t the step within the episode).
    Gae { gamma: f64, lambda: f64 },
    /// GRPO: (G - mean) / std over the batch's trajectories of the same
    /// niche; `scale = false` is Dr. GRPO's G - mean.
    Group { scale: bool },
    /// One advantage per trajectory: its return minus a running baseline per
    /// niche, updated after each iteration at `baseline_rate` (0: no baseline).
    Reinforce { baseline_rate: f64 },
}

/// How the per-step losses l_it of G trajectories are aggregated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aggregation {
    /// (1/G) sum_i sum_t l_it (verl seq-mean-token-sum): with one advantage
    /// per trajectory, the unbiased REINFORCE gradient.
    Sum,
    /// (1/G) sum_i (1/|o_i|) sum_t l_it (GRPO; verl seq-mean-token-mean; TRL "grpo").
    SeqMean,
    /// sum_i sum_t l_it / sum_i |o_i| (DAPO; verl token-mean; TRL "bnpo").
    TokenMean,
    /// sum_i sum_t l_it / (G L_max) (Dr. GRPO; TRL "dr_grpo").
    Constant,
}

/// How the policy is updated from a batch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Algorithm {
    /// One gradient step on the whole batch.
    PolicyGradient,
    /// PPO-clip: `epochs` passes over `minibatches` shuffled parts of the
    /// batch, the probability ratio clipped to [1 - clip, 1 + clip];
    /// advantages standardised per minibatch when `normalize` (CleanRL).
    Ppo { clip: f64, epochs: u32, minibatches: u32, normalize: bool },
}

/// Gradient steps on the logits (and on the value table).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Optimizer {
    Sgd { lr: f64 },
    Adam { lr: f64, beta1: f64, beta2: f64, eps: f64 },
}

impl Optimizer {
    pub fn lr(&self) -> f64 {
        match *self {
            Optimizer::Sgd { lr } | Optimizer::Adam { lr, .. } => lr,
        }
    }

    /// The same optimizer at another learning rate.
    pub fn with_lr(&self, lr: f64) -> Optimizer {
        match *self {
            Optimizer::Sgd { .. } => Optimizer::Sgd { lr },
            Optimizer::Adam { beta1, beta2, eps, .. } => Optimizer::Adam { lr, beta1, beta2, eps },
        }
    }
}

macro_rules! named {
    ($ty:ident { $($name:literal => $variant:expr),* $(,)? }) => {
        impl $ty {
            pub const NAMES: &'static [&'static str] = &[$($name),*];

            pub fn from_name(name: &str) -> Result<$ty> {
                match name {
                    $($name => Ok($variant),)*
                    other => Err(Error::unknown(stringify!($ty).to_lowercase(), other, Self::NAMES)),
                }
            }
        }
    };
}

named!(Trajectory { "episode" => Trajectory::Episode, "user" => Trajectory::User });
named!(Returns { "sum" => Returns::Sum, "rate" => Returns::Rate });
named!(Aggregation {
    "sum" => Aggregation::Sum,
    "seq_mean" => Aggregation::SeqMean,
    "token_mean" => Aggregation::TokenMean,
    "constant" => Aggregation::Constant,
});

pub const LEARNERS: Field = Field::new("learners", Law::at_least(1));
pub const ITERATIONS: Field = Field::new("iterations", Law::at_least(1));
pub const EPISODES: Field = Field::new("episodes", Law::Integer { min: 1, max: 1 << 20 });
pub const MAX_CHAIN: Field = Field::new("max_chain", Law::Integer { min: 1, max: 64 });
pub const CLIP: Field = Field::new("algorithm.clip", Law::Positive);
pub const EPOCHS: Field = Field::new("algorithm.epochs", Law::Integer { min: 1, max: 1000 });
pub const MINIBATCHES: Field = Field::new("algorithm.minibatches", Law::Integer { min: 1, max: 1 << 20 });
pub const GAMMA: Field = Field::new("advantage.gamma", Law::Probability);
pub const LAMBDA: Field = Field::new("advantage.lam", Law::Probability);
pub const BASELINE_RATE: Field = Field::new("advantage.baseline_rate", Law::Probability);
pub const LR: Field = Field::new("optimizer.lr", Law::Positive);
pub const BETA1: Field = Field::new("optimizer.beta1", Law::ProbabilityBelowOne);
pub const BETA2: Field = Field::new("optimizer.beta2", Law::ProbabilityBelowOne);
pub const EPS: Field = Field::new("optimizer.eps", Law::Positive);
pub const ENTROPY_BONUS: Field = Field::new("learn.entropy_bonus", Law::NonNegative);
pub const KL_PENALTY: Field = Field::new("kl_penalty", Law::NonNegative);
/// The law of each learner knob (`crate::law`).
pub const LAWS: &[Field] = &[
    LEARNERS, ITERATIONS, EPISODES, MAX_CHAIN, CLIP, EPOCHS, MINIBATCHES, GAMMA, LAMBDA, BASELINE_RATE, LR, BETA1,
    BETA2, EPS, ENTROPY_BONUS, KL_PENALTY,
];

/// Everything a run of learners needs besides the world.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub learners: usize,
    pub iterations: u64,
    /// Fresh requests (needs) per learner per iteration, split over niches
    /// by demand (`super::batch::niche_counts`).
    pub episodes: u32,
    pub algorithm: Algorithm,
    pub advantage: Advantage,
    pub aggregation: Aggregation,
    pub returns: Returns,
    pub trajectory: Trajectory,
    pub max_chain: u32,
    pub optimizer: Optimizer,
    /// alpha: reward + alpha H(pi(.|k)) per step.
    pub entropy_bonus: f64,
    /// beta: reward - beta (log pi(a|k) - log pi_ref(a|k)) per step, pi_ref the initial policy.
    pub kl_penalty: f64,
    pub seed: u64,
    /// Initial genomes (NicheWorld's layout): empty (all zeros), one row or one per learner.
    pub initial: Vec<f64>,
    /// Initial value table V(k, t), [K x width] (width: the longest episode),
    /// shared by every learner: empty means all zeros.
    pub initial_value: Vec<f64>,
    /// Iterations after which every learner's genome is kept (0 = before learning).
    pub snapshots: Vec<u64>,
}

impl Config {
    /// PPO with CleanRL's structure (clip 0.2, 4 epochs, 4 minibatches,
    /// advantages normalised), GAE(1, 0.95), sum aggregation and returns
    /// over episodes, Adam.
    pub fn new(learners: usize, iterations: u64, episodes: u32) -> Config {
        Config {
            learners,
            iterations,
            episodes,
            algorithm: Algorithm::Ppo { clip: 0.2, epochs: 4, minibatches: 4, normalize: true },
            advantage: Advantage::Gae { gamma: 1.0, lambda: 0.95 },
            aggregation: Aggregation::Sum,
            returns: Returns::Sum,
            trajectory: Trajectory::Episode,
            max_chain: 4,
            optimizer: Optimizer::Adam { lr: 0.05, beta1: 0.9, beta2: 0.999, eps: 1e-8 },
            entropy_bonus: 0.0,
            kl_penalty: 0.0,
            seed: 0,
            initial: Vec::new(),
            initial_value: Vec::new(),
            snapshots: Vec::new(),
        }
    }

    /// Check every knob, naming the field.
    pub fn validate(&self) -> Result<()> {
        LEARNERS.check_integer(self.learners as u64)?;
        ITERATIONS.check_integer(self.iterations)?;
        EPISODES.check_integer(self.episodes as u64)?;
        MAX_CHAIN.check_integer(self.max_chain as u64)?;
        if let Algorithm::Ppo { clip, epochs, minibatches, .. } = self.algorithm {
            CLIP.check(clip)?;
            EPOCHS.check_integer(epochs as u64)?;
            MINIBATCHES.check_integer(minibatches as u64)?;
        }
        match self.advantage {
            Advantage::Gae { gamma, lambda } => {
                GAMMA.check(gamma)?;
                LAMBDA.check(lambda)?;
            }
            Advantage::Reinforce { baseline_rate } => {
                BASELINE_RATE.check(baseline_rate)?;
            }
            Advantage::Group { .. } => {}
        }
        match self.optimizer {
            Optimizer::Sgd { lr } => {
                LR.check(lr)?;
            }
            Optimizer::Adam { lr, beta1, beta2, eps } => {
                LR.check(lr)?;
                BETA1.check(beta1)?;
                BETA2.check(beta2)?;
                EPS.check(eps)?;
            }
        }
        ENTROPY_BONUS.law.check("entropy_bonus", self.entropy_bonus)?;
        KL_PENALTY.check(self.kl_penalty)?;
        if let Some(&late) = self.snapshots.iter().find(|&&s| s > self.iterations) {
            return Err(Error::invalid("snapshots", late, format!("iterations in [0, {}]", self.iterations)));
        }
        Ok(())
    }

    /// Episodes a trajectory may chain.
    pub fn chain(&self) -> u32 {
        match self.trajectory {
            Trajectory::Episode => 1,
            Trajectory::User => self.max_chain,
        }
    }
}
