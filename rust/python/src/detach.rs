//! Running long core computations without the GIL, stoppable by Ctrl-C.
//!
//! The work runs on a scoped thread (inside a rayon pool of the asked size);
//! this thread waits for it with the GIL released, waking every 50 ms to let
//! Python check its signals and report progress. On KeyboardInterrupt the
//! work is cancelled through `Control` and joined before the error is raised,
//! so no thread outlives the call.
//!
//! Only Python's main thread sees signals. A run on another thread (a sweep's
//! local workers) is stopped through a `Stop` bound to that thread: the
//! main thread sets it on Ctrl-C and every run bound to it is cancelled at
//! its next 50 ms wake-up, exactly as if it had seen the signal itself.

use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Duration;

use pyo3::prelude::*;
use replicators_core::control::with_threads;
use replicators_core::{Control, Result};

use crate::errors::to_py;

/// A stop request shared by the runs of a sweep (``replicators._core.Stop``).
#[pyclass(frozen, module = "replicators._core")]
#[derive(Default)]
pub struct Stop {
    flag: Arc<AtomicBool>,
}

thread_local! {
    static BOUND: RefCell<Option<Arc<AtomicBool>>> = const { RefCell::new(None) };
}

#[pymethods]
impl Stop {
    #[new]
    fn new() -> Self {
        Self::default()
    }

    /// Ask every run bound to this stop to end (they raise KeyboardInterrupt).
    fn set(&self) {
        self.flag.store(true, Ordering::Relaxed);
    }

    fn is_set(&self) -> bool {
        self.flag.load(Ordering::Relaxed)
    }

    /// Bind this stop to the calling thread: the core runs it starts answer it.
    fn bind(&self) {
        BOUND.with(|b| *b.borrow_mut() = Some(self.flag.clone()));
    }

    /// Unbind whatever stop the calling thread had.
    #[staticmethod]
    fn unbind() {
        BOUND.with(|b| *b.borrow_mut() = None);
    }
}

fn stop_requested(stop: &Option<Arc<AtomicBool>>) -> bool {
    stop.as_ref().is_some_and(|s| s.load(Ordering::Relaxed))
}

fn stopped() -> PyErr {
    pyo3::exceptions::PyKeyboardInterrupt::new_err("stopped: the sweep was interrupted")
}

pub fn run_detached<T, F>(py: Python<'_>, threads: Option<usize>, progress: Option<&Bound<'_, PyAny>>, work: F) -> PyResult<T>
where
    T: Send,
    F: FnOnce(&Control) -> Result<T> + Send,
{
    let control = Control::new();
    let stop = BOUND.with(|b| b.borrow().clone());
    if stop_requested(&stop) {
        return Err(stopped());
    }
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
                    if stop_requested(&stop) {
                        control.cancel();
                        let _ = py.detach(move || rx.recv());
                        return Err(stopped());
                    }
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
