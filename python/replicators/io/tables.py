"""Tables on disk: Parquet files that carry their own provenance.

Every table written by replicators records, in the Parquet file's key-value
metadata, the config that produced it, its seed and the package version, so
a number in a report can be traced back and re-run. Files are written
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
from ..errors import ConfigError

__all__ = ["write_table", "read_table", "read_provenance", "read_snapshots", "atomic_write_text"]

_KEY = "replicators"
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
    path.parent.mkdir(parents=True, exist_ok=True)
    provenance = {"version": _version(), "config": config, "seed": seed, **extra}
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
    """Read a table written by :func:`write_table`.

    Examples
    --------
    >>> import tempfile, pathlib, polars as pl
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.parquet"
    >>> write_table(pl.DataFrame({"x": [1]}), p)
    >>> read_table(p)["x"].to_list()
    [1]
    """
    return pl.read_parquet(path)


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
    meta = pl.read_parquet_metadata(path)
    if _KEY not in meta:
        return {}
    return json.loads(meta[_KEY])


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
    frame = pl.read_parquet(path)
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
