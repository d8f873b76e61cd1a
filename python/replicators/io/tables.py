"""Tables on disk: Parquet files that carry their own provenance.

Every table written by replicators records, in the Parquet file's key-value
metadata, the config that produced it, its seed, the package version and
the ``schema`` version of its column names, so a number in a report can be
traced back and re-run, and a table written before a rename still reads
(``read_table`` upgrades it). Files are written
atomically (to a temporary file in the same folder, then renamed), so a run
interrupted halfway never leaves a truncated file behind.

Examples
--------
>>> import tempfile, pathlib, polars as pl
>>> from replicators.io import write_table, read_provenance
>>> path = pathlib.Path(tempfile.mkdtemp()) / "t.parquet"
>>> write_table(pl.DataFrame({"x": [1, 2]}), path, config={"fitness": "rate"}, seed=3)
>>> read_provenance(path)["seed"]
3
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from .. import _core
from ..errors import ConfigError, first_line

__all__ = ["write_table", "read_table", "read_provenance", "read_snapshots", "atomic_write_text", "upgrade", "SCHEMA"]

_KEY = "replicators"
#: Version of the tables' column names. 1 (no ``schema`` key): NicheWorld
#: counted ``requests`` (fresh + follow-ups) and measured ``*_per_request``
#: per arrival; 2: ``needs``, ``visits``, ``*_per_need`` (the exact
#: evaluator's unit) and ``*_per_visit`` (what ``*_per_request`` was).
SCHEMA = 2
# mkstemp creates 0600 files; results are meant to be shared and opened.
_MODE = 0o644


def _version() -> str:
    return str(_core.__version__)


def write_table(
    frame: pl.DataFrame, path: str | os.PathLike[str], *, config: Any = None, seed: Any = None, **extra: Any
) -> None:
    """Write ``frame`` to ``path`` as Parquet, atomically, with provenance.

    Parameters
    ----------
    frame
        The table.
    path
        Destination; its folder is created if needed.
    config
        The config that produced the table (anything JSON-serialisable).
    seed
        The seed (or list of seeds) behind it.
    **extra
        Further JSON-serialisable provenance (e.g. ``experiment="sum_vs_rate"``).
    """
    path = Path(path)
    if path.is_dir():
        raise ConfigError(f"path = {str(path)!r} is invalid: expected a file name, found a folder")
    path.parent.mkdir(parents=True, exist_ok=True)
    provenance = {"version": _version(), "schema": SCHEMA, "config": config, "seed": seed, **extra}
    metadata = {_KEY: json.dumps(provenance, default=str, sort_keys=True)}
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        frame.write_parquet(tmp, metadata=metadata)
        os.chmod(tmp, _MODE)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_table(path: str | os.PathLike[str]) -> pl.DataFrame:
    """Read a table written by :func:`write_table`, in today's column names
    (a table of an older ``schema`` is upgraded as it is read).

    Examples
    --------
    >>> import tempfile, pathlib, polars as pl
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.parquet"
    >>> write_table(pl.DataFrame({"x": [1]}), p)
    >>> read_table(p)["x"].to_list()
    [1]
    """
    try:
        frame = pl.read_parquet(path)
    except (pl.exceptions.PolarsError, OSError) as e:
        raise ConfigError(f"path = {str(path)!r} is invalid: not a readable Parquet table ({first_line(e)})") from None
    schema = read_provenance(path).get("schema", 1)
    if not isinstance(schema, int) or schema > SCHEMA:
        raise ConfigError(
            f"path = {str(path)!r} is invalid: its schema {schema!r} is newer than this version reads ({SCHEMA})"
        )
    return upgrade(frame) if schema < 2 else frame


def _v2_name(name: str) -> str:
    if name == "requests":
        return "visits"
    return name.replace("_per_request", "_per_visit")


def upgrade(frame: pl.DataFrame) -> pl.DataFrame:
    """A schema-1 table in schema-2 names: ``requests`` -> ``visits``,
    ``*_per_request`` -> ``*_per_visit`` (columns and the names in a long
    table's ``metric`` column); where a row is one generation (it has
    ``generation``, ``visits`` and ``follow_ups``) ``needs`` and
    ``*_per_need`` are derived exactly (the per-visit total over needs).

    Examples
    --------
    >>> old = pl.DataFrame({"generation": [0], "requests": [12], "follow_ups": [2], "gold_per_request": [0.5]})
    >>> upgrade(old).select("visits", "needs", "gold_per_visit", "gold_per_need").row(0)
    (12, 10, 0.5, 0.6)
    """
    frame = frame.rename({c: _v2_name(c) for c in frame.columns if _v2_name(c) != c})
    if "metric" in frame.columns and frame.schema["metric"] == pl.String:
        frame = frame.with_columns(pl.col("metric").map_elements(_v2_name, return_dtype=pl.String))
    if {"generation", "visits", "follow_ups"} <= set(frame.columns) and "needs" not in frame.columns:
        frame = frame.with_columns(needs=pl.col("visits") - pl.col("follow_ups"))
        for kind in ("proxy", "gold"):
            if f"{kind}_per_visit" in frame.columns:
                frame = frame.with_columns(
                    (pl.col(f"{kind}_per_visit") * pl.col("visits") / pl.col("needs")).alias(f"{kind}_per_need"))
    return frame


def read_provenance(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The provenance (version, config, seed, ...) stored in a table's metadata.

    Examples
    --------
    >>> import tempfile, pathlib, polars as pl
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "b.parquet"
    >>> write_table(pl.DataFrame({"x": [1]}), p, config={"a": 1})
    >>> read_provenance(p)["config"]
    {'a': 1}
    """
    try:
        meta = pl.read_parquet_metadata(path)
    except (pl.exceptions.PolarsError, OSError) as e:
        raise ConfigError(f"path = {str(path)!r} is invalid: not a readable Parquet table ({first_line(e)})") from None
    if _KEY not in meta:
        return {}
    try:
        provenance = json.loads(meta[_KEY])
    except ValueError:
        provenance = None
    if not isinstance(provenance, dict):
        raise ConfigError(f"path = {str(path)!r} is invalid: its replicators metadata is not a JSON object")
    return provenance


def read_snapshots(path: str | os.PathLike[str]) -> dict[int, np.ndarray]:
    """Genome snapshots from a ``snapshots.parquet`` written by ``replicators
    run``: ``{generation: array (population, genes)}``, rows in agent order,
    as ``result.snapshots`` held them.

    The file is long: one row per generation and agent, one column per gene
    (``gene<i>`` for a NicheWorld, feature names for a tournament).

    Examples
    --------
    >>> import tempfile, pathlib, numpy as np, replicators as r
    >>> from replicators.cli import run_tables
    >>> res = r.evolve(r.NicheWorld.preset(), population=5, generations=2, fitness="rate", snapshots=[0, 2], seed=1)
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "snapshots.parquet"
    >>> write_table(run_tables(res)["snapshots"], p)
    >>> snaps = read_snapshots(p)
    >>> sorted(snaps), all(np.array_equal(snaps[g], res.snapshots[g]) for g in snaps)
    ([0, 2], True)
    """
    frame = read_table(path)
    missing = [c for c in ("generation", "agent") if c not in frame.columns]
    if missing:
        raise ConfigError(f"path = {str(path)!r} is invalid: not a snapshots table (no column {missing[0]!r})")
    genes = [c for c in frame.columns if c not in ("generation", "agent")]
    return {
        int(g): part.sort("agent").select(genes).to_numpy().astype(float)
        for (g,), part in frame.sort("generation").group_by("generation", maintain_order=True)
    }


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write a text file atomically (report pages, configs).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.txt"
    >>> atomic_write_text(p, "hello")
    >>> p.read_text()
    'hello'
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(tmp, _MODE)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
