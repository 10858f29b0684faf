"""DESIGN §2.1–2.2: raw tabs -> typed frames of the rows every figure may use, and problems.

One function per rule family, all vectorised over whole columns; the per-cell rules run once
per distinct cell of a column (cells.Column). The rules themselves are data in
sheet_schema/; this module interprets them.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

import numpy as np
import pandas as pd
from pandas.api.types import is_string_dtype

from handoffs.cells import Column, compact, in_set, parse, suggestions
from handoffs.problems import ERROR, WARNING, ProblemLog, Report
from handoffs.schema import Field, TabSchema, input_schemas, normalise_header
from handoffs.sheet import RawTab, column_letter

ROW = "row"  # the sheet row number each typed row came from


@dataclass
class CheckedTab:
    """One input tab after validation."""

    schema: TabSchema
    present: bool
    frame: pd.DataFrame  # every non-blank row, typed, with ROW
    columns: dict[str, int] = field(default_factory=dict)  # field name -> 1-based column
    header: list[str] = field(default_factory=list)  # the header text as found
    keys: dict[str, Codes] = field(default_factory=dict)  # key fields' values, factorised


@dataclass(frozen=True)
class Codes:
    """One typed column as codes into its distinct values (-1 for a blank), so key rules
    compare integers instead of hashing a million values again."""

    codes: np.ndarray
    values: pd.Index

    @classmethod
    def of_rows(cls, column: Column, values: pd.Series) -> Codes:
        """Each row's code, from the typed values of the column's distinct cells."""
        codes, distinct = pd.factorize(values)
        return cls(compact(codes, len(distinct))[column.codes], pd.Index(distinct))

    def member_of(self, allowed: pd.Series) -> np.ndarray:
        """Per row: whether its value is among `allowed`; a blank never is."""
        member = in_set(pd.Series(self.values), allowed).to_numpy()
        return np.append(member, False)[self.codes]

    def folded(self) -> Codes:
        """Text compared case-insensitively: RPT-01 and rpt-01 are one value."""
        if not is_string_dtype(self.values.dtype) or self.values.empty:
            return self
        lowered, distinct = pd.factorize(pd.Series(self.values).str.lower())
        return Codes(np.where(self.codes < 0, -1, lowered[self.codes]), pd.Index(distinct))


@dataclass
class Dataset:
    """The validated spreadsheet: rows fit for figures, plus the problems found."""

    frames: dict[str, pd.DataFrame]  # tab name -> rows without errors
    report: Report
    today: dt.date
    headers: dict[str, list[str]]
    present: dict[str, bool]
    derived: dict[object, pd.DataFrame] = field(default_factory=dict, repr=False)  # figures' cache

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.frames[name]


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
    for tab in checked.values():
        _check_foreign_keys(tab, checked, log)
        _check_unique_unless(tab, log)
    report = Report(log.frame([s.title for s in schemas.values()]))
    frames = {}
    for name, tab in checked.items():
        bad = report.error_rows(tab.schema.title)
        clean = tab.frame if bad.empty else tab.frame[~tab.frame[ROW].isin(bad)]
        frames[name] = clean.reset_index(drop=True)
    return Dataset(
        frames=frames,
        report=report,
        today=today,
        headers={name: tab.header for name, tab in checked.items()},
        present={name: tab.present for name, tab in checked.items()},
    )


_DTYPES = {
    "string": "str",
    "integer": "Int64",
    "number": "float64",
    "boolean": "boolean",
    "date": "datetime64[ns]",
    "datetime": "datetime64[ns]",
    "yearmonth": "datetime64[ns]",
}


def empty_frame(schema: TabSchema) -> pd.DataFrame:
    """A tab with no usable rows, typed like a full one so figures need no special case."""
    columns = {f.name: pd.Series(dtype=_DTYPES[f.type]) for f in schema.fields}
    return pd.DataFrame({ROW: pd.Series(dtype="int64"), **columns})


def _field_lookup(schema: TabSchema) -> dict[str, Field]:
    lookup: dict[str, Field] = {}
    for spec in schema.fields:
        for text in (spec.name, spec.title, *spec.aliases):
            lookup[normalise_header(text)] = spec
    return lookup


def _map_header(
    raw: RawTab, schema: TabSchema, log: ProblemLog
) -> tuple[dict[str, int], list[str]]:
    """Field name -> 0-based column, by header text; duplicates and gaps reported once."""
    lookup = _field_lookup(schema)
    header = ["" if cell is None else str(cell).strip() for cell in raw.header]
    columns: dict[str, int] = {}
    for index, text in enumerate(header):
        spec = lookup.get(normalise_header(text)) if text else None
        if spec is None:
            continue
        if spec.name in columns:
            first = column_letter(columns[spec.name] + 1)
            log.add(
                WARNING,
                schema.title,
                f"The {spec.title} column appears twice ({first}1 and "
                f"{column_letter(index + 1)}1); the first is used, rename or delete this one.",
                row=1,
                col=index + 1,
                column=spec.title,
                value=text,
            )
            continue
        columns[spec.name] = index
    unmatched = [text for i, text in enumerate(header) if text and i not in columns.values()]
    for spec in schema.fields:
        if spec.name in columns or not (spec.required or spec.required_when):
            continue
        guess = suggestions(pd.Series([spec.title]), unmatched).iloc[0] if unmatched else ""
        log.add(
            ERROR,
            schema.title,
            f"The {schema.title} tab has no {spec.title} column{guess.replace('did you mean', 'is it')}; "
            f"add the header '{spec.title}' in row 1.",
            column=spec.title,
            cell=f"{column_letter(len(header) + 1)}1",
        )
    return columns, header


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
    missing_required = [
        f for f in schema.fields if f.name not in columns and (f.required or f.required_when)
    ]
    data = raw.data_rows
    if missing_required or not data:
        return CheckedTab(schema, True, empty_frame(schema), columns, header)

    column_at = _column_reader(data)
    index = pd.RangeIndex(len(data))
    rows = pd.Series(index + 2, index=index)
    read = {}
    for spec in schema.fields:  # one column of cells at a time, each freed once read
        cells = column_at(columns[spec.name]) if spec.name in columns else None
        read[spec.name] = Column.blank(index) if cells is None else Column.read(cells, index)
    blank = np.logical_and.reduce([column.blanks.to_numpy() for column in read.values()])
    present = pd.Series(~blank, index=index)
    typed, keys = {}, {}
    for spec in schema.fields:
        values = _check_field(
            spec,
            read[spec.name],
            present,
            rows,
            columns.get(spec.name, -1) + 1,
            schema.title,
            today,
            log,
        )
        typed[spec.name] = read[spec.name].rows(values)
        if spec.name in schema.key_fields:
            keys[spec.name] = Codes.of_rows(read[spec.name], values)
    frame = pd.DataFrame({ROW: rows, **typed}, copy=False)
    if blank.any():
        frame = frame[present]
        keys = {name: Codes(key.codes[~blank], key.values) for name, key in keys.items()}
    _check_required_when(schema, frame, read, columns, log)
    _check_unique(schema, frame, keys, read, columns, log)
    return CheckedTab(schema, True, frame.reset_index(drop=True), columns, header, keys)


def _column_reader(rows: list[list[Any]]) -> Callable[[int], np.ndarray | None]:
    """Column i's cells, gathered in C, or None where no row reaches that far. Ragged rows
    (Sheets trims trailing empty cells) are padded with None."""
    widths = set(map(len, rows))
    if len(widths) == 1:
        width = widths.pop()
        return lambda i: (
            np.fromiter(map(itemgetter(i), rows), dtype=object, count=len(rows))
            if i < width
            else None
        )
    grid = [np.array(column, dtype=object) for column in itertools.zip_longest(*rows)]
    return lambda i: grid[i] if i < len(grid) else None


def _check_field(
    spec: Field,
    column: Column,
    present: pd.Series,
    rows: pd.Series,
    col: int,
    tab: str,
    today: dt.date,
    log: ProblemLog,
) -> pd.Series:
    """Every rule of one field, run on the column's distinct cells: problems are spread to
    the rows that hold each cell, and the typed value of each distinct cell is returned."""
    cells = column.distinct

    def report(mask: pd.Series, severity: str, message: str | pd.Series) -> None:
        if not mask.any():
            return
        at = column.rows(mask) & present
        if at.any():
            log.add_cells(
                tab,
                rows[at],
                col,
                spec.title,
                column.shown(at[at].index),
                severity,
                message if isinstance(message, str) else column.rows(message.reindex(mask.index)),
            )

    if spec.required:
        report(cells.blank, ERROR, f"{spec.title} is required; type {spec.type_hint}.")
    report(
        cells.error_cell,
        ERROR,
        "The cell shows the spreadsheet error "
        + cells.text[cells.error_cell]
        + f"; fix the formula or type {spec.type_hint}.",
    )
    report(
        cells.no_value,
        ERROR,
        "The formula "
        + cells.raw[cells.no_value].astype(str)
        + " has no saved result (the file was saved by a tool that does not calculate); "
        "open and save it in Excel or LibreOffice, or type the value.",
    )
    parsed = parse(cells, spec)
    for issue in parsed.issues:
        report(issue.mask, issue.severity, issue.message)
    values = parsed.values
    if spec.default is not None:
        values = values.where(~cells.blank, spec.default)
    if spec.not_after_today:
        _check_not_after_today(spec, values, report, today)
    return values


def _check_not_after_today(spec: Field, values: pd.Series, report: object, today: dt.date) -> None:
    if spec.type == "yearmonth":
        limit = pd.Timestamp(today.year, today.month, 1)
        late = values > limit
        shown = f"{limit:%Y-%m}"
        message = f"Month is after the current month ({shown}); type a month up to {shown}."
    else:
        limit = pd.Timestamp(today)
        late = values > limit
        message = f"{spec.title} is in the future (today is {today.isoformat()}); type a date up to today."
    report(late.fillna(False), ERROR, message)  # type: ignore[operator]


def _check_required_when(
    schema: TabSchema,
    frame: pd.DataFrame,
    read: dict[str, Column],
    columns: dict[str, int],
    log: ProblemLog,
) -> None:
    for spec in schema.fields:
        if not spec.required_when:
            continue
        other, equals = spec.required_when
        blank = frame[spec.name].isna() & read[spec.name].blanks.reindex(frame.index)
        mask = blank & frame[other].eq(equals)
        log.add_cells(
            schema.title,
            frame.loc[mask, ROW],
            columns.get(spec.name, -1) + 1,
            spec.title,
            pd.Series("", index=frame.index),
            ERROR,
            f"{spec.title} is required when {schema.field(other).title} is {equals}; "
            f"type {spec.type_hint}.",
        )


def _duplicates(
    frame: pd.DataFrame, keys: list[Codes], within: pd.Series | None = None
) -> tuple[pd.Series, pd.Series]:
    """Rows whose key values repeat (every copy), and '3, 9' row lists per copy. Text keys
    compare case-insensitively; a row with a blank key is never a copy."""
    candidates = np.ones(len(frame), dtype=bool) if within is None else within.to_numpy(bool)
    group, groups = np.zeros(len(frame), dtype=np.int64), 1
    for key in (k.folded() for k in keys):  # one integer per distinct key tuple
        candidates = candidates & (key.codes >= 0)
        group *= len(key.values) + 1
        group += key.codes + 1  # +1: a blank (-1) is its own value
        groups *= len(key.values) + 1
        if groups > 2 * len(frame) + 1:  # keep the numbering dense
            group, uniques = pd.factorize(group)
            groups = len(uniques)
    counts = np.bincount(group[candidates], minlength=groups)
    dupes = candidates & (counts[group] > 1)
    if not dupes.any():
        return pd.Series(False, index=frame.index), pd.Series("", index=frame.index)
    copies = frame[ROW][dupes].astype(str)
    row_lists = copies.groupby(group[dupes]).transform(", ".join)
    return pd.Series(dupes, index=frame.index), row_lists.reindex(frame.index).fillna("")


def _check_unique(
    schema: TabSchema,
    frame: pd.DataFrame,
    codes: dict[str, Codes],
    read: dict[str, Column],
    columns: dict[str, int],
    log: ProblemLog,
) -> None:
    keys = {tuple(schema.primary_key)} if schema.primary_key else set()
    keys |= {(spec.name,) for spec in schema.fields if spec.unique}
    for key in sorted(keys):
        mask, row_lists = _duplicates(frame, [codes[name] for name in key])
        if not mask.any():
            continue
        last = schema.field(key[-1])
        if len(key) == 1:
            message = (
                f"{last.title} "
                + frame.loc[mask, key[0]].astype(str)
                + " is used more than once (rows "
                + row_lists
                + f"); each {last.title} must be unique, so change or delete the copies."
            )
        else:
            titles = " and ".join(schema.field(k).title for k in key)
            message = (
                f"The same {titles} appear more than once (rows "
                + row_lists
                + "); none of the copies is counted, keep one row and delete the others."
            )
        log.add_cells(
            schema.title,
            frame.loc[mask, ROW],
            columns.get(key[-1], -1) + 1,
            last.title,
            read[key[-1]].shown(frame.index[mask]),
            ERROR,
            message,
        )


def _check_unique_unless(tab: CheckedTab, log: ProblemLog) -> None:
    rule = tab.schema.unique_unless
    if rule is None or tab.frame.empty:
        return
    frame = tab.frame
    keys = [tab.keys[name] for name in rule.fields]
    mask, row_lists = _duplicates(frame, keys, frame[rule.field].ne(rule.equals))
    key = tab.schema.field(rule.fields[-1])
    log.add_cells(
        tab.schema.title,
        frame.loc[mask, ROW],
        tab.columns.get(key.name, -1) + 1,
        key.title,
        frame.loc[mask, key.name].astype(str),
        ERROR,
        frame.loc[mask, key.name].astype(str)
        + " has more than one contract in use (rows "
        + row_lists
        + f"); {rule.message}: set the old one's {tab.schema.field(rule.field).title} "
        f"to {rule.equals}.",
    )


def _check_foreign_keys(
    tab: CheckedTab, checked: Mapping[str, CheckedTab], log: ProblemLog
) -> None:
    for key in tab.schema.foreign_keys:
        target = next(t for t in checked.values() if t.schema.title == key.tab)
        unread = [
            f
            for f in target.schema.fields
            if f.name not in target.columns and (f.required or f.required_when)
        ]
        if not target.present or unread or tab.frame.empty:
            continue  # the missing tab or column is already reported once; its ids are unknown
        known = target.frame[key.ref_field].dropna().astype(str)
        values, ids = tab.frame[key.field], tab.keys[key.field]
        unknown = pd.Series((ids.codes >= 0) & ~ids.member_of(known), index=values.index)
        if not unknown.any():
            continue
        spec = tab.schema.field(key.field)
        hint = suggestions(values[unknown].astype(str), list(known.unique()))
        consequence = (
            "it is kept, but counts for no handoff"
            if key.severity == WARNING
            else "the row is left out"
        )
        log.add_cells(
            tab.schema.title,
            tab.frame.loc[unknown, ROW],
            tab.columns.get(key.field, -1) + 1,
            spec.title,
            values[unknown].astype(str),
            key.severity,
            f"Not a {spec.title} in the {key.tab} tab"
            + hint
            + f" ({consequence}); type an id from the {key.tab} tab, or add the handoff there first.",
        )
