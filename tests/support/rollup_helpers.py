"""Organisations and teams for the roll-up tests (docs/rollup.md), on either backend."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.conftest import Spreadsheet
from tests.e2e.test_backends_e2e import HEALTH_HEADER, small_team

TEAMS_HEADER = ["Team", "Spreadsheet", "Lead", "Status"]
ORG_TABS = ["Org Summary", "Team Rankings", "Org Worst Handoffs", "Org Stale Reviews"]
MakeSheet = Callable[[str], Spreadsheet]


def team(make_spreadsheet: MakeSheet, kind: str, tabs: dict[str, Any] | None = None) -> Spreadsheet:
    """A team's spreadsheet holding `tabs` (default: two handoffs with October's Health)."""
    sheet = make_spreadsheet(kind)
    sheet.seed(small_team() if tabs is None else tabs)
    return sheet


def where(sheet: Spreadsheet) -> str:
    """What a person types in the Spreadsheet cell for this team: the URL or the path."""
    if sheet.kind == "xlsx":
        return str(sheet.path)
    return f"https://docs.google.com/spreadsheets/d/{sheet.key}/edit#gid=0"


def org(
    make_spreadsheet: MakeSheet, kind: str, rows: list[list[Any]], **rollup: Any
) -> Spreadsheet:
    """An organisation's spreadsheet with these Teams rows and a [rollup] section. On a
    workbook, team workbooks may be anywhere in the test's folder (`workbook_folder = ".."`,
    each spreadsheet of a test has its own folder in it) unless `rollup` says otherwise."""
    sheet = make_spreadsheet(kind)
    if kind == "xlsx":
        rollup.setdefault("workbook_folder", '".."')
    rollup = {key: value for key, value in rollup.items() if value is not None}
    keys = "".join(f"{key} = {value}\n" for key, value in rollup.items())
    sheet.config.write_text(sheet.config.read_text() + "[rollup]\n" + keys)
    sheet.seed({"Teams": [TEAMS_HEADER, *rows]})
    return sheet


def one_team_gone(make_spreadsheet: MakeSheet, folder: Path) -> tuple[Spreadsheet, Path]:
    """A workbook organisation of two teams: Reporting, readable, and Forecasting, whose
    workbook is not there (the path returned)."""
    good = team(make_spreadsheet, "xlsx")
    gone = folder / "gone.xlsx"
    rows = [["Reporting", where(good), "Ana", "active"], ["Forecasting", str(gone), "Ben", ""]]
    return org(make_spreadsheet, "xlsx", rows), gone


def health_in(month: str) -> dict[str, Any]:
    """The small team with its Health rows moved to `month`."""
    return small_team(
        Health=[HEALTH_HEADER, [month, "RPT-01", 3, 30, 1, ""], [month, "RPT-02", 1, 10, 0, ""]]
    )


def team_statuses(organisation: Spreadsheet) -> list[tuple[str, str]]:
    """Each team of Team Rankings with its Status ("ok", "no data", "unreachable: …"), in the
    tab's order."""
    rankings = organisation.comparable("Team Rankings")["Team Rankings"][1:]
    return [(row[1], row[-1]) for row in rankings]
