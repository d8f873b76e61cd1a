//! Games per second of the Connect Four engine:
//! `cargo run --release --example connect4_speed`.
use replicators_core::connect4::features::{index, COUNT};
use replicators_core::connect4::playout::{policy_games, random_games};
use replicators_core::connect4::Policy;
use replicators_core::control::with_threads;
use replicators_core::Control;
use std::time::Instant;

fn main() {
    let mut w = [0.0; COUNT];
    w[index::WINS_NOW] = 2.0;
    w[index::BLOCKS] = 1.0;
    w[index::CENTRE_DISTANCE] = -0.5;
    let p = Policy::new(&w);
    for threads in [1, 2] {
        with_threads(Some(threads), || {
            let n = 10_000_000;
            let t = Instant::now();
            let s = random_games(n, 1, &Control::new()).unwrap();
            let dt = t.elapsed().as_secs_f64();
            println!("threads {threads}: random {:.2} M games/s ({:.1} plies/game)", n as f64 / dt / 1e6, s.plies as f64 / n as f64);
            let n = 1_000_000;
            let t = Instant::now();
            let s = policy_games(&p, &p, n, 1, &Control::new()).unwrap();
            let dt = t.elapsed().as_secs_f64();
            println!("threads {threads}: policy {:.0} k games/s ({:.1} plies/game)", n as f64 / dt / 1e3, s.plies as f64 / n as f64);
        })
        .unwrap();
    }
}
