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
from math import isnan
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
        total = sums.setdefault(handoff, [0, 0.0, 0.0])  # requests, hours, compensation
        if not pd.isna(requests):
            total[0] += int(requests)
        if not isnan(lost):
            y = lost - total[2]
            t = total[1] + y
            total[2] = t - total[1] - y
            if isnan(total[2]):
                total[2] = 0.0
            total[1] = t
    return {handoff: (total[0], total[1]) for handoff, total in sums.items()}


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
