"""Results folders written as one: complete, or not there at all.

A run or a sweep writes many files (tables, the resolved config, a report).
Written one by one into the final folder, a run killed halfway would leave
a folder that mixes the new run's tables with an older run's. So
``output_folder`` hands out a hidden sibling (``.<name>.partial-<pid>-<id>``)
to write into, writes ``manifest.json`` there last (every file with its
size), and only then swaps it into place: the old folder is renamed aside
(``.<name>.old-<pid>-<id>``), the new one renamed in, the old one removed.
At every moment the folder is either the old run, the new run, or (for the
instant between the two renames) absent; never a mixture.

Temporaries whose process is gone (a run killed with SIGKILL) are removed
the next time anything is written beside them.

A folder is only replaced if replicators wrote it (it has a
``manifest.json``, a sweep's kept runs, or a table carrying replicators'
provenance from before manifests) or it is empty: ``--out .`` never deletes
a user's files.

A sweep keeps its finished runs in the folder (``finished/``, see
``sweeps.store``) so that an interrupted sweep resumes; ``keep`` names such
entries: they are hard-linked into the new folder before the swap, so they
survive it, and a kill at any moment still leaves them in one of the two.

Examples
--------
>>> import tempfile, pathlib, json
>>> out = pathlib.Path(tempfile.mkdtemp()) / "run"
>>> with output_folder(out) as tmp:
...     _ = (tmp / "a.txt").write_text("first")
>>> with output_folder(out) as tmp:
...     _ = (tmp / "b.txt").write_text("second")
>>> sorted(p.name for p in out.iterdir())
['b.txt', 'manifest.json']
>>> json.loads((out / "manifest.json").read_text())["files"]
{'b.txt': 6}
>>> sorted(p.name for p in out.parent.iterdir())
['run']
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import ConfigError

__all__ = ["MANIFEST", "FINISHED", "output_folder", "check_output_folder", "remove_stale"]

MANIFEST = "manifest.json"
#: Where a sweep keeps its finished runs, inside its results folder.
FINISHED = "finished"
_KINDS = ("partial", "old")
# Folders this process is writing now: a writer nested inside another (a
# sweep's tables inside the CLI's sweep folder) writes straight into it.
_OPEN: set[Path] = set()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def remove_stale(path: str | os.PathLike[str]) -> list[Path]:
    """Remove the temporaries beside ``path`` left by processes that are
    gone; returns what was removed."""
    path = Path(path)
    removed = []
    if not path.parent.is_dir():
        return removed
    for kind in _KINDS:
        for p in path.parent.glob(f".{path.name}.{kind}-*"):
            pid = p.name.rsplit(f".{kind}-", 1)[1].split("-", 1)[0]
            if pid.isdigit() and not _alive(int(pid)):
                shutil.rmtree(p, ignore_errors=True)
                removed.append(p)
    return removed


def _written_by_us(path: Path) -> bool:
    if (path / MANIFEST).is_file() or (path / FINISHED / "fingerprint.json").is_file():
        return True
    # Folders written before manifests: a table with replicators' provenance.
    import polars as pl

    for table in path.glob("*.parquet"):
        try:
            if "replicators" in pl.read_parquet_metadata(table):
                return True
        except Exception:  # a corrupt or foreign file proves nothing
            continue
    return False


def check_output_folder(path: str | os.PathLike[str], field: str = "out") -> Path:
    """``path`` as an absolute path, if a results folder may be written
    there: not a file, and either absent, empty or written by replicators.
    Raises ``ConfigError`` naming ``field`` otherwise, before any work."""
    path = Path(path).resolve()
    if path.exists() and not path.is_dir():
        raise ConfigError(f"{field} = {str(path)!r} is invalid: expected a folder, found a file")
    if path.is_dir() and any(path.iterdir()) and not _written_by_us(path):
        raise ConfigError(
            f"{field} = {str(path)!r} is invalid: expected a new or empty folder, or one replicators wrote "
            f"(it has no {MANIFEST}): its files would be replaced"
        )
    # The folder is made (and swapped) in its parent: the nearest existing
    # ancestor must be a writable folder.
    parent = next(p for p in path.parents if p.exists())
    if not parent.is_dir():
        raise ConfigError(f"{field} = {str(path)!r} is invalid: {str(parent)!r} is a file, not a folder")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise ConfigError(f"{field} = {str(path)!r} is invalid: {str(parent)!r} is not writable")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise ConfigError(f"{field} = {str(path)!r} is invalid: cannot create a folder there ({e.strerror})") from None
    return path


def _manifest(folder: Path) -> None:
    files = {str(p.relative_to(folder)): p.stat().st_size for p in sorted(folder.rglob("*"))
             if p.is_file() and not p.name.startswith(".")}
    from .. import _core

    text = json.dumps({"version": str(_core.__version__), "files": files}, indent=1, sort_keys=True)
    tmp = folder / f".{MANIFEST}.tmp"
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, folder / MANIFEST)


def _link_tree(src: Path, dst: Path) -> None:
    """Hard links of ``src``'s files under ``dst`` (copies where the file
    system has no hard links); nothing when ``src`` is absent or ``dst`` exists."""
    if not src.is_dir() or dst.exists():
        return

    def link(a: str, b: str) -> None:
        try:
            os.link(a, b)
        except OSError:
            shutil.copy2(a, b)

    shutil.copytree(src, dst, copy_function=link, ignore=shutil.ignore_patterns(".*"))


@contextmanager
def output_folder(path: str | os.PathLike[str], field: str = "out", *, keep: tuple[str, ...] = ()) -> Iterator[Path]:
    """A hidden sibling of ``path`` to write a results folder into; on a
    clean exit its manifest is written and it replaces ``path``. On an
    exception (or Ctrl-C) it is removed and ``path`` is left as it was.
    ``keep``: entries of the old folder carried into the new one."""
    here = Path(path).resolve()
    if any(o == here or o in here.parents for o in _OPEN):
        here.mkdir(parents=True, exist_ok=True)
        yield here
        return
    path = check_output_folder(path, field)
    remove_stale(path)
    tmp = path.parent / f".{path.name}.partial-{os.getpid()}-{secrets.token_hex(4)}"
    try:
        tmp.mkdir(parents=True)
    except OSError as e:
        raise ConfigError(f"{field} = {str(path)!r} is invalid: cannot create a folder there ({e.strerror})") from None
    _OPEN.add(tmp)
    try:
        yield tmp
        for name in keep:
            _link_tree(path / name, tmp / name)
        _manifest(tmp)
        old = None
        if path.exists():
            old = path.parent / f".{path.name}.old-{os.getpid()}-{secrets.token_hex(4)}"
            os.rename(path, old)
        os.rename(tmp, path)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        _OPEN.discard(tmp)
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
