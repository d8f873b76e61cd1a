//! A learner's policy as the step loop and the update read it: pi(a|k) and
//! log pi(a|k) per niche from the logits (NicheWorld's genome layout: K x A
//! action logits, niche-major), its entropy per niche, and the step tables
//! (cumulative thresholds) the shared episode law draws from.

use crate::niche::genome::{threshold, ONE};
use crate::vmath;

/// pi and log pi of every niche, [K x A].
#[derive(Debug, Clone, Default)]
pub struct Policy {
    pub a: usize,
    pub p: Vec<f64>,
    pub log_p: Vec<f64>,
    /// H(pi(.|k)) per niche.
    pub entropy: Vec<f64>,
    /// Shifted logits and niche totals (buffers of `set`).
    z: Vec<f64>,
    totals: Vec<f64>,
}

impl Policy {
    /// The policy of `logits` ([K x A]).
    pub fn of(logits: &[f64], a: usize) -> Policy {
        let mut p = Policy::default();
        p.set(logits, a);
        p
    }

    /// Recompute from `logits` in place (no allocation once sized): one
    /// exponential per cell and one logarithm per niche, batched four at a
    /// time (`crate::vmath`): log pi = x - max - ln(total).
    pub fn set(&mut self, logits: &[f64], a: usize) {
        let (cells, k) = (logits.len(), logits.len() / a);
        self.a = a;
        for v in [&mut self.p, &mut self.log_p, &mut self.z] {
            v.resize(cells, 0.0);
        }
        self.entropy.resize(k, 0.0);
        self.totals.resize(k, 0.0);
        for (row, z) in logits.chunks(a).zip(self.z.chunks_mut(a)) {
            let top = row.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
            z.iter_mut().zip(row).for_each(|(z, x)| *z = x - top);
        }
        vmath::exp(&self.z, &mut self.p);
        for (t, e) in self.totals.iter_mut().zip(self.p.chunks(a)) {
            *t = e.iter().sum();
        }
        let mut log_totals = [0.0; 8];
        for (start, t) in (0..k).step_by(8).zip(self.totals.chunks(8)) {
            vmath::ln(t, &mut log_totals[..t.len()]);
            for (j, lt) in log_totals[..t.len()].iter().enumerate() {
                let kk = start + j;
                let inv = 1.0 / self.totals[kk];
                let mut h = 0.0;
                for c in kk * a..(kk + 1) * a {
                    let lp = self.z[c] - lt;
                    self.log_p[c] = lp;
                    self.p[c] *= inv;
                    if self.p[c] > 0.0 {
                        h -= self.p[c] * lp;
                    }
                }
                self.entropy[kk] = h;
            }
        }
    }

    /// Cumulative action thresholds of every niche, [K x A] (the last of each
    /// row is ONE), as `niche::episode` draws from them.
    pub fn cumulative(&self, out: &mut Vec<u64>) {
        let a = self.a;
        out.clear();
        for row in self.p.chunks(a) {
            let mut c = 0.0;
            for &p in row {
                c += p;
                out.push(threshold(c));
            }
            *out.last_mut().expect("a >= 1") = ONE;
        }
    }

    /// The reward every step of action a in niche k adds to its proxy
    /// (SPEC 4): alpha H(pi(.|k)) - beta (log pi(a|k) - log pi_ref(a|k)).
    pub fn shaping(&self, reference: &Policy, alpha: f64, beta: f64, out: &mut Vec<f64>) {
        let a = self.a;
        out.clear();
        out.extend((0..self.p.len()).map(|c| alpha * self.entropy[c / a] - beta * (self.log_p[c] - reference.log_p[c])));
    }

    /// Demand-weighted mean over niches of KL(pi || reference).
    pub fn kl(&self, reference: &Policy, demand: &[f64]) -> f64 {
        let a = self.a;
        let mut total = 0.0;
        for (kk, d) in demand.iter().enumerate() {
            let mut kl = 0.0;
            for j in kk * a..(kk + 1) * a {
                if self.p[j] > 0.0 {
                    kl += self.p[j] * (self.log_p[j] - reference.log_p[j]);
                }
            }
            total += d * kl.max(0.0);
        }
        total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn softmax_rows_sum_to_one_and_match_their_logs() {
        let p = Policy::of(&[0.0, 1.0, 2.0, -5.0, 5.0, 0.0], 3);
        for row in p.p.chunks(3) {
            assert!((row.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        }
        for (x, lx) in p.p.iter().zip(&p.log_p) {
            assert!((x.ln() - lx).abs() < 1e-12);
        }
        let uniform = Policy::of(&[0.0; 3], 3);
        assert!((uniform.entropy[0] - 3f64.ln()).abs() < 1e-12);
        assert!(uniform.kl(&uniform, &[1.0]).abs() < 1e-15);
        let mut cum = Vec::new();
        uniform.cumulative(&mut cum);
        assert_eq!(cum[2], ONE);
    }
}
