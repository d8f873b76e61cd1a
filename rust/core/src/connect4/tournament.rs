//! Tournament formats: who plays whom in a generation (SPEC section 2).
//!
//! `Knockout { pressure }`: rounds of random pairings. The loser of a game
//! is eliminated; the winner plays on into the next round with probability
//! 1 - pressure (with probability `pressure` it retires with what it has).
//! **Draw rule: a draw eliminates both players** (only a win buys more
//! games). An odd player out of a round's pairing gets a bye (advances
//! without a game). The generation ends when fewer than two players remain.
//! At pressure 0 a player keeps playing as long as it wins (the champion
//! plays about log2(N) games); at pressure 1 everybody plays one game
//! (plus byes).
//!
//! `RoundRobin { games_per_pair }`: every pair plays that many games,
//! alternating who moves first.
//!
//! Games of a round (or of the whole round robin) run in parallel, each
//! with its own random stream (seed, GAME, generation, round, game), and
//! are tallied in a fixed order: results do not depend on the thread count.

use rayon::prelude::*;

use super::board::{Outcome, Player};
use super::bots::Agent;
use super::game::{play, Game};
use super::policy::Policy;
use crate::control::Control;
use crate::error::{Error, Result};
use crate::law::{Field, Law};
use crate::rng::{self, domain};

pub const PRESSURE: Field = Field::new("pressure", Law::Probability);
pub const GAMES_PER_PAIR: Field = Field::new("games_per_pair", Law::Integer { min: 1, max: 1_000_000 });

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Format {
    Knockout { pressure: f64 },
    RoundRobin { games_per_pair: u32 },
}

/// The most games a generation may schedule (a round robin grows as N^2).
pub const MAX_GAMES: u64 = 1 << 31;

impl Format {
    pub fn validate(&self, population: usize) -> Result<()> {
        match *self {
            Format::Knockout { pressure } => {
                PRESSURE.check(pressure)?;
            }
            Format::RoundRobin { games_per_pair } => {
                GAMES_PER_PAIR.check_integer(games_per_pair as u64)?;
                let n = population as u64;
                let games = n * n.saturating_sub(1) / 2 * games_per_pair as u64;
                if games > MAX_GAMES {
                    return Err(Error::invalid(
                        "population",
                        population,
                        format!("at most {MAX_GAMES} games per generation in a round robin (N(N-1)/2 x games_per_pair)"),
                    ));
                }
            }
        }
        Ok(())
    }
}

/// One individual's record over a generation.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Standing {
    // 64-bit: a round robin of two individuals may schedule 2^31 games.
    pub games: u64,
    pub wins: u64,
    pub draws: u64,
    pub moves: u64,
    pub entropy: f64,
}

/// Totals over a generation's games (all players are evolved policies).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Tally {
    pub games: u64,
    pub plies: u64,
    pub first_wins: u64,
    pub draws: u64,
    pub entropy: f64,
    pub win_chances: u64,
    pub wins_taken: u64,
    pub must_block: u64,
    pub blocked: u64,
}

impl Tally {
    /// Add a game between individuals `a` (first) and `b` (second).
    fn add(&mut self, standings: &mut [Standing], a: u32, b: u32, g: &Game) {
        self.games += 1;
        self.plies += g.plies as u64;
        match g.outcome {
            Outcome::Win(Player::First) => self.first_wins += 1,
            Outcome::Draw => self.draws += 1,
            Outcome::Win(Player::Second) => {}
        }
        for (who, side, me) in [(a, &g.sides[0], Player::First), (b, &g.sides[1], Player::Second)] {
            let s = &mut standings[who as usize];
            s.games += 1;
            s.moves += side.moves as u64;
            s.entropy += side.entropy;
            s.wins += (g.outcome == Outcome::Win(me)) as u64;
            s.draws += (g.outcome == Outcome::Draw) as u64;
            self.entropy += side.entropy;
            self.win_chances += side.win_chances as u64;
            self.wins_taken += side.wins_taken as u64;
            self.must_block += side.must_block as u64;
            self.blocked += side.blocked as u64;
        }
    }
}

/// Play generation `generation`'s tournament among `policies`; fills
/// `standings` (one per policy) and returns the totals.
pub fn run(
    format: &Format,
    policies: &[Policy],
    seed: u64,
    generation: u64,
    standings: &mut Vec<Standing>,
    control: &Control,
) -> Result<Tally> {
    let n = policies.len();
    standings.clear();
    standings.resize(n, Standing::default());
    let mut tally = Tally::default();
    match *format {
        Format::Knockout { pressure } => {
            let mut alive: Vec<u32> = (0..n as u32).collect();
            let mut round = 0u64;
            while alive.len() >= 2 {
                control.checkpoint()?;
                let mut r = rng::stream(seed, &[domain::C4_PAIRING, generation, round]);
                shuffle(&mut alive, &mut r);
                let pairs: Vec<(u32, u32)> = alive.chunks_exact(2).map(|p| (p[0], p[1])).collect();
                // In blocks of pairs, so that Ctrl-C is seen within a round
                // of any size.
                let mut games: Vec<Game> = Vec::with_capacity(pairs.len());
                for (b, block) in pairs.chunks(1 << 14).enumerate() {
                    control.checkpoint()?;
                    games.par_extend(block.par_iter().enumerate().map(|(j, &(a, b2))| {
                        let i = (b << 14) + j;
                        let mut g = rng::stream(seed, &[domain::GAME, generation, round, i as u64]);
                        play(Agent::Policy(&policies[a as usize]), Agent::Policy(&policies[b2 as usize]), &mut g)
                    }));
                }
                let mut next = Vec::with_capacity(alive.len() / 2 + 1);
                for (&(a, b), g) in pairs.iter().zip(&games) {
                    tally.add(standings, a, b, g);
                    let winner = match g.outcome {
                        Outcome::Win(Player::First) => Some(a),
                        Outcome::Win(Player::Second) => Some(b),
                        Outcome::Draw => None,
                    };
                    // Drawn from the round's stream in pair order: the
                    // same at any thread count.
                    let plays_on = !rng::bernoulli(&mut r, pressure);
                    if let (Some(w), true) = (winner, plays_on) {
                        next.push(w);
                    }
                }
                if alive.len() % 2 == 1 {
                    next.push(*alive.last().expect("odd, so not empty"));
                }
                alive = next;
                round += 1;
            }
        }
        Format::RoundRobin { games_per_pair } => {
            control.checkpoint()?;
            let n64 = n as u64;
            let total = n64 * (n64 - 1) / 2 * games_per_pair as u64;
            let k = games_per_pair as u64;
            // Game index -> (pair, repeat); pairs (i < j) in row-major order.
            let pair_of = |mut p: u64| -> (u32, u32) {
                let mut i = 0u64;
                while p >= n64 - 1 - i {
                    p -= n64 - 1 - i;
                    i += 1;
                }
                (i as u32, (i + 1 + p) as u32)
            };
            // Chunks keep the pair lookup cheap and checkpoints frequent.
            let chunk = 1u64 << 16;
            let mut start = 0u64;
            while start < total {
                control.checkpoint()?;
                let end = (start + chunk).min(total);
                let games: Vec<(u32, u32, Game)> = (start..end)
                    .into_par_iter()
                    .map(|gi| {
                        let (i, j) = pair_of(gi / k);
                        // Alternate colours within a pair, and across pairs
                        // for odd repeats.
                        let (a, b) = if (gi % k + (i + j) as u64) % 2 == 0 { (i, j) } else { (j, i) };
                        let mut g = rng::stream(seed, &[domain::GAME, generation, gi]);
                        (a, b, play(Agent::Policy(&policies[a as usize]), Agent::Policy(&policies[b as usize]), &mut g))
                    })
                    .collect();
                for (a, b, g) in &games {
                    tally.add(standings, *a, *b, g);
                }
                start = end;
            }
        }
    }
    Ok(tally)
}

/// Fisher-Yates.
fn shuffle(v: &mut [u32], r: &mut rng::Rng) {
    for i in (1..v.len()).rev() {
        let j = rng::below(r, i as u64 + 1) as usize;
        v.swap(i, j);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connect4::features::{index, COUNT};
    use crate::control::with_threads;

    fn policies(n: usize) -> Vec<Policy> {
        (0..n)
            .map(|i| {
                let mut w = [0.0; COUNT];
                w[index::WINS_NOW] = (i % 5) as f64;
                w[index::CENTRE_DISTANCE] = -((i % 3) as f64);
                Policy::new(&w)
            })
            .collect()
    }

    #[test]
    fn round_robin_plays_every_pair() {
        let p = policies(9);
        let mut s = Vec::new();
        let t = run(&Format::RoundRobin { games_per_pair: 3 }, &p, 1, 0, &mut s, &Control::new()).unwrap();
        assert_eq!(t.games, 36 * 3);
        assert!(s.iter().all(|x| x.games == 8 * 3));
        let wins: u64 = s.iter().map(|x| x.wins).sum();
        assert_eq!(wins + t.draws, t.games);
        let moves: u64 = s.iter().map(|x| x.moves).sum();
        assert_eq!(moves, t.plies);
    }

    #[test]
    fn knockout_pressure_sets_how_long_winners_play() {
        let p = policies(1000);
        let games = |pressure| {
            let mut s = Vec::new();
            let t = run(&Format::Knockout { pressure }, &p, 2, 0, &mut s, &Control::new()).unwrap();
            let max = s.iter().map(|x| x.games).max().unwrap();
            // Losers never play again: everyone has at most one loss.
            assert!(s.iter().all(|x| x.games - x.wins <= 1));
            (t.games, max)
        };
        // Pressure 1: one round of 500 games, nobody plays twice.
        assert_eq!(games(1.0), (500, 1));
        // Pressure 0: a single-elimination bracket, ~N - 1 games (draws
        // remove two), the champion plays ~log2(N) = 10.
        let (g0, max0) = games(0.0);
        assert!((900..1000).contains(&g0) && (9..=11).contains(&max0), "{g0} {max0}");
        let (g5, _) = games(0.5);
        assert!(g5 > 500 && g5 < g0);
    }

    #[test]
    fn results_do_not_depend_on_threads() {
        let p = policies(301);
        for f in [Format::Knockout { pressure: 0.3 }, Format::RoundRobin { games_per_pair: 2 }] {
            let go = |t| {
                with_threads(Some(t), || {
                    let mut s = Vec::new();
                    let tally = run(&f, &p, 3, 4, &mut s, &Control::new()).unwrap();
                    (tally, s)
                })
                .unwrap()
            };
            assert_eq!(go(1), go(2));
        }
    }

    #[test]
    fn formats_validate() {
        assert!(Format::Knockout { pressure: 1.5 }.validate(10).unwrap_err().to_string().contains("pressure"));
        assert!(Format::RoundRobin { games_per_pair: 0 }.validate(10).unwrap_err().to_string().contains("games_per_pair"));
        assert!(Format::RoundRobin { games_per_pair: 1 }.validate(1 << 20).unwrap_err().to_string().contains("population"));
    }
}
