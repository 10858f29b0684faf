"""Functional core, imperative shell: every module of the package except the shell (`cli`, which
parses options; `service`, `org_service`, `tour` and `notify_run`, which run the use cases; and
`backends` and `notify_delivery`, which do the I/O) imports no I/O or command-line library and
none of the shell's modules."""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys

import pytest

import handoffs

SHELL_MODULES = (
    "cli",
    "service",
    "org_service",
    "tour",
    "notify_run",  # sends the notices of a run, then records them
    "notify_delivery",  # the Apprise channels
    "__main__",
    "backends",
)  # __main__ starts the cli
FORBIDDEN = (
    "click",
    "openpyxl",
    "gspread",
    "google.auth",
    "requests",
    "python_calamine",
    "apprise",
    "handoffs.backends",
    "handoffs.service",
    "handoffs.tour",
    "handoffs.notify_run",
    "handoffs.notify_delivery",
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


def shell_imports(modules: list[str]) -> list[str]:
    """The forbidden modules loaded after importing `modules` in a fresh interpreter."""
    code = (
        f"import sys, importlib; [importlib.import_module(m) for m in {modules!r}]; "
        f"print(sorted(m for m in {FORBIDDEN!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return ast.literal_eval(out.stdout.strip())


def test_no_core_module_imports_io_or_the_shell() -> None:
    """All core modules in one interpreter: none of them pulls in a forbidden module (when one
    does, each is imported alone to name it)."""
    core = core_modules()
    if shell_imports(core):
        culprits = {module: shell_imports([module]) for module in core}
        pytest.fail(
            f"core modules importing the shell: { {m: f for m, f in culprits.items() if f} }"
        )


def test_commands_return_outcomes_and_exit_codes_are_mapped_in_one_place() -> None:
    """No command exits by itself: the exit code comes from the outcome it returns, or from a
    HandoffsError, both mapped by `HandoffsGroup.invoke` (docs/commands.md#exit-codes)."""
    import inspect

    from handoffs import cli

    source = inspect.getsource(cli)
    assert "sys.exit" not in source
    assert source.count("ctx.exit(") == 1
