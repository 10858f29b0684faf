"""Vectorised cell parsing: one column of raw cells -> typed values plus per-cell issues.

Cells arrive as the backends read them: None, str, int, float, bool, date/datetime,
spreadsheet error text ('#REF!') or FormulaWithoutValue. Every parser works on whole
columns with pandas; nothing here loops over rows in Python.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from handoffs.schema import Field
from handoffs.sheet import FormulaWithoutValue

SERIAL_EPOCH = pd.Timestamp("1899-12-30")  # Sheets and Excel day 0
_MAX_SERIAL = 2958465  # 9999-12-31
ERROR_CELL = r"#(?:REF!|N/A|VALUE!|DIV/0!|NAME\?|NUM!|NULL!|ERROR!|SPILL!|CALC!)"
_ISO = (
    r"\d{4}-\d{1,2}-\d{1,2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
    r"(?:Z|[+-]\d{2}:?\d{2})?"
)
_SLASHED = r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})(?:,?[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?"
_MONTH_TEXT = r"(\d{4})-(\d{1,2})"
_MONTH_NAMES = ("%b %Y", "%B %Y")
_MAX_SUGGESTED = 500
_DATE_TYPES = (dt.date, dt.datetime, pd.Timestamp)


@dataclass
class Issue:
    """Cells of one column that break one rule, with the message for each."""

    mask: pd.Series
    severity: str
    message: str | pd.Series


@dataclass
class Cells:
    """One raw column, classified once so every rule can reuse the masks."""

    raw: pd.Series
    text: pd.Series  # stripped text where the cell holds a str, else NaN
    is_str: pd.Series
    is_num: pd.Series
    is_bool: pd.Series
    is_date: pd.Series
    blank: pd.Series
    error_cell: pd.Series
    no_value: pd.Series

    @property
    def filled(self) -> pd.Series:
        """Cells that hold something a parser should look at."""
        return ~(self.blank | self.error_cell | self.no_value)


@dataclass
class Parsed:
    values: pd.Series
    issues: list[Issue] = field(default_factory=list)


def inspect(raw: pd.Series) -> Cells:
    kind = raw.map(type)
    is_str = kind.isin([str, FormulaWithoutValue])
    text = raw.where(is_str).str.strip()
    is_num = kind.isin([int, float, np.int64, np.float64])
    number = pd.to_numeric(raw.where(is_num), errors="coerce")
    blank = raw.isna() | (is_str & text.eq("")) | (is_num & number.isna())
    return Cells(
        raw=raw,
        text=text,
        is_str=is_str & ~blank,
        is_num=is_num & ~blank,
        is_bool=kind.eq(bool),
        is_date=kind.isin(_DATE_TYPES),
        blank=blank,
        error_cell=is_str & text.str.fullmatch(ERROR_CELL).fillna(False).astype(bool),
        no_value=kind.eq(FormulaWithoutValue),
    )


def parse(cells: Cells, spec: Field) -> Parsed:
    """Typed values for the filled cells of `spec`'s column, and what was wrong."""
    return _PARSERS[spec.type](cells, spec)


def _bad_type(mask: pd.Series, spec: Field, what: str) -> Issue:
    return Issue(mask, "error", f"Not {what}; type {spec.type_hint}.")


def _numbers(cells: Cells) -> pd.Series:
    values = pd.Series(np.nan, index=cells.raw.index, dtype="float64")
    values[cells.is_num] = pd.to_numeric(cells.raw[cells.is_num], errors="coerce")
    from_text = cells.is_str & ~cells.error_cell
    values[from_text] = pd.to_numeric(cells.text[from_text], errors="coerce")
    return values.where(np.isfinite(values))


def _with_minimum(values: pd.Series, ok: pd.Series, spec: Field, issues: list[Issue]) -> None:
    if spec.minimum is not None:
        low = ok & (values < spec.minimum)
        minimum = f"{spec.minimum:g}"
        issues.append(Issue(low, "error", f"Must be {minimum} or more; type {spec.type_hint}."))


def parse_integer(cells: Cells, spec: Field) -> Parsed:
    values = _numbers(cells)
    whole = values.notna() & (values % 1 == 0)
    issues = [_bad_type(cells.filled & ~whole, spec, "a whole number")]
    _with_minimum(values, cells.filled & whole, spec, issues)
    return Parsed(values.where(whole).astype("Int64"), issues)


def parse_number(cells: Cells, spec: Field) -> Parsed:
    values = _numbers(cells)
    issues = [_bad_type(cells.filled & values.isna(), spec, "a number")]
    _with_minimum(values, cells.filled & values.notna(), spec, issues)
    return Parsed(values, issues)


def parse_boolean(cells: Cells, spec: Field) -> Parsed:
    truthy = {v.casefold() for v in spec.true_values} | {"true"}
    falsy = {v.casefold() for v in spec.false_values} | {"false"}
    folded = cells.text.str.casefold()
    values = pd.Series(pd.NA, index=cells.raw.index, dtype="boolean")
    values[cells.is_bool] = cells.raw[cells.is_bool].astype(bool)
    numbers = pd.to_numeric(cells.raw.where(cells.is_num), errors="coerce")
    values[numbers.eq(1)] = True
    values[numbers.eq(0)] = False
    values[folded.isin(truthy)] = True
    values[folded.isin(falsy)] = False
    return Parsed(values, [_bad_type(cells.filled & values.isna(), spec, "TRUE or FALSE")])


def parse_string(cells: Cells, spec: Field) -> Parsed:
    values = cells.text.where(cells.is_str)
    numbers = pd.to_numeric(cells.raw.where(cells.is_num), errors="coerce")
    whole = numbers.notna() & (numbers % 1 == 0)
    values[whole] = numbers[whole].astype("int64").astype(str)
    fractional = numbers.notna() & ~whole
    values[fractional] = numbers[fractional].astype(str)
    values[cells.is_bool] = cells.raw[cells.is_bool].map({True: "TRUE", False: "FALSE"})
    if cells.is_date.any():
        values[cells.is_date] = pd.to_datetime(cells.raw[cells.is_date]).dt.strftime("%Y-%m-%d")
    issues: list[Issue] = []
    if spec.pattern:
        fits = values.str.fullmatch(spec.pattern).fillna(False).astype(bool)
        issues.append(
            Issue(
                cells.filled & ~fits,
                "error",
                f"Not a valid {spec.title}; type {spec.type_hint}.",
            )
        )
    if spec.enum:
        canonical = {value.casefold(): value for value in spec.enum}
        matched = values.str.casefold().map(canonical)
        unknown = cells.filled & matched.isna()
        issues.append(Issue(unknown, "error", _enum_message(values, unknown, spec)))
        values = matched
    return Parsed(values.astype("object"), issues)


def _enum_message(values: pd.Series, unknown: pd.Series, spec: Field) -> pd.Series:
    base = f"Not a known {spec.title}; type one of: {', '.join(spec.enum)}"
    return base + suggestions(values[unknown], spec.enum) + "."


def suggestions(values: pd.Series, choices: Sequence[str]) -> pd.Series:
    """' (did you mean X?)' for each value with a close match among `choices`, else ''."""
    folded = {choice.casefold(): choice for choice in choices}
    unique = values.dropna().astype(str).unique()[:_MAX_SUGGESTED]
    close = {}
    for value in unique:  # one look-up per distinct bad value, not per row
        match = difflib.get_close_matches(value.casefold(), list(folded), n=1, cutoff=0.6)
        close[value] = f" (did you mean {folded[match[0]]}?)" if match else ""
    return values.astype(str).map(close).fillna("")


def _moments(cells: Cells, spec: Field, day_first_ambiguous: bool) -> Parsed:
    """Dates or date-times from date cells, serial numbers and text; shared by the date types."""
    index = cells.raw.index
    values = pd.Series(pd.NaT, index=index, dtype="datetime64[ns]")
    issues: list[Issue] = []
    native = cells.is_date & cells.filled
    if native.any():
        values[native] = pd.to_datetime(cells.raw[native].map(pd.Timestamp))
    serial = pd.to_numeric(cells.raw.where(cells.is_num), errors="coerce")
    epoch_seconds = spec.type == "datetime"
    in_range = serial.between(1, _MAX_SERIAL)
    values[in_range] = SERIAL_EPOCH + pd.to_timedelta(serial[in_range], unit="D")
    if epoch_seconds:
        unix = serial.between(1e9, 1e11)
        values[unix] = pd.to_datetime(serial[unix], unit="s")
    text = cells.text.where(cells.is_str & ~cells.error_cell)
    iso = text.str.fullmatch(_ISO).fillna(False).astype(bool)
    if iso.any():
        parsed = pd.to_datetime(text[iso], errors="coerce", format="ISO8601", utc=True)
        values[iso] = parsed.dt.tz_convert(None)
    parts = text.str.extract(_SLASHED).astype("float64")
    slashed = parts[0].notna()
    if slashed.any():
        first, second = parts[0], parts[1]
        ambiguous = slashed & (first <= 12) & (second <= 12) & (first != second)
        day_first = slashed & ((first > 12) | ambiguous | (first == second))
        month_first = slashed & ~day_first & (second > 12)
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
        values[day_first | month_first] = pd.to_datetime(stamp, errors="coerce")
        readable = values.dt.strftime("%Y-%m-%d")
        if day_first_ambiguous:
            issues.append(
                Issue(
                    ambiguous,
                    "warning",
                    "Day and month could be either way round; read day first as "
                    + readable
                    + f"; to be sure, type {spec.type_hint}.",
                )
            )
        else:
            values[ambiguous] = pd.NaT
            swapped = pd.to_datetime(
                stamp.rename(columns={"month": "day", "day": "month"})[["year", "month", "day"]],
                errors="coerce",
            ).dt.strftime("%Y-%m-%d")
            issues.append(
                Issue(
                    ambiguous,
                    "error",
                    "Ambiguous date: it could be "
                    + swapped.reindex(index).fillna("")
                    + " or "
                    + readable.where(ambiguous, "")
                    + f"; type {spec.type_hint}.",
                )
            )
            values[ambiguous] = pd.NaT
        clear = (day_first | month_first) & ~ambiguous & values.notna()
        issues.append(
            Issue(
                clear,
                "warning",
                "Read as " + readable + f"; to be sure, type {spec.type_hint}.",
            )
        )
    what = "a date and time" if spec.type == "datetime" else "a date"
    unparsed = cells.filled & values.isna() & ~(slashed & ~day_first_ambiguous)
    issues.insert(0, _bad_type(unparsed, spec, what))
    return Parsed(values, issues)


def parse_date(cells: Cells, spec: Field) -> Parsed:
    parsed = _moments(cells, spec, day_first_ambiguous=False)
    return Parsed(parsed.values.dt.normalize(), parsed.issues)


def parse_datetime(cells: Cells, spec: Field) -> Parsed:
    return _moments(cells, spec, day_first_ambiguous=True)


def parse_yearmonth(cells: Cells, spec: Field) -> Parsed:
    """A month: a date cell or serial (Sheets turns `2026-11` into the 1st), or text."""
    text = cells.text.where(cells.is_str & ~cells.error_cell)
    parts = text.str.fullmatch(_MONTH_TEXT)
    month_text = parts.fillna(False).astype(bool)
    named = pd.Series(pd.NaT, index=cells.raw.index, dtype="datetime64[ns]")
    for fmt in _MONTH_NAMES:
        attempt = pd.to_datetime(text, format=fmt, errors="coerce")
        named = named.fillna(attempt)
    as_date = cells.filled & ~month_text & named.isna()
    moments = _moments(_subset(cells, as_date), spec, day_first_ambiguous=False)
    values = moments.values.copy()
    if month_text.any():
        values[month_text] = pd.to_datetime(text[month_text] + "-01", errors="coerce")
    values = values.fillna(named)
    values = values.dt.to_period("M").dt.to_timestamp()
    ambiguous = [i for i in moments.issues[1:] if i.severity == "error"]
    covered = pd.concat([i.mask for i in ambiguous], axis=1).any(axis=1) if ambiguous else False
    unparsed = cells.filled & values.isna() & ~covered
    return Parsed(values, [_bad_type(unparsed, spec, "a month"), *ambiguous])


def _subset(cells: Cells, keep: pd.Series) -> Cells:
    """The same column with every cell outside `keep` treated as blank."""
    return Cells(
        raw=cells.raw,
        text=cells.text,
        is_str=cells.is_str & keep,
        is_num=cells.is_num & keep,
        is_bool=cells.is_bool & keep,
        is_date=cells.is_date & keep,
        blank=cells.blank | ~keep,
        error_cell=cells.error_cell & keep,
        no_value=cells.no_value & keep,
    )


_PARSERS = {
    "string": parse_string,
    "integer": parse_integer,
    "number": parse_number,
    "boolean": parse_boolean,
    "date": parse_date,
    "datetime": parse_datetime,
    "yearmonth": parse_yearmonth,
}


def display(value: object) -> str:
    """A raw cell as a person would recognise it in a message."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="minutes").removesuffix(" 00:00")
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "..."
