//! Symmetric two-player matrix games and the payoffs they give in a finite,
//! well-mixed population.
//!
//! `payoffs[i][j]` is what an individual playing strategy `i` earns against
//! one playing `j`. In a finite population of `N` individuals everyone plays
//! everyone else once, never themselves (SPEC section 3): with `k` mutants
//! (strategy A) and `N - k` residents (B), with a = A vs A, b = A vs B,
//! c = B vs A, d = B vs B,
//!
//! ```text
//! f_k = (a (k - 1) + b (N - k)) / (N - 1)      a mutant's payoff
//! g_k = (c k + d (N - k - 1)) / (N - 1)        a resident's payoff
//! ```

use crate::error::{Error, Result};

/// An n x n payoff matrix, validated: square, at least 1 x 1, all finite.
#[derive(Debug, Clone, PartialEq)]
pub struct MatrixGame {
    n: usize,
    payoffs: Vec<f64>,
}

impl MatrixGame {
    /// A game from its rows; `payoffs[i][j]` is i's payoff against j.
    pub fn new(rows: &[Vec<f64>]) -> Result<Self> {
        let n = rows.len();
        if n == 0 {
            return Err(Error::shape("payoffs", "the payoff matrix is empty: expected an n x n matrix with n >= 1"));
        }
        let mut payoffs = Vec::with_capacity(n * n);
        for (i, row) in rows.iter().enumerate() {
            if row.len() != n {
                return Err(Error::shape(
                    "payoffs",
                    format!("row {i} has {} entries but there are {n} rows: expected a square n x n matrix", row.len()),
                ));
            }
            for (j, &x) in row.iter().enumerate() {
                if !x.is_finite() {
                    return Err(Error::invalid(format!("payoffs[{i}][{j}]"), x, "a finite number"));
                }
                payoffs.push(x);
            }
        }
        Ok(Self { n, payoffs })
    }

    /// A game from a row-major flat slice of `n * n` entries.
    pub fn from_flat(n: usize, flat: &[f64]) -> Result<Self> {
        if flat.len() != n * n {
            return Err(Error::shape("payoffs", format!("{} entries cannot form a {n} x {n} matrix", flat.len())));
        }
        let rows: Vec<Vec<f64>> = flat.chunks(n.max(1)).map(|r| r.to_vec()).collect();
        Self::new(&rows)
    }

    /// Number of strategies.
    pub fn strategies(&self) -> usize {
        self.n
    }

    /// i's payoff against j.
    #[inline]
    pub fn payoff(&self, i: usize, j: usize) -> f64 {
        self.payoffs[i * self.n + j]
    }

    /// The 2 x 2 sub-game of `mutant` against `resident`: (a, b, c, d).
    pub fn pair(&self, mutant: usize, resident: usize) -> Result<Pair> {
        let n = self.n;
        if mutant >= n {
            return Err(Error::invalid("mutant", mutant, format!("a strategy index in [0, {})", n)));
        }
        if resident >= n {
            return Err(Error::invalid("resident", resident, format!("a strategy index in [0, {})", n)));
        }
        if mutant == resident {
            return Err(Error::invalid("mutant", mutant, "a strategy different from resident"));
        }
        Ok(Pair {
            a: self.payoff(mutant, mutant),
            b: self.payoff(mutant, resident),
            c: self.payoff(resident, mutant),
            d: self.payoff(resident, resident),
        })
    }

    /// A pair for validating population-wide settings: the first two
    /// strategies, or strategy 0 against itself in a 1 x 1 game.
    pub fn pair_or_self(&self) -> Pair {
        let r = if self.n > 1 { 1 } else { 0 };
        Pair { a: self.payoff(0, 0), b: self.payoff(0, r), c: self.payoff(r, 0), d: self.payoff(r, r) }
    }

    /// Expected payoffs against a population with frequencies `x`
    /// (infinite population: self-interaction has measure zero).
    pub fn expected_payoffs(&self, x: &[f64], out: &mut [f64]) {
        for i in 0..self.n {
            let row = &self.payoffs[i * self.n..(i + 1) * self.n];
            out[i] = row.iter().zip(x).map(|(a, x)| a * x).sum();
        }
    }

    /// Payoffs of each strategy in a finite population with `counts`
    /// (everyone plays everyone else once). Strategies with no players get
    /// the payoff a newcomer would get, which no process uses.
    pub fn finite_payoffs(&self, counts: &[u64], out: &mut [f64]) {
        let total: u64 = counts.iter().sum();
        let others = (total.max(2) - 1) as f64;
        for i in 0..self.n {
            let mut s = 0.0;
            for j in 0..self.n {
                let c = counts[j] as f64 - if i == j { 1.0 } else { 0.0 };
                s += self.payoff(i, j) * c.max(0.0);
            }
            out[i] = s / others;
        }
    }
}

/// A 2 x 2 game between a mutant strategy A and a resident strategy B.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pair {
    pub a: f64,
    pub b: f64,
    pub c: f64,
    pub d: f64,
}

impl Pair {
    /// (f_k, g_k): the payoffs of a mutant and of a resident with `k`
    /// mutants among `population` (self-interaction excluded).
    #[inline]
    pub fn payoffs(&self, k: u64, population: u64) -> (f64, f64) {
        let (k, n) = (k as f64, population as f64);
        let f = (self.a * (k - 1.0) + self.b * (n - k)) / (n - 1.0);
        let g = (self.c * k + self.d * (n - k - 1.0)) / (n - 1.0);
        (f, g)
    }

    /// Is the game neutral (every payoff equal)?
    pub fn is_neutral(&self) -> bool {
        self.a == self.b && self.b == self.c && self.c == self.d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_bad_matrices() {
        assert!(matches!(MatrixGame::new(&[]), Err(Error::Shape { .. })));
        assert!(matches!(MatrixGame::new(&[vec![1.0, 2.0], vec![3.0]]), Err(Error::Shape { .. })));
        let e = MatrixGame::new(&[vec![1.0, f64::NAN], vec![3.0, 4.0]]).unwrap_err();
        assert!(e.to_string().starts_with("payoffs[0][1]"), "{e}");
        assert!(MatrixGame::from_flat(2, &[1.0, 2.0, 3.0]).is_err());
    }

    #[test]
    fn pair_payoffs_exclude_self() {
        let g = MatrixGame::new(&[vec![3.0, 0.0], vec![5.0, 1.0]]).unwrap();
        let p = g.pair(0, 1).unwrap();
        // N = 4, k = 1: the mutant meets 3 residents; a resident meets 1 mutant, 2 residents.
        let (f, gg) = p.payoffs(1, 4);
        assert_eq!(f, 0.0);
        assert!((gg - (5.0 + 2.0) / 3.0).abs() < 1e-15);
        let mut out = [0.0; 2];
        g.finite_payoffs(&[1, 3], &mut out);
        assert_eq!(out, [f, gg]);
        assert!(g.pair(0, 0).is_err());
        assert!(g.pair(2, 0).is_err());
    }
}
