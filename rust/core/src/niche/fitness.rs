//! What selection sees (SPEC 1, "Fitness"): the sum of proxy reward in the
//! generation, its rate per step, or the mean per-episode rate, each with an
//! optional entropy bonus alpha * H(pi(.|niche)) per step.

use super::generation::AgentStats;
use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fitness {
    /// Total proxy (plus bonus) over the generation.
    Sum,
    /// Total proxy (plus bonus) divided by total steps.
    Rate,
    /// Mean over episodes of G / L (G includes the bonus).
    EpisodeRate,
    /// The r of the Euler-Lotka equation sum_e G_e exp(-r T_e) = 1 over the
    /// agent's episodes (G_e its reward, T_e the agent's cumulative steps
    /// at its end): reward as offspring born when it accrues; ln(R)/L for
    /// one batch of R at age L (SPEC 0, 1). An agent whose rewards sum to
    /// at most 0 has no root and ranks last.
    Malthusian,
}

impl Fitness {
    pub const NAMES: [&'static str; 4] = ["sum", "rate", "episode_rate", "malthusian"];

    pub fn from_name(name: &str) -> Result<Fitness> {
        match name {
            "sum" => Ok(Fitness::Sum),
            "rate" => Ok(Fitness::Rate),
            "episode_rate" => Ok(Fitness::EpisodeRate),
            "malthusian" => Ok(Fitness::Malthusian),
            other => Err(Error::unknown("fitness", other, &Self::NAMES)),
        }
    }

    /// An agent's fitness. An agent that served nothing has rate 0 (it
    /// collected nothing) rather than an undefined 0/0.
    #[inline]
    pub fn of(self, s: &AgentStats, entropy_bonus: f64) -> f64 {
        match self {
            Fitness::Sum => s.proxy + entropy_bonus * s.entropy_steps,
            Fitness::Rate if s.steps == 0 => 0.0,
            Fitness::Rate => (s.proxy + entropy_bonus * s.entropy_steps) / s.steps as f64,
            Fitness::EpisodeRate if s.episodes == 0 => 0.0,
            Fitness::EpisodeRate => (s.episode_rate + entropy_bonus * s.entropy_episodes) / s.episodes as f64,
            // Solved over the agent's episodes (`malthusian`); see `evolve`.
            Fitness::Malthusian => f64::NAN,
        }
    }

    /// Whether the fitness needs every episode (`Lived`), not only totals.
    pub fn needs_episodes(self) -> bool {
        self == Fitness::Malthusian
    }
}

/// The Malthusian parameter r of one agent's episodes, (G_e, T_e) with T_e
/// increasing: the root of f(r) = sum_e G_e exp(-r T_e) - 1, or `None` when
/// the rewards sum to at most 0. With every G_e >= 0, f falls from
/// +infinity to -1 and the root is unique; it is bracketed by doubling and
/// found by bisection to machine precision.
pub fn malthusian(episodes: &[(f64, u64)]) -> Option<f64> {
    let total: f64 = episodes.iter().map(|e| e.0).sum();
    if total <= 0.0 || total.is_nan() {
        return None;
    }
    let f = |r: f64| episodes.iter().map(|&(g, t)| g * (-r * t as f64).exp()).sum::<f64>() - 1.0;
    // f(0) = total - 1: the root is above 0 when the rewards sum to more than 1.
    let (mut lo, mut hi) = if total > 1.0 { (0.0, 1.0) } else { (-1.0, 0.0) };
    for _ in 0..2000 {
        if f(lo) >= 0.0 && f(hi) <= 0.0 {
            break;
        }
        if f(hi) > 0.0 {
            (lo, hi) = (hi, 2.0 * hi);
        } else {
            (lo, hi) = (2.0 * lo, lo);
        }
    }
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi {
            break;
        }
        if f(mid) > 0.0 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Some(0.5 * (lo + hi))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_rank_long_and_short_differently() {
        // A: 3 reward in 1 step; B: 8 reward in 4 steps (one episode each).
        let a = AgentStats { proxy: 3.0, steps: 1, episodes: 1, episode_rate: 3.0, ..Default::default() };
        let b = AgentStats { proxy: 8.0, steps: 4, episodes: 1, episode_rate: 2.0, ..Default::default() };
        assert!(Fitness::Sum.of(&b, 0.0) > Fitness::Sum.of(&a, 0.0));
        assert!(Fitness::Rate.of(&a, 0.0) > Fitness::Rate.of(&b, 0.0));
        assert!(Fitness::EpisodeRate.of(&a, 0.0) > Fitness::EpisodeRate.of(&b, 0.0));
        let idle = AgentStats::default();
        assert_eq!(Fitness::Rate.of(&idle, 1.0), 0.0);
        assert!(matches!(Fitness::from_name("total"), Err(Error::UnknownName { .. })));
    }

    #[test]
    fn malthusian_is_ln_r_over_l_for_one_batch_and_ranks_spec_0s_pair() {
        // One batch of R at age L: r = ln(R) / L.
        for (r, l) in [(3.0, 1u64), (50.0, 4), (2.5, 7)] {
            let got = malthusian(&[(r, l)]).unwrap();
            assert!((got - (r.ln() / l as f64)).abs() < 1e-12, "{got}");
        }
        // SPEC 0: A (R = 3, L = 1) beats B (R = 50, L = 4) under ln(R)/L,
        // while the sum and the rate prefer B.
        assert!(malthusian(&[(3.0, 1)]).unwrap() > malthusian(&[(50.0, 4)]).unwrap());
        // Less than 1 in total: r < 0; nothing: no root.
        assert!(malthusian(&[(0.5, 2)]).unwrap() < 0.0);
        assert_eq!(malthusian(&[(0.0, 3)]), None);
        // Several batches: the root satisfies the equation.
        let e = [(0.6, 1), (0.6, 3), (1.0, 4)];
        let r = malthusian(&e).unwrap();
        let f: f64 = e.iter().map(|&(g, t)| g * (-r * t as f64).exp()).sum();
        assert!((f - 1.0).abs() < 1e-12);
    }

    #[test]
    fn bonus_rewards_length_under_sum() {
        let s = AgentStats { proxy: 1.0, steps: 10, entropy_steps: 10.0 * 2f64.ln(), episodes: 1, ..Default::default() };
        assert!((Fitness::Sum.of(&s, 0.5) - (1.0 + 5.0 * 2f64.ln())).abs() < 1e-12);
    }
}
