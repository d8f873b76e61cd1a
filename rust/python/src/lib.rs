//! `replicators._core`: the thin PyO3 layer over `replicators-core`.
//! Each area has one file here, its functions exported by `_core` below;
//! it converts Python arguments, runs the core detached from the GIL
//! (`detach.rs`), and returns numpy arrays. No model logic lives in this
//! crate.

mod connect4;
mod detach;
mod egt;
mod envs;
mod errors;
mod learn;
mod machinery;
mod niche;
mod replication;
mod table;

use pyo3::prelude::*;

#[pymodule(gil_used = false)]
mod _core {
    use super::*;

    #[pymodule_export]
    use crate::connect4::{
        c4_choose, c4_evolve, c4_feature_names, c4_features, c4_further_games, c4_games, c4_perft, c4_probabilities, c4_random_games,
        c4_self_play, c4_simulate_further_games, c4_state,
    };
    #[pymodule_export]
    use crate::detach::Stop;
    #[pymodule_export]
    use crate::egt::{egt_fixation, egt_fixation_mc, egt_population, egt_replicator, egt_replicator_map, egt_stationary};
    #[pymodule_export]
    use crate::envs::AssistantEnvs;
    #[pymodule_export]
    use crate::learn::{learn_exact, learn_exact_decomposition, learn_gradients, learn_run};
    #[pymodule_export]
    use crate::machinery::{_busy_wait, available_memory, law_violation, laws, names, thread_count};
    #[pymodule_export]
    use crate::niche::{
        niche_behaviour_names, niche_behaviours, niche_evaluate, niche_farming, niche_evaluate_genome, niche_evolve, niche_limit,
        niche_preset, niche_proxy_distribution, niche_presets, niche_traits, niche_validate,
    };

    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        // Load NumPy's C API now, at import: loaded lazily by the first call
        // that returns an array, a Ctrl-C arriving during that load made
        // rust-numpy panic instead of raising KeyboardInterrupt.
        let _ = numpy::PyArray1::<f64>::zeros(m.py(), 0, false);
        m.add("__version__", env!("CARGO_PKG_VERSION"))
    }
}
