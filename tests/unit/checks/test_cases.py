"""docs/spreadsheet.md as example sheets: every file in tests/cases/<tab>/{valid,invalid}/ is a case.

A case gives some tabs as a person would leave them (rows of raw cells, row 1 the header);
every tab it does not give comes from the small valid team in tests/cases/base.json, so the
only problems are the case's own. `problems` lists each expected problem exactly:
[severity, tab, cell, column, value seen, message]. A valid case has no errors (it may list
the warnings it expects); an invalid case has at least one. `frames` (optional) lists, per tab,
the rows that reach the figures, with the fields worth checking.

Cells in JSON: text, numbers, true/false and null as they are; {"date": "2026-11-05"} and
{"datetime": "2026-11-05T14:30"} are real date cells (xlsx); {"serial": 46331} or
{"serial": "2026-11-05"} is a Sheets serial number (days since 1899-12-30);
{"formula": "=SUM(C2:C9)"} is a formula saved without its value; {"float": "nan"} a float
JSON cannot spell; {"time": "14:30"} and {"duration": "36:00"} (hours:minutes) are what a cell
formatted as a time or a duration holds. A tab given as null is missing; `merges` lists merged ranges per tab;
`today` (optional) pins the date, 2026-11-25 otherwise.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

import frictionless
import pandas as pd
import pytest

from handoffs.checks.dates import SERIAL_EPOCH
from handoffs.checks.validate import validate
from handoffs.model.dataset import Dataset
from handoffs.model.schema import INPUT_TABS, ORG_TABS, input_schemas, org_schemas, schema_dir
from handoffs.model.spreadsheet import FormulaWithoutValue, RawTab
from tests import TESTS
from tests.conftest import TODAY

CASES = TESTS / "cases"
BASE = CASES / "base.json"
CASE_FILES = sorted(p for p in CASES.glob("*/*/*.json"))


def cell(value: Any) -> Any:
    """A JSON cell as the backend would hand it over."""
    if not isinstance(value, dict):
        return value
    ((kind, given),) = value.items()
    if kind == "date":
        return dt.date.fromisoformat(given)
    if kind == "datetime":
        return dt.datetime.fromisoformat(given)
    if kind == "serial":
        if isinstance(given, int | float):
            return given
        moment = dt.datetime.fromisoformat(given)
        days = (pd.Timestamp(moment) - SERIAL_EPOCH) / pd.Timedelta(days=1)
        return int(days) if days == int(days) else days
    if kind == "formula":
        return FormulaWithoutValue(given)
    if kind == "float":
        return float(given)
    if kind == "time":
        return dt.time.fromisoformat(given)
    if kind == "duration":
        hours, minutes = given.split(":")
        return dt.timedelta(hours=int(hours), minutes=int(minutes))
    raise ValueError(f"unknown cell marker {kind!r}")


def load_tabs(case: dict[str, Any], org: bool = False) -> dict[str, RawTab]:
    """The case's tabs over the base team's (an organisation's Teams tab stands alone), as the
    backends hand them to the core."""
    base = {} if org else json.loads(BASE.read_text(encoding="utf-8"))["tabs"]
    tabs = base | case.get("tabs", {})
    merges = case.get("merges", {})
    return {
        title: RawTab(title, [[cell(v) for v in row] for row in rows], tuple(merges.get(title, ())))
        for title, rows in tabs.items()
        if rows is not None
    }


def run_case(case: dict[str, Any], org: bool = False) -> Dataset:
    """Validate a case's tabs; `org`: an organisation's Teams tab (docs/rollup.md)."""
    today = dt.date.fromisoformat(case["today"]) if "today" in case else TODAY
    return validate(load_tabs(case, org), today, org_schemas() if org else None)


def problems_of(dataset: Dataset) -> list[list[str]]:
    return [[p.severity, p.tab, p.cell, p.column, p.value, p.message] for p in dataset.report]


def plain(value: Any) -> Any:
    """A frame value as a case file spells it."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        if value == value.normalize():
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


@pytest.mark.parametrize(
    "path", CASE_FILES, ids=[str(p.relative_to(CASES).with_suffix("")) for p in CASE_FILES]
)
def test_case(path: Path) -> None:
    case = json.loads(path.read_text(encoding="utf-8"))
    assert case["description"].strip(), "every case says what it shows"
    expected = [list(p) for p in case["problems"]]
    if path.parent.name == "valid":
        assert all(p[0] == "warning" for p in expected), "a valid case expects warnings only"
    else:
        assert any(p[0] == "error" for p in expected), "an invalid case expects an error"

    dataset = run_case(case, org=path.parent.parent.name in ORG_TABS)

    assert sorted(problems_of(dataset)) == sorted(expected), case["description"]
    for tab, rows in case.get("frames", {}).items():
        frame = dataset.frames[tab]
        fields = sorted({name for row in rows for name in row})
        seen = [{name: plain(row[name]) for name in fields} for _, row in frame.iterrows()]
        assert seen == rows, f"rows of {tab} that reach the figures"


def test_the_base_team_is_valid_and_every_row_counts() -> None:
    base = json.loads(BASE.read_text(encoding="utf-8"))
    dataset = run_case({})
    assert problems_of(dataset) == []
    for name, schema in input_schemas().items():
        assert len(dataset.frames[name]) == len(base["tabs"][schema.title]) - 1, name


def test_every_input_tab_has_valid_and_invalid_cases() -> None:
    schema_files = {path.stem for path in schema_dir().glob("*.json")} - {"generated"}
    every_tab = {*INPUT_TABS, *ORG_TABS}
    assert schema_files == every_tab, "a new sheet_schema/ file needs its case folders"
    for tab in every_tab:
        for kind in ("valid", "invalid"):
            assert list((CASES / tab / kind).glob("*.json")), f"no {tab}/{kind} case"
    assert {p.parent.parent.name for p in CASE_FILES} == every_tab


@pytest.mark.parametrize("tab", [*INPUT_TABS, *ORG_TABS])
def test_every_schema_is_a_valid_table_schema(tab: str) -> None:
    descriptor = json.loads((schema_dir() / f"{tab}.json").read_text(encoding="utf-8"))
    report = frictionless.Schema.validate_descriptor(descriptor)
    assert report.valid, [error.message for error in report.errors]

    # the standard allows properties of our own; ours all start with x-
    schema_keys = set(frictionless.Schema.metadata_profile["properties"])
    assert {k for k in descriptor if k not in schema_keys and not k.startswith("x-")} == set()
    schema = frictionless.Schema.from_descriptor(descriptor)
    for spec in descriptor["fields"]:
        field = schema.get_field(spec["name"])
        known = set(frictionless.Field.metadata_profile["properties"])
        known |= set(getattr(type(field), "metadata_profile_patch", {}).get("properties", {}))
        extra = {k for k in spec if k not in known and not k.startswith("x-")}
        assert extra == set(), f"{tab}.{spec['name']}: not Table Schema, not x-: {extra}"
        # `unique` is checked across rows by frictionless, so it is not a cell constraint there
        supported = {*field.supported_constraints, "unique"}
        assert set(spec.get("constraints", {})) <= supported, f"{tab}.{spec['name']}"
