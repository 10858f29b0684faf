"""Friction flags intake (docs/spreadsheet.md#flags, docs/commands.md): the row `handoffs flag`
appends and the handoff id it checks. No pandas here: `handoffs flag` stays light.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from handoffs.model.errors import UsageError
from handoffs.model.lookup import cell_text, close_matches, column_of
from handoffs.model.schema import Field, TabSchema, input_schemas
from handoffs.model.spreadsheet import CellValue, RawTab
from handoffs.model.vocabulary import NEW_FLAG


def handoff_ids(tab: RawTab) -> list[str]:
    """The ids of the Handoffs tab, as typed."""
    column = column_of(tab.header, input_schemas()["handoffs"].field("handoff_id"))
    if column is None:
        raise UsageError(
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
    raise UsageError(f"There is no handoff '{wanted}' in the Handoffs tab.{hint}")


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


def _missing_column(schema: TabSchema, spec: Field) -> UsageError:
    return UsageError(
        f"The {schema.title} tab has no {spec.title} column, so the flag cannot be recorded; "
        f"add the header '{spec.title}' in row 1 of the {schema.title} tab. Nothing was written."
    )


# -- the Flags header order, remembered in the Summary tab -------------------------------------
