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
//!   from its own stream (seed, EPISODE, generation, agent, r): first the
//!   requests routed to it, then the follow-ups its users bring back (the
//!   same user returning later, same niche, same agent). A declined request,
//!   or one refused because the agent spent its `time_budget`, goes to
//!   another agent drawn uniformly from the other N - 1 (by the sender's
//!   stream) for round r + 1; a request already sent on `max_reroutes` times
//!   is unserved instead. Rounds repeat until nothing is in transit.
//! * Agents are processed in fixed chunks of `CHUNK` in parallel; each
//!   chunk owns its tallies and its outbox, merged in chunk order. So the
//!   thread count never changes a number.

use rand_distr::{Binomial, Distribution};
use rayon::prelude::*;

use super::episode::{self, End, Rules};
use super::genome::Tables;
use super::world::World;
use crate::rng::{self, domain};

/// Agents per unit of parallel work (fixed: results do not depend on threads).
pub const CHUNK: usize = 256;
/// Agents per arrival block.
pub const ARRIVAL_BLOCK: usize = 4096;

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
#[derive(Debug, Clone, Copy)]
struct Routed {
    target: u32,
    niche: u8,
    /// Times it has been sent on so far.
    tries: u8,
}

#[derive(Debug, Default)]
struct Chunk {
    tally: Tally,
    outbox: Vec<Routed>,
    follow_ups: Vec<u8>,
}

/// Buffers reused from one generation to the next (no allocation per request).
#[derive(Debug, Default)]
pub struct Scratch {
    fresh: Vec<u32>,
    offsets: Vec<u32>,
    cursor: Vec<u32>,
    queue: Vec<u16>,
    routed: Vec<Routed>,
    chunks: Vec<Chunk>,
}

impl Scratch {
    /// Bytes held per agent-sized buffer (for memory accounting).
    pub fn bytes(&self) -> usize {
        4 * (self.fresh.capacity() + self.offsets.capacity() + self.cursor.capacity())
            + 2 * self.queue.capacity()
            + 8 * self.routed.capacity()
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
    seed: u64,
    generation: u64,
}

impl Context<'_> {
    /// Serve everything queued on agent `i` in this round.
    fn serve_agent(&self, i: usize, round: u64, fresh: u32, incoming: &[u16], st: &mut AgentStats, chunk: &mut Chunk) {
        if fresh == 0 && incoming.is_empty() {
            return;
        }
        let mut rng = rng::stream(self.seed, &[domain::EPISODE, self.generation, i as u64, round]);
        for _ in 0..fresh {
            let k = self.rules.draw_niche(&mut rng);
            chunk.tally.requests[k] += 1;
            self.serve(i, k, 0, st, chunk, &mut rng);
        }
        for &q in incoming {
            self.serve(i, (q & 0xFF) as usize, (q >> 8) as u8, st, chunk, &mut rng);
        }
        let mut next = 0;
        while next < chunk.follow_ups.len() {
            let k = chunk.follow_ups[next] as usize;
            next += 1;
            self.serve(i, k, 0, st, chunk, &mut rng);
        }
        chunk.follow_ups.clear();
    }

    #[inline]
    fn serve(&self, i: usize, k: usize, tries: u8, st: &mut AgentStats, chunk: &mut Chunk, rng: &mut rng::Rng) {
        if st.steps >= self.budget {
            chunk.tally.refused[k] += 1;
            self.forward(i, k, tries, chunk, rng);
            return;
        }
        let cap = (self.rules.max_steps[k] as u64).min(self.budget - st.steps) as u32;
        let row = (i * self.k + k) * self.a;
        let cumulative = &self.tables.cumulative[row..row + self.a];
        let skill = self.tables.skill[i * self.k + k];
        let action_steps = &mut chunk.tally.action_steps[k * self.a..(k + 1) * self.a];
        let e = episode::run(self.rules, k, cumulative, skill, cap, rng, action_steps);
        let h = self.tables.entropy[i * self.k + k];
        let steps = e.steps as u64;
        st.proxy += e.proxy;
        st.gold += e.gold;
        st.steps += steps;
        st.episodes += 1;
        st.entropy_steps += h * e.steps as f64;
        st.entropy_episodes += h;
        st.episode_rate += e.proxy / e.steps as f64;
        let t = &mut chunk.tally;
        t.episodes[k] += 1;
        t.steps[k] += steps;
        t.proxy[k] += e.proxy;
        t.gold[k] += e.gold;
        match e.end {
            End::Solved => t.solved[k] += 1,
            End::Declined => {
                t.declined[k] += 1;
                self.forward(i, k, tries, chunk, rng);
            }
            _ => {}
        }
        if e.follow_up {
            chunk.tally.requests[k] += 1;
            chunk.tally.follow_ups[k] += 1;
            chunk.follow_ups.push(k as u8);
        }
    }

    /// Send a request on to another uniformly random agent, or drop it.
    #[inline]
    fn forward(&self, i: usize, k: usize, tries: u8, chunk: &mut Chunk, rng: &mut rng::Rng) {
        if tries >= self.max_reroutes {
            chunk.tally.unserved[k] += 1;
            return;
        }
        let mut target = rng::below(rng, self.n as u64 - 1) as usize;
        if target >= i {
            target += 1;
        }
        chunk.outbox.push(Routed { target: target as u32, niche: k as u8, tries: tries + 1 });
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

/// Run one generation: fill `stats` (one slot per agent) and return the tally.
pub fn run(world: &World, rules: &Rules, tables: &Tables, seed: u64, generation: u64, stats: &mut Vec<AgentStats>, s: &mut Scratch) -> Tally {
    let (k, a) = (world.k(), world.a());
    let n = tables.skill.len() / k;
    stats.clear();
    stats.resize(n, AgentStats::default());
    let chunks = n.div_ceil(CHUNK);
    s.chunks.resize_with(chunks, Chunk::default);
    for c in &mut s.chunks {
        c.tally.reset(k, a);
        c.outbox.clear();
    }
    let ctx = Context {
        rules,
        tables,
        k,
        a,
        n,
        budget: world.time_budget.unwrap_or(u64::MAX),
        max_reroutes: world.max_reroutes as u8,
        seed,
        generation,
    };
    let total = (world.requests_per_agent * n as f64).round() as u64;
    arrivals(n, total, seed, generation, &mut s.fresh);
    s.offsets.clear();
    s.offsets.resize(n + 1, 0);
    let mut round = 0u64;
    loop {
        let (fresh, offsets, queue) = (&s.fresh, &s.offsets, &s.queue);
        stats.par_chunks_mut(CHUNK).zip(s.chunks.par_iter_mut()).enumerate().for_each(|(c, (st, chunk))| {
            for (j, slot) in st.iter_mut().enumerate() {
                let i = c * CHUNK + j;
                let f = if round == 0 { fresh[i] } else { 0 };
                let incoming = &queue[offsets[i] as usize..offsets[i + 1] as usize];
                ctx.serve_agent(i, round, f, incoming, slot, chunk);
            }
        });
        s.routed.clear();
        for c in &mut s.chunks {
            s.routed.append(&mut c.outbox);
        }
        if s.routed.is_empty() {
            break;
        }
        // Counting sort by target, stable: each agent's queue keeps the
        // order in which its requests were sent.
        s.offsets.iter_mut().for_each(|o| *o = 0);
        for r in &s.routed {
            s.offsets[r.target as usize + 1] += 1;
        }
        for i in 0..n {
            s.offsets[i + 1] += s.offsets[i];
        }
        s.cursor.clear();
        s.cursor.extend_from_slice(&s.offsets[..n]);
        s.queue.resize(s.routed.len(), 0);
        for r in &s.routed {
            let slot = &mut s.cursor[r.target as usize];
            s.queue[*slot as usize] = r.niche as u16 | (r.tries as u16) << 8;
            *slot += 1;
        }
        round += 1;
    }
    let mut tally = Tally::new(k, a);
    for c in &s.chunks {
        tally.add(&c.tally);
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
