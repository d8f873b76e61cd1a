//! What a generation counts: each agent's totals (`AgentStats`, fitness is
//! computed from them) and the per-niche tally of the whole population
//! (`Tally`), summed from per-chunk `Counts` in chunk order.

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

/// One episode of an agent, as the Malthusian fitness needs it: its proxy,
/// its entropy bonus base (H x steps) and the agent's cumulative steps at
/// its end (when its reward "is born").
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Lived {
    pub agent: u32,
    pub proxy: f64,
    pub entropy: f64,
    pub at: u64,
}

/// Counts and sums per niche (and steps per niche x action).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tally {
    pub a: usize,
    /// Visits: requests that arrived, fresh ones (needs) plus follow-ups.
    pub visits: Vec<u64>,
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
            visits: z.clone(),
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

    /// The tally of a generation from its chunks' counts and action steps,
    /// added in chunk order.
    pub(super) fn gather<'a>(k: usize, a: usize, chunks: impl Iterator<Item = (&'a [Counts], &'a [u64])>) -> Tally {
        let mut tally = Tally::new(k, a);
        for (counts, action_steps) in chunks {
            for (kk, x) in counts.iter().enumerate() {
                tally.visits[kk] += x.fresh + x.follow_ups;
                tally.follow_ups[kk] += x.follow_ups;
                tally.episodes[kk] += x.episodes;
                tally.solved[kk] += x.solved;
                tally.declined[kk] += x.declined;
                tally.refused[kk] += x.refused;
                tally.unserved[kk] += x.unserved;
                tally.proxy[kk] += x.proxy;
                tally.gold[kk] += x.gold;
            }
            for (x, y) in tally.action_steps.iter_mut().zip(action_steps) {
                *x += y;
            }
        }
        for kk in 0..k {
            tally.steps[kk] = tally.action_steps[kk * a..(kk + 1) * a].iter().sum();
        }
        tally
    }
}

/// What one chunk of agents counted, per niche (summed over chunks in chunk
/// order at the end of the generation).
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Counts {
    pub(super) fresh: u64,
    pub(super) follow_ups: u64,
    pub(super) episodes: u64,
    pub(super) solved: u64,
    pub(super) declined: u64,
    pub(super) refused: u64,
    pub(super) unserved: u64,
    pub(super) proxy: f64,
    pub(super) gold: f64,
}

