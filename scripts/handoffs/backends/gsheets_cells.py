"""One value of the seam as the Sheets API v4 takes it: a typed CellData for batchUpdate, or a
RAW value for values.append.

Every cell is typed: user text is always an `ExtendedValue.stringValue`, which Sheets never
parses, so a flag reading `=HYPERLINK(...)` or `+1` stays text; formulas appear only where the
tool means them.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from typing import Any

from handoffs.model.spreadsheet import (
    GOOGLE_SHEETS_CELL_LIMIT,
    CellValue,
    ExternalLink,
    Formula,
    Link,
    fit_cell,
    match_title,
)

_EPOCH = dt.datetime(1899, 12, 30)  # Sheets day 0
_DATE = {"numberFormat": {"type": "DATE", "pattern": "yyyy-mm-dd"}}
_DATETIME = {"numberFormat": {"type": "DATE_TIME", "pattern": "yyyy-mm-dd hh:mm"}}
_BOLD = {"textFormat": {"bold": True}}


def serial(value: dt.date | dt.datetime) -> float | int:
    """Days since 1899-12-30; the time of day is the fraction. Wall-clock time, as typed."""
    if isinstance(value, dt.datetime):
        delta = value.replace(tzinfo=None) - _EPOCH
        return delta.days + delta.seconds / 86400 + delta.microseconds / 86_400_000_000
    return (value - _EPOCH.date()).days


def link_formula(link: Link, sheet_ids: Mapping[str, int]) -> str | None:
    """`=HYPERLINK("#gid=…&range=C3", "Health!C3")`: a jump to the cell inside this spreadsheet."""
    title = match_title(list(sheet_ids), link.tab)
    gid = sheet_ids.get(title) if title is not None else None
    if gid is None:
        return None
    label = link.label.replace('"', '""')
    return f'=HYPERLINK("#gid={gid}&range={link.cell}", "{label}")'


def cell_data(value: CellValue, sheet_ids: Mapping[str, int]) -> dict[str, Any]:
    """One typed CellData; None is an empty cell."""
    if value is None:
        return {}
    if isinstance(value, Link):
        formula = link_formula(value, sheet_ids)
        if formula is None:  # the tab is gone: the label is still worth showing
            return {
                "userEnteredValue": {"stringValue": fit_cell(value.label, GOOGLE_SHEETS_CELL_LIMIT)}
            }
        return {"userEnteredValue": {"formulaValue": formula}}
    if isinstance(value, Formula):
        return {"userEnteredValue": {"formulaValue": value.text}}
    if isinstance(value, ExternalLink):
        text = {"userEnteredValue": {"stringValue": value.label}}
        if not value.target.startswith(("https://", "http://")):
            return text  # a local path means nothing to a browser
        return {**text, "textFormatRuns": [{"format": {"link": {"uri": value.target}}}]}
    if isinstance(value, str):
        if not value:
            return {}
        return {"userEnteredValue": {"stringValue": fit_cell(value, GOOGLE_SHEETS_CELL_LIMIT)}}
    if isinstance(value, bool):
        return {"userEnteredValue": {"boolValue": value}}
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            return {}  # JSON has no NaN; the core never means one
        return {"userEnteredValue": {"numberValue": value}}
    if isinstance(value, dt.datetime):
        return {"userEnteredValue": {"numberValue": serial(value)}, "userEnteredFormat": _DATETIME}
    if isinstance(value, dt.date):
        return {"userEnteredValue": {"numberValue": serial(value)}, "userEnteredFormat": _DATE}
    raise TypeError(f"cannot write {type(value).__name__} to a cell")


def row_data(values: Sequence[CellValue], sheet_ids: Mapping[str, int]) -> dict[str, Any]:
    return {"values": [cell_data(value, sheet_ids) for value in values]}


def header_row(header: Sequence[str], note: str | None = None) -> dict[str, Any]:
    cells: list[dict[str, Any]] = [
        {"userEnteredValue": {"stringValue": title}, "userEnteredFormat": _BOLD} for title in header
    ]
    if note is not None:
        cells[0] = {**cells[0], "note": note} if cells else {"note": note}
    return {"values": cells}


def raw_value(value: CellValue) -> Any:
    """A value for values.append with valueInputOption RAW, where strings always stay text.

    RAW cannot carry a number format, so dates go as ISO text (readable, and read back as
    dates by the core) rather than bare serial numbers."""
    if value is None:
        return ""
    if isinstance(value, Link | ExternalLink):
        return value.label
    if isinstance(value, Formula):
        return value.text  # RAW: stored as text, never evaluated
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
