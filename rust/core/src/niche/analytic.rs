//! The exact evaluator (SPEC 1, "Exact evaluator"): expected proxy, gold,
//! length, follow-ups... of a policy in a niche, by absorbing-chain algebra.
//!
//! Within an episode every step is alike: the action is drawn from pi, then
//! the outcome either ends the episode (an ending action, a successful
//! skilled ending action, a decline) with probability e per step, or not
//! (probability n = 1 - e), after which the user stays with the patience p.
//! The chance to be alive at step t is therefore (n p)^(t-1), cut at
//! max_steps M. Quantities linear in the steps (proxy, gold, follow-ups,
//! solve and decline probabilities) are E[L] times their per-step mean;
//! E[G/L] needs the joint law of (G, L), computed by the recurrence on
//! (P(alive at t), E[G so far; alive at t]) for t = 1..M, exactly (a finite
//! sum, no infinite-horizon approximation).

use super::genome::{policy, skill, skill_weights};
use super::world::World;
use crate::error::{Error, Result};

/// Expected values for one episode (unless named per need: a fresh request
/// with the follow-ups it brings back, what a user who came once gets).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Evaluation {
    pub proxy: f64,
    pub gold: f64,
    /// E[L], steps.
    pub length: f64,
    /// Expected follow-up requests the episode brings back (direct ones).
    pub follow_ups: f64,
    /// P(the episode ends by a successful skilled action).
    pub solve: f64,
    /// P(the episode ends by a decline; the request goes elsewhere).
    pub decline: f64,
    /// E[G / L] (the `episode_rate` fitness of one episode).
    pub episode_rate: f64,
    /// Episodes per need: a fresh request and the follow-up episodes it
    /// spawns at the same agent (a geometric tree: 1 / (1 - follow_ups)).
    pub episodes_per_need: f64,
}

impl Evaluation {
    pub fn proxy_per_need(&self) -> f64 {
        self.proxy * self.episodes_per_need
    }
    pub fn gold_per_need(&self) -> f64 {
        self.gold * self.episodes_per_need
    }
    pub fn steps_per_need(&self) -> f64 {
        self.length * self.episodes_per_need
    }
}

/// Evaluate the stationary policy `pi` (probabilities over actions) with
/// skill `skill` in niche `k`.
pub fn evaluate(world: &World, k: usize, pi: &[f64], skill: f64) -> Result<Evaluation> {
    world.validate()?;
    if k >= world.k() {
        return Err(Error::invalid("niche", k, format!("an index in [0, {})", world.k())));
    }
    if pi.len() != world.a() {
        return Err(Error::shape("policy", format!("expected {} probabilities, got {}", world.a(), pi.len())));
    }
    if pi.iter().any(|p| !(0.0..=1.0).contains(p)) || (pi.iter().sum::<f64>() - 1.0).abs() > 1e-9 {
        return Err(Error::invalid("policy", format!("{pi:?}"), "probabilities summing to 1"));
    }
    crate::error::check::probability("skill", skill)?;
    Ok(chain(world, k, pi, skill))
}

/// Per-step means of a policy in a niche, split by whether the step ends
/// the episode (what `chain` and `score` start from).
#[derive(Debug, Clone, Copy)]
struct Step {
    /// P(the step ends the episode).
    ends: f64,
    /// Proxy of a step that ends it, and of one that does not.
    proxy_end: f64,
    proxy_cont: f64,
    gold: f64,
    solve: f64,
    decline: f64,
    /// Follow-up requests a step brings back.
    follow: f64,
}

fn step(world: &World, k: usize, pi: &[f64], skill: f64) -> Step {
    let (mut e, mut r_end, mut r_cont, mut gold, mut solve, mut decline, mut follow) = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
    for (a, act) in world.actions.iter().enumerate() {
        let o = world.outcome(k, a);
        let p = pi[a];
        let s = if act.skilled { skill } else { 1.0 };
        if act.reroute {
            e += p;
            r_end += p * o.proxy;
            gold += p * o.gold;
            decline += p;
            continue;
        }
        // Success (probability s) and failure (1 - s, skilled only).
        if act.ends {
            e += p * s;
            r_end += p * s * o.proxy;
            follow += p * s * o.follow_up;
            if act.skilled {
                solve += p * s;
            }
        } else {
            r_cont += p * s * o.proxy;
        }
        gold += p * s * o.gold + p * (1.0 - s) * o.fail_gold;
        if act.fail_ends {
            e += p * (1.0 - s);
            r_end += p * (1.0 - s) * o.fail_proxy;
        } else {
            r_cont += p * (1.0 - s) * o.fail_proxy;
        }
    }
    Step { ends: e, proxy_end: r_end, proxy_cont: r_cont, gold, solve, decline, follow }
}

/// What users choosing by `gold` (else proxy) compare (`genome::Tables::score`):
/// `chain`'s gold (or proxy) per need, the same number to the last bit,
/// without E[G / L] (the costly part of `chain`, which users do not see).
pub fn score(world: &World, k: usize, pi: &[f64], skill: f64, gold: bool) -> f64 {
    let st = step(world, k, pi, skill);
    let survive = (1.0 - st.ends) * world.niches[k].patience;
    let cap = world.niches[k].max_steps;
    // E[L] summed as `chain` sums it; once nobody is alive the rest adds 0.
    let (mut alive, mut length) = (1.0f64, 0.0f64);
    for t in 1..=cap {
        length += alive;
        if t == cap {
            break;
        }
        alive *= survive;
        if alive == 0.0 {
            break;
        }
    }
    let per_episode = if gold { length * st.gold } else { length * (st.proxy_end + st.proxy_cont) };
    per_episode * (1.0 / (1.0 - length * st.follow))
}

/// `evaluate` of a world, niche, policy and skill already checked (the
/// learners evaluate their policies every iteration).
pub fn chain(world: &World, k: usize, pi: &[f64], skill: f64) -> Evaluation {
    let Step { ends: e, proxy_end: r_end, proxy_cont: r_cont, gold, solve, decline, follow } = step(world, k, pi, skill);
    let n = 1.0 - e;
    let patience = world.niches[k].patience;
    let cap = world.niches[k].max_steps;
    let (mut alive, mut before, mut length, mut rate) = (1.0, 0.0, 0.0, 0.0);
    for t in 1..=cap {
        let tf = t as f64;
        length += alive;
        rate += (before * e + alive * r_end) / tf;
        let carried = before * n + alive * r_cont;
        if t == cap {
            rate += carried / tf;
            break;
        }
        rate += (1.0 - patience) * carried / tf;
        before = patience * carried;
        alive *= n * patience;
        if alive == 0.0 && before == 0.0 {
            break;
        }
    }
    let follow_ups = length * follow;
    Evaluation {
        proxy: length * (r_end + r_cont),
        gold: length * gold,
        length,
        follow_ups,
        solve: length * solve,
        decline: length * decline,
        episode_rate: rate,
        episodes_per_need: 1.0 / (1.0 - follow_ups),
    }
}

/// The exact distribution of one episode's summed proxy in niche `k`:
/// (proxy, probability, E[gold | proxy]) for every value it can take, in
/// increasing proxy (values within 1e-9 merged). Best-of-n selection picks
/// on this distribution (its KL from the policy is over these levels, ties
/// broken uniformly: `replicators.analytic.best_of_n`).
pub fn proxy_distribution(world: &World, k: usize, pi: &[f64], skill: f64) -> Vec<(f64, f64, f64)> {
    use std::collections::BTreeMap;
    let key = |x: f64| (x * 1e9).round() as i64;
    let cap = world.niches[k].max_steps;
    let patience = world.niches[k].patience;
    // Outcomes of each action: (probability, proxy, gold, ends).
    let outcomes: Vec<Vec<(f64, f64, f64, bool)>> = world
        .actions
        .iter()
        .enumerate()
        .map(|(j, act)| {
            let o = world.outcome(k, j);
            if act.reroute {
                vec![(1.0, o.proxy, o.gold, true)]
            } else if act.skilled {
                vec![(skill, o.proxy, o.gold, act.ends), (1.0 - skill, o.fail_proxy, o.fail_gold, act.fail_ends)]
            } else {
                vec![(1.0, o.proxy, o.gold, act.ends)]
            }
        })
        .collect();
    // Alive paths by proxy so far: (probability, E[gold; path]).
    let mut alive: BTreeMap<i64, (f64, f64, f64)> = BTreeMap::new();
    alive.insert(0, (0.0, 1.0, 0.0));
    let mut done: BTreeMap<i64, (f64, f64, f64)> = BTreeMap::new();
    let add = |m: &mut BTreeMap<i64, (f64, f64, f64)>, proxy: f64, p: f64, g: f64| {
        let e = m.entry(key(proxy)).or_insert((proxy, 0.0, 0.0));
        e.1 += p;
        e.2 += g;
    };
    for t in 1..=cap {
        let mut next = BTreeMap::new();
        for &(proxy, p, g) in alive.values() {
            for (j, outs) in outcomes.iter().enumerate() {
                for &(q, r, gold, ends) in outs {
                    let m = p * pi[j] * q;
                    if m == 0.0 {
                        continue;
                    }
                    let (x, y) = (proxy + r, g * pi[j] * q + m * gold);
                    if ends || t == cap {
                        add(&mut done, x, m, y);
                    } else {
                        add(&mut done, x, m * (1.0 - patience), y * (1.0 - patience));
                        add(&mut next, x, m * patience, y * patience);
                    }
                }
            }
        }
        alive = next;
        if alive.is_empty() {
            break;
        }
    }
    done.into_values().filter(|&(_, p, _)| p > 0.0).map(|(x, p, g)| (x, p, g / p)).collect()
}

/// A checked genome row's exact (proxy, gold) per need, demand-weighted
/// over niches: what a user who came once gets from it, on average.
pub fn per_need(world: &World, genome: &[f64], demand: &[f64]) -> (f64, f64) {
    let mut pi = vec![0.0; world.a()];
    let w = skill_weights(world, genome);
    let (mut proxy, mut gold) = (0.0, 0.0);
    for (k, d) in demand.iter().enumerate().filter(|(_, &d)| d > 0.0) {
        policy(world, genome, k, &mut pi);
        let e = chain(world, k, &pi, skill(world, w[k]));
        proxy += d * e.proxy_per_need();
        gold += d * e.gold_per_need();
    }
    (proxy, gold)
}

/// Evaluate a genome row (logits) in niche `k`.
pub fn evaluate_genome(world: &World, genome: &[f64], k: usize) -> Result<Evaluation> {
    world.validate()?;
    if genome.len() != world.genome_width() {
        return Err(Error::shape("genome", format!("expected {} genes, got {}", world.genome_width(), genome.len())));
    }
    if let Some(bad) = genome.iter().find(|g| !g.is_finite()) {
        return Err(Error::invalid("genome", bad, "finite logits"));
    }
    if k >= world.k() {
        return Err(Error::invalid("niche", k, format!("an index in [0, {})", world.k())));
    }
    let mut pi = vec![0.0; world.a()];
    policy(world, genome, k, &mut pi);
    let w = skill_weights(world, genome);
    evaluate(world, k, &pi, skill(world, w[k]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::niche::episode::{run, End, Rules};
    use crate::niche::genome::{threshold, ONE};
    use crate::rng::stream;

    #[test]
    fn the_proxy_distribution_sums_to_the_evaluator() {
        let w = World::assistant();
        let pi = [0.3, 0.25, 0.2, 0.15, 0.1];
        let d = proxy_distribution(&w, 0, &pi, 0.55);
        let e = evaluate(&w, 0, &pi, 0.55).unwrap();
        let total: f64 = d.iter().map(|x| x.1).sum();
        let proxy: f64 = d.iter().map(|x| x.0 * x.1).sum();
        let gold: f64 = d.iter().map(|x| x.2 * x.1).sum();
        assert!((total - 1.0).abs() < 1e-12 && (proxy - e.proxy).abs() < 1e-9 && (gold - e.gold).abs() < 1e-9);
        assert!(d.windows(2).all(|p| p[0].0 < p[1].0));
    }

    #[test]
    fn score_is_the_chains_number_to_the_last_bit() {
        // Random policies and skills, impatient and patient users, caps of
        // 1 and 20, and a world where nobody stays (alive reaches 0 early).
        let mut r = stream(17, &[]);
        for (patience, cap) in [(0.9, 20), (1.0, 20), (0.5, 1), (0.0, 20), (1.0, 3)] {
            let mut w = World::assistant();
            for n in &mut w.niches {
                n.patience = patience;
                n.max_steps = cap;
            }
            for _ in 0..500 {
                let raw: Vec<f64> = (0..w.a()).map(|_| crate::rng::uniform(&mut r).powi(3)).collect();
                let total: f64 = raw.iter().sum();
                let pi: Vec<f64> = raw.iter().map(|x| x / total).collect();
                let (k, skill) = (crate::rng::below(&mut r, w.k() as u64) as usize, crate::rng::uniform(&mut r));
                let e = chain(&w, k, &pi, skill);
                assert_eq!(score(&w, k, &pi, skill, true).to_bits(), (e.gold * e.episodes_per_need).to_bits());
                assert_eq!(score(&w, k, &pi, skill, false).to_bits(), (e.proxy * e.episodes_per_need).to_bits());
            }
        }
    }

    #[test]
    fn pure_behaviours_have_closed_forms() {
        let w = World::assistant();
        let pure = |a: usize| {
            let mut pi = vec![0.0; 5];
            pi[a] = 1.0;
            evaluate(&w, 0, &pi, 0.8).unwrap()
        };
        let engage = pure(1);
        let l = (1.0 - 0.9f64.powi(20)) / 0.1;
        assert!((engage.length - l).abs() < 1e-12);
        assert!((engage.proxy - 0.25 * l).abs() < 1e-12);
        assert!((engage.episode_rate - 0.25).abs() < 1e-12);
        let partial = pure(3);
        assert_eq!((partial.length, partial.proxy, partial.follow_ups), (1.0, 0.6, 0.6));
        assert!((partial.proxy_per_need() - 1.5).abs() < 1e-12);
        // Solve with skill s: each failed try keeps the user with p = 0.9.
        let solve = pure(0);
        let c: f64 = 0.2 * 0.9;
        let l = (1.0 - c.powi(20)) / (1.0 - c);
        assert!((solve.length - l).abs() < 1e-12);
        assert!((solve.solve - 0.8 * l).abs() < 1e-12);
        assert_eq!(pure(4).decline, 1.0);
    }

    #[test]
    fn monte_carlo_agrees_with_the_chain() {
        let mut w = World::assistant();
        w.niches[0].max_steps = 6;
        w.outcomes[0].fail_proxy = 0.1; // a failed solve still earns a little
        let pi = [0.3, 0.25, 0.2, 0.15, 0.1];
        let skill = 0.55;
        let exact = evaluate(&w, 0, &pi, skill).unwrap();
        let rules = Rules::new(&w);
        let mut c = 0.0;
        let cum: Vec<u64> = pi.iter().map(|p| { c += p; threshold(c) }).collect::<Vec<_>>();
        let cum = [&cum[..4], &[ONE]].concat();
        let mut r = stream(5, &[]);
        let n = 200_000;
        let mut counts = [0u64; 5];
        let (mut s, mut s2, mut rate, mut rate2, mut solved) = (0.0, 0.0, 0.0, 0.0, 0.0);
        for _ in 0..n {
            let e = run(&rules, 0, &cum, threshold(skill), 6, &mut r, &crate::control::Control::new(), &mut counts);
            s += e.proxy;
            s2 += e.proxy * e.proxy;
            let x = e.proxy / e.steps as f64;
            rate += x;
            rate2 += x * x;
            solved += (e.end() == End::Solved) as u8 as f64;
        }
        let nf = n as f64;
        let se = |s: f64, s2: f64| ((s2 / nf - (s / nf).powi(2)) / nf).sqrt();
        assert!((s / nf - exact.proxy).abs() < 4.0 * se(s, s2), "{} vs {}", s / nf, exact.proxy);
        assert!((rate / nf - exact.episode_rate).abs() < 4.0 * se(rate, rate2));
        let p = exact.solve;
        assert!((solved / nf - p).abs() < 4.0 * (p * (1.0 - p) / nf).sqrt());
    }
}
