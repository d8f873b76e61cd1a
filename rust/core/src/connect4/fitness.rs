//! What selection sees in a tournament (SPEC section 2).

use super::tournament::Standing;
use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fitness {
    /// Own moves played over the generation's games.
    Moves,
    /// Sum of the policy's entropy (nats) at its own moves.
    Entropy,
    /// Games won (a draw is not a win).
    Wins,
    /// Games won / games played (0 for an individual that played none).
    WinRate,
}

impl Fitness {
    pub const NAMES: [&'static str; 4] = ["moves", "entropy", "wins", "win_rate"];

    pub fn from_name(name: &str) -> Result<Fitness> {
        match name {
            "moves" => Ok(Fitness::Moves),
            "entropy" => Ok(Fitness::Entropy),
            "wins" => Ok(Fitness::Wins),
            "win_rate" => Ok(Fitness::WinRate),
            other => Err(Error::unknown("fitness", other, &Self::NAMES)),
        }
    }

    #[inline]
    pub fn of(self, s: &Standing) -> f64 {
        match self {
            Fitness::Moves => s.moves as f64,
            Fitness::Entropy => s.entropy,
            Fitness::Wins => s.wins as f64,
            Fitness::WinRate if s.games == 0 => 0.0,
            Fitness::WinRate => s.wins as f64 / s.games as f64,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_read_the_standing() {
        let s = Standing { games: 4, wins: 3, draws: 1, moves: 50, entropy: 12.5 };
        assert_eq!(Fitness::Moves.of(&s), 50.0);
        assert_eq!(Fitness::Entropy.of(&s), 12.5);
        assert_eq!(Fitness::Wins.of(&s), 3.0);
        assert_eq!(Fitness::WinRate.of(&s), 0.75);
        assert_eq!(Fitness::WinRate.of(&Standing::default()), 0.0);
        assert!(matches!(Fitness::from_name("length"), Err(Error::UnknownName { .. })));
    }
}
