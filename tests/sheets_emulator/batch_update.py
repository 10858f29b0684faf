"""spreadsheets.batchUpdate: all requests are checked, applied to a copy, and kept only if all succeed.

Errors read like Google's ("Invalid requests[1].addSheet: A sheet with the name ..."). A request
kind that the discovery document defines but the emulator does not implement is refused with
"... is not supported by the emulator." rather than ignored.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from . import spreadsheets
from .api import ApiError, Call, bad_request
from .batch_objects import (
    Reply,
    add_chart,
    add_protected_range,
    cells_in,
    delete_embedded_object,
    delete_protected_range,
    merge_cells,
    set_data_validation,
    target,
    unmerge_cells,
    unsupported,
)
from .cells import update_cell, write_rows
from .discovery import mask_problems
from .fieldmask import MaskError, MaskTree, apply_update, parse_mask
from .model import (
    Sheet,
    Spreadsheet,
    Store,
    new_sheet,
    sheet_properties_json,
)

Handler = Callable[[Spreadsheet, dict[str, Any], Store], Reply]


def _fields(request: dict[str, Any], schema_name: str) -> MaskTree:
    text = request.get("fields")
    if not text:
        raise bad_request("'fields' is required but not specified")
    try:
        tree = parse_mask(text)
    except MaskError:
        raise bad_request(f"Invalid field mask: {text}") from None
    problems = mask_problems(schema_name, tree)
    if problems:
        raise bad_request(f"Invalid field: {problems[0]}")
    return tree


def add_sheet(book: Spreadsheet, request: dict[str, Any], store: Store) -> Reply:
    props = request.get("properties") or {}
    if props.get("sheetType", "GRID") != "GRID":
        raise unsupported(f"A sheet of type {props['sheetType']}")
    title = props.get("title")
    if not title:
        number = len(book.sheets) + 1
        while book.sheet_by_title(f"Sheet{number}"):
            number += 1
        title = f"Sheet{number}"
    if book.sheet_by_title(title):
        raise bad_request(
            f'A sheet with the name "{title}" already exists. Please enter another name.'
        )
    taken = {sheet.sheet_id for sheet in book.sheets}
    if "sheetId" in props and props["sheetId"] in taken:
        raise bad_request(f"A sheet with the id {props['sheetId']} already exists.")
    sheet_id = props["sheetId"] if "sheetId" in props else store.new_object_id(taken)
    grid = props.get("gridProperties") or {}
    sheet = new_sheet(sheet_id, title, grid.get("rowCount", 1000), grid.get("columnCount", 26))
    book.check_cell_limit(sheet.rows * sheet.cols)
    sheet.grid.update(
        {key: value for key, value in grid.items() if key not in ("rowCount", "columnCount")}
    )
    sheet.properties.update(
        {
            key: copy.deepcopy(props[key])
            for key in ("hidden", "tabColor", "tabColorStyle", "rightToLeft")
            if key in props
        }
    )
    book.sheets.insert(min(props.get("index", len(book.sheets)), len(book.sheets)), sheet)
    book.reindex()
    return {"properties": sheet_properties_json(sheet)}


def delete_sheet(book: Spreadsheet, request: dict[str, Any], store: Store) -> Reply:
    sheet = book.sheet_by_id(request.get("sheetId", 0))
    if len(book.sheets) == 1:
        raise bad_request("You can't remove all the sheets in a document.")
    book.sheets.remove(sheet)
    book.reindex()
    return None


def update_sheet_properties(book: Spreadsheet, request: dict[str, Any], store: Store) -> Reply:
    props = request.get("properties") or {}
    tree = _fields(request, "SheetProperties")
    sheet = book.sheet_by_id(props.get("sheetId", 0))
    updated = copy.deepcopy(sheet.properties)
    apply_update(updated, props, tree)
    if updated.get("sheetId", 0) != sheet.sheet_id or updated.get("sheetType", "GRID") != "GRID":
        raise bad_request("A sheet's id and type cannot be changed.")
    title = updated.get("title")
    if not title:
        raise bad_request("A sheet's title cannot be empty.")
    clash = book.sheet_by_title(title)
    if clash is not None and clash is not sheet:
        raise bad_request(
            f'A sheet with the name "{title}" already exists. Please enter another name.'
        )
    grid = updated.setdefault("gridProperties", {})
    rows, cols = grid.get("rowCount", 0), grid.get("columnCount", 0)
    if rows < 1 or cols < 1:
        raise bad_request("A sheet must keep at least one row and one column.")
    book.check_cell_limit(rows * cols - sheet.rows * sheet.cols)
    if grid.get("frozenRowCount", 0) >= rows:
        raise bad_request("You can't freeze all visible rows on the sheet.")
    if grid.get("frozenColumnCount", 0) >= cols:
        raise bad_request("You can't freeze all visible columns on the sheet.")
    old_index, new_index = sheet.properties.get("index", 0), updated.get("index", 0)
    sheet.properties = updated
    sheet.resize(rows, cols)
    if new_index != old_index:
        # Google counts the target index "before the move": index 2 puts S1 between S2 and S3.
        book.sheets.remove(sheet)
        book.sheets.insert(
            max(0, min(new_index - (new_index > old_index), len(book.sheets))), sheet
        )
    book.reindex()
    return None


def update_spreadsheet_properties(
    book: Spreadsheet, request: dict[str, Any], store: Store
) -> Reply:
    apply_update(
        book.properties, request.get("properties") or {}, _fields(request, "SpreadsheetProperties")
    )
    return None


def update_cells(book: Spreadsheet, request: dict[str, Any], store: Store) -> Reply:
    tree = _fields(request, "CellData")
    rows = request.get("rows") or []
    if "start" in request:
        start = request["start"]
        sheet = book.sheet_by_id(start.get("sheetId", 0))
        write_rows(sheet, start.get("rowIndex", 0), start.get("columnIndex", 0), rows, tree)
        return None
    sheet, rect = target(book, request.get("range") or {})
    for row, col in cells_in(rect):
        line = rows[row - rect.row0].get("values") or [] if row - rect.row0 < len(rows) else []
        data = line[col - rect.col0] if col - rect.col0 < len(line) else {}
        update_cell(sheet, row, col, data or {}, tree)
    return None


def append_cells(book: Spreadsheet, request: dict[str, Any], store: Store) -> Reply:
    if "tableId" in request:
        raise unsupported("appendCells into a table")
    sheet = book.sheet_by_id(request.get("sheetId", 0))
    rows = request.get("rows") or []
    start = max(
        (row + 1 for (row, _), cell in sheet.cells.items() if "userEnteredValue" in cell), default=0
    )
    width = max((len(row.get("values") or []) for row in rows), default=0)
    new_rows, new_cols = max(sheet.rows, start + len(rows)), max(sheet.cols, width)
    book.check_cell_limit(new_rows * new_cols - sheet.rows * sheet.cols)
    sheet.resize(new_rows, new_cols)
    write_rows(sheet, start, 0, rows, _fields(request, "CellData"))
    return None


def repeat_cell(book: Spreadsheet, request: dict[str, Any], store: Store) -> Reply:
    tree = _fields(request, "CellData")
    sheet, rect = target(book, request.get("range") or {})
    for row, col in cells_in(rect):
        update_cell(sheet, row, col, request.get("cell") or {}, tree)
    return None


def _dimension(book: Spreadsheet, dimension_range: dict[str, Any]) -> tuple[Sheet, str, int, int]:
    sheet = book.sheet_by_id(dimension_range.get("sheetId", 0))
    dimension = dimension_range.get("dimension", "DIMENSION_UNSPECIFIED")
    if dimension not in ("ROWS", "COLUMNS"):
        raise bad_request("range.dimension must be ROWS or COLUMNS.")
    size = sheet.rows if dimension == "ROWS" else sheet.cols
    start, end = dimension_range.get("startIndex", 0), dimension_range.get("endIndex", size)
    if not 0 <= start <= end:
        raise bad_request(
            "The start index of the range must be less than or equal to the end index."
        )
    return sheet, dimension, start, end


def append_dimension(book: Spreadsheet, request: dict[str, Any], store: Store) -> Reply:
    sheet = book.sheet_by_id(request.get("sheetId", 0))
    length = request.get("length", 0)
    if length < 1:
        raise bad_request("length must be greater than zero.")
    rows, cols = (
        (sheet.rows + length, sheet.cols)
        if request.get("dimension") == "ROWS"
        else (sheet.rows, sheet.cols + length)
    )
    book.check_cell_limit(rows * cols - sheet.rows * sheet.cols)
    sheet.resize(rows, cols)
    return None


def insert_dimension(book: Spreadsheet, request: dict[str, Any], store: Store) -> Reply:
    sheet, dimension, start, end = _dimension(book, request.get("range") or {})
    size, count = (sheet.rows, end - start) if dimension == "ROWS" else (sheet.cols, end - start)
    if start > size or count < 1:
        raise bad_request(
            f"The range to insert must start within the sheet (at most {size}) and not be empty."
        )
    if request.get("inheritFromBefore") and start == 0:
        raise bad_request("Cannot inherit from before when inserting at index 0.")
    book.check_cell_limit(count * (sheet.cols if dimension == "ROWS" else sheet.rows))
    sheet.insert(dimension, start, count)
    meta = sheet.row_meta if dimension == "ROWS" else sheet.col_meta
    source = start - 1 if request.get("inheritFromBefore") else start + count
    for index in range(start, end):
        if source in meta:
            meta[index] = copy.deepcopy(meta[source])
    return None


def delete_dimension(book: Spreadsheet, request: dict[str, Any], store: Store) -> Reply:
    sheet, dimension, start, end = _dimension(book, request.get("range") or {})
    size = sheet.rows if dimension == "ROWS" else sheet.cols
    end = min(end, size)
    if start == 0 and end >= size:
        raise bad_request(f"You can't delete all the {dimension.lower()} on the sheet.")
    if start < end:
        sheet.delete(dimension, start, end)
    return None


def update_dimension_properties(book: Spreadsheet, request: dict[str, Any], store: Store) -> Reply:
    if "dataSourceSheetRange" in request:
        raise unsupported("updateDimensionProperties on a data source sheet")
    tree = _fields(request, "DimensionProperties")
    sheet, dimension, start, end = _dimension(book, request.get("range") or {})
    meta = sheet.row_meta if dimension == "ROWS" else sheet.col_meta
    for index in range(start, min(end, sheet.rows if dimension == "ROWS" else sheet.cols)):
        entry = meta.setdefault(index, {})
        apply_update(entry, request.get("properties") or {}, tree)
        if not entry:
            del meta[index]
    return None


HANDLERS: dict[str, Handler] = {
    "addSheet": add_sheet,
    "deleteSheet": delete_sheet,
    "updateSheetProperties": update_sheet_properties,
    "updateSpreadsheetProperties": update_spreadsheet_properties,
    "updateCells": update_cells,
    "appendCells": append_cells,
    "repeatCell": repeat_cell,
    "setDataValidation": set_data_validation,
    "appendDimension": append_dimension,
    "insertDimension": insert_dimension,
    "deleteDimension": delete_dimension,
    "updateDimensionProperties": update_dimension_properties,
    "mergeCells": merge_cells,
    "unmergeCells": unmerge_cells,
    "addProtectedRange": add_protected_range,
    "deleteProtectedRange": delete_protected_range,
    "addChart": add_chart,
    "deleteEmbeddedObject": delete_embedded_object,
}


def _kinds(requests: list[dict[str, Any]]) -> list[str]:
    """Each request must set exactly one kind, and one the emulator implements."""
    kinds = []
    for index, request in enumerate(requests):
        present = [key for key, value in request.items() if value is not None]
        if len(present) != 1:
            raise bad_request(
                f"Invalid value at 'requests[{index}]' (oneof), oneof field 'kind' is already set. Cannot set '{present[-1]}'"
                if present
                else f"Invalid requests[{index}]: No request kind is set."
            )
        if present[0] not in HANDLERS:
            raise unsupported(f"Invalid requests[{index}].{present[0]}: {present[0]}")
        kinds.append(present[0])
    return kinds


def batch_update(store: Store, call: Call) -> dict[str, Any]:
    body = call.body or {}
    requests: list[dict[str, Any]] = body.get("requests") or []
    if not requests:
        raise bad_request("Must specify at least one request.")
    kinds = _kinds(requests)
    work = store.get(call.spreadsheet_id).clone()
    replies = []
    for index, (kind, request) in enumerate(zip(kinds, requests, strict=True)):
        try:
            reply = HANDLERS[kind](work, request[kind] or {}, store)
        except ApiError as error:
            raise bad_request(f"Invalid requests[{index}].{kind}: {error.message}") from None
        replies.append({kind: reply} if reply is not None else {})
    store.books[work.spreadsheet_id] = work
    out: dict[str, Any] = {"spreadsheetId": work.spreadsheet_id, "replies": replies}
    if body.get("includeSpreadsheetInResponse"):
        out["updatedSpreadsheet"] = spreadsheets.spreadsheet_json(
            work, body.get("responseRanges") or [], bool(body.get("responseIncludeGridData"))
        )
    return out
