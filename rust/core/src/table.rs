//! Results as named columns: what every world's measurements are written
//! into, and what the bindings turn into numpy arrays (then polars).

use std::collections::HashMap;

/// A column of a table.
#[derive(Debug, Clone, PartialEq)]
pub enum Column {
    Int(Vec<i64>),
    Float(Vec<f64>),
}

/// Named columns of equal length, in insertion order.
#[derive(Clone, Default, PartialEq)]
pub struct Table {
    pub columns: Vec<(String, Column)>,
    /// Column name -> position: a world with 40,000 actions has as many
    /// columns per row, and a linear search per value made rows quadratic.
    index: HashMap<String, usize>,
}

/// The columns only: the index is a cache, and a HashMap's order differs
/// from one instance to the next (tests compare runs by their Debug text).
impl std::fmt::Debug for Table {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Table").field("columns", &self.columns).finish()
    }
}

impl Table {
    fn slot(&mut self, name: &str, make: fn() -> Column) -> &mut Column {
        let i = match self.index.get(name) {
            Some(&i) => i,
            None => {
                self.columns.push((name.to_string(), make()));
                self.index.insert(name.to_string(), self.columns.len() - 1);
                self.columns.len() - 1
            }
        };
        &mut self.columns[i].1
    }

    pub fn int(&mut self, name: &str, x: u64) {
        if let Column::Int(v) = self.slot(name, || Column::Int(Vec::new())) {
            v.push(x as i64);
        }
    }

    pub fn float(&mut self, name: &str, x: f64) {
        if let Column::Float(v) = self.slot(name, || Column::Float(Vec::new())) {
            v.push(x);
        }
    }

    pub fn rows(&self) -> usize {
        match self.columns.first() {
            Some((_, Column::Int(v))) => v.len(),
            Some((_, Column::Float(v))) => v.len(),
            None => 0,
        }
    }

    pub fn get(&self, name: &str) -> Option<&Column> {
        self.index.get(name).map(|&i| &self.columns[i].1)
    }

    pub fn floats(&self, name: &str) -> Option<&[f64]> {
        match self.get(name) {
            Some(Column::Float(v)) => Some(v),
            _ => None,
        }
    }
}
