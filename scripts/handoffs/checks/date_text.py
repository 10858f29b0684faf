"""The date forms `checks.dates` does not read on its own, read with pandas: day/month text
(`25/11/2026`, refused when it reads either way round), ISO text with a time zone or a single
digit, date cells with a time zone, serial numbers past the years pandas holds, Unix seconds in
a date and time, and months typed as `Nov 2026`. Only the cells in these forms come here, so a
sheet typed the usual way never pays for it."""

from __future__ import annotations

from collections.abc import Iterable
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd

from handoffs.checks.cells import Cells, Issue, Parsed, bad_type
from handoffs.model.schema import Field

SERIAL_EPOCH = pd.Timestamp("1899-12-30")  # Sheets and Excel day 0
MAX_SERIAL = 2958465  # 9999-12-31
# dates are held to the nanosecond, which pandas can do from 1677-09-22 to 2262-04-11 only;
# a date outside these whole years is a typo (0202 for 2026) and is reported as not a date
EARLIEST, LATEST = pd.Timestamp("1678-01-01"), pd.Timestamp("2261-12-31 23:59:59")
_ISO = (
    r"\d{4}-\d{1,2}-\d{1,2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
    r"(?:Z|[+-]\d{2}:?\d{2})?"
)
_SLASHED = r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})(?:,?[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?"
_MONTH_NAMES = ("%b %Y", "%B %Y")
_MAX_SERIAL = MAX_SERIAL
_EARLIEST, _LATEST = EARLIEST, LATEST


def read_rest(cells: Cells, spec: Field, within: np.ndarray) -> Parsed:
    """The cells `within` read as dates or date-times (see `_moments`), with their issues, as
    numpy arrays over the whole column like every parser's."""
    index = pd.RangeIndex(len(cells.raw))
    series = SimpleNamespace(
        raw=pd.Series(cells.raw, index=index, dtype=object),
        text=pd.Series(cells.text, index=index, dtype=object),
        number=pd.Series(cells.number, index=index),
        of=lambda kind: pd.Series(cells.of(kind), index=index),
    )
    parsed: Any = _moments(series, spec, pd.Series(within, index=index))  # Series throughout
    issues = [
        Issue(
            np.asarray(issue.mask.reindex(index, fill_value=False), dtype=bool),
            issue.severity,
            issue.message
            if isinstance(issue.message, str)
            else issue.message.reindex(index).to_numpy(dtype=object),
        )
        for issue in parsed.issues
    ]
    return Parsed(parsed.values.to_numpy(dtype="datetime64[ns]"), issues)


def month_names(texts: Iterable[str]) -> dict[str, np.datetime64]:
    """Months typed as `Nov 2026` or `November 2026`, by the text typed."""
    typed = pd.Series(list(texts), dtype=object)
    months = pd.Series(pd.NaT, index=typed.index, dtype="datetime64[ns]")
    for fmt in _MONTH_NAMES:
        months = months.combine_first(pd.to_datetime(typed, format=fmt, errors="coerce"))
    months = _bounded(months)
    return {
        text: month.to_datetime64()
        for text, month in zip(typed, months, strict=True)
        if not pd.isna(month)
    }


def _bounded(moments: pd.Series) -> pd.Series:
    """Moments at nanosecond precision; those outside the years pandas can hold become NaT."""
    if isinstance(moments.dtype, pd.DatetimeTZDtype):
        moments = moments.dt.tz_convert(None)
    inside = moments.notna() & (moments >= _EARLIEST) & (moments <= _LATEST)
    return moments.where(inside).astype("datetime64[ns]")


def _moments(cells: Any, spec: Field, within: pd.Series) -> Parsed:
    """Dates or date-times from the cells `within`: date cells, serial numbers (and, for a
    date and time, Unix seconds), ISO text, and day/month text read day first where it is
    clear. For a date, '03/04/2026' is refused as ambiguous; for a date and time (a form's
    timestamp) it is read day first with a warning."""
    index = cells.raw.index
    values = pd.Series(pd.NaT, index=index, dtype="datetime64[ns]")
    issues: list[Issue] = []
    native = within & cells.of("date")
    if native.any():
        values[native] = _bounded(pd.to_datetime(cells.raw[native].map(pd.Timestamp)))
    serial = cells.number.where(within & cells.of("number"))
    in_range = serial.between(1, _MAX_SERIAL)
    if in_range.any():
        values[in_range] = _bounded(SERIAL_EPOCH + pd.to_timedelta(serial[in_range], unit="D"))
    if spec.type == "datetime":
        unix = serial.between(1e9, (_LATEST - pd.Timestamp(0)).total_seconds())
        values[unix] = pd.to_datetime(serial[unix], unit="s")
    text = cells.text[within & cells.of("text")]
    iso = text.str.fullmatch(_ISO).astype(bool)
    if iso.any():
        parsed = pd.to_datetime(text[iso], errors="coerce", format="ISO8601", utc=True)
        values[parsed.index] = _bounded(parsed)
    refused = pd.Series(False, index=index)  # ambiguous dates, reported on their own
    parts = text[~iso].str.extract(_SLASHED).astype("float64").dropna(subset=[0])
    if not parts.empty:
        refused = _day_month_text(parts, values, spec, issues)
    unread = within & values.isna() & ~refused
    return Parsed(values, [bad_type(unread, spec), *issues])


def _day_month_text(
    parts: pd.DataFrame, values: pd.Series, spec: Field, issues: list[Issue]
) -> pd.Series:
    """Read dd/mm/yyyy text into `values`: day first when the first number is over 12 (or
    both are equal), month first when only the second is. Returns the cells refused."""
    index = values.index
    first, second = parts[0], parts[1]
    ambiguous = (first <= 12) & (second <= 12) & (first != second)
    day_first = (first > 12) | ambiguous | (first == second)
    month_first = ~day_first & (second > 12)
    stamp = pd.DataFrame(
        {
            "year": parts[2],
            "month": second.where(day_first, first),
            "day": first.where(day_first, second),
            "hour": parts[3].fillna(0),
            "minute": parts[4].fillna(0),
            "second": parts[5].fillna(0),
        }
    )[day_first | month_first]
    values[stamp.index] = _bounded(pd.to_datetime(stamp, errors="coerce"))
    ambiguous &= values[parts.index].notna()  # 31/02/2026 or year 0202: not a date at all
    readable = values[parts.index].dt.strftime("%Y-%m-%d")
    refused = pd.Series(False, index=index)
    if spec.type == "datetime":
        message = "Day and month could be either way round; read day first as " + readable
        issues.append(
            Issue(
                _everywhere(ambiguous, index),
                "warning",
                message + f"; to be sure, type {spec.type_hint}.",
            )
        )
    else:
        refused = _everywhere(ambiguous, index)
        swapped = pd.to_datetime(
            stamp.rename(columns={"month": "day", "day": "month"})[["year", "month", "day"]],
            errors="coerce",
        ).dt.strftime("%Y-%m-%d")
        message = (
            "Ambiguous date: it could be "
            + swapped
            + " or "
            + readable
            + f"; type {spec.type_hint}."
        )
        issues.append(Issue(refused, "error", message))
        values[refused] = pd.NaT
    clear = (day_first | month_first) & ~ambiguous & values[parts.index].notna()
    message = "Read as " + readable + f"; to be sure, type {spec.type_hint}."
    issues.append(Issue(_everywhere(clear, index), "warning", message))
    return refused


def _everywhere(mask: pd.Series, index: pd.Index) -> pd.Series:
    """A mask over some cells, widened to the whole column (False elsewhere)."""
    return mask.reindex(index, fill_value=False).astype(bool)
