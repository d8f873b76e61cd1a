//! Bindings of the shared machinery: thread counts, and a detached busy wait
//! the tests use to check that Ctrl-C and progress reach long calls.

use pyo3::prelude::*;
use replicators_core::law::{Field, Law};
use replicators_core::{connect4, egt, learn, mutation, niche, replication, selection};

use crate::detach::run_detached;

/// Every law table of the core, for the Python layer to ask by name.
fn fields() -> impl Iterator<Item = &'static Field> {
    [
        replication::LAWS,
        selection::LAWS,
        mutation::LAWS,
        niche::world::LAWS,
        niche::evolve::LAWS,
        connect4::evolve::LAWS,
        egt::laws::LAWS,
        learn::config::LAWS,
        learn::lifetime::LAWS,
        connect4::self_play::LAWS,
        connect4::reward::LAWS,
    ]
    .into_iter()
    .flatten()
}

fn law(name: &str) -> PyResult<Law> {
    fields()
        .find(|f| f.name == name)
        .map(|f| f.law)
        .ok_or_else(|| pyo3::exceptions::PyKeyError::new_err(format!("no law named {name:?}")))
}

/// The names of a closed set the core knows (fitness modes, processes,
/// bots, selection schemes), for the Python layer's constants.
#[pyfunction]
pub fn names(set: &str) -> PyResult<Vec<&'static str>> {
    Ok(match set {
        "niche.fitness" => niche::Fitness::NAMES.to_vec(),
        "learn.inherit" => learn::Inherit::NAMES.to_vec(),
        "connect4.objective" => connect4::self_play::Objective::NAMES.to_vec(),
        "niche.routing" => niche::Routing::NAMES.to_vec(),
        "niche.choose_by" => niche::ChooseBy::NAMES.to_vec(),
        "niche.farming" => niche::persona::FARMING.to_vec(),
        "connect4.fitness" => connect4::fitness::Fitness::NAMES.to_vec(),
        "connect4.bots" => connect4::bots::Bot::NAMES.to_vec(),
        "egt.process" => egt::Process::NAMES.to_vec(),
        "egt.fitness" => egt::FitnessMap::NAMES.to_vec(),
        "selection" => selection::Selection::NAMES.to_vec(),
        "learn.aggregation" => learn::Aggregation::NAMES.to_vec(),
        "learn.returns" => learn::Returns::NAMES.to_vec(),
        "learn.trajectory" => learn::Trajectory::NAMES.to_vec(),
        other => return Err(pyo3::exceptions::PyKeyError::new_err(format!("no set named {other:?}"))),
    })
}

/// A number or an integer, as Python gives it.
#[derive(FromPyObject)]
pub enum Value {
    Int(i128),
    Float(f64),
}

/// Bytes of memory available now (the core's reading, which its own size
/// checks use), or None where it cannot be read.
#[pyfunction]
pub fn available_memory() -> Option<u64> {
    replicators_core::control::available_memory()
}

/// Every named law: {name: (integer, expected)}.
#[pyfunction]
pub fn laws() -> Vec<(&'static str, bool, String)> {
    fields().map(|f| (f.name, f.law.is_integer(), f.law.expected())).collect()
}

/// None if `value` obeys the law `name`, else what the law expects.
#[pyfunction]
pub fn law_violation(name: &str, value: Value) -> PyResult<Option<String>> {
    let law = law(name)?;
    let holds = match value {
        Value::Int(x) => law.holds_integer(x),
        Value::Float(x) => law.holds(x),
    };
    Ok(if holds { None } else { Some(law.expected()) })
}

/// Number of threads `threads=None` means on this machine.
#[pyfunction]
#[pyo3(signature = (threads=None))]
pub fn thread_count(threads: Option<usize>) -> usize {
    replicators_core::control::thread_count(threads)
}

/// Spin for `seconds` in the core, detached and interruptible.
#[pyfunction]
#[pyo3(signature = (seconds, threads=None, progress=None))]
pub fn _busy_wait(py: Python<'_>, seconds: f64, threads: Option<usize>, progress: Option<Bound<'_, PyAny>>) -> PyResult<u64> {
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
