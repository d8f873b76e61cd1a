//! replicators-core: populations of policies that replicate on reward.
//!
//! Pure Rust, no Python: the bindings crate (`rust/python`) only converts.
//! Shared machinery lives at the top (`rng`, `error`, `law`, `control`,
//! `selection`, `mutation`, and `replication`, the generation loop they
//! make); each world has its own module; `envs` steps worlds for outside
//! learners.

pub mod connect4;
pub mod control;
pub mod egt;
pub mod envs;
pub mod error;
pub mod law;
pub mod learn;
pub mod mutation;
pub mod niche;
pub mod replication;
pub mod rng;
pub mod selection;
pub mod table;
pub mod vmath;

pub use control::Control;
pub use error::{Error, Result};
