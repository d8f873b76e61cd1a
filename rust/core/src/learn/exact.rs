//! The exact side of the learners (SPEC 4, "Exact checks"): for a tabular
//! policy, the expected return of each niche under each returns and
//! trajectory mode, and the expected value of each aggregation's gradient
//! estimator, by dynamic programming over the trajectory (no simulation).
//!
//! A trajectory is a sequence of i.i.d. action draws from pi(.|k), each
//! with its outcome law, stopped by the episode's rules (an ending action,
//! the user leaving, the step cap) and, for `Trajectory::User`, restarted
//! by follow-ups up to `max_chain` episodes. The policy-gradient estimator
//! with one advantage per trajectory (REINFORCE with a constant baseline b)
//! is, for trajectory i of length L with action counts c_j,
//!
//!   w(L) sum_t d log pi(a_t|k) (G - b) = w(L) (c_j - pi_j L) (G - b)
//!
//! (the tabular softmax's score is [a = j] - pi_j), where w is the
//! aggregation's weight (1 for `Sum`, 1/L for `SeqMean`, 1/L_max for
//! `Constant`) and G = R (`Returns::Sum`) or R / L (`Returns::Rate`) for R
//! the summed reward. Its expectation needs, for every length l, the
//! moments P(L = l), E[R; L = l], E[c_j; L = l] and E[c_j R; L = l]: a
//! forward pass over (total steps, step in the episode, episode in the
//! chain) carries them exactly. `Sum` without a baseline is the true
//! gradient of E[G]; `SeqMean` differs from it whenever lengths vary;
//! `TokenMean` is a ratio of sums over the batch, given here in its
//! large-batch limit E[(c_j - pi_j L)(G - b)] / E[L].

use super::batch::niche_counts;
use super::config::{Advantage, Aggregation, Config, Returns};
use super::policy::Policy;
use crate::error::{Error, Result};
use crate::niche::{genome, World};

/// The per-length moments of one niche's trajectories.
#[derive(Debug, Clone, PartialEq)]
pub struct Moments {
    pub a: usize,
    /// P(L = l), E[R; L = l], for l = 1..=len (index l - 1).
    pub p: Vec<f64>,
    pub r: Vec<f64>,
    /// E[c_j; L = l] and E[c_j R; L = l], [len x A].
    pub c: Vec<f64>,
    pub cr: Vec<f64>,
}

/// The moments of niche `k`'s trajectories under policy `pi` (its A
/// probabilities), skill `skill`, per-action reward shaping `shaping` (added
/// to every step's proxy), chaining at most `chain` episodes.
pub fn moments(world: &World, k: usize, pi: &[f64], skill: f64, shaping: &[f64], chain: u32) -> Moments {
    let a = world.a();
    let cap = world.niches[k].max_steps as usize;
    let patience = world.niches[k].patience;
    let chain = chain as usize;
    let longest = cap * chain;
    let outcomes = outcomes(world, k, skill, shaping);
    let width = 2 + 2 * a;
    let state = |t: usize, e: usize| (t * chain + e) * width;
    let mut cur = vec![0.0; cap * chain * width];
    let mut next = cur.clone();
    cur[state(0, 0)] = 1.0;
    let mut out = Moments { a, p: vec![0.0; longest], r: vec![0.0; longest], c: vec![0.0; longest * a], cr: vec![0.0; longest * a] };
    let mut moved = vec![0.0; width];
    for s in 0..longest {
        next.iter_mut().for_each(|x| *x = 0.0);
        let mut alive = false;
        for t in 0..cap {
            for e in 0..chain {
                let m = &cur[state(t, e)..state(t, e) + width];
                if m[0] == 0.0 {
                    continue;
                }
                for (j, outs) in outcomes.iter().enumerate() {
                    for &(q, r, ended, follow) in outs {
                        let q = q * pi[j];
                        if q == 0.0 {
                            continue;
                        }
                        // Moments after this step: (c_i + [i = j]) (R + r).
                        let (p0, r0) = (m[0], m[1]);
                        moved[0] = q * p0;
                        moved[1] = q * (r0 + r * p0);
                        for i in 0..a {
                            let (ci, cri) = (m[2 + i], m[2 + a + i]);
                            let hit = (i == j) as u8 as f64;
                            moved[2 + i] = q * (ci + hit * p0);
                            moved[2 + a + i] = q * (cri + r * ci + hit * (r0 + r * p0));
                        }
                        // Where the path goes: on in the episode, to a follow-up, or it ends.
                        let (mut go_on, mut follow_up) = (0.0, 0.0);
                        if ended {
                            if e + 1 < chain {
                                follow_up = follow;
                            }
                        } else if t + 1 < cap {
                            go_on = patience;
                        }
                        let stop = 1.0 - go_on - follow_up;
                        for (target, share) in [(Some(state(t + 1, e)), go_on), (Some(state(0, e + 1)), follow_up), (None, stop)] {
                            if share <= 0.0 {
                                continue;
                            }
                            match target {
                                Some(at) => {
                                    alive = true;
                                    next[at..at + width].iter_mut().zip(&moved).for_each(|(x, y)| *x += share * y);
                                }
                                None => {
                                    out.p[s] += share * moved[0];
                                    out.r[s] += share * moved[1];
                                    for i in 0..a {
                                        out.c[s * a + i] += share * moved[2 + i];
                                        out.cr[s * a + i] += share * moved[2 + a + i];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        std::mem::swap(&mut cur, &mut next);
        if !alive {
            break;
        }
    }
    out
}

/// Expectations derived from the moments.
impl Moments {
    fn g(returns: Returns, l: f64) -> f64 {
        match returns {
            Returns::Sum => 1.0,
            Returns::Rate => 1.0 / l,
        }
    }

    /// E[G], the expected return of a trajectory.
    pub fn expected_return(&self, returns: Returns) -> f64 {
        self.r.iter().enumerate().map(|(s, r)| Self::g(returns, (s + 1) as f64) * r).sum()
    }

    /// E[L], the expected length of a trajectory.
    pub fn expected_length(&self) -> f64 {
        self.p.iter().enumerate().map(|(s, p)| (s + 1) as f64 * p).sum()
    }

    /// E[w(L) (c_j - pi_j L) (G - b)] for each action j, w given per length.
    pub fn estimator(&self, pi: &[f64], returns: Returns, baseline: f64, w: impl Fn(f64) -> f64) -> Vec<f64> {
        let a = self.a;
        let (mut wlg, mut wl) = (0.0, 0.0);
        let (mut wcg, mut wc) = (vec![0.0; a], vec![0.0; a]);
        for s in 0..self.p.len() {
            let l = (s + 1) as f64;
            let (ws, gs) = (w(l), Self::g(returns, l));
            wlg += ws * l * gs * self.r[s];
            wl += ws * l * self.p[s];
            for j in 0..a {
                wcg[j] += ws * gs * self.cr[s * a + j];
                wc[j] += ws * self.c[s * a + j];
            }
        }
        (0..a).map(|j| wcg[j] - pi[j] * wlg - baseline * (wc[j] - pi[j] * wl)).collect()
    }

    /// The expected value of `aggregation`'s per-trajectory gradient estimator
    /// for a batch of this niche alone (large-batch limit for `TokenMean`;
    /// `l_max` for `Constant`).
    pub fn aggregated(&self, pi: &[f64], returns: Returns, baseline: f64, aggregation: Aggregation, l_max: f64) -> Vec<f64> {
        match aggregation {
            Aggregation::Sum => self.estimator(pi, returns, baseline, |_| 1.0),
            Aggregation::SeqMean => self.estimator(pi, returns, baseline, |l| 1.0 / l),
            Aggregation::Constant => self.estimator(pi, returns, baseline, |_| 1.0 / l_max),
            Aggregation::TokenMean => {
                let el = self.expected_length();
                self.estimator(pi, returns, baseline, |_| 1.0 / el)
            }
        }
    }
}

/// The expected reward and value parts of the first policy gradient of one
/// trajectory of niche `k` with GAE(`gamma`, `lambda`) advantages and value
/// table `value` (V(k, t), t = 0..max_steps): E[sum_t d log pi(a_t) A^X_t]
/// for X = R (A^R_t = sum_l (gamma lambda)^l r_{t+l}) and X = V (the value
/// terms), each [A], for `Sum` aggregation (the per-trajectory estimator).
///
/// Both advantages are discounted future sums of a per-step quantity (the
/// reward; gamma V(next) - V(now)), so a backward pass over (step in the
/// episode, episode in the chain) gives their expectation from each state,
/// and a forward pass the chance of reaching it.
#[allow(clippy::too_many_arguments)]
pub fn decomposition(
    world: &World,
    k: usize,
    pi: &[f64],
    skill: f64,
    shaping: &[f64],
    chain: u32,
    gamma: f64,
    lambda: f64,
    value: &[f64],
) -> (Vec<f64>, Vec<f64>) {
    let a = world.a();
    let cap = world.niches[k].max_steps as usize;
    let patience = world.niches[k].patience;
    let chain = chain as usize;
    let rho = gamma * lambda;
    let outcomes = outcomes(world, k, skill, shaping);
    // Where a step's outcome leads: (continue, follow-up) chances.
    let next = |t: usize, e: usize, ended: bool, follow: f64| -> (f64, f64) {
        if ended {
            (0.0, if e + 1 < chain { follow } else { 0.0 })
        } else if t + 1 < cap {
            (patience, 0.0)
        } else {
            (0.0, 0.0)
        }
    };
    let at = |t: usize, e: usize| t * chain + e;
    // Backward: W[X](t, e) = E[sum_l rho^l q^X_{t+l} | at (t, e)]; G[X](t, e, a) the same given a_t = a.
    let mut w = [vec![0.0; cap * chain], vec![0.0; cap * chain]];
    let mut g = [vec![0.0; cap * chain * a], vec![0.0; cap * chain * a]];
    for e in (0..chain).rev() {
        for t in (0..cap).rev() {
            let v_now = value[t];
            let (mut wr, mut wv) = (0.0, 0.0);
            for j in 0..a {
                let (mut gr, mut gv) = (0.0, 0.0);
                for &(q, r, ended, follow) in &outcomes[j] {
                    let (go_on, fu) = next(t, e, ended, follow);
                    let v_next = go_on * (if t + 1 < cap { value[t + 1] } else { 0.0 }) + fu * value[0];
                    let w_next = |x: &Vec<f64>| {
                        go_on * (if t + 1 < cap { x[at(t + 1, e)] } else { 0.0 }) + fu * (if e + 1 < chain { x[at(0, e + 1)] } else { 0.0 })
                    };
                    gr += q * (r + rho * w_next(&w[0]));
                    gv += q * (gamma * v_next - v_now + rho * w_next(&w[1]));
                }
                g[0][at(t, e) * a + j] = gr;
                g[1][at(t, e) * a + j] = gv;
                wr += pi[j] * gr;
                wv += pi[j] * gv;
            }
            w[0][at(t, e)] = wr;
            w[1][at(t, e)] = wv;
        }
    }
    // Forward: the chance of reaching (t, e).
    let mut reach = vec![0.0; cap * chain];
    reach[at(0, 0)] = 1.0;
    for e in 0..chain {
        for t in 0..cap {
            let p = reach[at(t, e)];
            if p == 0.0 {
                continue;
            }
            for j in 0..a {
                for &(q, _, ended, follow) in &outcomes[j] {
                    let (go_on, fu) = next(t, e, ended, follow);
                    let m = p * pi[j] * q;
                    if go_on > 0.0 {
                        reach[at(t + 1, e)] += m * go_on;
                    }
                    if fu > 0.0 {
                        reach[at(0, e + 1)] += m * fu;
                    }
                }
            }
        }
    }
    // E[score . F] = sum over states of reach x sum_a pi_a ([a = j] - pi_j) G(a).
    let mut out = [vec![0.0; a], vec![0.0; a]];
    for s in 0..cap * chain {
        if reach[s] == 0.0 {
            continue;
        }
        for x in 0..2 {
            let gs = &g[x][s * a..(s + 1) * a];
            let mean: f64 = (0..a).map(|j| pi[j] * gs[j]).sum();
            for j in 0..a {
                out[x][j] += reach[s] * pi[j] * (gs[j] - mean);
            }
        }
    }
    let [r, v] = out;
    (r, v)
}

/// The outcomes of each action in niche `k`: (probability, reward, ended,
/// follow-up chance), rewards shaped per action.
fn outcomes(world: &World, k: usize, skill: f64, shaping: &[f64]) -> Vec<Vec<(f64, f64, bool, f64)>> {
    world
        .actions
        .iter()
        .enumerate()
        .map(|(j, act)| {
            let o = world.outcome(k, j);
            let r = |x: f64| x + shaping[j];
            if act.reroute {
                vec![(1.0, r(o.proxy), true, 0.0)]
            } else if act.skilled {
                vec![(skill, r(o.proxy), act.ends, if act.ends { o.follow_up } else { 0.0 }), (1.0 - skill, r(o.fail_proxy), act.fail_ends, 0.0)]
            } else {
                vec![(1.0, r(o.proxy), act.ends, if act.ends { o.follow_up } else { 0.0 })]
            }
        })
        .collect()
}

/// What a batch of a config's learners, all at `genome`, gives in expectation.
#[derive(Debug, Clone, PartialEq)]
pub struct Expected {
    /// Each niche's share of the batch's trajectories (`niche_counts` / episodes).
    pub shares: Vec<f64>,
    /// E[G] and E[L] of a trajectory of each niche.
    pub returns: Vec<f64>,
    pub lengths: Vec<f64>,
    /// sum_k share_k E[G_k]: the objective the batch estimates.
    pub objective: f64,
    /// [K x A]: the expected first gradient of the batch (`update::first_gradient`)
    /// with REINFORCE advantages G - baseline[k]; for `Sum` aggregation without
    /// a baseline, the gradient of `objective`.
    pub gradient: Vec<f64>,
}

/// `Expected` for learners of `cfg` (returns, trajectory, max_chain,
/// aggregation, episodes, entropy bonus) at `genome`, whose policy is also
/// the KL penalty's reference (so that term is 0), with REINFORCE baselines.
pub fn expected(world: &World, genome_row: &[f64], cfg: &Config, baseline: &[f64]) -> Result<Expected> {
    world.validate()?;
    cfg.validate()?;
    let (k, a) = (world.k(), world.a());
    if genome_row.len() != world.genome_width() {
        return Err(Error::shape("genome", format!("expected {} genes, got {}", world.genome_width(), genome_row.len())));
    }
    if let Some(bad) = genome_row.iter().find(|g| !g.is_finite()) {
        return Err(Error::invalid("genome", bad, "finite logits"));
    }
    if baseline.len() != k {
        return Err(Error::shape("baseline", format!("expected {k} values (one per niche), got {}", baseline.len())));
    }
    let policy = Policy::of(&genome_row[..k * a], a);
    let mut shaping = Vec::new();
    policy.shaping(&policy, cfg.entropy_bonus, cfg.kl_penalty, &mut shaping);
    let weights = genome::skill_weights(world, genome_row);
    let counts = niche_counts(&world.demand_shares(), cfg.episodes);
    let width = world.niches.iter().map(|n| n.max_steps as usize).max().unwrap_or(1);
    let l_max = (cfg.chain() as usize * width) as f64;
    let mut out = Expected { shares: vec![], returns: vec![], lengths: vec![], objective: 0.0, gradient: vec![] };
    let mut all = Vec::with_capacity(k);
    for kk in 0..k {
        let share = counts[kk] as f64 / cfg.episodes as f64;
        let pi = &policy.p[kk * a..(kk + 1) * a];
        let m = moments(world, kk, pi, genome::skill(world, weights[kk]), &shaping[kk * a..(kk + 1) * a], cfg.chain());
        let g = m.expected_return(cfg.returns);
        out.shares.push(share);
        out.returns.push(g);
        out.lengths.push(m.expected_length());
        out.objective += share * g;
        all.push(m);
    }
    // Token-mean divides the whole batch's sum by its tokens: in the large-
    // batch limit, by the expected steps per trajectory over all niches.
    let tokens: f64 = out.shares.iter().zip(&out.lengths).map(|(s, l)| s * l).sum();
    for (kk, m) in all.iter().enumerate() {
        let pi = &policy.p[kk * a..(kk + 1) * a];
        let g = match cfg.aggregation {
            Aggregation::TokenMean => m.estimator(pi, cfg.returns, baseline[kk], |_| 1.0 / tokens),
            agg => m.aggregated(pi, cfg.returns, baseline[kk], agg, l_max),
        };
        out.gradient.extend(g.iter().map(|x| out.shares[kk] * x));
    }
    Ok(out)
}

/// The expected reward and value parts of a batch's first gradient ([K x A]
/// each) for learners of `cfg` (GAE advantages; `Sum` or `Constant`
/// aggregation) at `genome` with value table `value` ([K x width], width the
/// longest episode).
pub fn expected_decomposition(world: &World, genome_row: &[f64], cfg: &Config, value: &[f64]) -> Result<(Vec<f64>, Vec<f64>)> {
    world.validate()?;
    cfg.validate()?;
    let (k, a) = (world.k(), world.a());
    let Advantage::Gae { gamma, lambda } = cfg.advantage else {
        return Err(Error::invalid("advantage", "not GAE", "GAE: the split is of GAE's advantages"));
    };
    let width = world.niches.iter().map(|n| n.max_steps as usize).max().unwrap_or(1);
    if genome_row.len() != world.genome_width() || value.len() != k * width {
        return Err(Error::shape("genome, value", format!("expected {} genes and {k} x {width} values", world.genome_width())));
    }
    if let Some(bad) = genome_row.iter().chain(value).find(|g| !g.is_finite()) {
        return Err(Error::invalid("genome, value", bad, "finite numbers"));
    }
    let scale = match cfg.aggregation {
        Aggregation::Sum => 1.0,
        Aggregation::Constant => 1.0 / (cfg.chain() as usize * width) as f64,
        _ => return Err(Error::invalid("aggregation", "a length-dependent one", "sum or constant")),
    };
    let policy = Policy::of(&genome_row[..k * a], a);
    let mut shaping = Vec::new();
    policy.shaping(&policy, cfg.entropy_bonus, cfg.kl_penalty, &mut shaping);
    let weights = genome::skill_weights(world, genome_row);
    let counts = niche_counts(&world.demand_shares(), cfg.episodes);
    let (mut gr, mut gv) = (Vec::with_capacity(k * a), Vec::with_capacity(k * a));
    for kk in 0..k {
        let share = scale * counts[kk] as f64 / cfg.episodes as f64;
        let pi = &policy.p[kk * a..(kk + 1) * a];
        let (r, v) = decomposition(
            world, kk, pi, genome::skill(world, weights[kk]), &shaping[kk * a..(kk + 1) * a], cfg.chain(), gamma, lambda,
            &value[kk * width..(kk + 1) * width],
        );
        gr.extend(r.iter().map(|x| share * x));
        gv.extend(v.iter().map(|x| share * x));
    }
    Ok((gr, gv))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::niche::analytic;

    fn pi() -> Vec<f64> {
        vec![0.3, 0.25, 0.2, 0.15, 0.1]
    }

    #[test]
    fn with_lambda_one_the_value_part_vanishes_and_the_reward_part_is_the_gradient() {
        // A^V telescopes to -V(s_t), which a_t cannot change; A^R is the
        // reward to go, whose score-weighted sum is the gradient of E[G].
        let w = World::assistant();
        let value: Vec<f64> = (0..20).map(|t| 0.3 - 0.07 * t as f64).collect();
        for chain in [1, 3] {
            let (r, v) = decomposition(&w, 0, &pi(), 0.55, &[0.0; 5], chain, 1.0, 1.0, &value);
            let grad = moments(&w, 0, &pi(), 0.55, &[0.0; 5], chain).estimator(&pi(), Returns::Sum, 0.0, |_| 1.0);
            for j in 0..5 {
                assert!(v[j].abs() < 1e-12, "{v:?}");
                assert!((r[j] - grad[j]).abs() < 1e-12, "{r:?} vs {grad:?}");
            }
        }
        // With lambda < 1 the value head carries part of the gradient.
        let (_, v) = decomposition(&w, 0, &pi(), 0.55, &[0.0; 5], 1, 1.0, 0.5, &value);
        assert!(v.iter().any(|x| x.abs() > 1e-3));
    }

    #[test]
    fn one_episode_agrees_with_the_evaluator() {
        let w = World::assistant();
        let m = moments(&w, 0, &pi(), 0.55, &[0.0; 5], 1);
        let e = analytic::chain(&w, 0, &pi(), 0.55);
        assert!((m.p.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert!((m.expected_length() - e.length).abs() < 1e-10);
        assert!((m.expected_return(Returns::Sum) - e.proxy).abs() < 1e-10);
        assert!((m.expected_return(Returns::Rate) - e.episode_rate).abs() < 1e-10);
    }

    #[test]
    fn chains_add_the_follow_ups_the_evaluator_counts() {
        // With a long chain, a user trajectory's expected reward tends to the
        // evaluator's proxy per fresh request (the whole follow-up tree).
        let w = World::assistant();
        let m = moments(&w, 0, &pi(), 0.55, &[0.0; 5], 40);
        let e = analytic::chain(&w, 0, &pi(), 0.55);
        assert!((m.expected_return(Returns::Sum) - e.proxy_per_need()).abs() < 1e-9);
    }

    #[test]
    fn the_sum_estimator_is_the_gradient_of_the_expected_return() {
        // Central finite differences of E[G] in the logits of niche 0.
        let w = World::assistant();
        let logits = [0.4, -0.3, 0.2, 0.1, -0.5];
        let softmax = |x: &[f64]| {
            let z: Vec<f64> = x.iter().map(|v| v.exp()).collect();
            let s: f64 = z.iter().sum();
            z.iter().map(|v| v / s).collect::<Vec<f64>>()
        };
        for (returns, chain) in [(Returns::Sum, 1), (Returns::Rate, 1), (Returns::Sum, 3), (Returns::Rate, 3)] {
            let p = softmax(&logits);
            let grad = moments(&w, 0, &p, 0.6, &[0.0; 5], chain).estimator(&p, returns, 0.0, |_| 1.0);
            for j in 0..5 {
                let h = 1e-5;
                let (mut up, mut down) = (logits, logits);
                up[j] += h;
                down[j] -= h;
                let f = |x: &[f64]| moments(&w, 0, &softmax(x), 0.6, &[0.0; 5], chain).expected_return(returns);
                let fd = (f(&up) - f(&down)) / (2.0 * h);
                assert!((grad[j] - fd).abs() < 1e-7, "{returns:?} chain {chain} action {j}: {} vs {fd}", grad[j]);
            }
            // A constant baseline changes nothing in expectation under Sum.
            let with_b = moments(&w, 0, &p, 0.6, &[0.0; 5], chain).estimator(&p, returns, 0.7, |_| 1.0);
            assert!(grad.iter().zip(&with_b).all(|(x, y)| (x - y).abs() < 1e-10));
        }
    }
}
