"""Report folders: one ``index.html`` with charts and tables, plus PNGs.

A report is what a newcomer opens to read an experiment's answer. The page
works without a network: the Vega, Vega-Lite and Vega-Embed JavaScript is
inlined once (from vl-convert's bundle, the same package that renders the
PNGs without a browser), and every chart is embedded as its Vega-Lite spec,
so it stays interactive (brushes, tooltips).

Examples
--------
>>> import tempfile, polars as pl
>>> from replicators.io.report import Report
>>> r = Report("Demo", intro="A tiny report.")
>>> r.add_table("numbers", pl.DataFrame({"x": [1, 2]}), caption="Two numbers.")
>>> index = r.write(tempfile.mkdtemp(), png=False)
>>> index.name
'index.html'
"""

from __future__ import annotations

import html
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from .tables import atomic_write_text

__all__ = ["VALIDATE_CHARTS", "Report", "save_png"]

#: Validate each chart's spec against the Vega-Lite schema while writing.
#: Off: it took half the report's time, for specs our own chart builders
#: make; the tests turn it on (tests/conftest.py), so every chart of every
#: report they write is validated.
VALIDATE_CHARTS = False


def save_png(chart: Any, path: str | os.PathLike[str], scale: float = 2.0) -> Path:
    """Render an altair chart (or its Vega-Lite spec as a dict) to PNG with
    vl-convert (no browser needed).

    Examples
    --------
    >>> import tempfile, pathlib, altair as alt, polars as pl
    >>> c = alt.Chart(pl.DataFrame({"x": [1, 2], "y": [3, 4]})).mark_line().encode(x="x", y="y")
    >>> save_png(c, pathlib.Path(tempfile.mkdtemp()) / "c.png").stat().st_size > 0
    True
    """
    import vl_convert as vlc

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    png = vlc.vegalite_to_png(chart if isinstance(chart, dict) else chart.to_dict(), scale=scale)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(png)
    os.replace(tmp, path)
    return path


@dataclass
class _Section:
    kind: str  # "text" | "table" | "chart"
    name: str
    caption: str
    payload: Any


@dataclass
class Report:
    """An HTML report assembled from text, tables and altair charts."""

    title: str
    intro: str = ""
    sections: list[_Section] = field(default_factory=list)

    def add_text(self, heading: str, text: str) -> None:
        """A heading and a paragraph (plain text; blank lines split paragraphs)."""
        self.sections.append(_Section("text", heading, "", text))

    def add_table(self, name: str, frame: pl.DataFrame, caption: str = "", *, digits: int = 3) -> None:
        """A table, shown with floats rounded to ``digits``."""
        self.sections.append(_Section("table", name, caption, (frame, digits)))

    def add_chart(self, name: str, chart: Any, caption: str = "", *, title: str | None = None) -> None:
        """An altair chart; written as ``<name>.png`` and embedded live in the
        page under ``title`` (default: the name in words)."""
        self.sections.append(_Section("chart", name, caption, (chart, title or name.replace("_", " ").capitalize())))

    def write(self, folder: str | os.PathLike[str], *, png: bool = True) -> Path:
        """Write ``index.html`` (and ``<chart>.png`` files) into ``folder``.

        Returns the path of ``index.html``.
        """
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        body: list[str] = [f"<h1>{html.escape(self.title)}</h1>"]
        body += [f"<p>{html.escape(p)}</p>" for p in self.intro.split("\n\n") if p.strip()]
        scripts: list[str] = []
        for i, s in enumerate(self.sections):
            if s.kind == "text":
                body.append(f"<h2>{html.escape(s.name)}</h2>")
                body += [f"<p>{html.escape(p)}</p>" for p in str(s.payload).split("\n\n") if p.strip()]
            elif s.kind == "table":
                frame, digits = s.payload
                body.append(f"<h2>{html.escape(s.name)}</h2>")
                if s.caption:
                    body.append(f"<p class='caption'>{html.escape(s.caption)}</p>")
                body.append(_table_html(frame, digits))
            else:
                chart, heading = s.payload
                body.append(f"<h2>{html.escape(heading)}</h2>")
                if s.caption:
                    body.append(f"<p class='caption'>{html.escape(s.caption)}</p>")
                body.append(f"<div id='chart{i}' class='chart'></div>")
                # One spec for the page and the PNG.
                spec_dict = chart.to_dict(validate=VALIDATE_CHARTS)
                if png:
                    save_png(spec_dict, folder / f"{_slug(s.name)}.png")
                    body.append(f"<p class='png'><a href='{_slug(s.name)}.png'>PNG</a></p>")
                spec = json.dumps(spec_dict)
                scripts.append(f"vegaEmbed('#chart{i}', {spec}, {{actions: false}});")
        page = _PAGE.format(
            title=html.escape(self.title),
            bundle=_bundle() if scripts else "",
            body="\n".join(body),
            embeds="\n".join(scripts),
        )
        index = folder / "index.html"
        atomic_write_text(index, page)
        return index


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in name.lower()).strip("_")


def _table_html(frame: pl.DataFrame, digits: int) -> str:
    # Long column names break at their underscores, so tables fit the page.
    head = "".join(f"<th>{html.escape(c).replace('_', '_<wbr>')}</th>" for c in frame.columns)
    rows = []
    for row in frame.iter_rows():
        cells = "".join(f"<td>{html.escape(_fmt(x, digits))}</td>" for x in row)
        rows.append(f"<tr>{cells}</tr>")
    return f"<div class='table'><table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"


def _fmt(x: Any, digits: int) -> str:
    if isinstance(x, float):
        return f"{x:.{digits}f}"
    return "" if x is None else str(x)


def _bundle() -> str:
    """Vega, Vega-Lite and Vega-Embed as one script, for pages that work offline.

    vl-convert builds it on first call in a process (1.7 s of bundling, the
    GIL held); the result only depends on vl-convert's version, so it is
    kept in the user's cache folder (``$XDG_CACHE_HOME/replicators``, else
    ``~/.cache/replicators``) and read back in milliseconds by the next
    process. A cache that cannot be read or written is skipped."""
    import importlib.metadata

    import vl_convert as vlc

    version = importlib.metadata.version("vl-convert-python")
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "replicators"
    path = cache / f"vega-bundle-{version}.js"
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        pass
    # A "</script>" inside the bundle would end the tag early.
    bundle = vlc.javascript_bundle().replace("</script>", "<\\/script>")
    try:
        cache.mkdir(parents=True, exist_ok=True)
        atomic_write_text(path, bundle)
    except OSError:
        pass
    return bundle


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 1300px; margin: 2em auto; padding: 0 1em; color: #222; }}
.table {{ overflow-x: auto; }}
table {{ border-collapse: collapse; margin: 1em 0; font-size: 0.8em; }}
th, td {{ border: 1px solid #ccc; padding: 0.25em 0.5em; text-align: right; }}
td {{ white-space: nowrap; }}
th {{ background: #f3f3f3; max-width: 9em; vertical-align: bottom; }}
.caption {{ color: #555; }}
.chart {{ margin: 1em 0; }}
</style>
<script>{bundle}</script>
</head>
<body>
{body}
<script>
{embeds}
</script>
</body>
</html>
"""
