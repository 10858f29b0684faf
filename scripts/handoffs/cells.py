"""One column of cells: what kind each cell is, and its typed value for the field's type.

Cells arrive as the backends read them (docs/spreadsheet.md#conventions): None, text, numbers,
booleans, dates and date-times, times of day and durations (cells formatted as a time),
spreadsheet error text such as '#REF!', or a formula saved without its value. Each parser
returns the typed values and, per rule, the cells that break it with the message to show.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from handoffs.lookup import MAX_EXACT, cell_text, close_matches
from handoffs.schema import Field
from handoffs.sheet import FormulaWithoutValue

SERIAL_EPOCH = pd.Timestamp("1899-12-30")  # Sheets and Excel day 0
_MAX_SERIAL = 2958465  # 9999-12-31
# dates are held to the nanosecond, which pandas can do from 1677-09-22 to 2262-04-11 only;
# a date outside these whole years is a typo (0202 for 2026) and is reported as not a date
_EARLIEST, _LATEST = pd.Timestamp("1678-01-01"), pd.Timestamp("2261-12-31 23:59:59")
ERROR_VALUES = frozenset(
    ("#REF!", "#N/A", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#ERROR!", "#SPILL!")
    + ("#CALC!",)
)
_ISO = (
    r"\d{4}-\d{1,2}-\d{1,2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
    r"(?:Z|[+-]\d{2}:?\d{2})?"
)
_SLASHED = r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})(?:,?[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?"
_MONTH_TEXT = r"\d{4}-\d{1,2}"
_MONTH_NAMES = ("%b %Y", "%B %Y")
# what a field of each type holds, as its type error says it
WANTED = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "TRUE or FALSE",
    "date": "a date",
    "datetime": "a date and time",
    "yearmonth": "a month",
}
KINDS = ("blank", "text", "number", "boolean", "date", "time", "duration", "formula", "error")
# a cell formatted as a time holds a time of day or a duration: no field type takes either
_NOT_ANY_TYPE = {"time": "A time of day", "duration": "A duration"}


def _kind_of(kind: type) -> str:
    """The kind of cell a Python type holds; text for anything unforeseen."""
    if kind is type(None):
        return "blank"
    if issubclass(kind, bool | np.bool_):
        return "boolean"
    if issubclass(kind, int | float | np.number):
        return "number"
    if issubclass(kind, dt.date | np.datetime64):  # datetime and pd.Timestamp are dates too
        return "date"
    if issubclass(kind, dt.time):
        return "time"
    if issubclass(kind, dt.timedelta | np.timedelta64):
        return "duration"
    if issubclass(kind, FormulaWithoutValue):
        return "formula"
    return "text"


@dataclass
class Cells:
    """One raw column, classified: which kind each cell is, its trimmed text, its number."""

    raw: pd.Series
    kinds: dict[str, pd.Series]  # for each of KINDS, which cells are of that kind
    text: pd.Series  # trimmed text of text and error cells, NaN elsewhere
    number: pd.Series  # finite value of number cells, NaN elsewhere
    filled: pd.Series  # the cells a field's parser reads: text, numbers, booleans and dates

    def of(self, kind: str) -> pd.Series:
        return self.kinds[kind]

    @property
    def blank(self) -> pd.Series:
        return self.kinds["blank"]


# pandas' name for a column whose cells (blanks aside) are all of one kind
_ONE_KIND = {
    "string": "text",
    "integer": "number",
    "floating": "number",
    "mixed-integer-float": "number",
    "boolean": "boolean",
    "datetime": "date",
    "date": "date",
    "time": "time",
    "timedelta": "duration",
    "empty": "blank",
}


def _kinds(raw: pd.Series) -> dict[str, pd.Series]:
    """For each of KINDS, which cells are of it, by their Python type. Most columns hold one
    kind of value, which pandas names in one pass; a mixed column is sorted type by type."""
    one_kind = _ONE_KIND.get(pd.api.types.infer_dtype(raw, skipna=True))
    if one_kind is not None:
        return {kind: pd.Series(kind == one_kind, index=raw.index) for kind in KINDS}
    types = raw.map(type)
    kinds = {kind: pd.Series(False, index=raw.index) for kind in KINDS}
    for each in types.unique():
        kinds[_kind_of(each)] |= types == each
    return kinds


def classify(raw: pd.Series) -> Cells:
    """Each cell's kind from its Python type. Text that is only spaces, and NaN, are blank;
    text such as '#REF!' is a spreadsheet error."""
    kinds = _kinds(raw)
    text = pd.Series(np.nan, index=raw.index, dtype="str")
    if kinds["text"].all():
        text = raw.astype("str").str.strip()
    elif kinds["text"].any():
        text = raw.where(kinds["text"]).astype("str").str.strip()
    number = pd.Series(np.nan, index=raw.index, dtype="float64")
    if kinds["number"].any():
        numbers = raw if kinds["number"].all() else raw.where(kinds["number"])
        number = pd.to_numeric(numbers, errors="coerce").astype("float64")
    blank = raw.isna() | text.eq("")
    kinds = {kind: mask & ~blank for kind, mask in kinds.items()}
    kinds["blank"] = blank
    kinds["error"] = text.isin(ERROR_VALUES)
    kinds["text"] &= ~kinds["error"]
    filled = kinds["text"] | kinds["number"] | kinds["boolean"] | kinds["date"]
    return Cells(raw, kinds, text.where(~blank), number.where(np.isfinite(number)), filled)


@dataclass
class Issue:
    """Cells of one column that break one rule, with the message for each."""

    mask: pd.Series
    severity: str
    message: str | pd.Series


@dataclass
class Parsed:
    values: pd.Series
    issues: list[Issue] = field(default_factory=list)


def parse(cells: Cells, spec: Field) -> Parsed:
    """Typed values for the filled cells of `spec`'s column, and what was wrong."""
    parsed = _PARSERS[spec.type](cells, spec)
    for kind, what in _NOT_ANY_TYPE.items():
        message = f"{what}, not {WANTED[spec.type]}; type {spec.type_hint}."
        parsed.issues.append(Issue(cells.of(kind), "error", message))
    return parsed


def _bad_type(mask: pd.Series, spec: Field) -> Issue:
    return Issue(mask, "error", f"Not {WANTED[spec.type]}; type {spec.type_hint}.")


def _whole(values: pd.Series) -> pd.Series:
    """Whole numbers a float holds exactly (1e30 is not a count of anything)."""
    return values.notna() & (values == np.floor(values)) & (values.abs() <= MAX_EXACT)


def _numbers(cells: Cells) -> pd.Series:
    """Number cells, and text that reads as a number ('3', ' 2.5')."""
    values = cells.number.copy()
    from_text = cells.of("text") & cells.filled
    if from_text.any():
        values[from_text] = pd.to_numeric(cells.text[from_text], errors="coerce")
    return values.where(np.isfinite(values))


def _range_issues(values: pd.Series, ok: pd.Series, spec: Field) -> list[Issue]:
    """Numbers below the field's minimum or above its maximum."""
    issues = []
    if spec.minimum is not None:
        message = f"Must be {spec.minimum:g} or more; type {spec.type_hint}."
        issues.append(Issue(ok & (values < spec.minimum), "error", message))
    if spec.maximum is not None:
        message = f"Must be {spec.maximum:g} or less; type {spec.type_hint}."
        issues.append(Issue(ok & (values > spec.maximum), "error", message))
    return issues


def parse_integer(cells: Cells, spec: Field) -> Parsed:
    values = _numbers(cells)
    whole = _whole(values)
    issues = [_bad_type(cells.filled & ~whole, spec)]
    issues += _range_issues(values, cells.filled & whole, spec)
    return Parsed(values.where(whole).astype("Int64"), issues)


def parse_number(cells: Cells, spec: Field) -> Parsed:
    values = _numbers(cells)
    issues = [_bad_type(cells.filled & values.isna(), spec)]
    issues += _range_issues(values, cells.filled & values.notna(), spec)
    return Parsed(values, issues)


def parse_boolean(cells: Cells, spec: Field) -> Parsed:
    """TRUE/FALSE cells, 1 and 0, and the words of the field's trueValues/falseValues."""
    truthy = {v.casefold() for v in spec.true_values} | {"true"}
    falsy = {v.casefold() for v in spec.false_values} | {"false"}
    folded = cells.text.str.casefold()
    values = pd.Series(pd.NA, index=cells.raw.index, dtype="boolean")
    booleans = cells.of("boolean")
    values[booleans] = cells.raw[booleans].astype(bool)
    values[cells.number.eq(1)] = True
    values[cells.number.eq(0)] = False
    values[folded.isin(truthy)] = True
    values[folded.isin(falsy)] = False
    return Parsed(values, [_bad_type(cells.filled & values.isna(), spec)])


def parse_string(cells: Cells, spec: Field) -> Parsed:
    """Text as typed, trimmed; a number, boolean or date cell as the text it shows. Then the
    field's pattern, and its enum matched ignoring case (the value becomes the enum's
    spelling)."""
    values = cells.text.where(cells.of("text"))  # an error cell's text is not a value
    shown_as_text = cells.filled & ~cells.of("text")
    if shown_as_text.any():
        values[shown_as_text] = cells.raw[shown_as_text].map(cell_text)
    issues: list[Issue] = []
    if spec.pattern:
        fits = values.str.fullmatch(spec.pattern).fillna(False).astype(bool)
        message = f"Not a valid {spec.title}; type {spec.type_hint}."
        issues.append(Issue(cells.filled & ~fits, "error", message))
    if spec.enum:
        matched = values.str.casefold().map({value.casefold(): value for value in spec.enum})
        unknown = cells.filled & matched.isna()
        message = f"Not a known {spec.title}; type one of: {', '.join(spec.enum)}"
        guesses = {typed: did_you_mean(typed, spec.enum) for typed in values[unknown].unique()}
        issues.append(Issue(unknown, "error", message + values[unknown].map(guesses) + "."))
        values = matched
    return Parsed(values, issues)


def did_you_mean(typed: str, choices: list[str] | tuple[str, ...]) -> str:
    """' (did you mean X?)' when one of `choices` is close to `typed`, else ''. Choices are
    taken in sorted order, so which spelling is named does not depend on row order."""
    close = close_matches(typed, sorted(choices), n=1)
    return f" (did you mean {close[0]}?)" if close else ""


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
    return Parsed(values, [_bad_type(unread, spec), *issues])


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
    text = cells.text.where(cells.filled & cells.of("text"))
    month_text = text.str.fullmatch(_MONTH_TEXT).fillna(False).astype(bool)
    months = pd.Series(pd.NaT, index=cells.raw.index, dtype="datetime64[ns]")
    if month_text.any():
        months[month_text] = _bounded(pd.to_datetime(text[month_text] + "-01", errors="coerce"))
    other_text = text.notna() & ~month_text
    for fmt in _MONTH_NAMES if other_text.any() else ():
        named = _bounded(pd.to_datetime(text[other_text], format=fmt, errors="coerce"))
        months = months.fillna(named.reindex(months.index))
    as_month = month_text | months.notna()
    moments = _moments(cells, spec, cells.filled & ~as_month)
    values = months.fillna(moments.values).dt.to_period("M").dt.to_timestamp()
    ambiguous = [issue for issue in moments.issues[1:] if issue.severity == "error"]
    refused = pd.Series(False, index=cells.raw.index)
    for issue in ambiguous:
        refused |= issue.mask
    unread = cells.filled & values.isna() & ~refused
    return Parsed(values, [_bad_type(unread, spec), *ambiguous])


_PARSERS = {
    "string": parse_string,
    "integer": parse_integer,
    "number": parse_number,
    "boolean": parse_boolean,
    "date": parse_date,
    "datetime": parse_datetime,
    "yearmonth": parse_yearmonth,
}
