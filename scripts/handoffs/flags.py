"""Friction flags intake (docs/spreadsheet.md#flags, docs/commands.md): the row `handoffs flag` appends, the
handoff id it checks, and the Flags header order that `refresh` remembers in the Summary tab.

A Slack Workflow Builder "add a spreadsheet row" step writes by column position, not by header,
so moving a Flags column silently shifts what Slack writes. `refresh` records the header order
(Summary row "Flags columns") and warns for `KEEP_WARNING_DAYS` days after it changes.

No pandas at import time: `handoffs flag` stays light.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from handoffs.errors import ConfigError
from handoffs.lookup import cell_text, close_matches, column_of, normalise_header
from handoffs.schema import Field, TabSchema, input_schemas
from handoffs.sheet import CellValue, RawTab, column_letter
from handoffs.vocabulary import NEW_FLAG

if TYPE_CHECKING:
    from handoffs.validate import Dataset

FLAGS_COLUMNS = "Flags columns"
FLAGS_CHANGED = "Flags columns changed"
KEEP_WARNING_DAYS = 14
SEPARATOR = " | "


def handoff_ids(tab: RawTab) -> list[str]:
    """The ids of the Handoffs tab, as typed."""
    column = column_of(tab.header, input_schemas()["handoffs"].field("handoff_id"))
    if column is None:
        raise ConfigError(
            "The Handoffs tab has no Handoff ID column; run `handoffs validate` for the fix."
        )
    ids = (cell_text(row[column]) if column < len(row) else "" for row in tab.data_rows)
    return [i for i in ids if i]


def resolve_handoff(typed: str, ids: Sequence[str]) -> str:
    """The id as the Handoffs tab spells it; a clear error (exit 2) with close matches if none."""
    wanted = typed.strip()
    if wanted in ids:
        return wanted
    folded = {i.casefold(): i for i in ids}
    if wanted.casefold() in folded:
        return folded[wanted.casefold()]
    close = close_matches(wanted, ids)
    hint = (
        " Did you mean " + " or ".join(close) + "?"
        if close
        else " The ids are listed in the Handoffs tab (or run `handoffs validate`)."
    )
    raise ConfigError(f"There is no handoff '{wanted}' in the Handoffs tab.{hint}")


def flag_row(
    tab: RawTab, *, at: dt.datetime, handoff_id: str, what: str, fix: str | None, by: str | None
) -> list[CellValue]:
    """One Flags row laid out under the tab's own header, whatever its column order."""
    schema = input_schemas()["flags"]
    values: dict[str, CellValue] = {
        "flagged_at": at,
        "flagged_by": by,
        "handoff_id": handoff_id,
        "what_went_wrong": what,
        "suggested_fix": fix,
        "status": NEW_FLAG,
    }
    positions: dict[str, int] = {}
    for spec in schema.fields:
        column = column_of(tab.header, spec)
        if column is not None:
            positions[spec.name] = column
        elif spec.required or values.get(spec.name) not in (None, NEW_FLAG):
            raise _missing_column(schema, spec)
    row: list[CellValue] = [None] * max(len(tab.header), max(positions.values(), default=-1) + 1)
    for name, column in positions.items():
        row[column] = values.get(name)
    return row


def _missing_column(schema: TabSchema, spec: Field) -> ConfigError:
    return ConfigError(
        f"The {schema.title} tab has no {spec.title} column, so the flag cannot be recorded; "
        f"add the header '{spec.title}' in row 1 of the {schema.title} tab. Nothing was written."
    )


# -- the Flags header order, remembered in the Summary tab -------------------------------------


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
    import pandas as pd

    from handoffs.problems import WARNING, ProblemLog, Report

    width = len(state.order.split(SEPARATOR))
    log = ProblemLog()
    log.add(WARNING, "Flags", message, row=1, cell=f"A1:{column_letter(width)}1", value=state.order)
    titles = [s.title for s in input_schemas().values()]
    frame = pd.concat([ds.report.frame, log.frame(titles)], ignore_index=True)
    order = frame["tab"].map({t: i for i, t in enumerate(titles)}).fillna(len(titles))
    frame = frame.assign(_tab=order).sort_values(["_tab", "row"], kind="stable")
    return replace(ds, report=Report(frame.drop(columns="_tab").reset_index(drop=True)))
