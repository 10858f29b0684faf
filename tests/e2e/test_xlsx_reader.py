"""The local workbook is parsed by calamine, yet every tab arrives exactly as openpyxl (the
reader it replaced) gives it: same cells with the same Python types, same merges, same title.

Each test builds workbooks as people's files are (cases, the sample team, generated ones) and
compares both readers cell by cell, types included (docs/spreadsheet.md#conventions)."""

from __future__ import annotations

import datetime as dt
import json
import re
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.table import Table

from handoffs.backends.xlsx import XlsxBackend
from handoffs.backends.xlsx_reader import read_tabs, read_with_openpyxl
from handoffs.model.errors import BackendError
from handoffs.model.schema import generated_layouts, input_schemas
from handoffs.model.spreadsheet import FormulaWithoutValue, RawTab
from tests.unit.checks.test_cases import CASE_FILES, CASES, load_tabs

ERRORS = ("#REF!", "#N/A", "#DIV/0!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!")
ALL_TABS = [s.title for s in input_schemas().values()] + [
    t.title for t in generated_layouts().values()
]


def typed(tabs: Mapping[str, RawTab]) -> dict[str, Any]:
    """Tabs with every cell as (type, value), so 1 and 1.0 and True are told apart."""
    return {
        key: (tab.title, tab.merges, [[(type(v).__name__, v) for v in row] for row in tab.rows])
        for key, tab in tabs.items()
    }


def assert_same_read(path: Path, titles: Sequence[str]) -> dict[str, RawTab]:
    fast = read_tabs(path, titles)
    assert typed(fast) == typed(read_with_openpyxl(path, titles))
    return fast


def save(path: Path, tabs: Mapping[str, RawTab]) -> Path:
    """A workbook holding these tabs as a person's file would: text always text, error text
    as real error cells, FormulaWithoutValue as a formula saved without its value."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for tab in tabs.values():
        sheet = workbook.create_sheet(tab.title)
        for r, row in enumerate(tab.rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is None:
                    continue
                if isinstance(value, FormulaWithoutValue):
                    sheet.cell(row=r, column=c, value=value.formula)
                    continue
                cell = sheet.cell(row=r, column=c, value=value)
                if isinstance(value, str):
                    cell.data_type = "e" if value in ERRORS else "s"
        for merged in tab.merges:
            sheet.merge_cells(merged)
    workbook.save(path)
    return path


@pytest.mark.parametrize(
    "path", CASE_FILES, ids=[str(p.relative_to(CASES).with_suffix("")) for p in CASE_FILES]
)
def test_every_case_reads_the_same_through_both_readers(path: Path, tmp_path: Path) -> None:
    tabs = load_tabs(json.loads(path.read_text(encoding="utf-8")))
    assert_same_read(save(tmp_path / "case.xlsx", tabs), list(tabs))


def test_the_sample_team_and_its_generated_tabs_read_the_same(run, demo_workbook: Path) -> None:
    run("refresh")
    tabs = assert_same_read(demo_workbook, ALL_TABS)
    assert set(tabs) == set(ALL_TABS)
    assert tabs["Problems"].rows[0][0] == "Severity"


def test_merges_error_cells_and_an_excel_table_read_the_same(tmp_path: Path) -> None:
    path = save(
        tmp_path / "table.xlsx",
        {
            "Flags": RawTab(
                "Flags",
                [
                    ["Timestamp", "Handoff ID", "What went wrong", None],
                    [dt.datetime(2026, 11, 2, 9, 30), "RPT-01", "#REF!", "hidden by the merge"],
                    [dt.date(2026, 11, 3), 7, "late", None],
                    [None, None, None, None],
                    [None, "#N/A", 2.5, True],
                ],
                ("C2:D2",),
            )
        },
    )
    workbook = load_workbook(path)
    workbook["Flags"].add_table(Table(displayName="FlagsTable", ref="A1:C3"))
    workbook.save(path)

    tab = assert_same_read(path, ["Flags"])["Flags"]

    assert tab.rows[1] == [dt.datetime(2026, 11, 2, 9, 30), "RPT-01", "#REF!", None]
    assert tab.rows[4] == [None, "#N/A", 2.5, True]
    assert tab.merges == ("C2:D2",)


def _give_saved_value(path: Path, formula: str, value: str, kind: str = "") -> None:
    """Store a value with one formula, as Excel would have when saving."""
    with zipfile.ZipFile(path) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    name = "xl/worksheets/sheet1.xml"
    xml = files[name].decode()
    cell = re.search(rf"<c ([^>]*)><f>{re.escape(formula)}</f><v\s*/>(?:</v>)?</c>", xml)
    assert cell is not None, xml
    attributes = cell.group(1) + (f' t="{kind}"' if kind else "")
    replacement = f"<c {attributes}><f>{formula}</f><v>{value}</v></c>"
    files[name] = xml.replace(cell.group(0), replacement).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for member, data in files.items():
            archive.writestr(member, data)


def test_formulas_read_the_same_saved_value_or_none(tmp_path: Path) -> None:
    rows = [
        ["Month", "Handoff ID", "Rework requests", "Note"],
        ["2026-10", "A", FormulaWithoutValue("=1+2"), FormulaWithoutValue('="a"&"b"')],
        ["2026-10", "B", FormulaWithoutValue("=1+3"), FormulaWithoutValue("=1/0")],
    ]
    path = save(tmp_path / "formulas.xlsx", {"Health": RawTab("Health", rows)})
    _give_saved_value(path, "1+2", "3")
    _give_saved_value(path, '"a"&amp;"b"', "ab", kind="str")
    _give_saved_value(path, "1/0", "#DIV/0!", kind="e")

    tab = assert_same_read(path, ["Health"])["Health"]

    assert tab.rows[1][2:] == [3, "ab"]
    assert tab.rows[2][2:] == [FormulaWithoutValue("=1+3"), "#DIV/0!"]


def test_tabs_are_found_ignoring_case_and_keep_their_own_title(tmp_path: Path) -> None:
    path = save(tmp_path / "renamed.xlsx", {"flags": RawTab("flags", [["Timestamp"]])})
    tabs = assert_same_read(path, ["Flags", "Team"])
    assert list(tabs) == ["Flags"]
    assert tabs["Flags"].title == "flags"


def test_a_damaged_workbook_is_a_backend_error_naming_the_backup(tmp_path: Path) -> None:
    path = save(tmp_path / "handoffs.xlsx", {"Team": RawTab("Team", [["Person"]])})
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(BackendError) as raised:
        XlsxBackend(path).read(["Team"])
    assert str(raised.value).startswith(f"{path} is not a readable .xlsx workbook (")
    assert str(raised.value).endswith(  # no backup to point to: this workbook never had one
        "re-save it from Excel or LibreOffice. Nothing was written."
    )


_TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="_"), max_size=12
)
_CELL = st.one_of(
    st.none(),
    _TEXT,
    st.sampled_from([" padded ", "007", "1e3", "=2+2", "+1", "2026-11", "TRUE", *ERRORS]),
    st.integers(-(2**40), 2**40),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.booleans(),
    st.dates(dt.date(1900, 3, 1), dt.date(2200, 12, 31)),
    st.datetimes(dt.datetime(1900, 3, 1), dt.datetime(2200, 12, 31)).map(
        lambda moment: moment.replace(microsecond=0)
    ),
)


@settings(
    max_examples=15,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(rows=st.lists(st.lists(_CELL, max_size=6), min_size=1, max_size=6))
def test_any_workbook_of_plain_cells_reads_the_same(rows: list[list[Any]], tmp_path: Path) -> None:
    path = save(tmp_path / "generated.xlsx", {"Team": RawTab("Team", rows)})
    assert_same_read(path, ["Team"])
