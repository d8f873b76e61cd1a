//! Learner throughput on the assistant preset (10,000 learners x 64
//! requests per iteration, PPO 4 epochs): `cargo run --release --example learn_speed`.

use std::time::Instant;

use replicators_core::control::{with_threads, Control};
use replicators_core::learn::{learn, Config};
use replicators_core::niche::World;

fn main() {
    let n: usize = std::env::var("N").ok().and_then(|s| s.parse().ok()).unwrap_or(10_000);
    let iterations: u64 = std::env::var("IT").ok().and_then(|s| s.parse().ok()).unwrap_or(5);
    let w = World::assistant();
    for threads in [1, 2] {
        let mut cfg = Config::new(n, iterations, 64);
        let env = |k: &str, d: u32| std::env::var(k).ok().and_then(|s| s.parse().ok()).unwrap_or(d);
        if let Ok(lr) = std::env::var("LR") {
            cfg.optimizer = replicators_core::learn::Optimizer::Adam { lr: lr.parse().unwrap(), beta1: 0.9, beta2: 0.999, eps: 1e-8 };
        }
        if let replicators_core::learn::Algorithm::Ppo { clip, normalize, .. } = cfg.algorithm {
            cfg.algorithm = replicators_core::learn::Algorithm::Ppo { clip, normalize, epochs: env("EPOCHS", 4), minibatches: env("MB", 4) };
        }
        let t = Instant::now();
        let out = with_threads(Some(threads), || learn(&w, &cfg, &Control::new())).unwrap().unwrap();
        let dt = t.elapsed().as_secs_f64();
        let steps: i64 = match out.history.get("steps") {
            Some(replicators_core::table::Column::Int(v)) => v.iter().sum(),
            _ => 0,
        };
        println!("threads {threads}: {:.3e} learner steps/s ({steps} steps in {dt:.2} s)", steps as f64 / dt);
    }
}
