//! Connect Four learners (SPEC 5): policy gradient on the feature weights by
//! self-play against a pool of past selves, with the seed's reward.
//!
//! Each iteration a learner plays `games` games (alternating colours), each
//! against an opponent drawn uniformly from its pool, and takes one Adam
//! step of REINFORCE with the batch's mean reward as baseline:
//! grad = mean_games (R - mean R) sum_moves grad log pi(move). The reward of
//! a game is what the tournament's fitness would count, now and later:
//!
//! - `games`: the further games the outcome buys (`super::reward`: under a
//!   knockout of `population` at `pressure`, a win buys F, a draw or a
//!   loss none), with the learner's win and draw chances against the pool
//!   estimated from this batch (the pool's own games drawn as often);
//! - `moves`: the learner's moves in the game + F x its mean moves per game;
//! - `entropy`: the same with the entropy of its policy at its moves.
//!
//! The pool starts with the initial weights and takes a copy of the learner
//! every `pool_every` iterations, keeping the last `pool_size`. Learner i at
//! iteration t draws from the stream (seed, C4_LEARN, t, i): the thread
//! count never changes a number.

use rayon::prelude::*;

use super::board::{Outcome, Player};
use super::bots::Bot;
use super::features::{COUNT, NAMES};
use super::game::{play_with, Game};
use super::measure::{ratio, strength};
use super::policy::Policy;
use super::reward::{further_games, POPULATION};
use crate::control::Control;
use crate::error::{Error, Result};
use crate::law::{Field, Law};
use crate::learn::optimizer::State;
use crate::learn::Optimizer;
use crate::rng::{self, domain};
use crate::table::Table;

pub const LEARNERS: Field = Field::new("self_play.learners", Law::Integer { min: 1, max: 1 << 20 });
pub const ITERATIONS: Field = Field::new("self_play.iterations", Law::at_least(1));
pub const GAMES: Field = Field::new("self_play.games", Law::Integer { min: 2, max: 1 << 20 });
pub const POOL_EVERY: Field = Field::new("self_play.pool_every", Law::at_least(1));
pub const POOL_SIZE: Field = Field::new("self_play.pool_size", Law::Integer { min: 1, max: 1 << 16 });
pub const LR: Field = Field::new("self_play.lr", Law::Positive);
/// The law of each self-play knob.
pub const LAWS: &[Field] = &[LEARNERS, ITERATIONS, GAMES, POOL_EVERY, POOL_SIZE, LR];

/// What a game's reward counts (the tournament's fitness modes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Objective {
    Games,
    Moves,
    Entropy,
}

impl Objective {
    pub const NAMES: &'static [&'static str] = &["games", "moves", "entropy"];

    pub fn from_name(name: &str) -> Result<Objective> {
        match name {
            "games" => Ok(Objective::Games),
            "moves" => Ok(Objective::Moves),
            "entropy" => Ok(Objective::Entropy),
            _ => Err(Error::unknown("objective", name, Objective::NAMES)),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub learners: usize,
    pub iterations: u64,
    /// Games per learner per iteration.
    pub games: u32,
    /// The knockout the reward imagines: its size and pressure.
    pub population: usize,
    pub pressure: f64,
    pub objective: Objective,
    pub lr: f64,
    pub pool_every: u64,
    pub pool_size: usize,
    /// Games per reference bot per iteration, shared by the learners in
    /// turn (0 skips strength).
    pub strength_games: u32,
    pub seed: u64,
    /// Initial weights: empty (zeros: uniform play), one row, or one per learner.
    pub initial: Vec<f64>,
}

impl Config {
    pub fn new(learners: usize, iterations: u64, pressure: f64, objective: Objective) -> Config {
        Config {
            learners,
            iterations,
            games: 64,
            population: 64,
            pressure,
            objective,
            lr: 0.05,
            pool_every: 10,
            pool_size: 8,
            strength_games: 200,
            seed: 0,
            initial: Vec::new(),
        }
    }

    pub fn validate(&self) -> Result<()> {
        LEARNERS.check_integer(self.learners as u64)?;
        ITERATIONS.check_integer(self.iterations)?;
        GAMES.check_integer(self.games as u64)?;
        POPULATION.check_integer(self.population as u64)?;
        super::tournament::PRESSURE.check(self.pressure)?;
        LR.check(self.lr)?;
        POOL_EVERY.check_integer(self.pool_every)?;
        POOL_SIZE.check_integer(self.pool_size as u64)?;
        super::evolve::STRENGTH_GAMES.check_integer(self.strength_games as u64)?;
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    /// One row per iteration, means over learners (the tournament's names).
    pub history: Table,
    /// The learned weights, [learners x COUNT].
    pub weights: Vec<f64>,
}

struct Learner {
    w: [f64; COUNT],
    opt: State,
    pool: Vec<Policy>,
    /// Where the next copy goes once the pool is full.
    oldest: usize,
}

/// One learner's iteration, summed.
#[derive(Debug, Clone, Copy, Default)]
struct Record {
    games: u64,
    wins: u64,
    draws: u64,
    plies: u64,
    moves: u64,
    entropy: f64,
    win_chances: u64,
    wins_taken: u64,
    must_block: u64,
    blocked: u64,
    further: f64,
    reward: f64,
}

/// A game from the learner's side: its outcome, moves, entropy and score.
struct Played {
    game: Game,
    side: usize,
    score: [f64; COUNT],
}

impl Played {
    fn won(&self) -> bool {
        self.game.outcome == Outcome::Win(if self.side == 0 { Player::First } else { Player::Second })
    }
}

fn iterate(cfg: &Config, learner: &mut Learner, it: u64, index: usize, control: &Control) -> Result<Record> {
    let mut r = rng::stream(cfg.seed, &[domain::C4_LEARN, it, index as u64]);
    let me = Policy::new(&learner.w);
    let played: Vec<Played> = (0..cfg.games as usize)
        .map(|j| {
            // A batch may hold a million games: Ctrl-C is seen between them.
            if j % 1024 == 0 {
                control.checkpoint()?;
            }
            let opponent = &learner.pool[rng::below(&mut r, learner.pool.len() as u64) as usize];
            let side = j % 2;
            let mut score = [0.0; COUNT];
            let game = play_with(&mut r, |s, pos, t, rng| {
                if s == side { me.choose_scored(pos, t, rng, Some(&mut score)) } else { opponent.choose(pos, t, rng) }
            });
            Ok(Played { game, side, score })
        })
        .collect::<Result<_>>()?;
    let mut rec = Record { games: played.len() as u64, ..Record::default() };
    for p in &played {
        let s = &p.game.sides[p.side];
        rec.wins += p.won() as u64;
        rec.draws += (p.game.outcome == Outcome::Draw) as u64;
        rec.plies += p.game.plies as u64;
        rec.moves += s.moves as u64;
        rec.entropy += s.entropy;
        rec.win_chances += s.win_chances as u64;
        rec.wins_taken += s.wins_taken as u64;
        rec.must_block += s.must_block as u64;
        rec.blocked += s.blocked as u64;
    }
    let g = rec.games as f64;
    let (win, draw) = (rec.wins as f64 / g, rec.draws as f64 / g);
    let f = further_games(cfg.population, cfg.pressure, win, draw, draw)?.win;
    rec.further = f;
    let (mean_moves, mean_entropy) = (rec.moves as f64 / g, rec.entropy / g);
    let rewards: Vec<f64> = played
        .iter()
        .map(|p| {
            let won = p.won() as u8 as f64;
            let s = &p.game.sides[p.side];
            match cfg.objective {
                Objective::Games => won * f,
                Objective::Moves => s.moves as f64 + won * f * mean_moves,
                Objective::Entropy => s.entropy + won * f * mean_entropy,
            }
        })
        .collect();
    let baseline = rewards.iter().sum::<f64>() / g;
    rec.reward = baseline;
    let mut grad = [0.0; COUNT];
    for (p, r) in played.iter().zip(&rewards) {
        for k in 0..COUNT {
            // The loss is -(R - b) log pi: the optimizer minimises.
            grad[k] -= (r - baseline) * p.score[k] / g;
        }
    }
    learner.opt.step(&Optimizer::Adam { lr: cfg.lr, beta1: 0.9, beta2: 0.999, eps: 1e-8 }, &mut learner.w, &grad);
    if (it + 1) % cfg.pool_every == 0 {
        let copy = Policy::new(&learner.w);
        if learner.pool.len() < cfg.pool_size {
            learner.pool.push(copy);
        } else {
            learner.pool[learner.oldest] = copy;
            learner.oldest = (learner.oldest + 1) % cfg.pool_size;
        }
    }
    Ok(rec)
}

/// Train `cfg.learners` learners (inside the caller's rayon pool).
pub fn self_play(cfg: &Config, control: &Control) -> Result<Output> {
    cfg.validate()?;
    let rows = match cfg.initial.len() {
        0 => vec![0.0; COUNT],
        n if n == COUNT || n == COUNT * cfg.learners => cfg.initial.clone(),
        n => return Err(Error::shape("initial", format!("expected {COUNT} weights or {} x {COUNT}, got {n}", cfg.learners))),
    };
    if let Some(bad) = rows.iter().find(|x| !(x.abs() <= crate::replication::MAX_GENE)) {
        return Err(Error::invalid("initial", bad, "finite weights in [-1e100, 1e100]"));
    }
    let mut learners: Vec<Learner> = (0..cfg.learners)
        .map(|i| {
            let k = i % (rows.len() / COUNT);
            let mut w = [0.0; COUNT];
            w.copy_from_slice(&rows[k * COUNT..(k + 1) * COUNT]);
            Learner { w, opt: State::new(COUNT), pool: vec![Policy::new(&w)], oldest: 0 }
        })
        .collect();
    let mut history = Table::default();
    let n = cfg.learners as f64;
    for it in 0..cfg.iterations {
        control.checkpoint()?;
        let mut records = Vec::with_capacity(cfg.learners);
        for (b, block) in learners.chunks_mut(256).enumerate() {
            control.checkpoint()?;
            let recs: Result<Vec<Record>> =
                block.par_iter_mut().enumerate().map(|(j, l)| iterate(cfg, l, it, b * 256 + j, control)).collect();
            records.extend(recs?);
        }
        // Strength of the weights after this iteration's step.
        let policies: Vec<Policy> = learners.iter().map(|l| Policy::new(&l.w)).collect();
        let sg = cfg.strength_games;
        let vs = |bot| if sg > 0 { strength(&policies, bot, sg, cfg.seed, it, control) } else { Ok((0, 0)) };
        let (random, greedy) = (vs(Bot::Random)?, vs(Bot::Greedy)?);
        let sum = |f: fn(&Record) -> f64| records.iter().map(f).sum::<f64>();
        let games = sum(|r| r.games as f64);
        history.int("iteration", it);
        history.float("win_rate", sum(|r| r.wins as f64) / games);
        history.float("draw_rate", sum(|r| r.draws as f64) / games);
        history.float("further_games_per_win", sum(|r| r.further) / n);
        history.float("reward_mean", sum(|r| r.reward) / n);
        history.float("game_length", sum(|r| r.plies as f64) / games);
        history.float("moves_per_game", sum(|r| r.moves as f64) / games);
        history.float("immediate_win_rate", ratio(sum(|r| r.wins_taken as f64), sum(|r| r.win_chances as f64)));
        history.float("block_rate", ratio(sum(|r| r.blocked as f64), sum(|r| r.must_block as f64)));
        history.float("policy_entropy", ratio(sum(|r| r.entropy), sum(|r| r.moves as f64)));
        history.float("strength_vs_random", ratio(random.0 as f64, sg as f64));
        history.float("draws_vs_random", ratio(random.1 as f64, sg as f64));
        history.float("strength_vs_greedy", ratio(greedy.0 as f64, sg as f64));
        history.float("draws_vs_greedy", ratio(greedy.1 as f64, sg as f64));
        for (f, name) in NAMES.iter().enumerate() {
            history.float(&format!("weight_{name}"), learners.iter().map(|l| l.w[f]).sum::<f64>() / n);
        }
        control.advance(1);
    }
    Ok(Output { history, weights: learners.iter().flat_map(|l| l.w).collect() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connect4::features::index;
    use crate::control::with_threads;

    #[test]
    fn runs_are_identical_at_any_thread_count() {
        let mut cfg = Config::new(5, 3, 0.5, Objective::Moves);
        cfg.games = 16;
        cfg.pool_every = 1;
        cfg.pool_size = 2;
        let run = |t| with_threads(Some(t), || self_play(&cfg, &Control::new())).unwrap().unwrap();
        let (a, b) = (run(1), run(2));
        assert!(format!("{a:?}") == format!("{b:?}"));
        assert_eq!(a.history.rows(), 3);
    }

    #[test]
    fn winning_is_learned_when_a_win_buys_games() {
        // Pressure 0 in a field of 64: a win buys several more games, so
        // under `games` the learner learns to take its wins.
        let mut cfg = Config::new(4, 60, 0.0, Objective::Games);
        cfg.lr = 0.1;
        let out = self_play(&cfg, &Control::new()).unwrap();
        for w in out.weights.chunks(COUNT) {
            assert!(w[index::WINS_NOW] > 1.0, "{w:?}");
        }
        let rate = out.history.floats("immediate_win_rate").unwrap();
        assert!(rate[59] > rate[0] + 0.2, "{} -> {}", rate[0], rate[59]);
    }

    #[test]
    fn bad_knobs_name_the_field() {
        let mut cfg = Config::new(2, 1, 0.5, Objective::Moves);
        cfg.games = 1;
        assert!(self_play(&cfg, &Control::new()).unwrap_err().to_string().contains("self_play.games"));
        cfg.games = 4;
        cfg.population = 1;
        assert!(self_play(&cfg, &Control::new()).unwrap_err().to_string().contains("knockout.population"));
        assert!(Objective::from_name("wins").unwrap_err().to_string().contains("objective"));
    }
}
