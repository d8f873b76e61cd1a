//! The replicator and replicator-mutator equations of an infinite
//! population, as an ODE and as a discrete map.
//!
//! With frequencies `x`, fitness `f_i = b + (A x)_i` (`b` a background
//! fitness) and mean fitness `phi = sum_i x_i f_i`:
//!
//! ```text
//! ODE:  dx_i/dt = x_i (f_i - phi)                       (no mutation)
//!       dx_i/dt = sum_j x_j f_j Q_ji - x_i phi          (mutation matrix Q)
//! map:  x_i'    = x_i f_i / phi,   x_i' = sum_j x_j f_j Q_ji / phi
//! ```
//!
//! `Q_ji` is the probability that an offspring of a `j` parent plays `i`
//! (rows of Q sum to 1). `b` does not change the pure replicator ODE but
//! does change the others; the map needs every fitness positive.
//!
//! The ODE is integrated by Dormand-Prince 5(4) with adaptive steps (error
//! per step below `atol + rtol |x|`) or by classical RK4 with a fixed step;
//! both report an error estimate: the running sum of the estimated local
//! errors (max norm), from the embedded 4th-order solution for
//! Dormand-Prince and from step doubling (Richardson) for RK4.

use super::game::MatrixGame;
use super::laws;
use crate::control::Control;
use crate::error::{check, Error, Result};

/// The right-hand side: a game, an optional mutation matrix, a background.
#[derive(Debug, Clone)]
pub struct Replicator {
    game: MatrixGame,
    mutation: Option<Vec<f64>>,
    background: f64,
}

/// How to integrate the ODE.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Method {
    DormandPrince { rtol: f64, atol: f64 },
    Rk4 { dt: f64 },
}

impl Method {
    pub fn validate(&self) -> Result<()> {
        match *self {
            Method::DormandPrince { rtol, atol } => {
                laws::RTOL.law.check("rtol", rtol)?;
                laws::ATOL.law.check("atol", atol)?;
            }
            Method::Rk4 { dt } => {
                laws::DT.law.check("dt", dt)?;
            }
        }
        Ok(())
    }
}

/// States at the requested times (row-major, one row per time) and the
/// accumulated error estimate at each.
#[derive(Debug, Clone, PartialEq)]
pub struct Trajectory {
    pub x: Vec<f64>,
    pub error: Vec<f64>,
    pub steps: u64,
}

impl Replicator {
    /// `mutation`, if given, is row-major n x n with rows summing to 1.
    pub fn new(game: MatrixGame, mutation: Option<Vec<f64>>, background: f64) -> Result<Self> {
        let n = game.strategies();
        laws::BACKGROUND.law.check("background", background)?;
        if let Some(q) = &mutation {
            if q.len() != n * n {
                return Err(Error::shape("mutation", format!("expected a {n} x {n} matrix matching the game")));
            }
            for i in 0..n {
                for j in 0..n {
                    check::probability(&format!("mutation[{i}][{j}]"), q[i * n + j])?;
                }
                let s: f64 = q[i * n..(i + 1) * n].iter().sum();
                if (s - 1.0).abs() > 1e-9 {
                    return Err(Error::invalid(format!("mutation[{i}] (row sum)"), s, "rows summing to 1"));
                }
            }
        }
        Ok(Self { game, mutation, background })
    }

    pub fn strategies(&self) -> usize {
        self.game.strategies()
    }

    /// Check that `x0` is a point of the simplex.
    pub fn check_state(&self, x0: &[f64]) -> Result<()> {
        let n = self.strategies();
        if x0.len() != n {
            return Err(Error::shape("x0", format!("{} frequencies for a game of {n} strategies", x0.len())));
        }
        for (i, &x) in x0.iter().enumerate() {
            check::probability(&format!("x0[{i}]"), x)?;
        }
        let s: f64 = x0.iter().sum();
        if (s - 1.0).abs() > 1e-9 {
            return Err(Error::invalid("x0 (sum)", s, "frequencies summing to 1"));
        }
        Ok(())
    }

    /// Fitness `f` and mean fitness of state `x`.
    fn fitness(&self, x: &[f64], f: &mut [f64]) -> f64 {
        self.game.expected_payoffs(x, f);
        let mut phi = 0.0;
        for (fi, xi) in f.iter_mut().zip(x) {
            *fi += self.background;
            phi += xi * *fi;
        }
        phi
    }

    /// dx/dt into `dx`; `f` is scratch.
    fn derivative(&self, x: &[f64], dx: &mut [f64], f: &mut [f64]) {
        let n = x.len();
        let phi = self.fitness(x, f);
        match &self.mutation {
            None => {
                for i in 0..n {
                    dx[i] = x[i] * (f[i] - phi);
                }
            }
            Some(q) => {
                for i in 0..n {
                    let inflow: f64 = (0..n).map(|j| x[j] * f[j] * q[j * n + i]).sum();
                    dx[i] = inflow - x[i] * phi;
                }
            }
        }
    }

    /// Integrate from `times[0]` through each of `times` (non-decreasing).
    pub fn integrate(&self, x0: &[f64], times: &[f64], method: Method, control: &Control) -> Result<Trajectory> {
        self.check_state(x0)?;
        method.validate()?;
        if times.is_empty() {
            return Err(Error::shape("t", "no output times"));
        }
        for (i, &t) in times.iter().enumerate() {
            check::finite("t", t)?;
            if i > 0 && t < times[i - 1] {
                return Err(Error::invalid("t", t, "non-decreasing output times"));
            }
        }
        let n = x0.len();
        let mut stepper = Stepper::new(n);
        let mut x = x0.to_vec();
        let mut out = Trajectory { x: x0.to_vec(), error: vec![0.0], steps: 0 };
        let mut err_total = 0.0;
        let mut h = match method {
            Method::Rk4 { dt } => dt,
            Method::DormandPrince { .. } => ((times[times.len() - 1] - times[0]) / 100.0).clamp(1e-6, 0.1),
        };
        for w in times.windows(2) {
            let (mut t, t_end) = (w[0], w[1]);
            while t < t_end {
                let step = h.min(t_end - t);
                let last = step >= t_end - t;
                let taken = match method {
                    Method::Rk4 { .. } => {
                        err_total += stepper.rk4_doubling(self, &mut x, step);
                        step
                    }
                    Method::DormandPrince { rtol, atol } => {
                        let (accepted, err_abs, next) = stepper.dopri(self, &mut x, step, rtol, atol);
                        h = next;
                        if !accepted {
                            if h < 1e-12 * (1.0 + t.abs()) {
                                return Err(Error::Numerical { message: format!("step size underflow at t = {t}") });
                            }
                            continue;
                        }
                        err_total += err_abs;
                        step
                    }
                };
                out.steps += 1;
                t = if last { t_end } else { t + taken };
                if x.iter().any(|v| !v.is_finite()) {
                    return Err(Error::Numerical { message: format!("the state diverged at t = {t}") });
                }
                if out.steps % 4096 == 0 {
                    control.checkpoint()?;
                }
            }
            out.x.extend_from_slice(&x);
            out.error.push(err_total);
        }
        Ok(out)
    }

    /// The discrete map for `steps` generations; row g is the state after g.
    pub fn iterate(&self, x0: &[f64], steps: u64, control: &Control) -> Result<Vec<f64>> {
        self.check_state(x0)?;
        let n = x0.len();
        let mut x = x0.to_vec();
        let mut f = vec![0.0; n];
        let mut next = vec![0.0; n];
        let mut out = Vec::with_capacity((steps as usize + 1) * n);
        out.extend_from_slice(&x);
        for g in 0..steps {
            if g % 4096 == 0 {
                control.checkpoint()?;
            }
            let phi = self.fitness(&x, &mut f);
            if let Some(i) = (0..n).find(|&i| x[i] > 0.0 && f[i] <= 0.0) {
                return Err(Error::invalid(
                    "background",
                    self.background,
                    format!(
                        "a background fitness that keeps every fitness positive (strategy {i} has fitness {} \
                         at generation {g})",
                        f[i]
                    ),
                ));
            }
            match &self.mutation {
                None => (0..n).for_each(|i| next[i] = x[i] * f[i] / phi),
                Some(q) => (0..n).for_each(|i| {
                    next[i] = (0..n).map(|j| x[j] * f[j] * q[j * n + i]).sum::<f64>() / phi;
                }),
            }
            std::mem::swap(&mut x, &mut next);
            out.extend_from_slice(&x);
        }
        Ok(out)
    }
}

// Dormand-Prince 5(4) tableau (the system is autonomous: no stage times).
const A: [[f64; 6]; 7] = [
    [0.0; 6],
    [1.0 / 5.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    [3.0 / 40.0, 9.0 / 40.0, 0.0, 0.0, 0.0, 0.0],
    [44.0 / 45.0, -56.0 / 15.0, 32.0 / 9.0, 0.0, 0.0, 0.0],
    [19372.0 / 6561.0, -25360.0 / 2187.0, 64448.0 / 6561.0, -212.0 / 729.0, 0.0, 0.0],
    [9017.0 / 3168.0, -355.0 / 33.0, 46732.0 / 5247.0, 49.0 / 176.0, -5103.0 / 18656.0, 0.0],
    [35.0 / 384.0, 0.0, 500.0 / 1113.0, 125.0 / 192.0, -2187.0 / 6784.0, 11.0 / 84.0],
];
/// 5th-order weights (= last row of A: first same as last).
const B5: [f64; 7] = [35.0 / 384.0, 0.0, 500.0 / 1113.0, 125.0 / 192.0, -2187.0 / 6784.0, 11.0 / 84.0, 0.0];
/// 4th-order weights of the embedded solution.
const B4: [f64; 7] =
    [5179.0 / 57600.0, 0.0, 7571.0 / 16695.0, 393.0 / 640.0, -92097.0 / 339200.0, 187.0 / 2100.0, 1.0 / 40.0];

/// Scratch space of the integrators.
struct Stepper {
    k: Vec<Vec<f64>>,
    tmp: Vec<f64>,
    f: Vec<f64>,
    half: Vec<f64>,
}

impl Stepper {
    fn new(n: usize) -> Self {
        Self { k: vec![vec![0.0; n]; 7], tmp: vec![0.0; n], f: vec![0.0; n], half: vec![0.0; n] }
    }

    /// One Dormand-Prince attempt of size h: (accepted, max-norm local
    /// error, next step size). `x` is advanced only if accepted.
    fn dopri(&mut self, rep: &Replicator, x: &mut [f64], h: f64, rtol: f64, atol: f64) -> (bool, f64, f64) {
        let n = x.len();
        for s in 0..7 {
            for i in 0..n {
                self.tmp[i] = x[i] + h * (0..s).map(|j| A[s][j] * self.k[j][i]).sum::<f64>();
            }
            rep.derivative(&self.tmp, &mut self.k[s], &mut self.f);
        }
        let mut err_norm = 0.0f64;
        let mut err_abs = 0.0f64;
        for i in 0..n {
            let x5 = x[i] + h * (0..7).map(|s| B5[s] * self.k[s][i]).sum::<f64>();
            let e = h * (0..7).map(|s| (B5[s] - B4[s]) * self.k[s][i]).sum::<f64>();
            let scale = atol + rtol * x[i].abs().max(x5.abs());
            err_norm = err_norm.max(e.abs() / scale);
            err_abs = err_abs.max(e.abs());
            self.half[i] = x5;
        }
        let factor = if err_norm == 0.0 { 5.0 } else { (0.9 * err_norm.powf(-0.2)).clamp(0.2, 5.0) };
        if err_norm <= 1.0 {
            x.copy_from_slice(&self.half);
            (true, err_abs, h * factor)
        } else {
            (false, 0.0, h * factor.min(1.0))
        }
    }

    /// Classical RK4 from `x` over `h` into `out`.
    fn rk4(&mut self, rep: &Replicator, x: &[f64], h: f64, out: &mut [f64]) {
        let n = x.len();
        let [k1, k2, k3, k4, ..] = &mut self.k[..] else { unreachable!("seven stages") };
        rep.derivative(x, k1, &mut self.f);
        (0..n).for_each(|i| self.tmp[i] = x[i] + 0.5 * h * k1[i]);
        rep.derivative(&self.tmp, k2, &mut self.f);
        (0..n).for_each(|i| self.tmp[i] = x[i] + 0.5 * h * k2[i]);
        rep.derivative(&self.tmp, k3, &mut self.f);
        (0..n).for_each(|i| self.tmp[i] = x[i] + h * k3[i]);
        rep.derivative(&self.tmp, k4, &mut self.f);
        (0..n).for_each(|i| out[i] = x[i] + h / 6.0 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i]));
    }

    /// One RK4 step of size h (the reported solution), with its local error
    /// estimated against two half steps: err(h) ~ 16/15 |x_h - x_{h/2,h/2}|.
    fn rk4_doubling(&mut self, rep: &Replicator, x: &mut [f64], h: f64) -> f64 {
        let n = x.len();
        let mut full = vec![0.0; n];
        let mut mid = vec![0.0; n];
        let mut fine = vec![0.0; n];
        self.rk4(rep, x, h, &mut full);
        self.rk4(rep, x, 0.5 * h, &mut mid);
        self.rk4(rep, &mid, 0.5 * h, &mut fine);
        let err = (0..n).map(|i| (full[i] - fine[i]).abs()).fold(0.0, f64::max) * 16.0 / 15.0;
        x.copy_from_slice(&full);
        err
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rps() -> MatrixGame {
        MatrixGame::new(&[vec![0.0, -1.0, 1.0], vec![1.0, 0.0, -1.0], vec![-1.0, 1.0, 0.0]]).unwrap()
    }

    fn times(end: f64, n: usize) -> Vec<f64> {
        (0..=n).map(|i| end * i as f64 / n as f64).collect()
    }

    #[test]
    fn rock_paper_scissors_conserves_the_product() {
        let rep = Replicator::new(rps(), None, 0.0).unwrap();
        let x0 = [0.5, 0.3, 0.2];
        for method in [Method::DormandPrince { rtol: 1e-10, atol: 1e-12 }, Method::Rk4 { dt: 0.005 }] {
            let tr = rep.integrate(&x0, &times(50.0, 50), method, &Control::new()).unwrap();
            let p0 = 0.5 * 0.3 * 0.2;
            for row in tr.x.chunks(3) {
                assert!((row[0] * row[1] * row[2] - p0).abs() < 1e-8, "{method:?} {row:?}");
            }
            assert!(*tr.error.last().unwrap() < 1e-7, "{method:?} {:?}", tr.error.last());
        }
    }

    #[test]
    fn hawk_dove_reaches_v_over_c() {
        let (v, c) = (2.0, 3.0);
        let g = MatrixGame::new(&[vec![(v - c) / 2.0, v], vec![0.0, v / 2.0]]).unwrap();
        let rep = Replicator::new(g, None, 0.0).unwrap();
        let tr = rep.integrate(&[0.1, 0.9], &[0.0, 200.0], Method::DormandPrince { rtol: 1e-10, atol: 1e-12 }, &Control::new())
            .unwrap();
        assert!((tr.x[2] - v / c).abs() < 1e-8, "{:?}", tr.x);
    }

    #[test]
    fn replicator_mutator_spec_fixed_point_in_ode_and_map() {
        let g = MatrixGame::new(&[vec![2.0, 2.0], vec![1.0, 1.0]]).unwrap();
        let q = vec![0.9, 0.1, 0.1, 0.9];
        let rep = Replicator::new(g, Some(q), 0.0).unwrap();
        let tr = rep.integrate(&[0.5, 0.5], &[0.0, 100.0], Method::DormandPrince { rtol: 1e-10, atol: 1e-12 }, &Control::new())
            .unwrap();
        assert!((tr.x[2] - 0.82169906).abs() < 1e-8 && (tr.x[3] - 0.17830094).abs() < 1e-8, "{:?}", tr.x);
        let m = rep.iterate(&[0.5, 0.5], 500, &Control::new()).unwrap();
        assert!((m[1000] - 0.82169906).abs() < 1e-8, "{:?}", &m[1000..]);
    }

    #[test]
    fn bad_inputs_name_their_fields() {
        let e = Replicator::new(rps(), Some(vec![0.5; 9]), 0.0).unwrap_err();
        assert!(e.to_string().starts_with("mutation[0]"), "{e}");
        let rep = Replicator::new(rps(), None, 0.0).unwrap();
        assert!(rep.check_state(&[0.5, 0.5]).is_err());
        assert!(rep.check_state(&[0.5, 0.6, -0.1]).is_err());
        let e = rep.iterate(&[0.4, 0.3, 0.3], 3, &Control::new()).unwrap_err();
        assert!(e.to_string().starts_with("background"), "{e}");
        assert!(rep.integrate(&[0.4, 0.3, 0.3], &[0.0, 1.0], Method::Rk4 { dt: 0.0 }, &Control::new()).is_err());
    }
}
