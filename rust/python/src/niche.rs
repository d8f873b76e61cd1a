//! Bindings of NicheWorld: the world arrives as a dict of flat tables
//! (built by `replicators.niche.NicheWorld._tables`), results leave as
//! dicts of numpy columns.

use numpy::{IntoPyArray, PyArray1, PyArrayMethods, PyReadonlyArray2};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use replicators_core::Control;
use replicators_core::error::Error;
use replicators_core::niche::{
    analytic, episode, evolve, generation, genome, persona, preset, Action, ChooseBy, Config, Fitness, Labels, Niche, Outcome, Routing,
    World,
};

use crate::detach::run_detached;
use crate::errors::py_err;
use crate::replication::{put_lineage, replication};
use crate::table::table;

fn field<'py, T: FromPyObjectOwned<'py>>(d: &Bound<'py, PyDict>, key: &str) -> PyResult<T> {
    match d.get_item(key)? {
        Some(v) => v.extract::<T>().map_err(Into::<PyErr>::into),
        None => Err(pyo3::exceptions::PyKeyError::new_err(format!("world table without {key:?}"))),
    }
}

/// The core world from the dict of tables.
pub fn world_from(py: Python<'_>, d: &Bound<'_, PyDict>) -> PyResult<World> {
    let demand: Vec<f64> = field(d, "demand")?;
    let patience: Vec<f64> = field(d, "patience")?;
    let max_steps: Vec<u32> = field(d, "max_steps")?;
    let ends: Vec<bool> = field(d, "ends")?;
    let skilled: Vec<bool> = field(d, "skilled")?;
    let reroute: Vec<bool> = field(d, "reroute")?;
    let fail_ends: Vec<bool> = field(d, "fail_ends")?;
    let cols: Vec<Vec<f64>> =
        ["proxy", "gold", "fail_proxy", "fail_gold", "follow_up"].iter().map(|k| field(d, k)).collect::<PyResult<_>>()?;
    let (k, a) = (demand.len(), ends.len());
    if patience.len() != k || max_steps.len() != k || skilled.len() != a || reroute.len() != a || fail_ends.len() != a || cols.iter().any(|c| c.len() != k * a) {
        return Err(py_err(py)(Error::shape("world", "tables of inconsistent sizes")));
    }
    Ok(World {
        niches: (0..k).map(|i| Niche { demand: demand[i], patience: patience[i], max_steps: max_steps[i] }).collect(),
        actions: (0..a)
            .map(|j| Action { ends: ends[j], skilled: skilled[j], reroute: reroute[j], fail_ends: fail_ends[j] })
            .collect(),
        outcomes: (0..k * a)
            .map(|i| Outcome { proxy: cols[0][i], gold: cols[1][i], fail_proxy: cols[2][i], fail_gold: cols[3][i], follow_up: cols[4][i] })
            .collect(),
        capacity: field(d, "capacity")?,
        tradeoff: field(d, "tradeoff")?,
        requests_per_agent: field(d, "requests_per_agent")?,
        max_reroutes: field(d, "max_reroutes")?,
        time_budget: field(d, "time_budget")?,
        routing: match field::<String>(d, "routing")?.as_str() {
            "uniform" => Routing::Uniform,
            "choice" => Routing::Choice {
                shortlist: field(d, "shortlist")?,
                by: ChooseBy::from_name(&field::<String>(d, "choose_by")?).map_err(py_err(py))?,
            },
            other => return Err(py_err(py)(Error::unknown("routing", other, &Routing::NAMES))),
        },
        decline_steps: field(d, "decline_steps")?,
        labels: Labels { niches: field(d, "niche_labels")?, actions: field(d, "action_labels")? },
    })
}

/// Check a world's tables against the core's laws and rules.
#[pyfunction]
pub fn niche_validate(py: Python<'_>, world: &Bound<'_, PyDict>) -> PyResult<()> {
    world_from(py, world)?.validate().map_err(py_err(py))
}

/// The names of the presets.
#[pyfunction]
pub fn niche_presets() -> Vec<&'static str> {
    preset::PRESETS.to_vec()
}

/// A preset as plain data (the TOML layout of `NicheWorld.from_dict`):
/// actions carry niche 0's outcomes, other niches override what differs.
#[pyfunction]
pub fn niche_preset<'py>(py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyDict>> {
    let p = preset::preset(name).map_err(py_err(py))?;
    let w = &p.world;
    let d = PyDict::new(py);
    let fields = ["proxy", "gold", "fail_proxy", "fail_gold", "follow_up"];
    let values = |o: &Outcome| [o.proxy, o.gold, o.fail_proxy, o.fail_gold, o.follow_up];
    let niches = pyo3::types::PyList::empty(py);
    for (k, n) in w.niches.iter().enumerate() {
        let row = PyDict::new(py);
        row.set_item("name", &p.niche_names[k])?;
        row.set_item("demand", n.demand)?;
        row.set_item("patience", n.patience)?;
        row.set_item("max_steps", n.max_steps)?;
        let overrides = PyDict::new(py);
        for (j, name) in p.action_names.iter().enumerate() {
            let (base, here) = (values(w.outcome(0, j)), values(w.outcome(k, j)));
            let changed = PyDict::new(py);
            for (f, (b, h)) in fields.iter().zip(base.iter().zip(here)) {
                if *b != h {
                    changed.set_item(f, h)?;
                }
            }
            if !changed.is_empty() {
                overrides.set_item(name, changed)?;
            }
        }
        if !overrides.is_empty() {
            row.set_item("overrides", overrides)?;
        }
        niches.append(row)?;
    }
    let actions = pyo3::types::PyList::empty(py);
    for (j, act) in w.actions.iter().enumerate() {
        let row = PyDict::new(py);
        row.set_item("name", &p.action_names[j])?;
        for (f, x) in fields.iter().zip(values(w.outcome(0, j))) {
            row.set_item(f, x)?;
        }
        row.set_item("ends", act.ends)?;
        row.set_item("skilled", act.skilled)?;
        row.set_item("reroute", act.reroute)?;
        row.set_item("fail_ends", act.fail_ends)?;
        actions.append(row)?;
    }
    d.set_item("niches", niches)?;
    d.set_item("actions", actions)?;
    d.set_item("capacity", w.capacity)?;
    d.set_item("tradeoff", w.tradeoff)?;
    d.set_item("requests_per_agent", w.requests_per_agent)?;
    d.set_item("max_reroutes", w.max_reroutes)?;
    if let Some(b) = w.time_budget {
        d.set_item("time_budget", b)?;
    }
    let (routing, shortlist, by) = match w.routing {
        Routing::Uniform => ("uniform", 1, ChooseBy::Gold),
        Routing::Choice { shortlist, by } => ("choice", shortlist, by),
    };
    d.set_item("routing", routing)?;
    d.set_item("shortlist", shortlist)?;
    d.set_item("choose_by", ChooseBy::NAMES[by as usize])?;
    d.set_item("decline_steps", w.decline_steps)?;
    Ok(d)
}


/// Run the evolve loop; see `replicators.niche.NicheWorld._evolve`.
#[pyfunction]
#[pyo3(signature = (world, *, population, generations, fitness, selection, mutation, seed, threads=None,
    snapshots=Vec::new(), initial=None, initial_spread=0.0, entropy_bonus=0.0, specialist_threshold=0.5, lifetime=None,
    progress=None))]
pub fn niche_evolve<'py>(
    py: Python<'py>,
    world: &Bound<'py, PyDict>,
    population: usize,
    generations: u64,
    fitness: &str,
    selection: (String, f64, bool),
    mutation: (f64, f64),
    seed: u64,
    threads: Option<usize>,
    snapshots: Vec<u64>,
    initial: Option<Vec<f64>>,
    initial_spread: f64,
    entropy_bonus: f64,
    specialist_threshold: f64,
    lifetime: Option<Bound<'py, PyDict>>,
    progress: Option<Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let err = py_err(py);
    let w = world_from(py, world)?;
    let cfg = Config {
        lifetime: lifetime.as_ref().map(crate::learn::lifetime_from).transpose()?,
        replication: replication(py, population, generations, selection, mutation, seed, snapshots, initial, initial_spread)?,
        fitness: Fitness::from_name(fitness).map_err(&err)?,
        entropy_bonus,
        specialist_threshold,
    };
    let out = run_detached(py, threads, progress.as_ref(), |control| evolve(&w, &cfg, control))?;
    let d = PyDict::new(py);
    let m = out.measurements;
    d.set_item("history", table(py, m.history)?)?;
    d.set_item("niches", table(py, m.niches)?)?;
    d.set_item("actions", table(py, m.actions)?)?;
    d.set_item("personas", table(py, m.personas)?)?;
    put_lineage(py, &d, out.lineage, w.genome_width())?;
    let agents = PyList::empty(py);
    for (g, stats) in out.agents {
        let row = PyDict::new(py);
        row.set_item("steps", PyArray1::from_vec(py, stats.iter().map(|s| s.steps).collect()))?;
        row.set_item("episodes", PyArray1::from_vec(py, stats.iter().map(|s| s.episodes).collect()))?;
        row.set_item("proxy", PyArray1::from_vec(py, stats.iter().map(|s| s.proxy).collect()))?;
        row.set_item("gold", PyArray1::from_vec(py, stats.iter().map(|s| s.gold).collect()))?;
        agents.append((g, row))?;
    }
    d.set_item("agents", agents)?;
    let learned = PyList::empty(py);
    for (g, genomes, kl) in out.learned {
        let n = kl.len();
        learned.append((g, PyArray1::from_vec(py, genomes).reshape([n, w.genome_width()])?, PyArray1::from_vec(py, kl)))?;
    }
    d.set_item("learned", learned)?;
    let rates = PyList::empty(py);
    for (g, lrs) in out.learning_rates {
        rates.append((g, PyArray1::from_vec(py, lrs)))?;
    }
    d.set_item("learning_rates", rates)?;
    d.set_item("reference", PyArray1::from_vec(py, out.reference).reshape([w.k(), w.a()])?)?;
    d.set_item("bytes_per_agent", out.bytes_per_agent)?;
    Ok(d)
}

fn evaluation<'py>(py: Python<'py>, e: analytic::Evaluation) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("proxy", e.proxy)?;
    d.set_item("gold", e.gold)?;
    d.set_item("length", e.length)?;
    d.set_item("follow_ups", e.follow_ups)?;
    d.set_item("solve", e.solve)?;
    d.set_item("decline", e.decline)?;
    d.set_item("episode_rate", e.episode_rate)?;
    d.set_item("episodes_per_need", e.episodes_per_need)?;
    Ok(d)
}

/// Exact expectations of a stationary policy with a given skill in a niche.
#[pyfunction]
pub fn niche_evaluate<'py>(py: Python<'py>, world: &Bound<'py, PyDict>, niche: usize, policy: Vec<f64>, skill: f64) -> PyResult<Bound<'py, PyDict>> {
    let w = world_from(py, world)?;
    evaluation(py, analytic::evaluate(&w, niche, &policy, skill).map_err(py_err(py))?)
}

/// The exact distribution of an episode's summed proxy for a genome in a
/// niche: (proxy levels, their probabilities, E[gold | level]).
#[pyfunction]
pub fn niche_proxy_distribution(py: Python<'_>, world: &Bound<'_, PyDict>, niche: usize, genome: Vec<f64>) -> PyResult<(Vec<f64>, Vec<f64>, Vec<f64>)> {
    let err = py_err(py);
    let w = world_from(py, world)?;
    analytic::evaluate_genome(&w, &genome, niche).map_err(&err)?;
    let mut pi = vec![0.0; w.a()];
    genome::policy(&w, &genome, niche, &mut pi);
    let skill = genome::skill(&w, genome::skill_weights(&w, &genome)[niche]);
    let d = analytic::proxy_distribution(&w, niche, &pi, skill);
    Ok((d.iter().map(|x| x.0).collect(), d.iter().map(|x| x.1).collect(), d.iter().map(|x| x.2).collect()))
}

/// Exact expectations of a genome (logits) in a niche.
#[pyfunction]
pub fn niche_evaluate_genome<'py>(py: Python<'py>, world: &Bound<'py, PyDict>, niche: usize, genome: Vec<f64>) -> PyResult<Bound<'py, PyDict>> {
    let w = world_from(py, world)?;
    evaluation(py, analytic::evaluate_genome(&w, &genome, niche).map_err(py_err(py))?)
}

/// Per-agent traits of a genome matrix: persona labels, entropy, KL...
#[pyfunction]
#[pyo3(signature = (world, genomes, specialist_threshold=0.5, reference=None))]
pub fn niche_traits<'py>(
    py: Python<'py>,
    world: &Bound<'py, PyDict>,
    genomes: PyReadonlyArray2<'py, f64>,
    specialist_threshold: f64,
    reference: Option<Vec<f64>>,
) -> PyResult<Bound<'py, PyDict>> {
    let err = py_err(py);
    let w = world_from(py, world)?;
    w.validate().map_err(&err)?;
    let g = genomes.as_array();
    if g.ncols() != w.genome_width() {
        return Err(err(Error::shape("genomes", format!("expected {} columns, got {}", w.genome_width(), g.ncols()))));
    }
    if !(0.0..=1.0).contains(&specialist_threshold) {
        return Err(err(Error::invalid("specialist_threshold", specialist_threshold, "a number in [0, 1]")));
    }
    let flat: Vec<f64> = g.iter().cloned().collect();
    if let Some(bad) = flat.iter().find(|x| !x.is_finite()) {
        return Err(err(Error::invalid("genomes", bad, "finite logits")));
    }
    let reference = reference.unwrap_or_else(|| genome::mean_policy(&w, &flat, &Control::new()));
    if reference.len() != w.k() * w.a() {
        return Err(err(Error::shape("reference", "expected niches x actions probabilities")));
    }
    let (mut tables, mut traits) = (genome::Tables::default(), Vec::new());
    py.detach(|| genome::prepare(&w, &flat, &reference, specialist_threshold, &mut tables, &mut traits, &Control::new()));
    let d = PyDict::new(py);
    d.set_item("niche", traits.iter().map(|t| (t.persona / 3) as i64).collect::<Vec<_>>().into_pyarray(py))?;
    d.set_item("behaviour", traits.iter().map(|t| (t.persona % 3) as i64).collect::<Vec<_>>().into_pyarray(py))?;
    d.set_item("specialization", traits.iter().map(|t| t.specialization).collect::<Vec<_>>().into_pyarray(py))?;
    d.set_item("entropy", traits.iter().map(|t| t.entropy).collect::<Vec<_>>().into_pyarray(py))?;
    d.set_item("kl", traits.iter().map(|t| t.kl).collect::<Vec<_>>().into_pyarray(py))?;
    d.set_item("skill", traits.iter().map(|t| t.skill).collect::<Vec<_>>().into_pyarray(py))?;
    Ok(d)
}

/// The limit loop (`niche::generation::limit`) over `generations`
/// generations of the agents `genomes`, numbered from `first`: (steps
/// served, seconds), the step tables built once outside the timing. With
/// an `evolve` run's seed and its snapshot of generation g as `genomes`
/// and `first = g`, it serves that generation's very episodes. For
/// benchmarks.
#[pyfunction]
#[pyo3(signature = (world, genomes, *, generations, seed, first=0, threads=None))]
pub fn niche_limit(py: Python<'_>, world: &Bound<'_, PyDict>, genomes: PyReadonlyArray2<'_, f64>, generations: u64, seed: u64, first: u64, threads: Option<usize>) -> PyResult<(u64, f64)> {
    let err = py_err(py);
    let w = world_from(py, world)?;
    w.validate().map_err(&err)?;
    let g = genomes.as_array();
    if g.ncols() != w.genome_width() || g.nrows() < 2 {
        return Err(err(Error::shape("genomes", format!("expected at least 2 rows of {} genes", w.genome_width()))));
    }
    let flat: Vec<f64> = g.iter().cloned().collect();
    run_detached(py, threads, None, |control| {
        let rules = episode::Rules::new(&w);
        let reference = genome::mean_policy(&w, &flat, &Control::new());
        let (mut tables, mut traits) = (genome::Tables::default(), Vec::new());
        genome::prepare(&w, &flat, &reference, 0.5, &mut tables, &mut traits, &Control::new());
        let (mut stats, mut scratch) = (Vec::new(), generation::Scratch::default());
        let (mut steps, mut seconds) = (0u64, 0.0);
        for gen in first..first.saturating_add(generations) {
            control.checkpoint()?;
            let t = std::time::Instant::now();
            steps += generation::limit::run(&w, &rules, &tables, seed, gen, &mut stats, &mut scratch, control)?;
            seconds += t.elapsed().as_secs_f64();
        }
        Ok((steps, seconds))
    })
}

/// Names of the behaviour classes, in the order of their ids.
#[pyfunction]
pub fn niche_behaviour_names() -> Vec<&'static str> {
    persona::BEHAVIOURS.to_vec()
}

/// The behaviour class id of every action in every niche ([K x A], niche-major).
#[pyfunction]
pub fn niche_behaviours(py: Python<'_>, world: &Bound<'_, PyDict>) -> PyResult<Vec<i64>> {
    let w = world_from(py, world)?;
    w.validate().map_err(py_err(py))?;
    Ok(persona::classes(&w).into_iter().map(i64::from).collect())
}

/// The farming kind id of every action in every niche ([K x A],
/// niche-major; names in `names("niche.farming")`).
#[pyfunction]
pub fn niche_farming(py: Python<'_>, world: &Bound<'_, PyDict>) -> PyResult<Vec<i64>> {
    let w = world_from(py, world)?;
    w.validate().map_err(py_err(py))?;
    Ok(persona::farming_kinds(&w).into_iter().map(i64::from).collect())
}
