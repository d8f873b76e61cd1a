//! `replicators._core`: the thin PyO3 layer over `replicators-core`.
//! Each area has one file here with a `register` function; it converts
//! Python arguments, runs the core detached from the GIL (`detach.rs`), and
//! returns numpy arrays. No model logic lives in this crate.

mod connect4;
mod detach;
mod egt;
mod errors;
mod machinery;
mod niche;
mod replication;
mod table;

use pyo3::prelude::*;

#[pymodule(gil_used = false)]
mod _core {
    use super::*;

    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        m.add("__version__", env!("CARGO_PKG_VERSION"))?;
        crate::machinery::register(m)?;
        crate::niche::register(m)?;
        crate::egt::register(m)?;
        crate::connect4::register(m)?;
        Ok(())
    }
}
