//! A generation: requests arrive, agents serve them, declined requests are
//! rerouted, users come back with follow-ups (SPEC 1, "A generation").
//!
//! Scheme, chosen so that every number depends only on the seed:
//!
//! * Arrival. R = round(requests_per_agent * N) requests, each to a
//!   uniformly random agent. The per-agent counts are drawn exactly as a
//!   multinomial: agents are split into fixed blocks of `ARRIVAL_BLOCK`; the
//!   block totals are conditional binomials from one stream, then each
//!   block scatters its requests uniformly over its agents from its own
//!   stream. Each request's niche (by demand) is drawn by the agent that
//!   receives it: requests are exchangeable, so this is the same law.
//! * Rounds. In round r every agent with work serves its queue, in order,
//!   from its own stream (seed, EPISODE, generation, agent), which carries
//!   on from one round to the next: first its fresh requests (round 0),
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
//! * Speed. Episodes are short (a few steps), so the per-episode
//!   bookkeeping is arithmetic on the episode's flags rather than a branch
//!   per kind of ending (a mispredicted branch costs more than the
//!   arithmetic), and an agent's totals stay in registers for its round.

use rand::Rng as _;
use rand_distr::{Binomial, Distribution};
use rayon::prelude::*;

use super::episode::{self, Rules};
use super::genome::Tables;
use super::world::World;
use crate::rng::{self, domain, Rng};

/// Agents per unit of parallel work (fixed: results do not depend on threads).
pub const CHUNK: usize = 256;
/// Agents per arrival block.
pub const ARRIVAL_BLOCK: usize = 4096;
/// Agents per routing bin (the unit of parallel work when delivering
/// rerouted requests; local targets must fit in 16 bits).
pub const BIN: usize = 1024;

/// What one agent did in the generation; fitness is computed from this.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct AgentStats {
    pub proxy: f64,
    pub gold: f64,
    /// Sum over the agent's steps of H(pi(.|niche)) (entropy bonus under sum/rate).
    pub entropy_steps: f64,
    /// Sum over episodes of G / L.
    pub episode_rate: f64,
    /// Sum over episodes of H(pi(.|niche)) (entropy bonus under episode_rate).
    pub entropy_episodes: f64,
    pub steps: u64,
    pub episodes: u64,
}

/// Counts and sums per niche (and steps per niche x action).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tally {
    pub a: usize,
    /// Requests that arrived: fresh ones plus follow-ups.
    pub requests: Vec<u64>,
    pub follow_ups: Vec<u64>,
    pub episodes: Vec<u64>,
    pub steps: Vec<u64>,
    pub solved: Vec<u64>,
    pub declined: Vec<u64>,
    /// Refused because the agent's time budget was spent.
    pub refused: Vec<u64>,
    pub unserved: Vec<u64>,
    pub proxy: Vec<f64>,
    pub gold: Vec<f64>,
    /// [K x A] steps per action.
    pub action_steps: Vec<u64>,
}

impl Tally {
    pub fn new(k: usize, a: usize) -> Tally {
        let z = vec![0u64; k];
        Tally {
            a,
            requests: z.clone(),
            follow_ups: z.clone(),
            episodes: z.clone(),
            steps: z.clone(),
            solved: z.clone(),
            declined: z.clone(),
            refused: z.clone(),
            unserved: z,
            proxy: vec![0.0; k],
            gold: vec![0.0; k],
            action_steps: vec![0; k * a],
        }
    }

    /// Zero every count, keeping the buffers (no allocation per generation).
    pub fn reset(&mut self, k: usize, a: usize) {
        if self.requests.len() != k || self.a != a {
            *self = Tally::new(k, a);
            return;
        }
        for v in [
            &mut self.requests,
            &mut self.follow_ups,
            &mut self.episodes,
            &mut self.steps,
            &mut self.solved,
            &mut self.declined,
            &mut self.refused,
            &mut self.unserved,
            &mut self.action_steps,
        ] {
            v.iter_mut().for_each(|x| *x = 0);
        }
        self.proxy.iter_mut().for_each(|x| *x = 0.0);
        self.gold.iter_mut().for_each(|x| *x = 0.0);
    }

    /// Add another tally (merging chunks in a fixed order).
    pub fn add(&mut self, o: &Tally) {
        let pairs = [
            (&mut self.requests, &o.requests),
            (&mut self.follow_ups, &o.follow_ups),
            (&mut self.episodes, &o.episodes),
            (&mut self.steps, &o.steps),
            (&mut self.solved, &o.solved),
            (&mut self.declined, &o.declined),
            (&mut self.refused, &o.refused),
            (&mut self.unserved, &o.unserved),
            (&mut self.action_steps, &o.action_steps),
        ];
        for (x, y) in pairs {
            x.iter_mut().zip(y).for_each(|(x, y)| *x += y);
        }
        self.proxy.iter_mut().zip(&o.proxy).for_each(|(x, y)| *x += y);
        self.gold.iter_mut().zip(&o.gold).for_each(|(x, y)| *x += y);
    }
}

/// A request in transit to another agent.
#[derive(Debug, Clone, Copy, Default)]
struct Routed {
    target: u32,
    /// Queue entry: niche | tries << 8 (tries: times it has been sent on).
    entry: u16,
}

/// What one chunk of agents counted, per niche (summed over chunks in chunk
/// order at the end of the generation).
#[derive(Debug, Clone, Copy, Default)]
struct Counts {
    fresh: u64,
    follow_ups: u64,
    episodes: u64,
    solved: u64,
    declined: u64,
    refused: u64,
    unserved: u64,
    proxy: f64,
    gold: f64,
}

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
}

/// Buffers reused from one generation to the next (no allocation per request).
#[derive(Debug, Default)]
pub struct Scratch {
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
                })
                .sum::<usize>()
    }
}

struct Context<'a> {
    rules: &'a Rules,
    tables: &'a Tables,
    k: usize,
    a: usize,
    n: usize,
    budget: u64,
    max_reroutes: u8,
}

/// Grow a buffer so that index `len` can be written.
#[inline(always)]
fn room<T: Copy + Default>(buf: &mut Vec<T>, len: usize) {
    if len >= buf.len() {
        buf.resize(2 * len + 64, T::default());
    }
}

impl Context<'_> {
    /// Serve everything queued on agent `i` in this round: `fresh` new
    /// requests (round 0), the routed `incoming`, then the follow-ups.
    ///
    /// `A` is the number of actions when it is a compile-time constant (the
    /// step loop then unrolls the action draw), or 0 to read it at run time.
    fn serve_agent<const A: usize>(
        &self,
        i: usize,
        fresh: u32,
        incoming: &[u16],
        st: &mut AgentStats,
        rng: &mut Rng,
        c: &mut Chunk,
    ) {
        let (k_all, a_all) = (self.k, if A == 0 { self.a } else { A });
        let fresh = fresh as usize;
        let mut len = fresh + incoming.len();
        room(&mut c.work, len);
        for q in &mut c.work[..fresh] {
            let k = self.rules.draw_niche(rng);
            c.counts[k].fresh += 1;
            *q = k as u16;
        }
        c.work[fresh..len].copy_from_slice(incoming);
        // The agent's totals live in registers for the round.
        let mut s = *st;
        let n1 = self.n as u64 - 1;
        let mut pos = 0;
        while pos < len {
            let q = c.work[pos];
            pos += 1;
            let k = (q & 0xFF) as usize;
            let tries = (q >> 8) as u8;
            if s.steps >= self.budget {
                c.counts[k].refused += 1;
                self.refuse(i, k, tries, c, rng);
                continue;
            }
            let cap = (self.rules.max_steps[k] as u64).min(self.budget - s.steps) as u32;
            let at = i * k_all + k;
            let row = at * a_all;
            let e = episode::run(
                self.rules,
                k,
                &self.tables.cumulative[row..row + a_all],
                self.tables.skill[at],
                cap,
                rng,
                &mut c.action_steps[k * a_all..(k + 1) * a_all],
            );
            let h = self.tables.entropy[at];
            let steps = e.steps as f64;
            s.proxy += e.proxy;
            s.gold += e.gold;
            s.steps += e.steps as u64;
            s.episodes += 1;
            s.entropy_steps += h * steps;
            s.entropy_episodes += h;
            s.episode_rate += e.proxy / steps;
            let sent_on = e.declined & (tries < self.max_reroutes);
            let t = &mut c.counts[k];
            t.episodes += 1;
            t.proxy += e.proxy;
            t.gold += e.gold;
            t.solved += e.solved as u64;
            t.declined += e.declined as u64;
            t.unserved += (e.declined & !sent_on) as u64;
            t.follow_ups += e.follow_up as u64;
            // Branch-free bookkeeping: write the follow-up and the routed
            // request unconditionally, keep them only if they happened.
            c.work[len] = k as u16;
            len += e.follow_up as usize;
            room(&mut c.work, len);
            // The next target: uniform over the other n - 1 agents, from the
            // declined episode's unused draw (rng::below's first draw).
            let m = (e.spare as u128) * (n1 as u128);
            let mut target = (m >> 64) as u64;
            if sent_on & ((m as u64) < n1) {
                target = rng::below_from(rng, e.spare, n1);
            }
            target += (target >= i as u64) as u64;
            c.out[c.sent] = Routed {
                target: target as u32,
                entry: k as u16 | ((tries as u16 + 1) << 8),
            };
            c.sent += sent_on as usize;
            room(&mut c.out, c.sent);
        }
        *st = s;
    }

    /// Read a word of every cache line that serving the chunk's agents with
    /// routed requests will read, all at once. After round 0 these agents
    /// are scattered, so each would otherwise wait for its memory in turn;
    /// independent loads let the memory system fetch them together.
    fn touch(&self, first: usize, start: &[u32], st: &[AgentStats], rngs: &[Rng]) {
        let (k, a) = (self.k, self.a);
        let t = self.tables;
        let mut acc = 0u64;
        for j in 0..st.len() {
            let i = first + j;
            if start[i] == start[i + 1] {
                continue;
            }
            let (row, last) = (i * k * a, (i + 1) * k * a - 1);
            for x in (row..last).step_by(8) {
                acc ^= t.cumulative[x];
            }
            acc ^= t.cumulative[last] ^ t.skill[i * k] ^ t.skill[i * k + k - 1];
            acc ^= t.entropy[i * k].to_bits() ^ t.entropy[i * k + k - 1].to_bits();
            acc ^= st[j].steps ^ st[j].episodes;
            acc ^= std::hint::black_box(&rngs[j]).clone().next_u64();
        }
        std::hint::black_box(acc);
    }

    /// A request the agent has no time left for: sent on, or dropped.
    #[cold]
    fn refuse(&self, i: usize, k: usize, tries: u8, c: &mut Chunk, rng: &mut Rng) {
        if tries >= self.max_reroutes {
            c.counts[k].unserved += 1;
            return;
        }
        let mut target = rng::below(rng, self.n as u64 - 1) as usize;
        if target >= i {
            target += 1;
        }
        c.out[c.sent] = Routed {
            target: target as u32,
            entry: k as u16 | ((tries as u16 + 1) << 8),
        };
        c.sent += 1;
        room(&mut c.out, c.sent);
    }
}

/// Sort a chunk's outbox by routing bin (stable), local targets packed in.
fn sort_outbox(c: &mut Chunk, bins: usize) {
    let Chunk { out, sent, sorted, bin_start, cursor, .. } = c;
    bin_start.clear();
    bin_start.resize(bins + 1, 0);
    for r in &out[..*sent] {
        bin_start[r.target as usize / BIN + 1] += 1;
    }
    for b in 0..bins {
        bin_start[b + 1] += bin_start[b];
    }
    sorted.resize(*sent, 0);
    cursor.clear();
    cursor.extend_from_slice(&bin_start[..bins]);
    for r in &out[..*sent] {
        let b = r.target as usize / BIN;
        sorted[cursor[b] as usize] = ((r.target as usize - b * BIN) as u32) << 16 | r.entry as u32;
        cursor[b] += 1;
    }
}

/// Per-agent fresh-request counts: an exact multinomial (see module docs).
fn arrivals(n: usize, total: u64, seed: u64, generation: u64, fresh: &mut Vec<u32>) {
    fresh.clear();
    fresh.resize(n, 0);
    let blocks = n.div_ceil(ARRIVAL_BLOCK);
    let mut rng = rng::stream(seed, &[domain::REQUESTS, generation, 0]);
    let (mut left, mut agents_left) = (total, n as u64);
    let per_block: Vec<u64> = (0..blocks)
        .map(|b| {
            let size = (ARRIVAL_BLOCK.min(n - b * ARRIVAL_BLOCK)) as u64;
            let p = (size as f64 / agents_left as f64).min(1.0);
            let m = if p >= 1.0 { left } else { Binomial::new(left, p).expect("p in [0, 1]").sample(&mut rng) };
            left -= m;
            agents_left -= size;
            m
        })
        .collect();
    fresh.par_chunks_mut(ARRIVAL_BLOCK).zip(per_block.par_iter()).enumerate().for_each(|(b, (f, &m))| {
        let mut r = rng::stream(seed, &[domain::REQUESTS, generation, b as u64 + 1]);
        let len = f.len() as u64;
        for _ in 0..m {
            f[rng::below(&mut r, len) as usize] += 1;
        }
    });
}

/// Deliver the requests sent on in a round: each agent's queue lists what
/// was sent to it in sending order (chunk order, then order within the
/// chunk). Parallel over bins of `BIN` agents.
fn route(n: usize, chunks: &[Chunk], start: &mut [u32], queue: &mut Vec<u16>) -> usize {
    let bins = n.div_ceil(BIN);
    let mut base = vec![0usize; bins + 1];
    for c in chunks {
        for b in 0..bins {
            base[b + 1] += (c.bin_start[b + 1] - c.bin_start[b]) as usize;
        }
    }
    for b in 0..bins {
        base[b + 1] += base[b];
    }
    let total = base[bins];
    queue.resize(total, 0);
    let mut parts = Vec::with_capacity(bins);
    let mut rest = &mut queue[..];
    for b in 0..bins {
        let (head, tail) = rest.split_at_mut(base[b + 1] - base[b]);
        parts.push(head);
        rest = tail;
    }
    start[n] = total as u32;
    start[..n]
        .par_chunks_mut(BIN)
        .zip(parts.into_par_iter())
        .enumerate()
        .for_each(|(b, (st, q))| {
            if base[b] == base[b + 1] {
                // Nothing for this bin's agents.
                st.iter_mut().for_each(|x| *x = base[b] as u32);
                return;
            }
            st.iter_mut().for_each(|x| *x = 0);
            fn of(c: &Chunk, b: usize) -> &[u32] {
                &c.sorted[c.bin_start[b] as usize..c.bin_start[b + 1] as usize]
            }
            for c in chunks {
                for &e in of(c, b) {
                    st[(e >> 16) as usize] += 1;
                }
            }
            let mut at = base[b] as u32;
            for x in st.iter_mut() {
                let count = *x;
                *x = at;
                at += count;
            }
            // Scatter with a cursor per agent (`st` keeps the starts).
            let mut cursor: Vec<u32> = st.to_vec();
            for c in chunks {
                for &e in of(c, b) {
                    let t = (e >> 16) as usize;
                    q[(cursor[t] - base[b] as u32) as usize] = e as u16;
                    cursor[t] += 1;
                }
            }
        });
    total
}

/// Run one generation: fill `stats` (one slot per agent) and return the tally.
pub fn run(
    world: &World,
    rules: &Rules,
    tables: &Tables,
    seed: u64,
    generation: u64,
    stats: &mut Vec<AgentStats>,
    s: &mut Scratch,
) -> Tally {
    let (k, a) = (world.k(), world.a());
    let n = tables.skill.len() / k;
    stats.clear();
    stats.resize(n, AgentStats::default());
    let chunks = n.div_ceil(CHUNK);
    let bins = n.div_ceil(BIN);
    s.chunks.resize_with(chunks, Chunk::default);
    for c in &mut s.chunks {
        c.counts.clear();
        c.counts.resize(k, Counts::default());
        c.action_steps.clear();
        c.action_steps.resize(k * a, 0);
        c.sent = 0;
        room(&mut c.out, 0);
    }
    let ctx = Context {
        rules,
        tables,
        k,
        a,
        n,
        budget: world.time_budget.unwrap_or(u64::MAX),
        max_reroutes: world.max_reroutes as u8,
    };
    let total = (world.requests_per_agent * n as f64).round() as u64;
    arrivals(n, total, seed, generation, &mut s.fresh);
    let key = rng::key(seed, &[domain::EPISODE, generation]);
    s.rngs.clear();
    s.rngs.par_extend(
        (0..n as u64)
            .into_par_iter()
            .map(|i| rng::substream(key, &[i])),
    );
    s.start.clear();
    s.start.resize(n + 1, 0);
    s.queue.clear();
    let mut round = 0u64;
    loop {
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
                let (first, end) = (ci * CHUNK, ci * CHUNK + st.len());
                if round > 0 && start[first] == start[end] {
                    // Nothing was routed to this chunk: in the last rounds,
                    // most chunks.
                    sort_outbox(chunk, bins);
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
                            2 => ctx.serve_agent::<2>(i, f, incoming, slot, rng, chunk),
                            3 => ctx.serve_agent::<3>(i, f, incoming, slot, rng, chunk),
                            4 => ctx.serve_agent::<4>(i, f, incoming, slot, rng, chunk),
                            5 => ctx.serve_agent::<5>(i, f, incoming, slot, rng, chunk),
                            6 => ctx.serve_agent::<6>(i, f, incoming, slot, rng, chunk),
                            7 => ctx.serve_agent::<7>(i, f, incoming, slot, rng, chunk),
                            8 => ctx.serve_agent::<8>(i, f, incoming, slot, rng, chunk),
                            _ => ctx.serve_agent::<0>(i, f, incoming, slot, rng, chunk),
                        }
                    }
                }
                sort_outbox(chunk, bins);
            });
        if route(n, &s.chunks, &mut s.start, &mut s.queue) == 0 {
            break;
        }
        round += 1;
    }
    let mut tally = Tally::new(k, a);
    for c in &s.chunks {
        for (kk, x) in c.counts.iter().enumerate() {
            tally.requests[kk] += x.fresh + x.follow_ups;
            tally.follow_ups[kk] += x.follow_ups;
            tally.episodes[kk] += x.episodes;
            tally.solved[kk] += x.solved;
            tally.declined[kk] += x.declined;
            tally.refused[kk] += x.refused;
            tally.unserved[kk] += x.unserved;
            tally.proxy[kk] += x.proxy;
            tally.gold[kk] += x.gold;
        }
        for (x, y) in tally.action_steps.iter_mut().zip(&c.action_steps) {
            *x += y;
        }
    }
    for kk in 0..k {
        tally.steps[kk] = tally.action_steps[kk * a..(kk + 1) * a].iter().sum();
    }
    tally
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::control::with_threads;
    use crate::niche::genome::{mean_policy, prepare};

    fn one_generation(world: &World, genome: &[f64], n: usize, threads: usize) -> (Vec<AgentStats>, Tally) {
        let genomes = genome.repeat(n);
        let reference = mean_policy(world, genome);
        with_threads(Some(threads), || {
            let (mut t, mut tr) = (Tables::default(), Vec::new());
            prepare(world, &genomes, &reference, 0.5, &mut t, &mut tr);
            let mut stats = Vec::new();
            let tally = run(world, &Rules::new(world), &t, 9, 0, &mut stats, &mut Scratch::default());
            (stats, tally)
        })
        .unwrap()
    }

    #[test]
    fn arrivals_sum_to_the_total_and_are_uniform() {
        let mut fresh = Vec::new();
        arrivals(10_000, 100_000, 1, 0, &mut fresh);
        assert_eq!(fresh.iter().map(|&x| x as u64).sum::<u64>(), 100_000);
        // Counts are ~Binomial(1e5, 1e-4): mean 10, var ~10.
        let var = fresh.iter().map(|&x| (x as f64 - 10.0).powi(2)).sum::<f64>() / 10_000.0;
        assert!((var - 10.0).abs() < 1.0, "{var}");
    }

    #[test]
    fn requests_are_conserved_and_threads_do_not_matter() {
        let w = World::assistant();
        let g = vec![0.0; w.genome_width()];
        let (s1, t1) = one_generation(&w, &g, 3000, 1);
        let (s2, t2) = one_generation(&w, &g, 3000, 2);
        assert_eq!(s1, s2);
        assert_eq!(t1, t2);
        let fresh: u64 = t1.requests.iter().sum::<u64>() - t1.follow_ups.iter().sum::<u64>();
        assert_eq!(fresh, 30_000);
        // Every declined request is either served elsewhere or unserved:
        // episodes = requests + declined - unserved.
        let sum = |v: &Vec<u64>| v.iter().sum::<u64>();
        assert_eq!(sum(&t1.episodes), sum(&t1.requests) + sum(&t1.declined) - sum(&t1.unserved));
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
