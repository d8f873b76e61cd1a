//! The seed's reward for a Connect Four learner (SPEC 5): "given a win, draw
//! or loss and the tournament structure, how many more games would it get
//! to play", computed from the knockout rule of `super::tournament`.
//!
//! The rule: each round pairs the players alive at random; a loss or a
//! draw eliminates; a winner plays on with probability 1 - p; an odd player
//! out gets a bye (advances with no game and no retirement draw); the
//! tournament ends when fewer than two are alive. A learner meets the
//! others in it with win and draw chances (w, d) per game, and the others'
//! games among themselves send a player on with chance q = (1 - d_pool)(1 - p)
//! (a decisive game, whose winner plays on).
//!
//! Exactly, for a learner entering a round of n players (itself included),
//! with S(m) ~ Binomial(m, q) the survivors of m games among the others:
//!
//! - n even: it plays; after a win it meets a round of 1 + S((n - 2)/2);
//! - n odd: a bye with chance 1/n (next round 1 + S((n - 1)/2)), else it
//!   plays and after a win meets 2 + S((n - 3)/2) (the others' bye advances).
//!
//! G(n), the games it plays from there on, and F(n) = (1 - p) E[G(next)], the
//! further games a win buys, follow by recursion on n (next < n). A loss and
//! a draw buy none. The reward of a win is F averaged over the games the
//! learner plays in a tournament of N: A(N) / G(N), with A the expected
//! sum of F over its games. `simulate` runs the rule itself, for the check.

use crate::error::{Error, Result};
use crate::law::{Field, Law};
use crate::rng::{self, Rng};

/// The field size the recursion accepts: it costs O(N^2) exponentials, and a
/// self-play learner pays it every iteration (a few ms at 2,048).
pub const POPULATION: Field = Field::new("knockout.population", Law::Integer { min: 2, max: 2048 });
/// The law of the reward's own knob.
pub const LAWS: &[Field] = &[POPULATION];

/// Expected further games after each outcome, and the games a learner plays.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Further {
    /// After a win: the mean over the learner's games of F at that game.
    pub win: f64,
    /// After a draw or a loss: the knockout eliminates.
    pub draw: f64,
    pub loss: f64,
    /// Expected games the learner plays in the whole tournament, G(N).
    pub games: f64,
}

/// ln k! for k = 0..=n.
fn ln_factorials(n: usize) -> Vec<f64> {
    let mut v = vec![0.0; n + 1];
    for k in 1..=n {
        v[k] = v[k - 1] + (k as f64).ln();
    }
    v
}

/// E[f(offset + S)] for S ~ Binomial(m, q).
fn expect(m: usize, q: f64, offset: usize, lf: &[f64], f: &[f64]) -> f64 {
    if q <= 0.0 || m == 0 {
        return f[offset];
    }
    if q >= 1.0 {
        return f[offset + m];
    }
    let (lq, lp) = (q.ln(), (1.0 - q).ln());
    (0..=m).map(|s| (lf[m] - lf[s] - lf[m - s] + s as f64 * lq + (m - s) as f64 * lp).exp() * f[offset + s]).sum()
}

/// The further games each outcome buys a learner with chances (`win`,
/// `draw`) against the others, in a knockout of `population` players at
/// `pressure`, the others' games drawn with chance `draw_pool`.
pub fn further_games(population: usize, pressure: f64, win: f64, draw: f64, draw_pool: f64) -> Result<Further> {
    POPULATION.check_integer(population as u64)?;
    for (field, x) in [("pressure", pressure), ("win", win), ("draw", draw), ("draw_pool", draw_pool)] {
        Law::Probability.check(field, x)?;
    }
    if win + draw > 1.0 + 1e-12 {
        return Err(Error::invalid("draw", draw, format!("at most 1 - win = {}", 1.0 - win)));
    }
    let n = population;
    let q = (1.0 - draw_pool) * (1.0 - pressure);
    let go = win * (1.0 - pressure);
    let lf = ln_factorials(n);
    // g[k], a[k]: G and A for a round of k players (0 and 1: no game).
    let (mut g, mut a) = (vec![0.0; n + 1], vec![0.0; n + 1]);
    for k in 2..=n {
        let (next_play, plays) = if k % 2 == 0 { ((k - 2) / 2, 1usize) } else { ((k - 3) / 2, 2usize) };
        let g_next = expect(next_play, q, plays, &lf, &g);
        let a_next = expect(next_play, q, plays, &lf, &a);
        let f = (1.0 - pressure) * g_next;
        let (g_play, a_play) = (1.0 + go * g_next, f + go * a_next);
        if k % 2 == 0 {
            g[k] = g_play;
            a[k] = a_play;
        } else {
            let bye = 1.0 / k as f64;
            let (m, off) = ((k - 1) / 2, 1);
            g[k] = bye * expect(m, q, off, &lf, &g) + (1.0 - bye) * g_play;
            a[k] = bye * expect(m, q, off, &lf, &a) + (1.0 - bye) * a_play;
        }
    }
    Ok(Further { win: a[n] / g[n], draw: 0.0, loss: 0.0, games: g[n] })
}

/// Monte Carlo of the knockout rule: `tournaments` tournaments of
/// `population` players, player 0 the learner (its games won with chance
/// `win`, drawn with `draw`), the others' games drawn with `draw_pool`
/// and won by either side equally. Returns per tournament (the learner's
/// games, its wins, the further games summed over its wins).
pub fn simulate(population: usize, pressure: f64, win: f64, draw: f64, draw_pool: f64, tournaments: u64, rng: &mut Rng) -> Vec<(u64, u64, u64)> {
    (0..tournaments)
        .map(|_| {
            let mut alive: Vec<u32> = (0..population as u32).collect();
            // The learner's game results, in order.
            let mut results: Vec<bool> = Vec::new();
            while alive.len() >= 2 {
                for i in (1..alive.len()).rev() {
                    let j = rng::below(rng, i as u64 + 1) as usize;
                    alive.swap(i, j);
                }
                let mut next = Vec::with_capacity(alive.len() / 2 + 1);
                for pair in alive.chunks_exact(2) {
                    let (x, y) = (pair[0], pair[1]);
                    let u = rng::uniform(rng);
                    let winner = if x == 0 || y == 0 {
                        let other = if x == 0 { y } else { x };
                        let won = u < win;
                        results.push(won);
                        if won { Some(0) } else if u < win + draw { None } else { Some(other) }
                    } else if u < draw_pool {
                        None
                    } else if u < draw_pool + (1.0 - draw_pool) / 2.0 {
                        Some(x)
                    } else {
                        Some(y)
                    };
                    if let (Some(w), true) = (winner, !rng::bernoulli(rng, pressure)) {
                        next.push(w);
                    }
                }
                if alive.len() % 2 == 1 {
                    next.push(*alive.last().expect("odd, so not empty"));
                }
                alive = next;
            }
            let games = results.len() as u64;
            let wins = results.iter().filter(|&&w| w).count() as u64;
            // After the k-th game (a win), the learner played games - k - 1 more.
            let further = results.iter().enumerate().filter(|(_, &w)| w).map(|(k, _)| games - k as u64 - 1).sum();
            (games, wins, further)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_fields_by_hand() {
        // Two players: one game, nothing after it.
        let f = further_games(2, 0.3, 0.6, 0.1, 0.2).unwrap();
        assert_eq!((f.win, f.games), (0.0, 1.0));
        // Pressure 1: everybody plays one game at most.
        let f = further_games(64, 1.0, 0.9, 0.0, 0.0).unwrap();
        assert_eq!(f.win, 0.0);
        assert!((f.games - 1.0).abs() < 1e-12);
        // Pressure 0, no draws, a learner that always wins, N = 2^k: it wins
        // every round of a bracket: k games, the first win buys k - 1 more.
        let f = further_games(16, 0.0, 1.0, 0.0, 0.0).unwrap();
        assert!((f.games - 4.0).abs() < 1e-12, "{f:?}");
        assert!((f.win - (3.0 + 2.0 + 1.0 + 0.0) / 4.0).abs() < 1e-12, "{f:?}");
    }

    #[test]
    fn the_recursion_matches_the_rule_within_4_se() {
        for &(n, p, w, d, dp) in &[(31usize, 0.5, 0.6, 0.1, 0.05), (64, 0.1, 0.5, 0.0, 0.0), (9, 0.8, 0.9, 0.05, 0.3)] {
            let exact = further_games(n, p, w, d, dp).unwrap();
            let mut r = rng::stream(3, &[n as u64]);
            let runs = simulate(n, p, w, d, dp, 200_000, &mut r);
            let m = runs.len() as f64;
            let mean = |i: usize| runs.iter().map(|x| [x.0, x.1, x.2][i] as f64).sum::<f64>() / m;
            let (games, wins, further) = (mean(0), mean(1), mean(2));
            let se_games = (runs.iter().map(|x| (x.0 as f64 - games).powi(2)).sum::<f64>() / (m - 1.0) / m).sqrt();
            assert!((games - exact.games).abs() < 4.0 * se_games, "{n}: games {games} vs {}", exact.games);
            // Further games per win: a ratio of means, its SE by the delta method.
            let ratio = further / wins;
            let var = runs.iter().map(|x| (x.2 as f64 - ratio * x.1 as f64).powi(2)).sum::<f64>() / (m - 1.0);
            let se = (var / m).sqrt() / wins;
            assert!((ratio - exact.win).abs() < 4.0 * se, "{n}: further {ratio} vs {} (se {se})", exact.win);
        }
    }

    #[test]
    fn bad_inputs_name_the_field() {
        assert!(further_games(1, 0.5, 0.5, 0.0, 0.0).unwrap_err().to_string().contains("knockout.population"));
        assert!(further_games(10, 1.5, 0.5, 0.0, 0.0).unwrap_err().to_string().contains("pressure"));
        assert!(further_games(10, 0.5, 0.7, 0.5, 0.0).unwrap_err().to_string().contains("draw"));
    }
}
