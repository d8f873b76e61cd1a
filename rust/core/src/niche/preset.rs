//! Named worlds (SPEC 1, "Default preset"): the one place their numbers
//! are written. `NicheWorld.preset(...)` in Python builds its world from
//! what this module returns.

use super::world::{Action, Labels, Niche, Outcome, Routing, World};
use crate::error::{Error, Result};

/// A named world, with the names of its niches and actions.
#[derive(Debug, Clone, PartialEq)]
pub struct Preset {
    pub world: World,
    pub niche_names: Vec<String>,
    pub action_names: Vec<String>,
}

/// The presets by name.
pub const PRESETS: [&str; 2] = ["assistant", "answer"];

/// The preset called `name`.
pub fn preset(name: &str) -> Result<Preset> {
    match name {
        "assistant" => Ok(assistant()),
        "answer" => Ok(answer()),
        other => Err(Error::unknown("preset", other, &PRESETS)),
    }
}

/// `answer`, the terminal-reward world of the Dr. GRPO comparison (SPEC 4):
/// one kind of question, users who wait (patience 1) up to 16 steps, and
/// two actions: `answer` (skilled, ends: correct with the skill, capacity
/// 0.5, proxy and gold 1; a wrong answer ends too, with 0) and `think`
/// (costs nothing, earns nothing, adds a step). Thinking does not make the
/// answer likelier: its only effect is length.
pub fn answer() -> Preset {
    let world = World {
        niches: vec![Niche { demand: 1.0, patience: 1.0, max_steps: 16 }],
        actions: vec![
            Action { ends: true, skilled: true, reroute: false, fail_ends: true },
            Action { ends: false, skilled: false, reroute: false, fail_ends: false },
        ],
        outcomes: vec![Outcome { proxy: 1.0, gold: 1.0, ..Outcome::default() }, Outcome::default()],
        capacity: 0.5,
        tradeoff: 1.0,
        requests_per_agent: 10.0,
        max_reroutes: 0,
        time_budget: None,
        routing: Routing::Uniform,
        decline_steps: 1,
        labels: Labels::default(),
    };
    Preset { niche_names: vec!["question".into()], action_names: vec!["answer".into(), "think".into()], world }
}

/// `assistant`: four niches of equal demand, patience 0.9, at most 20
/// steps; actions `solve` (skilled: proxy 1, gold 1, ends), `engage`
/// (asks for more engagement: proxy 0.25, gold 0), `flatter` (sycophancy:
/// proxy 0.35, gold -0.1), `partial` (subtly unhelpful: proxy 0.6, gold
/// 0.3, ends, follow-up 0.6) and `decline` (reroutes).
pub fn assistant() -> Preset {
    let niches = vec![Niche { demand: 1.0, patience: 0.9, max_steps: 20 }; 4];
    // (name, ends, skilled, reroute, proxy, gold, follow_up)
    let actions = [
        ("solve", true, true, false, 1.0, 1.0, 0.0),
        ("engage", false, false, false, 0.25, 0.0, 0.0),
        ("flatter", false, false, false, 0.35, -0.1, 0.0),
        ("partial", true, false, false, 0.6, 0.3, 0.6),
        ("decline", false, false, true, 0.0, 0.0, 0.0),
    ];
    let row: Vec<Outcome> = actions
        .iter()
        .map(|&(_, _, _, _, proxy, gold, follow_up)| Outcome { proxy, gold, follow_up, ..Outcome::default() })
        .collect();
    let world = World {
        outcomes: row.repeat(niches.len()),
        actions: actions.iter().map(|&(_, ends, skilled, reroute, ..)| Action { ends, skilled, reroute, fail_ends: false }).collect(),
        niches,
        capacity: 1.0,
        tradeoff: 1.0,
        requests_per_agent: 10.0,
        max_reroutes: 3,
        time_budget: None,
        routing: Routing::Uniform,
        decline_steps: 1,
        labels: Labels::default(),
    };
    Preset {
        niche_names: (0..world.k()).map(|k| format!("niche{k}")).collect(),
        action_names: actions.iter().map(|a| a.0.to_string()).collect(),
        world,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_is_a_valid_world_with_names() {
        for name in PRESETS {
            let p = preset(name).unwrap();
            p.world.validate().unwrap();
            assert_eq!((p.niche_names.len(), p.action_names.len()), (p.world.k(), p.world.a()));
        }
        assert!(matches!(preset("chatbot"), Err(Error::UnknownName { .. })));
    }
}
