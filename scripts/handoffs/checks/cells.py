"""One column of cells: what kind each cell is, and its value as text, a number or a boolean.

Cells arrive as the backends read them (docs/spreadsheet.md#conventions): None, text, numbers,
booleans, dates and date-times, times of day and durations (cells formatted as a time),
spreadsheet error text such as '#REF!', or a formula saved without its value. Each parser
returns the typed values and, per rule, the cells that break it with the message to show;
`checks.dates` reads dates, date-times and months the same way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from handoffs.model.lookup import MAX_EXACT, cell_text, did_you_mean
from handoffs.model.schema import Field
from handoffs.model.spreadsheet import FormulaWithoutValue

ERROR_VALUES = frozenset((
    "#REF!", "#N/A", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#ERROR!", "#SPILL!",
    "#CALC!",
))  # fmt: skip
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
NOT_ANY_TYPE = {"time": "A time of day", "duration": "A duration"}


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


def _kinds(raw: pd.Series) -> dict[str, np.ndarray]:
    """For each of KINDS, which cells are of it, by their Python type. Most columns hold one
    kind of value, which pandas names in one pass; a mixed column is sorted type by type."""
    one_kind = _ONE_KIND.get(pd.api.types.infer_dtype(raw, skipna=True))
    if one_kind is not None:
        return {kind: np.full(len(raw), kind == one_kind) for kind in KINDS}
    types = raw.map(type).to_numpy()
    kinds = {kind: np.zeros(len(raw), dtype=bool) for kind in KINDS}
    for each in pd.unique(types):
        kinds[_kind_of(each)] |= types == each
    return kinds


def classify(raw: pd.Series) -> Cells:
    """Each cell's kind from its Python type. Text that is only spaces, and NaN, are blank;
    text such as '#REF!' is a spreadsheet error."""
    kinds = _kinds(raw)  # plain arrays while they are combined, Series once settled
    text = pd.Series(np.nan, index=raw.index, dtype=object)  # no text: nothing to convert
    if kinds["text"].all():
        text = raw.astype("str").str.strip()
    elif kinds["text"].any():
        text = raw.where(kinds["text"]).astype("str").str.strip()
    number = pd.Series(np.nan, index=raw.index, dtype="float64")
    if kinds["number"].any():
        numbers = raw if kinds["number"].all() else raw.where(kinds["number"])
        number = pd.to_numeric(numbers, errors="coerce").astype("float64")
    # a column of text tells its blanks (None, NaN) from the text it converted to
    missing = text.isna() if kinds["text"].all() else raw.isna()
    blank = np.asarray(missing | text.eq(""), dtype=bool)
    kinds = {kind: mask & ~blank for kind, mask in kinds.items()}
    kinds["blank"] = blank
    if kinds["text"].any():
        kinds["error"] = np.asarray(text.isin(ERROR_VALUES), dtype=bool)
        kinds["text"] &= ~kinds["error"]
    filled = kinds["text"] | kinds["number"] | kinds["boolean"] | kinds["date"]
    if blank.any():
        text = text.where(~blank)
    if kinds["number"].any():
        number = number.where(np.isfinite(number))  # inf is a number cell, but no number
    index = raw.index
    masks = {kind: pd.Series(mask, index=index) for kind, mask in kinds.items()}
    return Cells(raw, masks, text, number, pd.Series(filled, index=index))


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


def bad_type(mask: pd.Series, spec: Field) -> Issue:
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
    issues = [bad_type(cells.filled & ~whole, spec)]
    issues += _range_issues(values, cells.filled & whole, spec)
    return Parsed(values.where(whole).astype("Int64"), issues)


def parse_number(cells: Cells, spec: Field) -> Parsed:
    values = _numbers(cells)
    issues = [bad_type(cells.filled & values.isna(), spec)]
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
    return Parsed(values, [bad_type(cells.filled & values.isna(), spec)])


def parse_string(cells: Cells, spec: Field) -> Parsed:
    """Text as typed, trimmed; a number, boolean or date cell as the text it shows. Then the
    field's pattern, and its enum matched ignoring case (the value becomes the enum's
    spelling)."""
    is_text = cells.of("text")  # an error cell's text is not a value
    values = cells.text if is_text.all() else cells.text.where(is_text)
    shown_as_text = cells.filled & ~cells.of("text")
    if shown_as_text.any():
        values[shown_as_text] = cells.raw[shown_as_text].map(cell_text)
    values = values.astype("str")
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
    return Parsed(values.astype("str"), issues)
