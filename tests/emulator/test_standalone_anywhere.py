"""The emulator recipe of the README works from any folder: `python <checkout>/tests/sheets_emulator`
serves, writes a config for a new spreadsheet where asked (else in a temporary folder, never
the working folder), and every command then works against it."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from handoffs.cli import cli
from tests.conftest import TODAY

ENTRY = Path(__file__).resolve().parents[1] / "sheets_emulator"


@contextmanager
def emulator(cwd: Path, *args: str) -> Iterator[tuple[str, Path]]:
    """The emulator run by its path from `cwd`: (its host, the config it wrote)."""
    command = [sys.executable, str(ENTRY), "--port", "0", *args]
    with subprocess.Popen(
        command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        assert process.stdout is not None
        host, config = process.stdout.readline().strip(), process.stdout.readline().strip()
        try:
            assert host.startswith("127.0.0.1:"), process.stderr.read() if process.stderr else ""
            yield host, Path(config)
        finally:
            process.send_signal(signal.SIGTERM)
            process.communicate(timeout=10)
        assert process.returncode == 0


def test_the_recipe_runs_from_any_folder_with_the_config_where_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    with emulator(elsewhere, "--config", "try/handoffs.toml") as (host, config):
        assert config == elsewhere / "try" / "handoffs.toml"
        monkeypatch.setenv("SHEETS_EMULATOR_HOST", host)
        for args in (["init", "--demo"], ["refresh"], ["validate"]):
            result = CliRunner().invoke(
                cli, ["--today", TODAY.isoformat(), "--config", str(config), *args]
            )
            assert result.exit_code == 0, result.output
        assert "No problems: every row is valid." in result.output
    assert sorted(p.name for p in elsewhere.rglob("*")) == ["handoffs.toml", "try"]


def test_without_config_it_writes_into_a_temporary_folder_it_removes_at_the_end(
    tmp_path: Path,
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    with emulator(work) as (_, config):
        assert config.name == "handoffs.toml" and work not in config.parents
        assert config.parent.name.startswith("handoffs-emulator-")
        assert 'backend = "gsheets"' in config.read_text(encoding="utf-8")
    assert list(work.iterdir()) == []
    assert not config.parent.exists()  # removed when the emulator stopped


def test_an_existing_config_is_never_replaced(tmp_path: Path) -> None:
    mine = tmp_path / "handoffs.toml"
    mine.write_text("# mine\n")
    result = subprocess.run(
        [sys.executable, str(ENTRY), "--port", "0", "--config", str(mine)],
        capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    assert result.returncode == 2 and "exists" in result.stderr
    assert mine.read_text() == "# mine\n"


def test_the_checkout_ignores_the_config_the_old_recipe_left_at_its_root() -> None:
    ignored = (ENTRY.parents[1] / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "/handoffs.toml" in ignored
