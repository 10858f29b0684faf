"""Raw tabs -> typed frames of the rows every figure may use, and the problems found.

The rules are data in sheet_schema/ (docs/spreadsheet.md describes each input tab); this
module applies them one column at a time: find the column by its header, classify its cells,
parse them for the field's type, and report each rule's cells. A row with an error is left
out of every figure; a row with only warnings is used.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from handoffs.checks import keys
from handoffs.checks.cells import (
    NOT_ANY_TYPE,
    WANTED,
    Cells,
    Issue,
    Parsed,
    classify,
    parse_boolean,
    parse_integer,
    parse_number,
    parse_string,
    per_cell,
)
from handoffs.checks.checked import CheckedTab
from handoffs.checks.dates import parse_date, parse_datetime, parse_yearmonth
from handoffs.model.dataset import ROW, Dataset, empty_frame
from handoffs.model.lookup import did_you_mean, normalise_header, shown
from handoffs.model.problems import ERROR, WARNING, ProblemLog, Report
from handoffs.model.schema import Field, TabSchema, input_schemas
from handoffs.model.spreadsheet import RawTab, column_letter


def validate(
    raw_tabs: Mapping[str, RawTab], today: dt.date, schemas: Mapping[str, TabSchema] | None = None
) -> Dataset:
    """Check every input tab; a missing tab or column is one problem and the rest goes on.

    `schemas`: other tabs than a team's (an organisation's Teams tab, docs/rollup.md)."""
    schemas = input_schemas() if schemas is None else schemas
    log = ProblemLog()
    checked = {
        name: _check_tab(raw_tabs.get(schema.title), schema, today, log)
        for name, schema in schemas.items()
    }
    by_title = {tab.schema.title: tab for tab in checked.values()}
    for tab in checked.values():
        keys.check_foreign_keys(tab, by_title, log)
        keys.check_unique_unless(tab, log)
    report = Report(log.frame([s.title for s in schemas.values()]))
    frames, left_out = {}, {}
    for name, tab in checked.items():
        frames[name], left_out[name] = _clean(tab, report)
    return Dataset(
        frames=frames,
        report=report,
        today=today,
        headers={name: tab.header for name, tab in checked.items()},
        present={name: tab.present for name, tab in checked.items()},
        left_out=left_out,
    )


def optional_fields(schema: TabSchema) -> dict[str, Field]:
    """Fields by title whose error blanks only their cell: not required (ever), not a key, and
    not read by another rule of the row (the status a trial start or one-contract rule reads)."""
    read_by_rules = {spec.required_when[0] for spec in schema.fields if spec.required_when}
    if schema.unique_unless:
        read_by_rules.add(schema.unique_unless.field)
    fixed = schema.key_fields | read_by_rules
    return {
        spec.title: spec
        for spec in schema.fields
        if not (spec.required or spec.required_when or spec.name in fixed)
    }


def _clean(tab: CheckedTab, report: Report) -> tuple[pd.DataFrame, frozenset[int]]:
    """The rows fit for figures, and the sheet rows left out. A row with an error is left out;
    an error in an optional column only blanks that cell for the figures (as if it were left
    blank: a default applies) and the row counts."""
    frame, problems = tab.frame, report.frame
    if problems.empty or frame.empty or not (problems["tab"] == tab.schema.title).any():
        return _renumbered(frame), frozenset()
    errors = problems[(problems["tab"] == tab.schema.title) & (problems["severity"] == ERROR)]
    if errors.empty:
        return _renumbered(frame), frozenset()
    optional = optional_fields(tab.schema)
    in_optional = errors["column"].isin(list(optional)) & (errors["row"] > 0)
    bad = frozenset(errors.loc[~in_optional, "row"].astype(int))
    clean = frame[~frame[ROW].isin(bad)].copy() if bad else frame.copy()
    for title, rows in errors[in_optional].groupby("column")["row"]:
        spec = optional[str(title)]
        at = clean[ROW].isin(rows)
        clean.loc[at, spec.name] = spec.default if spec.default is not None else None
    return clean.reset_index(drop=True), bad


def _map_header(
    raw: RawTab, schema: TabSchema, log: ProblemLog
) -> tuple[dict[str, int], list[str]]:
    """Field name -> 0-based column, found by header text (docs/spreadsheet.md#conventions).
    A field's second column is a warning; a required field's missing column an error."""
    header = ["" if cell is None else str(cell).strip() for cell in raw.header]
    names = [normalise_header(text) if text else "" for text in header]  # each header once
    columns: dict[str, int] = {}
    for spec in schema.fields:
        wanted = _header_names(spec)
        found = [index for index, name in enumerate(names) if name and name in wanted]
        if found:
            columns[spec.name] = found[0]
        for copy in found[1:]:
            log.add(
                WARNING,
                schema.title,
                f"The {spec.title} column appears twice ({column_letter(found[0] + 1)}1 and "
                f"{column_letter(copy + 1)}1); the first is used, rename or delete this one.",
                row=1,
                col=copy + 1,
                column=spec.title,
                value=header[copy],
            )
    unmatched = [text for i, text in enumerate(header) if text and i not in columns.values()]
    for spec in schema.fields:
        if spec.name in columns or not (spec.required or spec.required_when):
            continue
        guess = did_you_mean(spec.title, unmatched).replace("did you mean", "is it")
        log.add(
            ERROR,
            schema.title,
            f"The {schema.title} tab has no {spec.title} column{guess}; "
            f"add the header '{spec.title}' in row 1.",
            column=spec.title,
            cell=f"{column_letter(len(header) + 1)}1",
        )
    return columns, header


@functools.cache
def _header_names(spec: Field) -> frozenset[str]:
    """The header texts, normalised, that name `spec` (as `lookup.columns_of` matches them)."""
    return frozenset(normalise_header(text) for text in (spec.name, spec.title, *spec.aliases))


_PARSERS = {
    "string": parse_string,
    "integer": parse_integer,
    "number": parse_number,
    "boolean": parse_boolean,
    "date": parse_date,
    "datetime": parse_datetime,
    "yearmonth": parse_yearmonth,
}


def parse(cells: Cells, spec: Field) -> Parsed:
    """Typed values for the readable cells of `spec`'s column, and what was wrong. A time of
    day or a duration is refused in every column, saying what it is."""
    parsed = _PARSERS[spec.type](cells, spec)
    for kind, what in NOT_ANY_TYPE.items():
        if kind not in cells.found:
            continue
        message = f"{what}, not {WANTED[spec.type]}; type {spec.type_hint}."
        parsed.issues.append(Issue(cells.of(kind), "error", message))
    return parsed


def _renumbered(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame indexed 0, 1, 2 … (as it is when no blank row was skipped)."""
    if isinstance(frame.index, pd.RangeIndex) and (frame.index.start, frame.index.step) == (0, 1):
        return frame
    return frame.reset_index(drop=True)


def _check_tab(
    raw: RawTab | None, schema: TabSchema, today: dt.date, log: ProblemLog
) -> CheckedTab:
    if raw is None:
        log.add(
            ERROR,
            schema.title,
            f"The {schema.title} tab is missing; run `handoffs init` to add it with its headers.",
        )
        return CheckedTab(schema, False, empty_frame(schema))
    for merged in raw.merges:
        log.add(
            WARNING,
            schema.title,
            f"Cells {merged} are merged, so only the first holds a value; "
            "unmerge them and type the value in each cell.",
            cell=merged,
            row=int("".join(c for c in merged.split(":")[0] if c.isdigit()) or 0),
        )
    columns, header = _map_header(raw, schema, log)
    data = raw.data_rows
    if not data or not all(
        spec.name in columns for spec in schema.fields if spec.required or spec.required_when
    ):
        return CheckedTab(schema, True, empty_frame(schema), columns, header)
    rows = np.arange(2, len(data) + 2)
    widths = (min(map(len, data)), max(map(len, data)))  # Sheets drops empty cells at the end
    cells = {
        spec.name: classify(_column(data, columns.get(spec.name), *widths))
        for spec in schema.fields
    }
    present = ~functools.reduce(operator.and_, (c.blank for c in cells.values()))
    tab = _Tab(schema, columns, rows, present, log)
    values = {spec.name: _check_field(spec, cells[spec.name], tab, today) for spec in schema.fields}
    # the rows kept, picked from each column's array before the frame is built (a frame's row
    # selection costs more than all of them together)
    kept = slice(None) if present.all() else np.flatnonzero(present)
    typed = [rows[kept], *(_typed(spec, values[spec.name][kept]) for spec in schema.fields)]
    frame = pd.DataFrame(
        dict(enumerate(typed)),
        index=None if isinstance(kept, slice) else pd.Index(kept),
        copy=False,
    )
    frame.columns = _frame_columns(schema)
    checked = CheckedTab(schema, True, frame, columns, header)
    compared = schema.key_fields | ({schema.unique_unless.field} if schema.unique_unless else set())
    checked.cells = {name: cells[name] for name in schema.key_fields}
    checked.values = {name: values[name][kept].copy() for name in compared}
    _check_required_when(tab, cells, values)
    keys.check_unique(checked, log)
    return checked


@functools.cache
def _frame_columns(schema: TabSchema) -> pd.Index:
    """The column labels of a tab's frame, made once: the frame is built numbered and then
    labelled with them, so pandas neither infers the labels' dtype nor hashes them anew for
    each frame (a text Index builds its lookup table on first use, ~50 us a frame)."""
    return pd.Index([ROW, *(spec.name for spec in schema.fields)])


def _column(data: list[list[Any]], col: int | None, shortest: int, longest: int) -> list[Any]:
    """The cells of column `col`, or blanks for a column the tab does not have; a row that
    ends before `col` is blank there."""
    if col is None or col >= longest:
        return [None] * len(data)
    if col < shortest:
        return list(map(operator.itemgetter(col), data))
    return [row[col] if col < len(row) else None for row in data]


@dataclass
class _Tab:
    """Where one tab's problems go: its rows (sheet numbers), which are not blank, the columns
    found."""

    schema: TabSchema
    columns: dict[str, int]
    rows: np.ndarray
    present: np.ndarray
    log: ProblemLog

    def report(
        self, spec: Field, cells: Cells, mask: np.ndarray, severity: str, message: Any
    ) -> None:
        """One problem per non-blank row of `mask`; `message` one text or one per cell."""
        at = np.flatnonzero(mask & self.present)
        if not len(at):
            return
        self.log.add_at(
            self.schema.title,
            self.rows[at],
            self.columns.get(spec.name, -1) + 1,
            spec.title,
            [shown(value) for value in cells.raw[at]],
            severity,
            message if isinstance(message, str) else message[at],
        )


# the frame dtype of text (a dtype object, not its name: pandas looks a name up on every use)
_TEXT = pd.api.types.pandas_dtype("str")


def _check_field(spec: Field, cells: Cells, tab: _Tab, today: dt.date) -> Any:
    """Every rule of one field over its column; returns its values (`Parsed.values`, with the
    field's default in blank cells), which `_typed` makes a frame column."""
    if spec.required and "blank" in cells.found:
        tab.report(
            spec, cells, cells.blank, ERROR, f"{spec.title} is required; type {spec.type_hint}."
        )
    if "error" in cells.found:
        errors = cells.of("error")
        texts = [
            f"The cell shows the spreadsheet error {text}; fix the formula or type "
            f"{spec.type_hint}."
            for text in cells.text[errors]
        ]
        tab.report(spec, cells, errors, ERROR, per_cell(errors, texts))
    if "formula" in cells.found:
        formulas = cells.of("formula")
        texts = [
            f"The formula {formula} has no saved result (the file was saved by a tool that "
            "does not calculate); open and save it in Excel or LibreOffice, or type the value."
            for formula in cells.raw[formulas]
        ]
        tab.report(spec, cells, formulas, ERROR, per_cell(formulas, texts))
    parsed = parse(cells, spec)
    for issue in parsed.issues:
        if issue.mask.any():
            tab.report(spec, cells, issue.mask, issue.severity, issue.message)
    values = parsed.values
    if spec.default is not None and "blank" in cells.found:
        values = values.copy()
        values[cells.blank] = spec.default
    if spec.not_after_today:
        late, message = _after_today(spec, values, today)
        if late.any():
            tab.report(spec, cells, late, ERROR, message)
    return values


def _typed(spec: Field, values: np.ndarray) -> Any:
    """A column of the frame from its values (`Parsed.values`): text as pyarrow strings, whole
    numbers and booleans as masked arrays, numbers and dates as they are."""
    if spec.type == "string":  # as pd.array(values, dtype="str") makes it, without its checks
        return pd.arrays.ArrowStringArray(
            pa.array(values, type=pa.large_string(), from_pandas=True), dtype=_TEXT
        )
    if spec.type == "integer":  # whole floats, NaN where none
        missing = np.isnan(values)
        return pd.arrays.IntegerArray(np.where(missing, 0, values).astype(np.int64), missing)
    if spec.type == "boolean":  # True, False or None
        n = len(values)
        missing = np.fromiter((v is None for v in values), dtype=bool, count=n)
        return pd.arrays.BooleanArray(
            np.fromiter((v is True for v in values), dtype=bool, count=n), missing
        )
    return values


def _after_today(spec: Field, values: np.ndarray, today: dt.date) -> tuple[np.ndarray, str]:
    """Dates after today, or months after the current month: not yet happened, so a typo."""
    if spec.type == "yearmonth":
        month = f"{today:%Y-%m}"
        late = values > np.datetime64(dt.date(today.year, today.month, 1), "ns")
        message = f"Month is after the current month ({month}); type a month up to {month}."
    else:
        late = values > np.datetime64(today, "ns")
        message = (
            f"{spec.title} is in the future (today is {today.isoformat()}); "
            "type a date up to today."
        )
    return late, message


def _check_required_when(tab: _Tab, cells: dict[str, Cells], values: dict[str, np.ndarray]) -> None:
    """A field required only when another field has a given value (a trial's start date)."""
    for spec in tab.schema.fields:
        if not spec.required_when:
            continue
        other, equals = spec.required_when
        at = cells[spec.name].blank & pd.isna(values[spec.name]) & (values[other] == equals)
        at = np.flatnonzero(at & tab.present)
        tab.log.add_at(
            tab.schema.title,
            tab.rows[at],
            tab.columns.get(spec.name, -1) + 1,
            spec.title,
            [""] * len(at),
            ERROR,
            f"{spec.title} is required when {tab.schema.field(other).title} is {equals}; "
            f"type {spec.type_hint}.",
        )
