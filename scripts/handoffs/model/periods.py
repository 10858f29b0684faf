"""Months, quarters and the windows the figures look at (docs/figures.md). A period is a run
of whole months; one typed on the command line is read by `command_dates`, one set of rules for
every command (docs/commands.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from handoffs.model.command_dates import parse_period
from handoffs.model.dataset import Dataset
from handoffs.model.errors import UsageError

LOOKBACK_MONTHS = 3  # "the last three months" of compression, team share and maturity
TREND_MONTHS = 6  # the trend sparkline and the Summary chart


def _month_start(index: int) -> pd.Timestamp:
    """The first day of month number `index` (year × 12 + month − 1)."""
    return pd.Timestamp(index // 12, index % 12 + 1, 1)


def _index(day: pd.Timestamp | dt.date) -> int:
    return day.year * 12 + day.month - 1


@dataclass(frozen=True)
class Period:
    """A month or a quarter, as a run of whole months."""

    start: pd.Timestamp
    months: int = 1

    @classmethod
    def parse(cls, text: str) -> Period:
        """A month typed as YYYY-MM or a quarter as YYYY-Qn (no check against today: see
        `requested`)."""
        year, first, months = parse_period(text)
        return cls(_month_start(year * 12 + first - 1), months)

    @classmethod
    def month_of(cls, day: pd.Timestamp | dt.date) -> Period:
        return cls(_month_start(_index(day)))

    @classmethod
    def quarter_of(cls, day: pd.Timestamp | dt.date) -> Period:
        return cls(_month_start(_index(day) - (day.month - 1) % 3), 3)

    @property
    def label(self) -> str:
        if self.months == 3:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start:%Y-%m}"

    @property
    def month_starts(self) -> list[pd.Timestamp]:
        return [_month_start(_index(self.start) + i) for i in range(self.months)]

    @property
    def last_month(self) -> pd.Timestamp:
        return self.month_starts[-1]

    @property
    def end(self) -> pd.Timestamp:
        """The first day after the period."""
        return _month_start(_index(self.start) + self.months)

    def previous(self) -> Period:
        return Period(_month_start(_index(self.start) - self.months), self.months)

    def next(self) -> Period:
        return Period(self.end, self.months)

    def months_so_far(self, today: dt.date) -> int:
        """How many of its months have started by `today` (0 … months)."""
        return max(0, min(self.months, _index(today) - _index(self.start) + 1))

    def last_month_by(self, today: dt.date) -> pd.Timestamp:
        """Its last month, or today's month while the period is still running: windows that
        end with the period never reach into months that have not started."""
        return min(self.last_month, _month_start(_index(today)))

    def __str__(self) -> str:
        return self.label


def requested(text: str, today: dt.date, *, option: str, months: int) -> Period:
    """The period a command-line option asks for (`--month` takes a month, `--quarter` a
    quarter): a valid period that has started by today. Every command checks with this."""
    period = Period.parse(text)
    if period.months != months:
        example = "YYYY-Qn, e.g. 2026-Q3" if months == 3 else "YYYY-MM, e.g. 2026-10"
        raise UsageError(f"{option} takes a {_KIND[months]} as {example}; got '{text}'.")
    if period.start > _month_start(_index(today)):
        latest = Period.quarter_of(today) if months == 3 else Period.month_of(today)
        raise UsageError(
            f"{period} has not started yet (today is {today.isoformat()}); "
            f"pick a period up to {latest}."
        )
    return period


_KIND = {1: "month", 3: "quarter"}


def months_ending(last: pd.Timestamp, count: int) -> list[pd.Timestamp]:
    """`count` month starts, oldest first, ending with `last`."""
    return [_month_start(_index(last) - n) for n in range(count - 1, -1, -1)]


def recent_months(today: dt.date) -> list[pd.Timestamp]:
    """ "The last three months" of monthly Health data: the three whole months before
    today's month."""
    return months_ending(_month_start(_index(today) - 1), LOOKBACK_MONTHS)


def months_between(health: pd.DataFrame, first: pd.Timestamp, last: pd.Timestamp) -> pd.DataFrame:
    """Health rows from month `first` to month `last`, both included, in sheet order."""
    month = health["month"]
    if month.is_monotonic_increasing:  # a sheet kept in month order: a slice, not a scan
        start, stop = month.searchsorted(first, "left"), month.searchsorted(last, "right")
        return health.iloc[start:stop]
    return health[(month >= first) & (month <= last)]


def default_period(ds: Dataset) -> Period | None:
    """The latest month with Health data that is not after today."""
    months = ds["health"]["month"]
    months = months[months < Period.month_of(ds.today).end]
    return Period.month_of(months.max()) if not months.empty else None


def default_quarter(ds: Dataset) -> Period:
    """The latest quarter that has ended and has Health data; else the current quarter."""
    current = Period.quarter_of(ds.today)
    months = ds["health"]["month"]
    ended = months[months < current.start]
    return Period.quarter_of(ended.max()) if not ended.empty else current
