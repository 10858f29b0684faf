"""Finding columns, reading a cell's text and suggesting spellings: one rule each, for every
command (docs/spreadsheet.md#conventions)."""

from __future__ import annotations

import datetime as dt

import pytest

from handoffs.model.lookup import (
    cell_text,
    close_matches,
    column_of,
    columns_of,
    did_you_mean,
    shown,
)
from handoffs.model.schema import input_schemas


@pytest.mark.parametrize(
    ("cell", "text"),
    [
        (None, ""),
        (float("nan"), ""),
        ("  RPT-01 ", "RPT-01"),
        (True, "TRUE"),
        (3.0, "3"),
        (2.5, "2.5"),
        (2**53 + 1, "9007199254740993"),
        (1e308, "1e+308"),
        (dt.date(2026, 11, 5), "2026-11-05"),
        (dt.datetime(2026, 11, 5), "2026-11-05"),
        (dt.datetime(2026, 11, 5, 14, 30), "2026-11-05 14:30"),
        (dt.time(14, 30), "14:30"),
        (dt.time(14, 30, 15), "14:30:15"),
        (dt.timedelta(hours=36), "36:00"),
        (dt.timedelta(minutes=90, seconds=5), "1:30:05"),
    ],
)
def test_a_cell_reads_as_the_text_a_spreadsheet_shows(cell: object, text: str) -> None:
    assert cell_text(cell) == text


def test_a_message_quotes_text_as_typed_and_cuts_it_short() -> None:
    assert shown("  ") == "  "
    assert shown(dt.time(9, 0)) == "09:00"
    assert shown("x" * 100) == "x" * 77 + "..."


def test_a_column_is_found_by_name_title_or_alias_ignoring_case_and_punctuation() -> None:
    spec = input_schemas()["health"].field("format_minutes")
    header = ["Month", None, "format_minutes", " FORMAT translation (min):"]
    assert columns_of(header, spec) == [2, 3]
    assert column_of(header, spec) == 2
    assert column_of(["Month"], spec) is None


def test_close_matches_put_a_whole_word_first_and_keep_the_first_spelling() -> None:
    assert close_matches("lena", ["Aisha Okafor", "Lena Vogel", "Lina Vogel"]) == ["Lena Vogel"]
    assert close_matches("rpt-1", ["RPT-01", "rpt-01", "FC-01"]) == ["RPT-01"]
    assert close_matches("zzz", ["RPT-01"]) == []


def test_did_you_mean_names_the_same_spelling_whatever_the_row_order() -> None:
    assert did_you_mean("rpt-1", ["rpt-01", "RPT-01"]) == " (did you mean RPT-01?)"
    assert did_you_mean("rpt-1", ["RPT-01", "rpt-01"]) == " (did you mean RPT-01?)"
    assert did_you_mean("zzz", ["RPT-01"]) == ""
