"""batchUpdate requests that attach things to ranges: validation rules, merges, protections, charts.

Also the helpers every request handler shares (targets, cell iteration, "not supported").
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from .a1 import Rect
from .api import ApiError, bad_request
from .model import Sheet, Spreadsheet, Store, rect_from_grid_range, without_zero_sheet_ids

Reply = dict[str, Any] | None
_DEFAULT_CHART_SIZE = {"widthPixels": 600, "heightPixels": 371}


def unsupported(what: str) -> ApiError:
    return bad_request(f"{what} is not supported by the emulator.")


def cells_in(rect: Rect) -> Iterator[tuple[int, int]]:
    for row in range(rect.row0, rect.row1 or rect.row0):
        for col in range(rect.col0, rect.col1 or rect.col0):
            yield row, col


def target(book: Spreadsheet, grid_range: dict[str, Any]) -> tuple[Sheet, Rect]:
    sheet = book.sheet_by_id(grid_range.get("sheetId", 0))
    return sheet, rect_from_grid_range(sheet, grid_range)


def set_data_validation(book: Spreadsheet, request: dict[str, Any], store: Store) -> Reply:
    """Stored on each cell; like Sheets, `strict` is not applied to API writes."""
    sheet, rect = target(book, request.get("range") or {})
    for row, col in cells_in(rect):
        cell = sheet.cell(row, col)
        if request.get("rule"):
            cell["dataValidation"] = copy.deepcopy(request["rule"])
        else:
            cell.pop("dataValidation", None)
        sheet.tidy(row, col)
    return None


def merge_cells(book: Spreadsheet, request: dict[str, Any], store: Store) -> Reply:
    """New merges replace overlapping ones; merged-away cells lose their values, as in Sheets."""
    sheet, rect = target(book, request.get("range") or {})
    kind = request.get("mergeType", "MERGE_ALL")
    assert rect.row1 is not None and rect.col1 is not None
    if kind == "MERGE_ROWS":
        merges = [Rect(row, rect.col0, row + 1, rect.col1) for row in range(rect.row0, rect.row1)]
    elif kind == "MERGE_COLUMNS":
        merges = [Rect(rect.row0, col, rect.row1, col + 1) for col in range(rect.col0, rect.col1)]
    else:
        merges = [rect]
    merges = [m for m in merges if m.rows * m.cols > 1]
    sheet.merges = [m for m in sheet.merges if not rect.intersects(m)] + merges
    for merge in merges:
        for row, col in cells_in(merge):
            if (row, col) != (merge.row0, merge.col0) and (row, col) in sheet.cells:
                sheet.cell(row, col).pop("userEnteredValue", None)
                sheet.tidy(row, col)
    return None


def unmerge_cells(book: Spreadsheet, request: dict[str, Any], store: Store) -> Reply:
    sheet, rect = target(book, request.get("range") or {})
    hit = [m for m in sheet.merges if rect.intersects(m)]
    for merge in hit:
        assert merge.row1 is not None and merge.col1 is not None
        if not (
            rect.contains(merge.row0, merge.col0) and rect.contains(merge.row1 - 1, merge.col1 - 1)
        ):
            raise bad_request("The range must not partially span a merge.")
    sheet.merges = [m for m in sheet.merges if m not in hit]
    return None


def add_protected_range(book: Spreadsheet, request: dict[str, Any], store: Store) -> Reply:
    """Google answers with the requested editors but stores the owner among them."""
    given = request.get("protectedRange") or {}
    for key in ("namedRangeId", "tableId"):
        if key in given:
            raise unsupported(f"A protected range by {key}")
    grid_range = copy.deepcopy(given.get("range") or {})
    sheet, _ = target(book, grid_range)
    taken = {p["protectedRangeId"] for s in book.sheets for p in s.protected_ranges}
    if given.get("protectedRangeId") in taken:
        raise bad_request(
            f"A protected range with the id {given['protectedRangeId']} already exists."
        )
    stored: dict[str, Any] = {
        "protectedRangeId": given.get("protectedRangeId") or store.new_object_id(taken),
        "range": {**grid_range, "sheetId": sheet.sheet_id},
    }
    if given.get("description"):
        stored["description"] = given["description"]
    if given.get("warningOnly"):
        stored["warningOnly"] = True
    stored["requestingUserCanEdit"] = True
    editors = copy.deepcopy(given.get("editors") or {})
    others = [user for user in editors.get("users", []) if user != store.account_email]
    stored["editors"] = {**editors, "users": [store.account_email, *others]}
    if given.get("unprotectedRanges"):
        stored["unprotectedRanges"] = copy.deepcopy(given["unprotectedRanges"])
    sheet.protected_ranges.append(stored)
    return {"protectedRange": without_zero_sheet_ids({**stored, "editors": editors})}


def delete_protected_range(book: Spreadsheet, request: dict[str, Any], store: Store) -> Reply:
    wanted = request.get("protectedRangeId")
    for sheet in book.sheets:
        for protected in sheet.protected_ranges:
            if protected["protectedRangeId"] == wanted:
                sheet.protected_ranges.remove(protected)
                return None
    raise bad_request(f"No protected range with id: {wanted}")


def _chart_sources(value: Any) -> Iterator[dict[str, Any]]:
    """Every GridRange a chart reads (ChartSourceRange.sources), wherever it sits in the spec."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "sources" and isinstance(item, list):
                yield from item
            else:
                yield from _chart_sources(item)
    elif isinstance(value, list):
        for item in value:
            yield from _chart_sources(item)


def add_chart(book: Spreadsheet, request: dict[str, Any], store: Store) -> Reply:
    chart = copy.deepcopy(request.get("chart") or {})
    overlay = (chart.get("position") or {}).get("overlayPosition")
    if overlay is None:
        raise unsupported("A chart on its own sheet (addChart without overlayPosition)")
    sheet = book.sheet_by_id((overlay.get("anchorCell") or {}).get("sheetId", 0))
    for source in _chart_sources(chart.get("spec")):
        target(book, source)
    taken = {c["chartId"] for s in book.sheets for c in s.charts}
    if chart.get("chartId") in taken:
        raise bad_request(f"A chart with the id {chart['chartId']} already exists.")
    chart["chartId"] = chart.get("chartId") or store.new_object_id(taken)
    for key, pixels in _DEFAULT_CHART_SIZE.items():
        overlay.setdefault(key, pixels)
    sheet.charts.append(chart)
    return {"chart": without_zero_sheet_ids(chart)}


def delete_embedded_object(book: Spreadsheet, request: dict[str, Any], store: Store) -> Reply:
    wanted = request.get("objectId")
    for sheet in book.sheets:
        for chart in sheet.charts:
            if chart["chartId"] == wanted:
                sheet.charts.remove(chart)
                return None
    raise bad_request(f"No embedded object with id: {wanted}")
