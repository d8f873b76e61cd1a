//! The replication knobs every world's evolve takes, and the lineage
//! (snapshots, status) every world returns, converted once for all worlds.

use numpy::{PyArray1, PyArrayMethods};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use replicators_core::mutation::Mutation;
use replicators_core::replication::{Lineage, Replication, Status};
use replicators_core::selection::Selection;

use crate::errors::py_err;

/// `selection` is `(name, parameter, standardize)` and `mutation` is
/// `(rate, scale)`, as `replicators.selection` sends them.
#[allow(clippy::too_many_arguments)]
pub fn replication(
    py: Python<'_>,
    population: usize,
    generations: u64,
    selection: (String, f64, bool),
    mutation: (f64, f64),
    seed: u64,
    snapshots: Vec<u64>,
    initial: Option<Vec<f64>>,
    initial_spread: f64,
) -> PyResult<Replication> {
    Ok(Replication {
        population,
        generations,
        selection: Selection::from_parts(&selection.0, selection.1, selection.2).map_err(py_err(py))?,
        mutation: Mutation { rate: mutation.0, scale: mutation.1 },
        seed,
        snapshots,
        initial: initial.unwrap_or_default(),
        initial_spread,
    })
}

/// Put `snapshots` (a list of (generation, array[rows x width], parents or
/// None, fitness or None)) and `status` (("completed", None) or ("extinct",
/// generation)) into `d`.
pub fn put_lineage(py: Python<'_>, d: &Bound<'_, PyDict>, lineage: Lineage, width: usize) -> PyResult<()> {
    let snaps = PyList::empty(py);
    for s in lineage.snapshots {
        let rows = s.genomes.len() / width.max(1);
        let genomes = PyArray1::from_vec(py, s.genomes).reshape([rows, width])?;
        let parents = s.parents.map(|p| PyArray1::from_vec(py, p));
        let fitness = s.fitness.map(|f| PyArray1::from_vec(py, f));
        snaps.append((s.generation, genomes, parents, fitness))?;
    }
    d.set_item("snapshots", snaps)?;
    match lineage.status {
        Status::Completed => d.set_item("status", ("completed", py.None())),
        Status::Extinct { generation } => d.set_item("status", ("extinct", generation)),
    }
}
