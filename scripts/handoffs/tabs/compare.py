"""Whether a refresh would change what the generated tabs already show (docs/spreadsheet.md
#generated-tabs): a run that would change nothing writes nothing, so a workbook in a synced
folder is not rewritten every half hour and a Google Sheet gains no revision.

Cells are compared as a person sees them, the way both backends read them back: a link by its
label, a date as its serial number (Google Sheets reads dates back as numbers), numbers as
floats equal to 12 significant digits, blank text as a blank cell, trailing blank cells and
rows ignored. The Summary's "Last changed" row is the stamp of the run that last wrote, so it
is left out.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from typing import Any

from handoffs.model.spreadsheet import Formula, FormulaWithoutValue, Link, RawTab, TabContent

LAST_CHANGED = "Last changed"
_EPOCH = dt.datetime(1899, 12, 30)


def tabs_unchanged(tabs: Sequence[TabContent], stored: Mapping[str, RawTab]) -> bool:
    """True when every tab in `tabs` already reads back as it would be written."""
    for tab in tabs:
        found = stored.get(tab.title)
        if found is None:
            return False
        if not _same_rows(_plain_rows([list(tab.header), *tab.rows]), _plain_rows(found.rows)):
            return False
    return True


def _plain_rows(rows: Sequence[Sequence[Any]]) -> list[list[tuple[str, Any]]]:
    out = []
    for row in rows:
        cells = [_plain(value) for value in row]
        if cells and cells[0] == ("text", LAST_CHANGED):
            continue
        while cells and cells[-1] is None:
            cells.pop()
        out.append(cells)
    while out and not out[-1]:
        out.pop()
    return out


def _plain(value: Any) -> Any:
    """(kind, value) as both backends read a written cell back; None for a blank cell."""
    if isinstance(value, Link):
        value = value.label
    if isinstance(value, FormulaWithoutValue):
        return ("formula", value.formula)
    if isinstance(value, Formula):  # read back as its result on Google Sheets: never equal
        return ("formula", value.text)
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return ("text", value.replace("\r\n", "\n").replace("\r", "\n"))
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, dt.datetime | dt.date):
        moment = value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())
        return ("number", (moment.replace(tzinfo=None) - _EPOCH) / dt.timedelta(days=1))
    if isinstance(value, int | float):
        return ("number", float(value))
    return ("other", value)


def _same_rows(a: list[list[Any]], b: list[list[Any]]) -> bool:
    if len(a) != len(b):
        return False
    for row_a, row_b in zip(a, b, strict=True):
        if len(row_a) != len(row_b):
            return False
        for x, y in zip(row_a, row_b, strict=True):
            if x == y:
                continue
            if x is None or y is None or x[0] != "number" or y[0] != "number":
                return False
            # a second is 1.2e-5 days: 1e-9 days tells a changed time from a float round trip
            if not math.isclose(x[1], y[1], rel_tol=1e-12, abs_tol=1e-9):
                return False
    return True
