//! Many independent games at once, for throughput measurements and large
//! samples: random playouts and policy-vs-policy games.
//!
//! Games are split into fixed chunks, each with its own stream
//! (seed, C4_PLAYOUT, kind, chunk): the totals are the same at any thread
//! count, and no game allocates.

use rayon::prelude::*;

use super::board::{Outcome, Player};
use super::bots::Agent;
use super::game::{play, random_game};
use super::policy::Policy;
use crate::control::Control;
use crate::error::{check, Result};
use crate::rng::{self, domain};

/// Totals over a batch of games.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub games: u64,
    pub first_wins: u64,
    pub second_wins: u64,
    pub draws: u64,
    pub plies: u64,
}

impl Summary {
    fn add(&mut self, o: Outcome, plies: u32) {
        self.games += 1;
        self.plies += plies as u64;
        match o {
            Outcome::Win(Player::First) => self.first_wins += 1,
            Outcome::Win(Player::Second) => self.second_wins += 1,
            Outcome::Draw => self.draws += 1,
        }
    }

    fn merge(mut self, o: Summary) -> Summary {
        self.games += o.games;
        self.first_wins += o.first_wins;
        self.second_wins += o.second_wins;
        self.draws += o.draws;
        self.plies += o.plies;
        self
    }
}

const CHUNK: u64 = 1 << 14;

fn batch(games: u64, seed: u64, kind: u64, control: &Control, one: impl Fn(&mut rng::Rng) -> (Outcome, u32) + Sync) -> Result<Summary> {
    check::at_least("games", games, 1)?;
    let chunks = games.div_ceil(CHUNK);
    // Integer totals: the merge order cannot change them.
    (0..chunks)
        .into_par_iter()
        .map(|c| {
            control.checkpoint()?;
            let mut r = rng::stream(seed, &[domain::C4_PLAYOUT, kind, c]);
            let mut s = Summary::default();
            for _ in c * CHUNK..((c + 1) * CHUNK).min(games) {
                let (o, l) = one(&mut r);
                s.add(o, l);
            }
            Ok(s)
        })
        .try_reduce(Summary::default, |a, b| Ok(a.merge(b)))
}

/// `games` uniformly random games from the empty board.
pub fn random_games(games: u64, seed: u64, control: &Control) -> Result<Summary> {
    batch(games, seed, 0, control, random_game)
}

/// `games` games between two softmax policies (`first` moves first).
pub fn policy_games(first: &Policy, second: &Policy, games: u64, seed: u64, control: &Control) -> Result<Summary> {
    games_between(Agent::Policy(first), Agent::Policy(second), games, seed, control)
}

/// `games` games between any two agents (`first` moves first).
pub fn games_between(first: Agent<'_>, second: Agent<'_>, games: u64, seed: u64, control: &Control) -> Result<Summary> {
    batch(games, seed, 1, control, |r| {
        let g = play(first, second, r);
        (g.outcome, g.plies)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connect4::features::COUNT;
    use crate::control::with_threads;

    #[test]
    fn batches_are_thread_independent_and_add_up() {
        let go = |t| with_threads(Some(t), || random_games(100_000, 3, &Control::new())).unwrap().unwrap();
        let a = go(1);
        assert_eq!(a, go(2));
        assert_eq!(a.games, 100_000);
        assert_eq!(a.first_wins + a.second_wins + a.draws, a.games);
        let p = Policy::new(&[0.0; COUNT]);
        let b = with_threads(Some(2), || policy_games(&p, &p, 50_000, 3, &Control::new())).unwrap().unwrap();
        // Zero weights are random play: same first-player rate within 4 sd.
        let (pa, pb) = (a.first_wins as f64 / a.games as f64, b.first_wins as f64 / b.games as f64);
        let sd = (0.25 / 100_000.0 + 0.25 / 50_000.0f64).sqrt();
        assert!((pa - pb).abs() < 4.0 * sd, "{pa} {pb}");
    }
}
