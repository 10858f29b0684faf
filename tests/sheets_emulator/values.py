"""spreadsheets.values.*: A1-addressed reads and writes, answered the way Google answers them."""

from __future__ import annotations

from typing import Any

from .a1 import Rect, column_letters, format_a1
from .api import ApiError, Call, bad_request
from .cells import Evaluation, check_text_limit, store_input
from .model import Sheet, Spreadsheet, Store, check_inside_grid, clip_to_grid

Written = set[tuple[int, int]]


def _render_options(query: dict[str, Any], prefix: str = "") -> tuple[str, str]:
    value_key = f"{prefix}ValueRenderOption" if prefix else "valueRenderOption"
    date_key = f"{prefix}DateTimeRenderOption" if prefix else "dateTimeRenderOption"
    return query.get(value_key, "FORMATTED_VALUE"), query.get(date_key, "SERIAL_NUMBER")


def _major(value: str | None) -> str:
    return "COLUMNS" if value == "COLUMNS" else "ROWS"


def value_range(
    book: Spreadsheet, sheet: Sheet, rect: Rect, options: tuple[str, str], major: str = "ROWS"
) -> dict[str, Any]:
    """A ValueRange reply: no `values` key at all when the range is empty."""
    out: dict[str, Any] = {"range": format_a1(sheet.title, rect), "majorDimension": major}
    rows = Evaluation(book).value_rows(sheet, rect, *options, major)
    if rows:
        out["values"] = rows
    return out


def get(store: Store, call: Call) -> dict[str, Any]:
    book = store.get(call.spreadsheet_id)
    sheet, rect = book.resolve_in_grid(call.range)
    return value_range(
        book, sheet, rect, _render_options(call.query), _major(call.query.get("majorDimension"))
    )


def batch_get(store: Store, call: Call) -> dict[str, Any]:
    book = store.get(call.spreadsheet_id)
    options, major = _render_options(call.query), _major(call.query.get("majorDimension"))
    out: dict[str, Any] = {"spreadsheetId": book.spreadsheet_id}
    ranges = [book.resolve_in_grid(text) for text in call.query.get("ranges", [])]
    if ranges:
        out["valueRanges"] = [
            value_range(book, sheet, rect, options, major) for sheet, rect in ranges
        ]
    return out


def _rows_of(body: dict[str, Any]) -> list[list[Any]]:
    """The body's values as rows (COLUMNS input transposed); objects inside are refused."""
    values: list[list[Any]] = body.get("values") or []
    for i, line in enumerate(values):
        for j, value in enumerate(line):
            if isinstance(value, (dict, list)):
                kind = "struct_value" if isinstance(value, dict) else "list_value"
                raise bad_request(f"Invalid values[{i}][{j}]: {kind}")
            check_text_limit(value)
    if _major(body.get("majorDimension")) == "ROWS":
        return values
    height = max((len(column) for column in values), default=0)
    return [[column[i] if i < len(column) else None for column in values] for i in range(height)]


def _write(sheet: Sheet, row0: int, col0: int, rows: list[list[Any]], option: str) -> Written:
    """Store the values from (row0, col0); null entries leave their cell untouched."""
    written: Written = set()
    for i, line in enumerate(rows):
        for j, value in enumerate(line):
            if value is not None:
                store_input(sheet, row0 + i, col0 + j, value, option)
                written.add((row0 + i, col0 + j))
    return written


def _extent(row0: int, col0: int, rows: list[list[Any]]) -> Rect | None:
    width = max((len(line) for line in rows), default=0)
    return Rect(row0, col0, row0 + len(rows), col0 + width) if rows and width else None


def _update_response(
    book: Spreadsheet, sheet: Sheet, extent: Rect | None, written: Written
) -> dict[str, Any]:
    """UpdateValuesResponse; zero counts are left out like every proto3 default."""
    out: dict[str, Any] = {"spreadsheetId": book.spreadsheet_id}
    if extent is not None:
        out["updatedRange"] = format_a1(sheet.title, extent)
    counts = {
        "updatedRows": len({row for row, _ in written}),
        "updatedColumns": len({col for _, col in written}),
        "updatedCells": len(written),
    }
    out.update({key: count for key, count in counts.items() if count})
    return out


def _update_range(
    book: Spreadsheet, text: str, body: dict[str, Any], option: str
) -> tuple[Sheet, Rect | None, Written]:
    """values.update semantics: a one-cell range is an origin, a larger range bounds the write."""
    sheet, rect = book.resolve(text)
    rows = _rows_of(body)
    row0, col0 = (rect.row0, rect.col0) if rect else (0, 0)
    extent = _extent(row0, col0, rows)
    if extent is None:
        return sheet, None, set()
    assert extent.row1 is not None and extent.col1 is not None
    if rect is not None and rect != Rect.cell(row0, col0):
        if rect.row1 is not None and extent.row1 > rect.row1:
            raise bad_request(
                f"Requested writing within range [{text}], but tried writing to row [{rect.row1 + 1}]"
            )
        if rect.col1 is not None and extent.col1 > rect.col1:
            raise bad_request(
                f"Requested writing within range [{text}], but tried writing to column [{column_letters(rect.col1)}]"
            )
    check_inside_grid(sheet, extent)
    return sheet, extent, _write(sheet, row0, col0, rows, option)


def _input_option(value: str | None, missing: str) -> str:
    if value in (None, "INPUT_VALUE_OPTION_UNSPECIFIED"):
        raise bad_request(missing)
    return str(value)


def update(store: Store, call: Call) -> dict[str, Any]:
    option = _input_option(
        call.query.get("valueInputOption"), "'valueInputOption' is required but not specified"
    )
    book = store.get(call.spreadsheet_id)
    sheet, extent, written = _update_range(book, call.range, call.body or {}, option)
    out = _update_response(book, sheet, extent, written)
    if call.query.get("includeValuesInResponse") and extent is not None:
        out["updatedData"] = value_range(
            book, sheet, extent, _render_options(call.query, "response")
        )
    return out


def batch_update(store: Store, call: Call) -> dict[str, Any]:
    """Every range is written to a copy first, so one bad range leaves the spreadsheet untouched."""
    body = call.body or {}
    option = _input_option(
        body.get("valueInputOption"), "Invalid valueInputOption: INPUT_VALUE_OPTION_UNSPECIFIED"
    )
    work = store.get(call.spreadsheet_id).clone()
    responses, touched = [], set()
    for i, data in enumerate(body.get("data") or []):
        try:
            sheet, extent, written = _update_range(work, data.get("range", ""), data, option)
        except ApiError as error:
            raise bad_request(f"Invalid data[{i}]: {error.message}") from None
        response = _update_response(work, sheet, extent, written)
        if body.get("includeValuesInResponse") and extent is not None:
            response["updatedData"] = value_range(
                work, sheet, extent, _render_options(body, "response")
            )
        responses.append(response)
        touched |= {(sheet.sheet_id, row, col) for row, col in written}
    store.books[work.spreadsheet_id] = work
    totals = {
        "totalUpdatedRows": len({(sheet_id, row) for sheet_id, row, _ in touched}),
        "totalUpdatedColumns": len({(sheet_id, col) for sheet_id, _, col in touched}),
        "totalUpdatedCells": len(touched),
        "totalUpdatedSheets": len({sheet_id for sheet_id, _, _ in touched}),
    }
    out: dict[str, Any] = {"spreadsheetId": work.spreadsheet_id}
    out.update({key: total for key, total in totals.items() if total})
    if responses:
        out["responses"] = responses
    return out


def _clear(sheet: Sheet, rect: Rect) -> None:
    """Only values go; formats, notes and validation stay (documented for values.clear)."""
    for row, col in [key for key in sheet.cells if rect.contains(*key)]:
        sheet.cell(row, col).pop("userEnteredValue", None)
        sheet.tidy(row, col)


def clear(store: Store, call: Call) -> dict[str, Any]:
    book = store.get(call.spreadsheet_id)
    sheet, rect = book.resolve_in_grid(call.range)
    _clear(sheet, rect)
    return {"spreadsheetId": book.spreadsheet_id, "clearedRange": format_a1(sheet.title, rect)}


def batch_clear(store: Store, call: Call) -> dict[str, Any]:
    book = store.get(call.spreadsheet_id)
    targets = []
    for i, text in enumerate((call.body or {}).get("ranges") or []):
        try:
            targets.append(book.resolve_in_grid(text))
        except ApiError as error:
            raise bad_request(f"Invalid range[{i}]: {error.message}") from None
    for sheet, rect in targets:
        _clear(sheet, rect)
    out: dict[str, Any] = {"spreadsheetId": book.spreadsheet_id}
    if targets:
        out["clearedRanges"] = [format_a1(sheet.title, rect) for sheet, rect in targets]
    return out


def find_table(sheet: Sheet, area: Rect) -> Rect | None:
    """Google's table detection for values.append.

    The last non-empty cell of the searched range (bottom row, then rightmost) is grown into its
    "current region": the smallest rectangle with no non-empty cell touching its border, diagonals
    included. That is why appending after a row `x, "", z` continues under `z` (recorded in the
    test_append_row_with_empty_value cassette, reported in gspread #537 and #828).
    """
    filled = {key for key, cell in sheet.cells.items() if "userEnteredValue" in cell}
    inside = [key for key in filled if area.contains(*key)]
    if not inside:
        return None
    row, col = max(inside)
    top, left, bottom, right = row, col, row + 1, col + 1

    def row_filled(r: int) -> bool:
        return any((r, c) in filled for c in range(left - 1, right + 1))

    def column_filled(c: int) -> bool:
        return any((r, c) in filled for r in range(top - 1, bottom + 1))

    grown = True
    while grown:
        grown = False
        while row_filled(bottom):
            bottom, grown = bottom + 1, True
        while top > 0 and row_filled(top - 1):
            top, grown = top - 1, True
        while column_filled(right):
            right, grown = right + 1, True
        while left > 0 and column_filled(left - 1):
            left, grown = left - 1, True
    return Rect(top, left, bottom, right)


def append(store: Store, call: Call) -> dict[str, Any]:
    """Write after the detected table; INSERT_ROWS inserts rows, OVERWRITE grows the grid only at its end."""
    option = _input_option(
        call.query.get("valueInputOption"), "'valueInputOption' is required but not specified"
    )
    book = store.get(call.spreadsheet_id)
    sheet, rect = book.resolve(call.range)
    table = find_table(sheet, clip_to_grid(sheet, rect or sheet.whole()))
    rows = _rows_of(call.body or {})
    row0, col0 = (
        (table.row1 or 0, table.col0) if table else ((rect.row0, rect.col0) if rect else (0, 0))
    )
    extent = _extent(row0, col0, rows)
    if extent is not None:
        assert extent.row1 is not None and extent.col1 is not None
        inserting = call.query.get("insertDataOption") == "INSERT_ROWS"
        new_rows = sheet.rows + len(rows) if inserting else max(sheet.rows, extent.row1)
        new_cols = max(sheet.cols, extent.col1)
        book.check_cell_limit(new_rows * new_cols - sheet.rows * sheet.cols)
        if inserting:
            sheet.insert("ROWS", row0, len(rows))
        sheet.resize(new_rows, new_cols)
    written = _write(sheet, row0, col0, rows, option) if extent else set()
    out: dict[str, Any] = {"spreadsheetId": book.spreadsheet_id}
    if table is not None:
        out["tableRange"] = format_a1(sheet.title, table)
    updates = _update_response(book, sheet, extent, written)
    if call.query.get("includeValuesInResponse") and extent is not None:
        updates["updatedData"] = value_range(
            book, sheet, extent, _render_options(call.query, "response")
        )
    out["updates"] = updates
    return out
