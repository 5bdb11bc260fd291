"""Every docstring example in the package runs and gives what it shows (examples are documentation
readers copy; a wrong one misleads)."""
from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import assessment

MODULES = sorted(m.name for m in pkgutil.walk_packages(assessment.__path__, "assessment."))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    mod = importlib.import_module(name)
    result = doctest.testmod(mod, optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS, report=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} docstring example(s) in {name} fail"
