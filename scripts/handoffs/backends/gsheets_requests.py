"""Sheets API v4 bodies, built from the seam's values: replies in, batchUpdate requests out
(each cell as `gsheets_cells` types it).

Pure functions (no I/O) so that what we send is easy to test.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from handoffs.backends.gsheets_cells import header_row, row_data
from handoffs.model.spreadsheet import (
    GENERATED_NOTE,
    CellValue,
    Chart,
    ExternalLink,
    Link,
    NewTab,
    TabContent,
    column_letter,
)

# The description of the warning-only protected range that marks a tab as generated.
GENERATED_MARK = GENERATED_NOTE
_INPUT_ROWS = 1000  # room to type in a new input tab, like a new Google Sheet
_INPUT_COLUMNS = 26
_CHART_GAP = 1  # empty columns between a table and the chart beside it


@dataclass(frozen=True)
class SheetInfo:
    """What a write needs to know about an existing tab."""

    sheet_id: int
    title: str
    rows: int
    cols: int
    protected: bool  # already carries our warning-only protection
    charts: tuple[int, ...] = ()


def sheet_infos(book: Mapping[str, Any]) -> dict[str, SheetInfo]:
    """Title -> SheetInfo from a spreadsheets.get reply (proto3 omits sheetId 0)."""
    infos = {}
    for sheet in book.get("sheets", []):
        props = sheet.get("properties", {})
        grid = props.get("gridProperties", {})
        infos[props["title"]] = SheetInfo(
            sheet_id=props.get("sheetId", 0),
            title=props["title"],
            rows=grid.get("rowCount", 0),
            cols=grid.get("columnCount", 0),
            protected=any(
                p.get("description") == GENERATED_MARK for p in sheet.get("protectedRanges", [])
            ),
            charts=tuple(c["chartId"] for c in sheet.get("charts", []) if "chartId" in c),
        )
    return infos


# -- reading ---------------------------------------------------------------------------------


def value_rows(values: Iterable[Sequence[Any]]) -> list[list[Any]]:
    """A values.batchGet range -> rows padded to one width, empty cells as None.

    Sheets trims trailing empty cells and rows and sends an empty middle row as `[]`;
    UNFORMATTED_VALUE gives numbers, booleans, text, and error text such as '#REF!'."""
    # Most rows have no empty cell: test that in C before rebuilding the row in Python.
    rows = [[None if v == "" else v for v in row] if "" in row else list(row) for row in values]
    width = max(map(len, rows), default=0)
    for row in rows:
        if len(row) < width:
            row.extend([None] * (width - len(row)))
    return rows


def range_title(a1: str, default: str) -> str:
    """The tab title of a reply's range ("'My tab'!A1:C9" -> "My tab")."""
    if a1.startswith("'"):
        quoted, _, rest = a1[1:].replace("''", "\0").partition("'")
        return quoted.replace("\0", "'") if rest.startswith("!") or not rest else default
    title, bang, _ = a1.rpartition("!")
    return title if bang else default


def merge_a1(grid_range: Mapping[str, Any]) -> str:
    """A merge's GridRange -> "B4:C4"."""
    row0, col0 = grid_range.get("startRowIndex", 0), grid_range.get("startColumnIndex", 0)
    row1, col1 = grid_range.get("endRowIndex", row0 + 1), grid_range.get("endColumnIndex", col0 + 1)
    return f"{column_letter(col0 + 1)}{row0 + 1}:{column_letter(col1)}{row1}"


# -- requests --------------------------------------------------------------------------------


def new_sheet_id(title: str, taken: set[int]) -> int:
    """A stable id for a tab we add, chosen by us so later requests of the same batch can
    address it (addSheet accepts a sheetId); stable so reruns give the same links."""
    candidate = zlib.crc32(title.encode("utf-8")) & 0x7FFFFFFF or 1
    while candidate in taken:
        candidate = candidate % 0x7FFFFFFF + 1
    taken.add(candidate)
    return candidate


def _grid(sheet_id: int, rows: int, cols: int) -> dict[str, Any]:
    return {
        "sheetId": sheet_id,
        "startRowIndex": 0,
        "endRowIndex": rows,
        "startColumnIndex": 0,
        "endColumnIndex": cols,
    }


def _column_widths(sheet_id: int, texts: Sequence[Sequence[str]]) -> list[dict[str, Any]]:
    """Pixel widths from the longest text per column, like the xlsx backend's column sizing."""
    requests = []
    for col, column in enumerate(texts):
        chars = max((len(text) for text in column), default=0)
        requests.append(
            {
                "updateDimensionProperties": {
                    "range": {
                        "sheetId": sheet_id,
                        "dimension": "COLUMNS",
                        "startIndex": col,
                        "endIndex": col + 1,
                    },
                    "properties": {"pixelSize": min(420, max(60, 7 * chars + 16))},
                    "fields": "pixelSize",
                }
            }
        )
    return requests


def _wrapped_columns(sheet_id: int, widths: Sequence[int], rows: int) -> list[dict[str, Any]]:
    """Fixed widths (characters, as on xlsx) with text wrapped and top-aligned below the
    header; Sheets fits each row's height to its wrapped text."""
    requests = _column_widths(sheet_id, [["x" * (width - 2)] for width in widths])
    body = {"userEnteredFormat": {"wrapStrategy": "WRAP", "verticalAlignment": "TOP"}}
    area = {**_grid(sheet_id, rows, len(widths)), "startRowIndex": 1}
    fields = "userEnteredFormat(wrapStrategy,verticalAlignment)"
    requests.append({"repeatCell": {"range": area, "cell": body, "fields": fields}})
    return requests


def _shown(value: CellValue) -> str:
    if value is None:
        return ""
    return value.label if isinstance(value, Link | ExternalLink) else str(value)


def _size_request(sheet_id: int, rows: int, cols: int) -> dict[str, Any]:
    return {
        "updateSheetProperties": {
            "properties": {
                "sheetId": sheet_id,
                "gridProperties": {"rowCount": rows, "columnCount": cols, "frozenRowCount": 1},
            },
            "fields": "gridProperties(rowCount,columnCount,frozenRowCount,frozenColumnCount)",
        }
    }


def generated_requests(
    tabs: Sequence[TabContent], sheets: Mapping[str, SheetInfo]
) -> list[dict[str, Any]]:
    """One batchUpdate body that rewrites each generated tab whole.

    An existing tab keeps its sheetId (links and bookmarks to it stay valid): its grid is sized
    to the content first, then one updateCells with fields "*" over that whole grid sets every
    cell and clears whatever was left (values, formats, notes, validation).
    """
    taken = {info.sheet_id for info in sheets.values()}
    ids = {title: info.sheet_id for title, info in sheets.items()}
    for tab in tabs:
        if tab.title not in ids:
            ids[tab.title] = new_sheet_id(tab.title, taken)
    requests: list[dict[str, Any]] = []
    for tab in tabs:
        sheet_id = ids[tab.title]
        width = max(len(tab.header), *(len(row) for row in tab.rows), 1)
        cols = width + (_CHART_GAP + 1 if tab.chart else 0)
        rows = max(len(tab.rows) + 1, 2)  # a frozen header needs one unfrozen row below it
        info = sheets.get(tab.title)
        if info is None:
            grid = {"rowCount": rows, "columnCount": cols, "frozenRowCount": 1}
            props = {"sheetId": sheet_id, "title": tab.title, "gridProperties": grid}
            requests.append({"addSheet": {"properties": props}})
        else:
            requests.append(_size_request(sheet_id, rows, cols))
            requests += [{"deleteEmbeddedObject": {"objectId": chart}} for chart in info.charts]
        body = [header_row(tab.header, tab.note), *(row_data(row, ids) for row in tab.rows)]
        requests.append(
            {"updateCells": {"range": _grid(sheet_id, rows, cols), "rows": body, "fields": "*"}}
        )
        if tab.wrap_widths:
            requests += _wrapped_columns(sheet_id, tab.wrap_widths, rows)
        else:
            columns = [
                [h, *(_shown(row[c]) for row in tab.rows if c < len(row))]
                for c, h in enumerate(tab.header)
            ]
            requests += _column_widths(sheet_id, columns)
        if info is None or not info.protected:
            requests.append(_generated_mark(sheet_id))
        if tab.chart:
            requests.append(chart_request(tab.chart, sheet_id, anchor_col=width + _CHART_GAP))
    return requests


def _generated_mark(sheet_id: int) -> dict[str, Any]:
    """The warning-only protection that marks a tab as generated (and warns people editing it)."""
    protected = {"range": {"sheetId": sheet_id}, "description": GENERATED_MARK, "warningOnly": True}
    return {"addProtectedRange": {"protectedRange": protected}}


def chart_request(chart: Chart, sheet_id: int, anchor_col: int) -> dict[str, Any]:
    """A LINE chart over a block: the first column is the x axis, the others one series each.

    As the xlsx chart: straight lines with a marker on each point (months are points, not a
    curve), a legend naming each series, both axes titled."""

    def column(col: int) -> dict[str, Any]:
        source = {
            "sheetId": sheet_id,
            "startRowIndex": chart.first_row - 1,
            "endRowIndex": chart.last_row,
            "startColumnIndex": col - 1,
            "endColumnIndex": col,
        }
        return {"sourceRange": {"sources": [source]}}

    left_axis: dict[str, Any] = {"position": "LEFT_AXIS"}
    if chart.y_title:
        left_axis["title"] = chart.y_title
    bottom_axis: dict[str, Any] = {"position": "BOTTOM_AXIS"}
    if chart.x_title:
        bottom_axis["title"] = chart.x_title
    spec = {
        "title": chart.title,
        "basicChart": {
            "chartType": "LINE",
            "legendPosition": "BOTTOM_LEGEND",
            "headerCount": 1,
            "lineSmoothing": False,
            "axis": [bottom_axis, left_axis],
            "domains": [{"domain": column(chart.first_col)}],
            "series": [
                {
                    "series": column(col),
                    "targetAxis": "LEFT_AXIS",
                    "pointStyle": {"shape": "CIRCLE", "size": 6},
                }
                for col in range(chart.first_col + 1, chart.last_col + 1)
            ],
        },
    }
    anchor = {"sheetId": sheet_id, "rowIndex": 1, "columnIndex": anchor_col}
    position = {"overlayPosition": {"anchorCell": anchor, "widthPixels": 720, "heightPixels": 360}}
    return {"addChart": {"chart": {"spec": spec, "position": position}}}


def init_requests(tabs: Sequence[NewTab], sheets: Mapping[str, SheetInfo]) -> list[dict[str, Any]]:
    """One batchUpdate body for `init`: new input tabs with a bold frozen header, dropdowns on
    enum columns (not strict: the tool reports bad values with a fix, never blocks typing),
    and sample rows; for a tab that exists, only appendCells below its last row."""
    taken = {info.sheet_id for info in sheets.values()}
    ids = {title: info.sheet_id for title, info in sheets.items()}
    requests: list[dict[str, Any]] = []
    for tab in tabs:
        if tab.exists:
            if tab.rows:
                data = [row_data(row, ids) for row in tab.rows]
                fields = "userEnteredValue,userEnteredFormat"
                append = {"sheetId": ids[tab.title], "rows": data, "fields": fields}
                requests.append({"appendCells": append})
            continue
        sheet_id = ids[tab.title] = new_sheet_id(tab.title, taken)
        rows = max(_INPUT_ROWS, len(tab.rows) + 1)
        width = max(len(tab.header), *(len(row) for row in tab.rows), 1)
        grid = {"rowCount": rows, "columnCount": max(_INPUT_COLUMNS, width), "frozenRowCount": 1}
        props = {"sheetId": sheet_id, "title": tab.title, "gridProperties": grid}
        requests.append({"addSheet": {"properties": props}})
        body = [header_row(tab.header, tab.note), *(row_data(row, ids) for row in tab.rows)]
        start = {"sheetId": sheet_id, "rowIndex": 0, "columnIndex": 0}
        fields = "userEnteredValue,userEnteredFormat" + (",note" if tab.note else "")
        requests.append({"updateCells": {"start": start, "rows": body, "fields": fields}})
        requests += _column_widths(sheet_id, [[h, "x" * 12] for h in tab.header])
        if tab.note:  # a generated tab, marked as a refresh would mark it
            requests.append(_generated_mark(sheet_id))
        for col, choices in sorted(tab.dropdowns.items()):
            rule = {
                "condition": {
                    "type": "ONE_OF_LIST",
                    "values": [{"userEnteredValue": choice} for choice in choices],
                },
                "strict": False,
                "showCustomUi": True,
            }
            target = {**_grid(sheet_id, rows, col + 1), "startRowIndex": 1, "startColumnIndex": col}
            requests.append({"setDataValidation": {"range": target, "rule": rule}})
    return requests
