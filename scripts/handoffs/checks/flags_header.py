"""The Flags header order that `refresh` remembers in the Summary tab (docs/spreadsheet.md#flags).

A Slack Workflow Builder "add a spreadsheet row" step writes by column position, not by header,
so moving a Flags column silently shifts what Slack writes. `refresh` records the header order
(Summary row "Flags columns") and warns for `KEEP_WARNING_DAYS` days after it changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

import pandas as pd

from handoffs.model.dataset import Dataset
from handoffs.model.lookup import cell_text, normalise_header
from handoffs.model.problems import WARNING, ProblemLog, Report
from handoffs.model.schema import input_schemas
from handoffs.model.spreadsheet import CellValue, RawTab, column_letter

FLAGS_COLUMNS = "Flags columns"


FLAGS_CHANGED = "Flags columns changed"


KEEP_WARNING_DAYS = 14


SEPARATOR = " | "


@dataclass(frozen=True)
class FlagsHeader:
    order: str  # the header as read now, "Timestamp | Flagged by | …"
    changed_on: dt.date | None = None  # when a change was last noticed, while still warned about
    was: str | None = None  # the order before that change

    @property
    def warning(self) -> str | None:
        if self.changed_on is None or self.was is None:
            return None
        before, now = self.was.split(SEPARATOR), self.order.split(SEPARATOR)
        moved = [
            f"{column_letter(i + 1)} was {a or '(blank)'}, now {b or '(blank)'}"
            for i, (a, b) in enumerate(
                zip(before + [""] * len(now), now + [""] * len(before), strict=True)
            )
            if normalise_header(a) != normalise_header(b)
        ]
        return (
            f"The Flags columns changed on {self.changed_on.isoformat()} ("
            + "; ".join(moved[:3])
            + ("; …" if len(moved) > 3 else "")
            + "). A Slack workflow's 'add a spreadsheet row' step writes by column position, so "
            "its values would now land in the wrong columns: update the column numbers in that "
            f"step, or move the columns back. This warning shows for {KEEP_WARNING_DAYS} days."
        )


def header_order(header: Sequence[object]) -> str:
    cells = ["" if c is None else str(c).strip() for c in header]
    while cells and not cells[-1]:
        cells.pop()
    return SEPARATOR.join(cells)


def _same(a: str, b: str) -> bool:
    return [normalise_header(x) for x in a.split(SEPARATOR)] == [
        normalise_header(x) for x in b.split(SEPARATOR)
    ]


def remembered(summary: RawTab | None) -> FlagsHeader | None:
    """What the last refresh wrote in the Summary tab, if anything."""
    if summary is None:
        return None
    items = {cell_text(row[0]): [*row[1:3], None, None] for row in summary.data_rows if row}
    order = items.get(FLAGS_COLUMNS, [None])[0]
    if order is None:
        return None
    changed_on, was = None, None
    value, detail = items.get(FLAGS_CHANGED, [None, None])[:2]
    if value is not None and detail is not None:
        try:
            changed_on = dt.date.fromisoformat(str(cell_text(value))[:10])
            was = str(detail).removeprefix("was: ")
        except ValueError:
            changed_on = None
    return FlagsHeader(str(order), changed_on, was)


def track(header: Sequence[object], summary: RawTab | None, today: dt.date) -> FlagsHeader | None:
    """The Flags header order to record now, and whether it changed since the last refresh."""
    previous = remembered(summary)
    current = header_order(header)
    if not current:  # no Flags tab: keep what was remembered
        return previous
    if previous is None:
        return FlagsHeader(current)
    if not _same(previous.order, current):
        return FlagsHeader(current, today, previous.order)
    recent = previous.changed_on and (today - previous.changed_on).days < KEEP_WARNING_DAYS
    return replace(previous, order=current) if recent else FlagsHeader(current)


def summary_rows(state: FlagsHeader | None) -> list[list[CellValue]]:
    if state is None:
        return []
    rows: list[list[CellValue]] = [
        [FLAGS_COLUMNS, state.order,
         "the Flags header, left to right: a Slack workflow writes by column position, so "
         "refresh warns when it changes"],
    ]  # fmt: skip
    if state.changed_on is not None:
        rows.append([FLAGS_CHANGED, state.changed_on.isoformat(), f"was: {state.was}"])
    return rows


def with_header_warning(ds: Dataset, state: FlagsHeader | None) -> Dataset:
    """The dataset with the header-change warning among its problems (tab Flags, row 1)."""
    message = state.warning if state else None
    if message is None or state is None:
        return ds
    width = len(state.order.split(SEPARATOR))
    log = ProblemLog()
    log.add(WARNING, "Flags", message, row=1, cell=f"A1:{column_letter(width)}1", value=state.order)
    titles = [s.title for s in input_schemas().values()]
    frame = pd.concat([ds.report.frame, log.frame(titles)], ignore_index=True)
    order = frame["tab"].map({t: i for i, t in enumerate(titles)}).fillna(len(titles))
    frame = frame.assign(_tab=order).sort_values(["_tab", "row"], kind="stable")
    return replace(ds, report=Report(frame.drop(columns="_tab").reset_index(drop=True)))
