//! Time the parts of a NicheWorld generation against the limit loop serving
//! the same episodes: `cargo run --release --example niche_parts`
//! (environment: `N` agents, default 100,000; `THREADS`, default 2;
//! `GENERATIONS`, default 20, the first two not counted; `MUTATION` rate
//! and `SCALE`, default 0.05 and 0.1 as `evolve`'s; `FITNESS` `rate` or
//! `sum`, default rate; the demo's runs are rate 0.2, scale 0.3). Prints the mean
//! milliseconds per generation of each part, and the whole generation as a
//! fraction of the limit loop (`niche::generation::limit`).
use replicators_core::control::{with_threads, Control};
use replicators_core::mutation::{reproduce, Mutation};
use replicators_core::niche::episode::Rules;
use replicators_core::niche::generation::{self, limit, Scratch};
use replicators_core::niche::genome::{mean_policy, prepare, Tables};
use replicators_core::niche::measure::Measurements;
use replicators_core::niche::{ChooseBy, Fitness, Routing, World};
use replicators_core::rng::{normal, stream};
use replicators_core::selection::{Parents, Selection};
use std::time::Instant;

fn env(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|t| t.parse().ok()).unwrap_or(default)
}

fn main() {
    let (n, threads, generations) = (env("N", 100_000), env("THREADS", 2), env("GENERATIONS", 20) as u64);
    let real = |name: &str, default: f64| std::env::var(name).ok().and_then(|t| t.parse().ok()).unwrap_or(default);
    let mutation = Mutation { rate: real("MUTATION", 0.05), scale: real("SCALE", 0.1) };
    let fitness = if std::env::var("FITNESS").as_deref() == Ok("sum") { Fitness::Sum } else { Fitness::Rate };
    let mut w = World::assistant();
    let shortlist = env("SHORTLIST", 0) as u32;
    if shortlist > 0 {
        w.routing = Routing::Choice { shortlist, by: ChooseBy::Gold };
    }
    let spread = real("SPREAD", 0.0);
    with_threads(Some(threads), || {
        let mut start = stream(7, &[]);
        let mut genomes: Vec<f64> = (0..n * w.genome_width()).map(|_| spread * normal(&mut start)).collect();
        let reference = mean_policy(&w, &genomes[..w.genome_width()], &Control::new());
        let rules = Rules::new(&w);
        let (mut t, mut tr) = (Tables::default(), Vec::new());
        let (mut stats, mut s, mut ls) = (Vec::new(), Scratch::default(), Scratch::default());
        let mut m = Measurements::default();
        let mut next = Vec::new();
        let control = Control::new();
        let names = ["prepare", "serve", "fitness+record", "select", "reproduce", "limit loop"];
        let mut total = [0.0f64; 6];
        let mut steps_total = 0u64;
        let ms = |a: Instant, b: Instant| (b - a).as_secs_f64() * 1e3;
        for g in 0..generations {
            let t0 = Instant::now();
            prepare(&w, &genomes, &reference, 0.5, &mut t, &mut tr, &control);
            let t1 = Instant::now();
            let tally = generation::run(&w, &rules, &t, 1, g, &mut stats, &mut s, &control).unwrap();
            let t2 = Instant::now();
            let fit: Vec<f64> = stats.iter().map(|x| fitness.of(x, 0.0)).collect();
            m.record(&w, g, &tr, &stats, &fit, &tally);
            let t3 = Instant::now();
            let Parents::Chosen(p) = Selection::Proportional { pressure: 1.0, standardize: true }.choose(&fit, n, &mut stream(1, &[g]), &control).unwrap() else { panic!() };
            let t4 = Instant::now();
            reproduce(&genomes, w.genome_width(), &p, &mutation, 1, g, &mut next, &control);
            let t5 = Instant::now();
            let mut limit_stats = Vec::new();
            let limit_steps = limit::run(&w, &rules, &t, 1, g, &mut limit_stats, &mut ls, &control).unwrap();
            let t6 = Instant::now();
            let steps: u64 = tally.steps.iter().sum();
            // The limit loop routes uniformly: under choice it serves other episodes.
            assert!(shortlist > 0 || steps == limit_steps, "the limit loop serves the same steps");
            std::mem::swap(&mut genomes, &mut next);
            if g >= 2 {
                steps_total += steps;
                for (x, d) in total.iter_mut().zip([ms(t0, t1), ms(t1, t2), ms(t2, t3), ms(t3, t4), ms(t4, t5), ms(t5, t6)]) {
                    *x += d;
                }
            }
        }
        let counted = (generations - 2) as f64;
        let parts: Vec<String> = names.iter().zip(total).map(|(name, x)| format!("{name} {:.2}", x / counted)).collect();
        let generation_ms: f64 = total[..5].iter().sum::<f64>() / counted;
        println!("N {n}, {threads} threads, {:.0} steps per generation; ms per generation: {}", steps_total as f64 / counted, parts.join(", "));
        println!("whole generation {generation_ms:.2} ms = {:.0}% of the limit loop ({:.2} ms)", 100.0 * total[5] / counted / generation_ms, total[5] / counted);
    }).unwrap();
}
