//! Connect Four tournaments (SPEC section 2): a 7x6 bitboard engine,
//! feature-based softmax policies, reference bots, and tournaments in which
//! policies replicate on moves played, entropy, wins or win rate.
//!
//! One concept per file: `board` (positions, moves, the win test),
//! `perft` (move-generation counts), `features` (phi of a move), `policy`
//! (softmax over legal moves), `bots` (random and greedy), `game` (one
//! game and its record), `playout` (batches of games), `tournament`
//! (knockout and round robin), `fitness`, `measure` (history rows),
//! `evolve` (the loop), `reward` (the further games a knockout result
//! buys) and `self_play` (policy-gradient learners, SPEC 5).

pub mod board;
pub mod bots;
pub mod evolve;
pub mod features;
pub mod fitness;
pub mod game;
pub mod measure;
pub mod perft;
pub mod playout;
pub mod policy;
pub mod reward;
pub mod self_play;
pub mod tournament;

pub use board::{Outcome, Player, Position};
pub use bots::{Agent, Bot};
pub use evolve::{evolve, Config, Output};
pub use fitness::Fitness;
pub use policy::Policy;
pub use tournament::Format;
