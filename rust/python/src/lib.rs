//! `replicators._core`: the thin PyO3 layer over `replicators-core`.
//! Each submodule converts Python arguments, runs the core detached from the
//! GIL, and converts results back to numpy arrays; it holds no model logic.

mod detach;
mod errors;

use pyo3::prelude::*;

#[pymodule(gil_used = false)]
mod _core {
    use super::*;

    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        m.add("__version__", env!("CARGO_PKG_VERSION"))?;
        Ok(())
    }

    /// Number of threads `threads=None` means on this machine.
    #[pyfunction]
    #[pyo3(signature = (threads=None))]
    fn thread_count(threads: Option<usize>) -> usize {
        replicators_core::control::thread_count(threads)
    }

    /// Spin for `seconds` in the core, detached and interruptible: used by the
    /// tests to check that Ctrl-C stops a long call.
    #[pyfunction]
    #[pyo3(signature = (seconds, threads=None, progress=None))]
    fn _busy_wait(py: Python<'_>, seconds: f64, threads: Option<usize>, progress: Option<Bound<'_, PyAny>>) -> PyResult<u64> {
        crate::detach::run_detached(py, threads, progress.as_ref(), |control| {
            let start = std::time::Instant::now();
            let mut ticks = 0u64;
            while start.elapsed().as_secs_f64() < seconds {
                control.checkpoint()?;
                std::thread::sleep(std::time::Duration::from_millis(5));
                control.advance(1);
                ticks += 1;
            }
            Ok(ticks)
        })
    }
}
