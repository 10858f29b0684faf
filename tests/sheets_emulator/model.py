"""In-memory spreadsheets: sheets with a sparse grid of CellData, merges, protections and charts.

Cells hold only what a user can set (userEnteredValue, userEnteredFormat, note, dataValidation,
textFormatRuns); effective and formatted values are computed when read (see cells.py).
"""

from __future__ import annotations

import random
import string
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import defaults
from .a1 import A1Error, Rect, format_a1, format_cells, parse_a1
from .api import ApiError, bad_request, not_found, unparsable_range

Cell = dict[str, Any]
EDITABLE_CELL_FIELDS = (
    "userEnteredValue",
    "userEnteredFormat",
    "note",
    "dataValidation",
    "textFormatRuns",
)
_AXIS_KEYS = {
    "ROWS": ("startRowIndex", "endRowIndex"),
    "COLUMNS": ("startColumnIndex", "endColumnIndex"),
}


def json_copy(value: Any) -> Any:
    """A deep copy of JSON-like data, several times faster than copy.deepcopy."""
    if type(value) is dict:
        return {key: json_copy(item) for key, item in value.items()}
    if type(value) is list:
        return [json_copy(item) for item in value]
    return value


@dataclass
class Sheet:
    """One tab. `properties` is the stored SheetProperties; replies drop its default values.

    Cell dicts may be shared with a clone (see `Spreadsheet.clone`): edit a cell only through
    `cell()`, which hands out a private copy, never through `cells[...]` directly.
    """

    properties: dict[str, Any]
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)
    merges: list[Rect] = field(default_factory=list)
    protected_ranges: list[dict[str, Any]] = field(default_factory=list)
    charts: list[dict[str, Any]] = field(default_factory=list)
    row_meta: dict[int, dict[str, Any]] = field(default_factory=dict)
    col_meta: dict[int, dict[str, Any]] = field(default_factory=dict)

    @property
    def sheet_id(self) -> int:
        return int(self.properties["sheetId"])

    @property
    def title(self) -> str:
        return str(self.properties["title"])

    @property
    def grid(self) -> dict[str, Any]:
        return self.properties.setdefault("gridProperties", {})  # type: ignore[no-any-return]

    @property
    def rows(self) -> int:
        return int(self.grid.get("rowCount", 0))

    @property
    def cols(self) -> int:
        return int(self.grid.get("columnCount", 0))

    def whole(self) -> Rect:
        return Rect(0, 0, self.rows, self.cols)

    def cell(self, row: int, col: int) -> Cell:
        """The cell to edit (a private copy, created empty if needed); call `tidy` afterwards."""
        cell: Cell = json_copy(self.cells.get((row, col), {}))
        self.cells[(row, col)] = cell
        return cell

    def clone(self) -> Sheet:
        """A copy whose edits never reach this sheet; unchanged cells are shared, not copied."""
        return Sheet(
            json_copy(self.properties),
            dict(self.cells),
            list(self.merges),
            json_copy(self.protected_ranges),
            json_copy(self.charts),
            json_copy(self.row_meta),
            json_copy(self.col_meta),
        )

    def tidy(self, row: int, col: int) -> None:
        """Drop a cell that no longer holds anything, so emptiness is just absence."""
        if not self.cells.get((row, col), True):
            del self.cells[(row, col)]

    def resize(self, rows: int, cols: int) -> None:
        """Set the grid size; shrinking drops what falls outside, as Sheets does."""
        self.grid["rowCount"], self.grid["columnCount"] = rows, cols
        self.cells = {
            key: cell for key, cell in self.cells.items() if key[0] < rows and key[1] < cols
        }
        self.merges = [m for m in self.merges if (m.row1 or 0) <= rows and (m.col1 or 0) <= cols]
        self.row_meta = {i: meta for i, meta in self.row_meta.items() if i < rows}
        self.col_meta = {i: meta for i, meta in self.col_meta.items() if i < cols}

    def insert(self, dimension: str, start: int, count: int) -> None:
        """Insert rows or columns before `start`, moving everything at or after it."""
        axis = 0 if dimension == "ROWS" else 1

        def move(index: int) -> int:
            return index + count if index >= start else index

        def move_end(end: int) -> int:
            return end + count if end > start else end

        self.cells = {_moved(key, axis, move): cell for key, cell in self.cells.items()}
        self.merges = [_moved_rect(m, axis, move, move_end) for m in self.merges]
        self._shift_meta(axis, move)
        self._shift_protected(dimension, move, move_end)
        self.grid["rowCount" if axis == 0 else "columnCount"] += count

    def delete(self, dimension: str, start: int, end: int) -> None:
        """Delete rows or columns [start, end), closing the gap."""
        axis, count = (0 if dimension == "ROWS" else 1), end - start

        def move(index: int) -> int:
            return index if index < start else max(start, index - count)

        self.cells = {
            _moved(key, axis, move): cell
            for key, cell in self.cells.items()
            if not start <= key[axis] < end
        }
        kept = [m for m in self.merges if not _band_intersects(m, axis, start, end)]
        self.merges = [_moved_rect(m, axis, move, move) for m in kept]
        meta = self.row_meta if axis == 0 else self.col_meta
        for index in range(start, end):
            meta.pop(index, None)
        self._shift_meta(axis, move)
        self._shift_protected(dimension, move, move)
        self.grid["rowCount" if axis == 0 else "columnCount"] -= count

    def _shift_meta(self, axis: int, move: Callable[[int], int]) -> None:
        meta = self.row_meta if axis == 0 else self.col_meta
        shifted = {move(index): value for index, value in meta.items()}
        meta.clear()
        meta.update(shifted)

    def _shift_protected(
        self, dimension: str, move_start: Callable[[int], int], move_end: Callable[[int], int]
    ) -> None:
        start_key, end_key = _AXIS_KEYS[dimension]
        for protected in self.protected_ranges:
            grid_range = protected["range"]
            if start_key in grid_range:
                grid_range[start_key] = move_start(grid_range[start_key])
            if end_key in grid_range:
                grid_range[end_key] = move_end(grid_range[end_key])


def _moved(key: tuple[int, int], axis: int, move: Callable[[int], int]) -> tuple[int, int]:
    return (move(key[0]), key[1]) if axis == 0 else (key[0], move(key[1]))


def _moved_rect(
    rect: Rect, axis: int, move_start: Callable[[int], int], move_end: Callable[[int], int]
) -> Rect:
    if axis == 0:
        assert rect.row1 is not None
        return Rect(move_start(rect.row0), rect.col0, move_end(rect.row1), rect.col1)
    assert rect.col1 is not None
    return Rect(rect.row0, move_start(rect.col0), rect.row1, move_end(rect.col1))


def _band_intersects(rect: Rect, axis: int, start: int, end: int) -> bool:
    lo, hi = (rect.row0, rect.row1) if axis == 0 else (rect.col0, rect.col1)
    return lo < end and (hi is None or start < hi)


@dataclass
class Spreadsheet:
    spreadsheet_id: str
    properties: dict[str, Any]
    sheets: list[Sheet] = field(default_factory=list)

    def clone(self) -> Spreadsheet:
        """A working copy for an all-or-nothing request (cheap: cells are copied on write)."""
        return Spreadsheet(
            self.spreadsheet_id, json_copy(self.properties), [s.clone() for s in self.sheets]
        )

    @property
    def url(self) -> str:
        return f"https://docs.google.com/spreadsheets/d/{self.spreadsheet_id}/edit"

    def sheet_by_id(self, sheet_id: int) -> Sheet:
        for sheet in self.sheets:
            if sheet.sheet_id == sheet_id:
                return sheet
        raise bad_request(f"No grid with id: {sheet_id}")

    def sheet_by_title(self, title: str) -> Sheet | None:
        """Sheet titles are unique without regard to case, and looked up the same way."""
        for sheet in self.sheets:
            if sheet.title.casefold() == title.casefold():
                return sheet
        return None

    def first_sheet(self) -> Sheet:
        visible = [sheet for sheet in self.sheets if not sheet.properties.get("hidden")]
        return (visible or self.sheets)[0]

    def reindex(self) -> None:
        for index, sheet in enumerate(self.sheets):
            sheet.properties["index"] = index

    def check_cell_limit(self, added: int) -> None:
        """Refuse growth past 10,000,000 cells in the workbook, in Google's words."""
        total = sum(sheet.rows * sheet.cols for sheet in self.sheets)
        if added > 0 and total + added > defaults.CELL_LIMIT:
            raise bad_request(defaults.CELL_LIMIT_MESSAGE)

    def resolve(self, text: str) -> tuple[Sheet, Rect | None]:
        """The sheet and (unclipped) cells a range names; `None` cells mean the whole sheet."""
        try:
            parsed = parse_a1(text)
        except A1Error:
            raise unparsable_range(text) from None
        if parsed.title is None:
            return self.first_sheet(), parsed.rect
        sheet = self.sheet_by_title(parsed.title)
        if sheet is None:
            raise unparsable_range(text)
        return sheet, parsed.rect

    def resolve_in_grid(self, text: str) -> tuple[Sheet, Rect]:
        """Resolve and clip to the grid; a range starting outside the grid is refused."""
        sheet, rect = self.resolve(text)
        return sheet, clip_to_grid(sheet, rect or sheet.whole())


def exceeds_grid(sheet: Sheet, rect: Rect) -> ApiError:
    return bad_request(
        f"Range ({format_a1(sheet.title, rect)}) exceeds grid limits. "
        f"Max rows: {sheet.rows}, max columns: {sheet.cols}"
    )


def clip_to_grid(sheet: Sheet, rect: Rect) -> Rect:
    """Google takes a range that starts inside the grid (clipped) and refuses one starting outside."""
    if rect.row0 >= sheet.rows or rect.col0 >= sheet.cols:
        raise exceeds_grid(sheet, rect)
    return rect.clip(sheet.rows, sheet.cols)


def check_inside_grid(sheet: Sheet, rect: Rect) -> None:
    """Writes of explicit data must fit the grid entirely (the API does not grow it for them)."""
    if (rect.row1 or 0) > sheet.rows or (rect.col1 or 0) > sheet.cols:
        raise exceeds_grid(sheet, rect)


def rect_from_grid_range(sheet: Sheet, grid_range: dict[str, Any]) -> Rect:
    """A GridRange (missing indexes are unbounded) as a clipped Rect of `sheet`."""
    for key in ("startRowIndex", "endRowIndex", "startColumnIndex", "endColumnIndex"):
        if grid_range.get(key, 0) < 0:
            raise bad_request(f"GridRange.{key} must not be negative.")
    rect = Rect(
        grid_range.get("startRowIndex", 0),
        grid_range.get("startColumnIndex", 0),
        grid_range.get("endRowIndex"),
        grid_range.get("endColumnIndex"),
    )
    if (rect.row1 is not None and rect.row1 < rect.row0) or (
        rect.col1 is not None and rect.col1 < rect.col0
    ):
        raise bad_request(
            "The start index of the range must be less than or equal to the end index."
        )
    if (rect.row1 == rect.row0) or (rect.col1 == rect.col0):
        return Rect(rect.row0, rect.col0, rect.row0, rect.col0)
    return clip_to_grid(sheet, rect)


def grid_range_json(sheet_id: int, rect: Rect) -> dict[str, Any]:
    """A GridRange as Google answers it: `sheetId` 0 is left out, indexes (even 0) are kept."""
    out: dict[str, Any] = {"sheetId": sheet_id} if sheet_id else {}
    out["startRowIndex"] = rect.row0
    if rect.row1 is not None:
        out["endRowIndex"] = rect.row1
    out["startColumnIndex"] = rect.col0
    if rect.col1 is not None:
        out["endColumnIndex"] = rect.col1
    return out


def without_zero_sheet_ids(value: Any) -> Any:
    """Proto3 replies drop `sheetId: 0` inside ranges and anchors; apply that to stored requests."""
    if isinstance(value, dict):
        return {
            k: without_zero_sheet_ids(v)
            for k, v in value.items()
            if not (k == "sheetId" and v == 0)
        }
    if isinstance(value, list):
        return [without_zero_sheet_ids(item) for item in value]
    return value


def sheet_properties_json(sheet: Sheet) -> dict[str, Any]:
    """SheetProperties as Google answers: ids and index always, zero/false extras left out."""
    props = sheet.properties
    grid = {"rowCount": sheet.rows, "columnCount": sheet.cols}
    for key in (
        "frozenRowCount",
        "frozenColumnCount",
        "hideGridlines",
        "rowGroupControlAfter",
        "columnGroupControlAfter",
    ):
        if sheet.grid.get(key):
            grid[key] = sheet.grid[key]
    out: dict[str, Any] = {
        "sheetId": sheet.sheet_id,
        "title": sheet.title,
        "index": props.get("index", 0),
        "sheetType": props.get("sheetType", "GRID"),
        "gridProperties": grid,
    }
    for key in ("hidden", "tabColor", "tabColorStyle", "rightToLeft"):
        if props.get(key):
            out[key] = json_copy(props[key])
    return out


def new_sheet(
    sheet_id: int, title: str, rows: int = defaults.ROWS, cols: int = defaults.COLUMNS
) -> Sheet:
    return Sheet(
        {
            "sheetId": sheet_id,
            "title": title,
            "index": 0,
            "sheetType": "GRID",
            "gridProperties": {"rowCount": rows, "columnCount": cols},
        }
    )


def snapshot(book: Spreadsheet) -> dict[str, Any]:
    """Full, JSON-able state for "identical before and after" assertions."""
    return {
        "spreadsheetId": book.spreadsheet_id,
        "properties": json_copy(book.properties),
        "sheets": [
            {
                "properties": json_copy(sheet.properties),
                "cells": {
                    format_cells(Rect.cell(*key)): json_copy(sheet.cells[key])
                    for key in sorted(sheet.cells)
                },
                "merges": [format_cells(rect) for rect in sheet.merges],
                "protectedRanges": json_copy(sheet.protected_ranges),
                "charts": json_copy(sheet.charts),
                "rowMetadata": {
                    str(i): json_copy(sheet.row_meta[i]) for i in sorted(sheet.row_meta)
                },
                "columnMetadata": {
                    str(i): json_copy(sheet.col_meta[i]) for i in sorted(sheet.col_meta)
                },
            }
            for sheet in book.sheets
        ],
    }


class Store:
    """Every spreadsheet of one emulator; handlers run under `lock`, one request at a time."""

    _ID_CHARS = string.ascii_letters + string.digits + "-_"

    def __init__(self, account_email: str = defaults.ACCOUNT_EMAIL) -> None:
        self.lock = threading.RLock()
        self.books: dict[str, Spreadsheet] = {}
        self.account_email = account_email
        self._rng = random.Random(20240329)

    def get(self, spreadsheet_id: str) -> Spreadsheet:
        book = self.books.get(spreadsheet_id)
        if book is None:
            raise not_found()
        return book

    def new_spreadsheet_id(self) -> str:
        """44 characters starting with "1", like the ids Drive hands out."""
        while True:
            candidate = "1" + "".join(self._rng.choice(self._ID_CHARS) for _ in range(43))
            if candidate not in self.books:
                return candidate

    def new_object_id(self, taken: set[int]) -> int:
        """A random positive int32, as Google picks for sheets, protected ranges and charts."""
        while True:
            candidate = self._rng.randrange(1, 2**31 - 1)
            if candidate not in taken:
                return candidate

    def add(self, title: str, sheets: list[Sheet]) -> Spreadsheet:
        """Register a new spreadsheet made of `sheets` (in order), within the cell limit."""
        if sum(sheet.rows * sheet.cols for sheet in sheets) > defaults.CELL_LIMIT:
            raise bad_request(defaults.CELL_LIMIT_MESSAGE)
        book = Spreadsheet(
            self.new_spreadsheet_id(), defaults.spreadsheet_properties(title), sheets
        )
        book.reindex()
        self.books[book.spreadsheet_id] = book
        return book

    def reset(self) -> None:
        self.books.clear()
