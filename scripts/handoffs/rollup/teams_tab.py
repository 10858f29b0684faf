"""The Teams tab of an organisation's spreadsheet (docs/rollup.md): which teams to roll up and
where their spreadsheets are, with the problems a person can fix to the cell (no I/O here)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePath

import pandas as pd

from handoffs.model.dataset import Dataset
from handoffs.model.lookup import normalise_header
from handoffs.model.problems import ERROR, ProblemLog, Report
from handoffs.model.schema import org_schemas
from handoffs.model.spreadsheet import ExternalLink

GOOGLE = "gsheets"
WORKBOOK = "xlsx"
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
_URL_KEY = re.compile(r"docs\.google\.com/spreadsheets/d/([A-Za-z0-9_-]+)")
_KEY = re.compile(r"^[A-Za-z0-9_-]{20,}$")


@dataclass(frozen=True)
class TeamSource:
    """An active team of the Teams tab and where its spreadsheet is."""

    row: int  # the Teams tab row
    team: str
    lead: str | None
    kind: str  # GOOGLE or WORKBOOK
    where: str  # the spreadsheet key, or the workbook's absolute path

    @property
    def link(self) -> ExternalLink:
        """The team's name, linking to its spreadsheet (URL) or workbook (path)."""
        if self.kind == GOOGLE:
            return ExternalLink(f"https://docs.google.com/spreadsheets/d/{self.where}", self.team)
        return ExternalLink(self.where, self.team)


@dataclass(frozen=True)
class Teams:
    """The Teams tab: active teams to roll up, and its problems (to the cell)."""

    sources: list[TeamSource]
    report: Report
    retired: int


def google_key(text: str) -> str | None:
    """The key of a Google Sheets URL, or the text itself when it looks like a key."""
    found = _URL_KEY.search(text)
    if found:
        return found.group(1)
    return text if _KEY.match(text) and not text.lower().endswith(WORKBOOK_SUFFIXES) else None


def teams_of(checked: Dataset, folder: Path, own: str) -> Teams:
    """The active teams of a validated Teams tab. `folder`: where relative workbook paths start
    (the config file's folder); `own`: the organisation spreadsheet's key or workbook path,
    which may not be listed as one of its teams."""
    schema = org_schemas()["teams"]
    frame = checked["teams"]
    title = schema.title
    spreadsheet_col = _column_of(checked, "spreadsheet")
    log = ProblemLog()
    places: dict[int, tuple[str, str]] = {}
    for row, text in zip(frame["row"], frame["spreadsheet"], strict=True):
        where = text.strip()
        key = google_key(where)
        if key is not None:
            places[int(row)] = (GOOGLE, key)
            continue
        if PurePath(where).suffix.lower() not in WORKBOOK_SUFFIXES:
            log.add(
                ERROR, title,
                f"{where!r} is neither a Google Sheets URL nor the path of an .xlsx workbook; "
                "paste the sheet's URL from the browser's address bar, or type the path of the "
                "team's .xlsx file relative to the config file.",
                row=int(row), col=spreadsheet_col, column="Spreadsheet", value=where,
            )  # fmt: skip
            continue
        places[int(row)] = (WORKBOOK, str((folder / where).resolve()))
    for row, (_, where) in places.items():
        if where == own:
            log.add(
                ERROR, title,
                "This is the organisation's own spreadsheet; a roll-up never reads itself as a "
                "team: type the team's own spreadsheet here.",
                row=row, col=spreadsheet_col, column="Spreadsheet", value=_typed(frame, row),
            )  # fmt: skip
    by_place: dict[tuple[str, str], list[int]] = {}
    for row, place in places.items():
        if place[1] != own:
            by_place.setdefault(place, []).append(row)
    for rows in by_place.values():
        if len(rows) > 1:
            listed = ", ".join(str(r) for r in rows)
            for row in rows:
                log.add(
                    ERROR, title,
                    f"The same spreadsheet is listed for more than one team (rows {listed}); "
                    "each team has its own: correct the Spreadsheet cell or delete the copies.",
                    row=row, col=spreadsheet_col, column="Spreadsheet", value=_typed(frame, row),
                )  # fmt: skip
    report = checked.report
    extra = log.frame([title])
    if len(extra):
        both = pd.concat([report.frame, extra], ignore_index=True)
        report = Report(both.sort_values(["row", "col"], kind="stable").reset_index(drop=True))
    bad = set(report.error_rows(title).astype(int))
    active = frame[frame["status"] == "active"]
    sources = [
        TeamSource(int(row), str(team), lead if isinstance(lead, str) else None, *places[int(row)])
        for row, team, lead in zip(active["row"], active["team"], active["lead"], strict=True)
        if int(row) in places and int(row) not in bad
    ]
    return Teams(sources, report, int((frame["status"] == "retired").sum()))


def _column_of(checked: Dataset, name: str) -> int:
    """The 1-based column of a Teams field as found in the header (headers match loosely)."""
    header = checked.headers.get("teams", [])
    spec = org_schemas()["teams"].field(name)
    wanted = {normalise_header(spec.title), normalise_header(spec.name)}
    for index, text in enumerate(header):
        if normalise_header(text) in wanted:
            return index + 1
    return 0


def _typed(frame: pd.DataFrame, row: int) -> str:
    return str(frame.loc[frame["row"] == row, "spreadsheet"].iloc[0])
