//! Playing one game from the empty board, and what each side did in it.

use super::board::{column_mask, has_four, Outcome, Player, Position, BOTTOM, CELLS, HEIGHT};
use super::bots::Agent;
use super::features::Threats;
use super::policy::Choice;
use crate::rng::{self, Rng};

/// What one side did in a game.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Side {
    /// Moves this side played.
    pub moves: u32,
    /// Sum over its moves of its policy's entropy (nats).
    pub entropy: f64,
    /// Moves at which it had a winning move...
    pub win_chances: u32,
    /// ...and played one.
    pub wins_taken: u32,
    /// Moves at which it had no win but the opponent threatened one...
    pub must_block: u32,
    /// ...and it blocked (played on a cell where the opponent would win).
    pub blocked: u32,
}

/// A finished game.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Game {
    pub outcome: Outcome,
    pub plies: u32,
    /// [first player, second player].
    pub sides: [Side; 2],
}

/// Play a game between `first` and `second`, drawing from `rng`.
pub fn play(first: Agent<'_>, second: Agent<'_>, rng: &mut Rng) -> Game {
    let agents = [first, second];
    play_with(rng, |s, pos, t, rng| agents[s].choose(pos, t, rng))
}

/// The one game loop: `choose(side, position, threats, rng)` picks each
/// move (side 0 moves first); a learner's choice also records its score.
#[inline]
pub fn play_with(rng: &mut Rng, mut choose: impl FnMut(usize, &Position, &Threats, &mut Rng) -> Choice) -> Game {
    let mut sides = [Side::default(); 2];
    let mut pos = Position::EMPTY;
    loop {
        let s = (pos.plies() & 1) as usize;
        let t = Threats::of(&pos);
        let choice = choose(s, &pos, &t, rng);
        let side = &mut sides[s];
        side.moves += 1;
        side.entropy += choice.entropy;
        let (wins, blocks) = (t.wins(), t.blocks());
        if wins != 0 {
            side.win_chances += 1;
            side.wins_taken += (choice.bit & wins != 0) as u32;
        } else if blocks != 0 {
            side.must_block += 1;
            side.blocked += (choice.bit & blocks != 0) as u32;
        }
        // A move wins exactly when it lands on one of the mover's winning
        // cells: no separate four-in-a-row test needed.
        let won = choice.bit & t.mine != 0;
        pos.play(choice.bit);
        if won {
            let p = if s == 0 { Player::First } else { Player::Second };
            return Game { outcome: Outcome::Win(p), plies: pos.plies(), sides };
        }
        if pos.plies() == CELLS {
            return Game { outcome: Outcome::Draw, plies: CELLS, sides };
        }
    }
}

/// Open columns as a 7-bit set: the top cells (row 5) of the columns,
/// gathered by one multiplication (bit 7i of the shifted board lands on
/// bit 42 + i; no two partial products collide, so nothing carries).
#[inline]
fn open_columns(mask: u64) -> usize {
    const TOP: u64 = BOTTOM << (HEIGHT - 1);
    const GATHER: u64 = (1 << 42) | (1 << 36) | (1 << 30) | (1 << 24) | (1 << 18) | (1 << 12) | (1 << 6);
    ((((!mask & TOP) >> (HEIGHT - 1)).wrapping_mul(GATHER) >> 42) & 127) as usize
}

/// NTH_OPEN[set][k]: the k-th column (0-based) of a 7-bit set of columns.
/// A lookup instead of a loop over set bits keeps random playouts free of
/// unpredictable branches.
const NTH_OPEN: [[u8; 7]; 128] = {
    let mut t = [[0u8; 7]; 128];
    let mut set = 0;
    while set < 128 {
        let (mut k, mut c) = (0, 0);
        while c < 7 {
            if set & (1 << c) != 0 {
                t[set][k] = c as u8;
                k += 1;
            }
            c += 1;
        }
        set += 1;
    }
    t
};

/// A uniformly random game, as fast as the engine goes: the outcome and
/// its length. Used for random playouts (benchmarks, tests); same law as
/// `play` between two random bots.
#[inline]
pub fn random_game(rng: &mut Rng) -> (Outcome, u32) {
    let (mut current, mut mask) = (0u64, 0u64);
    let mut plies = 0;
    loop {
        let open = open_columns(mask);
        let k = rng::below(rng, open.count_ones() as u64) as usize;
        let c = NTH_OPEN[open][k] as u32;
        let bit = (mask + BOTTOM) & column_mask(c);
        if has_four(current | bit) {
            let p = if plies & 1 == 0 { Player::First } else { Player::Second };
            return (Outcome::Win(p), plies + 1);
        }
        current ^= mask;
        mask |= bit;
        plies += 1;
        if plies == CELLS {
            return (Outcome::Draw, CELLS);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connect4::bots::Bot;
    use crate::connect4::policy::Policy;
    use crate::connect4::features::COUNT;
    use crate::rng::stream;

    #[test]
    fn open_columns_are_gathered_exactly() {
        let mut r = stream(8, &[]);
        for _ in 0..2000 {
            let mut pos = Position::EMPTY;
            while pos.outcome().is_none() {
                let expected: usize = pos.legal_columns().iter().map(|c| 1 << c).sum();
                assert_eq!(open_columns(pos.mask()), expected);
                let legal = pos.legal_columns();
                for (k, &c) in legal.iter().enumerate() {
                    assert_eq!(NTH_OPEN[expected][k] as u32, c);
                }
                pos.play_column(legal[rng::below(&mut r, legal.len() as u64) as usize]);
            }
        }
    }

    #[test]
    fn random_games_have_the_known_statistics() {
        // Uniform random play: the first player wins about 55.6%, draws are
        // about 0.2%, mean length about 21 plies (well-known Monte Carlo
        // values); check both game loops against each other within 4 sd.
        let n = 200_000u32;
        let (mut fast, mut full) = ([0u32; 3], [0u32; 3]);
        let (mut len_fast, mut len_full) = (0u64, 0u64);
        let mut r = stream(5, &[]);
        let idx = |o| match o {
            Outcome::Win(Player::First) => 0,
            Outcome::Win(Player::Second) => 1,
            Outcome::Draw => 2,
        };
        for _ in 0..n {
            let (o, l) = random_game(&mut r);
            fast[idx(o)] += 1;
            len_fast += l as u64;
            let g = play(Agent::Bot(Bot::Random), Agent::Bot(Bot::Random), &mut r);
            full[idx(g.outcome)] += 1;
            len_full += g.plies as u64;
            assert_eq!(g.sides[0].moves + g.sides[1].moves, g.plies);
        }
        let p = fast[0] as f64 / n as f64;
        assert!((0.54..0.57).contains(&p), "first player wins {p}");
        let sd = (2.0 * p * (1.0 - p) / n as f64).sqrt();
        assert!((p - full[0] as f64 / n as f64).abs() < 4.0 * sd, "{fast:?} {full:?}");
        let (a, b) = (len_fast as f64 / n as f64, len_full as f64 / n as f64);
        assert!((a - b).abs() < 0.1 && (20.0..23.0).contains(&a), "{a} {b}");
    }

    #[test]
    fn zero_weight_policy_is_the_random_bot() {
        let p = Policy::new(&[0.0; COUNT]);
        let mut r = stream(6, &[]);
        let n = 50_000;
        let mut wins = 0;
        for _ in 0..n {
            let g = play(Agent::Policy(&p), Agent::Bot(Bot::Random), &mut r);
            wins += (g.outcome == Outcome::Win(Player::First)) as u32;
            assert!((g.sides[0].entropy / g.sides[0].moves as f64) <= 7f64.ln() + 1e-12);
        }
        let q = wins as f64 / n as f64;
        assert!((q - 0.556).abs() < 4.0 * (0.25 / n as f64).sqrt() + 0.01, "{q}");
    }

    #[test]
    fn greedy_beats_random() {
        let mut r = stream(7, &[]);
        let mut wins = 0;
        for i in 0..2000 {
            let g = if i % 2 == 0 {
                play(Agent::Bot(Bot::Greedy), Agent::Bot(Bot::Random), &mut r)
            } else {
                play(Agent::Bot(Bot::Random), Agent::Bot(Bot::Greedy), &mut r)
            };
            let greedy = if i % 2 == 0 { Player::First } else { Player::Second };
            wins += (g.outcome == Outcome::Win(greedy)) as u32;
            let gs = g.sides[i % 2];
            assert_eq!(gs.wins_taken, gs.win_chances);
            assert_eq!(gs.blocked, gs.must_block);
        }
        assert!(wins > 1600, "{wins}");
    }
}
