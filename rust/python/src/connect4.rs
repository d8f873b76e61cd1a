//! Bindings of the Connect Four engine and tournaments. Positions cross the
//! boundary as move strings ("4455", columns 1-7); agents as a bot name
//! ("random", "greedy") or a weight vector; results as dicts of numpy
//! columns. `replicators.connect4` builds the public API on these.

use numpy::{IntoPyArray, PyArray2, PyArrayMethods};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use replicators_core::connect4::board::{column_of, Outcome, Player};
use replicators_core::connect4::features::{self, Threats, COUNT};
use replicators_core::connect4::playout::{games_between, random_games, Summary};
use replicators_core::connect4::{evolve, perft, reward, self_play, Agent, Bot, Config, Fitness, Format, Policy, Position};
use replicators_core::error::Error;
use replicators_core::rng;

use crate::detach::run_detached;
use crate::errors::py_err;
use crate::table::table;
use crate::replication::{put_lineage, replication};

fn position(py: Python<'_>, moves: &str) -> PyResult<Position> {
    Position::from_moves(moves).map_err(py_err(py))
}

/// Feature names, in weight order.
#[pyfunction]
pub fn c4_feature_names() -> Vec<&'static str> {
    features::NAMES.to_vec()
}

/// (plies, player to move 1/2, legal columns 1-7, winner: 1/2, 0 for a
/// draw, None while playing, diagram).
type State = (u32, u8, Vec<u32>, Option<u8>, String);

#[pyfunction]
pub fn c4_state(py: Python<'_>, moves: &str) -> PyResult<State> {
    let p = position(py, moves)?;
    let to_move = if p.to_move() == Player::First { 1 } else { 2 };
    let winner = p.outcome().map(|o| match o {
        Outcome::Win(Player::First) => 1,
        Outcome::Win(Player::Second) => 2,
        Outcome::Draw => 0,
    });
    Ok((p.plies(), to_move, p.legal_columns().iter().map(|c| c + 1).collect(), winner, p.diagram()))
}

/// Legal columns (1-7) and their features (moves x features).
#[pyfunction]
pub fn c4_features<'py>(py: Python<'py>, moves: &str) -> PyResult<(Vec<u32>, Bound<'py, PyArray2<f64>>)> {
    let p = position(py, moves)?;
    let rows = features::of_moves(&p);
    let cols = rows.iter().map(|(c, _)| c + 1).collect();
    let flat: Vec<f64> = rows.iter().flat_map(|(_, phi)| phi.iter().cloned()).collect();
    Ok((cols, flat.into_pyarray(py).reshape([rows.len(), COUNT])?))
}

/// Move sequences (`distinct=False`) or distinct positions (`True`) after
/// `depth` more plies; interruptible with Ctrl-C.
#[pyfunction]
#[pyo3(signature = (moves, depth, distinct=false))]
pub fn c4_perft(py: Python<'_>, moves: &str, depth: u32, distinct: bool) -> PyResult<u64> {
    let p = position(py, moves)?;
    run_detached(py, Some(1), None, |control| {
        if distinct { perft::positions_controlled(&p, depth, control) } else { perft::perft_controlled(&p, depth, control) }
    })
}

fn check_weights(py: Python<'_>, field: &str, w: &[f64]) -> PyResult<()> {
    if w.len() != COUNT {
        return Err(py_err(py)(Error::shape(field, format!("expected {COUNT} weights ({}), got {}", features::NAMES.join(", "), w.len()))));
    }
    if let Some(bad) = w.iter().find(|x| !x.is_finite()) {
        return Err(py_err(py)(Error::invalid(field, bad, "finite weights")));
    }
    Ok(())
}

/// A policy's probability of each legal column (1-7).
#[pyfunction]
pub fn c4_probabilities(py: Python<'_>, moves: &str, weights: Vec<f64>) -> PyResult<(Vec<u32>, Vec<f64>)> {
    check_weights(py, "weights", &weights)?;
    let p = position(py, moves)?;
    let probs = Policy::new(&weights).probabilities(&p);
    Ok((probs.iter().map(|(c, _)| c + 1).collect(), probs.iter().map(|(_, q)| *q).collect()))
}

/// An agent: a bot name or a weight vector.
enum Seat {
    Bot(Bot),
    // Boxed: a policy carries its 4 KB score tables.
    Policy(Box<Policy>),
}

impl Seat {
    fn from_py(py: Python<'_>, field: &str, x: &Bound<'_, PyAny>) -> PyResult<Seat> {
        if let Ok(name) = x.extract::<String>() {
            let bot = Bot::from_name(&name).map_err(|e| match e {
                Error::UnknownName { name, allowed, .. } => py_err(py)(Error::UnknownName { field: field.into(), name, allowed }),
                e => py_err(py)(e),
            })?;
            return Ok(Seat::Bot(bot));
        }
        let w: Vec<f64> = x.extract().map_err(|_| {
            py_err(py)(Error::invalid(field, x.repr().map(|r| r.to_string()).unwrap_or_default(), "a bot name or a list of weights"))
        })?;
        check_weights(py, field, &w)?;
        Ok(Seat::Policy(Box::new(Policy::new(&w))))
    }

    fn agent(&self) -> Agent<'_> {
        match self {
            Seat::Bot(b) => Agent::Bot(*b),
            Seat::Policy(p) => Agent::Policy(p),
        }
    }
}

/// The move (column 1-7) an agent plays in a position, drawn with `seed`.
#[pyfunction]
pub fn c4_choose(py: Python<'_>, moves: &str, agent: &Bound<'_, PyAny>, seed: u64) -> PyResult<u32> {
    let seat = Seat::from_py(py, "agent", agent)?;
    let p = position(py, moves)?;
    if p.outcome().is_some() {
        return Err(py_err(py)(Error::invalid("moves", format!("{moves:?}"), "a position where the game is not over")));
    }
    let t = Threats::of(&p);
    let mut r = rng::stream(seed, &[]);
    Ok(column_of(seat.agent().choose(&p, &t, &mut r).bit) + 1)
}

fn summary<'py>(py: Python<'py>, s: Summary) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("games", s.games)?;
    d.set_item("first_wins", s.first_wins)?;
    d.set_item("second_wins", s.second_wins)?;
    d.set_item("draws", s.draws)?;
    d.set_item("plies", s.plies)?;
    Ok(d)
}

/// `games` uniformly random games (in parallel, thread-independent totals).
#[pyfunction]
#[pyo3(signature = (games, seed=0, threads=None))]
pub fn c4_random_games<'py>(py: Python<'py>, games: u64, seed: u64, threads: Option<usize>) -> PyResult<Bound<'py, PyDict>> {
    let s = run_detached(py, threads, None, |control| random_games(games, seed, control))?;
    summary(py, s)
}

/// `games` games between two agents (bot names or weight vectors).
#[pyfunction]
#[pyo3(signature = (first, second, games, seed=0, threads=None))]
pub fn c4_games<'py>(
    py: Python<'py>,
    first: &Bound<'py, PyAny>,
    second: &Bound<'py, PyAny>,
    games: u64,
    seed: u64,
    threads: Option<usize>,
) -> PyResult<Bound<'py, PyDict>> {
    let (a, b) = (Seat::from_py(py, "first", first)?, Seat::from_py(py, "second", second)?);
    let s = run_detached(py, threads, None, |control| games_between(a.agent(), b.agent(), games, seed, control))?;
    summary(py, s)
}

/// Run a tournament world; see `replicators.connect4.Knockout._evolve`.
#[pyfunction]
#[pyo3(signature = (format, *, population, generations, fitness, selection, mutation, seed, threads=None,
    snapshots=Vec::new(), initial=None, initial_spread=0.0, strength_games=200, progress=None))]
pub fn c4_evolve<'py>(
    py: Python<'py>,
    format: (String, f64),
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
    strength_games: u32,
    progress: Option<Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let err = py_err(py);
    let format = match format.0.as_str() {
        "knockout" => Format::Knockout { pressure: format.1 },
        "round_robin" => {
            let k = format.1;
            if !(k.is_finite() && k >= 1.0 && k.fract() == 0.0 && k <= u32::MAX as f64) {
                return Err(err(Error::invalid("games_per_pair", k, "an integer >= 1")));
            }
            Format::RoundRobin { games_per_pair: k as u32 }
        }
        other => return Err(err(Error::unknown("format", other, &["knockout", "round_robin"]))),
    };
    let cfg = Config {
        replication: replication(py, population, generations, selection, mutation, seed, snapshots, initial, initial_spread)?,
        format,
        fitness: Fitness::from_name(fitness).map_err(&err)?,
        strength_games,
    };
    let out = run_detached(py, threads, progress.as_ref(), |control| evolve(&cfg, control))?;
    let d = PyDict::new(py);
    d.set_item("history", table(py, out.history)?)?;
    put_lineage(py, &d, out.lineage, COUNT)?;
    Ok(d)
}

/// Train Connect Four learners by self-play; see `replicators.learn.self_play`.
#[pyfunction]
#[pyo3(signature = (*, pressure, objective, population, learners, iterations, games, lr, pool_every, pool_size,
    strength_games, seed, threads=None, initial=None, progress=None))]
#[allow(clippy::too_many_arguments)]
pub fn c4_self_play<'py>(
    py: Python<'py>,
    pressure: f64,
    objective: &str,
    population: usize,
    learners: usize,
    iterations: u64,
    games: u32,
    lr: f64,
    pool_every: u64,
    pool_size: usize,
    strength_games: u32,
    seed: u64,
    threads: Option<usize>,
    initial: Option<Vec<f64>>,
    progress: Option<Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let cfg = self_play::Config {
        learners,
        iterations,
        games,
        population,
        pressure,
        objective: self_play::Objective::from_name(objective).map_err(py_err(py))?,
        lr,
        pool_every,
        pool_size,
        strength_games,
        seed,
        initial: initial.unwrap_or_default(),
    };
    let out = run_detached(py, threads, progress.as_ref(), |control| self_play::self_play(&cfg, control))?;
    let d = PyDict::new(py);
    d.set_item("history", table(py, out.history)?)?;
    d.set_item("weights", out.weights.into_pyarray(py).reshape([learners, COUNT])?)?;
    Ok(d)
}

/// The further games a win, a draw and a loss buy in a knockout
/// (`connect4::reward`): (win, draw, loss, games).
#[pyfunction]
pub fn c4_further_games(py: Python<'_>, population: usize, pressure: f64, win: f64, draw: f64, draw_pool: f64) -> PyResult<(f64, f64, f64, f64)> {
    let f = reward::further_games(population, pressure, win, draw, draw_pool).map_err(py_err(py))?;
    Ok((f.win, f.draw, f.loss, f.games))
}

/// Monte Carlo of the knockout rule for one learner: per tournament
/// (games, wins, further games after its wins), [tournaments x 3].
#[pyfunction]
#[allow(clippy::too_many_arguments)]
pub fn c4_simulate_further_games<'py>(
    py: Python<'py>,
    population: usize,
    pressure: f64,
    win: f64,
    draw: f64,
    draw_pool: f64,
    tournaments: u64,
    seed: u64,
) -> PyResult<Bound<'py, PyArray2<u64>>> {
    reward::further_games(population, pressure, win, draw, draw_pool).map_err(py_err(py))?;
    let runs = py.detach(|| reward::simulate(population, pressure, win, draw, draw_pool, tournaments, &mut rng::stream(seed, &[])));
    let flat: Vec<u64> = runs.iter().flat_map(|r| [r.0, r.1, r.2]).collect();
    flat.into_pyarray(py).reshape([runs.len(), 3])
}
