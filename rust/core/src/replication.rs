//! Replication: what every world's evolution shares. A population of
//! genomes (one row of `width` genes per individual), how it starts, and the
//! generation loop: keep snapshots, let the world play a generation and
//! score each individual, choose parents (`crate::selection`), copy and
//! mutate them (`crate::mutation`). A world supplies only the generation.

use rayon::prelude::*;

use crate::control::Control;
use crate::error::{Error, Result};
use crate::law::{Field, Law};
use crate::mutation::{reproduce, Mutation};
use crate::rng::{self, domain};
use crate::selection::{Parents, Selection};

pub const POPULATION: Field = Field::new("population", Law::at_least(2));
pub const GENERATIONS: Field = Field::new("generations", Law::at_least(1));
/// Bounded like `mutation.scale`: noise of 1e308 filled genomes with inf.
pub const INITIAL_SPREAD: Field = Field::new("initial_spread", Law::AtMost(1e6));
/// The largest initial gene: a world's scores sum genes times features, and
/// genes near f64's limit would overflow them to inf and NaN (a Connect Four
/// policy then has no move to play). Generations of mutation (scale <= 1e6)
/// stay far below f64's limit from here.
pub const MAX_GENE: f64 = 1e100;
/// The law of each replication knob (`crate::law`); a world may bound the
/// population further (its index types).
pub const LAWS: &[Field] = &[POPULATION, GENERATIONS, INITIAL_SPREAD];

/// The knobs of replication, whatever the world.
#[derive(Debug, Clone, PartialEq)]
pub struct Replication {
    pub population: usize,
    pub generations: u64,
    pub selection: Selection,
    pub mutation: Mutation,
    pub seed: u64,
    /// Generations whose genomes are kept (g = `generations` is the final
    /// population, after the last reproduction).
    pub snapshots: Vec<u64>,
    /// Initial genomes: empty (all zeros), one row (every individual
    /// starts from it) or one row per individual.
    pub initial: Vec<f64>,
    /// Standard deviation of Gaussian noise added to every initial gene.
    pub initial_spread: f64,
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Completed,
    /// Nobody reached the `Threshold` floor at this generation: the run stopped.
    Extinct { generation: u64 },
}

/// What the loop returns besides the world's own measurements.
#[derive(Debug, Clone, PartialEq)]
pub struct Lineage {
    pub snapshots: Vec<Snapshot>,
    pub status: Status,
}

/// The population at a chosen generation, with what traces its lineage.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub generation: u64,
    /// One row of `width` genes per individual.
    pub genomes: Vec<f64>,
    /// parents[i]: the index of individual i's parent in the previous
    /// generation (None at generation 0, which has no parents).
    pub parents: Option<Vec<u32>>,
    /// The fitness each individual earned in this generation (None for the
    /// final population, which never plays).
    pub fitness: Option<Vec<f64>>,
}

impl Replication {
    /// Proportional selection at pressure 1 on standardised fitness, no
    /// snapshots, all-zero start.
    pub fn new(population: usize, generations: u64, mutation: Mutation) -> Replication {
        Replication {
            population,
            generations,
            selection: Selection::Proportional { pressure: 1.0, standardize: true },
            mutation,
            seed: 0,
            snapshots: Vec::new(),
            initial: Vec::new(),
            initial_spread: 0.0,
        }
    }

    /// Check every knob, naming the field; `max_population` is the world's
    /// limit (its index types).
    pub fn validate(&self, max_population: usize) -> Result<()> {
        POPULATION.check_integer(self.population as u64)?;
        if self.population > max_population {
            return Err(Error::invalid("population", self.population, format!("an integer in [2, {max_population}]")));
        }
        GENERATIONS.check_integer(self.generations)?;
        INITIAL_SPREAD.check(self.initial_spread)?;
        if let Some(x) = self.initial.iter().find(|x| !(x.abs() <= MAX_GENE)) {
            return Err(Error::invalid("initial", x, format!("finite genes in [-{MAX_GENE:e}, {MAX_GENE:e}]")));
        }
        self.selection.validate()?;
        self.mutation.validate()
    }

    /// The starting population: `initial` spread to every individual, plus
    /// N(0, initial_spread^2) noise from each individual's own stream.
    pub fn initial_genomes(&self, width: usize) -> Result<Vec<f64>> {
        let n = self.population;
        let mut genomes = match self.initial.len() {
            0 => vec![0.0; n * width],
            len if len == width => self.initial.repeat(n),
            len if len == n * width => self.initial.clone(),
            len => return Err(Error::shape("initial", format!("expected {width} genes or {n} x {width}, got {len} values"))),
        };
        if let Some(bad) = genomes.iter().find(|g| !g.is_finite()) {
            return Err(Error::invalid("initial", bad, "finite genes"));
        }
        if self.initial_spread > 0.0 {
            genomes.par_chunks_mut(width.max(1)).enumerate().for_each(|(i, g)| {
                let mut r = rng::stream(self.seed, &[domain::INITIAL, i as u64]);
                g.iter_mut().for_each(|x| *x += self.initial_spread * rng::normal(&mut r));
            });
        }
        Ok(genomes)
    }

    /// Run the generations from `genomes` (rows of `width`): `generation(g,
    /// genomes)` plays generation g and returns each individual's fitness;
    /// what it leaves in `genomes` is what offspring inherit (a world whose
    /// individuals learn may write back what they learned: SPEC 5's
    /// Lamarckian inheritance). Snapshots keep the genomes as born.
    /// Stops early, as an outcome, when selection finds nobody to breed.
    pub fn run(
        &self,
        mut genomes: Vec<f64>,
        width: usize,
        control: &Control,
        mut generation: impl FnMut(u64, &mut [f64]) -> Result<Vec<f64>>,
    ) -> Result<Lineage> {
        // Zeroed by the allocator (pages mapped on first write, inside
        // `reproduce`'s interruptible loop), not filled by `resize` there:
        // at a million agents that fill alone took most of a second.
        let mut next = vec![0.0; genomes.len()];
        let mut snapshots = Vec::new();
        let mut status = Status::Completed;
        // The parents of the current population (kept only when a snapshot
        // will want them).
        let mut parents_of_current: Option<Vec<u32>> = None;
        for g in 0..self.generations {
            control.checkpoint()?;
            let born = self.snapshots.contains(&g).then(|| genomes.clone());
            let fitness = generation(g, &mut genomes)?;
            if let Some(born) = born {
                snapshots.push(Snapshot {
                    generation: g,
                    genomes: born,
                    parents: parents_of_current.take(),
                    fitness: Some(fitness.clone()),
                });
            }
            // Selection and reproduction see Ctrl-C too: at a million agents
            // each takes a few tenths of a second (more when reproduction
            // first touches its buffer's pages).
            control.checkpoint()?;
            let mut r = rng::stream(self.seed, &[domain::SELECTION, g]);
            match self.selection.choose(&fitness, self.population, &mut r, control)? {
                Parents::Chosen(parents) => {
                    reproduce(&genomes, width, &parents, &self.mutation, self.seed, g, &mut next, control);
                    control.checkpoint()?;
                    std::mem::swap(&mut genomes, &mut next);
                    parents_of_current = self.snapshots.contains(&(g + 1)).then_some(parents);
                }
                Parents::Extinct => status = Status::Extinct { generation: g },
            }
            control.advance(1);
            if status != Status::Completed {
                break;
            }
        }
        if status == Status::Completed && self.snapshots.contains(&self.generations) {
            snapshots.push(Snapshot { generation: self.generations, genomes, parents: parents_of_current, fitness: None });
        }
        Ok(Lineage { snapshots, status })
    }

    /// Bytes the loop holds per individual (two generations of genomes and
    /// the parent indices), for memory accounting.
    pub fn bytes_per_individual(width: usize) -> usize {
        2 * 8 * width + 4
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initial_genomes_take_one_row_or_all_rows_and_reject_the_rest() {
        let mut r = Replication::new(3, 1, Mutation::NONE);
        assert_eq!(r.initial_genomes(2).unwrap(), vec![0.0; 6]);
        r.initial = vec![1.0, 2.0];
        assert_eq!(r.initial_genomes(2).unwrap(), vec![1.0, 2.0, 1.0, 2.0, 1.0, 2.0]);
        r.initial = vec![0.0; 5];
        assert!(r.initial_genomes(2).unwrap_err().to_string().contains("initial"));
        r.initial = vec![f64::NAN, 0.0];
        assert!(r.initial_genomes(2).unwrap_err().to_string().contains("initial"));
    }

    #[test]
    fn the_loop_selects_on_the_fitness_it_is_given() {
        // Fitness = the first gene: selection must raise its mean.
        let mut r = Replication::new(400, 20, Mutation { rate: 1.0, scale: 0.1 });
        r.snapshots = vec![0, 20];
        let genomes = r.initial_genomes(1).unwrap();
        let out = r.run(genomes, 1, &Control::new(), |_, g| Ok(g.to_vec())).unwrap();
        assert_eq!(out.status, Status::Completed);
        let mean = |g: &[f64]| g.iter().sum::<f64>() / g.len() as f64;
        assert_eq!(out.snapshots.len(), 2);
        assert!(mean(&out.snapshots[1].genomes) > mean(&out.snapshots[0].genomes) + 0.3);
        // Generation 0 played and had no parents; the final one has parents, no fitness.
        assert!(out.snapshots[0].parents.is_none() && out.snapshots[0].fitness.as_deref() == Some(&out.snapshots[0].genomes[..]));
        assert!(out.snapshots[1].fitness.is_none() && out.snapshots[1].parents.as_ref().unwrap().len() == 400);
    }

    #[test]
    fn extinction_stops_the_run_as_an_outcome() {
        let mut r = Replication::new(10, 5, Mutation::NONE);
        r.selection = Selection::Threshold { floor: 1.0 };
        let out = r.run(vec![0.0; 10], 1, &Control::new(), |_, g| Ok(g.to_vec())).unwrap();
        assert_eq!(out.status, Status::Extinct { generation: 0 });
    }

    #[test]
    fn bad_knobs_name_the_field() {
        let mut r = Replication::new(1, 1, Mutation::NONE);
        assert!(r.validate(100).unwrap_err().to_string().contains("population"));
        r.population = 1000;
        assert!(r.validate(100).unwrap_err().to_string().contains("population"));
        r.population = 10;
        r.initial_spread = -1.0;
        assert!(r.validate(100).unwrap_err().to_string().contains("initial_spread"));
    }
}
