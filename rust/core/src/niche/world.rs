//! The world as data: niches, actions and what each action yields in each
//! niche. Nothing here knows what "solve" or "flatter" means: an action is a
//! row of numbers and flags, so users invent their own from Python or TOML.

use crate::error::{Error, Result};
use crate::law::{Field, Law};

pub const DEMAND: Field = Field::new("niche.demand", Law::NonNegative);
pub const PATIENCE: Field = Field::new("niche.patience", Law::Probability);
pub const MAX_STEPS: Field = Field::new("niche.max_steps", Law::Integer { min: 1, max: u32::MAX as u64 });
pub const PROXY: Field = Field::new("action.proxy", Law::Finite);
pub const GOLD: Field = Field::new("action.gold", Law::Finite);
pub const FAIL_PROXY: Field = Field::new("action.fail_proxy", Law::Finite);
pub const FAIL_GOLD: Field = Field::new("action.fail_gold", Law::Finite);
pub const FOLLOW_UP: Field = Field::new("action.follow_up", Law::ProbabilityBelowOne);
pub const CAPACITY: Field = Field::new("capacity", Law::Probability);
pub const TRADEOFF: Field = Field::new("tradeoff", Law::Positive);
pub const REQUESTS_PER_AGENT: Field = Field::new("requests_per_agent", Law::Positive);
// Reroute counts travel as u8 inside the request queues.
pub const MAX_REROUTES: Field = Field::new("max_reroutes", Law::Integer { min: 0, max: 254 });
pub const TIME_BUDGET: Field = Field::new("time_budget", Law::at_least(1));
pub const SHORTLIST: Field = Field::new("shortlist", Law::Integer { min: 1, max: 64 });
pub const DECLINE_STEPS: Field = Field::new("decline_steps", Law::Integer { min: 0, max: 1 });
/// The law of each field of a world (`crate::law`): niches, actions, knobs.
pub const LAWS: &[Field] = &[
    DEMAND, PATIENCE, MAX_STEPS, PROXY, GOLD, FAIL_PROXY, FAIL_GOLD, FOLLOW_UP, CAPACITY, TRADEOFF,
    REQUESTS_PER_AGENT, MAX_REROUTES, TIME_BUDGET, SHORTLIST, DECLINE_STEPS,
];

/// Who serves a request (SPEC 1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Routing {
    /// To a uniformly random agent (the other N - 1 for a rerouted one).
    #[default]
    Uniform,
    /// The user draws `shortlist` distinct agents among those with time
    /// left (not the sender, for a rerouted request) and goes to the one
    /// that serves its niche best: the highest expected gold (or proxy) per
    /// need of its policy and skill there, ties broken uniformly.
    /// Follow-ups bypass choice.
    Choice { shortlist: u32, by: ChooseBy },
}

/// What users choose on under `Routing::Choice`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChooseBy {
    /// Reputation reveals true helpfulness.
    Gold,
    /// Users choose on ratings.
    Proxy,
}

impl Routing {
    /// The law a generation runs: a shortlist of one with no time budget is
    /// uniform routing (SPEC 1.1), and runs as it, draw for draw.
    pub fn in_effect(self, time_budget: Option<u64>) -> Routing {
        match self {
            Routing::Choice { shortlist: 1, .. } if time_budget.is_none() => Routing::Uniform,
            r => r,
        }
    }

    pub const NAMES: [&'static str; 2] = ["uniform", "choice"];
}

impl ChooseBy {
    pub const NAMES: [&'static str; 2] = ["gold", "proxy"];

    pub fn from_name(name: &str) -> Result<ChooseBy> {
        match name {
            "gold" => Ok(ChooseBy::Gold),
            "proxy" => Ok(ChooseBy::Proxy),
            other => Err(Error::unknown("choose_by", other, &Self::NAMES)),
        }
    }
}

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
    /// A skilled ending action whose failure ends the episode too (a wrong
    /// final answer), with the failure's rewards and no follow-up.
    pub fail_ends: bool,
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

/// How errors name niches and actions: `niches[<label>]`. The Python layer
/// passes each name as its users write it (`'faq'`); empty means indices.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Labels {
    pub niches: Vec<String>,
    pub actions: Vec<String>,
}

impl Labels {
    fn niche(&self, k: usize) -> String {
        self.niches.get(k).cloned().unwrap_or_else(|| k.to_string())
    }

    fn action(&self, a: usize) -> String {
        self.actions.get(a).cloned().unwrap_or_else(|| a.to_string())
    }
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
    /// Who serves a request (SPEC 1.1).
    pub routing: Routing,
    /// Whether declining costs the agent a step (1, as SPEC 1) or not (0).
    pub decline_steps: u8,
    /// Names for error messages.
    pub labels: Labels,
}

/// Niche ids travel as u8 inside the request queues.
pub const MAX_NICHES: usize = 255;

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

    /// Check every field against its law (`LAWS`), naming it
    /// (`niches['faq'].patience`, ...), and the rules between fields.
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
            let at = |f: &str| format!("niches[{}].{f}", self.labels.niche(i));
            DEMAND.law.check(&at("demand"), n.demand)?;
            PATIENCE.law.check(&at("patience"), n.patience)?;
            MAX_STEPS.law.check_integer(&at("max_steps"), n.max_steps as u64)?;
        }
        if self.niches.iter().map(|n| n.demand).sum::<f64>() <= 0.0 {
            return Err(Error::invalid("niches.demand", 0, "a positive total demand"));
        }
        if !self.actions.iter().any(|x| x.can_end()) {
            return Err(Error::invalid("actions.ends", "no ending action", "at least one action with ends=True or reroute=True"));
        }
        for kk in 0..k {
            for (j, act) in self.actions.iter().enumerate() {
                let o = self.outcome(kk, j);
                let at = |f: &str| format!("niches[{}].actions[{}].{f}", self.labels.niche(kk), self.labels.action(j));
                for (field, x) in [(PROXY, o.proxy), (GOLD, o.gold), (FAIL_PROXY, o.fail_proxy), (FAIL_GOLD, o.fail_gold), (FOLLOW_UP, o.follow_up)] {
                    field.law.check(&at(field.name.trim_start_matches("action.")), x)?;
                }
                if act.reroute && o.follow_up > 0.0 {
                    return Err(Error::invalid(at("follow_up"), o.follow_up, "0 for a rerouting action"));
                }
                if act.fail_ends && !(act.skilled && act.ends && !act.reroute) {
                    return Err(Error::invalid(
                        format!("actions[{}].fail_ends", self.labels.action(j)),
                        "true",
                        "false unless the action is skilled and ends the episode",
                    ));
                }
            }
        }
        CAPACITY.check(self.capacity)?;
        TRADEOFF.check(self.tradeoff)?;
        REQUESTS_PER_AGENT.check(self.requests_per_agent)?;
        MAX_REROUTES.check_integer(self.max_reroutes as u64)?;
        if let Some(b) = self.time_budget {
            TIME_BUDGET.check_integer(b)?;
        }
        if let Routing::Choice { shortlist, .. } = self.routing {
            SHORTLIST.check_integer(shortlist as u64)?;
        }
        DECLINE_STEPS.check_integer(self.decline_steps as u64)?;
        Ok(())
    }

    /// SPEC's preset `assistant` (`super::preset`).
    pub fn assistant() -> World {
        super::preset::assistant().world
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preset_is_valid() {
        let w = World::assistant();
        w.validate().unwrap();
        assert_eq!(w.genome_width(), 24);
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
        w.labels = Labels { niches: (0..4).map(|k| format!("'n{k}'")).collect(), actions: vec![] };
        assert!(w.validate().unwrap_err().to_string().contains("niches['n1'].actions[2].gold"));
    }
}
