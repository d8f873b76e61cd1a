//! Bindings of the environments (`replicators_core::envs`): a batch of
//! assistant environments the Python layer wraps as Gymnasium's single and
//! vector environments (`replicators.envs`).

use numpy::{PyArray1, PyArrayMethods, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use replicators_core::envs::{Assistant, Batch, State};

use crate::errors::py_err;
use crate::niche::world_from;

/// Many environments of one NicheWorld: their states and last step.
#[pyclass(module = "replicators._core")]
pub struct AssistantEnvs {
    env: Assistant,
    states: Vec<State>,
    out: Batch,
}

#[pymethods]
impl AssistantEnvs {
    /// `count` environments of `world` (seeded 0.. until `reset`) for an
    /// assistant with per-niche success chances `skill` (None: the world's
    /// skill at equal skill weights).
    #[new]
    #[pyo3(signature = (world, count, skill=None))]
    fn new(world: &Bound<'_, PyDict>, count: usize, skill: Option<Vec<f64>>) -> PyResult<Self> {
        let py = world.py();
        let w = world_from(py, world)?;
        let env = Assistant::new(&w, &skill.unwrap_or_default()).map_err(py_err(py))?;
        let states = (0..count as u64).map(|i| env.reset(i)).collect();
        Ok(AssistantEnvs { env, states, out: Batch::default() })
    }

    #[getter]
    fn actions(&self) -> usize {
        self.env.actions()
    }

    #[getter]
    fn niches(&self) -> usize {
        self.env.niches()
    }

    /// Per-niche chance that a skilled action succeeds.
    #[getter]
    fn skill(&self) -> Vec<f64> {
        self.env.skill_chance.clone()
    }

    #[getter]
    fn max_steps(&self) -> u32 {
        self.env.max_steps()
    }

    /// Reseed every environment (one seed each) at the start of its first
    /// episode: (niche, step) arrays.
    fn reset<'py>(&mut self, py: Python<'py>, seeds: Vec<u64>) -> PyResult<(Bound<'py, PyArray1<i64>>, Bound<'py, PyArray1<i64>>)> {
        if seeds.len() != self.states.len() {
            return Err(py_err(py)(replicators_core::Error::shape(
                "seed",
                format!("expected {} seeds (one per environment), got {}", self.states.len(), seeds.len()),
            )));
        }
        self.states = seeds.iter().map(|&s| self.env.reset(s)).collect();
        Ok(self.observation(py))
    }

    /// Environment `i`: reseeded at its first episode (`seed`), or on to its
    /// next episode (None); its (niche, step).
    #[pyo3(signature = (i, seed=None))]
    fn reset_one(&mut self, i: usize, seed: Option<u64>) -> PyResult<(u32, u32)> {
        let s = self.states.get_mut(i).ok_or_else(|| pyo3::exceptions::PyIndexError::new_err(format!("environment {i}")))?;
        match seed {
            Some(seed) => *s = self.env.reset(seed),
            None => self.env.next_episode(s),
        }
        Ok((s.niche, s.step))
    }

    /// Whether environment `i`'s episode has ended.
    fn done(&self, i: usize) -> PyResult<bool> {
        self.states.get(i).map(|s| s.done).ok_or_else(|| pyo3::exceptions::PyIndexError::new_err(format!("environment {i}")))
    }

    /// Step every environment (next-step autoreset, `envs::assistant`):
    /// a dict of arrays: obs (rows of niche, step), proxy, gold, terminated,
    /// truncated, solved, failed, follow_up.
    fn step<'py>(&mut self, py: Python<'py>, actions: PyReadonlyArray1<'py, i64>) -> PyResult<Bound<'py, PyDict>> {
        let actions = actions.as_slice()?;
        let (env, states, out) = (&self.env, &mut self.states, &mut self.out);
        py.detach(|| env.step_all(states, actions, out)).map_err(py_err(py))?;
        let o = &self.out;
        let d = PyDict::new(py);
        // The observation as Gymnasium batches it: rows of (niche, step).
        let obs: Vec<i64> = o.niche.iter().zip(&o.step).flat_map(|(&k, &t)| [k as i64, t as i64]).collect();
        d.set_item("obs", PyArray1::from_vec(py, obs).reshape([o.niche.len(), 2])?)?;
        d.set_item("proxy", PyArray1::from_slice(py, &o.proxy))?;
        d.set_item("gold", PyArray1::from_slice(py, &o.gold))?;
        d.set_item("terminated", PyArray1::from_slice(py, &o.terminated))?;
        d.set_item("truncated", PyArray1::from_slice(py, &o.truncated))?;
        d.set_item("solved", PyArray1::from_slice(py, &o.solved))?;
        d.set_item("failed", PyArray1::from_slice(py, &o.failed))?;
        d.set_item("follow_up", PyArray1::from_slice(py, &o.follow_up))?;
        Ok(d)
    }
}

impl AssistantEnvs {
    fn observation<'py>(&self, py: Python<'py>) -> (Bound<'py, PyArray1<i64>>, Bound<'py, PyArray1<i64>>) {
        (
            PyArray1::from_iter(py, self.states.iter().map(|s| s.niche as i64)),
            PyArray1::from_iter(py, self.states.iter().map(|s| s.step as i64)),
        )
    }
}
