"""Vectorised cell parsing: one column of raw cells -> typed values plus per-cell issues.

Cells arrive as the backends read them: None, str, int, float, bool, date/datetime,
spreadsheet error text ('#REF!') or FormulaWithoutValue. A column is first reduced to its
distinct cells (`Column`), hashed in C; every parser then works on those with pandas, and the
results reach the rows by code. Nothing here loops over rows in Python.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from handoffs.schema import Field
from handoffs.sheet import FormulaWithoutValue

SERIAL_EPOCH = pd.Timestamp("1899-12-30")  # Sheets and Excel day 0
_MAX_SERIAL = 2958465  # 9999-12-31
# dates are held to the nanosecond, which pandas can do from 1677-09-22 to 2262-04-11 only;
# a date outside these whole years is a typo (0202 for 2026) and is reported as not a date
_EARLIEST, _LATEST = pd.Timestamp("1678-01-01"), pd.Timestamp("2261-12-31 23:59:59")
_MAX_EXACT = 2**53  # floats hold every whole number up to here, and no further
ERROR_VALUES = frozenset(
    (
        "#REF!",
        "#N/A",
        "#VALUE!",
        "#DIV/0!",
        "#NAME?",
        "#NUM!",
        "#NULL!",
        "#ERROR!",
        "#SPILL!",
        "#CALC!",
    )
)
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
    number: pd.Series  # finite float where the cell holds a number, else NaN
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


_KINDS = ("str", "num", "bool", "date", "no_value")
# what pandas' C-level type inference says about a column whose cells are all of one kind
_UNIFORM = {
    "string": "str",
    "integer": "num",
    "floating": "num",
    "mixed-integer-float": "num",
    "boolean": "bool",
    "datetime": "date",
    "date": "date",
    "empty": "",  # nothing but blanks
}


def _kind_masks(raw: pd.Series) -> dict[str, np.ndarray]:
    """Which cells of a mixed column hold text, numbers, booleans, dates or formulas without
    a value: the Python type of each cell is looked up once and factorised, so each mask is
    an integer comparison rather than another pass over a million objects."""
    codes, kinds = pd.factorize(raw.map(type))

    def of(predicate: Callable[[type], bool]) -> np.ndarray:
        return np.isin(codes, [i for i, kind in enumerate(kinds) if predicate(kind)])

    return {
        "str": of(lambda k: issubclass(k, str)),
        "num": of(
            lambda k: issubclass(k, int | float | np.number) and not issubclass(k, bool | np.bool_)
        ),
        "bool": of(lambda k: issubclass(k, bool | np.bool_)),
        "date": of(lambda k: issubclass(k, _DATE_TYPES)),
        "no_value": of(lambda k: k is FormulaWithoutValue),
    }


def _stripped(raw: pd.Series) -> pd.Series:
    # pandas' str dtype (Arrow-backed where pyarrow is installed) strips in C, not per cell
    return raw.astype("str").str.strip()


def _numeric(raw: pd.Series) -> pd.Series:
    return pd.to_numeric(raw, errors="coerce").astype("float64")


def inspect(raw: pd.Series) -> Cells:
    """Classify one raw column. Most columns hold one kind of value, which pandas infers in C,
    so only mixed columns pay for a per-cell type look-up."""
    index = raw.index
    uniform = _UNIFORM.get(pd.api.types.infer_dtype(raw, skipna=True))
    kinds = _kind_masks(raw) if uniform is None else {}
    has = {kind: uniform == kind or (uniform is None and kinds[kind].any()) for kind in _KINDS}
    text = (
        _stripped(raw if uniform is not None else raw.where(kinds["str"]))
        if has["str"]
        else pd.Series(np.nan, index=index, dtype="str")
    )
    number = (
        _numeric(raw if uniform is not None else raw.where(kinds["num"]))
        if has["num"]
        else pd.Series(np.nan, index=index, dtype="float64")
    )
    # a uniform column's converted values already tell which cells are missing
    missing = {"str": text.isna, "num": number.isna}.get(uniform or "", raw.isna)()
    if uniform is not None:
        kinds = {kind: np.zeros(len(raw), dtype=bool) for kind in _KINDS}
        if uniform:
            kinds[uniform] = ~missing.to_numpy()
    masks = {name: pd.Series(mask, index=index) for name, mask in kinds.items()}
    number = number.where(np.isfinite(number))  # inf is filled, but no number to count with
    blank = missing | text.eq("")
    return Cells(
        raw=raw,
        text=text,
        number=number,
        is_str=masks["str"] & ~blank,
        is_num=masks["num"] & ~blank,
        is_bool=masks["bool"],
        is_date=masks["date"],
        blank=blank,
        error_cell=text.isin(list(ERROR_VALUES)),
        no_value=masks["no_value"],
    )


@dataclass
class Column:
    """One raw column read as its distinct cells. A sheet repeats itself (a hundred months,
    ten thousand handoff ids over a million Health rows), so every rule runs once per
    distinct cell and `codes` says which one each row holds. Cells merged as distinct are
    equal and of one type, so they also show the same in a message."""

    index: pd.Index  # the rows
    codes: np.ndarray  # per row: its position among the distinct cells
    distinct: Cells  # the distinct cells, classified; blanks are among them

    @classmethod
    def read(cls, raw: np.ndarray, index: pd.Index) -> Column:
        codes, distinct = _distinct(raw)
        return cls(index, codes, inspect(pd.Series(distinct, dtype=object)))

    @classmethod
    def blank(cls, index: pd.Index) -> Column:
        """A column no row has a cell in."""
        distinct = pd.Series([None], dtype=object)
        return cls(index, np.zeros(len(index), dtype=np.int8), inspect(distinct))

    def rows(self, per_distinct: pd.Series) -> pd.Series:
        """A value or mask over the distinct cells, spread to every row."""
        return pd.Series(per_distinct.array.take(self.codes), index=self.index)

    @property
    def blanks(self) -> pd.Series:
        return self.rows(self.distinct.blank)

    def shown(self, labels: pd.Index) -> pd.Series:
        """The cells of the rows `labels` as a person would recognise them."""
        held = self.codes[self.index.get_indexer(labels)]
        return pd.Series(self.distinct.raw.iloc[held].map(display).to_numpy(), index=labels)


def compact(codes: np.ndarray, count: int) -> np.ndarray:
    """Codes (-1 for a blank) into `count` distinct values, in the smallest integer type that
    holds them: a million rows of a hundred months take 1 MB, not 8."""
    for kind in (np.int8, np.int16, np.int32):
        if count < np.iinfo(kind).max:
            return codes.astype(kind)
    return codes


def _distinct(raw: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes into the distinct cells of `raw`, hashed in C. A hash table takes True for 1 and
    False for 0, so a column holding both kinds is keyed on each cell's type as well."""
    kind = pd.api.types.infer_dtype(raw, skipna=True)
    if _UNIFORM.get(kind) == "num":
        # floats hash faster than Python ints, and every number is read as a float anyway;
        # ints no float holds exactly stay as they are, to be shown as typed
        with contextlib.suppress(OverflowError):
            numbers = raw.astype(np.float64)
            low, high = np.fmin.reduce(numbers, initial=0), np.fmax.reduce(numbers, initial=0)
            if low > -_MAX_EXACT and high < _MAX_EXACT:  # 2**53 + 1 would read as 2**53
                raw = numbers
    codes, distinct = pd.factorize(raw)  # blanks (None, NaN) get -1
    if kind not in _UNIFORM:
        types, _ = pd.factorize(pd.Series(raw, dtype=object).map(type))
        keys = np.where(codes < 0, -1, codes.astype(np.int64) * (types.max() + 1) + types)
        _, first, codes = np.unique(keys, return_index=True, return_inverse=True)
        return compact(codes.reshape(-1), len(first)), raw[first]
    codes[codes < 0] = len(distinct)  # the blank, appended below
    codes = compact(codes, len(distinct) + 1)
    return codes, np.append(np.asarray(distinct, dtype=object), np.array([None], dtype=object))


def _whole(values: pd.Series) -> pd.Series:
    """Whole numbers a float holds exactly (1e30 is not a count of anything)."""
    return values.notna() & (values == np.floor(values)) & (values.abs() <= _MAX_EXACT)


def _bounded(moments: pd.Series) -> pd.Series:
    """Moments at nanosecond precision; those outside the years pandas can hold become NaT."""
    if isinstance(moments.dtype, pd.DatetimeTZDtype):
        moments = moments.dt.tz_convert(None)
    inside = moments.notna() & (moments >= _EARLIEST) & (moments <= _LATEST)
    return moments.where(inside).astype("datetime64[ns]")


def parse(cells: Cells, spec: Field) -> Parsed:
    """Typed values for the filled cells of `spec`'s column, and what was wrong."""
    return _PARSERS[spec.type](cells, spec)


def _bad_type(mask: pd.Series, spec: Field, what: str) -> Issue:
    return Issue(mask, "error", f"Not {what}; type {spec.type_hint}.")


def _numbers(cells: Cells) -> pd.Series:
    values = cells.number.copy()
    from_text = cells.is_str & ~cells.error_cell
    if from_text.any():
        values[from_text] = pd.to_numeric(cells.text[from_text], errors="coerce")
    return values.where(np.isfinite(values))


def _with_minimum(values: pd.Series, ok: pd.Series, spec: Field, issues: list[Issue]) -> None:
    if spec.minimum is not None:
        low = ok & (values < spec.minimum)
        minimum = f"{spec.minimum:g}"
        issues.append(Issue(low, "error", f"Must be {minimum} or more; type {spec.type_hint}."))


def parse_integer(cells: Cells, spec: Field) -> Parsed:
    values = _numbers(cells)
    whole = _whole(values)
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
    numbers = cells.number
    values[numbers.eq(1)] = True
    values[numbers.eq(0)] = False
    values[folded.isin(truthy)] = True
    values[folded.isin(falsy)] = False
    return Parsed(values, [_bad_type(cells.filled & values.isna(), spec, "TRUE or FALSE")])


def parse_string(cells: Cells, spec: Field) -> Parsed:
    values = cells.text.where(cells.is_str)
    if cells.is_num.any():  # each step is skipped when the column has no such cell
        numbers = cells.number
        whole = _whole(numbers)
        values[whole] = numbers[whole].astype("int64").astype(str)
        fractional = cells.is_num & ~whole  # 2.5, 1e+30, inf: as Python spells the float
        values[fractional] = cells.raw[fractional].astype("float64").astype(str)
    if cells.is_bool.any():
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
    return Parsed(values, issues)


def _enum_message(values: pd.Series, unknown: pd.Series, spec: Field) -> pd.Series:
    base = f"Not a known {spec.title}; type one of: {', '.join(spec.enum)}"
    return base + suggestions(values[unknown], spec.enum) + "."


def in_set(values: pd.Series, allowed: pd.Series) -> pd.Series:
    """`values.isin(allowed)` for ids: pandas converts each allowed value to an Arrow scalar
    in Python (50 ms for ten thousand handoff ids), so the distinct values are matched
    instead, as plain objects in a C hash table. Blanks are never members."""
    codes, distinct = pd.factorize(values)
    member = pd.Series(distinct, dtype=object).isin(np.asarray(allowed, dtype=object))
    return pd.Series(np.append(member.to_numpy(), False)[codes], index=values.index)


def suggestions(values: pd.Series, choices: Sequence[str]) -> pd.Series:
    """' (did you mean X?)' for each value with a close match among `choices`, else ''."""
    folded: dict[str, str] = {}
    for choice in sorted(choices):  # RPT-01 or rpt-01: the same one whatever the row order
        folded.setdefault(choice.casefold(), choice)
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
        values[native] = _bounded(pd.to_datetime(cells.raw[native].map(pd.Timestamp)))
    if cells.is_num.any():
        serial = cells.number.where(cells.is_num)
        in_range = serial.between(1, _MAX_SERIAL)
        values[in_range] = _bounded(SERIAL_EPOCH + pd.to_timedelta(serial[in_range], unit="D"))
        if spec.type == "datetime":
            unix = serial.between(1e9, (_LATEST - pd.Timestamp(0)).total_seconds())
            values[unix] = pd.to_datetime(serial[unix], unit="s")
    text = cells.text[cells.is_str & ~cells.error_cell]
    refused = pd.Series(False, index=index)  # ambiguous dates, reported on their own
    what = "a date and time" if spec.type == "datetime" else "a date"
    if text.empty:
        return Parsed(values, [_bad_type(cells.filled & values.isna(), spec, what)])
    iso = text.str.fullmatch(_ISO).astype(bool)
    if iso.any():
        parsed = pd.to_datetime(text[iso], errors="coerce", format="ISO8601", utc=True)
        values[parsed.index] = _bounded(parsed)
    parts = text[~iso].str.extract(_SLASHED).astype("float64").dropna(subset=[0])
    if not parts.empty:
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
        if day_first_ambiguous:
            issues.append(
                Issue(
                    _everywhere(ambiguous, index),
                    "warning",
                    "Day and month could be either way round; read day first as "
                    + readable[ambiguous]
                    + f"; to be sure, type {spec.type_hint}.",
                )
            )
        else:
            refused = _everywhere(ambiguous, index)
            swapped = pd.to_datetime(
                stamp.rename(columns={"month": "day", "day": "month"})[["year", "month", "day"]],
                errors="coerce",
            ).dt.strftime("%Y-%m-%d")
            issues.append(
                Issue(
                    refused,
                    "error",
                    "Ambiguous date: it could be "
                    + swapped[ambiguous[ambiguous].index]
                    + " or "
                    + readable[ambiguous]
                    + f"; type {spec.type_hint}.",
                )
            )
            values[refused] = pd.NaT
        clear = (day_first | month_first) & ~ambiguous & values[parts.index].notna()
        issues.append(
            Issue(
                _everywhere(clear, index),
                "warning",
                "Read as " + readable[clear] + f"; to be sure, type {spec.type_hint}.",
            )
        )
    unparsed = cells.filled & values.isna() & ~refused
    issues.insert(0, _bad_type(unparsed, spec, what))
    return Parsed(values, issues)


def parse_date(cells: Cells, spec: Field) -> Parsed:
    parsed = _moments(cells, spec, day_first_ambiguous=False)
    return Parsed(parsed.values.dt.normalize(), parsed.issues)


def parse_datetime(cells: Cells, spec: Field) -> Parsed:
    return _moments(cells, spec, day_first_ambiguous=True)


def parse_yearmonth(cells: Cells, spec: Field) -> Parsed:
    """A month: a date cell or serial (Sheets turns `2026-11` into the 1st), or text."""
    index = cells.raw.index
    text = cells.text[cells.is_str & ~cells.error_cell]
    if text.empty:  # date cells and serials only
        moments = _moments(cells, spec, day_first_ambiguous=False)
        values = moments.values.dt.to_period("M").dt.to_timestamp()
        return Parsed(values, [_bad_type(cells.filled & values.isna(), spec, "a month")])
    month_text = text.str.fullmatch(_MONTH_TEXT).astype(bool)
    named = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    for fmt in _MONTH_NAMES:
        named = named.fillna(_bounded(pd.to_datetime(text, format=fmt, errors="coerce")))
    as_text = _everywhere(month_text | named.notna(), index)
    moments = _moments(_subset(cells, cells.filled & ~as_text), spec, day_first_ambiguous=False)
    values = moments.values.copy()
    if month_text.any():
        values[month_text[month_text].index] = _bounded(
            pd.to_datetime(text[month_text] + "-01", errors="coerce")
        )
    values = values.fillna(named.reindex(index))
    values = values.dt.to_period("M").dt.to_timestamp()
    ambiguous = [i for i in moments.issues[1:] if i.severity == "error"]
    covered = pd.concat([i.mask for i in ambiguous], axis=1).any(axis=1) if ambiguous else False
    unparsed = cells.filled & values.isna() & ~covered
    return Parsed(values, [_bad_type(unparsed, spec, "a month"), *ambiguous])


def _everywhere(mask: pd.Series, index: pd.Index) -> pd.Series:
    """A mask over some cells, widened to the whole column (False elsewhere)."""
    return mask.reindex(index, fill_value=False).astype(bool)


def _subset(cells: Cells, keep: pd.Series) -> Cells:
    """The same column with every cell outside `keep` treated as blank."""
    return Cells(
        raw=cells.raw,
        text=cells.text,
        number=cells.number,
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
    if isinstance(value, float) and value.is_integer() and abs(value) <= _MAX_EXACT:
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="minutes").removesuffix(" 00:00")
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "..."
