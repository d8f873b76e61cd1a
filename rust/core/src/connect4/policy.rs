//! Feature-based softmax policies: pi(move) proportional to exp(w . phi(move))
//! over the legal moves (SPEC section 2).
//!
//! A genome is the weight vector w (one weight per feature). Because a
//! move's features pack into a one-byte code, the policy precomputes
//! exp(w . phi - max) for all 256 codes once: choosing a move then costs
//! table lookups, with no exp() in the game loop.

use super::features::{self, Threats, CODES, COUNT};
use super::board::{bits, Position};
use crate::rng::{self, Rng};

/// A softmax policy ready to play.
#[derive(Debug, Clone)]
pub struct Policy {
    /// w . phi(code) - max over codes.
    logit: [f64; CODES],
    /// exp(logit): the unnormalised probability of a move with that code.
    weight: [f64; CODES],
}

/// What a policy did at one move.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Choice {
    /// The cell played.
    pub bit: u64,
    /// Entropy (nats) of the policy's distribution over the legal moves.
    pub entropy: f64,
}

impl Policy {
    /// The policy with weights `w` (`features::COUNT` finite numbers).
    pub fn new(w: &[f64]) -> Policy {
        debug_assert_eq!(w.len(), COUNT);
        let mut logit = [0.0; CODES];
        for (c, l) in logit.iter_mut().enumerate() {
            let phi = features::values(c as u8);
            *l = phi.iter().zip(w).map(|(p, w)| p * w).sum();
        }
        let top = logit.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        let mut weight = [0.0; CODES];
        for (l, e) in logit.iter_mut().zip(weight.iter_mut()) {
            *l -= top;
            *e = l.exp();
        }
        Policy { logit, weight }
    }

    /// The probability of each legal move (column 0-based, probability).
    pub fn probabilities(&self, pos: &Position) -> Vec<(u32, f64)> {
        let t = Threats::of(pos);
        let moves: Vec<(u64, u8)> = bits(pos.legal()).map(|b| (b, features::code(pos, &t, b))).collect();
        let (p, _) = self.distribution(&moves);
        moves.iter().zip(p).map(|(&(b, _), p)| (super::board::column_of(b), p)).collect()
    }

    /// Normalised probabilities and entropy of moves given their codes.
    fn distribution(&self, moves: &[(u64, u8)]) -> (Vec<f64>, f64) {
        let total: f64 = moves.iter().map(|&(_, c)| self.weight[c as usize]).sum();
        if total > 0.0 {
            let p: Vec<f64> = moves.iter().map(|&(_, c)| self.weight[c as usize] / total).collect();
            let h = total.ln() - moves.iter().zip(&p).map(|(&(_, c), p)| p * self.logit[c as usize]).sum::<f64>();
            (p, h.max(0.0))
        } else {
            // Every legal move underflowed: the softmax is uniform over the
            // best-scored moves.
            let best = moves.iter().map(|&(_, c)| self.logit[c as usize]).fold(f64::NEG_INFINITY, f64::max);
            let k = moves.iter().filter(|&&(_, c)| self.logit[c as usize] == best).count() as f64;
            let p = moves.iter().map(|&(_, c)| if self.logit[c as usize] == best { 1.0 / k } else { 0.0 }).collect();
            (p, k.ln())
        }
    }

    /// Draw a move for the player to move in `pos` (which must not be over).
    #[inline]
    pub fn choose(&self, pos: &Position, t: &Threats, rng: &mut Rng) -> Choice {
        self.choose_scored(pos, t, rng, None)
    }

    /// `choose`, the same draws, adding the score of the move drawn,
    /// grad_w log pi(move) = phi(move) - sum_i pi_i phi(move_i), to `score`
    /// (what a policy-gradient learner accumulates over its moves).
    #[inline(always)]
    pub fn choose_scored(&self, pos: &Position, t: &Threats, rng: &mut Rng, score: Option<&mut [f64; COUNT]>) -> Choice {
        let mut cells = [0u64; 7];
        let mut codes = [0u8; 7];
        let mut w = [0.0f64; 7];
        let mut n = 0;
        let mut total = 0.0;
        for bit in bits(t.playable) {
            let c = features::code(pos, t, bit);
            cells[n] = bit;
            codes[n] = c;
            w[n] = self.weight[c as usize];
            total += w[n];
            n += 1;
        }
        if total > 0.0 {
            let mut u = rng::uniform(rng) * total;
            let mut pick = n - 1;
            for i in 0..n {
                if u < w[i] {
                    pick = i;
                    break;
                }
                u -= w[i];
            }
            // Rounding can leave u past the last weight: take the last
            // move with positive weight.
            if w[pick] == 0.0 {
                pick = (0..n).rev().find(|&i| w[i] > 0.0).unwrap_or(pick);
            }
            // H = ln Z - sum p_i * logit_i (logits shifted like the weights).
            let mut dot = 0.0;
            for i in 0..n {
                dot += w[i] * self.logit[codes[i] as usize];
            }
            let entropy = (total.ln() - dot / total).max(0.0);
            if let Some(score) = score {
                add_score(score, &codes[..n], codes[pick], |i| w[i] / total);
            }
            Choice { bit: cells[pick], entropy }
        } else {
            let (_, h) = self.distribution(&(0..n).map(|i| (cells[i], codes[i])).collect::<Vec<_>>());
            let best = (0..n).map(|i| self.logit[codes[i] as usize]).fold(f64::NEG_INFINITY, f64::max);
            let top: Vec<usize> = (0..n).filter(|&i| self.logit[codes[i] as usize] == best).collect();
            let pick = top[rng::below(rng, top.len() as u64) as usize];
            if let Some(score) = score {
                let share = 1.0 / top.len() as f64;
                add_score(score, &codes[..n], codes[pick], |i| if self.logit[codes[i] as usize] == best { share } else { 0.0 });
            }
            Choice { bit: cells[pick], entropy: h }
        }
    }
}

/// score += phi(chosen) - sum_i p(i) phi(codes[i]).
fn add_score(score: &mut [f64; COUNT], codes: &[u8], chosen: u8, p: impl Fn(usize) -> f64) {
    let phi = features::values(chosen);
    for f in 0..COUNT {
        score[f] += phi[f];
    }
    for (i, &c) in codes.iter().enumerate() {
        let (q, phi) = (p(i), features::values(c));
        for f in 0..COUNT {
            score[f] -= q * phi[f];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connect4::features::index;
    use crate::rng::stream;

    #[test]
    fn zero_weights_play_uniformly() {
        let p = Policy::new(&[0.0; COUNT]);
        let probs = p.probabilities(&Position::EMPTY);
        assert_eq!(probs.len(), 7);
        assert!(probs.iter().all(|&(_, q)| (q - 1.0 / 7.0).abs() < 1e-12));
        let t = Threats::of(&Position::EMPTY);
        let c = p.choose(&Position::EMPTY, &t, &mut stream(0, &[]));
        assert!((c.entropy - 7f64.ln()).abs() < 1e-12);
    }

    #[test]
    fn sampling_follows_the_softmax() {
        let mut w = [0.0; COUNT];
        w[index::CENTRE_DISTANCE] = -2.0;
        let p = Policy::new(&w);
        let pos = Position::EMPTY;
        let probs = p.probabilities(&pos);
        let t = Threats::of(&pos);
        let mut r = stream(1, &[]);
        let m = 70_000;
        let mut counts = [0u32; 7];
        for _ in 0..m {
            counts[super::super::board::column_of(p.choose(&pos, &t, &mut r).bit) as usize] += 1;
        }
        for (c, q) in probs {
            let sd = (m as f64 * q * (1.0 - q)).sqrt();
            assert!((counts[c as usize] as f64 - m as f64 * q).abs() < 4.0 * sd, "{counts:?}");
        }
        // Centre preferred: exp(0) vs exp(-2) at the edges.
        assert!(counts[3] > 5 * counts[0]);
    }

    #[test]
    fn huge_weights_do_not_overflow() {
        let mut w = [0.0; COUNT];
        w[index::CENTRE_DISTANCE] = -1e6;
        let p = Policy::new(&w);
        let probs = p.probabilities(&Position::EMPTY);
        assert_eq!(probs[3].1, 1.0);
        let t = Threats::of(&Position::EMPTY);
        let c = p.choose(&Position::EMPTY, &t, &mut stream(0, &[]));
        assert_eq!(super::super::board::column_of(c.bit), 3);
        assert_eq!(c.entropy, 0.0);
    }
}
