"""Dates, date-times and months as people type them (docs/spreadsheet.md#conventions).

A date may be a date cell, a serial number (days since 1899-12-30, as Sheets and Excel count
them), ISO text such as 2026-11-05, or day/month text read day first where that is clear. A
month may also be typed as 2026-11 or Nov 2026; Sheets turns a typed 2026-11 into a date.
"""

from __future__ import annotations

import pandas as pd

from handoffs.checks.cells import Cells, Issue, Parsed, bad_type
from handoffs.model.schema import Field

SERIAL_EPOCH = pd.Timestamp("1899-12-30")  # Sheets and Excel day 0
_MAX_SERIAL = 2958465  # 9999-12-31
# dates are held to the nanosecond, which pandas can do from 1677-09-22 to 2262-04-11 only;
# a date outside these whole years is a typo (0202 for 2026) and is reported as not a date
_EARLIEST, _LATEST = pd.Timestamp("1678-01-01"), pd.Timestamp("2261-12-31 23:59:59")
_ISO = (
    r"\d{4}-\d{1,2}-\d{1,2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
    r"(?:Z|[+-]\d{2}:?\d{2})?"
)
_SLASHED = r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})(?:,?[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?"
_MONTH_TEXT = r"\d{4}-\d{1,2}"
_MONTH_NAMES = ("%b %Y", "%B %Y")


def _bounded(moments: pd.Series) -> pd.Series:
    """Moments at nanosecond precision; those outside the years pandas can hold become NaT."""
    if isinstance(moments.dtype, pd.DatetimeTZDtype):
        moments = moments.dt.tz_convert(None)
    inside = moments.notna() & (moments >= _EARLIEST) & (moments <= _LATEST)
    return moments.where(inside).astype("datetime64[ns]")


def _moments(cells: Cells, spec: Field, within: pd.Series) -> Parsed:
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


def parse_date(cells: Cells, spec: Field) -> Parsed:
    parsed = _moments(cells, spec, cells.filled)
    return Parsed(parsed.values.dt.normalize(), parsed.issues)


def parse_datetime(cells: Cells, spec: Field) -> Parsed:
    return _moments(cells, spec, cells.filled)


def parse_yearmonth(cells: Cells, spec: Field) -> Parsed:
    """A month: text as YYYY-MM or 'Nov 2026', or any date (Sheets turns a typed 2026-11 into
    the 1st of that month), read as its month. A day/month date is read without a warning,
    as only its month counts, unless it is ambiguous."""
    index = cells.raw.index
    text = cells.text[cells.filled & cells.of("text")]
    month_text = text.str.fullmatch(_MONTH_TEXT).astype(bool)
    months = pd.to_datetime(text[month_text] + "-01", errors="coerce")
    for fmt in _MONTH_NAMES:
        months = months.combine_first(pd.to_datetime(text, format=fmt, errors="coerce"))
    months = _bounded(months).reindex(index)
    as_month = _everywhere(month_text, index) | months.notna()
    moments = _moments(cells, spec, cells.filled & ~as_month)
    read = months.fillna(moments.values).to_numpy()
    first_of_month = read.astype("datetime64[M]").astype("datetime64[ns]")
    values = pd.Series(first_of_month, index=index)
    ambiguous = [issue for issue in moments.issues[1:] if issue.severity == "error"]
    refused = pd.Series(False, index=index)
    for issue in ambiguous:
        refused |= issue.mask
    unread = cells.filled & values.isna() & ~refused
    return Parsed(values, [bad_type(unread, spec), *ambiguous])
