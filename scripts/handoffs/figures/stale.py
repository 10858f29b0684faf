"""Contracts that need attention (docs/figures.md#stale-reviews): never reviewed, quarterly
review overdue, trial ended, incomplete, or an active handoff without a contract."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from math import nan

import numpy as np
import pandas as pd

from handoffs.config import ReviewConfig
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
    blank = [(title, contracts[name].isna().to_numpy()) for name, title in ELEMENTS.items()]
    missing = [", ".join(title for title, mask in blank if mask[i]) for i in range(len(contracts))]
    return pd.Series(missing, index=contracts.index, dtype="object")


WRITE_ONE = "write a contract with the five elements and trial it for two weeks"


def _row_error(rows: Sequence[int]) -> str:
    """'Contracts row 5 has an error: see Problems' (or rows 5, 7 have errors)."""
    if len(rows) == 1:
        return f"Contracts row {rows[0]} has an error: see Problems"
    return f"Contracts rows {', '.join(map(str, rows))} have errors: see Problems"


def _days(count: float) -> str:
    """'1 day', '12 days'."""
    return f"{int(count)} day" if count == 1 else f"{int(count)} days"


def stale_reviews(
    ds: Dataset,
    review: ReviewConfig,
    contract_errors: Mapping[str, Sequence[int]] | None = None,
) -> pd.DataFrame:
    """Contracts that need attention, one row per reason (docs/figures.md#stale-reviews).

    An active handoff without a contract asks for one, unless a Contracts row for it was left
    out for an error (`contract_errors`: case-folded handoff id -> rows): then that row's
    problem is the thing to fix.

    Each reason's contracts are found with whole-column tests; their details are written in
    plain Python and the rows taken from the Contracts frame once (a frame per reason costs
    more than the few dozen rows a team has)."""
    today = pd.Timestamp(ds.today)
    handoffs = ds["handoffs"].set_index("handoff_id")
    contracts = ds["contracts"]
    contracts = contracts[contracts["status"].isin(IN_USE)]
    reviewed_days = (today - contracts["last_reviewed"]).dt.days.to_numpy("float64", na_value=nan)
    trial_days = (today - contracts["trial_start"]).dt.days.to_numpy("float64", na_value=nan)
    in_force = contracts["status"].isin(IN_FORCE).to_numpy(bool)
    never = contracts["last_reviewed"].isna().to_numpy(bool)
    missing = missing_elements(contracts).tolist()
    every = review.every_days
    trial_over = (contracts["status"] == TRIAL).to_numpy(bool) & (
        ~(contracts["last_reviewed"] >= contracts["trial_start"]).to_numpy(bool)
    )
    reasons = [
        (in_force & never, NEVER_REVIEWED,
         lambda i: "no Last reviewed date: review it with sender and receiver"),
        (in_force & (reviewed_days > every), REVIEW_OVERDUE,
         lambda i: f"last reviewed {_days(reviewed_days[i])} ago, "
         f"{_days(reviewed_days[i] - every)} past the {every}-day cycle"),
        (trial_over & (trial_days > review.trial_days), TRIAL_ENDED,
         lambda i: f"trial started {_days(trial_days[i])} ago; adjust it to what still gets "
         "missed, then set Status to active"),
        (np.array([m != "" for m in missing], dtype=bool), INCOMPLETE,
         lambda i: f"missing {missing[i]}"),
    ]  # fmt: skip
    found = [(i, reason, detail(i), order)
             for order, (mask, reason, detail) in enumerate(reasons)
             for i in np.flatnonzero(mask).tolist()]  # fmt: skip
    parts = [_reason_rows(contracts, found)] if found else []
    active = handoffs[handoffs["status"] == ACTIVE]
    uncovered = active.index[~active.index.isin(contracts["handoff_id"])]
    broken = [(contract_errors or {}).get(str(h).casefold(), ()) for h in uncovered]
    none = pd.DataFrame(
        {
            "handoff_id": uncovered,
            "contract_status": "none",
            "owner": None,
            "last_reviewed": pd.NaT,
            "reason": [CONTRACT_ROW_ERROR if rows else NO_CONTRACT for rows in broken],
            "detail": [_row_error(rows) if rows else WRITE_ONE for rows in broken],
            "order": len(reasons),
        }
    )
    if not none.empty or not parts:
        parts.append(none)
    table = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    table["workflow"] = table["handoff_id"].map(handoffs["workflow"])
    table = table.sort_values(["handoff_id", "order"], kind="stable").drop(columns="order")
    return table.reset_index(drop=True)


def _reason_rows(contracts: pd.DataFrame, found: list[tuple[int, str, str, int]]) -> pd.DataFrame:
    """The contracts found, one row per (position, reason, detail, order), in that order. The
    detail is text (`str`) when every row is a never-reviewed one, as one frame per reason
    gave it, else Python objects."""
    taken = contracts.take([i for i, _, _, _ in found])
    plain = all(reason == NEVER_REVIEWED for _, reason, _, _ in found)
    details = [detail for _, _, detail, _ in found]
    return pd.DataFrame(
        {
            "handoff_id": taken["handoff_id"],
            "contract_status": taken["status"],
            "owner": taken["owner"],
            "last_reviewed": taken["last_reviewed"],
            "reason": pd.array([reason for _, reason, _, _ in found], dtype="str"),
            "detail": pd.Series(details, index=taken.index, dtype="str" if plain else "object"),
            "order": [order for _, _, _, order in found],
        },
        index=taken.index,
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
