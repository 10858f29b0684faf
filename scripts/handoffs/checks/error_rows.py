"""Rows that validation left out for an error, by the handoff they were about: figures never
use such a row, but a message can point to it (docs/figures.md#stale-reviews)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from handoffs.model.dataset import Dataset
from handoffs.model.errors import UsageError
from handoffs.model.lookup import cell_text, column_of
from handoffs.model.schema import input_schemas
from handoffs.model.spreadsheet import RawTab


def handoff_ids_by_row(tab: RawTab, name: str) -> dict[int, str]:
    """Sheet row -> the Handoff ID typed in it (rows without one are left out), for the input
    tab `name` ("contracts", "handoffs" …)."""
    column = column_of(tab.header, input_schemas()[name].field("handoff_id"))
    if column is None:
        return {}
    found = {}
    for number, row in enumerate(tab.data_rows, start=2):
        text = cell_text(row[column]) if column < len(row) else None
        if text:
            found[number] = text
    return found


def errors_by_handoff(
    raw: Mapping[str, RawTab], dataset: Dataset, name: str
) -> dict[str, tuple[int, ...]]:
    """The rows of input tab `name` left out for an error, by the handoff id typed in them
    (case-folded): Stale Reviews points to a broken Contracts row instead of asking for a
    contract, and `template` to a broken Handoffs row instead of saying there is none."""
    title = input_schemas()[name].title
    if title not in raw:
        return {}
    bad = dataset.left_out.get(name, frozenset())
    found: dict[str, tuple[int, ...]] = {}
    for row, handoff_id in handoff_ids_by_row(raw[title], name).items():
        if row in bad:
            key = handoff_id.casefold()
            found[key] = (*found.get(key, ()), row)
    return found


def refuse_rejected_handoff(
    typed: str, dataset: Dataset, errors: Mapping[str, Sequence[int]]
) -> None:
    """A handoff whose Handoffs row has an error exists, but nothing can be said about it until
    the row is fixed (exit 2, naming the row)."""
    key = typed.strip().casefold()
    clean = {str(h).casefold() for h in dataset["handoffs"]["handoff_id"]}
    rows = errors.get(key, ())
    if rows and key not in clean:
        where = f"row {rows[0]}" if len(rows) == 1 else "rows " + ", ".join(map(str, rows))
        raise UsageError(
            f"The Handoffs tab's {where} for {typed.strip()} has an error, so that handoff is "
            "left out: run `handoffs validate` to see the fix, then run this again."
        )
