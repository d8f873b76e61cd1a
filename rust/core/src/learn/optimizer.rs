//! Gradient steps: SGD, or Adam (Kingma & Ba, with bias correction), on a
//! vector of parameters with its own moment estimates.

use wide::f64x4;

use super::config::Optimizer;

/// The optimizer's state for one parameter vector.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct State {
    m: Vec<f64>,
    v: Vec<f64>,
    steps: i32,
}

impl State {
    pub fn new(len: usize) -> State {
        State { m: vec![0.0; len], v: vec![0.0; len], steps: 0 }
    }

    /// Bytes held (for memory accounting).
    pub fn bytes(&self) -> usize {
        8 * (self.m.capacity() + self.v.capacity())
    }

    /// Move `params` against `grad` (the gradient of a loss to minimise).
    pub fn step(&mut self, opt: &Optimizer, params: &mut [f64], grad: &[f64]) {
        match *opt {
            Optimizer::Sgd { lr } => {
                params.iter_mut().zip(grad).for_each(|(p, g)| *p -= lr * g);
            }
            Optimizer::Adam { lr, beta1, beta2, eps } => {
                self.steps = self.steps.saturating_add(1);
                let c1 = 1.0 - beta1.powi(self.steps);
                let root_c2 = (1.0 - beta2.powi(self.steps)).sqrt();
                // The bias corrections folded into the step and epsilon (Kingma
                // & Ba, end of section 2): one root and one division per
                // parameter, the same update up to rounding.
                let (step, eps_hat) = (lr * root_c2 / c1, eps * root_c2);
                // Four parameters at a time (`wide`): the roots and divisions
                // of a learner's value table dominate a small minibatch.
                let lanes = params.len() / 4 * 4;
                let (b1, b2, st, e) = (f64x4::splat(beta1), f64x4::splat(beta2), f64x4::splat(step), f64x4::splat(eps_hat));
                let (c_1, c_2) = (f64x4::splat(1.0 - beta1), f64x4::splat(1.0 - beta2));
                for i in (0..lanes).step_by(4) {
                    let load = |x: &[f64]| f64x4::new([x[i], x[i + 1], x[i + 2], x[i + 3]]);
                    let g = load(grad);
                    let m = b1 * load(&self.m) + c_1 * g;
                    let v = b2 * load(&self.v) + c_2 * g * g;
                    let p = load(params) - st * m / (v.sqrt() + e);
                    self.m[i..i + 4].copy_from_slice(&m.to_array());
                    self.v[i..i + 4].copy_from_slice(&v.to_array());
                    params[i..i + 4].copy_from_slice(&p.to_array());
                }
                for i in lanes..params.len() {
                    let g = grad[i];
                    self.m[i] = beta1 * self.m[i] + (1.0 - beta1) * g;
                    self.v[i] = beta2 * self.v[i] + (1.0 - beta2) * g * g;
                    params[i] -= step * self.m[i] / (self.v[i].sqrt() + eps_hat);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_descend_a_quadratic() {
        for opt in [Optimizer::Sgd { lr: 0.1 }, Optimizer::Adam { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8 }] {
            let mut x = vec![3.0, -2.0];
            let mut s = State::new(2);
            for _ in 0..500 {
                let g: Vec<f64> = x.iter().map(|v| 2.0 * v).collect();
                s.step(&opt, &mut x, &g);
            }
            assert!(x.iter().all(|v| v.abs() < 1e-2), "{opt:?}: {x:?}");
        }
        // Adam's first step moves each parameter by about lr, whatever the gradient's scale.
        let mut x = vec![0.0];
        State::new(1).step(&Optimizer::Adam { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8 }, &mut x, &[1e-3]);
        assert!((x[0] + 0.1).abs() < 1e-3);
    }
}
