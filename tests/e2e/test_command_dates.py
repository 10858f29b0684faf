"""Dates typed on the command line (docs/commands.md): one set of rules for every command.
`--today`, `--month` and `--quarter` are checked against the calendar and the supported range,
and a period that has not started is refused by every command that takes one (exit 2)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from handoffs.cli import cli


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stderr


@pytest.mark.parametrize(
    ("today", "message"),
    [
        ("2026-02-30", "Error: 2026-02-30 is not a date: February 2026 has 28 days.\n"),
        ("2028-02-30", "Error: 2028-02-30 is not a date: February 2028 has 29 days.\n"),
        ("2026-13-01", "Error: 2026-13-01 is not a date: a month is 01 to 12.\n"),
        ("25/11/2026", "Error: --today '25/11/2026' is not a date; type it as YYYY-MM-DD, e.g. 2026-11-25.\n"),
        ("9999-12-31", "Error: --today 9999-12-31 is outside the supported dates (1900-01-01 … 2199-12-31).\n"),
        ("2262-04-12", "Error: --today 2262-04-12 is outside the supported dates (1900-01-01 … 2199-12-31).\n"),
        ("0001-01-01", "Error: --today 0001-01-01 is outside the supported dates (1900-01-01 … 2199-12-31).\n"),
    ],
)  # fmt: skip
@pytest.mark.parametrize("command", ["validate", "refresh", "review-prep", "onboard"])
def test_a_bad_today_is_a_usage_error_naming_what_is_wrong(
    command: str, today: str, message: str, demo_workbook: Path
) -> None:
    assert invoke("--today", today, command) == (2, message)


def test_the_last_supported_day_runs_every_window_without_error(demo_workbook: Path) -> None:
    for command in (["validate"], ["refresh"], ["review-prep", "--quarterly", "--no-write"]):
        code, stderr = invoke("--today", "2199-12-31", *command)
        assert code in (0, 1), stderr  # 1: the sample's dates are fine, but nothing crashes
        assert "Traceback" not in stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["refresh", "--month", "2026-12"], "2026-12 has not started yet (today is 2026-11-25); pick a period up to 2026-11."),
        (["refresh", "--month", "9999-12"], "9999-12 is outside the supported periods (1900-01 … 2199-12)."),
        (["refresh", "--month", "0001-01"], "0001-01 is outside the supported periods (1900-01 … 2199-12)."),
        (["refresh", "--month", "2026-Q3"], "--month takes a month as YYYY-MM, e.g. 2026-10; got '2026-Q3'."),
        (["review-prep", "--month", "2030-01"], "2030-01 has not started yet (today is 2026-11-25); pick a period up to 2026-11."),
        (["review-prep", "--month", "0001-01"], "0001-01 is outside the supported periods (1900-01 … 2199-12)."),
        (["review-prep", "--quarter", "0001-Q1"], "0001-Q1 is outside the supported periods (1900-01 … 2199-12)."),
        (["review-prep", "--quarter", "2027-Q1"], "2027-Q1 has not started yet (today is 2026-11-25); pick a period up to 2026-Q4."),
    ],
)  # fmt: skip
def test_every_command_refuses_the_same_periods(
    args: list[str], message: str, demo_workbook: Path
) -> None:
    before = demo_workbook.read_bytes()
    assert invoke("--today", "2026-11-25", *args) == (2, f"Error: {message}\n")
    assert demo_workbook.read_bytes() == before


def test_refresh_stamps_the_pinned_date_like_flag_does(run, demo_workbook: Path) -> None:
    run("refresh")
    stamp = load_workbook(demo_workbook)["Summary"]["B2"].value
    assert stamp.date().isoformat() == "2026-11-25"
