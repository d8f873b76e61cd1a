"""Every public module's docstring examples run (on the installed package)."""

import doctest
import importlib
import pkgutil

import pytest

import replicators

MODULES = sorted(
    m.name for m in pkgutil.walk_packages(replicators.__path__, "replicators.") if not m.name.endswith("_core")
) + ["replicators"]


@pytest.mark.parametrize("name", MODULES)
def test_examples_run(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} doctest failures in {name}"
