//! Arrival: R = round(requests_per_agent * N) fresh requests, each to a
//! uniformly random agent, drawn exactly as a multinomial. Agents are split
//! into fixed blocks of `ARRIVAL_BLOCK`; the block totals are conditional
//! binomials from one stream, then each block scatters its requests
//! uniformly over its agents from its own stream. Each request's niche (by
//! demand) is drawn later by the agent that receives it: requests are
//! exchangeable, so this is the same law.

use rand_distr::{Binomial, Distribution};
use rayon::prelude::*;

use crate::rng::{self, domain};

/// Agents per arrival block.
pub const ARRIVAL_BLOCK: usize = 4096;

/// Per-agent fresh-request counts: an exact multinomial (see module docs).
pub(super) fn arrivals(n: usize, total: u64, seed: u64, generation: u64, fresh: &mut Vec<u32>) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrivals_sum_to_the_total_and_are_uniform() {
        let mut fresh = Vec::new();
        arrivals(10_000, 100_000, 1, 0, &mut fresh);
        assert_eq!(fresh.iter().map(|&x| x as u64).sum::<u64>(), 100_000);
        // Counts are ~Binomial(1e5, 1e-4): mean 10, var ~10.
        let var = fresh.iter().map(|&x| (x as f64 - 10.0).powi(2)).sum::<f64>() / 10_000.0;
        assert!((var - 10.0).abs() < 1.0, "{var}");
    }
}
