//! Bindings of the learners (`replicators_core::learn`). The knobs arrive
//! as `(name, numbers)` pairs built by `replicators.learn` (e.g.
//! `("ppo", [clip, epochs, minibatches, normalize])`), results leave as
//! dicts of numpy columns.

use numpy::{PyArray1, PyArrayMethods};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use replicators_core::error::Error;
use replicators_core::learn::{self, exact, Advantage, Aggregation, Algorithm, Config, Inherit, Lifetime, Optimizer, Returns, Trajectory};

use crate::detach::run_detached;
use crate::errors::py_err;
use crate::niche::world_from;
use crate::table::table;

/// A knob as Python sends it: its kind and its numbers.
type Knob = (String, Vec<f64>);

fn numbers<const N: usize>(field: &str, x: &[f64]) -> Result<[f64; N], Error> {
    x.try_into().map_err(|_| Error::shape(field, format!("expected {N} numbers, got {}", x.len())))
}

fn algorithm((name, x): &Knob) -> Result<Algorithm, Error> {
    match name.as_str() {
        "policy_gradient" => Ok(Algorithm::PolicyGradient),
        "ppo" => {
            let [clip, epochs, minibatches, normalize] = numbers("algorithm", x)?;
            Ok(Algorithm::Ppo { clip, epochs: epochs as u32, minibatches: minibatches as u32, normalize: normalize != 0.0 })
        }
        other => Err(Error::unknown("algorithm", other, &["ppo", "policy_gradient"])),
    }
}

fn advantage((name, x): &Knob) -> Result<Advantage, Error> {
    match name.as_str() {
        "gae" => {
            let [gamma, lambda] = numbers("advantage", x)?;
            Ok(Advantage::Gae { gamma, lambda })
        }
        "group" => {
            let [scale] = numbers("advantage", x)?;
            Ok(Advantage::Group { scale: scale != 0.0 })
        }
        "reinforce" => {
            let [baseline_rate] = numbers("advantage", x)?;
            Ok(Advantage::Reinforce { baseline_rate })
        }
        other => Err(Error::unknown("advantage", other, &["gae", "group", "reinforce"])),
    }
}

fn optimizer((name, x): &Knob) -> Result<Optimizer, Error> {
    match name.as_str() {
        "sgd" => {
            let [lr] = numbers("optimizer", x)?;
            Ok(Optimizer::Sgd { lr })
        }
        "adam" => {
            let [lr, beta1, beta2, eps] = numbers("optimizer", x)?;
            Ok(Optimizer::Adam { lr, beta1, beta2, eps })
        }
        other => Err(Error::unknown("optimizer", other, &["adam", "sgd"])),
    }
}

/// The core config from the bindings' arguments.
#[allow(clippy::too_many_arguments)]
fn config(
    learners: usize,
    iterations: u64,
    episodes: u32,
    algorithm_: &Knob,
    advantage_: &Knob,
    aggregation: &str,
    returns: &str,
    trajectory: &str,
    max_chain: u32,
    optimizer_: &Knob,
    entropy_bonus: f64,
    kl_penalty: f64,
    seed: u64,
    initial: Option<Vec<f64>>,
    snapshots: Vec<u64>,
) -> Result<Config, Error> {
    Ok(Config {
        learners,
        iterations,
        episodes,
        algorithm: algorithm(algorithm_)?,
        advantage: advantage(advantage_)?,
        aggregation: Aggregation::from_name(aggregation)?,
        returns: Returns::from_name(returns)?,
        trajectory: Trajectory::from_name(trajectory)?,
        max_chain,
        optimizer: optimizer(optimizer_)?,
        entropy_bonus,
        kl_penalty,
        seed,
        initial: initial.unwrap_or_default(),
        initial_value: Vec::new(),
        snapshots,
    })
}

/// A lifetime (SPEC 5) from the dict `replicators.learn.Learn._core()`
/// builds: the learner's knobs and `inherit`.
pub fn lifetime_from(d: &Bound<'_, PyDict>) -> PyResult<Lifetime> {
    let py = d.py();
    let get = |key: &str| -> PyResult<Bound<'_, PyAny>> {
        d.get_item(key)?.ok_or_else(|| py_err(py)(Error::shape("lifetime", format!("missing {key}"))))
    };
    let learn = config(
        1,
        get("iterations")?.extract()?,
        get("episodes")?.extract()?,
        &get("algorithm")?.extract()?,
        &get("advantage")?.extract()?,
        &get("aggregation")?.extract::<String>()?,
        &get("returns")?.extract::<String>()?,
        &get("trajectory")?.extract::<String>()?,
        get("max_chain")?.extract()?,
        &get("optimizer")?.extract()?,
        get("entropy_bonus")?.extract()?,
        get("kl_penalty")?.extract()?,
        0,
        None,
        vec![],
    )
    .map_err(|e| py_err(py)(e.within("lifetime")))?;
    let inherit = Inherit::from_name(&get("inherit")?.extract::<String>()?).map_err(py_err(py))?;
    Ok(Lifetime { learn, inherit, evolve_lr: get("evolve_lr")?.extract()? })
}

/// The config of one plain policy-gradient batch (the exact checks' probe):
/// no update is taken, so the optimizer is only a placeholder.
#[allow(clippy::too_many_arguments)]
fn probe(
    learners: usize,
    episodes: u32,
    advantage: &Knob,
    aggregation: &str,
    returns: &str,
    trajectory: &str,
    max_chain: u32,
    entropy_bonus: f64,
    seed: u64,
    initial: Option<Vec<f64>>,
) -> Result<Config, Error> {
    let (pg, sgd) = (("policy_gradient".to_string(), vec![]), ("sgd".to_string(), vec![1.0]));
    config(learners, 1, episodes, &pg, advantage, aggregation, returns, trajectory, max_chain, &sgd, entropy_bonus, 0.0, seed, initial, vec![])
}

/// Train learners; see `replicators.learn.learn`.
#[pyfunction]
#[pyo3(signature = (world, *, learners, iterations, episodes, algorithm, advantage, aggregation, returns, trajectory,
    max_chain, optimizer, entropy_bonus, kl_penalty, seed, threads=None, initial=None, snapshots=Vec::new(), progress=None))]
#[allow(clippy::too_many_arguments)]
pub fn learn_run<'py>(
    py: Python<'py>,
    world: &Bound<'py, PyDict>,
    learners: usize,
    iterations: u64,
    episodes: u32,
    algorithm: Knob,
    advantage: Knob,
    aggregation: &str,
    returns: &str,
    trajectory: &str,
    max_chain: u32,
    optimizer: Knob,
    entropy_bonus: f64,
    kl_penalty: f64,
    seed: u64,
    threads: Option<usize>,
    initial: Option<Vec<f64>>,
    snapshots: Vec<u64>,
    progress: Option<Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let err = py_err(py);
    let w = world_from(py, world)?;
    let cfg = config(
        learners, iterations, episodes, &algorithm, &advantage, aggregation, returns, trajectory, max_chain, &optimizer,
        entropy_bonus, kl_penalty, seed, initial, snapshots,
    )
    .map_err(&err)?;
    let out = run_detached(py, threads, progress.as_ref(), |control| learn::learn(&w, &cfg, control))?;
    let width = w.genome_width();
    let steps = w.niches.iter().map(|n| n.max_steps as usize).max().unwrap_or(1);
    let d = PyDict::new(py);
    d.set_item("history", table(py, out.history)?)?;
    d.set_item("genomes", PyArray1::from_vec(py, out.genomes).reshape([learners, width])?)?;
    d.set_item("values", PyArray1::from_vec(py, out.values).reshape([learners, w.k(), steps])?)?;
    let snaps = PyList::empty(py);
    for (it, genomes, values) in out.snapshots {
        let g = PyArray1::from_vec(py, genomes).reshape([learners, width])?;
        snaps.append((it, g, PyArray1::from_vec(py, values).reshape([learners, w.k(), steps])?))?;
    }
    d.set_item("snapshots", snaps)?;
    d.set_item("bytes_per_learner", out.bytes_per_learner)?;
    Ok(d)
}

/// One batch's first gradient and its reward and value parts per learner,
/// [learners x 3 x K x A], without updating.
#[pyfunction]
#[pyo3(signature = (world, *, learners, episodes, advantage, aggregation, returns, trajectory, max_chain,
    entropy_bonus, seed, initial, value=None, threads=None))]
#[allow(clippy::too_many_arguments)]
pub fn learn_gradients<'py>(
    py: Python<'py>,
    world: &Bound<'py, PyDict>,
    learners: usize,
    episodes: u32,
    advantage: Knob,
    aggregation: &str,
    returns: &str,
    trajectory: &str,
    max_chain: u32,
    entropy_bonus: f64,
    seed: u64,
    initial: Vec<f64>,
    value: Option<Vec<f64>>,
    threads: Option<usize>,
) -> PyResult<Bound<'py, PyAny>> {
    let err = py_err(py);
    let w = world_from(py, world)?;
    let mut cfg = probe(learners, episodes, &advantage, aggregation, returns, trajectory, max_chain, entropy_bonus, seed, Some(initial))
        .map_err(&err)?;
    cfg.initial_value = value.unwrap_or_default();
    let out = run_detached(py, threads, None, |control| learn::sample_gradients(&w, &cfg, control))?;
    Ok(PyArray1::from_vec(py, out).reshape([learners, 3, w.k(), w.a()])?.into_any())
}

/// The expected reward and value parts of a batch's first gradient with GAE
/// (`learn::exact::expected_decomposition`): two [K x A] arrays.
#[pyfunction]
#[pyo3(signature = (world, genome, value, *, episodes, aggregation, trajectory, max_chain, gamma, lam, entropy_bonus))]
#[allow(clippy::too_many_arguments)]
pub fn learn_exact_decomposition<'py>(
    py: Python<'py>,
    world: &Bound<'py, PyDict>,
    genome: Vec<f64>,
    value: Vec<f64>,
    episodes: u32,
    aggregation: &str,
    trajectory: &str,
    max_chain: u32,
    gamma: f64,
    lam: f64,
    entropy_bonus: f64,
) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
    let err = py_err(py);
    let w = world_from(py, world)?;
    let gae = ("gae".to_string(), vec![gamma, lam]);
    let cfg = probe(1, episodes, &gae, aggregation, "sum", trajectory, max_chain, entropy_bonus, 0, None).map_err(&err)?;
    let (r, v) = exact::expected_decomposition(&w, &genome, &cfg, &value).map_err(&err)?;
    let shape = [w.k(), w.a()];
    Ok((PyArray1::from_vec(py, r).reshape(shape)?.into_any(), PyArray1::from_vec(py, v).reshape(shape)?.into_any()))
}

/// The exact expectations of a batch of learners at one genome (`learn::exact::expected`).
#[pyfunction]
#[pyo3(signature = (world, genome, *, episodes, aggregation, returns, trajectory, max_chain, entropy_bonus, baseline))]
#[allow(clippy::too_many_arguments)]
pub fn learn_exact<'py>(
    py: Python<'py>,
    world: &Bound<'py, PyDict>,
    genome: Vec<f64>,
    episodes: u32,
    aggregation: &str,
    returns: &str,
    trajectory: &str,
    max_chain: u32,
    entropy_bonus: f64,
    baseline: Vec<f64>,
) -> PyResult<Bound<'py, PyDict>> {
    let err = py_err(py);
    let w = world_from(py, world)?;
    let reinforce = ("reinforce".to_string(), vec![0.0]);
    let cfg = probe(1, episodes, &reinforce, aggregation, returns, trajectory, max_chain, entropy_bonus, 0, None).map_err(&err)?;
    let e = exact::expected(&w, &genome, &cfg, &baseline).map_err(&err)?;
    let d = PyDict::new(py);
    d.set_item("shares", e.shares)?;
    d.set_item("returns", e.returns)?;
    d.set_item("lengths", e.lengths)?;
    d.set_item("objective", e.objective)?;
    d.set_item("gradient", PyArray1::from_vec(py, e.gradient).reshape([w.k(), w.a()])?)?;
    Ok(d)
}
