//! Mutation and reproduction: offspring genomes are copies of their parents'
//! with Gaussian noise on each gene. Shared by every world.

use rayon::prelude::*;

use crate::control::Control;
use crate::error::Result;
use crate::law::{Field, Law};
use crate::rng::{self, domain, Rng};

pub const RATE: Field = Field::new("mutation.rate", Law::Probability);
/// Gene noise's standard deviation. Genes are logits: beyond 1e6 a single
/// step saturates every softmax, and near 1e308 the genomes overflow to
/// inf and NaN.
pub const SCALE: Field = Field::new("mutation.scale", Law::AtMost(1e6));
/// The law of each mutation knob (`crate::law`).
pub const LAWS: &[Field] = &[RATE, SCALE];

/// Each gene (a logit) mutates with probability `rate`, adding N(0, scale^2).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Mutation {
    pub rate: f64,
    pub scale: f64,
}

impl Mutation {
    pub const NONE: Mutation = Mutation { rate: 0.0, scale: 0.0 };

    pub fn validate(&self) -> Result<()> {
        RATE.check(self.rate)?;
        SCALE.check(self.scale)?;
        Ok(())
    }

    /// Mutate one genome in place.
    #[inline]
    pub fn apply(&self, genome: &mut [f64], rng: &mut Rng) {
        if self.rate == 0.0 || self.scale == 0.0 {
            return;
        }
        let cut = rng::chance(self.rate);
        for g in genome.iter_mut() {
            if rng::hit(rng, cut) {
                *g += self.scale * rng::normal(rng);
            }
        }
    }
}

/// Build the next generation: `next[i] = mutate(genomes[parents[i]])`, where
/// genomes are rows of `width` genes. Offspring i mutates with the stream
/// (seed, MUTATION, generation, i), so the result is the same at any thread
/// count. A cancelled `control` stops the work early, leaving `next`
/// partial (the caller's next checkpoint returns `Interrupted`).
#[allow(clippy::too_many_arguments)]
pub fn reproduce(
    genomes: &[f64],
    width: usize,
    parents: &[u32],
    mutation: &Mutation,
    seed: u64,
    generation: u64,
    next: &mut Vec<f64>,
    control: &Control,
) {
    next.resize(parents.len() * width, 0.0);
    // The streams' common prefix is hashed once (same streams as `rng::stream`).
    let key = rng::key(seed, &[domain::MUTATION, generation]);
    const BLOCK: usize = 16;
    let width1 = width.max(1);
    next.par_chunks_mut(width1 * BLOCK).zip(parents.par_chunks(BLOCK)).enumerate().for_each(|(b, (children, ps))| {
        if control.is_cancelled() {
            return;
        }
        // Read the block's parents together first: they are scattered in
        // memory, and fetched one child at a time each would wait in turn.
        if width > 0 {
            let mut acc = 0.0;
            for &p in ps {
                let row = &genomes[p as usize * width..(p as usize + 1) * width];
                acc += row.iter().step_by(8).sum::<f64>() + row[width - 1];
            }
            std::hint::black_box(acc);
        }
        for (j, (child, &p)) in children.chunks_mut(width1).zip(ps).enumerate() {
            let p = p as usize;
            child.copy_from_slice(&genomes[p * width..(p + 1) * width]);
            let mut r = rng::substream(key, &[(b * BLOCK + j) as u64]);
            mutation.apply(child, &mut r);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::control::with_threads;

    #[test]
    fn no_mutation_copies_parents() {
        let g = vec![1.0, 2.0, 3.0, 4.0];
        let mut next = Vec::new();
        reproduce(&g, 2, &[1, 1, 0], &Mutation::NONE, 0, 0, &mut next, &Control::new());
        assert_eq!(next, vec![3.0, 4.0, 3.0, 4.0, 1.0, 2.0]);
    }

    #[test]
    fn noise_has_the_asked_variance_and_threads_do_not_matter() {
        let n = 20_000;
        let g = vec![0.0; n];
        let parents: Vec<u32> = (0..n as u32).collect();
        let m = Mutation { rate: 0.5, scale: 2.0 };
        let run = |t| {
            with_threads(Some(t), || {
                let mut next = Vec::new();
                reproduce(&g, 1, &parents, &m, 11, 3, &mut next, &Control::new());
                next
            })
            .unwrap()
        };
        let a = run(1);
        assert_eq!(a, run(2));
        let var = a.iter().map(|x| x * x).sum::<f64>() / n as f64;
        // E[x^2] = rate * scale^2 = 2; sd of the estimate ~ sqrt((3*0.5*16 - 4)/n)
        let sd = ((3.0 * 0.5 * 16.0 - 4.0) / n as f64).sqrt();
        assert!((var - 2.0).abs() < 4.0 * sd, "{var}");
    }

    #[test]
    fn rejects_bad_knobs() {
        assert!(Mutation { rate: 1.5, scale: 1.0 }.validate().unwrap_err().to_string().contains("mutation.rate"));
        assert!(Mutation { rate: 0.5, scale: -1.0 }.validate().unwrap_err().to_string().contains("mutation.scale"));
    }
}
