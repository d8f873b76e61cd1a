//! Mutation and reproduction: offspring genomes are copies of their parents'
//! with Gaussian noise on each gene. Shared by every world.

use multiversion::multiversion;
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

    /// Mutate one genome in place: the law, one genome at a time
    /// (`reproduce` draws the same numbers for 64 children side by side,
    /// `lanes_mutate_as_apply_does`).
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
    let width1 = width.max(1);
    let mutates = mutation.rate != 0.0 && mutation.scale != 0.0 && width > 0;
    let blocks = next.par_chunks_mut(width1 * LANES).zip(parents.par_chunks(LANES)).enumerate();
    blocks.for_each_init(Vec::new, |noise, (b, (children, ps))| {
        if control.is_cancelled() {
            return;
        }
        // Ask for the block's parents together first: they are scattered
        // in memory, and fetched one child at a time each would wait in
        // turn. The mutation draws need no genome, so they run while the
        // rows arrive; the copies and the noise come after.
        let mut acc = 0.0;
        if width > 0 {
            for &p in ps {
                let row = &genomes[p as usize * width..(p as usize + 1) * width];
                acc += row.iter().step_by(8).sum::<f64>() + row[width - 1];
            }
        }
        noise.clear();
        if mutates {
            Lanes::new(key, (b * LANES) as u64, ps.len()).draw(mutation, width, noise);
        }
        for (child, &p) in children.chunks_mut(width1).zip(ps) {
            let p = p as usize;
            child.copy_from_slice(&genomes[p * width..(p + 1) * width]);
        }
        for &(at, x) in noise.iter() {
            children[at as usize] += x;
        }
        std::hint::black_box(acc);
    });
}

/// Children per block of `reproduce`, mutated side by side (64 measured
/// fastest of 8, 16, 32 and 64: the compiler vectorises the longer loops
/// whole).
const LANES: usize = 64;

/// The mutation streams of a block of children, child l's in lane l:
/// the four words of each Xoshiro256++ state, lane by lane.
struct Lanes {
    s: [[u64; LANES]; 4],
    len: usize,
}

impl Lanes {
    /// The streams (key, first + l) of `len` children.
    fn new(key: u64, first: u64, len: usize) -> Lanes {
        let mut s = [[0u64; LANES]; 4];
        for l in 0..len {
            set_lane(&mut s, l, &rng::substream(key, &[first + l as u64]));
        }
        Lanes { s, len }
    }

    /// The noise `Mutation::apply` adds to every child of the block (`len`
    /// rows of `width` genes), each from its own stream in the same order:
    /// `(index in the block's rows, scale * N(0, 1))` for each gene that
    /// mutates. Adding it to the parents' genes gives `apply`'s children.
    ///
    /// Gene by gene, every lane draws whether its gene mutates at once (the
    /// generator's step written out below, in vector instructions); the few
    /// that do take their Gaussian from the library's generator, rebuilt
    /// from the lane's state and written back. The streams and the draws
    /// are `apply`'s (`lanes_mutate_as_apply_does`), but a child costs a
    /// vector lane per gene rather than a dependent chain and a
    /// mispredicted branch per mutation.
    fn draw(&mut self, mutation: &Mutation, width: usize, noise: &mut Vec<(u32, f64)>) {
        let live = if self.len == LANES { u64::MAX } else { (1u64 << self.len) - 1 };
        draw_lanes(&mut self.s, live, rng::chance(mutation.rate), mutation.scale, width, noise);
    }
}

/// `Lanes::draw` for the lanes in `live`, compiled for the vector
/// instructions the machine has.
#[multiversion(targets("x86_64+avx512f+avx512vl+avx512dq", "x86_64+avx2+avx", "x86_64+sse4.1"))]
fn draw_lanes(s: &mut [[u64; LANES]; 4], live: u64, cut: u64, scale: f64, width: usize, noise: &mut Vec<(u32, f64)>) {
    for gene in 0..width {
        let mut hits = hit_mask(s, cut) & live;
        while hits != 0 {
            let l = hits.trailing_zeros() as usize;
            hits &= hits - 1;
            let mut r = lane(s, l);
            noise.push(((l * width + gene) as u32, scale * rng::normal(&mut r)));
            set_lane(s, l, &r);
        }
    }
}

/// Lane l's stream as the library's generator (`from_seed` takes the state
/// words as they are, little-endian).
#[inline]
fn lane(s: &[[u64; LANES]; 4], l: usize) -> Rng {
    let mut seed = [0u8; 32];
    for (w, word) in s.iter().zip(seed.chunks_exact_mut(8)) {
        word.copy_from_slice(&w[l].to_le_bytes());
    }
    <Rng as rand::SeedableRng>::from_seed(seed)
}

/// Put a generator's state into lane l (`state()`, the inverse of `lane`).
#[inline]
fn set_lane(s: &mut [[u64; LANES]; 4], l: usize, r: &Rng) {
    for (w, word) in s.iter_mut().zip(r.state().chunks_exact(8)) {
        w[l] = u64::from_le_bytes(word.try_into().unwrap());
    }
}

/// One Xoshiro256++ step in every lane (its published definition, as
/// `rand_xoshiro` computes it): lane l's bit in the mask is whether its
/// output falls below `cut` (`rng::hit`).
#[inline(always)]
fn hit_mask(s: &mut [[u64; LANES]; 4], cut: u64) -> u64 {
    let mut mask = 0u64;
    for l in 0..LANES {
        let out = s[0][l].wrapping_add(s[3][l]).rotate_left(23).wrapping_add(s[0][l]);
        let t = s[1][l] << 17;
        s[2][l] ^= s[0][l];
        s[3][l] ^= s[1][l];
        s[1][l] ^= s[2][l];
        s[0][l] ^= s[3][l];
        s[2][l] ^= t;
        s[3][l] = s[3][l].rotate_left(45);
        mask |= (((out >> 11) < cut) as u64) << l;
    }
    mask
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
    fn lanes_mutate_as_apply_does() {
        // Every child of `reproduce` is its parent mutated by `apply` from
        // its stream: blocks full and partial, widths odd and even, rates
        // from rare to always.
        for (n, width, rate) in [(37, 24, 0.05), (16, 5, 0.2), (50, 1, 1.0), (3, 7, 0.5), (100, 24, 0.001), (130, 3, 0.3)] {
            let mut r = rng::stream(3, &[n as u64]);
            let genomes: Vec<f64> = (0..n * width).map(|_| rng::normal(&mut r)).collect();
            let parents: Vec<u32> = (0..n).map(|_| rng::below(&mut r, n as u64) as u32).collect();
            let m = Mutation { rate, scale: 0.3 };
            let mut next = Vec::new();
            reproduce(&genomes, width, &parents, &m, 8, 2, &mut next, &Control::new());
            let key = rng::key(8, &[domain::MUTATION, 2]);
            for (i, &p) in parents.iter().enumerate() {
                let mut child = genomes[p as usize * width..(p as usize + 1) * width].to_vec();
                m.apply(&mut child, &mut rng::substream(key, &[i as u64]));
                assert_eq!(&next[i * width..(i + 1) * width], &child[..], "n {n}, width {width}, rate {rate}, child {i}");
            }
        }
    }

    #[test]
    fn rejects_bad_knobs() {
        assert!(Mutation { rate: 1.5, scale: 1.0 }.validate().unwrap_err().to_string().contains("mutation.rate"));
        assert!(Mutation { rate: 0.5, scale: -1.0 }.validate().unwrap_err().to_string().contains("mutation.scale"));
    }
}
