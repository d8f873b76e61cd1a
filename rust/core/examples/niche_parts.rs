//! Time the parts of a NicheWorld generation: `cargo run --release --example niche_parts`
//! (environment: `N` agents, default 100,000; `THREADS`, default 2).
use replicators_core::control::with_threads;
use replicators_core::mutation::{reproduce, Mutation};
use replicators_core::niche::episode::Rules;
use replicators_core::niche::generation::{self, Scratch};
use replicators_core::niche::genome::{mean_policy, prepare, Tables};
use replicators_core::niche::measure::Measurements;
use replicators_core::niche::{Fitness, World};
use replicators_core::rng::stream;
use replicators_core::selection::{Parents, Selection};
use std::time::Instant;

fn main() {
    let n = std::env::var("N").ok().and_then(|t| t.parse().ok()).unwrap_or(100_000);
    let w = World::assistant();
    let threads = std::env::var("THREADS").ok().and_then(|t| t.parse().ok()).unwrap_or(2);
    with_threads(Some(threads), || {
        let genomes = vec![0.0; n * w.genome_width()];
        let reference = mean_policy(&w, &genomes[..w.genome_width()]);
        let rules = Rules::new(&w);
        let (mut t, mut tr) = (Tables::default(), Vec::new());
        let (mut stats, mut s) = (Vec::new(), Scratch::default());
        let mut m = Measurements::default();
        let mut next = Vec::new();
        for g in 0..3 {
            let t0 = Instant::now();
            prepare(&w, &genomes, &reference, 0.5, &mut t, &mut tr);
            let t1 = Instant::now();
            let tally = generation::run(&w, &rules, &t, 1, g, &mut stats, &mut s);
            let t2 = Instant::now();
            let fit: Vec<f64> = stats.iter().map(|x| Fitness::Rate.of(x, 0.0)).collect();
            m.record(&w, g, &tr, &stats, &fit, &tally);
            let t3 = Instant::now();
            let Parents::Chosen(p) = Selection::Proportional { pressure: 1.0, standardize: true }.choose(&fit, n, &mut stream(1, &[g])).unwrap() else { panic!() };
            let t4 = Instant::now();
            reproduce(&genomes, w.genome_width(), &p, &Mutation { rate: 0.05, scale: 0.1 }, 1, g, &mut next);
            let t5 = Instant::now();
            let steps: u64 = tally.steps.iter().sum();
            let episodes: u64 = tally.episodes.iter().sum();
            let declined: u64 = tally.declined.iter().sum();
            let follow: u64 = tally.follow_ups.iter().sum();
            if g == 0 { println!("episodes {episodes} declined {declined} follow_ups {follow}"); }
            let ms = |a: Instant, b: Instant| (b - a).as_secs_f64() * 1e3;
            println!("steps {steps} prepare {:.1} run {:.1} ({:.1} ns/step) record {:.1} select {:.1} reproduce {:.1} ms",
                ms(t0, t1), ms(t1, t2), ms(t1, t2) * 1e6 / steps as f64, ms(t2, t3), ms(t3, t4), ms(t4, t5));
        }
    }).unwrap();
}
