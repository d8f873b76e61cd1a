//! The limit loop: what serving a generation costs when only the law's own
//! work is done. Each agent serves the same requests as in `super::run`,
//! over the same rounds, with the same draws: per step one categorical draw
//! over the niche's cumulative action table, the skill draw of a skilled
//! action, the patience draw; per episode its follow-up; for a decline the
//! draw of another agent and the delivery to it. No tallies, no per-agent
//! totals, no entropy. Benchmarks report every throughput as a fraction of
//! it (`benches/bench_niche.py`, `benches/bench_learn.py`).

use super::route::Routed;
use super::serve::{room, Context};
use super::tally::AgentStats;
use super::{begin, rounds, Chunk, Scratch, Serve};
use crate::niche::episode::{run_observed, Rules};
use crate::niche::genome::Tables;
use crate::control::Control;
use crate::error::Result;
use crate::niche::World;
use crate::rng::{self, Rng};

/// Serving with nothing but the law's draws.
struct Limit;

impl Serve for Limit {
    #[inline(always)]
    fn serve<const A: usize>(&self, ctx: &Context<'_>, i: usize, fresh: u32, incoming: &[u16], _: &mut AgentStats, rng: &mut Rng, c: &mut Chunk) {
        let (k_all, a_all) = (ctx.k, if A == 0 { ctx.a } else { A });
        let fresh = fresh as usize;
        let mut len = fresh + incoming.len();
        room(&mut c.work, len);
        for q in &mut c.work[..fresh] {
            *q = ctx.rules.draw_niche(rng) as u16;
        }
        c.work[fresh..len].copy_from_slice(incoming);
        let n1 = ctx.n as u64 - 1;
        let mut pos = 0;
        while pos < len {
            let q = c.work[pos];
            pos += 1;
            let (k, tries) = ((q & 0xFF) as usize, (q >> 8) as u8);
            let at = i * k_all + k;
            let row = at * a_all;
            let e = run_observed(ctx.rules, k, &ctx.tables.cumulative[row..row + a_all], ctx.tables.skill[at], ctx.rules.max_steps[k], rng, ctx.control, |_, _, _| {});
            c.steps += e.steps as u64;
            c.work[len] = k as u16;
            len += e.follow_up as usize;
            room(&mut c.work, len);
            if e.declined & (tries < ctx.max_reroutes) {
                let mut target = rng::below_from(rng, e.spare, n1);
                target += (target >= i as u64) as u64;
                c.out[c.sent] = Routed { target: target as u32, entry: k as u16 | ((tries as u16 + 1) << 8) };
                c.sent += 1;
                room(&mut c.out, c.sent);
            }
        }
    }
}

/// Serve one generation of the agents in `tables` with the limit loop;
/// returns the steps served.
pub fn run(world: &World, rules: &Rules, tables: &Tables, seed: u64, generation: u64, stats: &mut Vec<AgentStats>, s: &mut Scratch, control: &Control) -> Result<u64> {
    let mut ctx = begin(world, rules, tables, seed, generation, stats, s, control);
    rounds(&mut ctx, &Limit, stats, s);
    control.checkpoint()?;
    Ok(s.chunks.iter().map(|c| c.steps).sum())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::niche::genome::{mean_policy, prepare};

    #[test]
    fn the_limit_serves_as_many_steps_as_the_generation() {
        // Same requests, same draws in the same order: the same episodes.
        let w = World::assistant();
        let genomes = vec![0.0; 2000 * w.genome_width()];
        let reference = mean_policy(&w, &genomes, &Control::new());
        let (mut t, mut tr) = (Tables::default(), Vec::new());
        prepare(&w, &genomes, &reference, 0.5, &mut t, &mut tr, &Control::new());
        let rules = Rules::new(&w);
        let mut stats = Vec::new();
        let c = Control::new();
        let tally = super::super::run(&w, &rules, &t, 3, 0, &mut stats, &mut Scratch::default(), &c).unwrap();
        let steps = run(&w, &rules, &t, 3, 0, &mut stats, &mut Scratch::default(), &c).unwrap();
        assert_eq!(steps, tally.steps.iter().sum::<u64>());
    }
}
