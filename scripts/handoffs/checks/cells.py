"""One column of cells: what kind each cell is, and its value as text, a number or a boolean.

Cells arrive as the backends read them (docs/spreadsheet.md#conventions): None, text, numbers,
booleans, dates and date-times, times of day and durations (cells formatted as a time),
spreadsheet error text such as '#REF!', or a formula saved without its value. Each parser
returns the typed values and, per rule, the cells that break it with the message to show;
`checks.dates` reads dates, date-times and months the same way.

A column is a few plain passes over its cells (numpy arrays, no pandas objects): sorting the
cells by kind is one pass over their Python types, and text is read once per distinct value,
so a team's few hundred rows cost microseconds and a million rows stay linear. A rule that
cannot fire (no text in a number column, no value outside an enum) builds nothing.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import operator
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

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
_READ = ("text", "number", "boolean", "date")  # the kinds a field's parser reads


@functools.cache
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
    """One raw column, classified: which kind each cell is, its trimmed text, its number.
    Plain numpy arrays with one entry per cell."""

    raw: np.ndarray  # the cells as read (object)
    kinds: dict[str, np.ndarray]  # for each of KINDS, which cells are of that kind
    text: np.ndarray  # trimmed text of text and error cells, None elsewhere (object)
    number: np.ndarray  # finite value of number cells, NaN elsewhere (float64)
    filled: np.ndarray  # the cells a field's parser reads: text, numbers, booleans and dates
    found: frozenset[str] = frozenset(KINDS)  # the kinds some cell is of: a rule about no
    # other kind can be skipped without looking at a cell

    def of(self, kind: str) -> np.ndarray:
        return self.kinds[kind]

    @property
    def blank(self) -> np.ndarray:
        return self.kinds["blank"]


def _kind_masks(values: list[Any]) -> tuple[dict[str, np.ndarray], set[str]]:
    """For each of KINDS, which cells are of it, by their Python type, and the kinds found: one
    pass over the cells; a column of one type (most are) needs nothing more. The kinds no cell
    is of share one read-only mask of no cell."""
    types = list(map(type, values))
    distinct = set(types)
    n = len(values)
    none = np.zeros(n, dtype=bool)
    none.flags.writeable = False
    if len(distinct) <= 1:
        only = _kind_of(types[0]) if n else "blank"
        masks = {kind: np.ones(n, dtype=bool) if kind == only else none for kind in KINDS}
        return masks, {only} if n else set()
    code = {t: KINDS.index(_kind_of(t)) for t in distinct}
    codes = np.fromiter((code[t] for t in types), dtype=np.int8, count=n)
    found = set(code.values())
    kinds = {kind: codes == i if i in found else none for i, kind in enumerate(KINDS)}
    return kinds, {KINDS[i] for i in found}


def _float(value: Any) -> float:
    """A number cell's value; a number too large for a float is infinite (so no number)."""
    try:
        return float(value)
    except (OverflowError, TypeError, ValueError):
        return math.inf


def _floats(values: np.ndarray) -> np.ndarray:
    try:
        return np.asarray(values, dtype="float64")
    except (OverflowError, TypeError, ValueError):
        return np.array([_float(v) for v in values], dtype="float64")


def object_array(values: Sequence[Any]) -> np.ndarray:
    """An object array holding `values` as they are (numpy would unpack a list of tuples)."""
    return np.fromiter(values, dtype=object, count=len(values))  # 5x faster than [:] = values


def member(values: np.ndarray, wanted: Iterable[Any]) -> np.ndarray:
    """Which entries of `values` are among `wanted` (one pass, no pandas)."""
    wanted = set(wanted)
    return np.fromiter((v in wanted for v in values), dtype=bool, count=len(values))


def _stripped(texts: list[Any]) -> list[str]:
    """Each text cell trimmed (anything unforeseen as its text)."""
    try:
        return [text.strip() for text in texts]
    except AttributeError:
        return [str(text).strip() for text in texts]


def classify(raw: Sequence[Any] | pd.Series | np.ndarray) -> Cells:
    """Each cell's kind from its Python type. Text that is only spaces, and NaN, are blank;
    text such as '#REF!' is a spreadsheet error."""
    values = raw.tolist() if isinstance(raw, pd.Series | np.ndarray) else list(raw)
    kinds, found = _kind_masks(values)
    n = len(values)
    cells = object_array(values)
    text = np.full(n, None, dtype=object)
    if "text" in found:
        at = np.flatnonzero(kinds["text"])
        stripped = object_array(_stripped(values if len(at) == n else [values[i] for i in at]))
        text[at] = stripped
        distinct = set(stripped)
        if "" in distinct:  # text of spaces only is a blank
            empty = at[stripped == ""]
            kinds["blank"] = kinds["blank"] | _at(n, empty)
            kinds["text"] = kinds["text"] & ~kinds["blank"]
            text[empty] = None
            found = _still(found | {"blank"}, kinds, "text")
        if not ERROR_VALUES.isdisjoint(distinct):
            kinds["error"] = _at(n, at[member(stripped, ERROR_VALUES)])
            kinds["text"] = kinds["text"] & ~kinds["error"]
            found = _still(found | {"error"}, kinds, "text")
    number = np.full(n, np.nan)
    if "number" in found:
        at = np.flatnonzero(kinds["number"])
        number[at] = _floats(cells[at])
        nan = at[np.isnan(number[at])]  # NaN is a blank, not a number
        if len(nan):
            kinds["blank"] = kinds["blank"] | _at(n, nan)
            kinds["number"] = kinds["number"] & ~kinds["blank"]
            found = _still(found | {"blank"}, kinds, "number")
        number[~np.isfinite(number)] = np.nan  # inf is a number cell, but no number
    read = [kinds[kind] for kind in _READ if kind in found]
    filled = functools.reduce(operator.or_, read) if read else np.zeros(n, dtype=bool)
    return Cells(cells, kinds, text, number, filled, frozenset(found))


def _at(n: int, positions: np.ndarray) -> np.ndarray:
    mask = np.zeros(n, dtype=bool)
    mask[positions] = True
    return mask


def _still(found: set[str], kinds: dict[str, np.ndarray], kind: str) -> set[str]:
    """The kinds found, less `kind` when no cell is of it any more (all its cells blank)."""
    return found if kinds[kind].any() else found - {kind}


@dataclass
class Issue:
    """Cells of one column that break one rule, with the message for each."""

    mask: np.ndarray
    severity: str
    message: str | np.ndarray  # one text for all, or one per cell of the column (object)


@dataclass
class Parsed:
    """A column's values before they become a typed frame column (`checks.validate`): text
    as objects with None, whole numbers and numbers as float64 with NaN, booleans as objects
    with None, dates as datetime64[ns] with NaT; and the issues found."""

    values: np.ndarray
    issues: list[Issue] = field(default_factory=list)


def bad_type(mask: np.ndarray, spec: Field) -> Issue:
    return Issue(mask, "error", f"Not {WANTED[spec.type]}; type {spec.type_hint}.")


def per_cell(mask: np.ndarray, texts: Iterable[str]) -> np.ndarray:
    """A message per cell of the column: `texts` for the cells of `mask`, None elsewhere."""
    messages = np.full(len(mask), None, dtype=object)
    messages[mask] = list(texts)
    return messages


def _numbers(cells: Cells) -> np.ndarray:
    """Number cells, and text that reads as a number ('3', ' 2.5'), each distinct text read
    once."""
    values = cells.number.copy()
    if "text" in cells.found:
        from_text = cells.of("text")
        typed = cells.text[from_text]
        distinct = list(dict.fromkeys(typed))
        read = pd.to_numeric(pd.Series(distinct, dtype=object), errors="coerce")
        as_number = {text: _float(v) for text, v in zip(distinct, read.tolist(), strict=True)}
        values[from_text] = [as_number[t] for t in typed]
        values[~np.isfinite(values)] = np.nan
    return values


def _range_issues(values: np.ndarray, ok: np.ndarray, spec: Field) -> list[Issue]:
    """Numbers below the field's minimum or above its maximum."""
    issues = []
    with np.errstate(invalid="ignore"):
        if spec.minimum is not None:
            message = f"Must be {spec.minimum:g} or more; type {spec.type_hint}."
            issues.append(Issue(ok & (values < spec.minimum), "error", message))
        if spec.maximum is not None:
            message = f"Must be {spec.maximum:g} or less; type {spec.type_hint}."
            issues.append(Issue(ok & (values > spec.maximum), "error", message))
    return issues


def parse_integer(cells: Cells, spec: Field) -> Parsed:
    values = _numbers(cells)
    with np.errstate(invalid="ignore"):
        whole = (values == np.floor(values)) & (np.abs(values) <= MAX_EXACT)
    issues = [bad_type(cells.filled & ~whole, spec)]
    issues += _range_issues(values, cells.filled & whole, spec)
    return Parsed(np.where(whole, values, np.nan), issues)


def parse_number(cells: Cells, spec: Field) -> Parsed:
    values = _numbers(cells)
    read = ~np.isnan(values)
    issues = [bad_type(cells.filled & ~read, spec)]
    issues += _range_issues(values, cells.filled & read, spec)
    return Parsed(values, issues)


def parse_boolean(cells: Cells, spec: Field) -> Parsed:
    """TRUE/FALSE cells, 1 and 0, and the words of the field's trueValues/falseValues."""
    words = {v.casefold(): True for v in (*spec.true_values, "true")}
    words |= {v.casefold(): False for v in (*spec.false_values, "false")}
    values = np.full(len(cells.raw), None, dtype=object)
    booleans = cells.of("boolean")
    values[booleans] = [bool(v) for v in cells.raw[booleans]]
    values[cells.number == 1] = True
    values[cells.number == 0] = False
    texts = cells.of("text") | cells.of("error")
    if texts.any():
        values[texts] = [words.get(t.casefold()) for t in cells.text[texts]]
    unread = cells.filled & np.fromiter((v is None for v in values), dtype=bool, count=len(values))
    return Parsed(values, [bad_type(unread, spec)])


@functools.cache
def _pattern(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def parse_string(cells: Cells, spec: Field) -> Parsed:
    """Text as typed, trimmed; a number, boolean or date cell as the text it shows. Then the
    field's pattern, and its enum matched ignoring case (the value becomes the enum's
    spelling). Each distinct value is checked once."""
    values = cells.text.copy()
    if "error" in cells.found:  # an error cell's text is not a value
        values[cells.of("error")] = None
    if not cells.found.isdisjoint(("number", "boolean", "date")):
        shown_as_text = cells.filled & ~cells.of("text")
        values[shown_as_text] = [cell_text(v) for v in cells.raw[shown_as_text]]
    issues: list[Issue] = []
    distinct = set(values[cells.filled]) if spec.pattern or spec.enum else set()
    if spec.pattern:
        pattern = _pattern(spec.pattern)
        misfits = {v for v in distinct if not pattern.fullmatch(v)}
        if misfits:
            message = f"Not a valid {spec.title}; type {spec.type_hint}."
            issues.append(Issue(cells.filled & member(values, misfits), "error", message))
    if spec.enum:
        spelling = {value.casefold(): value for value in spec.enum}
        matched = {v: spelling.get(v.casefold()) for v in distinct}
        unknown = cells.filled & member(values, [v for v, m in matched.items() if m is None])
        if unknown.any():
            message = f"Not a known {spec.title}; type one of: {', '.join(spec.enum)}"
            guesses = {v: did_you_mean(v, spec.enum) for v in set(values[unknown])}
            texts = (message + guesses[v] + "." for v in values[unknown])
            issues.append(Issue(unknown, "error", per_cell(unknown, texts)))
        values = object_array([matched.get(v) for v in values])
        values[~cells.filled] = None
    return Parsed(values, issues)
