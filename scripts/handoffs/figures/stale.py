"""Contracts that need attention (docs/figures.md#stale-reviews): never reviewed, quarterly
review overdue, trial ended, incomplete, or an active handoff without a contract."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from math import nan
from typing import Any, NamedTuple

import pandas as pd

from handoffs.config import ReviewConfig
from handoffs.figures.columns import Columns, columns
from handoffs.figures.rankings import id_order
from handoffs.model.dataset import Dataset
from handoffs.model.vocabulary import (
    ACTIVE,
    CONTRACT_ROW_ERROR,
    ELEMENTS,
    IN_FORCE,
    IN_USE,
    INCOMPLETE,
    NEVER_REVIEWED,
    NO_CONTRACT,
    REVIEW_OVERDUE,
    TRIAL,
    TRIAL_ENDED,
)


def missing_elements(contracts: pd.DataFrame) -> pd.Series:
    """'Format, Contact if unclear' for each contract row, '' when all five are filled."""
    return pd.Series(missing_of(contracts), index=contracts.index, dtype="object")


def missing_of(contracts: pd.DataFrame) -> list[str]:
    """`missing_elements` as a list, one per contract row."""
    blank = [(title, contracts[name].array.isna()) for name, title in ELEMENTS.items()]
    return [", ".join(title for title, mask in blank if mask[i]) for i in range(len(contracts))]


WRITE_ONE = "write a contract with the five elements and trial it for two weeks"


def _row_error(rows: Sequence[int]) -> str:
    """'Contracts row 5 has an error: see Problems' (or rows 5, 7 have errors)."""
    if len(rows) == 1:
        return f"Contracts row {rows[0]} has an error: see Problems"
    return f"Contracts rows {', '.join(map(str, rows))} have errors: see Problems"


def _days(count: float) -> str:
    """'1 day', '12 days'."""
    return f"{int(count)} day" if count == 1 else f"{int(count)} days"


class _Row(NamedTuple):
    """A Stale Reviews row before it is a frame's."""

    handoff: Any
    order: int  # the reason's place in a handoff's rows
    contract: int | None  # position in the Contracts frame; None for a handoff without one
    reason: str
    detail: str


def stale_reviews(
    ds: Dataset,
    review: ReviewConfig,
    contract_errors: Mapping[str, Sequence[int]] | None = None,
) -> pd.DataFrame:
    """Contracts that need attention, one row per reason (docs/figures.md#stale-reviews).

    An active handoff without a contract asks for one, unless a Contracts row for it was left
    out for an error (`contract_errors`: case-folded handoff id -> rows): then that row's
    problem is the thing to fix.

    A team has a few dozen contracts: the reasons are found and written in plain Python over
    their cells, and the table is built once, in its order (by handoff, then reason)."""
    today = pd.Timestamp(ds.today)
    every, trial_days = review.every_days, review.trial_days
    contracts = ds["contracts"]
    contract = columns(contracts, _CELLS)
    handoff_of, status = contract["handoff_id"], contract["status"]
    reviewed, started = contract["last_reviewed"], contract["trial_start"]
    missing = missing_of(contracts)
    found: list[_Row] = []
    for i, state in enumerate(status):
        if state not in IN_USE:
            continue
        handoff, never = handoff_of[i], pd.isna(reviewed[i])
        if state in IN_FORCE and never:
            detail = "no Last reviewed date: review it with sender and receiver"
            found.append(_Row(handoff, 0, i, NEVER_REVIEWED, detail))
        days = nan if never else (today - reviewed[i]).days
        if state in IN_FORCE and days > every:
            detail = (
                f"last reviewed {_days(days)} ago, {_days(days - every)} past the {every}-day cycle"
            )
            found.append(_Row(handoff, 1, i, REVIEW_OVERDUE, detail))
        trial = nan if pd.isna(started[i]) else (today - started[i]).days
        reviewed_since = not never and not pd.isna(started[i]) and reviewed[i] >= started[i]
        if state == TRIAL and not reviewed_since and trial > trial_days:
            detail = (
                f"trial started {_days(trial)} ago; adjust it to what still gets missed, then "
                "set Status to active"
            )
            found.append(_Row(handoff, 2, i, TRIAL_ENDED, detail))
        if missing[i]:
            found.append(_Row(handoff, 3, i, INCOMPLETE, f"missing {missing[i]}"))
    covered = {handoff_of[i] for i, state in enumerate(status) if state in IN_USE}
    handoffs = ds["handoffs"]
    ids = handoffs["handoff_id"].tolist()
    uncovered = [
        h for h, state in zip(ids, handoffs["status"].tolist(), strict=True)
        if state == ACTIVE and h not in covered
    ]  # fmt: skip
    none = []
    for handoff in uncovered:
        rows = (contract_errors or {}).get(str(handoff).casefold(), ())
        if rows:
            none.append(_Row(handoff, 4, None, CONTRACT_ROW_ERROR, _row_error(rows)))
        else:
            none.append(_Row(handoff, 4, None, NO_CONTRACT, WRITE_ONE))
    table = sorted([*found, *none], key=lambda row: (*id_order(row.handoff), row.order))
    workflow = dict(zip(ids, handoffs["workflow"].tolist(), strict=True))
    return _frame(table, contract, workflow, plain=all(row.order == 0 for row in found))


_CELLS = ("handoff_id", "status", "owner", "last_reviewed", "trial_start")


def _frame(
    rows: list[_Row], contract: Columns, workflow: dict[Any, Any], *, plain: bool
) -> pd.DataFrame:
    """The Stale Reviews frame of `rows`, with the column types that a frame per reason and
    their concatenation gave: Owner is text only when every row is a contract's, Detail only
    when every contract row is a never-reviewed one (`plain`); with no row at all, Reason and
    Detail are float."""
    at = [row.contract for row in rows]

    def contracts(name: str, blank: Any) -> list[Any]:
        return [blank if i is None else contract[name][i] for i in at]

    text = "str" if rows else "float64"
    return pd.DataFrame(
        {
            "handoff_id": pd.Series([row.handoff for row in rows], dtype="str"),
            "contract_status": pd.Series(contracts("status", "none"), dtype="str"),
            "owner": pd.Series(
                contracts("owner", None), dtype="str" if rows and None not in at else object
            ),
            "last_reviewed": pd.Series(contracts("last_reviewed", pd.NaT), dtype="datetime64[ns]"),
            "reason": pd.Series([row.reason for row in rows], dtype=text),
            "detail": pd.Series([row.detail for row in rows], dtype=text if plain else object),
            "workflow": pd.Series([workflow.get(row.handoff, nan) for row in rows], dtype="str"),
        }
    )


# A Stale Reviews row, left to right (a team's, and each team's in the organisation roll-up).
STALE_COLUMNS = (
    "handoff_id",
    "workflow",
    "contract_status",
    "owner",
    "last_reviewed",
    "reason",
    "detail",
)
