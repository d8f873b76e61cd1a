//! Scratch timing of `envs::assistant` batches (not a benchmark: benches/ has those).
use replicators_core::envs::{Assistant, Batch};
use replicators_core::niche::World;
use std::time::Instant;

fn main() {
    let w = World::assistant();
    let env = Assistant::new(&w, &[]).unwrap();
    let n = 1 << 16;
    let mut states: Vec<_> = (0..n as u64).map(|i| env.reset(i)).collect();
    let actions: Vec<i64> = (0..n).map(|i| (i * 7 % 5) as i64).collect();
    let mut out = Batch::default();
    let t = Instant::now();
    for _ in 0..100 {
        env.step_all(&mut states, &actions, &mut out).unwrap();
    }
    let dt = t.elapsed().as_secs_f64();
    println!("{:.1} M steps/s", 100.0 * n as f64 / dt / 1e6);
}
