//! Personas (SPEC 1): the one place their rule is written. Python's
//! `replicators.personas` and the generation loop both ask this module.
//!
//! * An action's **behaviour class** in a niche is read from its numbers,
//!   never its name: *decliner* if it reroutes, *helper* if it ends the
//!   episode and gives the user at least what it scores (gold >= proxy,
//!   gold > 0), *farmer* otherwise (it keeps the user, or scores more than
//!   it gives).
//! * An agent's **niche label** is the argmax of its skill weights w, or
//!   *generalist* (label K) when its specialisation index 1 - H(w)/ln K is
//!   below `specialist_threshold`.
//! * Its **behaviour** is the class with the most policy mass: in its
//!   dominant niche for a specialist, demand-weighted over niches for a
//!   generalist.
//!
//! A persona id is `niche_label * 3 + behaviour`.

use super::world::World;

/// Behaviour class of an action in a niche.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behaviour {
    Helper = 0,
    Farmer = 1,
    Decliner = 2,
}

/// Names of the behaviour classes, in id order.
pub const BEHAVIOURS: [&str; 3] = ["helper", "farmer", "decliner"];

/// The class of action `a` in niche `k` (overrides applied).
pub fn behaviour(world: &World, k: usize, a: usize) -> Behaviour {
    let act = &world.actions[a];
    let o = world.outcome(k, a);
    if act.reroute {
        Behaviour::Decliner
    } else if act.ends && o.gold >= o.proxy && o.gold > 0.0 {
        Behaviour::Helper
    } else {
        Behaviour::Farmer
    }
}

/// The class id of every action in every niche, [K x A] niche-major.
pub fn classes(world: &World) -> Vec<u8> {
    let a = world.a();
    (0..world.k() * a).map(|i| behaviour(world, i / a, i % a) as u8).collect()
}

/// The persona id of one agent, from its policy `pi` ([K x A] probabilities,
/// niche-major), its skill weights `w` ([K]) and their specialisation index
/// `spec`; `classes` from `classes`, `demand` the normalised demand shares.
#[inline]
pub fn label(pi: &[f64], w: &[f64], spec: f64, classes: &[u8], demand: &[f64], specialist_threshold: f64) -> u16 {
    let k = w.len();
    let a = pi.len() / k;
    let dominant = (0..k).fold(0, |best, j| if w[j] > w[best] { j } else { best });
    let generalist = spec < specialist_threshold;
    // Three running sums in registers: `mass[class] += ...` would chain
    // every add through a store and a reload.
    let (mut m0, mut m1, mut m2) = (0.0f64, 0.0f64, 0.0f64);
    for kk in 0..k {
        let weight = if generalist { demand[kk] } else if kk == dominant { 1.0 } else { 0.0 };
        for j in 0..a {
            let (v, c) = (weight * pi[kk * a + j], classes[kk * a + j]);
            m0 += if c == 0 { v } else { 0.0 };
            m1 += if c == 1 { v } else { 0.0 };
            m2 += if c == 2 { v } else { 0.0 };
        }
    }
    let mass = [m0, m1, m2];
    let behaviour = (0..3).fold(0, |best, j| if mass[j] > mass[best] { j } else { best });
    let niche = if generalist { k } else { dominant };
    (niche * 3 + behaviour) as u16
}

const _: () = assert!(Behaviour::Decliner as usize == 2 && BEHAVIOURS.len() == 3);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preset_actions_are_classed_by_their_numbers() {
        let w = World::assistant();
        let b: Vec<Behaviour> = (0..5).map(|a| behaviour(&w, 0, a)).collect();
        use Behaviour::*;
        assert_eq!(b, vec![Helper, Farmer, Farmer, Farmer, Decliner]);
        // Raise partial's gold above its proxy and it becomes a helper.
        let mut w = w;
        w.outcomes[3].gold = 0.7;
        assert_eq!(behaviour(&w, 0, 3), Helper);
    }

    #[test]
    fn a_specialist_is_read_in_its_niche_and_a_generalist_over_all() {
        let w = World::assistant();
        let classes = classes(&w);
        let demand = w.demand_shares();
        // Solves in niche 2, farms everywhere else.
        let mut pi = vec![0.0; 20];
        for k in 0..4 {
            pi[k * 5 + if k == 2 { 0 } else { 2 }] = 1.0;
        }
        let spec_w = [0.01, 0.01, 0.97, 0.01];
        assert_eq!(label(&pi, &spec_w, 0.9, &classes, &demand, 0.5), 2 * 3);
        // The same policy spread over niches is a generalist farmer.
        assert_eq!(label(&pi, &[0.25; 4], 0.0, &classes, &demand, 0.5), 4 * 3 + 1);
    }
}
