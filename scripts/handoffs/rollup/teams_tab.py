"""The Teams tab of an organisation's spreadsheet (docs/rollup.md): which teams to roll up and
where their spreadsheets are, with the problems a person can fix to the cell (no I/O here)."""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable
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


@dataclass(frozen=True)
class Workbooks:
    """Where a local organisation's team workbooks may be. `locate`: a path's absolute form
    with links resolved, and what makes it the same file by any other name (the file system's
    device and inode once it exists) — the caller's I/O."""

    folder: Path  # where relative paths start: the config file's folder
    allowed: Path  # every team workbook must be inside it (resolved)
    locate: Callable[[Path], tuple[Path, Hashable]]


def teams_of(checked: Dataset, own: Hashable, workbooks: Workbooks | None) -> Teams:
    """The active teams of a validated Teams tab. `own`: the organisation spreadsheet's key or
    its workbook's identity, which may not be listed as one of its teams; `workbooks`: None for
    an organisation on Google Sheets, whose teams must be Google Sheets too (its editors must
    not make the roll-up read the files of the machine it runs on)."""
    title = org_schemas()["teams"].title
    frame = checked["teams"]
    log = Cells(ProblemLog(), title, _column_of(checked, "spreadsheet"), frame)
    places: dict[int, tuple[str, str]] = {}
    identities: dict[int, Hashable] = {}
    for row, text in zip(frame["row"], frame["spreadsheet"], strict=True):
        row, where = int(row), text.strip()
        key = google_key(where)
        if key is not None:
            places[row], identities[row] = (GOOGLE, key), (GOOGLE, key)
        elif workbooks is None:
            log.error(row, ON_GOOGLE)
        elif PurePath(where).suffix.lower() not in WORKBOOK_SUFFIXES:
            log.error(row, f"{where!r} {NOT_A_SPREADSHEET}")
        else:
            path, identity = workbooks.locate(workbooks.folder / where)
            if not path.is_relative_to(workbooks.allowed):
                log.error(row, outside(workbooks.allowed))
                continue
            places[row], identities[row] = (WORKBOOK, str(path)), identity
    _once_each(identities, own, frame, log)
    report = checked.report
    extra = log.log.frame([title])
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


ON_GOOGLE = (
    "This organisation's spreadsheet is on Google Sheets, so its teams' must be too: a "
    "roll-up reads local workbooks only for an organisation kept in a local workbook. Paste "
    "the team's Google Sheets URL from the browser's address bar."
)
NOT_A_SPREADSHEET = (
    "is neither a Google Sheets URL nor the path of an .xlsx workbook; paste the sheet's URL "
    "from the browser's address bar, or type the path of the team's .xlsx file relative to "
    "the config file."
)


def outside(allowed: Path) -> str:
    return (
        f"This workbook is outside {allowed}, the folder team workbooks must be in; move it "
        "there, or name the folder that holds the teams' workbooks in the organisation's "
        "config ([rollup] workbook_folder)."
    )


@dataclass(frozen=True)
class Cells:
    """Problems of the Teams tab's Spreadsheet column, each to its cell."""

    log: ProblemLog
    title: str
    col: int
    frame: pd.DataFrame

    def error(self, row: int, message: str) -> None:
        typed = str(self.frame.loc[self.frame["row"] == row, "spreadsheet"].iloc[0])
        self.log.add(
            ERROR, self.title, message,
            row=row, col=self.col, column="Spreadsheet", value=typed,
        )  # fmt: skip


def _once_each(
    identities: dict[int, Hashable], own: Hashable, frame: pd.DataFrame, log: Cells
) -> None:
    """The organisation's own spreadsheet is never a team, and a spreadsheet named by several
    rows (another path, a link, another case) is one team: the first row counts, the others
    are errors."""
    first: dict[Hashable, int] = {}
    for row, identity in identities.items():
        if identity == own:
            log.error(
                row,
                "This is the organisation's own spreadsheet; a roll-up never reads itself as a "
                "team: type the team's own spreadsheet here.",
            )
        elif identity in first:
            earlier = first[identity]
            name = str(frame.loc[frame["row"] == earlier, "team"].iloc[0])
            log.error(
                row,
                f"The same spreadsheet as row {earlier} ({name}), which is rolled up; a team "
                "counts once, whatever path or link names it: correct this Spreadsheet cell or "
                "delete the row.",
            )
        else:
            first[identity] = row


def _column_of(checked: Dataset, name: str) -> int:
    """The 1-based column of a Teams field as found in the header (headers match loosely)."""
    header = checked.headers.get("teams", [])
    spec = org_schemas()["teams"].field(name)
    wanted = {normalise_header(spec.title), normalise_header(spec.name)}
    for index, text in enumerate(header):
        if normalise_header(text) in wanted:
            return index + 1
    return 0
