//! NicheWorld (SPEC 1): assistants serve users whose requests fall into
//! niches, and replicate on the sum or the rate of their proxy reward.
//!
//! One concept per file: `world` (the tables and their laws), `preset`
//! (named worlds), `genome` (policy and skill,
//! per-generation step tables), `persona` (behaviour classes and the
//! persona rule), `episode` (the step loop),
//! `generation` (arrival, rerouting, follow-ups), `fitness`, `measure`,
//! `analytic` (the exact evaluator), `evolve` (the loop).

pub mod analytic;
mod build;
pub mod episode;
pub mod evolve;
pub mod fitness;
pub mod generation;
pub mod genome;
pub mod measure;
pub mod persona;
pub mod preset;
pub mod world;

pub use evolve::{evolve, Config, Output};
pub use fitness::Fitness;
pub use world::{Action, ChooseBy, Labels, Niche, Outcome, Routing, World};
