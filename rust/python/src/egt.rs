//! Bindings of classic evolutionary dynamics (`replicators_core::egt`).
//! Python (`replicators/egt/`) validates and names things for users; this
//! layer converts arrays, runs the core detached, and returns arrays.

use numpy::{IntoPyArray, PyArray1, PyArray2, PyArray3, PyArrayMethods, PyReadonlyArray1, PyReadonlyArray2};
use pyo3::prelude::*;
use replicators_core::egt::replicator::{Method, Replicator};
use replicators_core::egt::{fixation, monte_carlo, population, stationary, FitnessMap, MatrixGame, Process, Setup};
use replicators_core::Error;

use crate::detach::run_detached;
use crate::errors::py_err;

/// Monte Carlo summary: (runs, fixations, probability, stderr, absorption
/// time, its stderr, fixation time, its stderr).
type McSummary = (u64, u64, f64, f64, f64, f64, f64, f64);
type Stationary<'py> = (Bound<'py, PyArray1<f64>>, Bound<'py, PyArray2<f64>>);
type OdeOut<'py> = (Bound<'py, PyArray2<f64>>, Bound<'py, PyArray1<f64>>, u64);

fn game(py: Python<'_>, payoffs: &PyReadonlyArray2<'_, f64>) -> PyResult<MatrixGame> {
    let a = payoffs.as_array();
    let rows: Vec<Vec<f64>> = a.rows().into_iter().map(|r| r.to_vec()).collect();
    if a.ncols() != a.nrows() {
        return Err(py_err(py)(Error::shape(
            "payoffs",
            format!("a {} x {} matrix is not square: expected n x n", a.nrows(), a.ncols()),
        )));
    }
    MatrixGame::new(&rows).map_err(py_err(py))
}

fn setup(
    py: Python<'_>,
    payoffs: &PyReadonlyArray2<'_, f64>,
    population: u64,
    intensity: f64,
    process: &str,
    fitness: &str,
    mutant: usize,
    resident: usize,
) -> PyResult<Setup> {
    let g = game(py, payoffs)?;
    let process = Process::parse(process).map_err(py_err(py))?;
    let fitness = FitnessMap::parse(fitness).map_err(py_err(py))?;
    let pair = g.pair(mutant, resident).map_err(py_err(py))?;
    Setup::new(pair, population, intensity, process, fitness).map_err(py_err(py))
}

/// Exact (probability, absorption time, conditional fixation time).
#[pyfunction]
#[pyo3(signature = (payoffs, population, intensity, process, fitness, mutant, resident))]
pub fn egt_fixation(
    py: Python<'_>,
    payoffs: PyReadonlyArray2<'_, f64>,
    population: u64,
    intensity: f64,
    process: &str,
    fitness: &str,
    mutant: usize,
    resident: usize,
) -> PyResult<(f64, f64, f64)> {
    let s = setup(py, &payoffs, population, intensity, process, fitness, mutant, resident)?;
    let f = run_detached(py, Some(1), None, |control| fixation::exact(&s, Some(control)))?;
    Ok((f.probability, f.absorption_time, f.fixation_time))
}

/// Monte Carlo: (runs, fixations, probability, stderr, absorption time,
/// its stderr, fixation time, its stderr).
#[pyfunction]
#[pyo3(signature = (payoffs, population, intensity, process, fitness, mutant, resident, runs, seed,
    threads=None, times=false, target_stderr=None, max_runs=10_000_000, max_steps=1_000_000_000, progress=None))]
pub fn egt_fixation_mc(
    py: Python<'_>,
    payoffs: PyReadonlyArray2<'_, f64>,
    population: u64,
    intensity: f64,
    process: &str,
    fitness: &str,
    mutant: usize,
    resident: usize,
    runs: u64,
    seed: u64,
    threads: Option<usize>,
    times: bool,
    target_stderr: Option<f64>,
    max_runs: u64,
    max_steps: u64,
    progress: Option<Bound<'_, PyAny>>,
) -> PyResult<McSummary> {
    let s = setup(py, &payoffs, population, intensity, process, fitness, mutant, resident)?;
    let plan = monte_carlo::Plan { runs, seed, times, target_stderr, max_runs, max_steps };
    plan.validate().map_err(py_err(py))?;
    let e = run_detached(py, threads, progress.as_ref(), |control| monte_carlo::simulate(&s, &plan, control))?;
    Ok((
        e.runs,
        e.fixations,
        e.probability,
        e.stderr,
        e.absorption_time,
        e.absorption_time_stderr,
        e.fixation_time,
        e.fixation_time_stderr,
    ))
}

/// Rare-mutation stationary distribution and the fixation matrix.
#[pyfunction]
#[pyo3(signature = (payoffs, population, intensity, process, fitness))]
pub fn egt_stationary<'py>(
    py: Python<'py>,
    payoffs: PyReadonlyArray2<'py, f64>,
    population: u64,
    intensity: f64,
    process: &str,
    fitness: &str,
) -> PyResult<Stationary<'py>> {
    let g = game(py, &payoffs)?;
    let process = Process::parse(process).map_err(py_err(py))?;
    let fitness = FitnessMap::parse(fitness).map_err(py_err(py))?;
    let n = g.strategies();
    let (pi, rho) = run_detached(py, Some(1), None, |control| {
        stationary::stationary(&g, population, intensity, process, fitness, control)
    })?;
    Ok((pi.into_pyarray(py), rho.into_pyarray(py).reshape([n, n])?))
}

fn replicator_of(
    py: Python<'_>,
    payoffs: &PyReadonlyArray2<'_, f64>,
    mutation: Option<PyReadonlyArray2<'_, f64>>,
    background: f64,
) -> PyResult<Replicator> {
    let g = game(py, payoffs)?;
    let q = mutation.map(|m| m.as_array().iter().copied().collect::<Vec<f64>>());
    Replicator::new(g, q, background).map_err(py_err(py))
}

/// The replicator(-mutator) ODE: (states at `t`, error estimates, steps).
#[pyfunction]
#[pyo3(signature = (payoffs, x0, t, mutation=None, background=0.0, method="dopri5", rtol=1e-10, atol=1e-12, dt=0.01))]
pub fn egt_replicator<'py>(
    py: Python<'py>,
    payoffs: PyReadonlyArray2<'py, f64>,
    x0: PyReadonlyArray1<'py, f64>,
    t: PyReadonlyArray1<'py, f64>,
    mutation: Option<PyReadonlyArray2<'py, f64>>,
    background: f64,
    method: &str,
    rtol: f64,
    atol: f64,
    dt: f64,
) -> PyResult<OdeOut<'py>> {
    let rep = replicator_of(py, &payoffs, mutation, background)?;
    let method = match method {
        "dopri5" => Method::DormandPrince { rtol, atol },
        "rk4" => Method::Rk4 { dt },
        other => return Err(py_err(py)(Error::unknown("method", other, &["dopri5", "rk4"]))),
    };
    let x0 = x0.as_array().to_vec();
    let t = t.as_array().to_vec();
    let n = rep.strategies();
    let tr = run_detached(py, Some(1), None, |control| rep.integrate(&x0, &t, method, control))?;
    let rows = tr.error.len();
    Ok((tr.x.into_pyarray(py).reshape([rows, n])?, tr.error.into_pyarray(py), tr.steps))
}

/// The discrete replicator(-mutator) map: states after 0..=steps generations.
#[pyfunction]
#[pyo3(signature = (payoffs, x0, steps, mutation=None, background=0.0))]
pub fn egt_replicator_map<'py>(
    py: Python<'py>,
    payoffs: PyReadonlyArray2<'py, f64>,
    x0: PyReadonlyArray1<'py, f64>,
    steps: u64,
    mutation: Option<PyReadonlyArray2<'py, f64>>,
    background: f64,
) -> PyResult<Bound<'py, PyArray2<f64>>> {
    let rep = replicator_of(py, &payoffs, mutation, background)?;
    let x0 = x0.as_array().to_vec();
    let n = rep.strategies();
    let x = run_detached(py, Some(1), None, |control| rep.iterate(&x0, steps, control))?;
    x.into_pyarray(py).reshape([steps as usize + 1, n])
}

/// Finite-population trajectories: counts per (run, record, strategy).
#[pyfunction]
#[pyo3(signature = (payoffs, initial, intensity, process, fitness, mutation, steps, record_every, runs, seed,
    threads=None, progress=None))]
pub fn egt_population<'py>(
    py: Python<'py>,
    payoffs: PyReadonlyArray2<'py, f64>,
    initial: Vec<u64>,
    intensity: f64,
    process: &str,
    fitness: &str,
    mutation: f64,
    steps: u64,
    record_every: u64,
    runs: u64,
    seed: u64,
    threads: Option<usize>,
    progress: Option<Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyArray3<u64>>> {
    let g = game(py, &payoffs)?;
    let pop = population::Population {
        game: &g,
        intensity,
        process: Process::parse(process).map_err(py_err(py))?,
        fitness: FitnessMap::parse(fitness).map_err(py_err(py))?,
    };
    let plan = population::Plan { steps, record_every, runs, seed, mutation };
    let n = g.strategies();
    let counts = run_detached(py, threads, progress.as_ref(), |control| pop.simulate(&initial, &plan, control))?;
    let records = counts.len() / (runs.max(1) as usize * n);
    counts.into_pyarray(py).reshape([runs as usize, records, n])
}
