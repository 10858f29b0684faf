"""Contracts that need attention (docs/figures.md#stale-reviews): never reviewed, quarterly
review overdue, trial ended, incomplete, or an active handoff without a contract."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

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


def _days(counts: pd.Series) -> pd.Series:
    """'1 day', '12 days' for each count."""
    return pd.Series(
        [f"{int(n)} day" if n == 1 else f"{int(n)} days" for n in counts],
        index=counts.index,
        dtype="object",
    )


def stale_reviews(
    ds: Dataset,
    review: ReviewConfig,
    contract_errors: Mapping[str, Sequence[int]] | None = None,
) -> pd.DataFrame:
    """Contracts that need attention, one row per reason (docs/figures.md#stale-reviews).

    An active handoff without a contract asks for one, unless a Contracts row for it was left
    out for an error (`contract_errors`: case-folded handoff id -> rows): then that row's
    problem is the thing to fix."""
    today = pd.Timestamp(ds.today)
    handoffs = ds["handoffs"].set_index("handoff_id")
    contracts = ds["contracts"]
    contracts = contracts[contracts["status"].isin(IN_USE)]
    reviewed_days = (today - contracts["last_reviewed"]).dt.days
    trial_days = (today - contracts["trial_start"]).dt.days
    in_force = contracts["status"].isin(IN_FORCE)
    missing = missing_elements(contracts)
    reasons = [
        (in_force & contracts["last_reviewed"].isna(), NEVER_REVIEWED,
         lambda at: "no Last reviewed date: review it with sender and receiver"),
        (in_force & (reviewed_days > review.every_days), REVIEW_OVERDUE,
         lambda at: "last reviewed " + _days(reviewed_days[at]) + " ago, "
         + _days(reviewed_days[at] - review.every_days)
         + f" past the {review.every_days}-day cycle"),
        ((contracts["status"] == TRIAL) & (trial_days > review.trial_days)
         & ~(contracts["last_reviewed"] >= contracts["trial_start"]),
         TRIAL_ENDED,
         lambda at: "trial started " + _days(trial_days[at])
         + " ago; adjust it to what still gets missed, then set Status to active"),
        (missing.ne(""), INCOMPLETE, lambda at: "missing " + missing[at]),
    ]  # fmt: skip
    parts = [
        _reason_rows(contracts[mask], reason, detail(mask), order)
        for order, (mask, reason, detail) in enumerate(reasons)
        if mask.any()  # a reason no contract has builds nothing
    ]
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


def _reason_rows(
    contracts: pd.DataFrame, reason: str, detail: str | pd.Series, order: int
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "handoff_id": contracts["handoff_id"],
            "contract_status": contracts["status"],
            "owner": contracts["owner"],
            "last_reviewed": contracts["last_reviewed"],
            "reason": reason,
            "detail": detail,
            "order": order,
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
