"""A team's Health rows prepared once for every figure that sums them: each row's handoff as a
code, its month, and the figures summed (hours lost, rework, format minutes, delays) as float
arrays. Each run of months is then summed once, per handoff, in a few array passes
(`np.bincount`), not a pandas group-by per figure: the rankings, the period before, the review
loop and role compression all read the same prepared rows and the same sums.

The preparation is kept with the Health frame it was made from (looked up by identity, dropped
with the frame), so each team's Health is prepared once however many figures read it."""

from __future__ import annotations

import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from math import isnan, nan
from typing import Any

import numpy as np
import pandas as pd

SUMMED = ("hours", "rework_requests", "format_minutes", "delay_days")


@dataclass(frozen=True)
class MonthSums:
    """Per handoff id of Health, over a run of months: how many rows it has there (`rows`) and
    each summed figure (`sums`, rework requests as whole numbers), both indexed by `codes`."""

    codes: Mapping[Any, int]  # handoff id -> its place in the arrays
    rows: np.ndarray
    sums: Mapping[str, np.ndarray]

    def place(self, handoff: Any) -> int | None:
        """Where `handoff`'s sums are, None when it has no row in the months."""
        code = self.codes.get(handoff)
        return code if code is not None and self.rows[code] > 0 else None

    def seen(self) -> list[tuple[Any, int]]:
        """(handoff id, place) of each handoff with a row in the months, in id order."""
        return [(h, code) for h, code in self.codes.items() if self.rows[code] > 0]

    def column(self, name: str, handoffs: Sequence[Any]) -> np.ndarray:
        """`name` summed for each of `handoffs`, NaN for one without a row in the months (as a
        pandas reindex gives it: the sums' own dtype when every one has a row)."""
        places = [self.place(h) for h in handoffs]
        values = self.sums[name]
        if all(p is not None for p in places):
            return values[np.array(places, dtype=np.intp)]
        out = np.full(len(handoffs), np.nan)
        for i, p in enumerate(places):
            if p is not None:
                out[i] = values[p]
        return out


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
        self._code_of = dict(zip(self.ids.tolist(), range(len(self.ids)), strict=True))
        self._sums: dict[tuple[pd.Timestamp, pd.Timestamp], MonthSums] = {}

    def _inside(self, first: pd.Timestamp, last: pd.Timestamp) -> np.ndarray:
        """Which rows are from month `first` to month `last`, both included (no blank id)."""
        first64, last64 = np.datetime64(first, "ns"), np.datetime64(last, "ns")
        return (self.months >= first64) & (self.months <= last64) & (self.codes >= 0)

    def between(self, first: pd.Timestamp, last: pd.Timestamp) -> MonthSums:
        """The sums from month `first` to month `last`, both included: summed once, then kept."""
        key = (first, last)
        if key not in self._sums:
            inside = self._inside(first, last)
            codes = self.codes[inside]
            sums: dict[str, np.ndarray] = {}
            for name, values in self.columns.items():
                # bincount of no rows is int64: kept, as the frames built from it always had it
                summed = np.bincount(
                    codes, weights=np.nan_to_num(values[inside]), minlength=len(self.ids)
                )
                sums[name] = (
                    np.rint(summed).astype(np.int64) if name == "rework_requests" else summed
                )
            rows = np.bincount(codes, minlength=len(self.ids))
            self._sums[key] = MonthSums(self._code_of, rows, sums)
        return self._sums[key]

    def grid(self, ids: pd.Index, months: Sequence[pd.Timestamp]) -> pd.DataFrame:
        """Hours lost per handoff of `ids` (rows) and month (columns); NaN without a row."""
        return pd.DataFrame(
            self.hours_grid(ids.get_indexer(self.ids), len(ids), months),
            index=pd.Index(ids, name="handoff_id"),
            columns=pd.DatetimeIndex(months, name="month").as_unit("ns"),
        )

    def hours_grid(
        self, row_of_code: np.ndarray, height: int, months: Sequence[pd.Timestamp]
    ) -> np.ndarray:
        """Hours lost per grid row (`height` of them) and month of `months` (oldest first),
        NaN without a Health row: `row_of_code[c]` is the grid row of the handoff with code `c`
        (-1 for none)."""
        inside = self._inside(months[0], months[-1])
        row_of = row_of_code[self.codes[inside]]
        col_of = _places(np.array([np.datetime64(m, "ns") for m in months]), self.months[inside])
        known = (row_of >= 0) & (col_of >= 0)
        hours = np.zeros((height, len(months)))
        filled = np.zeros((height, len(months)), dtype=bool)
        np.add.at(hours, (row_of[known], col_of[known]), self.columns["hours"][inside][known])
        filled[row_of[known], col_of[known]] = True
        return np.where(filled, hours, np.nan)


def _places(wanted: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Where each of `values` is in `wanted` (distinct), -1 where it is not there (as
    `Index.get_indexer` says, without building an index)."""
    order = np.argsort(wanted, kind="stable")
    ranked = wanted[order]
    at = np.searchsorted(ranked, values).clip(max=len(ranked) - 1)
    return np.where(ranked[at] == values, order[at], -1)


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
