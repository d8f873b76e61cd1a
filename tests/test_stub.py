"""The type stub `_core.pyi` describes the compiled module as it is: the same
functions, each with the same parameters (names, kinds, which have defaults)."""

import ast
import inspect
from pathlib import Path

import pytest

from replicators import _core

STUB = ast.parse((Path(_core.__file__).parent / "_core.pyi").read_text())
FUNCTIONS = {n.name: n for n in STUB.body if isinstance(n, ast.FunctionDef)}
CLASSES = {n.name: n for n in STUB.body if isinstance(n, ast.ClassDef)}


def test_the_stub_names_every_function_and_class_of_the_module_and_no_other():
    compiled = {name for name in dir(_core) if not name.startswith("__") and callable(getattr(_core, name))}
    assert compiled == set(FUNCTIONS) | set(CLASSES)


@pytest.mark.parametrize("name", sorted(CLASSES))
def test_each_class_has_the_stub_methods(name):
    methods = {n.name for n in CLASSES[name].body if isinstance(n, ast.FunctionDef) and n.name != "__init__"}
    compiled = {m for m in dir(getattr(_core, name)) if not m.startswith("__")}
    assert compiled == methods


def _stub_parameters(node: ast.FunctionDef) -> list[tuple[str, str, bool]]:
    a = node.args
    positional = a.posonlyargs + a.args
    first_default = len(positional) - len(a.defaults)
    out = [(p.arg, "positional", i >= first_default) for i, p in enumerate(positional)]
    if a.vararg:
        out.append((a.vararg.arg, "var_positional", False))
    out += [(p.arg, "keyword_only", d is not None) for p, d in zip(a.kwonlyargs, a.kw_defaults)]
    return out


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_each_signature_matches(name):
    kinds = {
        inspect.Parameter.POSITIONAL_ONLY: "positional",
        inspect.Parameter.POSITIONAL_OR_KEYWORD: "positional",
        inspect.Parameter.VAR_POSITIONAL: "var_positional",
        inspect.Parameter.KEYWORD_ONLY: "keyword_only",
    }
    compiled = [
        (p.name, kinds[p.kind], p.default is not inspect.Parameter.empty)
        for p in inspect.signature(getattr(_core, name)).parameters.values()
    ]
    assert compiled == _stub_parameters(FUNCTIONS[name])
