"""spreadsheets.create and spreadsheets.get: metadata, plus grid data when it is asked for."""

from __future__ import annotations

import copy
from typing import Any

from . import defaults
from .a1 import Rect
from .api import Call, bad_request
from .cells import Evaluation, store_input, write_rows
from .fieldmask import parse_mask, selects
from .model import (
    Sheet,
    Spreadsheet,
    Store,
    grid_range_json,
    new_sheet,
    sheet_properties_json,
    without_zero_sheet_ids,
)

_SHEET_EXTRAS = ("hidden", "tabColor", "tabColorStyle", "rightToLeft")


def _metadata(meta: dict[int, dict[str, Any]], index: int, pixels: int) -> dict[str, Any]:
    return {"pixelSize": pixels, **copy.deepcopy(meta.get(index, {}))}


def grid_data(evaluation: Evaluation, sheet: Sheet, rect: Rect) -> dict[str, Any]:
    """GridData for one requested range: startRow/startColumn when not 0, rows, then metadata."""
    data: dict[str, Any] = {}
    if rect.row0:
        data["startRow"] = rect.row0
    if rect.col0:
        data["startColumn"] = rect.col0
    rows = evaluation.row_data(sheet, rect)
    if rows:
        data["rowData"] = rows
    data["rowMetadata"] = [
        _metadata(sheet.row_meta, i, defaults.ROW_PIXELS) for i in range(rect.row0, rect.row1 or 0)
    ]
    data["columnMetadata"] = [
        _metadata(sheet.col_meta, i, defaults.COLUMN_PIXELS)
        for i in range(rect.col0, rect.col1 or 0)
    ]
    return data


def _sheet_json(evaluation: Evaluation, sheet: Sheet, rects: list[Rect] | None) -> dict[str, Any]:
    out: dict[str, Any] = {"properties": sheet_properties_json(sheet)}
    if rects is not None:
        out["data"] = [grid_data(evaluation, sheet, rect) for rect in rects]
    if sheet.merges:
        out["merges"] = [grid_range_json(sheet.sheet_id, merge) for merge in sheet.merges]
    if sheet.protected_ranges:
        out["protectedRanges"] = [without_zero_sheet_ids(p) for p in sheet.protected_ranges]
    if sheet.charts:
        out["charts"] = [without_zero_sheet_ids(chart) for chart in sheet.charts]
    return out


def spreadsheet_json(book: Spreadsheet, ranges: list[str], include_grid: bool) -> dict[str, Any]:
    """A Spreadsheet reply; with `ranges`, only the sheets they name (each with one GridData per range)."""
    wanted: dict[int, list[Rect]] | None = None
    if ranges:
        wanted = {}
        for text in ranges:
            sheet, rect = book.resolve_in_grid(text)
            wanted.setdefault(sheet.sheet_id, []).append(rect)
    evaluation = Evaluation(book)
    sheets = []
    for sheet in book.sheets:
        if wanted is not None and sheet.sheet_id not in wanted:
            continue
        rects = (
            (wanted[sheet.sheet_id] if wanted is not None else [sheet.whole()])
            if include_grid
            else None
        )
        sheets.append(_sheet_json(evaluation, sheet, rects))
    return {
        "spreadsheetId": book.spreadsheet_id,
        "properties": copy.deepcopy(book.properties),
        "sheets": sheets,
        "spreadsheetUrl": book.url,
    }


def get(store: Store, call: Call) -> dict[str, Any]:
    """With a `fields` mask, includeGridData is ignored and the mask decides (as documented)."""
    book = store.get(call.spreadsheet_id)
    fields = call.query.get("fields")
    include = (
        selects(parse_mask(fields), ["sheets", "data"])
        if fields
        else bool(call.query.get("includeGridData"))
    )
    return spreadsheet_json(book, call.query.get("ranges", []), include)


def _sheet_from_spec(spec: dict[str, Any], index: int, store: Store, taken: set[int]) -> Sheet:
    unsupported = sorted(set(spec) - {"properties", "data", "merges"})
    if unsupported:
        raise bad_request(
            f"Creating a spreadsheet with sheets[].{unsupported[0]} is not supported by the emulator."
        )
    props = spec.get("properties") or {}
    if props.get("sheetType", "GRID") != "GRID":
        raise bad_request(f"A sheet of type {props['sheetType']} is not supported by the emulator.")
    grid = props.get("gridProperties") or {}
    sheet_id = props.get("sheetId", 0 if index == 0 else store.new_object_id(taken))
    sheet = new_sheet(
        sheet_id,
        props.get("title") or f"Sheet{index + 1}",
        grid.get("rowCount", defaults.ROWS),
        grid.get("columnCount", defaults.COLUMNS),
    )
    sheet.grid.update({k: v for k, v in grid.items() if k not in ("rowCount", "columnCount")})
    sheet.properties.update({k: copy.deepcopy(props[k]) for k in _SHEET_EXTRAS if k in props})
    for data in spec.get("data") or []:
        write_rows(
            sheet,
            data.get("startRow", 0),
            data.get("startColumn", 0),
            data.get("rowData") or [],
            {"*": None},
        )
    for merge in spec.get("merges") or []:
        sheet.merges.append(
            Rect(
                merge["startRowIndex"],
                merge["startColumnIndex"],
                merge["endRowIndex"],
                merge["endColumnIndex"],
            )
        )
    return sheet


def create(store: Store, call: Call) -> dict[str, Any]:
    body = call.body or {}
    unsupported = sorted(set(body) - {"properties", "sheets", "spreadsheetId", "spreadsheetUrl"})
    if unsupported:
        raise bad_request(
            f"Creating a spreadsheet with {unsupported[0]} is not supported by the emulator."
        )
    sheets: list[Sheet] = []
    for index, spec in enumerate(body.get("sheets") or [{}]):
        sheet = _sheet_from_spec(spec, index, store, {s.sheet_id for s in sheets})
        if any(s.title.casefold() == sheet.title.casefold() for s in sheets):
            raise bad_request(
                f'A sheet with the name "{sheet.title}" already exists. Please enter another name.'
            )
        sheets.append(sheet)
    props = body.get("properties") or {}
    book = store.add(props.get("title") or "Untitled spreadsheet", sheets)
    book.properties.update(copy.deepcopy({k: v for k, v in props.items() if k != "title"}))
    return spreadsheet_json(book, [], False)


def create_with_values(
    store: Store, title: str, sheets: dict[str, list[list[Any]]] | None
) -> Spreadsheet:
    """A spreadsheet whose tabs hold the given values, read as if typed (USER_ENTERED).

    Each tab gets the default 1000x26 grid, grown to fit larger data; the first tab has id 0.
    """
    tabs: list[Sheet] = []
    for index, (name, rows) in enumerate((sheets or {"Sheet1": []}).items()):
        width = max((len(row) for row in rows), default=0)
        sheet_id = 0 if index == 0 else store.new_object_id({tab.sheet_id for tab in tabs})
        sheet = new_sheet(
            sheet_id, name, max(defaults.ROWS, len(rows)), max(defaults.COLUMNS, width)
        )
        for row, line in enumerate(rows):
            for col, value in enumerate(line):
                if value is not None:
                    store_input(sheet, row, col, value, "USER_ENTERED")
        tabs.append(sheet)
    return store.add(title, tabs)
