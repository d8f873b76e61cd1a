//! The law of each knob of the classic dynamics (`crate::law`), for the
//! core's checks and the Python layer's (`replicators.egt`) alike. Names
//! are prefixed `egt.`; errors name the bare field (`population`).

use super::process::MAX_POPULATION;
use crate::law::{Field, Law};

pub const POPULATION: Field = Field::new("egt.population", Law::Integer { min: 2, max: MAX_POPULATION });
pub const INTENSITY: Field = Field::new("egt.intensity", Law::NonNegative);
pub const MUTATION: Field = Field::new("egt.mutation", Law::Probability);
pub const RUNS: Field = Field::new("egt.runs", Law::at_least(1));
pub const MAX_STEPS: Field = Field::new("egt.max_steps", Law::at_least(1));
pub const TARGET_STDERR: Field = Field::new("egt.target_stderr", Law::Positive);
pub const RECORD_EVERY: Field = Field::new("egt.record_every", Law::at_least(1));
pub const RTOL: Field = Field::new("egt.rtol", Law::Positive);
pub const ATOL: Field = Field::new("egt.atol", Law::NonNegative);
pub const DT: Field = Field::new("egt.dt", Law::Positive);
pub const BACKGROUND: Field = Field::new("egt.background", Law::Finite);

pub const LAWS: &[Field] =
    &[POPULATION, INTENSITY, MUTATION, RUNS, MAX_STEPS, TARGET_STDERR, RECORD_EVERY, RTOL, ATOL, DT, BACKGROUND];
