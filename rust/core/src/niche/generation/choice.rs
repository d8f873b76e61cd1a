//! Users choosing among a shortlist of assistants (SPEC 1.1, `routing =
//! choice`): a fresh or rerouted request draws `shortlist` distinct agents
//! uniformly among those with time left (never the sender of a rerouted
//! request) and goes to the one whose score in its niche is highest (the
//! expected gold or proxy per need, `Tables::score`), ties broken uniformly.
//! With fewer agents left than the shortlist it takes all of them; with
//! none, the request is unserved.
//!
//! A shortlist of one from everyone but the sender is exactly uniform
//! rerouting, draw for draw (the first draw is the declined episode's spare
//! one, as there).

use crate::rng::{self, Rng};

/// The shortlist's size, the score table, and who has time left.
#[derive(Debug, Clone)]
pub(super) struct Choice<'a> {
    pub(super) shortlist: usize,
    /// [N x K] scores.
    pub(super) score: &'a [f64],
    pub(super) k: usize,
    pub(super) n: usize,
    /// The agents with time left at the start of the round, in increasing
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

    /// The agent a request of niche `k` goes to, or `None` if nobody (but
    /// `exclude`) has time left. `first` is a draw already taken from `rng`
    /// and not yet used (the declined episode's spare draw).
    pub(super) fn pick(&self, k: usize, exclude: Option<usize>, first: Option<u64>, rng: &mut Rng) -> Option<u32> {
        let skip = exclude.and_then(|x| self.position(x));
        let size = self.size() - skip.is_some() as usize;
        if size == 0 {
            return None;
        }
        let m = self.shortlist.min(size);
        let mut list = [0usize; MOST];
        let mut drawn = 0;
        let mut first = first;
        while drawn < m {
            // A uniform position among the pool but `exclude`.
            let mut at = match first.take() {
                Some(x) => rng::below_from(rng, x, size as u64) as usize,
                None => rng::below(rng, size as u64) as usize,
            };
            if let Some(s) = skip {
                at += (at >= s) as usize;
            }
            let agent = self.agent(at);
            if !list[..drawn].contains(&agent) {
                list[drawn] = agent;
                drawn += 1;
            }
        }
        // The best score, ties broken uniformly (each tie replaces the
        // incumbent with probability 1 / ties so far).
        let (mut best, mut top, mut ties) = (list[0], self.score[list[0] * self.k + k], 1u64);
        for &agent in &list[1..m] {
            let s = self.score[agent * self.k + k];
            if s > top {
                (best, top, ties) = (agent, s, 1);
            } else if s == top {
                ties += 1;
                if rng::below(rng, ties) == 0 {
                    best = agent;
                }
            }
        }
        Some(best as u32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::stream;
    use rand::Rng as _;

    #[test]
    fn the_best_of_the_shortlist_wins_and_ties_split_evenly() {
        // Niche 0 scores: agent i scores i; shortlists of n draw everyone.
        let score: Vec<f64> = (0..10).map(|i| i as f64).collect();
        let c = Choice { shortlist: 10, score: &score, k: 1, n: 10, pool: None };
        let mut r = stream(1, &[]);
        assert_eq!(c.pick(0, None, None, &mut r), Some(9));
        assert_eq!(c.pick(0, Some(9), None, &mut r), Some(8));
        // All equal: every agent as likely.
        let flat = vec![1.0; 4];
        let c = Choice { shortlist: 4, score: &flat, k: 1, n: 4, pool: None };
        let mut counts = [0u32; 4];
        for _ in 0..40_000 {
            counts[c.pick(0, None, None, &mut r).unwrap() as usize] += 1;
        }
        assert!(counts.iter().all(|&x| (x as f64 - 10_000.0).abs() < 400.0), "{counts:?}");
        // Only agents with time left; none left but the sender: unserved.
        let c = Choice { shortlist: 3, score: &score, k: 1, n: 10, pool: Some(vec![2, 5]) };
        assert_eq!(c.pick(0, None, None, &mut r), Some(5));
        let c = Choice { shortlist: 3, score: &score, k: 1, n: 10, pool: Some(vec![5]) };
        assert_eq!(c.pick(0, Some(5), None, &mut r), None);
    }

    #[test]
    fn a_shortlist_of_one_is_uniform_rerouting() {
        let score = vec![0.0; 100];
        let c = Choice { shortlist: 1, score: &score, k: 1, n: 100, pool: None };
        for seed in 0..50 {
            let (mut a, mut b) = (stream(seed, &[]), stream(seed, &[]));
            let spare = a.next_u64();
            let _ = b.next_u64();
            let mut uniform = rng::below_from(&mut b, spare, 99);
            uniform += (uniform >= 7) as u64;
            assert_eq!(c.pick(0, Some(7), Some(spare), &mut a), Some(uniform as u32));
        }
    }
}
