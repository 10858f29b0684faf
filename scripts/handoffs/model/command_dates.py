"""Dates and periods typed on the command line (docs/commands.md): a day as YYYY-MM-DD, a month
as YYYY-MM, a quarter as YYYY-Qn, checked against the calendar and the supported range.

Without pandas, so that parsing `--today` keeps light commands such as `flag` free of it;
`periods` builds months and quarters from what these return.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from handoffs.model.errors import UsageError

# Dates a run accepts: every window (six months back, the quarter after next) stays inside
# the range pandas timestamps can hold (1677-09-22 … 2262-04-11).
FIRST_DAY = dt.date(1900, 1, 1)
LAST_DAY = dt.date(2199, 12, 31)
_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
_QUARTER = re.compile(r"(\d{4})-[Qq]([1-4])")


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
        raise UsageError(
            f"{what} {text} is outside the supported dates ({FIRST_DAY.isoformat()} … "
            f"{LAST_DAY.isoformat()})."
        )
    return dt.date(year, month, day)


def parse_period(text: str) -> tuple[int, int, int]:
    """A month typed as YYYY-MM or a quarter as YYYY-Qn: (year, its first month, how many
    months). Checked against the supported range, not against today."""
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
    return year, first, 3 if quarter else 1
