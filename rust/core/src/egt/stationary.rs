//! The stationary distribution over strategies in the limit of rare
//! mutations (Fudenberg & Imhof 2006).
//!
//! When mutations are rare, the population is almost always monomorphic: a
//! mutant either fixes or is lost before the next one appears. The
//! population then moves among the n monomorphic states as a Markov chain
//! that leaves resident j for strategy i with probability
//! `rho_{i,j} / (n - 1)` (a mutant picks one of the n - 1 other strategies
//! uniformly, then fixes with the exact probability `rho_{i,j}`); its
//! stationary distribution is the share of time spent in each state.

use super::fixation::exact;
use super::game::MatrixGame;
use super::linalg::Lu;
use super::process::{FitnessMap, Process, Setup};
use crate::control::Control;
use crate::error::{Error, Result};

/// `rho[i * n + j]`: the fixation probability of one `i` mutant among `j`
/// residents; the diagonal holds 1/N, a neutral mutant's.
pub fn fixation_matrix(
    game: &MatrixGame,
    population: u64,
    intensity: f64,
    process: Process,
    fitness: FitnessMap,
    control: &Control,
) -> Result<Vec<f64>> {
    // Validate population and intensity even when there is no pair (n = 1).
    Setup::new(game.pair_or_self(), population, intensity, process, fitness)?;
    let n = game.strategies();
    let mut rho = vec![1.0 / population.max(1) as f64; n * n];
    for i in 0..n {
        for j in 0..n {
            if i != j {
                control.checkpoint()?;
                let setup = Setup::new(game.pair(i, j)?, population, intensity, process, fitness)?;
                rho[i * n + j] = exact(&setup, Some(control))?.probability;
            }
        }
    }
    Ok(rho)
}

/// The stationary distribution of the embedded chain among monomorphic
/// states, from the fixation matrix of `fixation_matrix`.
pub fn stationary_from_rho(rho: &[f64], n: usize) -> Result<Vec<f64>> {
    if n == 1 {
        return Ok(vec![1.0]);
    }
    let step = 1.0 / (n - 1) as f64;
    // Transition matrix T[j][i] (from resident j to i); we solve pi (T - I) = 0
    // with the last equation replaced by sum(pi) = 1.
    let mut a = vec![0.0; n * n];
    for j in 0..n {
        let mut leave = 0.0;
        for i in 0..n {
            if i != j {
                let t = rho[i * n + j] * step;
                // row i of (T - I)^T gets T[j][i] in column j
                a[i * n + j] = t;
                leave += t;
            }
        }
        a[j * n + j] = -leave;
    }
    for j in 0..n {
        a[(n - 1) * n + j] = 1.0;
    }
    let mut b = vec![0.0; n];
    b[n - 1] = 1.0;
    let pi = Lu::factor(a, n, None)
        .map_err(|_| Error::Numerical {
            message: "the rare-mutation chain has no unique stationary distribution (some fixation \
                      probabilities are 0: weaken the intensity or use a smaller population)"
                .into(),
        })?
        .solve(&b);
    // Round-off can leave -1e-17 on states that are never visited.
    Ok(pi.into_iter().map(|p| p.max(0.0)).collect())
}

/// Stationary distribution and fixation matrix in the rare-mutation limit.
pub fn stationary(
    game: &MatrixGame,
    population: u64,
    intensity: f64,
    process: Process,
    fitness: FitnessMap,
    control: &Control,
) -> Result<(Vec<f64>, Vec<f64>)> {
    let rho = fixation_matrix(game, population, intensity, process, fitness, control)?;
    let pi = stationary_from_rho(&rho, game.strategies())?;
    Ok((pi, rho))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_strategies_follow_the_fixation_ratio() {
        let g = MatrixGame::new(&[vec![3.0, 0.0], vec![5.0, 1.0]]).unwrap();
        let c = Control::new();
        let (pi, rho) = stationary(&g, 20, 0.1, Process::MoranBirthDeath, FitnessMap::Linear, &c).unwrap();
        // pi_0 / pi_1 = rho_{0,1} / rho_{1,0}
        let ratio = rho[1] / rho[2];
        assert!((pi[0] / pi[1] - ratio).abs() < 1e-10 * ratio, "{pi:?} {rho:?}");
        assert!((pi.iter().sum::<f64>() - 1.0).abs() < 1e-14);
    }

    #[test]
    fn neutral_games_are_uniform_and_rps_is_symmetric() {
        let c = Control::new();
        let neutral = MatrixGame::new(&vec![vec![1.0; 4]; 4]).unwrap();
        let (pi, _) = stationary(&neutral, 30, 1.0, Process::Fermi, FitnessMap::Linear, &c).unwrap();
        assert!(pi.iter().all(|p| (p - 0.25).abs() < 1e-14), "{pi:?}");
        let rps = MatrixGame::new(&[vec![0.0, -1.0, 1.0], vec![1.0, 0.0, -1.0], vec![-1.0, 1.0, 0.0]]).unwrap();
        let (pi, _) = stationary(&rps, 30, 1.0, Process::Fermi, FitnessMap::Linear, &c).unwrap();
        assert!(pi.iter().all(|p| (p - 1.0 / 3.0).abs() < 1e-12), "{pi:?}");
        let one = MatrixGame::new(&[vec![2.0]]).unwrap();
        assert_eq!(stationary(&one, 5, 1.0, Process::Fermi, FitnessMap::Linear, &c).unwrap().0, vec![1.0]);
        assert!(stationary(&one, 1, 1.0, Process::Fermi, FitnessMap::Linear, &c).is_err());
    }
}
