//! How long a cancelled run takes to return: `cargo run --release --example
//! cancel_latency`. Cancels Connect Four and NicheWorld runs at several
//! moments (the first generations of a million agents end near 2 s: their
//! reproduction first touches its buffers) and prints the worst wait
//! (Ctrl-C must be answered within 1 s).
use std::time::{Duration, Instant};

use replicators_core::connect4::evolve::{evolve as c4_evolve, Config as C4Config};
use replicators_core::connect4::fitness::Fitness as C4Fitness;
use replicators_core::connect4::tournament::Format;
use replicators_core::control::{with_threads, Control};
use replicators_core::niche::evolve::{evolve as niche_evolve, Config as NicheConfig};
use replicators_core::niche::{Fitness, World};

fn worst(name: &str, work: impl Fn(&Control) + Sync) {
    let mut worst = 0.0f64;
    for delay in [100u64, 400, 900, 1500, 1900, 2100, 2300, 2600, 3000] {
        let control = Control::new();
        let waited = std::thread::scope(|s| {
            let h = s.spawn(|| with_threads(Some(2), || work(&control)).unwrap());
            std::thread::sleep(Duration::from_millis(delay));
            let t = Instant::now();
            control.cancel();
            h.join().unwrap();
            t.elapsed().as_secs_f64()
        });
        worst = worst.max(waited);
    }
    println!("{name:32} worst wait {:.3} s", worst);
}

fn main() {
    worst("connect4 knockout 200,000", |c| {
        let cfg = C4Config::new(200_000, 100, Format::Knockout { pressure: 0.5 }, C4Fitness::Moves);
        let _ = c4_evolve(&cfg, c);
    });
    worst("niche preset 1,000,000", |c| {
        let _ = niche_evolve(&World::assistant(), &NicheConfig::new(1_000_000, 100, Fitness::Rate), c);
    });
    worst("niche episodes that never end", |c| {
        // A patient user, the step cap at its maximum, no action that ends.
        let mut w = World::assistant();
        w.niches.truncate(1);
        w.outcomes.truncate(w.a());
        w.niches[0].patience = 1.0;
        w.niches[0].max_steps = u32::MAX;
        w.capacity = 0.0;
        w.requests_per_agent = 1.0;
        let mut cfg = NicheConfig::new(10, 1, Fitness::Rate);
        // Only `engage` (logit 50 against 0): the user never leaves.
        cfg.replication.initial = vec![-50.0, 50.0, -50.0, -50.0, -50.0, 0.0];
        let _ = niche_evolve(&w, &cfg, c);
    });
}
