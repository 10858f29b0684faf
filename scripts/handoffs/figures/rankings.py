"""Hours lost, rankings and trends, from validated frames (docs/figures.md)."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from handoffs.config import Config, ScoringConfig
from handoffs.figures.health_sums import SUMMED, MonthSums, health_sums
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


def period_totals(health: pd.DataFrame, period: Period) -> MonthSums:
    """Per handoff with any Health row in the period: its rows and summed figures (from the
    Health rows prepared once, `figures.health_sums`; each period summed once)."""
    return health_sums(health).between(period.start, period.last_month)


def spark_rows(grid: np.ndarray) -> list[str]:
    """One text sparkline per row of `grid`, scaled from 0 to the row's own maximum; '·' = no
    data."""
    top = np.fmax.reduce(grid, axis=1) if grid.size else np.full(len(grid), np.nan)
    top[top == 0] = np.nan
    levels = np.rint(grid / top[:, None] * (len(SPARK) - 1))
    levels = np.where(np.isnan(levels), 0, levels).astype(int)
    chars = np.array(list(SPARK))[levels]
    chars[np.isnan(grid)] = NO_DATA_MARK
    return ["".join(row) for row in chars]


def rank_key(handoff: Any, hours: Any, rework: Any, delays: Any) -> tuple[Any, ...]:
    """The ranking order (docs/figures.md#rankings) of a handoff with data, the one rule every
    ranking sorts by (a team's, the review loop's, the organisation's worst handoffs): hours
    lost, then rework requests, then delay days (each most first, a missing one last), then
    handoff id."""
    return (*_most_first(hours), *_most_first(rework), *_most_first(delays), handoff)


def _most_first(value: Any) -> tuple[bool, float]:
    missing = value is None or value is pd.NA or value != value  # NaN is not itself
    return missing, 0.0 if missing else -value


def id_order(handoff: Any) -> tuple[bool, str]:
    """Handoff ids in text order, a blank one last (as pandas sorts them)."""
    return (True, "") if pd.isna(handoff) else (False, handoff)


def rankings(ds: Dataset, period: Period, config: Config) -> pd.DataFrame:
    """Active handoffs worst first; those without data for the period last, as no data. Each
    with its hours lost in the period before (`previous_hours`) and the `change` since.

    A team has a few dozen active handoffs: they are ordered in plain Python from the period
    sums (`period_totals`), and the table is built once, in that order."""
    handoffs = ds["handoffs"]
    active = [i for i, status in enumerate(handoffs["status"].tolist()) if status == ACTIVE]
    every_id = handoffs["handoff_id"].tolist()
    ids = [every_id[i] for i in active]
    health = ds["health"]
    current = period_totals(health, period)
    places = [current.place(h) for h in ids]
    hours, rework, delays = (current.sums[n].tolist() for n in SORTED_BY)
    with_data = sorted(
        (rank_key(h, hours[p], rework[p], delays[p]), n)
        for n, (h, p) in enumerate(zip(ids, places, strict=True))
        if p is not None
    )
    no_data = sorted(
        (id_order(h), n) for n, (h, p) in enumerate(zip(ids, places, strict=True)) if p is None
    )
    order = [n for _, n in with_data] + [n for _, n in no_data]
    ids = [ids[n] for n in order]
    taken = np.array([active[n] for n in order], dtype=np.intp)
    sums = {name: current.column(name, ids) for name in SUMMED}
    before = period_totals(health, period.previous()).column("hours", ids)
    has_data = np.arange(len(ids)) < len(with_data)
    return pd.DataFrame(
        {
            **{name: handoffs[name].array.take(taken) for name in SHOWN},
            "hours": sums["hours"],
            "rework_requests": _blank_without_data(sums["rework_requests"], has_data),
            "format_minutes": sums["format_minutes"],
            "delay_days": sums["delay_days"],
            "change": sums["hours"] - before,
            "previous_hours": before,  # the period before's, summed by `TeamFigures.previous`
            "trend": pd.Series(trends(health, period.last_month_by(ds.today), ids), dtype="object"),
            "contract_status": contract_status(ds, ids),
            "open_flags": np.array(open_flags(ds, ids), dtype=np.int64),
            "has_data": has_data,
            "rank": _blank_without_data(np.arange(1, len(ids) + 1), has_data),
        }
    )


def _blank_without_data(values: np.ndarray, has_data: np.ndarray) -> pd.arrays.IntegerArray:
    """Whole numbers (`Int64`), blank where the handoff has no data."""
    whole = np.where(has_data, np.nan_to_num(values), 0).astype(np.int64)
    return pd.arrays.IntegerArray(whole, ~has_data)


# the summed figures of the ranking order, worst first, and the columns the table shows
SORTED_BY = ("hours", "rework_requests", "delay_days")
SHOWN = ("handoff_id", "workflow", "from_role", "to_role")


def hours_grid(health: pd.DataFrame, ids: pd.Index, months: list[pd.Timestamp]) -> pd.DataFrame:
    """Hours lost per handoff (rows) and month (columns); NaN where there is no Health row."""
    return health_sums(health).grid(ids, months)


def trends(health: pd.DataFrame, last: pd.Timestamp, ids: Sequence[Any]) -> list[str]:
    """Six-month sparkline ending with month `last`, for each of `ids` (distinct)."""
    sums = health_sums(health)
    row_of = {h: n for n, h in enumerate(ids)}
    row_of_code = np.array([row_of.get(h, -1) for h in sums.ids.tolist()], dtype=np.intp)
    return spark_rows(sums.hours_grid(row_of_code, len(ids), months_ending(last, TREND_MONTHS)))


def contract_status(ds: Dataset, ids: Sequence[Any]) -> pd.Series:
    """The status of each handoff's first contract in use, "none" without one, for `ids`."""
    contracts = ds["contracts"]
    first: dict[str, str] = {}
    for handoff, status in zip(contracts["handoff_id"], contracts["status"], strict=True):
        if status in IN_USE:
            first.setdefault(handoff, status)
    statuses = [first.get(handoff, "none") for handoff in ids]
    return pd.Series(statuses, dtype=contracts["status"].dtype)


def open_flags(ds: Dataset, ids: Sequence[Any]) -> list[int]:
    """How many open flags (new, discussed, accepted) each handoff of `ids` has."""
    flags = ds["flags"]
    counts = Counter(
        handoff
        for handoff, status in zip(flags["handoff_id"], flags["status"], strict=True)
        if status in OPEN_FLAG
    )
    return [counts[h] for h in ids]
