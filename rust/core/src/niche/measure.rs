//! Measurements of each generation (SPEC 1, "Measured every generation"),
//! as column tables: one row per generation (`history`), and long tables per
//! niche, per niche x action and per persona. Niches and actions appear as
//! indices; the Python layer attaches their names.

use super::generation::{AgentStats, Tally};
use super::genome::Traits;
use super::world::World;
pub use crate::table::{Column, Table};

/// x / y, NaN when nothing was counted.
fn ratio(x: f64, y: f64) -> f64 {
    if y == 0.0 { f64::NAN } else { x / y }
}

fn sum(v: &[u64]) -> u64 {
    v.iter().sum()
}

/// All the tables of a run, filled generation by generation.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Measurements {
    pub history: Table,
    pub niches: Table,
    pub actions: Table,
    pub personas: Table,
}

impl Measurements {
    /// Record generation `g`: the population's `traits`, what each agent did
    /// (`stats`), its `fitness`, and the niche tally.
    pub fn record(&mut self, world: &World, g: u64, traits: &[Traits], stats: &[AgentStats], fitness: &[f64], tally: &Tally) {
        let (k, a) = (world.k(), world.a());
        let n = traits.len() as f64;
        let h = &mut self.history;
        // A need is a fresh request (a user who came once); a visit is every
        // arrival, follow-ups included. Per need is the exact evaluator's unit.
        let (visits, follow_ups, steps, episodes) =
            (sum(&tally.visits), sum(&tally.follow_ups), sum(&tally.steps), sum(&tally.episodes));
        let needs = visits - follow_ups;
        let (proxy, gold): (f64, f64) = (tally.proxy.iter().sum(), tally.gold.iter().sum());
        h.int("generation", g);
        h.int("steps", steps);
        h.int("needs", needs);
        h.int("follow_ups", follow_ups);
        h.int("visits", visits);
        h.int("episodes", episodes);
        h.int("solved", sum(&tally.solved));
        h.int("declined", sum(&tally.declined));
        h.int("refused", sum(&tally.refused));
        h.int("unserved", sum(&tally.unserved));
        let mean = fitness.iter().sum::<f64>() / n;
        let var = fitness.iter().map(|f| (f - mean).powi(2)).sum::<f64>() / n;
        h.float("fitness_mean", mean);
        h.float("fitness_sd", var.sqrt());
        h.float("fitness_min", fitness.iter().cloned().fold(f64::INFINITY, f64::min));
        h.float("fitness_max", fitness.iter().cloned().fold(f64::NEG_INFINITY, f64::max));
        h.float("proxy_per_need", ratio(proxy, needs as f64));
        h.float("gold_per_need", ratio(gold, needs as f64));
        h.float("proxy_per_visit", ratio(proxy, visits as f64));
        h.float("gold_per_visit", ratio(gold, visits as f64));
        h.float("proxy_per_step", ratio(proxy, steps as f64));
        h.float("episode_length", ratio(steps as f64, episodes as f64));
        h.float("solved_fraction", ratio(sum(&tally.solved) as f64, visits as f64));
        h.float("unserved_fraction", ratio(sum(&tally.unserved) as f64, visits as f64));
        h.float("policy_entropy", traits.iter().map(|t| t.entropy).sum::<f64>() / n);
        h.float("kl_from_initial", traits.iter().map(|t| t.kl).sum::<f64>() / n);
        h.float("specialization", traits.iter().map(|t| t.specialization).sum::<f64>() / n);
        h.float("skill", traits.iter().map(|t| t.skill).sum::<f64>() / n);

        // Personas: integer counts, then float sums in agent order.
        let labels = (k + 1) * 3;
        let mut count = vec![0u64; labels];
        let (mut fit, mut prox, mut gol) = (vec![0.0; labels], vec![0.0; labels], vec![0.0; labels]);
        for ((t, s), f) in traits.iter().zip(stats).zip(fitness) {
            let p = t.persona as usize;
            count[p] += 1;
            fit[p] += f;
            prox[p] += s.proxy;
            gol[p] += s.gold;
        }
        let shares: Vec<f64> = count.iter().map(|&c| c as f64 / n).collect();
        let h_personas = -shares.iter().filter(|&&s| s > 0.0).map(|s| s * s.ln()).sum::<f64>();
        h.float("effective_personas", h_personas.exp());
        let total_action_steps: Vec<u64> = (0..a).map(|j| (0..k).map(|kk| tally.action_steps[kk * a + j]).sum()).collect();
        for j in 0..a {
            h.float(&format!("share_{j}"), ratio(total_action_steps[j] as f64, steps as f64));
        }
        for p in 0..labels {
            let t = &mut self.personas;
            t.int("generation", g);
            t.int("niche", (p / 3) as u64);
            t.int("behaviour", (p % 3) as u64);
            t.int("count", count[p]);
            t.float("share", shares[p]);
            let c = count[p] as f64;
            t.float("fitness_mean", ratio(fit[p], c));
            t.float("proxy_mean", ratio(prox[p], c));
            t.float("gold_mean", ratio(gol[p], c));
        }

        for kk in 0..k {
            let t = &mut self.niches;
            let visits = tally.visits[kk] as f64;
            let needs = (tally.visits[kk] - tally.follow_ups[kk]) as f64;
            t.int("generation", g);
            t.int("niche", kk as u64);
            t.int("needs", tally.visits[kk] - tally.follow_ups[kk]);
            t.int("follow_ups", tally.follow_ups[kk]);
            t.int("visits", tally.visits[kk]);
            t.int("episodes", tally.episodes[kk]);
            t.int("steps", tally.steps[kk]);
            t.int("solved", tally.solved[kk]);
            t.int("declined", tally.declined[kk]);
            t.int("refused", tally.refused[kk]);
            t.int("unserved", tally.unserved[kk]);
            t.float("proxy", tally.proxy[kk]);
            t.float("gold", tally.gold[kk]);
            t.float("proxy_per_need", ratio(tally.proxy[kk], needs));
            t.float("gold_per_need", ratio(tally.gold[kk], needs));
            t.float("proxy_per_visit", ratio(tally.proxy[kk], visits));
            t.float("gold_per_visit", ratio(tally.gold[kk], visits));
            t.float("episode_length", ratio(tally.steps[kk] as f64, tally.episodes[kk] as f64));
            t.float("solved_fraction", ratio(tally.solved[kk] as f64, visits));
            t.float("unserved_fraction", ratio(tally.unserved[kk] as f64, visits));
            for j in 0..a {
                let t = &mut self.actions;
                t.int("generation", g);
                t.int("niche", kk as u64);
                t.int("action", j as u64);
                t.int("steps", tally.action_steps[kk * a + j]);
                t.float("share", ratio(tally.action_steps[kk * a + j] as f64, tally.steps[kk] as f64));
            }
        }
    }
}
