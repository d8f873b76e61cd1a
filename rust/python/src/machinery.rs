//! Bindings of the shared machinery: thread counts, and a detached busy wait
//! the tests use to check that Ctrl-C and progress reach long calls.

use pyo3::prelude::*;

use crate::detach::run_detached;

/// Number of threads `threads=None` means on this machine.
#[pyfunction]
#[pyo3(signature = (threads=None))]
fn thread_count(threads: Option<usize>) -> usize {
    replicators_core::control::thread_count(threads)
}

/// Spin for `seconds` in the core, detached and interruptible.
#[pyfunction]
#[pyo3(signature = (seconds, threads=None, progress=None))]
fn _busy_wait(py: Python<'_>, seconds: f64, threads: Option<usize>, progress: Option<Bound<'_, PyAny>>) -> PyResult<u64> {
    run_detached(py, threads, progress.as_ref(), |control| {
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

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(thread_count, m)?)?;
    m.add_function(wrap_pyfunction!(_busy_wait, m)?)?;
    Ok(())
}
