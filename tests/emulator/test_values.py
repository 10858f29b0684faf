"""spreadsheets.values.* through the real gspread client: input options, rendering, ranges, append."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import gspread
import pytest
from gspread.http_client import ParamsType
from gspread.utils import ValueInputOption, ValueRenderOption

from tests.sheets_emulator import SheetsEmulator
from tests.sheets_emulator.client import gspread_client

TYPED = [["=2+2", "007", "2026-11-05", "TRUE"]]
SERIAL_2026_11_05 = 46331  # days from 1899-12-30


@pytest.fixture
def book(emulator: SheetsEmulator, gc: gspread.Client) -> gspread.Spreadsheet:
    return gc.open_by_key(emulator.create_spreadsheet("Values"))


def test_user_entered_parses_what_raw_keeps_as_text(book: gspread.Spreadsheet) -> None:
    sheet = book.sheet1
    sheet.update(TYPED, "A1", value_input_option=ValueInputOption.user_entered)
    sheet.update(TYPED, "A2", value_input_option=ValueInputOption.raw)

    assert sheet.get_all_values() == [
        ["4", "7", "2026-11-05", "TRUE"],
        ["=2+2", "007", "2026-11-05", "TRUE"],
    ]
    assert sheet.get("A1:D2", value_render_option=ValueRenderOption.unformatted) == [
        [4, 7, SERIAL_2026_11_05, True],
        ["=2+2", "007", "2026-11-05", "TRUE"],
    ]
    assert sheet.get("A1:D1", value_render_option=ValueRenderOption.formula) == [
        ["=2+2", 7, SERIAL_2026_11_05, True]
    ]


def test_unformatted_serial_number_and_formatted_string_dates(book: gspread.Spreadsheet) -> None:
    book.sheet1.update(
        [["2026-11-05", "1/2/2020", 0.5]], "A1", value_input_option=ValueInputOption.user_entered
    )

    def read(date_option: str) -> object:
        params: ParamsType = {
            "valueRenderOption": "UNFORMATTED_VALUE",
            "dateTimeRenderOption": date_option,
        }
        return book.values_get("Sheet1!A1:C1", params=params)["values"]

    assert read("SERIAL_NUMBER") == [[SERIAL_2026_11_05, 43832, 0.5]]
    assert read("FORMATTED_STRING") == [["2026-11-05", "1/2/2020", 0.5]]


def test_a_plain_text_column_keeps_typed_leading_zeros(
    emulator: SheetsEmulator, book: gspread.Spreadsheet
) -> None:
    book.batch_update(
        {
            "requests": [
                {
                    "repeatCell": {
                        "range": {"sheetId": 0, "startColumnIndex": 0, "endColumnIndex": 1},
                        "cell": {"userEnteredFormat": {"numberFormat": {"type": "TEXT"}}},
                        "fields": "userEnteredFormat.numberFormat",
                    }
                }
            ]
        }
    )
    book.sheet1.update([["007", "007"]], "A1", value_input_option=ValueInputOption.user_entered)

    assert book.sheet1.get("A1:B1", value_render_option=ValueRenderOption.unformatted) == [
        ["007", 7]
    ]


def test_formulas_evaluate_and_unknown_functions_are_name_errors(book: gspread.Spreadsheet) -> None:
    formulas = [
        [
            2,
            3,
            "=A1*B1+1",
            '=HYPERLINK("https://example.com", "docs")',
            "=SPARKLINE(A1:B1)",
            "=NOPE(1)",
        ]
    ]
    book.sheet1.update(formulas, "A1", value_input_option=ValueInputOption.user_entered)

    assert book.sheet1.get("A1:F1") == [["2", "3", "7", "docs", "", "#NAME?"]]
    assert book.sheet1.get("C1:F1", value_render_option=ValueRenderOption.formula) == [
        formulas[0][2:]
    ]


def test_titles_with_spaces_and_apostrophes_are_quoted_like_google(
    book: gspread.Spreadsheet,
) -> None:
    tab = book.add_worksheet("Bob's tab", rows=5, cols=3)
    tab.update([["hi"]], "A1")

    reply = book.values_get("'Bob''s tab'!A1")
    assert reply == {"range": "'Bob''s tab'!A1", "majorDimension": "ROWS", "values": [["hi"]]}
    assert book.values_get("Sheet1!A1")["range"] == "Sheet1!A1"
    book.add_worksheet("Q1", rows=5, cols=3)
    assert book.values_get("Q1!B2")["range"] == "'Q1'!B2"


def test_open_and_whole_column_ranges_are_clipped_to_the_grid(book: gspread.Spreadsheet) -> None:
    ranges = ["Sheet1!A:A", "Sheet1!B2:C", "Sheet1!3:3", "Sheet1!C4:5", "Sheet1"]
    reply = book.values_batch_get(ranges)

    assert [value_range["range"] for value_range in reply["valueRanges"]] == [
        "Sheet1!A1:A1000",
        "Sheet1!B2:C1000",
        "Sheet1!A3:Z3",
        "Sheet1!C4:Z5",
        "Sheet1!A1:Z1000",
    ]
    assert all("values" not in value_range for value_range in reply["valueRanges"])


def test_trailing_blanks_are_trimmed_and_empty_middle_rows_are_empty_lists(
    book: gspread.Spreadsheet,
) -> None:
    book.sheet1.update(
        [["a", "", "c", ""], ["", "", "", ""], ["", "b", "", ""], ["", "", "", ""]], "A1"
    )

    assert book.values_get("Sheet1!A1:D4")["values"] == [["a", "", "c"], [], ["", "b"]]
    columns = book.values_get("Sheet1!A1:D4", params={"majorDimension": "COLUMNS"})
    assert columns == {
        "range": "Sheet1!A1:D4",
        "majorDimension": "COLUMNS",
        "values": [["a"], ["", "", "b"], ["c"]],
    }


def test_append_with_insert_rows_goes_after_the_table_and_grows_the_grid(
    book: gspread.Spreadsheet,
) -> None:
    book.sheet1.update([["Name", "Hours"], ["Ann", 3], ["Bo", 5]], "A1")

    reply = book.values_append(
        "Sheet1!A1",
        {"valueInputOption": "RAW", "insertDataOption": "INSERT_ROWS"},
        {"values": [["Cy", 8]]},
    )

    assert reply["tableRange"] == "Sheet1!A1:B3"
    assert reply["updates"]["updatedRange"] == "Sheet1!A4:B4"
    assert book.sheet1.get_all_values()[3] == ["Cy", "8"]
    assert (
        book.fetch_sheet_metadata()["sheets"][0]["properties"]["gridProperties"]["rowCount"] == 1001
    )


def test_append_across_a_gap_follows_the_table_the_range_points_at(
    book: gspread.Spreadsheet,
) -> None:
    """The range is where Google searches for the table: the whole sheet finds the last block,
    a range at A1 finds the block around A1 (and INSERT_ROWS then pushes the lower block down)."""
    book.sheet1.update([["a", 1], ["b", 2], ["", ""], ["c", 3], ["d", 4]], "A1")

    after_last = book.values_append("Sheet1", {"valueInputOption": "RAW"}, {"values": [["e", 5]]})
    assert (after_last["tableRange"], after_last["updates"]["updatedRange"]) == (
        "Sheet1!A4:B5",
        "Sheet1!A6:B6",
    )

    params: ParamsType = {"valueInputOption": "RAW", "insertDataOption": "INSERT_ROWS"}
    after_first = book.values_append("Sheet1!A1", params, {"values": [["x", 9]]})
    assert (after_first["tableRange"], after_first["updates"]["updatedRange"]) == (
        "Sheet1!A1:B2",
        "Sheet1!A3:B3",
    )
    assert book.sheet1.get_all_values()[:7] == [
        ["a", "1"],
        ["b", "2"],
        ["x", "9"],
        ["", ""],
        ["c", "3"],
        ["d", "4"],
        ["e", "5"],
    ]


def test_append_to_an_empty_sheet_has_no_table_range(book: gspread.Spreadsheet) -> None:
    reply = book.values_append(
        "Sheet1", {"valueInputOption": "USER_ENTERED"}, {"values": [["1", "2"]]}
    )

    assert reply == {
        "spreadsheetId": book.id,
        "updates": {
            "spreadsheetId": book.id,
            "updatedRange": "Sheet1!A1:B1",
            "updatedRows": 1,
            "updatedColumns": 2,
            "updatedCells": 2,
        },
    }


def test_include_values_in_response_renders_the_written_cells(book: gspread.Spreadsheet) -> None:
    reply = book.sheet1.update(
        [["=1+1", "2026-11-05"]],
        "B2",
        value_input_option=ValueInputOption.user_entered,
        include_values_in_response=True,
        response_value_render_option=ValueRenderOption.unformatted,
    )

    assert reply["updatedData"] == {
        "range": "Sheet1!B2:C2",
        "majorDimension": "ROWS",
        "values": [[2, SERIAL_2026_11_05]],
    }


def test_clear_keeps_formats_and_notes(emulator: SheetsEmulator, book: gspread.Spreadsheet) -> None:
    book.sheet1.update([["x", "y"]], "A1")
    book.sheet1.format("A1", {"textFormat": {"bold": True}})
    book.sheet1.insert_note("A1", "keep me")

    assert book.values_clear("Sheet1!A1:B1") == {
        "spreadsheetId": book.id,
        "clearedRange": "Sheet1!A1:B1",
    }
    cells = emulator.snapshot(book.id)["sheets"][0]["cells"]
    assert cells == {"A1": {"userEnteredFormat": {"textFormat": {"bold": True}}, "note": "keep me"}}


def test_batch_clear_names_each_cleared_range(book: gspread.Spreadsheet) -> None:
    book.sheet1.update([["a", "b"], ["c", "d"]], "A1")

    reply = book.values_batch_clear(body={"ranges": ["Sheet1!A1", "B:B"]})

    assert reply["clearedRanges"] == ["Sheet1!A1", "Sheet1!B1:B1000"]
    assert book.values_get("Sheet1")["values"] == [[], ["c"]]


def test_concurrent_appends_are_applied_one_at_a_time(emulator: SheetsEmulator) -> None:
    book_id = emulator.create_spreadsheet("Concurrent", {"Log": [["who", "n"]]})

    def append_rows(who: str) -> None:
        client = gspread_client(emulator.host)
        try:
            for n in range(10):
                client.http_client.values_append(
                    book_id, "Log!A1", {"valueInputOption": "RAW"}, {"values": [[who, n]]}
                )
        finally:
            client.http_client.session.close()

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(append_rows, ["a", "b", "c", "d"]))

    cells = emulator.snapshot(book_id)["sheets"][0]["cells"]
    appended = [
        (cells[f"A{row}"]["userEnteredValue"]["stringValue"], cells[f"B{row}"]["userEnteredValue"])
        for row in range(2, 42)
    ]
    assert len(cells) == 2 + 40 * 2  # the header and 40 whole rows: nothing overwritten
    for who in "abcd":
        assert [n for w, n in appended if w == who] == [{"numberValue": n} for n in range(10)]
