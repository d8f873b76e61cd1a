//! Running long core computations without the GIL, stoppable by Ctrl-C.
//!
//! The work runs on a scoped thread (inside a rayon pool of the asked size);
//! this thread waits for it with the GIL released, waking every 50 ms to let
//! Python check its signals and report progress. On KeyboardInterrupt the
//! work is cancelled through `Control` and joined before the error is raised,
//! so no thread outlives the call.

use std::sync::mpsc;
use std::time::Duration;

use pyo3::prelude::*;
use replicators_core::control::with_threads;
use replicators_core::{Control, Result};

use crate::errors::to_py;

pub fn run_detached<T, F>(py: Python<'_>, threads: Option<usize>, progress: Option<&Bound<'_, PyAny>>, work: F) -> PyResult<T>
where
    T: Send,
    F: FnOnce(&Control) -> Result<T> + Send,
{
    let control = Control::new();
    let mut reported = 0u64;
    std::thread::scope(|scope| {
        let (tx, mut rx) = mpsc::channel();
        let control = &control;
        scope.spawn(move || {
            let out = with_threads(threads, || work(control)).and_then(|r| r);
            let _ = tx.send(out);
        });
        loop {
            // The receiver is moved in and out: it is Send but not Sync.
            let (received, back) = py.detach(move || (rx.recv_timeout(Duration::from_millis(50)), rx));
            rx = back;
            let done = control.progress();
            if let Some(callback) = progress {
                if done > reported {
                    if let Err(e) = callback.call1((done - reported,)) {
                        control.cancel();
                        let _ = py.detach(move || rx.recv());
                        return Err(e);
                    }
                    reported = done;
                }
            }
            match received {
                Ok(result) => return result.map_err(|e| to_py(py, e)),
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    if let Err(e) = py.check_signals() {
                        control.cancel();
                        let _ = py.detach(move || rx.recv());
                        return Err(e);
                    }
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    return Err(pyo3::exceptions::PyRuntimeError::new_err("the simulation thread stopped unexpectedly"));
                }
            }
        }
    })
}
