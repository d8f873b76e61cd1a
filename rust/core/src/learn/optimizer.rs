//! Gradient steps: SGD, or Adam (Kingma & Ba, with bias correction), on a
//! vector of parameters with its own moment estimates.

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
                let c2 = 1.0 - beta2.powi(self.steps);
                for ((p, &g), (m, v)) in params.iter_mut().zip(grad).zip(self.m.iter_mut().zip(self.v.iter_mut())) {
                    *m = beta1 * *m + (1.0 - beta1) * g;
                    *v = beta2 * *v + (1.0 - beta2) * g * g;
                    *p -= lr * (*m / c1) / ((*v / c2).sqrt() + eps);
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
