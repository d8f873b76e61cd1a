//! A generation: requests arrive, agents serve them, declined requests are
//! rerouted, users come back with follow-ups (SPEC 1, "A generation").
//!
//! Scheme, chosen so that every number depends only on the seed:
//!
//! * Arrival (`arrival`). R = round(requests_per_agent * N) requests, each
//!   to a uniformly random agent, drawn exactly as a multinomial.
//! * Rounds (`serve`, `route`). In round r every agent with work serves its
//!   queue, in order, from its own stream (seed, EPISODE, generation,
//!   agent), which carries on from one round to the next: first its fresh
//!   requests (round 0),
//!   then the requests routed to it, then the follow-ups its users bring
//!   back (the same user returning later, same niche, same agent). A
//!   declined request, or one refused because the agent spent its
//!   `time_budget`, goes to another agent drawn uniformly from the other
//!   N - 1 (by the sender's stream) for round r + 1; a request already sent
//!   on `max_reroutes` times is unserved instead. Rounds repeat until
//!   nothing is in transit.
//! * Agents are processed in fixed chunks of `CHUNK` in parallel; each
//!   chunk owns its tallies and its outbox, merged in chunk order. Routed
//!   requests are delivered in parallel over bins of `BIN` agents, each
//!   agent's queue in sending order. So the thread count never changes a
//!   number.
//! * Tallies (`tally`): each agent's totals, and per-niche counts summed
//!   over chunks in chunk order.

mod arrival;
mod choice;
pub mod limit;
mod route;
mod serve;
mod tally;

use rayon::prelude::*;

use super::episode::Rules;
use super::genome::Tables;
use super::world::{Routing, World};
use crate::control::Control;
use crate::error::Result;
use crate::rng::{self, domain, Rng};
use choice::Choice;
use arrival::arrivals;
use route::{route, sort_outbox, Routed};
use serve::{room, Context};
use tally::Counts;

pub use arrival::ARRIVAL_BLOCK;
pub use route::BIN;
pub use tally::{AgentStats, Lived, Tally};

/// Agents per unit of parallel work (fixed: results do not depend on threads).
pub const CHUNK: usize = 256;

/// A chunk's tallies and buffers, kept from one generation to the next.
#[derive(Debug, Default)]
struct Chunk {
    counts: Vec<Counts>,
    /// [K x A] steps per action.
    action_steps: Vec<u64>,
    /// The first `sent` entries: requests this chunk sent on in this round,
    /// in the order they were sent. The buffer is longer than `sent`, so
    /// each episode writes a slot and counts it only if it declined.
    out: Vec<Routed>,
    sent: usize,
    /// `out[..sent]` sorted by routing bin (stable); within bin b the
    /// entries are `(target - b * BIN) << 16 | entry`.
    sorted: Vec<u32>,
    /// Start of each bin in `sorted` (bins + 1 entries).
    bin_start: Vec<u32>,
    cursor: Vec<u32>,
    /// The queue of the agent being served: its fresh requests, then those
    /// routed to it, then the follow-ups its users bring back.
    work: Vec<u16>,
    /// Steps served (counted by the limit loop only).
    steps: u64,
    /// The chunk's episodes, when the fitness needs them (`serve::Context::record`).
    episodes: Vec<Lived>,
    /// Under choice: the slots of `out` sent on in this round whose agent
    /// the user has yet to pick (their `target` holds the sender).
    pending: Vec<u32>,
}

/// Buffers reused from one generation to the next (no allocation per request).
#[derive(Debug, Default)]
pub struct Scratch {
    /// Whether to keep every episode (`Lived`) for the fitness.
    pub record: bool,
    fresh: Vec<u32>,
    /// Agent i's routed requests this round are `queue[start[i]..start[i + 1]]`.
    start: Vec<u32>,
    queue: Vec<u16>,
    /// Each agent's stream for the generation (seed, EPISODE, generation, i),
    /// carried from one round to the next.
    rngs: Vec<Rng>,
    chunks: Vec<Chunk>,
}

impl Scratch {
    /// Bytes held by the per-agent and per-request buffers (for memory accounting).
    pub fn bytes(&self) -> usize {
        4 * (self.fresh.capacity() + self.start.capacity())
            + 2 * self.queue.capacity()
            + std::mem::size_of::<Rng>() * self.rngs.capacity()
            + self
                .chunks
                .iter()
                .map(|c| {
                    std::mem::size_of::<Routed>() * c.out.capacity()
                        + 4 * c.sorted.capacity()
                        + 2 * c.work.capacity()
                        + 4 * c.pending.capacity()
                })
                .sum::<usize>()
    }
}

/// How an agent serves its queue in a round: with all the bookkeeping
/// (`Full`), or only the law's draws (`limit::Limit`).
trait Serve: Sync {
    #[allow(clippy::too_many_arguments)]
    fn serve<const A: usize>(&self, ctx: &Context<'_>, i: usize, fresh: u32, incoming: &[u16], st: &mut AgentStats, rng: &mut Rng, c: &mut Chunk);
}

/// The generation's own serving (`serve::Context::serve_agent`).
struct Full;

impl Serve for Full {
    #[inline(always)]
    fn serve<const A: usize>(&self, ctx: &Context<'_>, i: usize, fresh: u32, incoming: &[u16], st: &mut AgentStats, rng: &mut Rng, c: &mut Chunk) {
        ctx.serve_agent::<A>(i, fresh, incoming, st, rng, c);
    }
}

/// Arrivals, each agent's stream, and empty chunks and queues, for a
/// generation of the agents in `tables`.
fn begin<'a>(
    world: &World,
    rules: &'a Rules,
    tables: &'a Tables,
    seed: u64,
    generation: u64,
    stats: &mut Vec<AgentStats>,
    s: &mut Scratch,
    control: &'a Control,
) -> Context<'a> {
    let (k, a) = (world.k(), world.a());
    let n = tables.skill.len() / k;
    stats.clear();
    stats.resize(n, AgentStats::default());
    s.chunks.resize_with(n.div_ceil(CHUNK), Chunk::default);
    for c in &mut s.chunks {
        c.counts.clear();
        c.counts.resize(k, Counts::default());
        c.action_steps.clear();
        c.action_steps.resize(k * a, 0);
        c.sent = 0;
        c.steps = 0;
        c.episodes.clear();
        c.pending.clear();
        room(&mut c.out, 0);
    }
    let total = (world.requests_per_agent * n as f64).round() as u64;
    arrivals(n, total, seed, generation, &mut s.fresh);
    let choice = match world.routing.in_effect(world.time_budget) {
        Routing::Choice { shortlist, .. } => Some(Choice { shortlist: shortlist as usize, rank: &tables.rank, ladder: &tables.ladder, k, n, pool: None }),
        Routing::Uniform => None,
    };
    let key = rng::key(seed, &[domain::EPISODE, generation]);
    s.rngs.clear();
    s.rngs.par_extend((0..n as u64).into_par_iter().map(|i| rng::substream(key, &[i])));
    s.start.clear();
    s.start.resize(n + 1, 0);
    s.queue.clear();
    if let Some(ch) = &choice {
        choose_fresh(rules, ch, total, seed, generation, s);
    }
    Context {
        rules,
        tables,
        k,
        a,
        n,
        budget: world.time_budget.unwrap_or(u64::MAX),
        max_reroutes: world.max_reroutes as u8,
        record: s.record,
        choice,
        choice_key: rng::key(seed, &[domain::CHOICE_REROUTE, generation]),
        free_decline: world.decline_steps == 0,
        control,
    }
}

/// Under choice, every fresh request is routed before round 0: its niche
/// drawn by demand and its agent picked from a shortlist (everyone has time
/// at the start), in fixed blocks of requests, each from its own stream,
/// delivered like rerouted requests (with no try counted).
fn choose_fresh(rules: &Rules, choice: &Choice<'_>, total: u64, seed: u64, generation: u64, s: &mut Scratch) {
    let n = choice.n;
    let blocks = s.chunks.len() as u64;
    let bins = n.div_ceil(BIN);
    s.chunks.par_iter_mut().enumerate().for_each(|(b, c)| {
        let b = b as u64;
        let mut rng = rng::stream(seed, &[domain::CHOICE, generation, b]);
        // The block's niches, then their agents (`Choice::pick_fresh`).
        let ks: Vec<usize> = (b * total / blocks..(b + 1) * total / blocks).map(|_| rules.draw_niche(&mut rng)).collect();
        let mut targets = Vec::with_capacity(ks.len());
        choice.pick_fresh(&ks, &mut rng, &mut targets);
        for (&k, &target) in ks.iter().zip(&targets) {
            c.counts[k].fresh += 1;
            c.out[c.sent] = Routed { target, entry: k as u16 };
            c.sent += 1;
            room(&mut c.out, c.sent);
        }
        sort_outbox(c, bins);
    });
    route(n, &s.chunks, &mut s.start, &mut s.queue);
    s.fresh.iter_mut().for_each(|f| *f = 0);
}

/// Serve rounds until nothing is in transit, or until cancelled (then the
/// tallies are partial and the caller returns `Interrupted`).
fn rounds<S: Serve>(ctx: &mut Context<'_>, server: &S, stats: &mut [AgentStats], s: &mut Scratch) {
    let (n, a) = (ctx.n, ctx.a);
    let bins = n.div_ceil(BIN);
    let mut round = 0u64;
    // Under choice with a time budget, the picks for requests sent on wait
    // until every chunk has served the round (who has time left depends on
    // all of them); without a budget everyone has time, so each chunk picks
    // for its own requests at once (the same keyed streams: the same picks).
    let deferred = ctx.choice.is_some() && ctx.budget != u64::MAX;
    loop {
        let ctx_mut = &mut *ctx;
        let ctx = &*ctx_mut;
        let (fresh, start, queue) = (&s.fresh, &s.start, &s.queue);
        // After the first rounds few agents have work, scattered in memory.
        let sparse = round > 0 && queue.len() < n / 2;
        stats
            .par_chunks_mut(CHUNK)
            .zip(s.rngs.par_chunks_mut(CHUNK))
            .zip(s.chunks.par_iter_mut())
            .enumerate()
            .for_each(|(ci, ((st, rngs), chunk))| {
                chunk.sent = 0;
                if ctx.control.is_cancelled() {
                    return;
                }
                let (first, end) = (ci * CHUNK, ci * CHUNK + st.len());
                if round > 0 && start[first] == start[end] {
                    // Nothing was routed to this chunk: in the last rounds,
                    // most chunks.
                    if !deferred {
                        sort_outbox(chunk, bins);
                    }
                    return;
                }
                if sparse {
                    ctx.touch(first, start, st, rngs);
                }
                for (j, (slot, rng)) in st.iter_mut().zip(rngs).enumerate() {
                    let i = ci * CHUNK + j;
                    let f = if round == 0 { fresh[i] } else { 0 };
                    let incoming = &queue[start[i] as usize..start[i + 1] as usize];
                    if f > 0 || !incoming.is_empty() {
                        match a {
                            2 => server.serve::<2>(ctx, i, f, incoming, slot, rng, chunk),
                            3 => server.serve::<3>(ctx, i, f, incoming, slot, rng, chunk),
                            4 => server.serve::<4>(ctx, i, f, incoming, slot, rng, chunk),
                            5 => server.serve::<5>(ctx, i, f, incoming, slot, rng, chunk),
                            6 => server.serve::<6>(ctx, i, f, incoming, slot, rng, chunk),
                            7 => server.serve::<7>(ctx, i, f, incoming, slot, rng, chunk),
                            8 => server.serve::<8>(ctx, i, f, incoming, slot, rng, chunk),
                            _ => server.serve::<0>(ctx, i, f, incoming, slot, rng, chunk),
                        }
                    }
                }
                if !deferred {
                    ctx.resolve(ci, round, chunk);
                    sort_outbox(chunk, bins);
                }
            });
        if deferred {
            // Users pick for the requests sent on in this round once every
            // chunk has served it, among the agents with time left now (the
            // time they have when the requests arrive, in the next round).
            let budget = ctx_mut.budget;
            if let Some(ch) = &mut ctx_mut.choice {
                ch.pool = Some((0..n as u32).filter(|&i| stats[i as usize].steps < budget).collect());
            }
            let ctx = &*ctx_mut;
            s.chunks.par_iter_mut().enumerate().for_each(|(ci, chunk)| {
                ctx.resolve(ci, round, chunk);
                sort_outbox(chunk, bins);
            });
        }
        if ctx_mut.control.is_cancelled() || route(n, &s.chunks, &mut s.start, &mut s.queue) == 0 {
            break;
        }
        round += 1;
    }
}

impl Scratch {
    /// The last generation's episodes (with `record`), agent by agent in
    /// agent order, each agent's in the order they ended.
    pub fn lived(&mut self) -> Vec<Lived> {
        let mut out: Vec<Lived> = Vec::new();
        for c in &mut self.chunks {
            c.episodes.sort_by_key(|e| e.agent); // stable: time order within an agent
            out.extend_from_slice(&c.episodes);
        }
        out
    }
}

/// Run one generation: fill `stats` (one slot per agent) and return the
/// tally; `Interrupted` if `control` is cancelled meanwhile.
pub fn run(
    world: &World,
    rules: &Rules,
    tables: &Tables,
    seed: u64,
    generation: u64,
    stats: &mut Vec<AgentStats>,
    s: &mut Scratch,
    control: &Control,
) -> Result<Tally> {
    let mut ctx = begin(world, rules, tables, seed, generation, stats, s, control);
    rounds(&mut ctx, &Full, stats, s);
    control.checkpoint()?;
    Ok(Tally::gather(ctx.k, ctx.a, s.chunks.iter().map(|c| (&c.counts[..], &c.action_steps[..]))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::control::with_threads;
    use crate::niche::genome::{mean_policy, prepare};

    fn one_generation(world: &World, genome: &[f64], n: usize, threads: usize) -> (Vec<AgentStats>, Tally) {
        let genomes = genome.repeat(n);
        let reference = mean_policy(world, genome, &Control::new());
        with_threads(Some(threads), || {
            let (mut t, mut tr) = (Tables::default(), Vec::new());
            prepare(world, &genomes, &reference, 0.5, &mut t, &mut tr, &Control::new());
            let mut stats = Vec::new();
            let tally = run(world, &Rules::new(world), &t, 9, 0, &mut stats, &mut Scratch::default(), &Control::new()).unwrap();
            (stats, tally)
        })
        .unwrap()
    }

    #[test]
    fn requests_are_conserved_and_threads_do_not_matter() {
        let w = World::assistant();
        let g = vec![0.0; w.genome_width()];
        let (s1, t1) = one_generation(&w, &g, 3000, 1);
        let (s2, t2) = one_generation(&w, &g, 3000, 2);
        assert_eq!(s1, s2);
        assert_eq!(t1, t2);
        let fresh: u64 = t1.visits.iter().sum::<u64>() - t1.follow_ups.iter().sum::<u64>();
        assert_eq!(fresh, 30_000);
        // Every declined request is either served elsewhere or unserved:
        // episodes = requests + declined - unserved.
        let sum = |v: &Vec<u64>| v.iter().sum::<u64>();
        assert_eq!(sum(&t1.episodes), sum(&t1.visits) + sum(&t1.declined) - sum(&t1.unserved));
        assert_eq!(sum(&t1.steps), s1.iter().map(|s| s.steps).sum::<u64>());
        assert_eq!(sum(&t1.action_steps), sum(&t1.steps));
    }

    #[test]
    fn time_budget_is_never_exceeded() {
        let mut w = World::assistant();
        w.time_budget = Some(7);
        let g = vec![0.0; w.genome_width()];
        let (s, t) = one_generation(&w, &g, 1000, 2);
        assert!(s.iter().all(|x| x.steps <= 7));
        assert!(t.refused.iter().sum::<u64>() > 0);
    }
}
