"""docs/commands.md `flag` and the Flags intake: one appended row and nothing else, on both backends;
the Flags header order remembered by `refresh`, with a warning when it changes."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest
from filelock import FileLock
from openpyxl import load_workbook

from handoffs.app.load import validate_sheet
from handoffs.app.refresh import refresh
from handoffs.config import load_config
from tests import ROOT
from tests.conftest import TODAY, Spreadsheet, serial_number
from tests.support.builders import grids, handoff, member

# The team's own column order, with a column of theirs in the middle (a Form or Slack layout).
FLAGS = [
    ["Timestamp", "Handoff ID", "What went wrong", "Our triage", "Flagged by", "Suggested fix",
     "Status", "Reviewed on"],
    [dt.datetime(2026, 11, 2, 9, 30), "RPT-02", "old flag", "urgent", "Ana", None, "done",
     dt.date(2026, 11, 9)],
]  # fmt: skip


def seeded(sheet: Spreadsheet, flags: list[list] | None = None) -> dict[str, list[list]]:
    tabs = grids(
        handoffs=[handoff("RPT-02"), handoff("BRF-01", "Lead", "Designer")],
        team=[member("Ana", "Analyst")],
    )
    tabs["Flags"] = flags or FLAGS
    sheet.seed(tabs)
    return tabs


def test_flag_appends_one_row_under_the_tabs_own_header_and_nothing_else(
    run, backend: Spreadsheet
) -> None:
    tabs = seeded(backend)
    before = backend.comparable(*tabs)
    result = run(
        "flag", "--handoff", "rpt-02", "--what", "Numbers changed, nobody said why",
        "--fix", "Version the summary", "--by", "Lena", config=backend.config,
    )  # fmt: skip
    assert result.stdout.startswith("Flagged RPT-02 at 2026-11-25 ")
    assert result.stdout.endswith("; it comes up at the next monthly alignment check.\n")
    after = backend.comparable(*tabs)
    assert {t: rows for t, rows in after.items() if t != "Flags"} == {
        t: rows for t, rows in before.items() if t != "Flags"
    }
    assert after["Flags"][:-1] == before["Flags"]
    stamp, *rest = after["Flags"][-1]
    if isinstance(stamp, str):  # Sheets' values.append (RAW) keeps a date-time as ISO text
        stamp = serial_number(dt.datetime.fromisoformat(stamp))
    assert serial_number(TODAY) <= stamp < serial_number(TODAY) + 1
    assert rest == ["RPT-02", "Numbers changed, nobody said why", None, "Lena",
                    "Version the summary", "new"]  # fmt: skip


def test_text_that_looks_like_a_formula_is_stored_as_text(run, backend: Spreadsheet) -> None:
    seeded(backend)
    formula = '=HYPERLINK("https://evil.example","click")'
    run(
        "flag",
        "--handoff",
        "BRF-01",
        "--what",
        formula,
        "--fix",
        "+1 | pipe",
        config=backend.config,
    )
    row = backend.read("Flags")["Flags"][-1]
    assert (row[2], row[5]) == (formula, "+1 | pipe")
    if backend.kind == "xlsx":
        sheet = load_workbook(backend.path)["Flags"]
        assert (sheet["C3"].value, sheet["C3"].data_type) == (formula, "s")


def test_an_unknown_handoff_exits_2_with_close_matches_and_writes_nothing(
    run, backend: Spreadsheet
) -> None:
    seeded(backend)
    before = backend.snapshot()
    result = run("flag", "--handoff", "RPT-2", "--what", "x", config=backend.config, expect=2)
    assert result.stderr == (
        "Error: There is no handoff 'RPT-2' in the Handoffs tab. Did you mean RPT-02?\n"
    )
    assert backend.snapshot() == before


def test_a_flags_tab_without_a_needed_column_exits_2_and_writes_nothing(
    run, make_spreadsheet
) -> None:
    sheet = make_spreadsheet("xlsx")
    seeded(sheet, [["Timestamp", "Handoff ID", "What went wrong"]])
    before = sheet.snapshot()
    result = run(
        "flag", "--handoff", "RPT-02", "--what", "x", "--by", "Ana", config=sheet.config, expect=2
    )
    assert result.stderr == (
        "Error: The Flags tab has no Flagged by column, so the flag cannot be recorded; add the "
        "header 'Flagged by' in row 1 of the Flags tab. Nothing was written.\n"
    )
    assert sheet.snapshot() == before
    run("flag", "--handoff", "RPT-02", "--what", "   ", config=sheet.config, expect=2)
    run("flag", "--handoff", "RPT-02", "--what", "fine without --by", config=sheet.config)
    assert sheet.read("Flags")["Flags"][-1][1:] == ["RPT-02", "fine without --by"]


def test_flag_exits_4_while_a_refresh_holds_the_lock_beyond_its_wait(
    run, make_spreadsheet, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HANDOFFS_FLAG_WAIT", "0")
    sheet = make_spreadsheet("xlsx")
    seeded(sheet)
    with FileLock(str(sheet.path.with_name(".handoffs.xlsx.lock"))):
        result = run("flag", "--handoff", "RPT-02", "--what", "x", config=sheet.config, expect=4)
    assert "Another handoffs run is working on" in result.stderr


@pytest.mark.parametrize("pinned", [[], ["--today", "2026-11-25"]], ids=["now", "today"])
def test_flag_starts_without_pandas(make_spreadsheet, pinned: list[str]) -> None:
    """Also with `--today`: parsing a date typed on the command line needs no pandas."""
    sheet = make_spreadsheet("xlsx")
    seeded(sheet)
    code = (
        "import sys; from handoffs.cli import main\n"
        f"sys.argv = ['handoffs', '--config', {str(sheet.config)!r}, *{pinned!r}, 'flag', "
        "'--handoff', 'RPT-02', '--what', 'light']\n"
        "try: main()\nexcept SystemExit as exit: assert not exit.code, exit.code\n"
        "print('HEAVY', [m for m in ('pandas', 'gspread') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "HEAVY []" in out.stdout
    assert sheet.read("Flags")["Flags"][-1][2] == "light"


def summary_items(sheet: Spreadsheet) -> dict[str, list]:
    return {row[0]: row[1:3] for row in sheet.read("Summary")["Summary"][1:] if row and row[0]}


def flags_warnings(sheet: Spreadsheet, day: dt.date) -> list[str]:
    report = validate_sheet(load_config(str(sheet.config)), day).dataset.report
    return [p.message for p in report if p.tab == "Flags" and p.cell == "A1:H1"]


def test_refresh_remembers_the_flags_columns_and_warns_when_they_move(backend: Spreadsheet) -> None:
    seeded(backend)
    config = load_config(str(backend.config))
    refresh(config, TODAY)
    order = "Timestamp | Handoff ID | What went wrong | Our triage | Flagged by | Suggested fix | Status | Reviewed on"
    assert summary_items(backend)["Flags columns"][0] == order
    assert "Flags columns changed" not in summary_items(backend)

    backend.edit("Flags", "C1", "Our triage")  # someone swaps two columns' headers
    backend.edit("Flags", "D1", "What went wrong")
    later = TODAY + dt.timedelta(days=3)
    refresh(config, later)
    warning = (
        "The Flags columns changed on 2026-11-28 (C was What went wrong, now Our triage; D was "
        "Our triage, now What went wrong). A Slack workflow's 'add a spreadsheet row' step writes "
        "by column position, so its values would now land in the wrong columns: update the "
        "column numbers in that step, or move the columns back. This warning shows for 14 days."
    )
    problems = backend.read("Problems")["Problems"]
    assert any(row[1] == "Flags" and row[5] == warning for row in problems)
    assert summary_items(backend)["Flags columns changed"] == ["2026-11-28", f"was: {order}"]

    assert flags_warnings(backend, later + dt.timedelta(days=13)) == [warning]  # still warned
    refresh(config, later + dt.timedelta(days=14))
    assert "Flags columns changed" not in summary_items(backend)
    assert flags_warnings(backend, later + dt.timedelta(days=14)) == []


@pytest.mark.parametrize("header", ["Marca temporal", "Horodateur"])
def test_a_localised_form_timestamp_header_is_accepted(run, make_spreadsheet, header: str) -> None:
    sheet = make_spreadsheet("xlsx")
    seeded(sheet, [[header, *FLAGS[0][1:]], ["25/10/2026 09:30:00", *FLAGS[1][1:]]])
    run("flag", "--handoff", "RPT-02", "--what", "from the CLI", config=sheet.config)
    result = run("validate", config=sheet.config)
    assert "Flags: 0 errors, 1 warning" in result.stdout
    assert "Read as 2026-10-25" in result.stdout
    assert isinstance(sheet.read("Flags")["Flags"][-1][0], dt.datetime)


def test_flag_has_help_and_readme_explains_forms_and_slack() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "#### From a Google Form" in readme
    assert "#### From a Slack workflow" in readme
    assert "Slack writes by **column position**" in readme
