"""Months, quarters and the windows the figures look at (docs/figures.md), and the rules for
dates typed on the command line (docs/commands.md): one set of rules for every command.

A period is a run of whole months. pandas is imported only when a period is built, so that
parsing `--today` keeps light commands such as `flag` free of it.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from handoffs.model.errors import UsageError

if TYPE_CHECKING:
    import pandas as pd

    from handoffs.model.dataset import Dataset

LOOKBACK_MONTHS = 3  # "the last three months" of compression, team share and maturity
TREND_MONTHS = 6  # the trend sparkline and the Summary chart
# Dates a run accepts: every window (six months back, the quarter after next) stays inside
# the range pandas timestamps can hold (1677-09-22 … 2262-04-11).
FIRST_DAY = dt.date(1900, 1, 1)
LAST_DAY = dt.date(2199, 12, 31)
_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
_QUARTER = re.compile(r"(\d{4})-[Qq]([1-4])")


def _month_start(index: int) -> pd.Timestamp:
    """The first day of month number `index` (year × 12 + month − 1)."""
    import pandas as pd

    return pd.Timestamp(index // 12, index % 12 + 1, 1)


def _index(day: pd.Timestamp | dt.date) -> int:
    return day.year * 12 + day.month - 1


def _supported(what: str, text: str) -> UsageError:
    return UsageError(
        f"{what} {text} is outside the supported dates ({FIRST_DAY.isoformat()} … "
        f"{LAST_DAY.isoformat()})."
    )


def parse_day(text: str, what: str = "--today") -> dt.date:
    """A date typed as YYYY-MM-DD, checked against the calendar and the supported range."""
    found = _DAY.fullmatch(text.strip())
    if not found:
        raise UsageError(f"{what} '{text}' is not a date; type it as YYYY-MM-DD, e.g. 2026-11-25.")
    year, month, day = (int(part) for part in found.groups())
    if not 1 <= month <= 12:
        raise UsageError(f"{text} is not a date: a month is 01 to 12.")
    days = calendar.monthrange(year, month)[1] if year else 31
    if not 1 <= day <= days:
        name = f"{calendar.month_name[month]} {year}"
        raise UsageError(f"{text} is not a date: {name} has {days} days.")
    if not FIRST_DAY.year <= year <= LAST_DAY.year:
        raise _supported(what, text)
    return dt.date(year, month, day)


@dataclass(frozen=True)
class Period:
    """A month or a quarter, as a run of whole months."""

    start: pd.Timestamp
    months: int = 1

    @classmethod
    def parse(cls, text: str) -> Period:
        """A month typed as YYYY-MM or a quarter as YYYY-Qn (no check against today: see
        `requested`)."""
        quarter = _QUARTER.fullmatch(text.strip())
        month = _MONTH.fullmatch(text.strip())
        if quarter:
            year, first = int(quarter[1]), 3 * int(quarter[2]) - 2
        elif month and 1 <= int(month[2]) <= 12:
            year, first = int(month[1]), int(month[2])
        else:
            raise UsageError(
                f"'{text}' is not a period; type a month as YYYY-MM or a quarter as YYYY-Qn."
            )
        if not FIRST_DAY.year <= year <= LAST_DAY.year:
            raise UsageError(
                f"{text} is outside the supported periods ({FIRST_DAY:%Y-%m} … {LAST_DAY:%Y-%m})."
            )
        return cls(_month_start(year * 12 + first - 1), 3 if quarter else 1)

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
