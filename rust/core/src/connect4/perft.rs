//! Move-generation checks: `perft` counts move sequences, `positions`
//! counts distinct positions, both with play stopping at a win (and at a
//! full board).

use std::collections::HashSet;

use super::board::{bits, Position};

/// Number of move sequences of length `depth` from `pos`; a sequence stops
/// when a move wins or fills the board, so it counts at its own depth only.
/// From the empty board: 1, 7, 49, 343, 2401, 16807, 117649, 823536,
/// 5673234 (SPEC section 3).
pub fn perft(pos: &Position, depth: u32) -> u64 {
    if depth == 0 {
        return 1;
    }
    let legal = pos.legal();
    if depth == 1 {
        // Bulk count: every legal move is a sequence of length 1.
        return legal.count_ones() as u64;
    }
    let mut n = 0;
    for bit in bits(legal) {
        let mut child = *pos;
        child.play(bit);
        n += perft(&child, depth - 1);
    }
    n
}

/// Number of distinct positions reachable in exactly `depth` plies from
/// `pos` (terminal positions are not expanded). From the empty board:
/// 1, 7, 49, 238, 1120, 4263, 16422, 54859, 184275 (OEIS A212693).
pub fn positions(pos: &Position, depth: u32) -> u64 {
    let mut level: Vec<Position> = vec![*pos];
    for _ in 0..depth {
        let mut seen = HashSet::with_capacity(level.len() * 4);
        let mut next = Vec::with_capacity(level.len() * 4);
        for p in &level {
            for bit in bits(p.legal()) {
                let mut child = *p;
                child.play(bit);
                if seen.insert(child.key()) {
                    next.push(child);
                }
            }
        }
        level = next;
    }
    level.len() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perft_matches_the_spec() {
        let expected = [1u64, 7, 49, 343, 2401, 16807, 117649, 823536, 5673234];
        for (d, &e) in expected.iter().enumerate() {
            assert_eq!(perft(&Position::EMPTY, d as u32), e, "depth {d}");
        }
    }

    #[test]
    fn distinct_positions_match_oeis_a212693() {
        let expected = [1u64, 7, 49, 238, 1120, 4263, 16422, 54859, 184275];
        for (d, &e) in expected.iter().enumerate() {
            assert_eq!(positions(&Position::EMPTY, d as u32), e, "depth {d}");
        }
    }

    #[test]
    fn terminal_positions_have_no_continuations() {
        let won = Position::from_moves("4343434").unwrap();
        assert_eq!(perft(&won, 0), 1);
        assert_eq!(perft(&won, 1), 0);
        assert_eq!(positions(&won, 2), 0);
    }
}
