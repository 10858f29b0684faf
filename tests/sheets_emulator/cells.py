"""Cell values: what a write stores, and what a read shows (effective, formatted, rendered)."""

from __future__ import annotations

from typing import Any

from . import defaults
from .a1 import Rect
from .api import bad_request
from .fieldmask import MaskTree, apply_update
from .formula import Block, ErrorValue, Scalar, evaluate
from .model import EDITABLE_CELL_FIELDS, Sheet, Spreadsheet, check_inside_grid, json_copy
from .numfmt import DATE_KINDS, format_number, parse_user_entered

_TOO_DEEP = ErrorValue("ERROR", "The chain of formula references is too deep for the emulator.")
_CIRCULAR = ErrorValue(
    "REF",
    "Circular dependency detected. To resolve with iterative calculation, see File > Settings.",
)


def json_number(value: float) -> int | float:
    """Whole numbers go out as JSON integers (`43831`, not `43831.0`), as Google sends them."""
    if float(value).is_integer() and abs(value) < 2**53:
        return int(value)
    return float(value)


def scalar_from_extended(entered: dict[str, Any]) -> Scalar:
    if "numberValue" in entered:
        return float(entered["numberValue"])
    if "boolValue" in entered:
        return bool(entered["boolValue"])
    if "errorValue" in entered:
        error = entered["errorValue"]
        return ErrorValue(error.get("type", "ERROR"), error.get("message", ""))
    return str(entered.get("stringValue", ""))


def extended_from_scalar(value: Scalar) -> dict[str, Any] | None:
    if value is None:
        return None
    if isinstance(value, ErrorValue):
        return {"errorValue": {"type": value.type, "message": value.message}}
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, float):
        return {"numberValue": json_number(value)}
    return {"stringValue": value}


def _merged(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = json_copy(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merged(out[key], value)
        else:
            out[key] = json_copy(value)
    return out


def _unresolved(title: str | None) -> ErrorValue:
    return ErrorValue("REF", f"Unresolved sheet name '{title}'.")


class _SheetContext:
    """Lets a formula on `sheet` read cells, its own sheet being the default."""

    def __init__(self, evaluation: Evaluation, sheet: Sheet) -> None:
        self.evaluation, self.sheet = evaluation, sheet

    def _target(self, title: str | None) -> Sheet | None:
        return self.sheet if title is None else self.evaluation.book.sheet_by_title(title)

    def cell(self, title: str | None, row: int, col: int) -> Scalar:
        sheet = self._target(title)
        if sheet is None:
            return _unresolved(title)
        if row >= sheet.rows or col >= sheet.cols:
            return None
        return self.evaluation.value(sheet, row, col)

    def block(self, title: str | None, rect: Rect) -> Block:
        sheet = self._target(title)
        if sheet is None:
            return [[_unresolved(title)]]
        bounded = rect.clip(sheet.rows, sheet.cols)
        return [
            [
                self.evaluation.value(sheet, row, col)
                for col in range(bounded.col0, bounded.col1 or 0)
            ]
            for row in range(bounded.row0, bounded.row1 or 0)
        ]


class Evaluation:
    """Effective values of one spreadsheet during one request: memoised and cycle-safe."""

    def __init__(self, book: Spreadsheet) -> None:
        self.book = book
        self._memo: dict[tuple[int, int, int], Scalar] = {}
        self._active: set[tuple[int, int, int]] = set()

    def value(self, sheet: Sheet, row: int, col: int) -> Scalar:
        key = (sheet.sheet_id, row, col)
        if key in self._memo:
            return self._memo[key]
        entered = sheet.cells.get((row, col), {}).get("userEnteredValue")
        if entered is None:
            return None
        if "formulaValue" not in entered:
            result = scalar_from_extended(entered)
        elif key in self._active:
            return _CIRCULAR
        else:
            self._active.add(key)
            try:
                result = evaluate(str(entered["formulaValue"]), _SheetContext(self, sheet))
            except RecursionError:
                result = _TOO_DEEP
            finally:
                self._active.discard(key)
        self._memo[key] = result
        return result

    def formatted(self, sheet: Sheet, row: int, col: int) -> str | None:
        """The text Sheets shows (FORMATTED_VALUE); None for an empty cell."""
        value = self.value(sheet, row, col)
        if value is None:
            return None
        if isinstance(value, ErrorValue):
            return value.display
        if isinstance(value, bool):
            return "TRUE" if value else "FALSE"
        if isinstance(value, float):
            return format_number(value, _number_format(sheet, row, col))
        return value

    def rendered(
        self, sheet: Sheet, row: int, col: int, value_option: str, date_option: str
    ) -> Any:
        """One cell of a values.* reply under valueRenderOption / dateTimeRenderOption ("" if empty)."""
        entered = sheet.cells.get((row, col), {}).get("userEnteredValue", {})
        if value_option == "FORMULA" and "formulaValue" in entered:
            return entered["formulaValue"]
        if value_option == "FORMATTED_VALUE":
            return self.formatted(sheet, row, col) or ""
        value = self.value(sheet, row, col)
        if value is None:
            return ""
        if isinstance(value, ErrorValue):
            return value.display
        if isinstance(value, float) and not isinstance(value, bool):
            kind = (_number_format(sheet, row, col) or {}).get("type")
            if date_option == "FORMATTED_STRING" and kind in DATE_KINDS:
                return self.formatted(sheet, row, col)
            return json_number(value)
        return value

    def cell_data(self, sheet: Sheet, row: int, col: int) -> dict[str, Any]:
        """CellData for grid data: user-entered fields plus effective and formatted values."""
        stored = sheet.cells.get((row, col))
        if not stored:
            return {}
        out: dict[str, Any] = {}
        if "userEnteredValue" in stored:
            out["userEnteredValue"] = json_copy(stored["userEnteredValue"])
            effective = extended_from_scalar(self.value(sheet, row, col))
            if effective is not None:
                out["effectiveValue"] = effective
            formatted = self.formatted(sheet, row, col)
            if formatted:
                out["formattedValue"] = formatted
        if "userEnteredFormat" in stored:
            out["userEnteredFormat"] = json_copy(stored["userEnteredFormat"])
        if "userEnteredValue" in stored or "userEnteredFormat" in stored:
            default = self.book.properties.get("defaultFormat", {})
            out["effectiveFormat"] = _merged(default, stored.get("userEnteredFormat", {}))
        for key in ("note", "dataValidation", "textFormatRuns"):
            if key in stored:
                out[key] = json_copy(stored[key])
        return out

    def value_rows(
        self, sheet: Sheet, rect: Rect, value_option: str, date_option: str, major: str
    ) -> list[list[Any]]:
        """values.get's `values`: trailing empty cells and lines trimmed, empty middle lines `[]`."""
        lines: dict[int, dict[int, Any]] = {}
        for (row, col), cell in sheet.cells.items():
            if "userEnteredValue" not in cell or not rect.contains(row, col):
                continue
            shown = self.rendered(sheet, row, col, value_option, date_option)
            if shown == "":
                continue
            outer, inner = (col, row) if major == "COLUMNS" else (row, col)
            lines.setdefault(outer, {})[inner] = shown
        if not lines:
            return []
        outer0, inner0 = (rect.col0, rect.row0) if major == "COLUMNS" else (rect.row0, rect.col0)
        return [
            [lines[o].get(i, "") for i in range(inner0, max(lines[o]) + 1)] if o in lines else []
            for o in range(outer0, max(lines) + 1)
        ]

    def row_data(self, sheet: Sheet, rect: Rect) -> list[dict[str, Any]]:
        """GridData.rowData: rows up to the last with content, cells up to the last with content."""
        by_row: dict[int, int] = {}
        for (row, col), cell in sheet.cells.items():
            if cell and rect.contains(row, col):
                by_row[row] = max(by_row.get(row, col), col)
        if not by_row:
            return []
        return [
            {
                "values": [
                    self.cell_data(sheet, row, col) for col in range(rect.col0, by_row[row] + 1)
                ]
            }
            if row in by_row
            else {}
            for row in range(rect.row0, max(by_row) + 1)
        ]


def _number_format(sheet: Sheet, row: int, col: int) -> dict[str, Any] | None:
    fmt = sheet.cells.get((row, col), {}).get("userEnteredFormat", {}).get("numberFormat")
    return fmt if isinstance(fmt, dict) else None


def store_input(sheet: Sheet, row: int, col: int, value: Any, input_option: str) -> None:
    """Write one value of a values.* call: RAW keeps strings as text, USER_ENTERED parses them.

    A cell formatted as plain text (`numberFormat.type` TEXT) keeps what is typed as text, and a
    parsed date adopts a DATE format only when the cell has no number format yet, as in Sheets.
    """
    cell = sheet.cell(row, col)
    current = _number_format(sheet, row, col)
    adopted: dict[str, str] | None = None
    if isinstance(value, bool):
        entered: dict[str, Any] | None = {"boolValue": value}
    elif isinstance(value, (int, float)):
        entered = {"numberValue": value}
    elif input_option == "RAW" or (current or {}).get("type") == "TEXT":
        entered = {"stringValue": value} if value != "" else None
    else:
        entered, adopted = parse_user_entered(value)
    if entered is None:
        cell.pop("userEnteredValue", None)
    else:
        cell["userEnteredValue"] = entered
    if adopted and current is None:
        cell.setdefault("userEnteredFormat", {})["numberFormat"] = adopted
    sheet.tidy(row, col)


def check_text_limit(value: Any) -> None:
    """Refuse text longer than Google's limit for one cell, with Google's 400."""
    if isinstance(value, str) and len(value) > defaults.CELL_TEXT_LIMIT:
        raise bad_request(defaults.CELL_TEXT_LIMIT_MESSAGE)


def keep_editable(cell: dict[str, Any]) -> None:
    """Drop read-only CellData fields (effectiveValue, formattedValue, ...) a client sent back."""
    for key in list(cell):
        if key not in EDITABLE_CELL_FIELDS:
            del cell[key]


def update_cell(sheet: Sheet, row: int, col: int, data: dict[str, Any], tree: MaskTree) -> None:
    """Apply CellData under an update mask (updateCells, repeatCell, create with data)."""
    for key in ("pivotTable", "dataSourceTable", "chipRuns"):
        if key in data:
            raise bad_request(f"CellData.{key} is not supported by the emulator.")
    entered = data.get("userEnteredValue") or {}
    check_text_limit(entered.get("stringValue"))
    check_text_limit(entered.get("formulaValue"))
    cell = sheet.cell(row, col)
    apply_update(cell, data, tree)
    keep_editable(cell)
    if cell.get("userEnteredValue") in ({}, {"stringValue": ""}):
        del cell["userEnteredValue"]
    sheet.tidy(row, col)


def write_rows(
    sheet: Sheet, row0: int, col0: int, rows: list[dict[str, Any]], tree: MaskTree
) -> None:
    """Write RowData from (row0, col0); the data must fit in the grid."""
    width = max((len(row.get("values") or []) for row in rows), default=0)
    if rows and width:
        check_inside_grid(sheet, Rect(row0, col0, row0 + len(rows), col0 + width))
    for i, row in enumerate(rows):
        for j, data in enumerate(row.get("values") or []):
            update_cell(sheet, row0 + i, col0 + j, data or {}, tree)
