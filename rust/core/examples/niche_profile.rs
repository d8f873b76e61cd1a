//! Profile the NicheWorld loop: `cargo run --release --example niche_profile -- 100000 20 1`.
use replicators_core::control::{with_threads, Control};
use replicators_core::niche::{evolve, Config, Fitness, World};

fn main() {
    let args: Vec<usize> = std::env::args().skip(1).map(|a| a.parse().unwrap()).collect();
    let (n, g, t) = (args.first().copied().unwrap_or(100_000), args.get(1).copied().unwrap_or(20), args.get(2).copied().unwrap_or(1));
    let w = World::assistant();
    let cfg = Config::new(n, g as u64, Fitness::Rate);
    let start = std::time::Instant::now();
    let out = with_threads(Some(t), || evolve(&w, &cfg, &Control::new())).unwrap().unwrap();
    let dt = start.elapsed().as_secs_f64();
    let steps: i64 = match out.measurements.history.get("steps") {
        Some(replicators_core::niche::measure::Column::Int(v)) => v.iter().sum(),
        _ => 0,
    };
    println!("{dt:.3}s  {:.1} M steps/s", steps as f64 / dt / 1e6);
}
