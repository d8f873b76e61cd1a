//! How a long computation is steered from outside: a cancel flag (Ctrl-C in
//! Python), a progress counter (generations or runs done), and the thread
//! count it may use.
//!
//! Work checks `Control::checkpoint` at coarse granularity (a generation, a
//! batch of runs), so a stop is answered within milliseconds without costing
//! anything in the hot loops.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use crate::error::{Error, Result};

/// Shared between the thread doing the work and the one watching it.
#[derive(Debug, Default)]
pub struct Control {
    cancelled: AtomicBool,
    progress: AtomicU64,
}

impl Control {
    pub fn new() -> Self {
        Self::default()
    }

    /// Ask the work to stop at its next checkpoint.
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed)
    }

    /// `Err(Interrupted)` once cancelled, so work can `?` out of its loops.
    pub fn checkpoint(&self) -> Result<()> {
        if self.is_cancelled() { Err(Error::Interrupted) } else { Ok(()) }
    }

    /// Record `n` more units of work done (generations, runs...).
    pub fn advance(&self, n: u64) {
        self.progress.fetch_add(n, Ordering::Relaxed);
    }

    pub fn progress(&self) -> u64 {
        self.progress.load(Ordering::Relaxed)
    }
}

/// The number of threads to use: `None` or 0 means all cores.
pub fn thread_count(threads: Option<usize>) -> usize {
    match threads {
        Some(n) if n > 0 => n,
        _ => std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
    }
}

/// Run `work` inside a rayon pool of exactly `threads` threads, so that
/// `threads=1` really is serial and a benchmark's thread count is honest.
pub fn with_threads<T: Send>(threads: Option<usize>, work: impl FnOnce() -> T + Send) -> Result<T> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(thread_count(threads))
        .build()
        .map_err(|e| Error::Numerical { message: format!("could not start the thread pool: {e}") })?;
    Ok(pool.install(work))
}

/// Bytes of memory available now (Linux `MemAvailable`), or `None` where
/// that cannot be read: the bound sizes are checked against before any
/// allocation.
pub fn available_memory() -> Option<u64> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    kib.checked_mul(1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cancel_is_seen_at_checkpoints() {
        let c = Control::new();
        assert!(c.checkpoint().is_ok());
        c.advance(3);
        c.cancel();
        assert_eq!(c.checkpoint(), Err(Error::Interrupted));
        assert_eq!(c.progress(), 3);
    }

    #[test]
    fn pool_has_the_asked_size() {
        let n = with_threads(Some(2), rayon::current_num_threads).unwrap();
        assert_eq!(n, 2);
        assert_eq!(with_threads(Some(1), rayon::current_num_threads).unwrap(), 1);
    }
}
