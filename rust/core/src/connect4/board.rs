//! The 7x6 bitboard: positions, legal moves, play, the win test.
//!
//! Layout (the classic one of John Tromp and Pascal Pons): bit
//! `column * 7 + row` (row 0 at the bottom) for each of the 7 columns, with
//! a 7th, always empty, sentinel bit on top of each column so that shifted
//! lines never wrap from one column into the next. A position is two
//! bitboards: `current` (stones of the player to move) and `mask` (all
//! stones). Playing in a column is then an addition: `mask + bottom` sets
//! the lowest empty cell of every column at once.

use crate::error::{Error, Result};

/// Columns of the board.
pub const WIDTH: u32 = 7;
/// Rows of the board.
pub const HEIGHT: u32 = 6;
/// Plies of a full board (a draw if nobody won).
pub const CELLS: u32 = WIDTH * HEIGHT;
/// Bits per column: the rows plus a sentinel.
const H1: u32 = HEIGHT + 1;

const fn bottom() -> u64 {
    let mut m = 0u64;
    let mut c = 0;
    while c < WIDTH {
        m |= 1u64 << (c * H1);
        c += 1;
    }
    m
}

/// The bottom cell of every column.
pub const BOTTOM: u64 = bottom();
/// Every playable cell (no sentinels).
pub const BOARD: u64 = BOTTOM * ((1u64 << HEIGHT) - 1);

/// The cells of column `c` (0-based).
#[inline]
pub const fn column_mask(c: u32) -> u64 {
    ((1u64 << HEIGHT) - 1) << (c * H1)
}

/// The column (0-based) of a single-bit board.
#[inline]
pub fn column_of(bit: u64) -> u32 {
    bit.trailing_zeros() / H1
}

/// Whether the stones `p` contain four in a row (any direction). All four
/// directions are computed without branches: cheaper than early exits in
/// random playouts, where the answer is almost always no.
#[inline]
pub fn has_four(p: u64) -> bool {
    let h = p & (p >> H1);
    let v = p & (p >> 1);
    let d1 = p & (p >> (H1 - 1));
    let d2 = p & (p >> (H1 + 1));
    ((h & (h >> (2 * H1))) | (v & (v >> 2)) | (d1 & (d1 >> (2 * (H1 - 1)))) | (d2 & (d2 >> (2 * (H1 + 1))))) != 0
}

/// Empty cells that would complete four in a row for the stones `p`
/// (whether or not they are playable now), given all stones `mask`.
#[inline]
pub fn winning_cells(p: u64, mask: u64) -> u64 {
    // Vertical: three stones directly below.
    let mut r = (p << 1) & (p << 2) & (p << 3);
    // Horizontal and both diagonals: for a step s, the cell completes
    // xxx_, xx_x, x_xx or _xxx along that direction.
    for s in [H1, H1 - 1, H1 + 1] {
        let t = (p << s) & (p << (2 * s));
        r |= t & (p << (3 * s));
        r |= t & (p >> s);
        let t = (p >> s) & (p >> (2 * s));
        r |= t & (p << s);
        r |= t & (p >> (3 * s));
    }
    r & (BOARD ^ mask)
}

/// Which player moves: `First` opens the game.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Player {
    First,
    Second,
}

/// How a finished game ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    Win(Player),
    Draw,
}

/// A position: whose stones are where, and how many plies were played.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Position {
    /// Stones of the player to move.
    current: u64,
    /// All stones.
    mask: u64,
    plies: u32,
}

impl Position {
    /// The empty board.
    pub const EMPTY: Position = Position { current: 0, mask: 0, plies: 0 };

    /// The position after a move string: digits 1-7, one per ply, columns
    /// counted from the left ("4455": both players twice in the middle).
    /// Rejects other characters, moves into a full column and moves after
    /// the game has ended, naming the offending move.
    pub fn from_moves(moves: &str) -> Result<Position> {
        let mut pos = Position::EMPTY;
        for (i, ch) in moves.chars().enumerate() {
            let bad = |why: String| Error::invalid("moves", format!("{moves:?}"), format!("a string of columns 1-7 ({why})"));
            let c = match ch.to_digit(10) {
                Some(d @ 1..=7) => d - 1,
                _ => return Err(bad(format!("move {} is {ch:?}, not a column 1-7", i + 1))),
            };
            if pos.outcome().is_some() {
                return Err(bad(format!("move {} comes after the game has ended", i + 1)));
            }
            if !pos.can_play(c) {
                return Err(bad(format!("move {} plays in column {}, which is full", i + 1, c + 1)));
            }
            pos.play_column(c);
        }
        Ok(pos)
    }

    #[inline]
    pub fn plies(&self) -> u32 {
        self.plies
    }

    #[inline]
    pub fn current(&self) -> u64 {
        self.current
    }

    #[inline]
    pub fn mask(&self) -> u64 {
        self.mask
    }

    /// Stones of the player who just moved.
    #[inline]
    pub fn opponent(&self) -> u64 {
        self.current ^ self.mask
    }

    /// Who moves next.
    #[inline]
    pub fn to_move(&self) -> Player {
        if self.plies % 2 == 0 { Player::First } else { Player::Second }
    }

    /// A unique key of the position (stones of the mover plus all stones).
    #[inline]
    pub fn key(&self) -> u64 {
        self.current + self.mask
    }

    /// The cells where a stone can be dropped now, one per open column
    /// (whether or not the game has ended: see `legal`).
    #[inline]
    pub fn playable(&self) -> u64 {
        (self.mask + BOTTOM) & BOARD
    }

    /// Legal moves as cells: none once the game has ended.
    #[inline]
    pub fn legal(&self) -> u64 {
        if self.outcome().is_some() { 0 } else { self.playable() }
    }

    /// Whether column `c` (0-based) has room.
    #[inline]
    pub fn can_play(&self, c: u32) -> bool {
        c < WIDTH && self.mask & column_mask(c) != column_mask(c)
    }

    /// Whether dropping the stone `bit` wins for the player to move.
    #[inline]
    pub fn wins_with(&self, bit: u64) -> bool {
        has_four(self.current | bit)
    }

    /// Drop a stone on the playable cell `bit` (one bit of `playable()`).
    #[inline]
    pub fn play(&mut self, bit: u64) {
        // The mover's stones become the opponent's view: xor with mask
        // swaps sides, then the new stone joins mask only.
        self.current ^= self.mask;
        self.mask |= bit;
        self.plies += 1;
    }

    /// Drop a stone in column `c` (0-based, must have room).
    #[inline]
    pub fn play_column(&mut self, c: u32) {
        debug_assert!(self.can_play(c));
        self.play(self.playable() & column_mask(c));
    }

    /// The result if the game has ended: the player who just moved won, or
    /// the board is full.
    #[inline]
    pub fn outcome(&self) -> Option<Outcome> {
        if self.plies > 0 && has_four(self.opponent()) {
            let last = if self.plies % 2 == 1 { Player::First } else { Player::Second };
            Some(Outcome::Win(last))
        } else if self.plies == CELLS {
            Some(Outcome::Draw)
        } else {
            None
        }
    }

    /// Legal columns (0-based), left to right.
    pub fn legal_columns(&self) -> Vec<u32> {
        let legal = self.legal();
        (0..WIDTH).filter(|&c| legal & column_mask(c) != 0).collect()
    }

    /// The board as 6 lines of 7 characters, top row first: `X` for the
    /// first player's stones, `O` for the second's, `.` for empty cells.
    pub fn diagram(&self) -> String {
        let first = if self.plies % 2 == 0 { self.current } else { self.opponent() };
        let mut s = String::with_capacity(48);
        for row in (0..HEIGHT).rev() {
            for c in 0..WIDTH {
                let bit = 1u64 << (c * H1 + row);
                s.push(if self.mask & bit == 0 { '.' } else if first & bit != 0 { 'X' } else { 'O' });
            }
            s.push('\n');
        }
        s
    }
}

/// Iterate over the set bits of a board, lowest first (one bit each).
#[inline]
pub fn bits(mut b: u64) -> impl Iterator<Item = u64> {
    std::iter::from_fn(move || {
        if b == 0 {
            None
        } else {
            let bit = b & b.wrapping_neg();
            b ^= bit;
            Some(bit)
        }
    })
}

/// The k-th set bit (0-based, lowest first) of `b`; k < popcount(b).
#[inline]
pub fn nth_bit(mut b: u64, k: u32) -> u64 {
    for _ in 0..k {
        b &= b - 1;
    }
    b & b.wrapping_neg()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{self, stream};

    /// A naive checker: scan the 6x7 grid for four equal stones in a row.
    fn naive_winner(grid: &[[u8; 7]; 6]) -> Option<u8> {
        let dirs = [(0i32, 1i32), (1, 0), (1, 1), (1, -1)];
        for r in 0..6i32 {
            for c in 0..7i32 {
                let s = grid[r as usize][c as usize];
                if s == 0 {
                    continue;
                }
                for (dr, dc) in dirs {
                    if (1..4).all(|k| {
                        let (rr, cc) = (r + dr * k, c + dc * k);
                        (0..6).contains(&rr) && (0..7).contains(&cc) && grid[rr as usize][cc as usize] == s
                    }) {
                        return Some(s);
                    }
                }
            }
        }
        None
    }

    #[test]
    fn bitboard_win_test_agrees_with_a_naive_checker() {
        // Random stone patterns (not necessarily reachable): the bitboard
        // test must find four in a row exactly when the naive scan does.
        let mut r = stream(1, &[]);
        let mut wins = 0;
        for _ in 0..200_000 {
            let mut grid = [[0u8; 7]; 6];
            let mut p = 0u64;
            let density = rng::uniform(&mut r) * 0.6;
            for row in 0..6 {
                for c in 0..7 {
                    if rng::bernoulli(&mut r, density) {
                        grid[row as usize][c as usize] = 1;
                        p |= 1u64 << (c * H1 + row);
                    }
                }
            }
            let naive = naive_winner(&grid).is_some();
            assert_eq!(has_four(p), naive, "\n{grid:?}");
            wins += naive as u32;
        }
        assert!(wins > 10_000, "too few wins to be a test: {wins}");
    }

    #[test]
    fn outcomes_of_random_games_agree_with_a_naive_checker() {
        let mut r = stream(2, &[]);
        for _ in 0..20_000 {
            let mut pos = Position::EMPTY;
            let mut grid = [[0u8; 7]; 6];
            loop {
                let naive = naive_winner(&grid);
                match pos.outcome() {
                    Some(Outcome::Win(p)) => {
                        assert_eq!(naive, Some(if p == Player::First { 1 } else { 2 }));
                        break;
                    }
                    Some(Outcome::Draw) => {
                        assert_eq!(naive, None);
                        assert_eq!(pos.plies(), 42);
                        break;
                    }
                    None => assert_eq!(naive, None),
                }
                let legal = pos.legal_columns();
                let c = legal[rng::below(&mut r, legal.len() as u64) as usize];
                let row = (pos.mask() & column_mask(c)).count_ones();
                grid[row as usize][c as usize] = if pos.to_move() == Player::First { 1 } else { 2 };
                // winning_cells must predict the win exactly.
                let bit = pos.playable() & column_mask(c);
                let predicted = winning_cells(pos.current(), pos.mask()) & bit != 0;
                assert_eq!(predicted, pos.wins_with(bit));
                pos.play_column(c);
            }
        }
    }

    #[test]
    fn move_strings_parse_and_fail_clearly() {
        let p = Position::from_moves("4455").unwrap();
        assert_eq!(p.plies(), 4);
        assert_eq!(p.diagram().lines().skip(4).collect::<Vec<_>>(), ["...OO..", "...XX.."]);
        assert_eq!(Position::from_moves("").unwrap(), Position::EMPTY);
        // First player wins vertically at move 7.
        let p = Position::from_moves("4343434").unwrap();
        assert_eq!(p.outcome(), Some(Outcome::Win(Player::First)));
        assert_eq!(p.legal(), 0);
        let e = Position::from_moves("43434345").unwrap_err().to_string();
        assert!(e.contains("moves") && e.contains("move 8") && e.contains("ended"), "{e}");
        let e = Position::from_moves("1111111").unwrap_err().to_string();
        assert!(e.contains("move 7") && e.contains("column 1") && e.contains("full"), "{e}");
        let e = Position::from_moves("408").unwrap_err().to_string();
        assert!(e.contains("move 2") && e.contains("'0'"), "{e}");
        assert!(Position::from_moves("12x").is_err());
    }

    #[test]
    fn a_full_board_without_four_is_a_draw() {
        // Random games that fill the board end in a draw at 42 plies.
        let mut r = stream(3, &[]);
        let mut draws = 0;
        for _ in 0..100_000 {
            let mut pos = Position::EMPTY;
            while pos.outcome().is_none() {
                let legal = pos.legal();
                pos.play(nth_bit(legal, rng::below(&mut r, legal.count_ones() as u64) as u32));
            }
            if pos.outcome() == Some(Outcome::Draw) {
                draws += 1;
                assert_eq!(pos.plies(), 42);
                assert!(!has_four(pos.current()) && !has_four(pos.opponent()));
            }
        }
        assert!(draws > 0);
    }
}
