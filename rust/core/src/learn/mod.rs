//! Learners (SPEC 4): tabular softmax policies trained by policy gradient
//! in a NicheWorld, beside replication. A learner's logits have the
//! genome's layout (so the exact evaluator scores it and `evolve` can start
//! from it); its policy sees the niche only, pi(a | k), while its value
//! function may also see the step, V(k, t).
//!
//! One concept per file: `config` (the knobs: trajectory, returns,
//! advantage, aggregation, algorithm, optimizer), `policy` (softmax tables),
//! `batch` (playing trajectories with the shared episode law),
//! `advantage` (returns transform, GAE / group / REINFORCE, the
//! reward-value split), `update` (aggregated and clipped gradients, the
//! value regression), `optimizer` (SGD, Adam), `measure` (the history),
//! `exact` (expected returns and gradient estimators by dynamic
//! programming), `run` (many learners in parallel), `lifetime` (learning
//! inside a generation of evolution: population-based training, SPEC 5).

pub mod advantage;
pub mod batch;
pub mod config;
pub mod exact;
pub mod lifetime;
pub mod measure;
pub mod optimizer;
pub mod policy;
pub mod run;
pub mod update;

pub use config::{Advantage, Aggregation, Algorithm, Config, Optimizer, Returns, Trajectory};
pub use lifetime::{Inherit, Lifetime};
pub use run::{learn, sample_gradients, Output};
