//! Users choosing among a shortlist of assistants (SPEC 1.1, `routing =
//! choice`): a fresh or rerouted request draws `shortlist` distinct agents
//! uniformly among those with time left (never the sender of a rerouted
//! request) and goes to the one whose score in its niche is highest (the
//! expected gold or proxy per need, `Tables::score`), ties broken uniformly.
//! With fewer agents left than the shortlist it takes all of them; with
//! none, the request is unserved.
//!
//! The picks are made in batches: the fresh requests before round 0, when
//! everyone has time, from the score ladder (`pick_fresh`); the requests
//! sent on in a round once every chunk has served it, among the agents with
//! time left then, the time they have when the requests arrive in the next
//! round (`pick_many`).

use crate::rng::{self, Rng};

/// The shortlist's size, the score ranks, and who has time left.
#[derive(Debug, Clone)]
pub(super) struct Choice<'a> {
    pub(super) shortlist: usize,
    /// [K x N] dense ranks of the scores (`Tables::rank`).
    pub(super) rank: &'a [u32],
    /// [K x N] the agents by increasing score with their tie blocks
    /// (`Tables::ladder`).
    pub(super) ladder: &'a [u64],
    pub(super) k: usize,
    pub(super) n: usize,
    /// The agents with time left at the end of the round, in increasing
    /// order; `None` when everyone has (no time budget).
    pub(super) pool: Option<Vec<u32>>,
}

/// Most agents a shortlist holds (`world::SHORTLIST`'s bound).
const MOST: usize = 64;

impl Choice<'_> {
    fn size(&self) -> usize {
        self.pool.as_ref().map_or(self.n, |p| p.len())
    }

    fn agent(&self, at: usize) -> usize {
        self.pool.as_ref().map_or(at, |p| p[at] as usize)
    }

    /// Where `exclude` sits in the pool, if it is there.
    fn position(&self, exclude: usize) -> Option<usize> {
        match &self.pool {
            None => Some(exclude),
            Some(p) => p.binary_search(&(exclude as u32)).ok(),
        }
    }

    /// The agent each request goes to (`None`: nobody but the excluded
    /// sender has time left), for requests (niche, sender to exclude), into
    /// `out`. Every shortlist of a batch is drawn first, then every rank
    /// loaded, then each best chosen: the ranks sit at random places in the
    /// niche's column, and loaded one shortlist at a time the core would
    /// wait for memory at each; loaded together the waits overlap.
    pub(super) fn pick_many(&self, requests: &[(usize, Option<usize>)], rng: &mut Rng, out: &mut Vec<Option<u32>>) {
        const BATCH: usize = 64;
        // Niche by niche (a counting sort, stable), so that the ranks read
        // come from one niche's column at a time.
        let mut order: Vec<u32> = Vec::with_capacity(requests.len());
        for kk in 0..self.k {
            order.extend((0..requests.len() as u32).filter(|&j| requests[j as usize].0 == kk));
        }
        let start = out.len();
        out.resize(start + requests.len(), None);
        let mut lists = [[0usize; MOST]; BATCH];
        let mut sizes = [0usize; BATCH];
        let mut ranks = [[0u32; MOST]; BATCH];
        for batch in order.chunks(BATCH) {
            for ((&j, list), m) in batch.iter().zip(&mut lists).zip(&mut sizes) {
                *m = self.draw(requests[j as usize].1, rng, list);
            }
            for (((&j, list), &m), rank) in batch.iter().zip(&lists).zip(&sizes).zip(&mut ranks) {
                let column = &self.rank[requests[j as usize].0 * self.n..][..self.n];
                for (r, &agent) in rank.iter_mut().zip(&list[..m]) {
                    *r = column[agent];
                }
            }
            for (((&j, list), &m), rank) in batch.iter().zip(&lists).zip(&sizes).zip(&ranks) {
                out[start + j as usize] = (m > 0).then(|| best(&list[..m], &rank[..m], rng) as u32);
            }
        }
    }

    /// The agent each fresh request of niche `ks[j]` goes to, into `out`,
    /// when everyone has time (before round 0, `pool` is `None`). The same
    /// law as `pick_many`: a shortlist of distinct uniform positions in the
    /// niche's ladder is a shortlist of distinct uniform agents, the highest
    /// position holds a best agent, and the positions at or above its tie
    /// block's start hold all the shortlist's best, one drawn uniformly.
    /// One memory access per request instead of one per candidate.
    pub(super) fn pick_fresh(&self, ks: &[usize], rng: &mut Rng, out: &mut Vec<u32>) {
        debug_assert!(self.pool.is_none());
        let mut list = [0usize; MOST];
        out.extend(ks.iter().map(|&kk| {
            let m = self.draw(None, rng, &mut list);
            let rungs = &self.ladder[kk * self.n..][..self.n];
            let top = list[..m].iter().copied().max().expect("n >= 2 agents, all with time");
            let rung = rungs[top];
            let start = (rung & u32::MAX as u64) as usize;
            let ties = list[..m].iter().filter(|&&p| p >= start).count();
            let chosen = if ties == 1 {
                rung
            } else {
                let j = rng::below(rng, ties as u64) as usize;
                rungs[list[..m].iter().copied().filter(|&p| p >= start).nth(j).expect("j < ties")]
            };
            (chosen >> 32) as u32
        }));
    }

    /// Draw the shortlist (distinct agents, uniform among the pool but
    /// `exclude`) into `list`; returns its length (0: nobody available).
    fn draw(&self, exclude: Option<usize>, rng: &mut Rng, list: &mut [usize; MOST]) -> usize {
        let skip = exclude.and_then(|x| self.position(x));
        let size = self.size() - skip.is_some() as usize;
        if size == 0 {
            return 0;
        }
        let m = self.shortlist.min(size);
        let mut drawn = 0;
        while drawn < m {
            let mut at = rng::below(rng, size as u64) as usize;
            if let Some(s) = skip {
                at += (at >= s) as usize;
            }
            let agent = self.agent(at);
            if !list[..drawn].contains(&agent) {
                list[drawn] = agent;
                drawn += 1;
            }
        }
        m
    }
}

/// The candidate with the best rank, ties broken uniformly (each tie
/// replaces the incumbent with probability 1 / ties so far).
fn best(list: &[usize], score: &[u32], rng: &mut Rng) -> usize {
    let (mut best, mut top, mut ties) = (list[0], score[0], 1u64);
    for (&agent, &s) in list[1..].iter().zip(&score[1..]) {
        if s > top {
            (best, top, ties) = (agent, s, 1);
        } else if s == top {
            ties += 1;
            if rng::below(rng, ties) == 0 {
                best = agent;
            }
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::niche::genome::ranks;
    use crate::rng::stream;

    /// One niche's rank and ladder tables for these scores.
    fn tables(score: &[f64]) -> (Vec<u32>, Vec<u64>) {
        let (mut rank, mut ladder) = (Vec::new(), Vec::new());
        ranks(score, 1, &mut rank, &mut ladder);
        (rank, ladder)
    }

    fn pick(c: &Choice<'_>, exclude: Option<usize>, r: &mut Rng) -> Option<u32> {
        let mut out = Vec::new();
        c.pick_many(&[(0, exclude)], r, &mut out);
        out[0]
    }

    /// How often each agent wins `draws` fresh requests, by each path.
    fn counts(c: &Choice<'_>, draws: usize, seed: u64) -> [Vec<u32>; 2] {
        let mut r = stream(seed, &[]);
        let (mut many, mut fresh) = (Vec::new(), Vec::new());
        c.pick_many(&vec![(0, None); draws], &mut r, &mut many);
        c.pick_fresh(&vec![0; draws], &mut r, &mut fresh);
        let mut out = [vec![0; c.n], vec![0; c.n]];
        many.iter().for_each(|x| out[0][x.unwrap() as usize] += 1);
        fresh.iter().for_each(|&x| out[1][x as usize] += 1);
        out
    }

    #[test]
    fn the_best_of_the_shortlist_wins_and_ties_split_evenly() {
        // Agent i scores i; shortlists of n draw everyone.
        let score: Vec<f64> = (0..10).map(f64::from).collect();
        let (rank, ladder) = tables(&score);
        let c = Choice { shortlist: 10, rank: &rank, ladder: &ladder, k: 1, n: 10, pool: None };
        let mut r = stream(1, &[]);
        assert_eq!(pick(&c, None, &mut r), Some(9));
        assert_eq!(pick(&c, Some(9), &mut r), Some(8));
        let mut fresh = Vec::new();
        c.pick_fresh(&[0, 0], &mut r, &mut fresh);
        assert_eq!(fresh, [9, 9]);
        // All equal: every agent as likely (10,000 expected, sd 87), by both paths.
        let (rank, ladder) = tables(&[1.0; 4]);
        let c = Choice { shortlist: 4, rank: &rank, ladder: &ladder, k: 1, n: 4, pool: None };
        for path in counts(&c, 40_000, 2) {
            assert!(path.iter().all(|&x| (x as f64 - 10_000.0).abs() < 400.0), "{path:?}");
        }
        // Only agents with time left; none left but the sender: unserved.
        let (rank, ladder) = tables(&score);
        let c = Choice { shortlist: 3, rank: &rank, ladder: &ladder, k: 1, n: 10, pool: Some(vec![2, 5]) };
        assert_eq!(pick(&c, None, &mut r), Some(5));
        let c = Choice { shortlist: 3, rank: &rank, ladder: &ladder, k: 1, n: 10, pool: Some(vec![5]) };
        assert_eq!(pick(&c, Some(5), &mut r), None);
    }

    #[test]
    fn fresh_picks_follow_the_shortlist_law_with_ties() {
        // Scores with tie blocks, shuffled over agents. The law: with
        // shortlist m of n, an agent of score s wins with probability
        // P(best of the shortlist is s) / (agents scoring s), where
        // P(best <= s) = C(below or at s, m) / C(n, m).
        let score = [2.0, 0.0, 1.0, 2.0, 0.0, 1.0, 1.0, 0.0, 2.0, 0.5];
        let (rank, ladder) = tables(&score);
        let c = Choice { shortlist: 3, rank: &rank, ladder: &ladder, k: 1, n: 10, pool: None };
        let choose = |a: usize, b: usize| if b > a { 0.0 } else { (0..b).map(|i| (a - i) as f64 / (b - i) as f64).product::<f64>() };
        let draws = 200_000;
        for path in counts(&c, draws, 5) {
            for (i, &x) in path.iter().enumerate() {
                let at_most = score.iter().filter(|&&t| t <= score[i]).count();
                let below = score.iter().filter(|&&t| t < score[i]).count();
                let tied = at_most - below;
                let p = (choose(at_most, 3) - choose(below, 3)) / choose(10, 3) / tied as f64;
                let (mean, sd) = (p * draws as f64, (p * (1.0 - p) * draws as f64).sqrt());
                assert!((x as f64 - mean).abs() <= 4.0 * sd + 1.0, "agent {i}: {x} against {mean:.0} (sd {sd:.0}), {path:?}");
            }
        }
    }

    #[test]
    fn a_shortlist_of_one_is_uniform_over_everyone_but_the_sender() {
        let (rank, ladder) = tables(&[0.0; 10]);
        let c = Choice { shortlist: 1, rank: &rank, ladder: &ladder, k: 1, n: 10, pool: None };
        let mut r = stream(3, &[]);
        let mut out = Vec::new();
        c.pick_many(&vec![(0, Some(7)); 90_000], &mut r, &mut out);
        let mut counts = [0u32; 10];
        for x in out {
            counts[x.unwrap() as usize] += 1;
        }
        // 10,000 expected each (sd 95), none for the sender.
        assert_eq!(counts[7], 0);
        assert!(counts.iter().enumerate().all(|(i, &x)| i == 7 || (x as f64 - 10_000.0).abs() < 500.0), "{counts:?}");
    }
}
