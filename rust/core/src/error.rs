//! The one error type of the core. The bindings map each variant to one
//! Python exception class (see `rust/python/src/errors.rs`); nothing in the
//! core panics on user input.

use std::fmt;

/// Everything that can go wrong in the core, in words a user can act on.
#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// A field has a value outside its allowed range.
    InvalidValue {
        field: String,
        value: String,
        expected: String,
    },
    /// A name (process, fitness mode, action...) is not one of the known ones.
    UnknownName {
        field: String,
        name: String,
        allowed: Vec<String>,
    },
    /// Arrays or tables whose shapes do not fit together.
    Shape { field: String, message: String },
    /// The caller asked to stop (Ctrl-C).
    Interrupted,
    /// A computation that has no answer for these inputs (e.g. a singular system).
    Numerical { message: String },
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub fn invalid(field: impl Into<String>, value: impl fmt::Display, expected: impl Into<String>) -> Self {
        Error::InvalidValue { field: field.into(), value: value.to_string(), expected: expected.into() }
    }

    pub fn unknown(field: impl Into<String>, name: impl Into<String>, allowed: &[&str]) -> Self {
        Error::UnknownName {
            field: field.into(),
            name: name.into(),
            allowed: allowed.iter().map(|s| s.to_string()).collect(),
        }
    }

    pub fn shape(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Shape { field: field.into(), message: message.into() }
    }

    /// The same error with its field named inside `parent` (`parent.field`):
    /// a knob checked by a nested config, e.g. a lifetime's learner.
    pub fn within(self, parent: &str) -> Self {
        match self {
            Error::InvalidValue { field, value, expected } => Error::InvalidValue { field: format!("{parent}.{field}"), value, expected },
            Error::UnknownName { field, name, allowed } => Error::UnknownName { field: format!("{parent}.{field}"), name, allowed },
            Error::Shape { field, message } => Error::Shape { field: format!("{parent}.{field}"), message },
            other => other,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidValue { field, value, expected } => {
                write!(f, "{field} = {value} is invalid: expected {expected}")
            }
            Error::UnknownName { field, name, allowed } => {
                write!(f, "{field} = {name:?} is not known: expected one of {}", allowed.join(", "))
            }
            Error::Shape { field, message } => write!(f, "{field}: {message}"),
            Error::Interrupted => write!(f, "interrupted"),
            Error::Numerical { message } => write!(f, "{message}"),
        }
    }
}

impl std::error::Error for Error {}

/// Checks shared by every config: each returns an error naming the field.
/// They are the common `crate::law::Law`s, for fields no table names.
pub mod check {
    use super::Result;
    use crate::law::Law;

    pub fn finite(field: &str, x: f64) -> Result<f64> {
        Law::Finite.check(field, x)
    }

    pub fn non_negative(field: &str, x: f64) -> Result<f64> {
        Law::NonNegative.check(field, x)
    }

    pub fn positive(field: &str, x: f64) -> Result<f64> {
        Law::Positive.check(field, x)
    }

    pub fn probability(field: &str, x: f64) -> Result<f64> {
        Law::Probability.check(field, x)
    }

    pub fn at_least(field: &str, x: u64, min: u64) -> Result<u64> {
        Law::at_least(min).check_integer(field, x)
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn messages_name_the_field() {
            let e = probability("patience", 1.5).unwrap_err();
            assert_eq!(e.to_string(), "patience = 1.5 is invalid: expected a probability in [0, 1]");
            assert!(finite("payoffs", f64::NAN).is_err());
            assert!(non_negative("intensity", -0.1).is_err());
            assert!(at_least("population", 1, 2).is_err());
            assert!(positive("scale", 0.0).is_err());
        }
    }
}
