"""Hours lost, rankings and trends, from validated frames (docs/figures.md)."""

from __future__ import annotations

import dataclasses
from collections import Counter

import numpy as np
import pandas as pd

from handoffs.config import Config, ScoringConfig
from handoffs.figures.health_sums import health_sums
from handoffs.model.dataset import Dataset
from handoffs.model.periods import TREND_MONTHS, Period, months_ending
from handoffs.model.vocabulary import (
    ACTIVE,
    IN_USE,
    OPEN_FLAG,
)

SPARK = "▁▂▃▄▅▆▇█"
NO_DATA_MARK = "·"


def hours_lost(health: pd.DataFrame, scoring: ScoringConfig) -> pd.Series:
    """rework × rework_hours + format minutes / 60 + delay days × delay_hours."""
    return (
        health["rework_requests"].astype("float64") * scoring.rework_hours
        + health["format_minutes"] / 60
        + health["delay_days"] * scoring.delay_hours
    )


def with_hours(ds: Dataset, scoring: ScoringConfig) -> Dataset:
    """The dataset with each Health row's hours lost in an `hours` column: the step after
    validation that every figure reads (docs/figures.md#hours-lost)."""
    health = ds["health"]
    frames = {**ds.frames, "health": health.assign(hours=hours_lost(health, scoring))}
    return dataclasses.replace(ds, frames=frames)


def period_totals(health: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Per handoff with any Health row in the period: summed figures, indexed by handoff_id
    (from the Health rows prepared once, `figures.health_sums`)."""
    return health_sums(health).totals(period.start, period.last_month)


def sparkline(values: pd.DataFrame) -> pd.Series:
    """One text sparkline per row, scaled from 0 to the row's own maximum; '·' = no data."""
    grid = values.to_numpy("float64", na_value=np.nan)
    top = np.fmax.reduce(grid, axis=1) if grid.size else np.full(len(grid), np.nan)
    top[top == 0] = np.nan
    levels = np.rint(grid / top[:, None] * (len(SPARK) - 1))
    levels = np.where(np.isnan(levels), 0, levels).astype(int)
    chars = np.array(list(SPARK))[levels]
    chars[np.isnan(grid)] = NO_DATA_MARK
    return pd.Series(["".join(row) for row in chars], index=values.index, dtype="object")


def rankings(ds: Dataset, period: Period, config: Config) -> pd.DataFrame:
    """Active handoffs worst first; those without data for the period last, as no data. Each
    with its hours lost in the period before (`previous_hours`) and the `change` since."""
    handoffs = ds["handoffs"]
    named = ["handoff_id", "workflow", "from_role", "to_role"]  # the columns the table shows
    active = handoffs.loc[handoffs["status"] == ACTIVE, named].set_index("handoff_id")
    health = ds["health"]
    current = period_totals(health, period).reindex(active.index)
    before = period_totals(health, period.previous())["hours"].reindex(active.index)
    table = pd.DataFrame(
        {
            "workflow": active["workflow"],
            "from_role": active["from_role"],
            "to_role": active["to_role"],
            "hours": current["hours"],
            "rework_requests": current["rework_requests"],
            "format_minutes": current["format_minutes"],
            "delay_days": current["delay_days"],
            "change": current["hours"] - before,
            "previous_hours": before,  # the period before's, summed by `TeamFigures.previous`
            "trend": trends(health, period.last_month_by(ds.today), active.index),
            "contract_status": contract_status(ds, active.index),
            "open_flags": open_flags(ds, active.index),
        }
    )
    table["has_data"] = table["hours"].notna()
    table = rank_order(table.rename_axis("handoff_id").reset_index())
    table["rank"] = pd.Series(np.arange(1, len(table) + 1)).where(table["has_data"]).astype("Int64")
    return table


def rank_order(table: pd.DataFrame) -> pd.DataFrame:
    """Ranking order (docs/figures.md#rankings): hours lost, then rework requests, then delay
    days, then handoff id; rows without data (`has_data` False) last."""
    return table.sort_values(
        ["has_data", "hours", "rework_requests", "delay_days", "handoff_id"],
        ascending=[False, False, False, False, True],
        kind="stable",
    ).reset_index(drop=True)


def hours_grid(health: pd.DataFrame, ids: pd.Index, months: list[pd.Timestamp]) -> pd.DataFrame:
    """Hours lost per handoff (rows) and month (columns); NaN where there is no Health row."""
    return health_sums(health).grid(ids, months)


def trends(health: pd.DataFrame, last: pd.Timestamp, ids: pd.Index) -> pd.Series:
    """Six-month sparkline ending with month `last`, per handoff id."""
    return sparkline(hours_grid(health, ids, months_ending(last, TREND_MONTHS)))


def contract_status(ds: Dataset, ids: pd.Index) -> pd.Series:
    """The status of each handoff's first contract in use, "none" without one, for `ids`."""
    contracts = ds["contracts"]
    first: dict[str, str] = {}
    for handoff, status in zip(contracts["handoff_id"], contracts["status"], strict=True):
        if status in IN_USE:
            first.setdefault(handoff, status)
    statuses = [first.get(handoff, "none") for handoff in ids]
    return pd.Series(statuses, index=ids, dtype=contracts["status"].dtype)


def open_flags(ds: Dataset, ids: pd.Index) -> pd.Series:
    """How many open flags (new, discussed, accepted) each handoff of `ids` has."""
    flags = ds["flags"]
    counts = Counter(
        handoff
        for handoff, status in zip(flags["handoff_id"], flags["status"], strict=True)
        if status in OPEN_FLAG
    )
    return pd.Series([counts[h] for h in ids], index=ids, dtype=np.int64)
