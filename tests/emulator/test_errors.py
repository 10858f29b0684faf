"""Google's refusals, byte for byte where Google's wording is known."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import gspread
import pytest
import requests

from tests.sheets_emulator import SheetsEmulator

API = "https://sheets.googleapis.com/v4/spreadsheets"


def error_of(response: requests.Response) -> dict[str, Any]:
    assert response.headers["Content-Type"] == "application/json; charset=UTF-8"
    return response.json()["error"]  # type: ignore[no-any-return]


def test_an_unknown_spreadsheet_is_404_not_found(
    session: requests.Session, gc: gspread.Client
) -> None:
    response = session.get(f"{API}/no-such-id", params={"includeGridData": "false"})

    assert response.status_code == 404
    assert error_of(response) == {
        "code": 404,
        "message": "Requested entity was not found.",
        "status": "NOT_FOUND",
    }
    with pytest.raises(gspread.exceptions.SpreadsheetNotFound):
        gc.open_by_key("no-such-id")


@pytest.mark.parametrize(
    "bad_range", ["Nope!A1", "Sheet1!A0", "Sheet1!A1:", "'Sheet1", "Sheet1!1A"]
)
def test_a_bad_range_or_unknown_title_is_unable_to_parse(
    emulator: SheetsEmulator, session: requests.Session, bad_range: str
) -> None:
    book = emulator.create_spreadsheet("Errors")

    response = session.get(f"{API}/{book}/values/{quote(bad_range, safe='')}")

    assert response.status_code == 400
    assert error_of(response) == {
        "code": 400,
        "message": f"Unable to parse range: {bad_range}",
        "status": "INVALID_ARGUMENT",
    }


def test_writing_outside_the_grid_is_refused(emulator: SheetsEmulator, gc: gspread.Client) -> None:
    sheet = gc.open_by_key(emulator.create_spreadsheet("Errors")).sheet1

    with pytest.raises(gspread.exceptions.APIError) as below:
        sheet.update([["x"], ["y"]], "A1000")
    with pytest.raises(gspread.exceptions.APIError) as right:
        sheet.update([["x"]], "AA1")

    assert (
        below.value.error["message"]
        == "Range (Sheet1!A1000:A1001) exceeds grid limits. Max rows: 1000, max columns: 26"
    )
    assert (
        right.value.error["message"]
        == "Range (Sheet1!AA1) exceeds grid limits. Max rows: 1000, max columns: 26"
    )
    assert emulator.snapshot(sheet.spreadsheet_id)["sheets"][0]["cells"] == {}


def test_reading_from_outside_the_grid_is_refused_and_a_range_reaching_past_it_is_clipped(
    emulator: SheetsEmulator, gc: gspread.Client
) -> None:
    book = gc.open_by_key(emulator.create_spreadsheet("Errors"))

    with pytest.raises(gspread.exceptions.APIError) as outside:
        book.values_get("Sheet1!A1001:B1002")

    assert (
        outside.value.error["message"]
        == "Range (Sheet1!A1001:B1002) exceeds grid limits. Max rows: 1000, max columns: 26"
    )
    assert book.values_get("Sheet1!Y999:AB1200")["range"] == "Sheet1!Y999:Z1000"


def test_writing_more_than_a_bounded_range_holds_is_refused(
    emulator: SheetsEmulator, gc: gspread.Client
) -> None:
    sheet = gc.open_by_key(emulator.create_spreadsheet("Errors")).sheet1

    with pytest.raises(gspread.exceptions.APIError) as wide:
        sheet.update([["a", "b", "c"]], "A1:B1")
    with pytest.raises(gspread.exceptions.APIError) as tall:
        sheet.update([["a"], ["b"]], "C3:D3")

    assert (
        wide.value.error["message"]
        == "Requested writing within range ['Sheet1'!A1:B1], but tried writing to column [C]"
    )
    assert (
        tall.value.error["message"]
        == "Requested writing within range ['Sheet1'!C3:D3], but tried writing to row [4]"
    )


def test_a_malformed_values_body_is_refused_with_field_violations(
    emulator: SheetsEmulator, session: requests.Session
) -> None:
    book = emulator.create_spreadsheet("Errors")

    response = session.put(
        f"{API}/{book}/values/A1", params={"valueInputOption": "RAW"}, json={"values": "X"}
    )

    message = (
        "Invalid value at 'data.values' (type.googleapis.com/google.protobuf.ListValue), \"X\""
    )
    assert error_of(response)["details"] == [
        {
            "@type": "type.googleapis.com/google.rpc.BadRequest",
            "fieldViolations": [{"field": "data.values", "description": message}],
        }
    ]


def test_query_parameters_are_checked_against_the_discovery_document(
    emulator: SheetsEmulator, session: requests.Session
) -> None:
    book = emulator.create_spreadsheet("Errors")

    unknown = session.get(f"{API}/{book}/values/A1", params={"valueRenderOptions": "FORMULA"})
    bad_enum = session.put(
        f"{API}/{book}/values/A1", params={"valueInputOption": "TYPED"}, json={"values": [[1]]}
    )
    missing = session.put(f"{API}/{book}/values/A1", json={"values": [[1]]})
    mixed_case_bool = session.get(f"{API}/{book}", params={"includeGridData": "False"})

    assert error_of(unknown)["message"] == (
        'Invalid JSON payload received. Unknown name "valueRenderOptions": Cannot bind query parameter. '
        "Field 'valueRenderOptions' could not be found in request message."
    )
    assert error_of(bad_enum)["message"] == (
        "Invalid value at 'value_input_option' (type.googleapis.com/google.apps.sheets.v4.ValueInputOption), \"TYPED\""
    )
    assert error_of(missing)["message"] == "'valueInputOption' is required but not specified"
    assert mixed_case_bool.status_code == 200


def test_unserved_paths_and_drive_get_googles_html_404(
    emulator: SheetsEmulator, session: requests.Session, gc: gspread.Client
) -> None:
    response = session.get("https://sheets.googleapis.com/v4/nothing-here")

    assert response.status_code == 404
    assert response.headers["Content-Type"] == "text/html; charset=UTF-8"
    assert "Error 404 (Not Found)!!1" in response.text
    with pytest.raises(gspread.exceptions.APIError):
        gc.list_spreadsheet_files()
    assert emulator.requests[-1].path == "/drive/v3/files"


def test_a_growing_append_past_ten_million_cells_is_refused(
    emulator: SheetsEmulator, session: requests.Session
) -> None:
    book = emulator.create_spreadsheet("Big")
    session.post(
        f"{API}/{book}:batchUpdate",
        json={
            "requests": [
                {
                    "updateSheetProperties": {
                        "properties": {
                            "sheetId": 0,
                            "gridProperties": {"rowCount": 384615, "columnCount": 26},
                        },
                        "fields": "gridProperties.rowCount",
                    }
                }
            ]
        },
    ).raise_for_status()

    response = session.post(
        f"{API}/{book}/values/Sheet1!A1:append",
        params={"valueInputOption": "RAW", "insertDataOption": "INSERT_ROWS"},
        json={"values": [["x"]]},
    )

    assert error_of(response)["message"] == (
        "This action would increase the number of cells in the workbook above the limit of 10000000 cells."
    )


TOO_LONG = "Your input contains more than the maximum of 50000 characters in a single cell."


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("PUT", "values/Sheet1!B2?valueInputOption=RAW", {"values": [["ok", "x" * 50_001]]}),
        (
            "POST",
            "values/Sheet1!A1:append?valueInputOption=USER_ENTERED",
            {"values": [["x" * 50_001]]},
        ),
        (
            "POST",
            "values:batchUpdate",
            {
                "valueInputOption": "RAW",
                "data": [
                    {"range": "Sheet1!A1", "values": [["fits"]]},
                    {"range": "Sheet1!A2", "values": [["x" * 50_001]]},
                ],
            },
        ),
        (
            ":batchUpdate",
            "updateCells",
            {"stringValue": "x" * 50_001},
        ),
        (
            ":batchUpdate",
            "appendCells",
            {"formulaValue": '="' + "x" * 50_000 + '"'},
        ),
    ],
    ids=["values.update", "values.append", "values.batchUpdate", "updateCells", "appendCells"],
)
def test_more_than_50000_characters_in_one_cell_is_refused_and_nothing_is_written(
    emulator: SheetsEmulator, session: requests.Session, method: str, path: str, body: Any
) -> None:
    book = emulator.create_spreadsheet("Errors", {"Sheet1": [["kept"]]})
    before = emulator.snapshot(book)
    if method == ":batchUpdate":
        cells = [{"values": [{"userEnteredValue": {"stringValue": "fits"}}]}]
        cells.append({"values": [{"userEnteredValue": body}]})
        request: dict[str, Any] = {"rows": cells, "fields": "userEnteredValue"}
        if path == "updateCells":
            request["start"] = {"sheetId": 0, "rowIndex": 1, "columnIndex": 0}
        else:
            request["sheetId"] = 0
        response = session.post(f"{API}/{book}:batchUpdate", json={"requests": [{path: request}]})
    else:
        response = session.request(method, f"{API}/{book}/{path}", json=body)

    assert response.status_code == 400
    where = {
        "values:batchUpdate": "Invalid data[1]: ",
        "updateCells": "Invalid requests[0].updateCells: ",
    }
    where["appendCells"] = "Invalid requests[0].appendCells: "
    message = where.get(path, "") + TOO_LONG
    assert error_of(response) == {"code": 400, "message": message, "status": "INVALID_ARGUMENT"}
    assert emulator.snapshot(book) == before


def test_exactly_50000_characters_fit_in_one_cell(
    emulator: SheetsEmulator, session: requests.Session
) -> None:
    book = emulator.create_spreadsheet("Errors")
    response = session.put(
        f"{API}/{book}/values/Sheet1!A1?valueInputOption=RAW", json={"values": [["x" * 50_000]]}
    )
    assert response.status_code == 200
    got = session.get(f"{API}/{book}/values/Sheet1!A1").json()
    assert len(got["values"][0][0]) == 50_000
