//! The laws config fields obey, stated once for both layers.
//!
//! A `Law` is a kind of allowed range with the words a user reads when a
//! value breaks it. Each module that owns a config names the law of each
//! of its fields in a `LAWS` table (`niche::world::LAWS`,
//! `selection::LAWS`, ...); its own `validate` checks fields against that
//! table, and the Python layer asks the same table through the bindings
//! (`replicators._validate.law`), so a range is never written twice.

use crate::error::{Error, Result};

/// An allowed range of values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Law {
    /// Any finite number.
    Finite,
    /// A finite number >= 0.
    NonNegative,
    /// A finite number > 0.
    Positive,
    /// A number in [0, 1].
    Probability,
    /// A number in [0, 1): a chance that must leave room for stopping.
    ProbabilityBelowOne,
    /// A number in (0, 1].
    Fraction,
    /// A finite number in [0, max]: a size beyond which results overflow.
    AtMost(f64),
    /// An integer in [min, max].
    Integer { min: u64, max: u64 },
}

/// A named config field and its law, as a module's `LAWS` table lists them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Field {
    /// The name the Python layer asks by, and the field errors name.
    pub name: &'static str,
    pub law: Law,
}

impl Field {
    pub const fn new(name: &'static str, law: Law) -> Field {
        Field { name, law }
    }

    /// `x`, or an error naming this field.
    pub fn check(&self, x: f64) -> Result<f64> {
        self.law.check(self.name, x)
    }

    /// The integer `x`, or an error naming this field.
    pub fn check_integer(&self, x: u64) -> Result<u64> {
        self.law.check_integer(self.name, x)
    }
}

impl Law {
    /// An integer at least `min` (no upper bound but the type's).
    pub const fn at_least(min: u64) -> Law {
        Law::Integer { min, max: u64::MAX }
    }

    /// Whether the law wants an integer.
    pub fn is_integer(&self) -> bool {
        matches!(self, Law::Integer { .. })
    }

    /// Whether `x` obeys the law (an integer law also needs `x` whole).
    pub fn holds(&self, x: f64) -> bool {
        match *self {
            Law::Finite => x.is_finite(),
            Law::NonNegative => x.is_finite() && x >= 0.0,
            Law::Positive => x.is_finite() && x > 0.0,
            Law::Probability => (0.0..=1.0).contains(&x),
            Law::ProbabilityBelowOne => (0.0..1.0).contains(&x),
            Law::Fraction => x > 0.0 && x <= 1.0,
            Law::AtMost(max) => x.is_finite() && (0.0..=max).contains(&x),
            Law::Integer { min, max } => x.fract() == 0.0 && x >= min as f64 && x <= max as f64,
        }
    }

    /// Whether the integer `x` obeys the law.
    pub fn holds_integer(&self, x: i128) -> bool {
        match *self {
            Law::Integer { min, max } => x >= min as i128 && x <= max as i128,
            _ => self.holds(x as f64),
        }
    }

    /// What the law expects, in the words of an error message.
    pub fn expected(&self) -> String {
        match *self {
            Law::Finite => "a finite number".into(),
            Law::NonNegative => "a finite number >= 0".into(),
            Law::Positive => "a finite number > 0".into(),
            Law::Probability => "a probability in [0, 1]".into(),
            Law::ProbabilityBelowOne => "a probability in [0, 1)".into(),
            Law::Fraction => "a fraction in (0, 1]".into(),
            Law::AtMost(max) => format!("a number in [0, {max:e}]"),
            Law::Integer { min, max: u64::MAX } => format!("an integer >= {min}"),
            Law::Integer { min, max } => format!("an integer in [{min}, {max}]"),
        }
    }

    /// `x`, or an error naming `field` and what the law expects.
    pub fn check(&self, field: &str, x: f64) -> Result<f64> {
        if self.holds(x) { Ok(x) } else { Err(Error::invalid(field, x, self.expected())) }
    }

    /// The integer `x`, or an error naming `field`.
    pub fn check_integer(&self, field: &str, x: u64) -> Result<u64> {
        if self.holds_integer(x as i128) { Ok(x) } else { Err(Error::invalid(field, x, self.expected())) }
    }
}

/// The law of `name` in a module's table.
pub fn find(table: &[Field], name: &str) -> Option<Law> {
    table.iter().find(|f| f.name == name).map(|f| f.law)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn laws_hold_where_they_say_and_name_the_field() {
        assert!(Law::Probability.holds(1.0) && !Law::Probability.holds(f64::NAN));
        assert!(Law::ProbabilityBelowOne.holds(0.0) && !Law::ProbabilityBelowOne.holds(1.0));
        assert!(Law::Fraction.holds(1.0) && !Law::Fraction.holds(0.0));
        assert!(!Law::Finite.holds(f64::INFINITY) && !Law::NonNegative.holds(-0.5));
        assert!(Law::AtMost(1e6).holds(1e6) && !Law::AtMost(1e6).holds(1e308) && !Law::AtMost(1e6).holds(-1.0));
        assert_eq!(Law::AtMost(1e6).expected(), "a number in [0, 1e6]");
        let int = Law::Integer { min: 1, max: 254 };
        assert!(int.holds_integer(254) && !int.holds_integer(255) && !int.holds(1.5));
        assert!(Law::at_least(2).holds_integer(i128::from(u64::MAX)) && !Law::at_least(2).holds_integer(-3));
        assert_eq!(int.expected(), "an integer in [1, 254]");
        assert_eq!(Law::at_least(2).expected(), "an integer >= 2");
        let e = Law::Probability.check("niches[0].patience", 1.5).unwrap_err();
        assert_eq!(e.to_string(), "niches[0].patience = 1.5 is invalid: expected a probability in [0, 1]");
        assert_eq!(find(&[Field::new("a.b", Law::Positive)], "a.b"), Some(Law::Positive));
    }
}
