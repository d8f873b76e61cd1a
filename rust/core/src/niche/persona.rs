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
//! * Its **behaviour** is read from its policy in every niche, weighted by
//!   demand (a specialist who solves in one niche and half-solves in three
//!   is mostly a farmer): *helper* or *farmer*, whichever class has more
//!   demand-weighted policy mass. Declining passes the user on rather than
//!   serving them, so it does not outvote either: an agent is a *decliner*
//!   only if declining is its most likely class in every niche (a
//!   specialist who solves in its niche and declines the others is a
//!   helper).
//! * **Farming** splits by how the farmer action earns (`farming`):
//!   *lengthening* (it does not end the episode: engage, flatter),
//!   *returning* (it ends with follow-ups and pays less gold than proxy:
//!   partial), or *other* (it ends, brings nobody back, and scores more
//!   than it gives).
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

/// How a farmer action earns (SPEC 1, "farming split").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Farming {
    /// Not a farmer action.
    None = 0,
    /// It keeps the user in the episode (engage, flatter).
    Lengthening = 1,
    /// It ends the episode and brings the user back (partial).
    Returning = 2,
    /// It ends, with no follow-up, scoring more than it gives.
    Other = 3,
}

/// Names of the farming kinds, in id order.
pub const FARMING: [&str; 4] = ["none", "lengthening", "returning", "other"];

/// The farming kind of action `a` in niche `k` (overrides applied).
pub fn farming(world: &World, k: usize, a: usize) -> Farming {
    if behaviour(world, k, a) != Behaviour::Farmer {
        Farming::None
    } else if !world.actions[a].ends {
        Farming::Lengthening
    } else if world.outcome(k, a).follow_up > 0.0 {
        Farming::Returning
    } else {
        Farming::Other
    }
}

/// The farming kind of every action in every niche, [K x A] niche-major.
pub fn farming_kinds(world: &World) -> Vec<u8> {
    let a = world.a();
    (0..world.k() * a).map(|i| farming(world, i / a, i % a) as u8).collect()
}

/// The class id of every action in every niche, [K x A] niche-major.
pub fn classes(world: &World) -> Vec<u8> {
    let a = world.a();
    (0..world.k() * a).map(|i| behaviour(world, i / a, i % a) as u8).collect()
}

/// The persona id of one agent, from its policy `pi` ([K x A] probabilities,
/// niche-major), its skill weights `w` ([K]) and their specialisation index
/// `spec`; `classes` from `classes`, `demand` the normalised demand shares.
pub fn label(pi: &[f64], w: &[f64], spec: f64, classes: &[u8], demand: &[f64], specialist_threshold: f64) -> u16 {
    let one = |x: &[f64]| x.iter().map(|&v| [v]).collect::<Vec<[f64; 1]>>();
    labels(&one(pi), &one(w), &[spec], classes, demand, specialist_threshold)[0]
}

/// The persona ids of L agents at once, agent l in lane l of every entry
/// (`super::build` labels a block of agents this way, one per SIMD lane).
/// The rule of `label`, written once: each lane does the same arithmetic
/// in the same order as one agent alone.
#[inline(always)]
pub fn labels<const L: usize>(pi: &[[f64; L]], w: &[[f64; L]], spec: &[f64; L], classes: &[u8], demand: &[f64], specialist_threshold: f64) -> [u16; L] {
    let k = w.len();
    let a = pi.len() / k;
    // The dominant niche: the first of the largest weights.
    let (mut top, mut dominant) = (w[0], [0u16; L]);
    for (j, wj) in w.iter().enumerate().skip(1) {
        for l in 0..L {
            let better = wj[l] > top[l];
            top[l] = if better { wj[l] } else { top[l] };
            dominant[l] = if better { j as u16 } else { dominant[l] };
        }
    }
    let (mut helper, mut farmer) = ([0.0f64; L], [0.0f64; L]);
    let mut declines_everywhere = [true; L];
    for kk in 0..k {
        let (mut m0, mut m1, mut m2) = ([0.0f64; L], [0.0f64; L], [0.0f64; L]);
        for j in 0..a {
            let (v, c) = (&pi[kk * a + j], classes[kk * a + j]);
            for l in 0..L {
                m0[l] += if c == 0 { v[l] } else { 0.0 };
                m1[l] += if c == 1 { v[l] } else { 0.0 };
                m2[l] += if c == 2 { v[l] } else { 0.0 };
            }
        }
        for l in 0..L {
            helper[l] += demand[kk] * m0[l];
            farmer[l] += demand[kk] * m1[l];
            declines_everywhere[l] &= m2[l] > m0[l] && m2[l] > m1[l];
        }
    }
    std::array::from_fn(|l| {
        let behaviour = if declines_everywhere[l] {
            Behaviour::Decliner
        } else if farmer[l] > helper[l] {
            Behaviour::Farmer
        } else {
            Behaviour::Helper
        };
        let niche = if spec[l] < specialist_threshold { k } else { dominant[l] as usize };
        (niche * 3 + behaviour as usize) as u16
    })
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
        // Read over every niche by demand: mostly a farmer.
        assert_eq!(label(&pi, &spec_w, 0.9, &classes, &demand, 0.5), 2 * 3 + 1);
        // The same policy spread over niches is a generalist farmer.
        assert_eq!(label(&pi, &[0.25; 4], 0.0, &classes, &demand, 0.5), 4 * 3 + 1);
        // Solving in its niche and declining the others: a helper specialist.
        for k in [0, 1, 3] {
            pi[k * 5 + 2] = 0.0;
            pi[k * 5 + 4] = 1.0;
        }
        assert_eq!(label(&pi, &spec_w, 0.9, &classes, &demand, 0.5), 2 * 3);
        // Declining everywhere: a decliner.
        pi[2 * 5] = 0.0;
        pi[2 * 5 + 4] = 1.0;
        assert_eq!(label(&pi, &spec_w, 0.9, &classes, &demand, 0.5), 2 * 3 + 2);
    }

    #[test]
    fn farming_splits_into_lengthening_returning_and_other() {
        let mut w = World::assistant();
        let kinds: Vec<u8> = (0..5).map(|a| farming(&w, 0, a) as u8).collect();
        // solve, engage, flatter, partial, decline
        assert_eq!(kinds, vec![0, 1, 1, 2, 0]);
        w.outcomes[3].follow_up = 0.0;
        assert_eq!(farming(&w, 0, 3), Farming::Other);
    }
}
