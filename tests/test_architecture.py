"""The package's layers, as the README's "Architecture" section states them.

Every import in the package (at module level or inside a function; only
``if TYPE_CHECKING:`` blocks, which never run, are left out) is read from
the source, and the graph must be free of circles and go downwards: a
module imports only modules of its own layer's package or of lower layers.
Importing ``a.b.c`` also runs the ``__init__`` of ``a.b``, so those edges
count too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "python" / "replicators"

#: Layers from the bottom; a module belongs to the first prefix that matches it.
LAYERS: list[tuple[str, ...]] = [
    ("replicators._core",),
    ("replicators.errors",),
    ("replicators._validate", "replicators._callable"),
    ("replicators.selection", "replicators.io.tables", "replicators.io.folder"),
    ("replicators.io.report",),
    ("replicators.worlds", "replicators.egt"),
    ("replicators.learn", "replicators.envs"),
    ("replicators.sweeps",),
    ("replicators.charts",),
    ("replicators.experiments",),
    ("replicators.io.config",),
    ("replicators.io.learn_config",),
    ("replicators.cli",),
    ("replicators",),
]
# ``replicators.io`` (the package) re-exports ``io.tables`` and ``io.folder`` only.
PACKAGE_LAYER = {"replicators.io": 3}


def _modules() -> dict[str, Path]:
    out = {}
    for path in ROOT.rglob("*.py"):
        parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    out["replicators._core"] = ROOT / "_core.pyi"
    return out


MODULES = _modules()


def place(module: str) -> tuple[int, str]:
    """The layer of a module and the prefix that put it there."""
    if module in PACKAGE_LAYER:
        return PACKAGE_LAYER[module], module
    best: tuple[int, str] | None = None
    for i, prefixes in enumerate(LAYERS):
        for p in prefixes:
            if (module == p or module.startswith(p + ".")) and (best is None or len(p) > len(best[1])):
                best = (i, p)
    assert best is not None, module
    return best


def layer(module: str) -> int:
    return place(module)[0]


def _type_checking(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def _imports(module: str, path: Path) -> set[str]:
    is_package = path.name == "__init__.py"
    package = module if is_package else module.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if _type_checking(child):
                continue
            if isinstance(child, ast.Import):
                found.update(a.name for a in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")
                    anchor = anchor[: len(anchor) - (child.level - 1)]
                    base = ".".join(anchor + ([base] if base else []))
                for a in child.names:
                    sub = f"{base}.{a.name}"
                    found.add(sub if sub in MODULES else base)
            visit(child)

    visit(ast.parse(path.read_text()))
    edges = set()
    for target in found:
        if target.split(".")[0] != "replicators" or target == module:
            continue
        edges.add(target)
        # Importing a.b.c runs a.b's __init__ first (unless the importer is inside a.b).
        parts = target.split(".")
        for i in range(2, len(parts)):
            parent = ".".join(parts[:i])
            if parent != module and not module.startswith(parent + ".") and parent in MODULES:
                edges.add(parent)
    return edges


GRAPH = {m: _imports(m, p) for m, p in MODULES.items() if p.suffix == ".py"}


def test_every_module_has_a_layer_and_imports_exist() -> None:
    for module, targets in GRAPH.items():
        layer(module)
        for t in targets:
            assert t in MODULES, f"{module} imports {t}, which is not a module of the package"


def test_there_is_no_import_circle() -> None:
    state: dict[str, int] = {}
    path: list[str] = []

    def dfs(m: str) -> None:
        state[m] = 1
        path.append(m)
        for t in sorted(GRAPH.get(m, ())):
            if state.get(t) == 1:
                cycle = path[path.index(t):] + [t]
                pytest.fail("import circle: " + " -> ".join(cycle))
            if t not in state:
                dfs(t)
        path.pop()
        state[m] = 2

    for m in sorted(GRAPH):
        if m not in state:
            dfs(m)


def test_imports_go_down_the_layers() -> None:
    bad = []
    for module, targets in GRAPH.items():
        for t in targets:
            (lm, pm), (lt, pt) = place(module), place(t)
            # Within a layer, a package imports only itself (worlds.niche may
            # not import egt); io's package re-exports its tables.
            sideways = lm == lt and pm != pt and (pm, pt) not in (("replicators.io", "replicators.io.tables"),
                                                        ("replicators.io", "replicators.io.folder"))
            if lt > lm or sideways:
                bad.append(f"{module} (layer {lm}) imports {t} (layer {lt})")
    assert not bad, "\n".join(bad)


def test_worlds_do_not_know_each_other() -> None:
    for module, targets in GRAPH.items():
        if module.startswith("replicators.worlds."):
            own = ".".join(module.split(".")[:3])
            for t in targets:
                if t.startswith("replicators.worlds.") and not t.startswith(own):
                    pytest.fail(f"{module} imports another world: {t}")
