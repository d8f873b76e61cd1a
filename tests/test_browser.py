"""The demo report in a real headless browser (Debian's chromium), offline:
every chart of ``index.html`` drawn, not only the HTML present.

Runs wherever chromium is installed; with ``CI=true`` it is required (a
missing browser fails, it does not skip). ``.ci/run`` installs it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

from replicators.cli import TINY_COMPETITION, run_demo

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
REQUIRED = os.environ.get("CI") == "true"

pytestmark = pytest.mark.skipif(CHROMIUM is None and not REQUIRED, reason="chromium is not installed")

#: No network: every host resolves to nothing and any proxy is a dead port,
#: so a page that fetched a script from a CDN would fail to draw.
OFFLINE = ["--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>"]


def render(page: str, *extra: str) -> subprocess.CompletedProcess:
    assert CHROMIUM, "CI=true needs chromium (apt-get install chromium); .ci/run installs it"
    argv = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0",
            "--virtual-time-budget=30000", *OFFLINE, *extra, f"file://{page}"]
    return subprocess.run(argv, capture_output=True, text=True, timeout=180)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    run_demo(out, population=60, generations=4, seeds=2, progress=False, png=False, echo=False,
             learn_iterations=2, competition=TINY_COMPETITION)
    return out


def charts_drawn(dom: str) -> dict[str, int]:
    """Marks drawn per chart container of the rendered DOM."""
    parts = re.split(r'<div id="(chart\d+)"', dom)
    return {parts[i]: len(re.findall(r"role-mark", parts[i + 1].split('<div id="chart')[0]))
            for i in range(1, len(parts), 2)}


def test_every_chart_of_the_demo_report_is_drawn_offline(demo):
    page = demo / "index.html"
    expected = len(re.findall(r"<div id='chart\d+' class='chart'>", page.read_text()))
    assert expected >= 8  # summary, trajectories, personas, learners, competition
    run = render(str(page), "--dump-dom")
    assert run.returncode == 0, run.stderr[-2000:]
    drawn = charts_drawn(run.stdout)
    assert len(drawn) == expected, (sorted(drawn), expected)
    assert all(n > 0 for n in drawn.values()), drawn
    errors = [line for line in run.stderr.splitlines() if "CONSOLE" in line and "rror" in line]
    assert not errors, errors


def test_a_broken_chart_is_caught(demo, tmp_path):
    """The check can fail: a chart whose spec does not compile draws no marks."""
    html = (demo / "index.html").read_text()
    first = re.search(r"vegaEmbed\('#(chart\d+)', \{", html)
    broken = tmp_path / "index.html"
    broken.write_text(html[:first.end()] + '"mark": 7, ' + html[first.end():])
    drawn = charts_drawn(render(str(broken), "--dump-dom").stdout)
    assert drawn.get(first.group(1), 0) == 0 and sum(n > 0 for n in drawn.values()) == len(drawn) - 1


def test_the_report_renders_to_a_screenshot(demo, tmp_path):
    shot = tmp_path / "report.png"
    run = render(str(demo / "index.html"), "--hide-scrollbars", "--window-size=1400,3000", f"--screenshot={shot}")
    assert run.returncode == 0, run.stderr[-2000:]
    assert shot.read_bytes().startswith(b"\x89PNG") and shot.stat().st_size > 50_000
