"""The functional core imports nothing of the shell (STYLE.md, practice 2)."""

from __future__ import annotations

import subprocess
import sys

import pytest

CORE = [
    *("sheet", "schema", "problems", "lookup", "cells", "dates", "keys", "validate"),
    *("figures", "tabs", "demo"),
]
SHELL = ("click", "openpyxl", "gspread", "google.auth", "requests")


@pytest.mark.parametrize("module", CORE)
def test_core_module_imports_no_io_or_presentation_library(module: str) -> None:
    code = f"import sys, handoffs.{module}; print(sorted(m for m in {SHELL!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
