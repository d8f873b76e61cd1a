//! The one mapping from the core's `Error` to Python's exception hierarchy
//! (defined in Python, `replicators/errors.py`, so that classes can inherit
//! from both `ReplicatorsError` and the matching builtin).

use pyo3::exceptions::{PyKeyboardInterrupt, PyRuntimeError};
use pyo3::prelude::*;
use replicators_core::Error;

/// Convert a core error to the Python exception users catch.
pub fn to_py(py: Python<'_>, e: Error) -> PyErr {
    let class = match &e {
        Error::InvalidValue { .. } | Error::Shape { .. } => "ConfigError",
        Error::UnknownName { .. } => "UnknownNameError",
        Error::Numerical { .. } => "SimulationError",
        Error::Interrupted => return PyKeyboardInterrupt::new_err("interrupted"),
    };
    let message = e.to_string();
    match py.import("replicators.errors").and_then(|m| m.getattr(class)) {
        Ok(cls) => PyErr::from_type(cls.cast_into().expect("exception class"), message),
        // Only if the Python package itself is broken.
        Err(_) => PyRuntimeError::new_err(message),
    }
}

/// `?`-friendly conversion: `core_call().map_err(py_err(py))?`.
pub fn py_err(py: Python<'_>) -> impl Fn(Error) -> PyErr + '_ {
    move |e| to_py(py, e)
}
