//! Dense LU factorisation with partial pivoting: enough for the absorbing
//! Wright-Fisher chains (N + 1 states, N up to a few thousand) and the
//! small-mutation embedded chains (one state per strategy), without pulling
//! in a linear-algebra crate.

use crate::control::Control;
use crate::error::{Error, Result};

/// P A = L U of a square matrix, stored in place (row-major).
#[derive(Debug, Clone)]
pub struct Lu {
    n: usize,
    lu: Vec<f64>,
    perm: Vec<usize>,
}

impl Lu {
    /// Factor the n x n row-major matrix `a`. Checks `control` once per
    /// pivot column so that large systems answer Ctrl-C.
    pub fn factor(mut a: Vec<f64>, n: usize, control: Option<&Control>) -> Result<Self> {
        if a.len() != n * n {
            return Err(Error::shape("matrix", format!("{} entries cannot form a {n} x {n} matrix", a.len())));
        }
        let scale = a.iter().fold(0.0f64, |m, x| m.max(x.abs()));
        let tiny = scale * f64::EPSILON * n as f64;
        let mut perm: Vec<usize> = (0..n).collect();
        for col in 0..n {
            if let Some(c) = control {
                c.checkpoint()?;
            }
            let (pivot_row, pivot) = (col..n)
                .map(|r| (r, a[r * n + col].abs()))
                .fold((col, -1.0), |best, cur| if cur.1 > best.1 { cur } else { best });
            // NaN pivots fail too: `pivot > tiny` is false for them.
            if pivot.is_nan() || pivot <= tiny {
                return Err(Error::Numerical { message: format!("singular system (pivot {pivot:e} in column {col})") });
            }
            if pivot_row != col {
                for j in 0..n {
                    a.swap(col * n + j, pivot_row * n + j);
                }
                perm.swap(col, pivot_row);
            }
            let d = a[col * n + col];
            let (top, rest) = a.split_at_mut((col + 1) * n);
            let pivot_row = &top[col * n..];
            for row in rest.chunks_exact_mut(n) {
                let factor = row[col] / d;
                row[col] = factor;
                if factor != 0.0 {
                    for j in col + 1..n {
                        row[j] -= factor * pivot_row[j];
                    }
                }
            }
        }
        Ok(Self { n, lu: a, perm })
    }

    /// Solve A x = b.
    pub fn solve(&self, b: &[f64]) -> Vec<f64> {
        let n = self.n;
        let mut x: Vec<f64> = self.perm.iter().map(|&p| b[p]).collect();
        for i in 0..n {
            let s: f64 = (0..i).map(|j| self.lu[i * n + j] * x[j]).sum();
            x[i] -= s;
        }
        for i in (0..n).rev() {
            let s: f64 = (i + 1..n).map(|j| self.lu[i * n + j] * x[j]).sum();
            x[i] = (x[i] - s) / self.lu[i * n + i];
        }
        x
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solves_a_system_that_needs_pivoting() {
        // Zero in the top-left corner: fails without pivoting.
        let a = vec![0.0, 2.0, 1.0, 1.0, 1.0, 1.0, 2.0, 1.0, 3.0];
        let x_true = [1.0, -2.0, 0.5];
        let b: Vec<f64> = (0..3).map(|i| (0..3).map(|j| a[i * 3 + j] * x_true[j]).sum()).collect();
        let x = Lu::factor(a, 3, None).unwrap().solve(&b);
        for (x, t) in x.iter().zip(x_true) {
            assert!((x - t).abs() < 1e-14);
        }
    }

    #[test]
    fn singular_is_an_error_not_a_panic() {
        let a = vec![1.0, 2.0, 2.0, 4.0];
        assert!(matches!(Lu::factor(a, 2, None), Err(Error::Numerical { .. })));
    }
}
