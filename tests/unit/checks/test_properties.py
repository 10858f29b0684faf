"""Invariants of validation that hold for any sheet, checked with hypothesis.

Every test here draws many sheets or values: the module is `slow` (tests/conftest.py), left out
of the fast loop and run by every full run."""

from __future__ import annotations

import datetime as dt
import functools
import random
import re
from typing import Any

import pandas as pd
import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st
from openpyxl.utils import column_index_from_string
from openpyxl.utils.datetime import to_excel

from handoffs.checks.cells import ERROR_VALUES, classify
from handoffs.checks.dates import SERIAL_EPOCH
from handoffs.checks.validate import optional_fields, parse, validate
from handoffs.model.dataset import Dataset
from handoffs.model.schema import INPUT_TABS, Field, input_schemas
from handoffs.model.spreadsheet import FormulaWithoutValue, RawTab, column_letter
from tests.unit.checks.test_oracle_frictionless import our_kind

TODAY = dt.date(2026, 11, 25)
SCHEMAS = input_schemas()
# each example validates whole tabs (~0.1 s), so examples are few and fixed (derandomize), and
# shrinking is skipped: it ran for minutes; a failing example is printed as drawn
FEW = settings(
    max_examples=15, deadline=None, derandomize=True, phases=[Phase.explicit, Phase.generate]
)

# -- cells ------------------------------------------------------------------------------------
ODD_TEXT = [
    "#REF!", "#N/A", "#DIV/0!", " #VALUE! ", "#NAME?", "=SUM(A1:A3)", "+1", "@x", "TRUE", "yes",
    "2026-11-05", "2026-11", "2026-11-05T14:30:00Z", "03/04/2026", "25/11/2026", "1e3", "007",
    "2026-Q3", "Specialization", "  ", "\t", "\xa0", "nan", "inf", "-0", "1,5", "0202-11-05",
]  # fmt: skip
ANY_CELL = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.sampled_from(ODD_TEXT),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.text(max_size=8).map(lambda text: FormulaWithoutValue("=" + text)),
)


def bad_cell(spec: Field) -> st.SearchStrategy[Any]:
    """Cells no reading of docs/spreadsheet.md accepts for this field."""
    refused: list[st.SearchStrategy[Any]] = [
        st.sampled_from(["#REF!", "#N/A", "#DIV/0!", "#VALUE!"]),
        st.text("ab", min_size=1, max_size=4).map(lambda t: FormulaWithoutValue("=" + t)),
    ]
    if spec.required:
        refused.append(st.sampled_from([None, "", "   "]))
    if spec.type != "string" or spec.enum or spec.pattern:
        refused.append(st.text("qxz!", max_size=6).map("z z{}".format))  # no id has a space
    if spec.minimum is not None:
        refused.append(st.integers(-1000, int(spec.minimum) - 1))
    return st.one_of(refused)


def good_cell(spec: Field) -> st.SearchStrategy[Any]:
    """Cells docs/spreadsheet.md accepts for this field on their own (keys may still repeat)."""
    past = st.dates(dt.date(1990, 1, 1), TODAY)
    if spec.pattern:
        return st.from_regex(spec.pattern, fullmatch=True).filter(lambda t: t == t.strip())
    if spec.enum:
        return st.sampled_from(spec.enum).flatmap(
            lambda v: st.sampled_from([v, v.upper(), f" {v.title()} "])
        )
    return {
        "string": st.text(min_size=1, max_size=10).filter(
            lambda t: t.strip() and t.strip() not in ERROR_VALUES
        ),
        "integer": st.integers(int(spec.minimum or 0), 10**6),
        "number": st.floats(spec.minimum or 0, 1e9),
        "boolean": st.sampled_from([True, False, "TRUE", "no", "Y", 1, 0]),
        "date": st.one_of(past, past.map(dt.date.isoformat)),
        "datetime": st.datetimes(dt.datetime(1990, 1, 1), dt.datetime(2026, 11, 25)),
        "yearmonth": st.one_of(past.map(lambda d: d.replace(day=1)), past.map("{:%Y-%m}".format)),
    }[spec.type]


# whether a generated cell must be refused (True), must be accepted (False), or either (None)
VERDICT_CELL = {
    (name, spec.name): st.one_of(
        bad_cell(spec).map(lambda v: (v, True)),
        good_cell(spec).map(lambda v: (v, False)),
        ANY_CELL.map(lambda v: (v, None)),
    )
    for name, schema in SCHEMAS.items()
    for spec in schema.fields
}


def tab_rows(name: str) -> st.SearchStrategy[list[list[tuple[Any, bool | None]]]]:
    row = st.tuples(*(VERDICT_CELL[name, spec.name] for spec in SCHEMAS[name].fields)).map(list)
    ragged = row.flatmap(lambda cells: st.integers(0, len(cells)).map(lambda n: cells[:n]))
    return st.lists(st.one_of(row, ragged), min_size=1, max_size=6)


def is_blank(value: Any) -> bool:
    """Nothing in the cell: a blank row is skipped (docs/spreadsheet.md#conventions)."""
    nan = isinstance(value, float) and value != value
    return value is None or nan or (isinstance(value, str) and not value.strip())


def a1(cell: str) -> tuple[int, int]:
    letters, digits = re.fullmatch(r"([A-Z]+)(\d+)", cell).groups()  # type: ignore[union-attr]
    return column_index_from_string(letters), int(digits)


CELL_KINDS = {"type", "required", "minimum", "enum", "pattern", "x-error-cell", "x-day-month"}


@pytest.mark.parametrize("name", INPUT_TABS)
@FEW
@given(data=st.data())
def test_any_cells_are_reported_cell_by_cell_and_never_raise(name: str, data: Any) -> None:
    schema = SCHEMAS[name]
    rows = data.draw(tab_rows(name))
    raw = RawTab(schema.title, [schema.header, *[[v for v, _ in row] for row in rows]])

    dataset = validate({schema.title: raw}, TODAY)  # the other tabs are missing: one error each

    problems = [p for p in dataset.report if p.tab == schema.title]
    errors: dict[int, list[Any]] = {}
    for problem in problems:
        col, row = a1(problem.cell)
        assert 1 <= col <= len(schema.header) and 2 <= row <= len(rows) + 1, problem
        assert problem.column == schema.header[col - 1], problem
        errors.setdefault(row, []).extend([problem] if problem.severity == "error" else [])
    kept = set(dataset.frames[name]["row"])
    optional = optional_fields(schema)
    for index, row in enumerate(rows):
        sheet_row = index + 2
        if all(is_blank(value) for value, _ in row):
            assert sheet_row not in kept and sheet_row not in {a1(p.cell)[1] for p in problems}
            continue
        # an error in an optional column blanks only its cell: the row is kept
        leaves_out = [p for p in errors.get(sheet_row, []) if p.column not in optional]
        assert (sheet_row in kept) != bool(leaves_out), (sheet_row, row)
        for col, (value, refused) in enumerate(row, start=1):
            here = [
                our_kind(p.message)
                for p in errors.get(sheet_row, [])
                if a1(p.cell)[0] == col and our_kind(p.message) in CELL_KINDS
            ]
            if refused is True:
                assert here, f"{column_letter(col)}{sheet_row} {value!r} was accepted"
            elif refused is False:
                assert not here, f"{column_letter(col)}{sheet_row} {value!r} refused: {here}"


# -- each cell on its own ----------------------------------------------------------------------
def good_row(name: str, number: int) -> list[Any]:
    """A row every rule of the tab accepts, its keys unique to `number` (no copies)."""
    schema = SCHEMAS[name]
    row: list[Any] = []
    for spec in schema.fields:
        key = spec.name in schema.key_fields
        if spec.type == "yearmonth":
            row.append(dt.date(2020 + number // 12, number % 12 + 1, 1))
        elif spec.name == "quarter":
            row.append("2026-Q1")
        elif spec.type == "string":
            row.append(f"K-{number}" if key or spec.pattern else (spec.enum or ("Text",))[0])
        else:
            row.append(
                {
                    "integer": int(spec.minimum or 0) + 1,
                    "number": 1.5,
                    "boolean": True,
                    "date": dt.date(2026, 1, 1),
                    "datetime": dt.datetime(2026, 1, 1, 9, 0),
                }[spec.type]
            )
    return row


# every field but a key of its own (two equal cells there are copies, rightly)
VARIED = [
    (name, spec.name)
    for name, schema in SCHEMAS.items()
    for spec in schema.fields
    if not spec.unique
    and not (schema.unique_unless and schema.unique_unless.fields == (spec.name,))
]
# cells a hash table or a float would take for one another
EQUAL_BUT_NOT_ALIKE = [
    True, 1, 1.0, False, 0, -0.0, 0.0, 3, 3.0, 2**53 + 1, 2**53, None, "", "  ", "1", "TRUE",
    dt.time(14, 30), dt.timedelta(hours=36), dt.date(2026, 1, 1), dt.datetime(2026, 1, 1),
]  # fmt: skip


def row_findings(dataset: Dataset, title: str, sheet_row: int) -> list[tuple[str, ...]]:
    return sorted(
        (p.severity, p.column, p.value, p.message)
        for p in dataset.report
        if p.tab == title and p.cell and a1(p.cell)[1] == sheet_row
    )


def typed_value(dataset: Dataset, name: str, field: str, sheet_row: int) -> list[Any]:
    frame = dataset.frames[name]
    return [None if pd.isna(v) else v for v in frame.loc[frame["row"] == sheet_row, field]]


@settings(max_examples=12, deadline=None, derandomize=True)
@given(
    st.sampled_from(VARIED),
    st.lists(st.one_of(ANY_CELL, st.sampled_from(EQUAL_BUT_NOT_ALIKE)), min_size=1, max_size=5),
)
def test_each_cell_is_judged_as_if_it_were_alone(varied: tuple[str, str], cells: list[Any]) -> None:
    """True is not 1, -0.0 is 0, 2**53 + 1 is not 2**53, a time is not a date: whatever the
    other cells of its column hold, a cell gets the problems and the typed value it would get
    alone in its tab (docs/spreadsheet.md#conventions)."""
    name, field = varied
    schema = SCHEMAS[name]
    column = [spec.name for spec in schema.fields].index(field)

    def row(number: int) -> list[Any]:
        cells_of_row = good_row(name, number)
        cells_of_row[column] = cells[number]
        return cells_of_row

    together = validate(
        {schema.title: RawTab(schema.title, [schema.header, *map(row, range(len(cells)))])}, TODAY
    )
    for number in range(len(cells)):
        alone = validate({schema.title: RawTab(schema.title, [schema.header, row(number)])}, TODAY)
        assert row_findings(together, schema.title, number + 2) == row_findings(
            alone, schema.title, 2
        ), cells[number]
        assert typed_value(together, name, field, number + 2) == typed_value(
            alone, name, field, 2
        ), cells[number]


@settings(max_examples=15, deadline=None, derandomize=True)
@given(
    st.lists(
        st.one_of(st.none(), st.sampled_from(["H-1", "h-1", "H-2", "", " H-3", "H-3 ", "x"])),
        min_size=1,
        max_size=6,
    ),
    st.lists(st.sampled_from(["H-1", "H-2", "H-3", "x"]), min_size=1, max_size=4),
)
def test_a_health_row_names_a_handoff_as_the_handoffs_tab_has_it_ignoring_case(
    typed: list[str | None], known: list[str]
) -> None:
    """A Health row's id is known when the Handoffs tab has it once trimmed, ignoring case
    (rpt-01 is RPT-01, with a warning naming that spelling); a blank id is required, never
    unknown."""
    handoffs, health = SCHEMAS["handoffs"], SCHEMAS["health"]
    id_at = [spec.name for spec in health.fields].index("handoff_id")
    handoff_rows = [[known[i], *good_row("handoffs", i)[1:]] for i in range(len(known))]
    health_rows = [good_row("health", i) for i in range(len(typed))]
    for row, value in zip(health_rows, typed, strict=True):
        row[id_at] = value
    dataset = validate(
        {
            handoffs.title: RawTab(handoffs.title, [handoffs.header, *handoff_rows]),
            health.title: RawTab(health.title, [health.header, *health_rows]),
        },
        TODAY,
    )
    for number, value in enumerate(typed):
        kinds = {
            our_kind(p.message)
            for p in dataset.report
            if p.tab == health.title and p.column == "Handoff ID" and a1(p.cell)[1] == number + 2
        }
        blank = value is None or not value.strip()
        assert ("required" in kinds) == blank, value
        folded = {k.casefold() for k in known}
        unknown = not blank and value.strip().casefold() not in folded
        assert ("foreign-key" in kinds) == unknown, value


# -- serial numbers ---------------------------------------------------------------------------
@settings(max_examples=50, deadline=None, derandomize=True)
@given(st.lists(st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)), min_size=1, max_size=30))
def test_serial_numbers_round_trip_to_dates(days: list[dt.date]) -> None:
    serials = [(day - dt.date(1899, 12, 30)).days for day in days]
    # Excel numbers days as Sheets does from March 1900 (before, it counts a 29 February 1900)
    assert [to_excel(d) for d in days if d >= dt.date(1900, 3, 1)] == [
        s for d, s in zip(days, serials, strict=True) if d >= dt.date(1900, 3, 1)
    ]

    for name, field in (("team", "joined"), ("health", "month")):
        spec = SCHEMAS[name].field(field)
        parsed = parse(classify(pd.Series(serials, dtype=object)), spec)

        expected = days if spec.type == "date" else [d.replace(day=1) for d in days]
        assert [stamp.date() for stamp in pd.Series(parsed.values)] == expected
        assert not any(issue.mask.any() for issue in parsed.issues)


@settings(max_examples=50, deadline=None, derandomize=True)
@given(st.datetimes(dt.datetime(1900, 3, 1), dt.datetime(2100, 12, 31)))
def test_serial_fractions_round_trip_to_times(moment: dt.datetime) -> None:
    serial = (pd.Timestamp(moment) - SERIAL_EPOCH) / pd.Timedelta(days=1)
    spec = SCHEMAS["flags"].field("flagged_at")
    parsed = parse(classify(pd.Series([serial], dtype=object)), spec)
    assert abs(pd.Timestamp(parsed.values[0]) - pd.Timestamp(moment)) < pd.Timedelta(milliseconds=1)


# -- row order --------------------------------------------------------------------------------
POOL = {
    "handoff_id": ["RPT-01", "rpt-01", "RPT-02", "FC-1", "bad id", None],
    "month": ["2026-10", dt.date(2026, 10, 1), "2026-09", "2026-12", "03/04/2026", None],
    "status": ["active", "retired", "draft", "trial", "Trial", None],
}


def pooled(spec: Field) -> st.SearchStrategy[Any]:
    """Few distinct values, so rows repeat keys and refer to each other."""
    if spec.name in POOL:
        return st.sampled_from(POOL[spec.name])
    return st.one_of(good_cell(spec), bad_cell(spec), st.none())


def pooled_tab(name: str) -> st.SearchStrategy[list[list[Any]]]:
    row = st.tuples(*(pooled(spec) for spec in SCHEMAS[name].fields)).map(list)
    return st.lists(row, min_size=1, max_size=8)


def _place(places: list[int], row: int) -> int:
    """The sheet row a data row had before shuffling (`places` lists them in sheet order)."""
    return places[row - 2] if row >= 2 else row


def findings(dataset: Dataset, places: dict[str, list[int]]) -> list[tuple[str, ...]]:
    """The problems, with every sheet row number (in the cell and in '(rows 2, 5)' lists)
    replaced by the row's place before shuffling."""
    found = []
    for p in dataset.report:
        before = functools.partial(_place, places.get(p.tab, []))
        cell = ""
        if p.cell:
            col, row = a1(p.cell)
            cell = f"{column_letter(col)}{before(row)}"
        message = re.sub(
            r"\(rows ([\d, ]+)\)",
            lambda m, before=before: "(rows {})".format(
                ", ".join(str(r) for r in sorted(before(int(r)) for r in m[1].split(", ")))
            ),
            p.message,
        )
        found.append((p.severity, p.tab, cell, p.column, p.value, message))
    return sorted(found)


@settings(FEW, max_examples=10)
@given(
    handoffs=pooled_tab("handoffs"),
    contracts=pooled_tab("contracts"),
    health=pooled_tab("health"),
    seed=st.integers(0, 2**32),
)
def test_row_order_does_not_change_the_problems(
    handoffs: list[list[Any]], contracts: list[list[Any]], health: list[list[Any]], seed: int
) -> None:
    """Duplicates, one-contract-in-use, foreign keys and suggestions do not depend on which
    row comes first: shuffling the rows moves the problems with their rows, nothing else."""
    tabs = {
        SCHEMAS[name].title: (SCHEMAS[name].header, rows)
        for name, rows in (("handoffs", handoffs), ("contracts", contracts), ("health", health))
    }
    shuffle = random.Random(seed)
    orders = {
        title: shuffle.sample(range(len(rows)), len(rows)) for title, (_, rows) in tabs.items()
    }
    as_given = {title: RawTab(title, [header, *rows]) for title, (header, rows) in tabs.items()}
    shuffled = {
        title: RawTab(title, [header, *[rows[i] for i in orders[title]]])
        for title, (header, rows) in tabs.items()
    }

    in_order = findings(validate(as_given, TODAY), {t: list(range(2, 100)) for t in tabs})
    reordered = findings(
        validate(shuffled, TODAY), {t: [i + 2 for i in order] for t, order in orders.items()}
    )

    assert reordered == in_order
