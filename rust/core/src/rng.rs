//! The project's one random number generator and its streams.
//!
//! The generator is Xoshiro256++ (`rand_xoshiro`), whose output sequence is
//! fixed by its published definition and so is the same on every platform and
//! release (rand's `StdRng` makes no such promise). Every random decision in
//! a simulation draws from a *stream* addressed by a path of integers, e.g.
//! (seed, run) or (seed, generation, individual): which thread runs which
//! piece of work never changes which numbers it sees, so results do not
//! depend on the thread count.

use rand::{Rng as _, RngExt as _, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

/// The generator every simulation uses.
pub type Rng = Xoshiro256PlusPlus;

/// Domains keep streams of different purposes apart even when their indices
/// coincide (run 3 of a Monte Carlo vs individual 3 of a generation).
pub mod domain {
    pub const FIXATION_RUN: u64 = 1;
    pub const SELECTION: u64 = 2;
    pub const MUTATION: u64 = 3;
    pub const EPISODE: u64 = 4;
    pub const INITIAL: u64 = 5;
    pub const GAME: u64 = 6;
    pub const WRIGHT_FISHER: u64 = 7;
    pub const REQUESTS: u64 = 8;
    /// Trajectories of finite populations in `egt::population`.
    pub const POPULATION: u64 = 20;
    /// Connect Four: knockout pairings and who plays on (per round).
    pub const C4_PAIRING: u64 = 30;
    /// Connect Four: strength games against the reference bots.
    pub const C4_STRENGTH: u64 = 31;
    /// Connect Four: batches of playouts (`connect4::playout`).
    pub const C4_PLAYOUT: u64 = 32;
    /// Connect Four learners: one stream per (iteration, learner) (`connect4::self_play`).
    pub const C4_LEARN: u64 = 33;
    /// Learners: one stream per (iteration, learner) for its batch and minibatch shuffles.
    pub const LEARN: u64 = 40;
    /// Learning inside a lifetime: the learners' seed of each generation (`learn::lifetime`).
    pub const LIFETIME: u64 = 41;
    /// Environments stepped from outside (`envs`): one stream per (seed, episode).
    pub const ENV: u64 = 50;
    /// NicheWorld under choice: the fresh requests' niches and shortlists, per block.
    pub const CHOICE: u64 = 9;
    /// Users' choice for the requests a chunk sent on in a round (`niche::generation`).
    pub const CHOICE_REROUTE: u64 = 10;
}

/// SplitMix64's finaliser: a bijective 64-bit mix with full avalanche.
#[inline]
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The stream at `path` under `seed`: a generator whose numbers depend only
/// on (seed, path).
pub fn stream(seed: u64, path: &[u64]) -> Rng {
    Rng::seed_from_u64(key(seed, path))
}

/// The key of the stream at `path` under `seed`; `substream(key(seed, p),
/// q)` is `stream(seed, p ++ q)`. Loops that open many streams under one
/// prefix, e.g. one per agent of a generation, hash the prefix once.
pub fn key(seed: u64, path: &[u64]) -> u64 {
    extend(mix(seed), path)
}

/// The stream at `path` below a prefix's `key` (see `key`).
#[inline]
pub fn substream(key: u64, path: &[u64]) -> Rng {
    Rng::seed_from_u64(extend(key, path))
}

#[inline]
fn extend(mut key: u64, path: &[u64]) -> u64 {
    for &p in path {
        key = mix(key ^ mix(p.wrapping_add(0x632B_E59B_D9B4_E019)));
    }
    key
}

/// A uniform draw in [0, 1) with 53 random bits.
#[inline]
pub fn uniform(rng: &mut Rng) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// True with probability `p`.
#[inline]
pub fn bernoulli(rng: &mut Rng, p: f64) -> bool {
    uniform(rng) < p
}

/// `bernoulli`'s decision as an integer threshold, for many draws at one
/// `p`: `hit(rng, chance(p))` is `bernoulli(rng, p)`, the same draw and the
/// same answer, without the conversion to a float. (u / 2^53 < p for a
/// 53-bit integer u is u < p 2^53, exact in f64, i.e. u < ceil(p 2^53).)
#[inline]
pub fn chance(p: f64) -> u64 {
    (p * (1u64 << 53) as f64).ceil() as u64
}

/// True when the next draw falls below `cut` (from `chance`).
#[inline]
pub fn hit(rng: &mut Rng, cut: u64) -> bool {
    (rng.next_u64() >> 11) < cut
}

/// A uniform integer in [0, n) (Lemire's nearly divisionless method; exact).
#[inline]
pub fn below(rng: &mut Rng, n: u64) -> u64 {
    debug_assert!(n > 0);
    let mut m = (rng.next_u64() as u128) * (n as u128);
    if (m as u64) < n {
        let threshold = n.wrapping_neg() % n;
        while (m as u64) < threshold {
            m = (rng.next_u64() as u128) * (n as u128);
        }
    }
    (m >> 64) as u64
}

/// `below(rng, n)` whose first 64-bit draw is `first`: a draw the caller
/// already took from `rng` and used for nothing else. Exact, like `below`.
#[inline]
pub fn below_from(rng: &mut Rng, first: u64, n: u64) -> u64 {
    debug_assert!(n > 0);
    let mut m = (first as u128) * (n as u128);
    if (m as u64) < n {
        let threshold = n.wrapping_neg() % n;
        while (m as u64) < threshold {
            m = (rng.next_u64() as u128) * (n as u128);
        }
    }
    (m >> 64) as u64
}

/// A standard normal draw (rand_distr's ziggurat).
#[inline]
pub fn normal(rng: &mut Rng) -> f64 {
    rng.sample(rand_distr::StandardNormal)
}

/// An exponential draw with the given rate (holding times of jump chains).
#[inline]
pub fn exponential(rng: &mut Rng, rate: f64) -> f64 {
    let e: f64 = rng.sample(rand_distr::Exp1);
    e / rate
}

/// Index drawn from unnormalised non-negative weights (linear scan; for
/// the few-way choices of policies).
#[inline]
pub fn categorical(rng: &mut Rng, weights: &[f64], total: f64) -> usize {
    let mut u = uniform(rng) * total;
    for (i, &w) in weights.iter().enumerate() {
        if u < w {
            return i;
        }
        u -= w;
    }
    // Rounding can leave u a hair above the last weight: take the last
    // index with positive weight.
    weights.iter().rposition(|&w| w > 0.0).unwrap_or(weights.len() - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn substreams_continue_their_prefix() {
        let k = key(7, &[1, 2]);
        assert_eq!(substream(k, &[3]).next_u64(), stream(7, &[1, 2, 3]).next_u64());
        assert_eq!(substream(k, &[]).next_u64(), stream(7, &[1, 2]).next_u64());
    }

    #[test]
    fn hit_is_bernoulli_draw_for_draw() {
        // Probabilities at and between the grid of 2^-53 steps, the edges,
        // and draws whose 53 bits sit exactly on a threshold.
        let ps = [0.0, 1.0, 0.05, 0.2, 0.5, 1.0 / 3.0, 1e-300, 1.0 - f64::EPSILON / 2.0, 0.75 + 0.5f64.powi(53)];
        for &p in &ps {
            let (mut a, mut b) = (stream(9, &[p.to_bits()]), stream(9, &[p.to_bits()]));
            let cut = chance(p);
            for _ in 0..20_000 {
                assert_eq!(bernoulli(&mut a, p), hit(&mut b, cut), "p = {p}");
            }
            for u in [cut.saturating_sub(1), cut, cut + 1] {
                assert_eq!((u as f64) * (1.0 / (1u64 << 53) as f64) < p, u < cut, "p = {p}, u = {u}");
            }
        }
    }

    #[test]
    fn below_from_matches_below() {
        let mut a = stream(3, &[]);
        let mut b = stream(3, &[]);
        for n in [1u64, 2, 3, 7, 99_999, 1 << 40, u64::MAX / 3 * 2] {
            let first = b.next_u64();
            assert_eq!(below(&mut a, n), below_from(&mut b, first, n));
        }
    }

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let a: Vec<u64> = (0..4).map(|_| stream(7, &[1, 2]).next_u64()).collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        assert_ne!(stream(7, &[1, 2]).next_u64(), stream(7, &[2, 1]).next_u64());
        assert_ne!(stream(7, &[1]).next_u64(), stream(8, &[1]).next_u64());
        assert_ne!(stream(7, &[1, 0]).next_u64(), stream(7, &[1]).next_u64());
    }

    #[test]
    fn portable_first_outputs() {
        // Pinned values: a change here changes every published result.
        let mut r = stream(0, &[]);
        assert_eq!(r.next_u64(), 9_579_327_875_526_494_010);
        assert_eq!(stream(42, &[1, 2, 3]).next_u64(), stream(42, &[1, 2, 3]).next_u64());
    }

    #[test]
    fn uniform_and_below_have_the_right_means() {
        let mut r = stream(1, &[9]);
        let n = 200_000;
        let mean = (0..n).map(|_| uniform(&mut r)).sum::<f64>() / n as f64;
        // sd of the mean = sqrt(1/12 / n) ~ 6.5e-4
        assert!((mean - 0.5).abs() < 4.0 * 6.5e-4, "{mean}");
        let mut counts = [0u32; 7];
        for _ in 0..70_000 {
            counts[below(&mut r, 7) as usize] += 1;
        }
        for c in counts {
            // binomial sd = sqrt(70000 * 1/7 * 6/7) ~ 92.6
            assert!((c as f64 - 10_000.0).abs() < 4.0 * 92.6, "{counts:?}");
        }
    }

    #[test]
    fn categorical_follows_weights() {
        let mut r = stream(2, &[]);
        let w = [1.0, 0.0, 3.0];
        let mut c = [0u32; 3];
        for _ in 0..40_000 {
            c[categorical(&mut r, &w, 4.0)] += 1;
        }
        assert_eq!(c[1], 0);
        // p = 0.25, sd = sqrt(40000 * .25 * .75) ~ 86.6
        assert!((c[0] as f64 - 10_000.0).abs() < 4.0 * 86.6, "{c:?}");
    }
}
