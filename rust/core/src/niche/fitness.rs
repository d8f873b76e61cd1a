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
}

impl Fitness {
    pub const NAMES: [&'static str; 3] = ["sum", "rate", "episode_rate"];

    pub fn from_name(name: &str) -> Result<Fitness> {
        match name {
            "sum" => Ok(Fitness::Sum),
            "rate" => Ok(Fitness::Rate),
            "episode_rate" => Ok(Fitness::EpisodeRate),
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
        }
    }
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
    fn bonus_rewards_length_under_sum() {
        let s = AgentStats { proxy: 1.0, steps: 10, entropy_steps: 10.0 * 2f64.ln(), episodes: 1, ..Default::default() };
        assert!((Fitness::Sum.of(&s, 0.5) - (1.0 + 5.0 * 2f64.ln())).abs() < 1e-12);
    }
}
