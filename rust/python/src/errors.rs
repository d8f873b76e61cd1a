//! The one mapping from the core's `Error` to Python's exception hierarchy.
//! The exception classes and the wording of every message live in Python
//! (`replicators/errors.py`, `from_core`): this file only hands over the
//! parts (field, value, what was expected), so a message reads the same
//! whichever layer found the problem.

use pyo3::exceptions::{PyKeyboardInterrupt, PyRuntimeError};
use pyo3::prelude::*;
use pyo3::IntoPyObjectExt;
use replicators_core::Error;

/// The Python exception for a core error (`replicators.errors.from_core`).
fn exception(py: Python<'_>, e: Error) -> PyResult<PyErr> {
    let (kind, field, value, detail) = match e {
        Error::InvalidValue { field, value, expected } => ("invalid", field, value, expected.into_bound_py_any(py)?),
        Error::UnknownName { field, name, allowed } => ("unknown", field, name, allowed.into_bound_py_any(py)?),
        Error::Shape { field, message } => ("shape", field, String::new(), message.into_bound_py_any(py)?),
        Error::Numerical { message } => ("numerical", String::new(), String::new(), message.into_bound_py_any(py)?),
        Error::Interrupted => return Ok(PyKeyboardInterrupt::new_err("interrupted")),
    };
    let exc = py.import("replicators.errors")?.getattr("from_core")?.call1((kind, field, value, detail))?;
    Ok(PyErr::from_value(exc))
}

/// Convert a core error to the Python exception users catch.
pub fn to_py(py: Python<'_>, e: Error) -> PyErr {
    let message = e.to_string();
    // Only if the Python package itself is broken.
    exception(py, e).unwrap_or_else(|_| PyRuntimeError::new_err(message))
}

/// `?`-friendly conversion: `core_call().map_err(py_err(py))?`.
pub fn py_err(py: Python<'_>) -> impl Fn(Error) -> PyErr + '_ {
    move |e| to_py(py, e)
}
