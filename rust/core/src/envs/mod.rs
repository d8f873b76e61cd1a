//! Standard RL interfaces' cores: environments a learner outside the
//! project steps one action at a time (the Python layer wraps them as
//! Gymnasium and PettingZoo environments, `replicators.envs`).
//!
//! `assistant`: one assistant's episodes in any NicheWorld, with the
//! episode law of `crate::niche::episode`, many environments stepped at once.

pub mod assistant;

pub use assistant::{Assistant, Batch, State};
