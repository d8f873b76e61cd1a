//! Move-generation checks: `perft` counts move sequences, `positions`
//! counts distinct positions, both with play stopping at a win (and at a
//! full board).

use std::collections::HashSet;

use super::board::{bits, Position};
use crate::control::Control;
use crate::error::{Error, Result};

/// Deepest `positions` search allowed: the sets of distinct positions grow
/// about 3-4x per ply (12 plies: tens of millions, gigabytes beyond).
pub const MAX_DISTINCT_DEPTH: u32 = 12;

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

/// `perft` that stops with `Error::Interrupted` once `control` is
/// cancelled (checked at nodes with 6 or more plies to go: cheap, and often
/// enough for Ctrl-C at any depth).
pub fn perft_controlled(pos: &Position, depth: u32, control: &Control) -> Result<u64> {
    if depth < 6 {
        return Ok(perft(pos, depth));
    }
    control.checkpoint()?;
    let mut n = 0;
    for bit in bits(pos.legal()) {
        let mut child = *pos;
        child.play(bit);
        n += perft_controlled(&child, depth - 1, control)?;
    }
    Ok(n)
}

/// `positions`, interruptible every few thousand positions expanded (a
/// ply at depth 12 takes seconds), and capped at `MAX_DISTINCT_DEPTH`.
pub fn positions_controlled(pos: &Position, depth: u32, control: &Control) -> Result<u64> {
    if depth > MAX_DISTINCT_DEPTH {
        return Err(Error::invalid("depth", depth, format!("at most {MAX_DISTINCT_DEPTH} when counting distinct positions")));
    }
    let mut level: Vec<Position> = vec![*pos];
    for _ in 0..depth {
        let mut seen = HashSet::with_capacity(level.len() * 4);
        let mut next = Vec::with_capacity(level.len() * 4);
        for (i, p) in level.iter().enumerate() {
            if i % 4096 == 0 {
                control.checkpoint()?;
            }
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
    Ok(level.len() as u64)
}

/// Number of distinct positions reachable in exactly `depth` plies from
/// `pos` (terminal positions are not expanded). From the empty board:
/// 1, 7, 49, 238, 1120, 4263, 16422, 54859, 184275 (OEIS A212693).
/// `depth` at most `MAX_DISTINCT_DEPTH` (a test helper: the public path is
/// `positions_controlled`).
pub fn positions(pos: &Position, depth: u32) -> u64 {
    positions_controlled(pos, depth, &Control::new()).expect("depth at most MAX_DISTINCT_DEPTH, never cancelled")
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
    fn controlled_versions_agree_and_stop() {
        let c = Control::new();
        assert_eq!(perft_controlled(&Position::EMPTY, 8, &c).unwrap(), 5673234);
        assert_eq!(positions_controlled(&Position::EMPTY, 6, &c).unwrap(), 16422);
        assert!(positions_controlled(&Position::EMPTY, 13, &c).unwrap_err().to_string().contains("depth"));
        c.cancel();
        assert_eq!(perft_controlled(&Position::EMPTY, 30, &c), Err(Error::Interrupted));
    }

    #[test]
    fn terminal_positions_have_no_continuations() {
        let won = Position::from_moves("4343434").unwrap();
        assert_eq!(perft(&won, 0), 1);
        assert_eq!(perft(&won, 1), 0);
        assert_eq!(positions(&won, 2), 0);
    }
}
