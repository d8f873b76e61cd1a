"""Finished runs kept on disk, so that an interrupted sweep resumes.

A sweep given a results folder keeps each run there as it finishes, under
``finished/``: one folder per run (``run-000012/``, its ``runs``,
``per_run`` and further tables as Parquet), written into a hidden
temporary and renamed into place, so a run is either whole or absent,
whatever moment the sweep is killed at. Beside them, ``fingerprint.json``
holds the sweep's fingerprint: a hash of everything that decides its
numbers (the package version, the grid, seeds, tail, every cell's world and
arguments, the measures' names; not the threads, workers or backend, which
never change a number). Re-running the same sweep into the folder reads the
finished runs back and runs only the missing ones; a sweep with another
fingerprint refuses the folder, naming what differs, unless asked to start
over (``resume=False``).

An experiment that runs several sweeps (``ideal_free_check`` runs one per
demand vector) keeps each in its own sub-store, ``finished/<name>-<k>/``,
the k-th sweep of that name, beside the experiment's fingerprint.

Examples
--------
>>> import tempfile, polars as pl
>>> d = tempfile.mkdtemp()
>>> store = RunStore.open(d, fingerprint("x", {"grid": [1]}), {"grid": [1]})
>>> store.save(3, {"runs": pl.DataFrame({"a": [1]})})
>>> store.finished()
[3]
>>> store.load(3)["runs"]["a"].to_list()
[1]
>>> RunStore.open(d, fingerprint("x", {"grid": [2]}), {"grid": [2]})
Traceback (most recent call last):
...
replicators.errors.ConfigError: out = ... is invalid: it holds the finished runs of another sweep (grid differs); choose another folder, or pass resume=False (--restart) to start over
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import os
import secrets
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import polars as pl

from ..errors import ConfigError
from ..io.folder import FINISHED, check_output_folder

__all__ = ["RunStore", "fingerprint", "canonical", "kept"]

_FILE = "fingerprint.json"


def canonical(x: Any) -> Any:
    """``x`` as JSON-able data that is the same in every session for the same
    value: dataclasses by their fields, arrays and tables by a hash of their
    bytes, functions by their qualified names.

    Examples
    --------
    >>> from replicators.selection import Proportional
    >>> canonical({"b": Proportional(pressure=2.0), "a": (1, float("nan"))})
    {'a': [1, 'nan'], 'b': {'type': 'replicators.selection.schemes.Proportional', 'pressure': '2.0', 'standardize': True}}
    """
    import numpy as np

    if x is None or isinstance(x, bool | int | str):
        return x
    if isinstance(x, float):
        return repr(x) if math.isfinite(x) else str(x)
    if isinstance(x, list | tuple):
        return [canonical(i) for i in x]
    if isinstance(x, Mapping):
        return {str(k): canonical(x[k]) for k in sorted(x, key=str)}
    if isinstance(x, np.generic):
        return canonical(x.item())
    if isinstance(x, np.ndarray):
        data = np.ascontiguousarray(x)
        return {"array": str(data.dtype), "shape": list(data.shape), "sha256": hashlib.sha256(data.tobytes()).hexdigest()}
    if isinstance(x, pl.DataFrame | pl.Series):
        frame = x.to_frame() if isinstance(x, pl.Series) else x
        rows = frame.hash_rows(seed=0, seed_1=1, seed_2=2, seed_3=3).to_list()
        return {"table": str(frame.schema), "sha256": hashlib.sha256(json.dumps(rows).encode()).hexdigest()}
    kind = f"{type(x).__module__}.{type(x).__qualname__}"
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        return {"type": kind, **{f.name: canonical(getattr(x, f.name)) for f in dataclasses.fields(x)}}
    if callable(x):
        return {"callable": f"{getattr(x, '__module__', '?')}.{getattr(x, '__qualname__', type(x).__qualname__)}"}
    text = repr(x)
    # A repr with an address differs in every session: keep only the type.
    return {"type": kind} if " at 0x" in text else {"type": kind, "repr": text}


def fingerprint(name: str, description: Mapping[str, Any]) -> str:
    """SHA-256 of a sweep's name, the package version and ``description``
    (made ``canonical``)."""
    from .. import _core

    text = json.dumps({"name": name, "version": str(_core.__version__), **canonical(dict(description))}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def kept(folder: Path, digest: str | None) -> tuple[str, ...]:
    """What a results folder's rewrite must keep: its finished runs, when
    they belong to the sweep with fingerprint ``digest``."""
    if digest is None:
        return ()
    try:
        held = json.loads((folder / FINISHED / _FILE).read_text(encoding="utf-8"))["fingerprint"]
    except (OSError, ValueError, KeyError, TypeError):
        return ()
    return (FINISHED,) if held == digest else ()


def _differs(old: Mapping[str, Any], new: Mapping[str, Any]) -> str:
    keys = [k for k in dict.fromkeys([*old, *new]) if old.get(k) != new.get(k)]
    return ", ".join(keys) + (" differ" if len(keys) > 1 else " differs") if keys else "the package version differs"


class RunStore:
    """The finished runs of one sweep in ``root`` (see the module docs)."""

    def __init__(self, root: Path, digest: str):
        self.root = root
        self.fingerprint = digest
        self._children: dict[str, int] = {}

    @staticmethod
    def open(folder: str | os.PathLike[str], digest: str, description: Mapping[str, Any], *,
             resume: bool = True, field: str = "out") -> RunStore:
        """The store of the sweep with fingerprint ``digest`` in results
        folder ``folder`` (made if absent). A folder holding another sweep's
        runs is refused, or emptied with ``resume=False``."""
        folder = check_output_folder(folder, field)
        return RunStore._at(folder / FINISHED, digest, description, resume=resume, field=field, shown=folder)

    @staticmethod
    def _at(root: Path, digest: str, description: Mapping[str, Any], *, resume: bool, field: str,
            shown: Path) -> RunStore:
        marker = root / _FILE
        if marker.is_file():
            try:
                held = json.loads(marker.read_text(encoding="utf-8"))
                same = held.get("fingerprint") == digest
            except (OSError, ValueError, AttributeError):
                held, same = {}, False
            if not same and resume:
                raise ConfigError(
                    f"{field} = {str(shown)!r} is invalid: it holds the finished runs of another sweep "
                    f"({_differs(held.get('description') or {}, canonical(dict(description)))}); choose another "
                    "folder, or pass resume=False (--restart) to start over")
            if not same or not resume:
                shutil.rmtree(root)
        elif root.exists() and not resume:
            shutil.rmtree(root)
        root.mkdir(parents=True, exist_ok=True)
        if not marker.is_file():
            text = json.dumps({"fingerprint": digest, "description": canonical(dict(description))}, indent=1)
            tmp = root / f".{_FILE}.{os.getpid()}.tmp"
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, marker)
        # Temporaries of runs killed while being written.
        for stale in root.glob(".run-*"):
            shutil.rmtree(stale, ignore_errors=True)
        return RunStore(root, digest)

    def child(self, name: str, digest: str, description: Mapping[str, Any]) -> RunStore:
        """The store of the next sweep called ``name`` inside this one's experiment."""
        k = self._children.get(name, 0)
        self._children[name] = k + 1
        return RunStore._at(self.root / f"{name}-{k}", digest, description, resume=True, field="out",
                            shown=self.root.parent)

    def _path(self, index: int) -> Path:
        return self.root / f"run-{index:06d}"

    def finished(self) -> list[int]:
        """Indices of the runs already kept, in order."""
        out = []
        for p in self.root.glob("run-*"):
            tail = p.name[4:]
            if tail.isdigit() and p.is_dir():
                out.append(int(tail))
        return sorted(out)

    def save(self, index: int, record: Mapping[str, pl.DataFrame]) -> None:
        """Keep run ``index``'s tables: whole, or not at all."""
        tmp = self.root / f".run-{index:06d}.{os.getpid()}-{secrets.token_hex(4)}"
        tmp.mkdir()
        try:
            for key, frame in record.items():
                frame.write_parquet(tmp / f"{key}.parquet", statistics=False)
            os.rename(tmp, self._path(index))
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)

    def load(self, index: int) -> dict[str, pl.DataFrame]:
        """Run ``index``'s tables, as saved."""
        path = self._path(index)
        return {p.stem: pl.read_parquet(p) for p in sorted(path.glob("*.parquet"))}
