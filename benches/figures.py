"""The README's figures, generated from the results files they cite.

Each block of the README between ``<!-- figures:NAME -->`` and
``<!-- /figures:NAME -->`` is written here from ``benches/results/*.json``
(the benchmarks' outputs) and ``benches/results/demo.json`` (the demo's
``headline.json``), so a figure is stated once and cannot drift from its
source:

    python benches/figures.py                      # rewrite the README's blocks
    python benches/figures.py --demo reports/demo  # first copy a demo run's headline.json
    python benches/figures.py --check              # exit 1 if a block differs (tests/test_readme_figures.py)
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benches" / "results"
README = ROOT / "README.md"


def load(name: str) -> dict:
    return json.loads((RESULTS / f"{name}.json").read_text())


def sci(x: float) -> str:
    """1.23e7 style, three significant figures."""
    return f"{x:.2e}".replace("e+0", "e").replace("e+", "e")


def ratio(x: float) -> str:
    return f"{x:.1f}x" if x < 100 else f"{x:.0f}x"


def big(x: float) -> str:
    """Games or runs per second in words: 11.6 million, 211,000."""
    return f"{x / 1e6:.3g} million" if x >= 1e6 else f"{x:,.0f}" if x < 1e4 else f"{round(x, -3):,.0f}"


def niche() -> str:
    d = load("niche")
    lines = ["| population | core, 1 thread | core, 2 threads | NumPy, 1 core | per core (1 thread / NumPy) "
             "| all cores (2 threads / NumPy) |", "|---:|---:|---:|---:|---:|---:|"]
    for r in d["rows"]:
        one, two, np_ = (r[k]["steps_per_second"] for k in ("core_1_thread", "core_2_threads", "numpy"))
        lines.append(f"| {r['population']:,} | {sci(one)} | {sci(two)} | {sci(np_)} | {ratio(one / np_)} "
                     f"| {ratio(two / np_)} |")
    m = d["memory"]
    beh = ", ".join(f"`{b['start']}` {sci(b['steps_per_second'])} ({b['episode_length']:.1f}-step episodes)"
                    for b in d["by_behaviour_100k_2_threads"])
    core_bytes = d["rows"][-1]["core_2_threads"]["bytes_per_agent_core"]
    return "\n".join(lines) + (
        f"\n\nAgent-steps per second, each the fastest of three runs. Memory: {m['rss_bytes_per_agent']:.0f} B per "
        f"agent (peak RSS, N = 100,000 against 1,000), {core_bytes:.0f} B held by the core's per-agent buffers. "
        f"By starting behaviour (100,000 agents, fitness sum, 2 threads): {beh}.")


def limit() -> str:
    d = load("niche")
    goals = d.get("goals", {})
    lines = ["| population | threads | evolve (steps/s) | limit loop (steps/s) | evolve as a fraction of the limit |",
             "|---:|---:|---:|---:|---:|"]
    for r in d["limit"]:
        lines.append(f"| {r['population']:,} | {r['threads']} | {sci(r['evolve_steps_per_second'])} "
                     f"| {sci(r['limit_steps_per_second'])} | {r['fraction_of_limit']:.0%} |")
    def status(population: int, goal: float) -> str:
        got = [r["fraction_of_limit"] for r in d["limit"] if r["population"] == population and r["threads"] == 2]
        return f"{goal:.0%} at {population:,} agents on 2 threads ({'met' if got and got[0] >= goal else 'not met'})"

    return "\n".join(lines) + (
        f"\n\nGoals (issue 15): {status(100_000, goals['fraction_of_limit_100k_2_threads'])} and "
        f"{status(2_000, goals['fraction_of_limit_2k_2_threads'])}.")


def parts() -> str:
    d = load("parts")
    names = ["prepare", "serve", "fitness+record", "select", "reproduce"]
    mutations = d.get("mutations", {"default": "Mutation(rate=0.05, scale=0.1)"})
    lines = ["| build | mutation | population | threads | " + " | ".join(names)
             + " | generation | limit loop | fraction of the limit |",
             "|---|---|---:|---:|" + "---:|" * (len(names) + 3)]
    for r in d["rows"]:
        lines.append(f"| {r['build']} | {r.get('mutation', 'default')} | {r['population']:,} | {r['threads']} | "
                     + " | ".join(f"{r['parts_ms'][n]:.2f}" for n in names)
                     + f" | {r['generation_ms']:.2f} | {r['limit_ms']:.2f} | {r['fraction_of_limit']:.0%} |")
    before, after = d["builds"]
    at = {(r["build"], r.get("mutation", "default"), r["population"], r["threads"]): r for r in d["rows"]}

    def ratios(part: str, mutation: str) -> str:
        r = [at[(after, m, n, t)]["parts_ms"][part] / at[(before, m, n, t)]["parts_ms"][part]
             for (b, m, n, t) in at if b == before and m == mutation]
        return f"{min(r):.2f}x to {max(r):.2f}x" if len(r) > 1 else f"{r[0]:.2f}x"

    return ("\n".join(lines) + f"\n\nMilliseconds per generation, each build's fastest of {d['repeats']} runs in "
            f"alternation (`benches/bench_parts.py`, {d['world']}; mutation "
            + ", ".join(f"{k}: {v}" for k, v in mutations.items()) + "). "
            + " ".join(f"With the {m} mutation, building the tables (`prepare`) takes {ratios('prepare', m)} its "
                       f"earlier time and reproduction (`reproduce`) {ratios('reproduce', m)}." for m in mutations)
            + " " + " ".join(f"At {n:,} agents on {t} threads ({m} mutation) serving takes "
                             f"{r['parts_ms']['serve'] / r['limit_ms']:.2f}x the limit loop's time and the other "
                             f"parts together {(r['generation_ms'] - r['parts_ms']['serve']) / r['limit_ms']:.2f}x more."
                             for (b, m, n, t), r in at.items() if b == after and t == 2))


def routing() -> str:
    d = load("niche")
    lines = ["| routing | threads | seconds per generation | steps/s | time against uniform |",
             "|---|---:|---:|---:|---:|"]
    base = {r["threads"]: r["seconds_per_generation"] for r in d["routing_100k"] if r["routing"] == "uniform"}
    for r in d["routing_100k"]:
        name = "uniform" if r["routing"] == "uniform" else f"choice, shortlist {r['shortlist']}"
        lines.append(f"| {name} | {r['threads']} | {r['seconds_per_generation']:.3f} | {sci(r['steps_per_second'])} "
                     f"| {r['seconds_per_generation'] / base[r['threads']]:.2f}x |")
    return "\n".join(lines)


def learn() -> str:
    d = load("learn")
    rep, twin, limit = d["replicators"], d["numpy twin"]["1 core"], d["NicheWorld limit loop steps/s (100,000 agents)"]
    goals = d["goals"]
    return (f"In that run: {rep['1 thread']['steps_per_s'] / 1e6:.1f} million learner steps per second on one thread "
            f"and {rep['2 threads']['steps_per_s'] / 1e6:.1f} million on two, updates included; the NumPy twin "
            f"{twin['steps_per_s'] / 1e6:.2f} million on its one core, so {d['per core ratio (1 thread / NumPy)']:.1f}x "
            f"per core and {d['all cores ratio']:.0f}x on the two cores; the limit loop ran at "
            f"{limit['2 threads'] / 1e6:.0f} million on two threads, so the learners ran at "
            f"{d['fraction of the limit loop on all cores']:.0%} of it (goals: at least "
            f"{goals['fraction of the limit loop on 2 cores']:.0%}, {goals['per core ratio']}x NumPy per core). A "
            f"learner holds {rep['2 threads']['bytes_per_learner'] / 1000:.1f} KB (logits, value table, Adam "
            f"moments, references; goal under {goals['bytes per learner'] / 1024:.0f} KiB).")


CONNECT4_ROWS = [
    ("replicators random, all cores", "replicators random playouts, 2 threads"),
    ("replicators random, 1 thread", "replicators random playouts, 1 thread"),
    ("replicators policy vs policy, all cores", "replicators policy vs policy, 2 threads"),
    ("replicators policy vs policy, 1 thread", "replicators policy vs policy, 1 thread"),
    ("replicators greedy vs random, all cores", "replicators greedy vs random, 2 threads"),
    ("OpenSpiel random bots, C++ loop, all cores", "OpenSpiel random bots, C++ loop, 2 processes"),
    ("OpenSpiel random bots, C++ loop, 1 process", "OpenSpiel random bots, C++ loop, 1 process"),
    ("OpenSpiel random, Python loop, all cores", "OpenSpiel random, Python loop, 2 processes"),
    ("OpenSpiel random, Python loop, 1 process", "OpenSpiel random, Python loop, 1 process"),
]


def connect4() -> str:
    d = load("connect4")
    res = d["results"]
    lines = ["| what | games/s |", "|---|---|"]
    lines += [f"| {label} | {big(res[key]['games_per_second'])} |" for key, label in CONNECT4_ROWS]
    ours, theirs = res["replicators random, all cores"], res["OpenSpiel random, Python loop, all cores"]
    met = {True: "met", False: "not met"}
    return "\n".join(lines) + (
        f"\n\nBoth engines give the same random-game statistics (first player wins {ours['first_player_win_rate']:.3f} "
        f"vs {theirs['first_player_win_rate']:.3f}, {ours['plies_per_game']:.1f} vs {theirs['plies_per_game']:.1f} "
        f"plies per game). Random playouts are {d['ratio_random_vs_openspiel_one_core']:.0f}x faster than "
        f"OpenSpiel's C++ game loop per core and {d['ratio_random_vs_openspiel_all_cores']:.0f}x on all cores. "
        f"Goals: >= {big(d['goal_random_games_per_second'])} random games/s ({met[d['goal_random_met']]}) and >= "
        f"{big(d['goal_policy_games_per_second'])} policy games/s ({met[d['goal_policy_met']]}) on 2 cores.")


def fixation() -> str:
    d = load("fixation")
    res, w = d["results"], d["workload"]
    names = {"replicators": "replicators (Rust, 2 threads)", "egttools": "egttools 0.1.14 (C++, OpenMP, 2 threads)",
             "numpy": "NumPy (vectorised jump chain)"}
    ours = res["replicators"]["runs_per_second"]
    lines = [f"| | runs/s | rho (exact {w['exact_probability']:g}) | replicators x |", "|---|---:|---:|---:|"]
    for key, label in names.items():
        r = res[key]
        rate = r["runs_per_second"]
        shown = f"{rate / 1e6:.2g} M" if rate >= 1e6 else f"{rate / 1e3:.3g} k"
        lines.append(f"| {label} | {shown} | {r['probability_mean']:.5f} | {ours / rate:.3g} |")
    return "\n".join(lines)


DEMO_COLUMNS = [("gold_per_need", "gold / need"), ("gold_per_visit", "gold / visit"),
                ("episode_length", "episode length"), ("lengthening_share", "lengthening share"),
                ("returning_share", "returning share"), ("effective_personas", "effective personas")]


def demo() -> str:
    d = load("demo")
    cells: dict[tuple, dict] = {}
    for c in d["cells"]:
        cells.setdefault((c["fitness"], c["pressure"]), {})[c["metric"]] = c
    fitness = list(dict.fromkeys(k[0] for k in cells))

    def row(key: tuple) -> list[str]:
        return [f"{cells[key][m]['mean']:.2f} [{cells[key][m]['low']:.2f}, {cells[key][m]['high']:.2f}]"
                for m, _ in DEMO_COLUMNS]

    control = [k for k in cells if k[1] == 0]
    same = len({tuple(row(k)) for k in control}) == 1
    lines = ["| fitness | pressure | " + " | ".join(t for _, t in DEMO_COLUMNS) + " |",
             "|---|---:|" + "---:|" * len(DEMO_COLUMNS)]
    if control and same:
        lines.append("| any (control) | 0 | " + " | ".join(row(control[0])) + " |")
    for f in fitness:
        for key in sorted(k for k in cells if k[0] == f and (k[1] != 0 or not same)):
            lines.append(f"| {f} | {key[1]:g} | " + " | ".join(row(key)) + " |")
    s, secs = d["sizes"], d["seconds"]
    head = (f"Population {s['population']:,}, {s['generations']} generations, {s['seeds']} seeds per cell; mean "
            f"[95% interval] over seeds of each run's last {int(100 * s['tail'])}% of generations. The whole demo "
            f"(this grid, the learners and the competition section) simulated in {secs['simulation']:.0f} s and wrote "
            f"its report in {secs['report']:.0f} s on the 2 cores of the machine it last ran on.")
    findings = "\n".join(f"- {line}" for line in d["findings"]["sum_vs_rate"])
    return head + "\n\n" + "\n".join(lines) + "\n\nWhat the demo prints from these numbers:\n\n" + findings


def sweep() -> str:
    d = load("sweep")
    t, o, vol, c = (d["throughput_seconds_per_run"], d["overhead_seconds_per_run"], d["run_volume"],
                    d["ctrl_c_seconds"])
    sp = d["in_run_speedup_2_threads"]
    ms = {k: 1000 * (o[k] - (o["run_itself"] if k != "ray_start" else 0.0)) for k in o if k != "run_itself"}
    runs = 10_000
    per_result = o["ray"] - o["run_itself"] + o["kept_in_folder"] - o["serial"]
    lines = [
        f"Measured by `benches/bench_sweep.py` on {d['machine']['cores']} cores "
        "(`benches/results/sweep.json`):",
        "",
        f"- **Run-level parallelism.** The demo's runs (2,000 agents, 300 generations): "
        f"{t['one_thread']:.2f} s per run on one thread (per core), {t['runs_on_all_threads']:.2f} s with both threads "
        f"in each run (the sweep before workers: {t['one_thread'] / t['runs_on_all_threads']:.2f}x), "
        f"{t['local_workers']:.2f} s with one run per core ({t['one_thread'] / t['local_workers']:.2f}x on all cores, "
        f"{t['runs_on_all_threads'] / t['local_workers']:.2f}x over threads in each run). The core already uses "
        f"two threads well at this size (a second thread: {sp['2000']:.2f}x at 2,000 agents, {sp['20000']:.2f}x at "
        f"20,000, {sp['100000']:.2f}x at 100,000), so workers gain most on small populations and odd numbers of runs.",
        f"- **Per-run overhead** beyond the run itself ({1000 * o['run_itself']:.1f} ms for a tiny run): serial "
        f"{ms['serial']:.1f} ms, local workers {ms['local_workers']:.1f} ms, kept in a results folder (three Parquet "
        f"files written, renamed, read back) {ms['kept_in_folder']:.1f} ms, Ray {ms['ray']:.1f} ms per task on a warm "
        f"local cluster, which takes {o['ray_start']:.1f} s to start.",
        f"- **A 10,000-run sweep on a 100-node cluster**, from these figures: each run of the demo's size sends back "
        f"{vol['rows']:,} rows, {vol['parquet_bytes'] / 1e3:.0f} kB as Parquet and {vol['memory_bytes'] / 1e3:.0f} kB in "
        f"memory, so the sweep's result volume is {runs * vol['parquet_bytes'] / 1e9:.1f} GB on disk and its final "
        f"tables hold {runs * vol['memory_bytes'] / 1e9:.1f} GB in the driver's memory (the in-flight window adds "
        f"only 2 results per CPU). The driver spends about {1000 * per_result:.0f} ms per result (fetch and keep), "
        f"{runs * per_result / 60:.1f} min for all; it keeps up with the cluster as long as runs last longer than "
        f"{per_result * 3200:.0f} s on 3,200 CPUs (100 nodes of 32; runs of the demo's size last {t['one_thread']:.1f} s: a sweep of "
        "them that large would wait on the driver, and gains from bigger runs per task).",
        f"- **Ctrl-C**: with local workers every run stopped and the process exited {c['python_workers']:.2f} s after "
        f"SIGINT from Python and {c['command_workers']:.2f} s from `replicators sweep --workers 2`; on Ray, "
        f"{c['ray_with_shutdown']:.1f} s, which includes cancelling the tasks (their worker processes killed) and "
        "shutting down the local cluster the sweep started.",
    ]
    return "\n".join(lines)


BALDWIN_COLUMNS = [("innate_gold_per_need", "innate gold / need"), ("learned_gold_per_need", "learned gold / need"),
                   ("innate_proxy_per_need", "innate proxy / need"), ("learning_kl", "learning KL")]


def baldwin() -> str:
    d = load("baldwin")
    cells = {(c["inherit"], c["objective"], c["metric"]): c for c in d["cells"]}

    def at(inherit: str, objective: str, metric: str) -> str:
        c = cells[(inherit, objective, metric)]
        return f"{c['mean']:.2f} [{c['low']:.2f}, {c['high']:.2f}]"

    def mean(inherit: str, objective: str, metric: str) -> float:
        return cells[(inherit, objective, metric)]["mean"]

    def differs(a: tuple, b: tuple, metric: str) -> int:
        """+1 / -1 if a's interval lies above / below b's, else 0."""
        x, y = cells[(*a, metric)], cells[(*b, metric)]
        return 1 if x["low"] > y["high"] else -1 if x["high"] < y["low"] else 0

    s = d["sizes"]
    inherits = list(dict.fromkeys(k[0] for k in cells))
    objectives = list(dict.fromkeys(k[1] for k in cells))
    lines = ["| inherit | objective | " + " | ".join(f"{t} (first {int(100 * d['early'])}% → last {int(100 * d['tail'])}%)"
                                                     for _, t in BALDWIN_COLUMNS) + " |",
             "|---|---|" + "---|" * len(BALDWIN_COLUMNS)]
    for i in inherits:
        for o in objectives:
            lines.append(f"| {i} | {o} | " + " | ".join(f"{at(i, o, m + '_early')} → {at(i, o, m)}"
                                                      for m, _ in BALDWIN_COLUMNS) + " |")
    findings = []
    word = {1: "above", -1: "below", 0: "not distinguishable from"}
    for o in objectives:
        gold = differs(("innate", o), ("none", o), "innate_gold_per_need")
        proxy = differs(("innate", o), ("none", o), "innate_proxy_per_need")
        kl0, kl1 = mean("innate", o, "learning_kl_early"), mean("innate", o, "learning_kl")
        findings.append(
            f"Under `{o}`, with innate inheritance the inherited genomes end {word[proxy]} evolution without learning "
            f"in proxy per need, the reward learning and selection both see ({at('innate', o, 'innate_proxy_per_need')} "
            f"against {at('none', o, 'innate_proxy_per_need')}), and {word[gold]} it in gold per need "
            f"({at('innate', o, 'innate_gold_per_need')} against {at('none', o, 'innate_gold_per_need')}); learning "
            f"moves an agent {'less' if kl1 < kl0 else 'more'} as generations pass (learning KL {kl0:.2f} → {kl1:.2f}): "
            + ("part of what learning finds becomes innate, but learning also shields the genome from selection "
               "(what a lifetime supplies need not be inherited), so evolution alone gets further in what is inherited."
               if proxy < 0 and kl1 < kl0 else
               "learned behaviour becomes innate faster than evolution finds it alone (the Baldwin effect)."
               if proxy > 0 and kl1 < kl0 else "no assimilation stands out at this size."))
        lam = differs(("learned", o), ("innate", o), "innate_gold_per_need")
        findings.append(
            f"Under `{o}`, Lamarckian inheritance ends with innate gold per need {at('learned', o, 'innate_gold_per_need')}, "
            f"{word[lam]} the Darwinian {at('innate', o, 'innate_gold_per_need')}, and learning then moves an agent "
            f"little (KL {mean('learned', o, 'learning_kl'):.3f}): what is learned is kept.")
    head = (f"Measured by `benches/study_baldwin.py` (`benches/results/baldwin.json`): population "
            f"{s['population']}, {s['generations']} generations, {s['iterations']} PPO iterations of "
            f"{s['episodes']} requests per lifetime, {s['seeds']} seeds per cell, {d['seconds']:.0f} s on "
            f"{d['machine']['cores']} cores; mean [95% interval] over seeds of each run's first "
            f"{int(100 * d['early'])}% and last {int(100 * d['tail'])}% of generations. Gold and proxy per need "
            "come from the exact evaluator, averaged over agents; `none` is evolution without learning (its learned "
            "columns equal the innate ones).")
    return head + "\n\n" + "\n".join(lines) + "\n\n" + "\n".join(f"- {f}" for f in findings)


ENV_ROWS = [("ours_1", "replicators, 1 thread"), ("ours_{cores}", "replicators, all cores"),
            ("numpy", "the same law in NumPy (1 core)")]


def envs() -> str:
    d = load("envs")
    cores = d["machine"]["cores"]
    rows = d["batches"]
    lines = ["| environments per batch | " + " | ".join(t for _, t in ENV_ROWS) + " |",
             "|---:|" + "---:|" * len(ENV_ROWS)]
    for r in rows:
        lines.append(f"| {r['batch']:,} | " + " | ".join(f"{r[k.format(cores=cores)] / 1e6:.1f} M"
                                                       for k, _ in ENV_ROWS) + " |")
    best = max(rows, key=lambda r: r[f"ours_{cores}"])
    goal = d["goal_steps_per_second"]
    return "\n".join(lines) + (
        f"\n\nEnvironment steps per second from Python (`benches/bench_envs.py`, `benches/results/envs.json`). "
        f"At {best['batch']:,} environments per batch: {best[f'ours_{cores}'] / 1e6:.1f} million steps per second "
        f"on {cores} cores (goal: {goal / 1e6:.0f} million, {'met' if best[f'ours_{cores}'] >= goal else 'not met'}), "
        f"{best['ours_1'] / best['numpy']:.1f}x the NumPy version per core and "
        f"{best[f'ours_{cores}'] / best['numpy']:.1f}x on all cores. Gymnasium's `SyncVectorEnv` of 1,024 "
        f"`AssistantEnv`s steps {d['sync_vector_1024'] / 1e3:.0f} thousand per second and one `AssistantEnv` "
        f"{d['single'] / 1e3:.0f} thousand: Python per step is what the vector environment removes. "
        f"`examples/numpy_policy_gradient.py` at its defaults raises the exact expected return per episode from "
        f"{d['example']['before']:.2f} (uniform policy) to {d['example']['after']:.2f} in "
        f"{d['example']['iterations']} iterations ({d['example']['seconds']:.1f} s).")


C4L_COLUMNS = [("game_length", "game length"), ("immediate_win_rate", "immediate-win rate"),
               ("block_rate", "block rate"), ("strength_vs_greedy", "wins vs greedy"),
               ("weight_wins_now", "weight wins_now")]


def connect4_learners() -> str:
    d = load("connect4_learners")
    pressures = d["pressures"]
    rows = ["| how | objective | p | " + " | ".join(t for _, t in C4L_COLUMNS) + " |",
            "|---|---|---:|" + "---:|" * len(C4L_COLUMNS)]
    found = []
    for how, key, dim in (("self-play", "self_play", "objective"), ("evolution", "evolution", "fitness")):
        cells = {(c[dim], c["pressure"], c["metric"]): c for c in d[key]["cells"]}
        modes = list(dict.fromkeys(k[0] for k in cells))
        for m in modes:
            for p in pressures:
                rows.append(f"| {how} | {m} | {p:g} | " + " | ".join(
                    f"{cells[(m, p, c)]['mean']:.2f} [{cells[(m, p, c)]['low']:.2f}, {cells[(m, p, c)]['high']:.2f}]"
                    for c, _ in C4L_COLUMNS) + " |")
            lo, hi = cells[(m, pressures[0], "immediate_win_rate")], cells[(m, pressures[-1], "immediate_win_rate")]
            gl, gh = cells[(m, pressures[0], "game_length")], cells[(m, pressures[-1], "game_length")]
            trend = ("takes fewer immediate wins" if hi["high"] < lo["low"] else
                     "takes more immediate wins" if hi["low"] > lo["high"] else "takes immediate wins as often")
            found.append(f"{how} on `{m}`: from p = {pressures[0]:g} to {pressures[-1]:g} it {trend} "
                         f"({lo['mean']:.2f} → {hi['mean']:.2f}) in games of {gl['mean']:.1f} → {gh['mean']:.1f} plies.")
    sp, ev = d["self_play"], d["evolution"]
    c = sp["config"]
    head = (f"Measured by `benches/study_connect4_learners.py` (`benches/results/connect4_learners.json`): "
            f"self-play runs of {c['learners']} learners x {c['iterations']} iterations x {c['games']} games "
            f"(reward priced in a knockout of {c['population']}), {sp['seconds']:.0f} s; evolution at "
            f"`connect4_pressure`'s defaults, {ev['seconds']:.0f} s; mean [95% interval] over seeds of each run's "
            f"last {int(100 * sp['tail'])}% of iterations (self-play) or {int(100 * ev['tail'])}% of generations "
            "(evolution).")
    return head + "\n\n" + "\n".join(rows) + "\n\n" + "\n".join(f"- {f}" for f in found)


BLOCKS: dict[str, Callable[[], str]] = {"connect4_learners": connect4_learners, "baldwin": baldwin, "envs": envs, "sweep": sweep, "demo": demo, "niche": niche, "limit": limit, "parts": parts, "routing": routing, "learn": learn,
                                       "connect4": connect4, "fixation": fixation}


def render(text: str) -> str:
    """``text`` with every figures block regenerated."""
    for name, make in BLOCKS.items():
        pattern = re.compile(rf"(<!-- figures:{name} -->\n)(?:.*?\n)?(<!-- /figures:{name} -->)", re.S)
        if not pattern.search(text):
            raise SystemExit(f"README.md has no block <!-- figures:{name} --> ... <!-- /figures:{name} -->")
        text = pattern.sub(lambda m: m.group(1) + make() + "\n" + m.group(2), text)
    return text


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="exit 1 if the README differs from the results files")
    ap.add_argument("--demo", type=Path, help="copy this demo folder's headline.json to benches/results/demo.json")
    args = ap.parse_args()
    if args.demo and args.check:
        raise SystemExit("--check compares and writes nothing: run --demo without it first")
    if args.demo:
        shutil.copyfile(args.demo / "headline.json", RESULTS / "demo.json")
    text = README.read_text()
    new = render(text)
    if args.check:
        if new != text:
            print("README.md figures differ from benches/results: run python benches/figures.py", file=sys.stderr)
            return 1
        return 0
    README.write_text(new)
    return 0


if __name__ == "__main__":
    sys.exit(main())
