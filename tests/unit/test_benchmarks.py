"""The benchmarks of benchmarks/ import the package inside the functions they time, so a moved
or renamed module breaks them only when someone runs them: every name they import from the
package or the tests must exist."""

from __future__ import annotations

import ast
import importlib

import pytest

from tests import ROOT

SCRIPTS = sorted((ROOT / "benchmarks").glob("*.py"))


def imported_names(path) -> list[tuple[str, str]]:
    """(module, name) of every `from handoffs… / tests… import name` in a script, and the
    module paths it names as strings (imported by name in a child process)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in (
            "handoffs",
            "tests",
        ):
            found += [(node.module, alias.name) for alias in node.names]
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and node.value.startswith(("handoffs.", "tests."))
            and " " not in node.value
            and not node.value.endswith((".xlsx", ".toml"))
        ):
            found.append((node.value, ""))
    return found


@pytest.mark.parametrize("script", SCRIPTS, ids=[p.name for p in SCRIPTS])
def test_every_name_a_benchmark_imports_exists(script) -> None:
    missing = []
    for module, name in imported_names(script):
        try:
            imported = importlib.import_module(module)
        except ImportError:
            missing.append(module)
            continue
        if name and not hasattr(imported, name):
            try:
                importlib.import_module(f"{module}.{name}")
            except ImportError:
                missing.append(f"{module}.{name}")
    assert not missing


def test_the_frictionless_reference_validates_the_rows_asked_for_below_a_thousand() -> None:
    """`bench_core.py --frictionless-rows 500` once built no row at all (whole months of 1,000
    handoffs) and divided by zero."""
    bench_core = importlib.import_module("benchmarks.bench_core")

    reference = bench_core.frictionless_rate(500)

    assert reference["rows"] == 500
    assert reference["valid"]
