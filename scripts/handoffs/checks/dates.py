"""Dates, date-times and months as people type them (docs/spreadsheet.md#conventions).

A date may be a date cell, a serial number (days since 1899-12-30, as Sheets and Excel count
them), ISO text such as 2026-11-05, or day/month text read day first where that is clear. A
month may also be typed as 2026-11 or Nov 2026; Sheets turns a typed 2026-11 into a date.

The forms nearly every sheet holds are read here in plain passes: date cells, serial numbers,
`YYYY-MM-DD` (with `HH:MM` or `HH:MM:SS`) and `YYYY-MM`, each distinct text once. Every other
cell goes to `checks.date_text`, which reads the rest (and says what is wrong) with pandas.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd

from handoffs.checks.cells import Cells, Parsed, bad_type
from handoffs.checks.date_text import EARLIEST, LATEST, SERIAL_EPOCH, month_names, read_rest
from handoffs.model.schema import Field

__all__ = ["SERIAL_EPOCH", "parse_date", "parse_datetime", "parse_yearmonth"]

_NAT = np.datetime64("NaT", "ns")
_FIRST_YEAR, _LAST_YEAR = EARLIEST.year, LATEST.year
# serial numbers up to the last day pandas can hold; larger ones go to `date_text`
_LAST_SERIAL = (LATEST - SERIAL_EPOCH) / pd.Timedelta(days=1)
_ISO_DATE = re.compile(r"(\d{4})-(\d\d)-(\d\d)(?:[ T](\d\d):(\d\d)(?::(\d\d))?)?")
_MONTH = re.compile(r"(\d{4})-(\d{1,2})")


def _iso(text: str) -> dt.datetime | None:
    """`YYYY-MM-DD`, optionally with `HH:MM[:SS]`, within the years pandas holds; None for
    any other text."""
    found = _ISO_DATE.fullmatch(text)
    if found is None or not _FIRST_YEAR <= int(found[1]) <= _LAST_YEAR:
        return None
    year, month, day, hour, minute, second = found.groups("0")
    try:
        return dt.datetime(int(year), int(month), int(day), int(hour), int(minute), int(second))
    except ValueError:
        return None  # 2026-02-31: `date_text` says what is wrong


def _table(moments: list[dt.datetime | np.datetime64 | None]) -> tuple[np.ndarray, np.ndarray]:
    """What each distinct text read as: whether it read as a moment (NaT included: a month
    that is no month), and the moment (NaT for None), to index with each cell's code."""
    found = np.fromiter((m is not None for m in moments), dtype=bool, count=len(moments))
    return found, np.array([_NAT if m is None else m for m in moments], dtype="datetime64[ns]")


def _natives(cells: Cells, at: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Date cells without a time zone, within the years pandas holds: which, and their
    moments."""
    objects = cells.raw[at]
    easy = np.fromiter(
        (
            isinstance(v, dt.date)
            and _FIRST_YEAR <= v.year <= _LAST_YEAR
            and getattr(v, "tzinfo", None) is None
            for v in objects
        ),
        dtype=bool,
        count=len(objects),
    )
    return easy, np.array(list(objects[easy]), dtype="datetime64[ns]")


def _moments(cells: Cells, spec: Field, within: np.ndarray) -> Parsed:
    """Dates or date-times from the cells `within`: date cells, serial numbers and ISO text
    here; every other form, and what is wrong with it, from `date_text.read_rest`."""
    n = len(cells.raw)
    values = np.full(n, _NAT)
    rest = within & cells.of("boolean")  # a parser reads only filled cells: booleans are no date
    native = within & cells.of("date")
    if native.any():
        at = np.flatnonzero(native)
        easy, moments = _natives(cells, at)
        values[at[easy]] = moments
        rest[at[~easy]] = True
    serial = within & cells.of("number")
    if serial.any():
        at = np.flatnonzero(serial)
        days = cells.number[at]
        easy = (days >= 1) & (days <= _LAST_SERIAL)
        offsets = pd.to_timedelta(days[easy], unit="D").to_numpy()
        values[at[easy]] = SERIAL_EPOCH.to_datetime64() + offsets
        rest[at[~easy]] = True
    text = within & cells.of("text")
    if text.any():
        at = np.flatnonzero(text)
        codes, distinct = pd.factorize(cells.text[at])
        read, moments = _table([_iso(t) for t in distinct])
        easy = read[codes]
        values[at[easy]] = moments[codes[easy]]
        rest[at[~easy]] = True
    if not rest.any():
        return Parsed(values, [bad_type(rest, spec)])
    other = read_rest(cells, spec, rest)
    values[rest] = other.values[rest]
    return Parsed(values, other.issues)


def _day(values: np.ndarray) -> np.ndarray:
    return values.astype("datetime64[D]").astype("datetime64[ns]")


def parse_date(cells: Cells, spec: Field) -> Parsed:
    parsed = _moments(cells, spec, cells.filled)
    return Parsed(_day(parsed.values), parsed.issues)


def parse_datetime(cells: Cells, spec: Field) -> Parsed:
    return _moments(cells, spec, cells.filled)


def _month(text: str) -> np.datetime64 | None:
    """The month of `YYYY-MM` text; NaT when it is no month (2026-13, year 0202); None for
    other text."""
    found = _MONTH.fullmatch(text)
    if found is None:
        return None
    year, month = int(found[1]), int(found[2])
    if not (_FIRST_YEAR <= year <= _LAST_YEAR and 1 <= month <= 12):
        return _NAT
    return np.datetime64(dt.datetime(year, month, 1), "ns")


def parse_yearmonth(cells: Cells, spec: Field) -> Parsed:
    """A month: text as YYYY-MM or 'Nov 2026', or any date (Sheets turns a typed 2026-11 into
    the 1st of that month), read as its month. A day/month date is read without a warning,
    as only its month counts, unless it is ambiguous."""
    n = len(cells.raw)
    months = np.full(n, _NAT)
    as_month = np.zeros(n, dtype=bool)
    text = cells.filled & cells.of("text")
    if text.any():
        at = np.flatnonzero(text)
        codes, distinct = pd.factorize(cells.text[at])
        read = {t: _month(t) for t in distinct}
        others = [t for t, month in read.items() if month is None]
        if others:
            read |= month_names(others)
        found, read_months = _table([read[t] for t in distinct])
        as_month[at[found[codes]]] = True
        months[at] = read_months[codes]
    moments = _moments(cells, spec, cells.filled & ~as_month)
    read_months = np.where(np.isnat(months), moments.values, months)
    values = read_months.astype("datetime64[M]").astype("datetime64[ns]")
    ambiguous = [issue for issue in moments.issues[1:] if issue.severity == "error"]
    refused = np.zeros(n, dtype=bool)
    for issue in ambiguous:
        refused |= issue.mask
    unread = cells.filled & np.isnat(values) & ~refused
    return Parsed(values, [bad_type(unread, spec), *ambiguous])
