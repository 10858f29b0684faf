"""A team's Health rows prepared once for every figure that sums them: each row's handoff as a
code, its month, and the figures summed (hours lost, rework, format minutes, delays) as float
arrays. Sums over a period, month counts and the hours grid are then a few array passes
(`np.bincount`), not a pandas group-by per figure: the rankings, the period before, the review
loop and role compression all read the same prepared rows.

The preparation is kept with the Health frame it was made from (looked up by identity, dropped
with the frame), so each team's Health is prepared once however many figures read it."""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from math import isnan, nan
from typing import Any

import numpy as np
import pandas as pd

SUMMED = ("hours", "rework_requests", "format_minutes", "delay_days")


class HealthSums:
    """Health rows as arrays: `codes` index `ids` (the distinct handoff ids, sorted)."""

    def __init__(self, health: pd.DataFrame) -> None:
        codes, ids = pd.factorize(health["handoff_id"], sort=True)
        self.ids = pd.Index(ids, name="handoff_id")
        self.codes = codes
        self.months = health["month"].to_numpy("datetime64[ns]")
        self.columns = {
            name: health[name].to_numpy("float64", na_value=np.nan)
            for name in SUMMED
            if name in health
        }

    def _inside(self, first: pd.Timestamp, last: pd.Timestamp) -> np.ndarray:
        """Which rows are from month `first` to month `last`, both included (no blank id)."""
        first64, last64 = np.datetime64(first, "ns"), np.datetime64(last, "ns")
        return (self.months >= first64) & (self.months <= last64) & (self.codes >= 0)

    def _counts(self, inside: np.ndarray) -> np.ndarray:
        return np.bincount(self.codes[inside], minlength=len(self.ids))

    def totals(self, first: pd.Timestamp, last: pd.Timestamp) -> pd.DataFrame:
        """Per handoff with any row in the months: each summed figure, indexed by handoff_id
        (rework requests as whole numbers)."""
        inside = self._inside(first, last)
        counts = self._counts(inside)
        seen = counts > 0
        sums: dict[str, Any] = {}
        for name, values in self.columns.items():
            summed = np.bincount(
                self.codes[inside], weights=np.nan_to_num(values[inside]), minlength=len(self.ids)
            )[seen]
            sums[name] = (
                pd.array(np.rint(summed).astype(np.int64), dtype="Int64")
                if name == "rework_requests"
                else summed
            )
        return pd.DataFrame(sums, index=self.ids[seen])

    def month_counts(self, first: pd.Timestamp, last: pd.Timestamp) -> pd.Series:
        """How many rows (months) each handoff has from `first` to `last`; only those with
        any."""
        counts = self._counts(self._inside(first, last))
        seen = counts > 0
        return pd.Series(counts[seen], index=self.ids[seen])

    def grid(self, ids: pd.Index, months: Sequence[pd.Timestamp]) -> pd.DataFrame:
        """Hours lost per handoff of `ids` (rows) and month (columns); NaN without a row."""
        columns = pd.DatetimeIndex(months, name="month").as_unit("ns")
        inside = self._inside(months[0], months[-1])
        row_of = ids.get_indexer(self.ids)[self.codes[inside]]
        col_of = columns.get_indexer(self.months[inside])
        known = (row_of >= 0) & (col_of >= 0)
        hours = np.zeros((len(ids), len(columns)))
        filled = np.zeros((len(ids), len(columns)), dtype=bool)
        np.add.at(hours, (row_of[known], col_of[known]), self.columns["hours"][inside][known])
        filled[row_of[known], col_of[known]] = True
        return pd.DataFrame(
            np.where(filled, hours, np.nan), index=pd.Index(ids, name="handoff_id"), columns=columns
        )


def rework_and_hours(
    ids: list[str], rework: list[Any], hours: list[float]
) -> dict[str, tuple[int, float]]:
    """Rework requests and hours lost summed per handoff id of a few rows (a window of
    months), blanks skipped, in plain Python; the hours with the compensated summation pandas'
    group-by sum uses, so ties between handoffs fall as they always have."""
    sums: dict[str, list[Any]] = {}
    for handoff, requests, lost in zip(ids, rework, hours, strict=True):
        total = sums.setdefault(handoff, [0.0, 0.0, 0])  # hours, compensation, requests
        if not pd.isna(requests):
            total[2] += int(requests)
        if not isnan(lost):
            _add(total, lost)
    return {handoff: (total[2], total[0]) for handoff, total in sums.items()}


def mean_and_size(ids: list[str], hours: list[float]) -> dict[str, tuple[float, int]]:
    """Per handoff id of a few rows: the mean of its hours (blanks skipped; NaN when all are
    blank) and how many rows it has, with pandas' compensated summation, in plain Python."""
    sums: dict[str, list[Any]] = {}
    for handoff, lost in zip(ids, hours, strict=True):
        total = sums.setdefault(handoff, [0.0, 0.0, 0, 0])  # sum, compensation, counted, rows
        total[3] += 1
        if not isnan(lost):
            total[2] += 1
            _add(total, lost)
    return {h: (t[0] / t[2] if t[2] else nan, t[3]) for h, t in sums.items()}


def _add(total: list[Any], value: float) -> None:
    """Kahan summation as pandas' group-by sum and mean do it: total[0] the sum, total[1] the
    compensation."""
    y = value - total[1]
    t = total[0] + y
    total[1] = t - total[0] - y
    if isnan(total[1]):
        total[1] = 0.0
    total[0] = t


_PREPARED: dict[int, tuple[weakref.ref[pd.DataFrame], HealthSums]] = {}


def health_sums(health: pd.DataFrame) -> HealthSums:
    """The prepared rows of this Health frame, made on first use."""
    key = id(health)
    found = _PREPARED.get(key)
    if found is not None and found[0]() is health:
        return found[1]
    prepared = HealthSums(health)
    _PREPARED[key] = (weakref.ref(health, lambda _: _PREPARED.pop(key, None)), prepared)
    return prepared
