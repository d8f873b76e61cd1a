//! A core `Table` as a dict of numpy columns (the Python side makes it a
//! polars DataFrame).

use numpy::IntoPyArray;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use replicators_core::table::{Column, Table};

pub fn table<'py>(py: Python<'py>, t: Table) -> PyResult<Bound<'py, PyDict>> {
    let out = PyDict::new(py);
    for (name, col) in t.columns {
        match col {
            Column::Int(v) => out.set_item(name, v.into_pyarray(py))?,
            Column::Float(v) => out.set_item(name, v.into_pyarray(py))?,
        }
    }
    Ok(out)
}
