//! Per-generation measurements (SPEC section 2): one row of the history
//! table per generation.

use rayon::prelude::*;

use super::board::{Outcome, Player};
use super::bots::{Agent, Bot};
use super::features::{COUNT, NAMES};
use super::game::play;
use super::policy::Policy;
use super::tournament::Tally;
use crate::control::Control;
use crate::error::Result;
use crate::table::Table;
use crate::rng::{self, domain};

/// Strength against a reference bot: `games` games, game k played by
/// individual k mod N, moving first in even games; returns (wins, draws).
/// Each game has its own stream (seed, C4_STRENGTH, generation, bot, k).
/// Played in blocks, so that Ctrl-C is seen within up to 10^7 games.
pub fn strength(policies: &[Policy], bot: Bot, games: u32, seed: u64, generation: u64, control: &Control) -> Result<(u64, u64)> {
    let n = policies.len() as u64;
    let (mut wins, mut draws) = (0u64, 0u64);
    let mut start = 0u64;
    while start < games as u64 {
        control.checkpoint()?;
        let end = (start + (1 << 14)).min(games as u64);
        let (w, d) = (start..end)
            .into_par_iter()
            .map(|k| {
                let mut r = rng::stream(seed, &[domain::C4_STRENGTH, generation, bot as u64, k]);
                let me = Agent::Policy(&policies[(k % n) as usize]);
                let (g, side) = if k % 2 == 0 {
                    (play(me, Agent::Bot(bot), &mut r), Player::First)
                } else {
                    (play(Agent::Bot(bot), me, &mut r), Player::Second)
                };
                ((g.outcome == Outcome::Win(side)) as u64, (g.outcome == Outcome::Draw) as u64)
            })
            .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
        wins += w;
        draws += d;
        start = end;
    }
    Ok((wins, draws))
}

/// x / y, NaN when nothing was counted.
pub fn ratio(x: f64, y: f64) -> f64 {
    if y == 0.0 { f64::NAN } else { x / y }
}

/// Record generation `g`: the weights, fitness, tournament tally and
/// strength results (wins, draws out of `strength_games` per bot).
pub fn record(
    history: &mut Table,
    g: u64,
    weights: &[f64],
    fitness: &[f64],
    games_per_individual: &[u64],
    tally: &Tally,
    strength_games: u32,
    vs_random: (u64, u64),
    vs_greedy: (u64, u64),
) {
    let n = fitness.len() as f64;
    history.int("generation", g);
    history.int("games", tally.games);
    history.int("plies", tally.plies);
    let mean = fitness.iter().sum::<f64>() / n;
    let var = fitness.iter().map(|f| (f - mean).powi(2)).sum::<f64>() / n;
    history.float("fitness_mean", mean);
    history.float("fitness_sd", var.sqrt());
    history.float("fitness_min", fitness.iter().cloned().fold(f64::INFINITY, f64::min));
    history.float("fitness_max", fitness.iter().cloned().fold(f64::NEG_INFINITY, f64::max));
    history.float("games_per_individual", games_per_individual.iter().map(|&x| x as f64).sum::<f64>() / n);
    history.int("max_games", games_per_individual.iter().cloned().max().unwrap_or(0));
    let games = tally.games as f64;
    history.float("game_length", ratio(tally.plies as f64, games));
    history.float("immediate_win_rate", ratio(tally.wins_taken as f64, tally.win_chances as f64));
    history.float("block_rate", ratio(tally.blocked as f64, tally.must_block as f64));
    history.float("first_player_win_rate", ratio(tally.first_wins as f64, games));
    history.float("draw_rate", ratio(tally.draws as f64, games));
    history.float("policy_entropy", ratio(tally.entropy, tally.plies as f64));
    history.int("win_chances", tally.win_chances);
    history.int("must_block", tally.must_block);
    let sg = strength_games as f64;
    history.float("strength_vs_random", ratio(vs_random.0 as f64, sg));
    history.float("draws_vs_random", ratio(vs_random.1 as f64, sg));
    history.float("strength_vs_greedy", ratio(vs_greedy.0 as f64, sg));
    history.float("draws_vs_greedy", ratio(vs_greedy.1 as f64, sg));
    for (f, name) in NAMES.iter().enumerate() {
        let m = weights.chunks_exact(COUNT).map(|w| w[f]).sum::<f64>() / n;
        history.float(&format!("weight_{name}"), m);
    }
}
