"""The commands as a person and cron use them: output, exit codes (docs/commands.md#exit-codes), the lock."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from filelock import FileLock
from openpyxl import load_workbook

from tests import ROOT
from tests.conftest import write_workbook
from tests.support.rollup_helpers import org, team, where


def test_demo_builds_a_workbook_and_names_the_worst_handoff(run, tmp_path: Path) -> None:
    result = run("demo")
    assert (tmp_path / "handoffs-demo.xlsx").exists()
    assert "Worst handoffs in 2026-10" in result.stdout
    assert re.search(r"^1\s+RPT-02\s+Analyst → Writer", result.stdout, re.MULTILINE)
    assert "trial ended, adjust the contract" in result.stdout
    assert result.stderr == ""


def test_demo_twice_starts_from_a_fresh_sample(run, tmp_path: Path) -> None:
    first = run("demo").stdout
    assert run("demo").stdout == first


def test_init_creates_every_tab_with_headers_and_touches_nothing_else(run, tmp_path: Path) -> None:
    result = run("init")
    assert (
        "created tabs: Handoffs, Contracts, Health, Flags, Reviews, Team, Summary" in result.stdout
    )
    workbook = load_workbook(tmp_path / "handoffs.xlsx")
    assert workbook.sheetnames == [
        "Handoffs", "Contracts", "Health", "Flags", "Reviews", "Team",
        "Summary", "Rankings", "Stale Reviews", "Problems", "Review Prep", "Notices",
    ]  # fmt: skip
    health = workbook["Health"]
    assert [c.value for c in health[1]] == [
        "Month", "Handoff ID", "Rework requests", "Format translation (min)", "Delays (days)", "Notes",
    ]  # fmt: skip
    assert health.freeze_panes == "A2"
    status = workbook["Handoffs"].data_validations.dataValidation[0]
    assert status.formula1 == '"specialization,historical,unknown"'
    assert run("init").stdout.endswith("created tabs: none (every tab exists).\n")


def test_init_adds_only_missing_tabs_and_keeps_existing_rows(run, tmp_path: Path) -> None:
    path = write_workbook(
        tmp_path / "handoffs.xlsx",
        {"Team": [["Person", "Role", "Desk"], ["Ana", "Analyst", "3F"]]},
    )
    run("init")
    team = load_workbook(path)["Team"]
    assert [[c.value for c in row] for row in team.iter_rows()] == [
        ["Person", "Role", "Desk"],
        ["Ana", "Analyst", "3F"],
    ]


def test_init_demo_refuses_a_spreadsheet_that_has_data(run, tmp_path: Path) -> None:
    write_workbook(tmp_path / "handoffs.xlsx", {"Team": [["Person", "Role"], ["Ana", "Analyst"]]})
    result = run("init", "--demo", expect=2)
    assert "The Team tab already has rows; `init --demo` only fills an empty spreadsheet" in (
        result.stderr
    )


def test_init_demo_fills_tabs_created_by_a_plain_init(run, tmp_path: Path) -> None:
    run("init")
    assert "Filled with the sample team: Handoffs" in run("init", "--demo").stdout
    assert run("validate").stdout.startswith("No problems")


def test_validate_exits_1_and_groups_problems_by_tab(run, demo_workbook: Path) -> None:
    workbook = load_workbook(demo_workbook)
    workbook["Health"]["C3"] = -2
    workbook["Team"]["C2"] = "maybe"
    workbook.save(demo_workbook)
    result = run("validate", expect=1)
    assert result.stdout.splitlines()[:2] == [
        "Health: 1 error, 0 warnings",
        "  error   C3     Rework requests [-2]: Must be 0 or more; "
        "type a whole number of requests, 0 to 10000 (more in one month is a typo).",
    ]
    assert "Team: 1 error, 0 warnings" in result.stdout
    assert result.stdout.endswith("2 errors, 0 warnings.\n")


def test_validate_exits_0_with_warnings_only(run, demo_workbook: Path) -> None:
    workbook = load_workbook(demo_workbook)
    workbook["Flags"]["C2"] = "NOPE-1"
    workbook.save(demo_workbook)
    result = run("validate")
    assert (
        "warning C2     Handoff ID [NOPE-1]: Not a Handoff ID in the Handoffs tab" in result.stdout
    )


def test_missing_workbook_is_a_configuration_error(run) -> None:
    result = run("validate", expect=2)
    assert "No workbook at" in result.stderr
    assert "run `handoffs init`" in result.stderr
    assert "Traceback" not in result.stderr


def test_corrupt_workbook_exits_3_and_is_left_alone(run, tmp_path: Path) -> None:
    path = tmp_path / "handoffs.xlsx"
    path.write_bytes(b"this is not a zip file")
    result = run("refresh", expect=3)
    assert "is not a readable .xlsx workbook" in result.stderr
    assert path.read_bytes() == b"this is not a zip file"


def test_workbook_open_in_libreoffice_exits_3_and_nothing_is_written(
    run, demo_workbook: Path
) -> None:
    before = demo_workbook.read_bytes()
    (demo_workbook.parent / ".~lock.handoffs.xlsx#").write_text("someone,host")
    result = run("refresh", expect=3)
    assert "is open in Excel or LibreOffice" in result.stderr
    assert "Nothing was written." in result.stderr
    assert demo_workbook.read_bytes() == before


def test_refresh_while_another_run_holds_the_lock_exits_4(run, demo_workbook: Path) -> None:
    before = demo_workbook.read_bytes()
    with FileLock(str(demo_workbook.with_name(".handoffs.xlsx.lock"))):
        result = run("refresh", expect=4)
    assert "Another handoffs run is working on" in result.stderr
    assert demo_workbook.read_bytes() == before


def test_refresh_quiet_prints_nothing_when_the_data_is_clean(run, demo_workbook: Path) -> None:
    result = run("refresh", "--quiet")
    assert (result.stdout, result.stderr) == ("", "")


def test_refresh_quiet_speaks_up_on_errors_and_strict_exits_1(run, demo_workbook: Path) -> None:
    workbook = load_workbook(demo_workbook)
    workbook["Health"]["D2"] = "#REF!"
    workbook.save(demo_workbook)
    result = run("refresh", "--quiet", "--strict", expect=1)
    assert result.stdout == ""
    assert "1 data error in" in result.stderr
    problems = load_workbook(demo_workbook)["Problems"]
    assert problems["F2"].value.startswith("The cell shows the spreadsheet error #REF!")


def test_refresh_dry_run_writes_nothing(run, demo_workbook: Path) -> None:
    before = demo_workbook.read_bytes()
    result = run("refresh", "--dry-run")
    assert result.stdout.startswith("Dry run, nothing written. Would write Summary (")
    assert demo_workbook.read_bytes() == before


def test_refresh_month_option_ranks_that_month(run, demo_workbook: Path) -> None:
    run("refresh", "--month", "2026-06")
    summary = load_workbook(demo_workbook)["Summary"]
    assert [c.value for c in summary[3]][:2] == ["Period", "2026-06"]


def test_refresh_month_must_be_a_month(run, demo_workbook: Path) -> None:
    result = run("refresh", "--month", "June", expect=2)
    assert "'June' is not a period; type a month as YYYY-MM" in result.stderr


def test_bad_today_is_a_usage_error(run) -> None:
    from click.testing import CliRunner

    from handoffs.cli import cli

    result = CliRunner().invoke(cli, ["--today", "25/11/2026", "validate"])
    assert result.exit_code == 2
    assert "--today '25/11/2026' is not a date; type it as YYYY-MM-DD" in result.stderr


def test_every_command_has_help_with_an_example(run) -> None:
    from handoffs.cli import cli

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in cli.commands:
        help_text = run(name, "--help").stdout
        assert "Example:" in help_text, name
        assert f"handoffs {name}" in readme, f"README does not show `handoffs {name}`"


# Every library `handoffs --help` could load but must not: it needs click alone.
HEAVY = (
    "pandas",
    "numpy",
    "openpyxl",
    "python_calamine",
    "gspread",
    "google",
    "apprise",
    "filelock",
)


def test_help_starts_without_importing_pandas_or_spreadsheet_libraries() -> None:
    code = (
        "import sys; from handoffs.cli import main; sys.argv=['handoffs','--help']\n"
        "try: main()\nexcept SystemExit: pass\n"
        f"heavy = [m for m in {HEAVY!r} if m in sys.modules]\n"
        "print('HEAVY', heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "HEAVY []" in out.stdout


@pytest.mark.parametrize("command", ["validate", "refresh"])
def test_a_workbook_run_loads_no_google_or_notice_library(
    demo_workbook: Path, command: str
) -> None:
    """A team on a local workbook pays for neither the Google Sheets client nor Apprise, which
    only `--notify` and a `gsheets` config need."""
    assert modules_loaded(demo_workbook.parent, command, "gspread", "google.auth", "apprise") == []


def test_validate_on_a_workbook_loads_no_writer(demo_workbook: Path) -> None:
    """`validate` only reads: openpyxl, which renders the generated tabs when a command writes
    and takes a tenth of a second to import, stays out of its start."""
    loaded = modules_loaded(
        demo_workbook.parent, "validate", "openpyxl", "handoffs.backends.xlsx_write"
    )
    assert loaded == []


def test_a_rollup_of_team_workbooks_loads_no_google_library(make_spreadsheet: Any) -> None:
    """Only a team on Google needs the Google Sheets client; a roll-up of workbooks starts
    without it."""
    teams = [team(make_spreadsheet, "xlsx") for _ in range(2)]
    rows = [[f"Team {i}", where(t), "", ""] for i, t in enumerate(teams)]
    organisation = org(make_spreadsheet, "xlsx", rows)
    options = ["--config", str(organisation.config)]
    loaded = modules_loaded(
        organisation.path.parent, "rollup", "gspread", "google.auth", options=options
    )
    assert loaded == []


def modules_loaded(
    folder: Path, command: str, *modules: str, options: Sequence[str] = ()
) -> list[str]:
    """Which of `modules` a fresh process has imported after running `handoffs [OPTIONS]
    COMMAND` in `folder`."""
    argv = ["handoffs", "--today", "2026-11-25", *options, command]
    code = (
        "import sys; from handoffs.cli import main\n"
        f"sys.argv = {argv!r}\n"
        "try: main()\nexcept SystemExit: pass\n"
        f"print(repr([m for m in {modules!r} if m in sys.modules]))"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=folder, capture_output=True, text=True, check=True
    )
    return ast.literal_eval(run.stdout.strip().splitlines()[-1])
