"""The emulator's parts on their own: A1 notation, number formats, formulas, field masks, discovery."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.emulator.test_fidelity_replay import CASSETTES, DRIVE
from tests.sheets_emulator import ResponseMismatch, check_response
from tests.sheets_emulator.a1 import (
    A1Error,
    A1Range,
    Rect,
    column_index,
    column_letters,
    format_a1,
    parse_a1,
    quote_title,
)
from tests.sheets_emulator.api import ApiError
from tests.sheets_emulator.discovery import validate_body
from tests.sheets_emulator.fieldmask import apply_mask, apply_update, parse_mask
from tests.sheets_emulator.formula import ErrorValue, evaluate
from tests.sheets_emulator.model import new_sheet
from tests.sheets_emulator.numfmt import (
    datetime_from_serial,
    format_number,
    parse_user_entered,
    serial_from_datetime,
)
from tests.sheets_emulator.server import route
from tests.sheets_emulator.values import find_table


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sheet1!A1:B2", A1Range("Sheet1", Rect(0, 0, 2, 2))),
        ("'Bob''s tab'!C3", A1Range("Bob's tab", Rect(2, 2, 3, 3))),
        (
            "🌵 test_values_batch_get 1!A:A",
            A1Range("🌵 test_values_batch_get 1", Rect(0, 0, None, 1)),
        ),
        ("'Sheet1'!A2:2", A1Range("Sheet1", Rect(1, 0, 2, None))),
        ("Sheet1!2:4", A1Range("Sheet1", Rect(1, 0, 4, None))),
        ("A2:C", A1Range(None, Rect(1, 0, None, 3))),
        ("b2:a1", A1Range(None, Rect(0, 0, 2, 2))),
        ("'My tab'", A1Range("My tab", None)),
        ("Sheet1", A1Range("Sheet1", None)),
    ],
)
def test_a1_ranges_parse_as_google_reads_them(text: str, expected: A1Range) -> None:
    assert parse_a1(text) == expected


@pytest.mark.parametrize(
    "text", ["", "Sheet1!A0", "Sheet1!", "'unterminated!A1", "''!A1", "Sheet1!A1:B2:C3"]
)
def test_malformed_a1_is_refused(text: str) -> None:
    with pytest.raises(A1Error):
        parse_a1(text)


@pytest.mark.parametrize(
    ("title", "quoted"),
    [
        ("Sheet1", "Sheet1"),
        ("D3", "'D3'"),
        ("R1C1", "'R1C1'"),
        ("My tab", "'My tab'"),
        ("Bob's", "'Bob''s'"),
        ("_x", "_x"),
    ],
)
def test_titles_are_quoted_only_when_google_quotes_them(title: str, quoted: str) -> None:
    assert quote_title(title) == quoted


@given(st.integers(min_value=0, max_value=18277))
def test_column_letters_round_trip(index: int) -> None:
    assert column_index(column_letters(index)) == index


@given(
    st.text(min_size=1, max_size=20).filter(lambda t: "!" not in t),
    st.integers(0, 999),
    st.integers(0, 25),
    st.integers(1, 50),
    st.integers(1, 5),
)
def test_formatted_ranges_parse_back_to_the_same_cells(
    title: str, row: int, col: int, height: int, width: int
) -> None:
    rect = Rect(row, col, row + height, col + width)
    assert parse_a1(format_a1(title, rect)) == A1Range(title, rect)


@given(st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(2200, 1, 1)))
def test_serial_numbers_round_trip_to_the_second(moment: datetime) -> None:
    moment = moment.replace(microsecond=0)
    assert datetime_from_serial(serial_from_datetime(moment)) == moment


def test_serial_numbers_count_days_from_1899_12_30() -> None:
    assert serial_from_datetime(datetime(2020, 1, 1)) == 43831
    assert serial_from_datetime(datetime(1900, 1, 1, 12)) == 2.5
    assert datetime_from_serial(36162) == datetime(1999, 1, 2)
    assert datetime_from_serial(0.75) == datetime(1899, 12, 30) + timedelta(hours=18)


@pytest.mark.parametrize(
    ("typed", "entered", "number_format"),
    [
        ("007", {"numberValue": 7.0}, None),
        ("=A1", {"formulaValue": "=A1"}, None),
        ("'=A1", {"stringValue": "=A1"}, None),
        ("true", {"boolValue": True}, None),
        ("1,234.5", {"numberValue": 1234.5}, {"type": "NUMBER", "pattern": "#,##0.00"}),
        ("12.5%", {"numberValue": 0.125}, {"type": "PERCENT", "pattern": "0.00%"}),
        ("-$3", {"numberValue": -3.0}, {"type": "CURRENCY", "pattern": '"$"#,##0.00'}),
        ("2026-11-05", {"numberValue": 46331.0}, {"type": "DATE", "pattern": "yyyy-mm-dd"}),
        (
            "11/5/2026 13:30",
            {"numberValue": 46331 + 13.5 / 24},
            {"type": "DATE_TIME", "pattern": "M/d/yyyy H:mm:ss"},
        ),
        ("2:30 PM", {"numberValue": 14.5 / 24}, {"type": "TIME", "pattern": "h:mm:ss am/pm"}),
        ("2026-02-30", {"stringValue": "2026-02-30"}, None),
        ("1e3", {"numberValue": 1000.0}, {"type": "SCIENTIFIC", "pattern": "0.00E+00"}),
        ("HR-7", {"stringValue": "HR-7"}, None),
    ],
)
def test_user_entered_text_is_read_as_sheets_reads_typing(
    typed: str, entered: dict[str, Any], number_format: Any
) -> None:
    assert parse_user_entered(typed) == (entered, number_format)


@pytest.mark.parametrize(
    ("value", "number_format", "shown"),
    [
        (1, None, "1"),
        (1.45, None, "1.45"),
        (0.1 + 0.2, None, "0.3"),
        (1e20, None, "1E+20"),
        (-2.5, None, "-2.5"),
        (43831, {"type": "DATE", "pattern": "yyyy-mm-dd"}, "2020-01-01"),
        (43832, {"type": "DATE"}, "1/2/2020"),
        (
            43832.75,
            {"type": "DATE_TIME", "pattern": "ddd d mmm yyyy hh:mm"},
            "Thu 2 Jan 2020 18:00",
        ),
        (0.5625, {"type": "TIME", "pattern": "h:mm am/pm"}, "1:30 PM"),
        (1234.567, {"type": "NUMBER", "pattern": "#,##0.00"}, "1,234.57"),
        (0.125, {"type": "PERCENT", "pattern": "0.0%"}, "12.5%"),
        (-3, {"type": "CURRENCY", "pattern": '"$"#,##0.00;("$"#,##0.00)'}, "($3.00)"),
        (12345, {"type": "SCIENTIFIC", "pattern": "0.00E+00"}, "1.23E+04"),
        (7, {"type": "NUMBER", "pattern": "000"}, "007"),
    ],
)
def test_numbers_are_shown_like_sheets_in_en_us(
    value: float, number_format: Any, shown: str
) -> None:
    assert format_number(float(value), number_format) == shown


class Cells:
    """A formula context over a dict of A1 cells on one sheet."""

    def __init__(self, values: dict[tuple[int, int], Any]) -> None:
        self.values = values

    def cell(self, title: str | None, row: int, col: int) -> Any:
        return self.values.get((row, col))

    def block(self, title: str | None, rect: Rect) -> list[list[Any]]:
        return [
            [self.values.get((r, c)) for c in range(rect.col0, rect.col1 or 0)]
            for r in range(rect.row0, rect.row1 or 0)
        ]


@pytest.mark.parametrize(
    ("formula", "result"),
    [
        ("=4/2", 2.0),
        ("=2+2*3^2", 20.0),
        ("=-(1+1)%", -0.02),
        ("=A1+B1", 5.0),
        ("=SUM(A1:B2)", 9.0),
        ('=A1&" items"', "2 items"),
        ('=IF(A1>1, "big", "small")', "big"),
        ('=HYPERLINK("https://example.com", "docs")', "docs"),
        ("=SPARKLINE(A1:B1)", None),
        ("=1/0", ErrorValue("DIVIDE_BY_ZERO", "Function DIVIDE parameter 2 cannot be zero.")),
        ("=IFERROR(1/0, 7)", 7.0),
        ("=NOPE(1)", ErrorValue("NAME", "Unknown function: 'NOPE'.")),
        ("=1+", ErrorValue("ERROR", "Formula parse error.")),
    ],
)
def test_formulas_evaluate_or_fail_like_sheets(formula: str, result: Any) -> None:
    assert (
        evaluate(formula, Cells({(0, 0): 2.0, (0, 1): 3.0, (1, 0): 4.0, (1, 1): "text"})) == result
    )


@pytest.mark.parametrize(
    ("filled", "area", "table"),
    [
        (["A1", "C1"], None, "C1"),
        (["A1", "B1", "B2", "C3"], None, "A1:C3"),
        (["A1", "B1", "A2", "C3"], None, "C3"),
        (["A1", "A2", "A4", "B5"], None, "A4:B5"),
        (["A1", "A2", "A4", "B5"], "A1", "A1:A2"),
        (["B2"], "A1", None),
    ],
)
def test_append_finds_the_current_region_of_the_last_value(
    filled: list[str], area: str | None, table: str | None
) -> None:
    sheet = new_sheet(0, "Sheet1")
    for ref in filled:
        rect = parse_a1(ref).rect
        assert rect is not None
        sheet.cell(rect.row0, rect.col0)["userEnteredValue"] = {"stringValue": ref}
    searched = parse_a1(area).rect if area else sheet.whole()
    assert searched is not None

    found = find_table(sheet, searched)

    assert (format_a1("Sheet1", found).split("!")[1] if found else None) == table


def test_field_masks_accept_dots_slashes_and_groups() -> None:
    tree = parse_mask("sheets(properties/title,merges),spreadsheetId")
    book = {
        "spreadsheetId": "x",
        "sheets": [{"properties": {"title": "A", "index": 0}, "merges": [], "charts": [1]}],
    }

    assert apply_mask(book, tree) == {
        "spreadsheetId": "x",
        "sheets": [{"properties": {"title": "A"}, "merges": []}],
    }
    cell = {"note": "old", "userEnteredFormat": {"textFormat": {"bold": True, "italic": True}}}
    apply_update(
        cell,
        {"userEnteredFormat": {"textFormat": {"bold": False}}},
        parse_mask("note,userEnteredFormat.textFormat.bold"),
    )
    assert cell == {"userEnteredFormat": {"textFormat": {"bold": False, "italic": True}}}


def test_request_bodies_report_every_problem_with_snake_case_paths() -> None:
    with pytest.raises(ApiError) as caught:
        validate_body(
            "sheets.spreadsheets.batchUpdate",
            {
                "requests": [{"addSheet": {"properties": {"titel": "x", "index": "first"}}}],
                "bogus": True,
            },
        )

    assert caught.value.message.split("\n") == [
        "Invalid JSON payload received. Unknown name \"titel\" at 'requests[0].add_sheet.properties': Cannot find field.",
        "Invalid value at 'requests[0].add_sheet.properties.index' (TYPE_INT32), \"first\"",
        'Invalid JSON payload received. Unknown name "bogus": Cannot find field.',
    ]
    assert caught.value.details == [
        {
            "@type": "type.googleapis.com/google.rpc.BadRequest",
            "fieldViolations": [
                {
                    "field": "requests[0].add_sheet.properties",
                    "description": caught.value.message.split("\n")[0],
                },
                {
                    "field": "requests[0].add_sheet.properties.index",
                    "description": caught.value.message.split("\n")[1],
                },
                {"description": caught.value.message.split("\n")[2]},
            ],
        }
    ]


def recorded_replies() -> list[Any]:
    if not CASSETTES.is_dir():
        return [
            pytest.param(None, None, marks=pytest.mark.skip(reason=f"no cassettes at {CASSETTES}"))
        ]
    found = []
    for path in sorted(CASSETTES.glob("*.json")):
        for number, interaction in enumerate(
            json.loads(path.read_text(encoding="utf-8"))["interactions"]
        ):
            request, response = interaction["request"], interaction["response"]
            if request["uri"].startswith(DRIVE) or response["status"]["code"] != 200:
                continue
            raw_path = request["uri"].removeprefix("https://sheets.googleapis.com").split("?")[0]
            served = route(request["method"], raw_path)
            assert served is not None, request["uri"]
            found.append(
                pytest.param(
                    served[0], json.loads(response["body"]["string"]), id=f"{path.stem}-{number}"
                )
            )
    return found


@pytest.mark.parametrize(("method_id", "reply"), recorded_replies())
def test_check_response_accepts_every_reply_google_actually_sent(
    method_id: str, reply: Any
) -> None:
    check_response(method_id, reply)


def test_check_response_rejects_unknown_fields_and_enum_values() -> None:
    with pytest.raises(ResponseMismatch, match='Unknown name "sheetID"'):
        check_response(
            "sheets.spreadsheets.batchUpdate",
            {"replies": [{"addSheet": {"properties": {"sheetID": 1}}}]},
        )
    with pytest.raises(ResponseMismatch, match="majorDimension"):
        check_response(
            "sheets.spreadsheets.values.get", {"range": "A1", "majorDimension": "DIAGONAL"}
        )
