//! Features of a move, phi(move), computed by the engine with bit tricks
//! (SPEC section 2). A policy scores a legal move by w . phi(move).
//!
//! Every feature takes few values, so a move's features pack into one byte
//! (`code`); a policy precomputes its score for all 256 codes once, and a
//! move then costs a table lookup instead of a dot product and an exp().

use super::board::{column_of, winning_cells, Position, WIDTH};

/// Number of features.
pub const COUNT: usize = 6;

/// Feature names, in genome order.
pub const NAMES: [&str; COUNT] = ["wins_now", "blocks", "allows_win_above", "centre_distance", "open_threes", "bias"];

/// Index of each feature in `NAMES` and in a genome.
pub mod index {
    /// 1 if the move completes four in a row.
    pub const WINS_NOW: usize = 0;
    /// 1 if the move occupies a cell where the opponent would complete four.
    pub const BLOCKS: usize = 1;
    /// 1 if the cell just above the move completes four for the opponent
    /// (the move lets the opponent win on top).
    pub const ALLOWS_WIN_ABOVE: usize = 2;
    /// |column - 4| / 3: 0 in the centre column, 1 at the edges.
    pub const CENTRE_DISTANCE: usize = 3;
    /// Empty cells that newly complete four for the mover after the move
    /// (threats made; open threes), capped at 7.
    pub const OPEN_THREES: usize = 4;
    /// Always 1. It shifts every legal move's score equally, so it cancels
    /// in the softmax: its weight is a neutral gene, a built-in baseline for
    /// how far weights drift without selection.
    pub const BIAS: usize = 5;
}

/// Number of distinct feature codes.
pub const CODES: usize = 256;
const MAX_THREES: u32 = 7;

/// What every move of a position shares: each side's winning cells.
#[derive(Debug, Clone, Copy)]
pub struct Threats {
    /// Empty cells that complete four for the player to move.
    pub mine: u64,
    /// Empty cells that complete four for the opponent.
    pub theirs: u64,
    /// Playable cells (legal moves).
    pub playable: u64,
}

impl Threats {
    #[inline]
    pub fn of(pos: &Position) -> Threats {
        Threats {
            mine: winning_cells(pos.current(), pos.mask()),
            theirs: winning_cells(pos.opponent(), pos.mask()),
            playable: pos.playable(),
        }
    }

    /// Moves that win at once.
    #[inline]
    pub fn wins(&self) -> u64 {
        self.mine & self.playable
    }

    /// Moves that stop an immediate win of the opponent.
    #[inline]
    pub fn blocks(&self) -> u64 {
        self.theirs & self.playable
    }
}

/// The feature code of dropping `bit` (a playable cell) in `pos`.
/// Bits: 0 wins_now, 1 blocks, 2 allows_win_above, 3-4 |column - centre|
/// (0-3), 5-7 open threes (0-7).
#[inline]
pub fn code(pos: &Position, t: &Threats, bit: u64) -> u8 {
    let wins = (t.mine & bit != 0) as u8;
    let blocks = (t.theirs & bit != 0) as u8;
    // The cell above stays empty after the move; the sentinel bit above
    // the top row is never a winning cell.
    let above = (t.theirs & (bit << 1) != 0) as u8;
    let centre = (column_of(bit) as i32 - (WIDTH as i32 / 2)).unsigned_abs() as u8;
    let made = winning_cells(pos.current() | bit, pos.mask() | bit) & !t.mine;
    let threes = made.count_ones().min(MAX_THREES) as u8;
    wins | blocks << 1 | above << 2 | centre << 3 | threes << 5
}

/// The feature vector phi of a code.
#[inline]
pub fn values(code: u8) -> [f64; COUNT] {
    let mut phi = [0.0; COUNT];
    phi[index::WINS_NOW] = (code & 1) as f64;
    phi[index::BLOCKS] = ((code >> 1) & 1) as f64;
    phi[index::ALLOWS_WIN_ABOVE] = ((code >> 2) & 1) as f64;
    phi[index::CENTRE_DISTANCE] = ((code >> 3) & 3) as f64 / 3.0;
    phi[index::OPEN_THREES] = (code >> 5) as f64;
    phi[index::BIAS] = 1.0;
    phi
}

/// Features of every legal move of `pos`: (column 0-based, phi), left to right.
pub fn of_moves(pos: &Position) -> Vec<(u32, [f64; COUNT])> {
    let t = Threats::of(pos);
    super::board::bits(pos.legal()).map(|bit| (column_of(bit), values(code(pos, &t, bit)))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phi(moves: &str, column: u32) -> [f64; COUNT] {
        let pos = Position::from_moves(moves).unwrap();
        of_moves(&pos).into_iter().find(|(c, _)| *c == column - 1).unwrap().1
    }

    #[test]
    fn features_say_what_they_mean() {
        // X has 4,4,4 stacked: column 4 wins now for X; O must block there.
        let f = phi("434343", 4);
        assert_eq!(f[index::WINS_NOW], 1.0);
        assert_eq!(f[index::CENTRE_DISTANCE], 0.0);
        let f = phi("4343435", 4);
        assert_eq!((f[index::WINS_NOW], f[index::BLOCKS]), (0.0, 1.0));
        // O to move; X (1,2,3 bottom row) wins at column 4, O (1,2,3
        // second row) at column 4 above it: playing 4 blocks, and does not
        // let X win on top.
        let f = phi("1122337", 4);
        assert_eq!((f[index::BLOCKS], f[index::ALLOWS_WIN_ABOVE]), (1.0, 0.0));
        // Open threes: X has 3,4 on the bottom row with 2 and 5 free;
        // playing 5 makes 3-4-5 with both 2 and 6 completing four.
        let f = phi("3141", 5);
        assert_eq!(f[index::OPEN_THREES], 2.0);
        assert_eq!(f[index::CENTRE_DISTANCE], 1.0 / 3.0);
        assert_eq!(phi("", 1)[index::CENTRE_DISTANCE], 1.0);
        assert!(phi("", 1).iter().zip(values(0b11000).iter()).all(|(a, b)| a == b));
    }

    #[test]
    fn allows_win_above_is_detected() {
        // X holds the second row of columns 5-7, so X wins at column 4,
        // second row; O to move: dropping in the empty column 4 lets X win on top.
        let pos = Position::from_moves("7556617").unwrap();
        let t = Threats::of(&pos);
        let bit4 = pos.playable() & super::super::board::column_mask(3);
        let c = code(&pos, &t, bit4);
        assert_eq!(values(c)[index::ALLOWS_WIN_ABOVE], 1.0);
        assert_eq!(values(c)[index::BLOCKS] + values(c)[index::WINS_NOW], 0.0);
    }
}
