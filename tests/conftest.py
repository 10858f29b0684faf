"""Shared fixtures: a safe environment, a pinned date, a CLI runner and workbook builders."""

from __future__ import annotations

import datetime as dt
import socket
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from handoffs.cli import cli

TODAY = dt.date(2026, 11, 25)
_LOOPBACK = ("127.0.0.1", "::1", "localhost")
_SCRUBBED = (
    "HANDOFFS_CONFIG",
    "GOOGLE_APPLICATION_CREDENTIALS",
    "SHEETS_EMULATOR_HOST",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
    "NO_COLOR",
)


@pytest.fixture(autouse=True)
def safe_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """No config, credentials or proxies leak in; HOME and cwd are the test's own folder;
    any connection beyond loopback fails loudly."""
    for name in _SCRUBBED:
        monkeypatch.delenv(name, raising=False)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.chdir(tmp_path)
    real_connect = socket.socket.connect

    def loopback_only(self: socket.socket, address: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6) and address[0] not in _LOOPBACK:
            raise ConnectionRefusedError(f"tests may not reach {address[0]}: loopback only")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", loopback_only)
    yield


@pytest.fixture
def run(tmp_path: Path) -> Callable[..., Result]:
    """Invoke the CLI with --today pinned; shows all output when the exit code is unexpected."""

    def invoke(*args: str, expect: int = 0, config: Path | None = None) -> Result:
        options = ["--today", TODAY.isoformat()]
        if config is not None:
            options += ["--config", str(config)]
        result = CliRunner().invoke(cli, [*options, *args], catch_exceptions=False)
        assert result.exit_code == expect, (
            f"exit {result.exit_code}, expected {expect}\n"
            f"--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"
        )
        return result

    return invoke


def write_workbook(path: Path, tabs: Mapping[str, Sequence[Sequence[Any]]]) -> Path:
    """A workbook built directly with openpyxl, the way a person's file would be."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in tabs.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
    workbook.save(path)
    return path


@pytest.fixture
def demo_workbook(tmp_path: Path) -> Path:
    """The sample team as `handoffs init --demo` writes it, at ./handoffs.xlsx."""
    from handoffs.config import Config, SheetConfig
    from handoffs.service import initialize

    path = tmp_path / "handoffs.xlsx"
    initialize(Config(sheet=SheetConfig(path=path)), TODAY, demo=True)
    return path
