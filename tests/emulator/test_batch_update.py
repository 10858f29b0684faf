"""spreadsheets.batchUpdate through gspread: atomicity, Google's refusals, and the supported requests."""

from __future__ import annotations

from typing import Any

import gspread
import pytest

from tests.sheets_emulator import SheetsEmulator

BAD_REQUEST = "type.googleapis.com/google.rpc.BadRequest"


@pytest.fixture
def book(emulator: SheetsEmulator, gc: gspread.Client) -> gspread.Spreadsheet:
    return gc.open_by_key(
        emulator.create_spreadsheet("Batch", {"Sheet1": [["a", "b"], ["c", "d"]]})
    )


def refused(book: gspread.Spreadsheet, requests: list[dict[str, Any]]) -> dict[str, Any]:
    with pytest.raises(gspread.exceptions.APIError) as caught:
        book.batch_update({"requests": requests})
    assert caught.value.response.status_code == 400
    return caught.value.response.json()["error"]  # type: ignore[no-any-return]


def test_a_failing_second_request_leaves_the_spreadsheet_untouched(
    emulator: SheetsEmulator, book: gspread.Spreadsheet
) -> None:
    before = emulator.snapshot(book.id)

    error = refused(
        book,
        [
            {"addSheet": {"properties": {"title": "New"}}},
            {"updateCells": {"range": {"sheetId": 999}, "rows": [], "fields": "userEnteredValue"}},
        ],
    )

    assert error == {
        "code": 400,
        "message": "Invalid requests[1].updateCells: No grid with id: 999",
        "status": "INVALID_ARGUMENT",
    }
    assert emulator.snapshot(book.id) == before


def test_a_duplicate_sheet_title_is_refused_in_googles_words(
    emulator: SheetsEmulator, book: gspread.Spreadsheet
) -> None:
    before = emulator.snapshot(book.id)

    error = refused(
        book,
        [
            {
                "updateCells": {
                    "start": {"sheetId": 0},
                    "rows": [{"values": [{"note": "n"}]}],
                    "fields": "note",
                }
            },
            {"addSheet": {"properties": {"title": "sheet1"}}},
        ],
    )

    assert (
        error["message"]
        == 'Invalid requests[1].addSheet: A sheet with the name "sheet1" already exists. Please enter another name.'
    )
    assert emulator.snapshot(book.id) == before


def test_an_unknown_field_is_refused_like_google_refuses_it(
    emulator: SheetsEmulator, book: gspread.Spreadsheet
) -> None:
    error = refused(book, [{"addSheet": {"properties": {"title": "x", "foo": 1}}}])

    message = "Invalid JSON payload received. Unknown name \"foo\" at 'requests[0].add_sheet.properties': Cannot find field."
    assert error == {
        "code": 400,
        "message": message,
        "status": "INVALID_ARGUMENT",
        "details": [
            {
                "@type": BAD_REQUEST,
                "fieldViolations": [
                    {"field": "requests[0].add_sheet.properties", "description": message}
                ],
            }
        ],
    }
    assert [sheet["properties"]["title"] for sheet in emulator.snapshot(book.id)["sheets"]] == [
        "Sheet1"
    ]


def test_an_unknown_request_kind_and_a_wrong_type_are_refused(book: gspread.Spreadsheet) -> None:
    unknown = refused(book, [{"addFoo": {}}])
    assert (
        unknown["message"]
        == "Invalid JSON payload received. Unknown name \"addFoo\" at 'requests[0]': Cannot find field."
    )

    wrong_type = refused(
        book, [{"addSheet": {"properties": {"gridProperties": {"rowCount": "many"}}}}]
    )
    assert wrong_type["message"] == (
        "Invalid value at 'requests[0].add_sheet.properties.grid_properties.row_count' (TYPE_INT32), \"many\""
    )


def test_a_valid_but_unimplemented_request_is_refused_not_ignored(
    book: gspread.Spreadsheet,
) -> None:
    error = refused(book, [{"addBanding": {"bandedRange": {"range": {"sheetId": 0}}}}])

    assert (
        error["message"]
        == "Invalid requests[0].addBanding: addBanding is not supported by the emulator."
    )


def test_replies_come_one_per_request(book: gspread.Spreadsheet) -> None:
    reply = book.batch_update(
        {
            "requests": [
                {
                    "addSheet": {
                        "properties": {
                            "title": "Tab",
                            "gridProperties": {"rowCount": 5, "columnCount": 2},
                        }
                    }
                },
                {
                    "updateSheetProperties": {
                        "properties": {"sheetId": 0, "title": "Renamed"},
                        "fields": "title",
                    }
                },
            ]
        }
    )

    added = reply["replies"][0]["addSheet"]["properties"]
    assert reply["replies"][1] == {}
    assert {key: added[key] for key in ("title", "index", "sheetType", "gridProperties")} == {
        "title": "Tab",
        "index": 1,
        "sheetType": "GRID",
        "gridProperties": {"rowCount": 5, "columnCount": 2},
    }
    assert [ws.title for ws in book.worksheets()] == ["Renamed", "Tab"]


def test_freeze_resize_and_dimension_requests(book: gspread.Spreadsheet) -> None:
    sheet = book.sheet1
    sheet.freeze(rows=1)
    sheet.resize(rows=4, cols=3)
    book.batch_update(
        {
            "requests": [
                {
                    "insertDimension": {
                        "range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 0, "endIndex": 1}
                    }
                },
                {"appendDimension": {"sheetId": 0, "dimension": "COLUMNS", "length": 2}},
                {
                    "deleteDimension": {
                        "range": {
                            "sheetId": 0,
                            "dimension": "COLUMNS",
                            "startIndex": 0,
                            "endIndex": 1,
                        }
                    }
                },
                {
                    "updateDimensionProperties": {
                        "range": {
                            "sheetId": 0,
                            "dimension": "COLUMNS",
                            "startIndex": 0,
                            "endIndex": 1,
                        },
                        "properties": {"pixelSize": 250},
                        "fields": "pixelSize",
                    }
                },
            ]
        }
    )

    meta = book.fetch_sheet_metadata({"includeGridData": "true", "ranges": "Sheet1!A1:B2"})[
        "sheets"
    ][0]
    assert meta["properties"]["gridProperties"] == {
        "rowCount": 5,
        "columnCount": 4,
        "frozenRowCount": 1,
    }
    assert meta["data"][0]["columnMetadata"] == [{"pixelSize": 250}, {"pixelSize": 100}]
    assert book.values_get("Sheet1") == {
        "range": "Sheet1!A1:D5",
        "majorDimension": "ROWS",
        "values": [[], ["b"], ["d"]],
    }


def grid(rows: tuple[int, int], cols: tuple[int, int] | None = None) -> dict[str, int]:
    """A GridRange on sheet 0 from (start, end) row and column indexes."""
    out = {"sheetId": 0, "startRowIndex": rows[0], "endRowIndex": rows[1]}
    if cols is not None:
        out.update(startColumnIndex=cols[0], endColumnIndex=cols[1])
    return out


def test_protection_validation_merge_and_chart_are_stored_and_removable(
    emulator: SheetsEmulator, book: gspread.Spreadsheet
) -> None:
    line = {
        "chartType": "LINE",
        "domains": [{"domain": {"sourceRange": {"sources": [grid((0, 2), (0, 1))]}}}],
        "series": [{"series": {"sourceRange": {"sources": [grid((0, 2), (1, 2))]}}}],
    }
    chart = {
        "spec": {"title": "Hours", "basicChart": line},
        "position": {"overlayPosition": {"anchorCell": {"sheetId": 0, "rowIndex": 3}}},
    }
    rule = {
        "condition": {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": "y"}]},
        "strict": True,
    }
    protection = {"range": grid((0, 1)), "description": "generated", "warningOnly": True}
    reply = book.batch_update(
        {
            "requests": [
                {"addProtectedRange": {"protectedRange": protection}},
                {"setDataValidation": {"range": grid((1, 2), (0, 1)), "rule": rule}},
                {"mergeCells": {"range": grid((0, 1), (0, 2)), "mergeType": "MERGE_ALL"}},
                {"addChart": {"chart": chart}},
            ]
        }
    )
    protected = reply["replies"][0]["addProtectedRange"]["protectedRange"]
    added_chart = reply["replies"][3]["addChart"]["chart"]
    assert protected == {
        "protectedRangeId": protected["protectedRangeId"],
        "range": {"startRowIndex": 0, "endRowIndex": 1},
        "description": "generated",
        "warningOnly": True,
        "requestingUserCanEdit": True,
        "editors": {},
    }
    assert added_chart["position"]["overlayPosition"] == {
        "anchorCell": {"rowIndex": 3},
        "widthPixels": 600,
        "heightPixels": 371,
    }

    sheet = book.fetch_sheet_metadata(
        {"fields": "sheets(merges,protectedRanges(protectedRangeId,editors),charts/chartId)"}
    )["sheets"][0]
    assert sheet == {
        "merges": [
            {"startRowIndex": 0, "endRowIndex": 1, "startColumnIndex": 0, "endColumnIndex": 2}
        ],
        "protectedRanges": [
            {
                "protectedRangeId": protected["protectedRangeId"],
                "editors": {"users": [emulator.account_email]},
            }
        ],
        "charts": [{"chartId": added_chart["chartId"]}],
    }
    assert book.sheet1.get("A1:B1") == [["a"]]
    # Like Sheets, strict validation is not applied to API writes.
    book.sheet1.update([["not in the list"]], "A2")
    assert book.sheet1.acell("A2").value == "not in the list"

    book.batch_update(
        {
            "requests": [
                {"deleteProtectedRange": {"protectedRangeId": protected["protectedRangeId"]}},
                {"deleteEmbeddedObject": {"objectId": added_chart["chartId"]}},
                {"unmergeCells": {"range": grid((0, 1))}},
            ]
        }
    )
    assert set(book.fetch_sheet_metadata()["sheets"][0]) == {"properties"}


def test_update_cells_writes_values_formats_and_notes_visible_in_grid_data(
    book: gspread.Spreadsheet,
) -> None:
    book.batch_update(
        {
            "requests": [
                {
                    "updateCells": {
                        "range": grid((2, 3), (0, 2)),
                        "rows": [
                            {
                                "values": [
                                    {
                                        "userEnteredValue": {"numberValue": 0.25},
                                        "userEnteredFormat": {
                                            "numberFormat": {"type": "PERCENT", "pattern": "0%"},
                                            "textFormat": {"bold": True},
                                        },
                                    },
                                    {
                                        "userEnteredValue": {"formulaValue": "=A3*4"},
                                        "note": "four times",
                                    },
                                ]
                            }
                        ],
                        "fields": "userEnteredValue,userEnteredFormat(numberFormat,textFormat/bold),note",
                    }
                }
            ]
        }
    )

    fields = (
        "sheets.data(startRow,rowData.values(userEnteredValue,effectiveValue,formattedValue,note))"
    )
    metadata = book.fetch_sheet_metadata({"fields": fields, "ranges": "Sheet1!A3:C3"})
    data = metadata["sheets"][0]["data"][0]
    assert data == {
        "startRow": 2,
        "rowData": [
            {
                "values": [
                    {
                        "userEnteredValue": {"numberValue": 0.25},
                        "effectiveValue": {"numberValue": 0.25},
                        "formattedValue": "25%",
                    },
                    {
                        "userEnteredValue": {"formulaValue": "=A3*4"},
                        "effectiveValue": {"numberValue": 1},
                        "formattedValue": "1",
                        "note": "four times",
                    },
                ]
            }
        ],
    }


def test_growing_past_ten_million_cells_is_refused(book: gspread.Spreadsheet) -> None:
    limit = "This action would increase the number of cells in the workbook above the limit of 10000000 cells."

    too_big = {"gridProperties": {"rowCount": 10000, "columnCount": 1000}}
    grow = {"sheetId": 0, "dimension": "ROWS", "length": 400_000}

    added = refused(book, [{"addSheet": {"properties": too_big}}])
    appended = refused(book, [{"appendDimension": grow}])

    assert added["message"] == f"Invalid requests[0].addSheet: {limit}"
    assert appended["message"] == f"Invalid requests[0].appendDimension: {limit}"
