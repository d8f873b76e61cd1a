//! The world as data: niches, actions and what each action yields in each
//! niche. Nothing here knows what "solve" or "flatter" means: an action is a
//! row of numbers and flags, so users invent their own from Python or TOML.

use crate::error::{check, Error, Result};

/// A kind of user request (SPEC 1, "Niches").
#[derive(Debug, Clone, PartialEq)]
pub struct Niche {
    /// Share of user requests (relative weight; normalised over niches).
    pub demand: f64,
    /// Chance the user stays after a step that does not end the episode.
    pub patience: f64,
    /// Episodes are cut after this many steps.
    pub max_steps: u32,
}

/// The flags of an action, shared by all niches.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Action {
    /// The episode ends after this action (after its success, if skilled).
    pub ends: bool,
    /// Succeeds with the agent's skill in the niche; a failure yields the
    /// `fail_*` rewards and does not end the episode.
    pub skilled: bool,
    /// Declines: the episode ends and the request goes to another agent.
    pub reroute: bool,
}

impl Action {
    /// Whether choosing this action can end the episode.
    pub fn can_end(&self) -> bool {
        self.ends || self.reroute
    }
}

/// What an action yields in one niche (per-niche overrides already applied).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Outcome {
    pub proxy: f64,
    pub gold: f64,
    pub fail_proxy: f64,
    pub fail_gold: f64,
    /// Chance that the user comes back later with a new request of the same
    /// niche to the same agent, when this action ends the episode.
    pub follow_up: f64,
}

/// Behaviour class of an action in a niche, read from its numbers (used to
/// label personas): see `World::behaviour`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behaviour {
    Helper = 0,
    Farmer = 1,
    Decliner = 2,
}

/// Niches, actions, outcomes, and the generation's knobs.
#[derive(Debug, Clone, PartialEq)]
pub struct World {
    pub niches: Vec<Niche>,
    pub actions: Vec<Action>,
    /// `outcomes[k * A + a]`: action a in niche k.
    pub outcomes: Vec<Outcome>,
    /// skill_k = capacity * w_k^tradeoff.
    pub capacity: f64,
    pub tradeoff: f64,
    /// requests_per_agent * N fresh requests arrive each generation.
    pub requests_per_agent: f64,
    /// A declined (or refused) request is sent on at most this many times.
    pub max_reroutes: u32,
    /// Steps an agent may spend per generation (`None`: unlimited).
    pub time_budget: Option<u64>,
}

/// Niche ids travel as u8 and reroute counts as u8 inside the request queues.
pub const MAX_NICHES: usize = 255;
pub const MAX_REROUTES: u32 = 254;

impl World {
    pub fn k(&self) -> usize {
        self.niches.len()
    }

    pub fn a(&self) -> usize {
        self.actions.len()
    }

    /// Genes per agent: K x A action logits, then K skill logits.
    pub fn genome_width(&self) -> usize {
        self.k() * (self.a() + 1)
    }

    pub fn outcome(&self, k: usize, a: usize) -> &Outcome {
        &self.outcomes[k * self.a() + a]
    }

    /// Demand shares normalised to sum to one.
    pub fn demand_shares(&self) -> Vec<f64> {
        let total: f64 = self.niches.iter().map(|n| n.demand).sum();
        self.niches.iter().map(|n| n.demand / total).collect()
    }

    /// Helper: ends the episode and gives the user at least as much as it
    /// scores (gold >= proxy, gold > 0). Decliner: reroutes. Farmer: all
    /// else (does not end, or scores more than it gives).
    pub fn behaviour(&self, k: usize, a: usize) -> Behaviour {
        let act = &self.actions[a];
        let o = self.outcome(k, a);
        if act.reroute {
            Behaviour::Decliner
        } else if act.ends && o.gold >= o.proxy && o.gold > 0.0 {
            Behaviour::Helper
        } else {
            Behaviour::Farmer
        }
    }

    /// Check every field, naming it (`niches[k].patience`, ...).
    pub fn validate(&self) -> Result<()> {
        let (k, a) = (self.k(), self.a());
        if k == 0 {
            return Err(Error::invalid("niches", "[]", "at least one niche"));
        }
        if k > MAX_NICHES {
            return Err(Error::invalid("niches", k, format!("at most {MAX_NICHES} niches")));
        }
        if a == 0 {
            return Err(Error::invalid("actions", "[]", "at least one action"));
        }
        if self.outcomes.len() != k * a {
            return Err(Error::shape("outcomes", format!("expected {} rows (niches x actions), got {}", k * a, self.outcomes.len())));
        }
        for (i, n) in self.niches.iter().enumerate() {
            check::non_negative(&format!("niches[{i}].demand"), n.demand)?;
            check::probability(&format!("niches[{i}].patience"), n.patience)?;
            check::at_least(&format!("niches[{i}].max_steps"), n.max_steps as u64, 1)?;
        }
        if self.niches.iter().map(|n| n.demand).sum::<f64>() <= 0.0 {
            return Err(Error::invalid("niches.demand", 0, "a positive total demand"));
        }
        if !self.actions.iter().any(|x| x.can_end()) {
            return Err(Error::invalid("actions.ends", "no ending action", "at least one action that ends the episode"));
        }
        for kk in 0..k {
            for (j, act) in self.actions.iter().enumerate() {
                let o = self.outcome(kk, j);
                let at = |f: &str| format!("niches[{kk}].actions[{j}].{f}");
                check::finite(&at("proxy"), o.proxy)?;
                check::finite(&at("gold"), o.gold)?;
                check::finite(&at("fail_proxy"), o.fail_proxy)?;
                check::finite(&at("fail_gold"), o.fail_gold)?;
                if !(0.0..1.0).contains(&o.follow_up) {
                    return Err(Error::invalid(at("follow_up"), o.follow_up, "a probability in [0, 1)"));
                }
                if act.reroute && o.follow_up > 0.0 {
                    return Err(Error::invalid(at("follow_up"), o.follow_up, "0 for a rerouting action"));
                }
            }
        }
        check::probability("capacity", self.capacity)?;
        check::positive("tradeoff", self.tradeoff)?;
        check::positive("requests_per_agent", self.requests_per_agent)?;
        if self.max_reroutes > MAX_REROUTES {
            return Err(Error::invalid("max_reroutes", self.max_reroutes, format!("an integer in [0, {MAX_REROUTES}]")));
        }
        if let Some(b) = self.time_budget {
            check::at_least("time_budget", b, 1)?;
        }
        Ok(())
    }

    /// SPEC's preset `assistant` (the Python preset is the reference; this
    /// copy serves the core's own tests).
    pub fn assistant() -> World {
        let niches = vec![Niche { demand: 1.0, patience: 0.9, max_steps: 20 }; 4];
        let flags = [
            Action { ends: true, skilled: true, reroute: false },   // solve
            Action { ends: false, skilled: false, reroute: false }, // engage
            Action { ends: false, skilled: false, reroute: false }, // flatter
            Action { ends: true, skilled: false, reroute: false },  // partial
            Action { ends: false, skilled: false, reroute: true },  // decline
        ];
        let rewards = [(1.0, 1.0, 0.0), (0.25, 0.0, 0.0), (0.35, -0.1, 0.0), (0.6, 0.3, 0.6), (0.0, 0.0, 0.0)];
        let row: Vec<Outcome> = rewards
            .iter()
            .map(|&(proxy, gold, follow_up)| Outcome { proxy, gold, follow_up, ..Outcome::default() })
            .collect();
        World {
            outcomes: row.repeat(niches.len()),
            niches,
            actions: flags.to_vec(),
            capacity: 1.0,
            tradeoff: 1.0,
            requests_per_agent: 10.0,
            max_reroutes: 3,
            time_budget: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preset_is_valid_and_classified_by_numbers() {
        let w = World::assistant();
        w.validate().unwrap();
        assert_eq!(w.genome_width(), 24);
        let b: Vec<Behaviour> = (0..5).map(|a| w.behaviour(0, a)).collect();
        use Behaviour::*;
        assert_eq!(b, vec![Helper, Farmer, Farmer, Farmer, Decliner]);
    }

    #[test]
    fn bad_tables_name_the_field() {
        let mut w = World::assistant();
        w.niches[2].patience = 1.5;
        assert!(w.validate().unwrap_err().to_string().contains("niches[2].patience"));
        let mut w = World::assistant();
        w.niches[0].demand = -1.0;
        assert!(w.validate().unwrap_err().to_string().contains("niches[0].demand"));
        let mut w = World::assistant();
        for act in &mut w.actions {
            act.ends = false;
            act.reroute = false;
        }
        assert!(w.validate().unwrap_err().to_string().contains("actions.ends"));
        let mut w = World::assistant();
        w.outcomes[7].gold = f64::NAN;
        assert!(w.validate().unwrap_err().to_string().contains("niches[1].actions[2].gold"));
    }
}
