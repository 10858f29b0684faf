"""Rows that validation left out for an error, by the handoff they were about: figures never
use such a row, but a message can point to it (docs/figures.md#stale-reviews)."""

from __future__ import annotations

from collections.abc import Mapping

from handoffs.flags import cell_text, column_of
from handoffs.schema import input_schemas
from handoffs.sheet import RawTab
from handoffs.validate import Dataset


def handoff_ids_by_row(tab: RawTab) -> dict[int, str]:
    """Sheet row -> the Handoff ID typed in it (rows without one are left out), for a tab
    whose Handoff ID column is named as in the Contracts tab."""
    column = column_of(tab.header, input_schemas()["contracts"].field("handoff_id"))
    if column is None:
        return {}
    found = {}
    for number, row in enumerate(tab.data_rows, start=2):
        text = cell_text(row[column]) if column < len(row) else None
        if text:
            found[number] = text
    return found


def contract_errors(raw: Mapping[str, RawTab], dataset: Dataset) -> dict[str, tuple[int, ...]]:
    """The Contracts rows left out for an error, by the handoff id typed in them (case-folded),
    so that Stale Reviews points to the row's problem instead of asking for a contract."""
    title = input_schemas()["contracts"].title
    if title not in raw:
        return {}
    bad = set(dataset.report.error_rows(title).astype(int))
    found: dict[str, tuple[int, ...]] = {}
    for row, handoff_id in handoff_ids_by_row(raw[title]).items():
        if row in bad:
            key = handoff_id.casefold()
            found[key] = (*found.get(key, ()), row)
    return found
