//! Classic evolutionary game dynamics, the validation bed (SPEC section 3):
//! matrix games, finite-population processes (Moran birth-death and
//! death-birth, Fermi pairwise comparison, Wright-Fisher), their exact
//! fixation probabilities and times, Monte Carlo estimates, the
//! small-mutation stationary distribution, and the replicator(-mutator)
//! equation.

pub mod fixation;
pub mod game;
pub mod linalg;
pub mod logspace;
pub mod population;
pub mod monte_carlo;
pub mod process;
pub mod replicator;
pub mod stationary;

pub mod laws;

pub use fixation::{exact, Fixation};
pub use game::{MatrixGame, Pair};
pub use process::{BirthDeath, FitnessMap, Process, Setup};
