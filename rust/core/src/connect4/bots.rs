//! Who can sit at the board: an evolved softmax policy, or one of the fixed
//! reference bots that measure strength (SPEC section 2).

use super::board::{nth_bit, Position};
use super::features::Threats;
use super::policy::{Choice, Policy};
use crate::error::{Error, Result};
use crate::rng::{self, Rng};

/// A fixed reference bot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bot {
    /// A uniformly random legal move.
    Random,
    /// Win if possible, else block the opponent's immediate win, else a
    /// random legal move (uniform among the moves of the first rule that applies).
    Greedy,
}

impl Bot {
    pub const NAMES: [&'static str; 2] = ["random", "greedy"];

    pub fn from_name(name: &str) -> Result<Bot> {
        match name {
            "random" => Ok(Bot::Random),
            "greedy" => Ok(Bot::Greedy),
            other => Err(Error::unknown("bot", other, &Self::NAMES)),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Bot::Random => "random",
            Bot::Greedy => "greedy",
        }
    }

    /// The bot's move; its entropy is that of the uniform choice it makes.
    #[inline]
    pub fn choose(self, t: &Threats, rng: &mut Rng) -> Choice {
        let options = match self {
            Bot::Random => t.playable,
            Bot::Greedy => {
                let (wins, blocks) = (t.wins(), t.blocks());
                if wins != 0 {
                    wins
                } else if blocks != 0 {
                    blocks
                } else {
                    t.playable
                }
            }
        };
        let n = options.count_ones();
        Choice { bit: nth_bit(options, rng::below(rng, n as u64) as u32), entropy: (n as f64).ln() }
    }
}

/// A seat at the board.
#[derive(Debug, Clone, Copy)]
pub enum Agent<'a> {
    Policy(&'a Policy),
    Bot(Bot),
}

impl Agent<'_> {
    #[inline]
    pub fn choose(&self, pos: &Position, t: &Threats, rng: &mut Rng) -> Choice {
        match self {
            Agent::Policy(p) => p.choose(pos, t, rng),
            Agent::Bot(b) => b.choose(t, rng),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connect4::board::{bits, Outcome};
    use crate::rng::stream;

    /// Random positions reached by random play, not yet over.
    fn positions(n: usize, seed: u64) -> Vec<Position> {
        let mut r = stream(seed, &[]);
        let mut out = Vec::new();
        while out.len() < n {
            let mut pos = Position::EMPTY;
            while pos.outcome().is_none() {
                out.push(pos);
                let legal = pos.legal();
                pos.play(nth_bit(legal, rng::below(&mut r, legal.count_ones() as u64) as u32));
            }
        }
        out
    }

    #[test]
    fn greedy_always_takes_a_win_in_one() {
        let mut r = stream(9, &[]);
        let mut chances = 0;
        for pos in positions(200_000, 1) {
            let t = Threats::of(&pos);
            let win_exists = bits(pos.legal()).any(|b| pos.wins_with(b));
            let c = Bot::Greedy.choose(&t, &mut r);
            assert_ne!(pos.legal() & c.bit, 0, "illegal move");
            if win_exists {
                chances += 1;
                let mut next = pos;
                next.play(c.bit);
                assert!(matches!(next.outcome(), Some(Outcome::Win(_))), "greedy missed a win\n{}", pos.diagram());
            }
        }
        assert!(chances > 1000, "{chances}");
    }

    #[test]
    fn greedy_blocks_when_it_cannot_win() {
        let mut r = stream(10, &[]);
        let mut must = 0;
        for pos in positions(200_000, 2) {
            let t = Threats::of(&pos);
            if t.wins() != 0 || t.blocks() == 0 {
                continue;
            }
            must += 1;
            let c = Bot::Greedy.choose(&t, &mut r);
            // The opponent, had it moved here, would have won.
            let mut swapped = pos;
            swapped.play(0); // pass: hand the move to the opponent
            assert!(swapped.wins_with(c.bit), "greedy did not block\n{}", pos.diagram());
        }
        assert!(must > 1000, "{must}");
    }

    #[test]
    fn random_bot_is_uniform() {
        let t = Threats::of(&Position::from_moves("111111").unwrap());
        let mut r = stream(11, &[]);
        let mut counts = [0u32; 7];
        for _ in 0..60_000 {
            let c = Bot::Random.choose(&t, &mut r);
            counts[crate::connect4::board::column_of(c.bit) as usize] += 1;
        }
        assert_eq!(counts[0], 0);
        // 6 columns, p = 1/6: sd = sqrt(60000/6*5/6) ~ 91
        assert!(counts[1..].iter().all(|&k| (k as f64 - 10_000.0).abs() < 4.0 * 91.3), "{counts:?}");
        assert!(matches!(Bot::from_name("minimax"), Err(Error::UnknownName { .. })));
    }
}
