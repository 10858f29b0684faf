"""Functional core, imperative shell: every module of the package except the shell (`cli`, which
parses options, `service`, which runs the use cases, and `backends`, which do the I/O) imports
no I/O or command-line library and none of the shell's modules."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import pytest

import handoffs

SHELL_MODULES = ("cli", "service", "__main__", "backends")  # __main__ only starts the cli
FORBIDDEN = (
    "click",
    "openpyxl",
    "gspread",
    "google.auth",
    "requests",
    "python_calamine",
    "handoffs.backends",
    "handoffs.service",
    "handoffs.cli",
)


def core_modules() -> list[str]:
    """Every module of the package, found by walking it, minus the shell."""
    found = pkgutil.walk_packages(handoffs.__path__, prefix="handoffs.")
    return sorted(module.name for module in found if module.name.split(".")[1] not in SHELL_MODULES)


def test_the_core_is_found_by_walking_the_package() -> None:
    """A module added later is covered without editing this file."""
    core = core_modules()
    assert {"handoffs.figures", "handoffs.periods", "handoffs.render", "handoffs.tabs"} <= set(core)
    assert not [name for name in core if name.startswith(("handoffs.backends", "handoffs.cli"))]


@pytest.mark.parametrize("module", core_modules())
def test_core_module_imports_no_io_or_shell_module(module: str) -> None:
    code = f"import sys, {module}; print(sorted(m for m in {FORBIDDEN!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_commands_return_outcomes_and_exit_codes_are_mapped_in_one_place() -> None:
    """No command exits by itself: the exit code comes from the outcome it returns, or from a
    HandoffsError, both mapped by `HandoffsGroup.invoke` (docs/commands.md#exit-codes)."""
    import inspect

    from handoffs import cli

    source = inspect.getsource(cli)
    assert "sys.exit" not in source
    assert source.count("ctx.exit(") == 1
