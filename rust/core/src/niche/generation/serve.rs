//! Serving: an agent works through its queue for the round, in order, from
//! its own stream: first its fresh requests (round 0), then the requests
//! routed to it, then the follow-ups its users bring back (the same user
//! returning later, same niche, same agent). A request already sent on
//! `max_reroutes` times that is declined again is unserved; a request the
//! agent has no time budget left for is refused and sent on the same way.
//!
//! Episodes are short (a few steps), so the per-episode bookkeeping is
//! arithmetic on the episode's flags rather than a branch per kind of
//! ending (a mispredicted branch costs more than the arithmetic), and an
//! agent's totals stay in registers for its round.

use rand::Rng as _;

use super::choice::Choice;
use super::route::Routed;
use super::tally::{AgentStats, Lived};
use super::Chunk;
use crate::niche::episode::{self, Rules};
use crate::control::Control;
use crate::niche::genome::Tables;
use crate::rng::{self, Rng};

pub(super) struct Context<'a> {
    pub(super) rules: &'a Rules,
    pub(super) tables: &'a Tables,
    pub(super) k: usize,
    pub(super) a: usize,
    pub(super) n: usize,
    pub(super) budget: u64,
    pub(super) max_reroutes: u8,
    /// Keep every episode's (agent, proxy, entropy x steps, cumulative steps)
    /// in the chunk (the Malthusian fitness solves over them).
    pub(super) record: bool,
    /// Users' choice among a shortlist (`None`: uniform routing).
    pub(super) choice: Option<Choice<'a>>,
    /// The key of the streams the choice for sent-on requests draws from
    /// (one per round and chunk).
    pub(super) choice_key: u64,
    /// A decline costs no step (`decline_steps = 0`).
    pub(super) free_decline: bool,
    /// Looked at per chunk and within long episodes, so that Ctrl-C stops a
    /// generation of any size within milliseconds.
    pub(super) control: &'a Control,
}

/// Grow a buffer so that index `len` can be written.
#[inline(always)]
pub(super) fn room<T: Copy + Default>(buf: &mut Vec<T>, len: usize) {
    if len >= buf.len() {
        buf.resize(2 * len + 64, T::default());
    }
}

impl Context<'_> {
    /// Serve everything queued on agent `i` in this round: `fresh` new
    /// requests (round 0), the routed `incoming`, then the follow-ups.
    ///
    /// `A` is the number of actions when it is a compile-time constant (the
    /// step loop then unrolls the action draw), or 0 to read it at run time.
    pub(super) fn serve_agent<const A: usize>(
        &self,
        i: usize,
        fresh: u32,
        incoming: &[u16],
        st: &mut AgentStats,
        rng: &mut Rng,
        c: &mut Chunk,
    ) {
        let (k_all, a_all) = (self.k, if A == 0 { self.a } else { A });
        let fresh = fresh as usize;
        let mut len = fresh + incoming.len();
        room(&mut c.work, len);
        for q in &mut c.work[..fresh] {
            let k = self.rules.draw_niche(rng);
            c.counts[k].fresh += 1;
            *q = k as u16;
        }
        c.work[fresh..len].copy_from_slice(incoming);
        // The agent's totals live in registers for the round.
        let mut s = *st;
        let n1 = self.n as u64 - 1;
        let mut pos = 0;
        while pos < len {
            let q = c.work[pos];
            pos += 1;
            let k = (q & 0xFF) as usize;
            let tries = (q >> 8) as u8;
            if s.steps >= self.budget {
                c.counts[k].refused += 1;
                self.refuse(i, k, tries, c, rng);
                continue;
            }
            let cap = (self.rules.max_steps[k] as u64).min(self.budget - s.steps) as u32;
            let at = i * k_all + k;
            let row = at * a_all;
            let e = episode::run(
                self.rules,
                k,
                &self.tables.cumulative[row..row + a_all],
                self.tables.skill[at],
                cap,
                rng,
                self.control,
                &mut c.action_steps[k * a_all..(k + 1) * a_all],
            );
            let h = self.tables.entropy[at];
            let steps = e.steps as f64;
            s.proxy += e.proxy;
            s.gold += e.gold;
            // A free decline takes no time: not against the budget, not in the rate.
            s.steps += e.steps as u64 - (e.declined & self.free_decline) as u64;
            s.episodes += 1;
            s.entropy_steps += h * steps;
            s.entropy_episodes += h;
            s.episode_rate += e.proxy / steps;
            if self.record {
                c.episodes.push(Lived { agent: i as u32, proxy: e.proxy, entropy: h * steps, at: s.steps });
            }
            let sent_on = e.declined & (tries < self.max_reroutes);
            let t = &mut c.counts[k];
            t.episodes += 1;
            t.proxy += e.proxy;
            t.gold += e.gold;
            t.solved += e.solved as u64;
            t.declined += e.declined as u64;
            t.unserved += (e.declined & !sent_on) as u64;
            t.follow_ups += e.follow_up as u64;
            // Branch-free bookkeeping: write the follow-up and the routed
            // request unconditionally, keep them only if they happened.
            c.work[len] = k as u16;
            len += e.follow_up as usize;
            room(&mut c.work, len);
            let target = if self.choice.is_some() {
                // The user picks at the end of the round (`resolve`).
                if sent_on {
                    c.pending.push(c.sent as u32);
                }
                i as u64
            } else {
                // Uniform over the other n - 1 agents, from the declined
                // episode's unused draw (rng::below's first draw).
                let m = (e.spare as u128) * (n1 as u128);
                let mut target = (m >> 64) as u64;
                if sent_on & ((m as u64) < n1) {
                    target = rng::below_from(rng, e.spare, n1);
                }
                target + (target >= i as u64) as u64
            };
            c.out[c.sent] = Routed {
                target: target as u32,
                entry: k as u16 | ((tries as u16 + 1) << 8),
            };
            c.sent += sent_on as usize;
            room(&mut c.out, c.sent);
        }
        *st = s;
    }

    /// The users' picks for the requests chunk `ci` sent on in round
    /// `round` under choice, all at once (`Choice::pick_many`); a request
    /// nobody but its sender has time for is unserved and dropped.
    pub(super) fn resolve(&self, ci: usize, round: u64, c: &mut Chunk) {
        let Some(ch) = &self.choice else { return };
        if c.pending.is_empty() {
            return;
        }
        let mut rng = rng::substream(self.choice_key, &[round, ci as u64]);
        let requests: Vec<(usize, Option<usize>)> = c.pending.iter()
            .map(|&p| {
                let r = c.out[p as usize];
                ((r.entry & 0xFF) as usize, Some(r.target as usize))
            })
            .collect();
        let mut picks = Vec::with_capacity(requests.len());
        ch.pick_many(&requests, &mut rng, &mut picks);
        let mut dropped = false;
        for (&p, pick) in c.pending.iter().zip(picks) {
            let r = &mut c.out[p as usize];
            match pick {
                Some(t) => r.target = t,
                None => {
                    c.counts[(r.entry & 0xFF) as usize].unserved += 1;
                    r.target = u32::MAX;
                    dropped = true;
                }
            }
        }
        if dropped {
            let mut kept = 0;
            for j in 0..c.sent {
                if c.out[j].target != u32::MAX {
                    c.out[kept] = c.out[j];
                    kept += 1;
                }
            }
            c.sent = kept;
        }
        c.pending.clear();
    }

    /// Read a word of every cache line that serving the chunk's agents with
    /// routed requests will read, all at once. After round 0 these agents
    /// are scattered, so each would otherwise wait for its memory in turn;
    /// independent loads let the memory system fetch them together.
    pub(super) fn touch(&self, first: usize, start: &[u32], st: &[AgentStats], rngs: &[Rng]) {
        let (k, a) = (self.k, self.a);
        let t = self.tables;
        let mut acc = 0u64;
        for j in 0..st.len() {
            let i = first + j;
            if start[i] == start[i + 1] {
                continue;
            }
            let (row, last) = (i * k * a, (i + 1) * k * a - 1);
            for x in (row..last).step_by(8) {
                acc ^= t.cumulative[x];
            }
            acc ^= t.cumulative[last] ^ t.skill[i * k] ^ t.skill[i * k + k - 1];
            acc ^= t.entropy[i * k].to_bits() ^ t.entropy[i * k + k - 1].to_bits();
            acc ^= st[j].steps ^ st[j].episodes;
            acc ^= std::hint::black_box(&rngs[j]).clone().next_u64();
        }
        std::hint::black_box(acc);
    }

    /// A request the agent has no time left for: sent on, or dropped.
    #[cold]
    fn refuse(&self, i: usize, k: usize, tries: u8, c: &mut Chunk, rng: &mut Rng) {
        if tries >= self.max_reroutes {
            c.counts[k].unserved += 1;
            return;
        }
        let target = if self.choice.is_some() {
            c.pending.push(c.sent as u32);
            i
        } else {
            let t = rng::below(rng, self.n as u64 - 1) as usize;
            t + (t >= i) as usize
        };
        c.out[c.sent] = Routed {
            target: target as u32,
            entry: k as u16 | ((tries as u16 + 1) << 8),
        };
        c.sent += 1;
        room(&mut c.out, c.sent);
    }
}

