"""Generated tabs and new input tabs rendered by openpyxl into a scratch package holding only
them; `xlsx_carry` moves their parts into the team's workbook (a brand-new workbook is this
scratch package itself).

How a generated tab looks: a bold, frozen header row; columns as wide as their text (up to a
cap) or fixed widths with wrapped, top-aligned text; dates and booleans in formats every
application shows the same; the tool's note on A1; the Summary's line chart beside its text.
"""

from __future__ import annotations

import datetime as dt
import io
import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.chart import LineChart, Reference, Series
from openpyxl.chart.data_source import AxDataSource, StrRef
from openpyxl.chart.marker import Marker
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from handoffs.backends.xlsx_rows import BOOLEAN_FORMAT, DATE_FORMAT, DATETIME_FORMAT
from handoffs.model.spreadsheet import (
    XLSX_CELL_LIMIT,
    CellValue,
    ExternalLink,
    Formula,
    Link,
    NewTab,
    TabContent,
    column_letter,
    fit_cell,
)

_BOLD = Font(bold=True)
_WRAPPED = Alignment(wrap_text=True, vertical="top")
_LINE_HEIGHT = 15  # points: one line of the default 11-point font
_CHART_SIZE_CM = (14, 8.5)  # beside the Summary's text, within a laptop screen
_DROPDOWN_ROWS = 2000
_MAX_WIDTH = 60


def render(
    generated: Mapping[str, TabContent] | None = None, added: Mapping[str, NewTab] | None = None
) -> bytes:
    """A package of these tabs only (keyed by the title each gets), in this order."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, tab in (generated or {}).items():
        _write_tab(workbook.create_sheet(title), tab)
    for title, new in (added or {}).items():
        _add_input_tab(workbook.create_sheet(title), new)
    saved = io.BytesIO()
    workbook.save(saved)
    return saved.getvalue()


def link_labels(tab: TabContent) -> dict[str, str]:
    """Each link cell's label as the result of its HYPERLINK formula: openpyxl saves formulas
    without a result, and the cell must read back as what it shows (for the unchanged-tabs
    comparison, and for any reader that does not recalculate)."""
    return {
        f"{column_letter(c)}{r}": value.label
        for r, row in enumerate(tab.rows, start=2)
        for c, value in enumerate(row, start=1)
        if isinstance(value, Link)
    }


def _link_formula(link: Link) -> str:
    """A HYPERLINK to a cell of another tab that jumps there in Excel and in LibreOffice.

    Excel resolves only `#'Tab'!C2`, LibreOffice only `#'Tab'.C2`; the formula picks the one
    the application understands: LibreOffice's CELL("filename") reads 'file:///…'#$Tab."""
    sheet = "'" + link.tab.replace("'", "''") + "'"
    excel, libreoffice = (f"#{sheet}{sep}{link.cell}".replace('"', '""') for sep in "!.")
    label = link.label.replace('"', '""')
    in_libreoffice = 'ISNUMBER(FIND("\'#$",CELL("filename",A1)))'
    return f'=HYPERLINK(IF({in_libreoffice},"{libreoffice}","{excel}"),"{label}")'


def _cell_value(value: CellValue) -> tuple[Any, str | None]:
    """(what to store, number format) for one generated cell; text always stays text."""
    if isinstance(value, Link):
        return _link_formula(value), None
    if isinstance(value, Formula):
        return value.text, None
    if isinstance(value, ExternalLink):
        return ILLEGAL_CHARACTERS_RE.sub("", value.label), None
    if isinstance(value, dt.datetime):
        return value, DATETIME_FORMAT
    if isinstance(value, dt.date):
        return value, DATE_FORMAT
    if isinstance(value, str):
        return fit_cell(ILLEGAL_CHARACTERS_RE.sub("", value), XLSX_CELL_LIMIT), None
    if isinstance(value, bool):
        return value, BOOLEAN_FORMAT
    return value, None


def _set(sheet: Worksheet, row: int, col: int, value: CellValue) -> int:
    """Write one cell; returns the width it needs (in characters, as shown)."""
    stored, number_format = _cell_value(value)
    cell = sheet.cell(row=row, column=col, value=stored)
    if isinstance(value, str | ExternalLink):
        cell.data_type = "s"  # openpyxl would otherwise store '=…' text as a formula
    if number_format:
        cell.number_format = number_format
    if isinstance(value, Link | ExternalLink):
        return len(value.label)
    if isinstance(value, dt.date):  # as its number format shows it, not as Python prints it
        return len(DATETIME_FORMAT if isinstance(value, dt.datetime) else DATE_FORMAT)
    if isinstance(value, bool):
        return len("FALSE")
    return len(str(stored or ""))


def _write_tab(sheet: Worksheet, tab: TabContent) -> None:
    """One generated tab, whole."""
    widths = [len(h) for h in tab.header]
    for c, title in enumerate(tab.header, start=1):
        _set(sheet, 1, c, title)
        sheet.cell(row=1, column=c).font = _BOLD
    links: list[tuple[int, int, str]] = []
    for r, row in enumerate(tab.rows, start=2):
        for c, value in enumerate(row, start=1):
            if value is not None:
                width = _set(sheet, r, c, value)
                if c <= len(widths):
                    widths[c - 1] = max(widths[c - 1], width)
                if isinstance(value, ExternalLink):
                    links.append((c, r, value.target))
    _add_hyperlinks(sheet, links)
    sheet.freeze_panes = "A2"
    sheet["A1"].comment = Comment(tab.note, "handoffs")
    if tab.wrap_widths:
        _wrap_columns(sheet, tab.wrap_widths)
    else:
        _size_columns(sheet, widths)
    if tab.chart:
        _add_chart(sheet, tab)


def _add_hyperlinks(sheet: Worksheet, links: list[tuple[int, int, str]]) -> None:
    """Cell hyperlinks (the text stays text), one over each run of cells one below the other
    that link to the same target (`A2:A24`): Excel, LibreOffice and openpyxl give every cell of
    the run the link, and the 7,000 team cells of a 300-team Org Stale Reviews take 300
    hyperlinks and relationships to write and to carry, not 7,000. `links`: (column, row,
    target), row by row."""
    runs: list[list[Any]] = []  # [column, first row, last row, target]
    for c, r, target in sorted(links):
        run = runs[-1] if runs else None
        if run is not None and (run[0], run[2] + 1, run[3]) == (c, r, target):
            run[2] = r
        else:
            runs.append([c, r, r, target])
    for c, first, last, target in runs:
        cell = sheet.cell(row=first, column=c)
        cell.hyperlink = target
        if last > first:
            cell.hyperlink.ref = f"{cell.coordinate}:{get_column_letter(c)}{last}"


def _size_columns(sheet: Worksheet, widths: Sequence[int]) -> None:
    for c, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(c)].width = min(_MAX_WIDTH, max(8, width + 2))


def _wrap_columns(sheet: Worksheet, widths: Sequence[int]) -> None:
    """Fixed widths; text wraps within them, top-aligned so a label stays beside its detail.

    Each row is as tall as its longest wrapped text: LibreOffice keeps a row's stored height
    on opening a workbook, so wrapped lines would otherwise be drawn over the rows below."""
    for c, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(c)].width = width
    for row in sheet.iter_rows(min_row=2, max_col=len(widths)):
        lines = 1
        for cell, width in zip(row, widths, strict=False):
            if cell.value is not None:
                cell.alignment = _WRAPPED
            if isinstance(cell.value, str) and len(cell.value) > width:
                # a width counts digits, and text is narrower (about 1.3 letters a digit as
                # LibreOffice and Excel draw it); 1.2 keeps a line to spare rather than clip
                lines = max(lines, len(textwrap.wrap(cell.value, int(width * 1.2))))
        if lines > 1:
            sheet.row_dimensions[row[0].row].height = _LINE_HEIGHT * lines


def _add_chart(sheet: Worksheet, tab: TabContent) -> None:
    """The tab's line chart beside its text, from row 2: a straight line with a marker per
    series (months are points, not a curve), a legend naming each, both axes shown and titled.

    openpyxl leaves smoothing, markers and axis visibility implicit, and applications fill
    the gaps differently (LibreOffice draws smoothed curves, Excel hides the axes), so each
    is set explicitly here."""
    spec = tab.chart
    assert spec is not None
    chart = LineChart()
    chart.title = spec.title
    chart.marker, chart.smooth = True, False
    first_month, last_month = (
        f"{get_column_letter(spec.first_col)}${row}" for row in (spec.first_row + 1, spec.last_row)
    )
    quoted = "'" + sheet.title.replace("'", "''") + "'"
    months = f"{quoted}!${first_month}:${last_month}"  # text, so a string reference
    for col in range(spec.first_col + 1, spec.last_col + 1):
        values = Reference(sheet, min_col=col, min_row=spec.first_row, max_row=spec.last_row)
        series = Series(values, title_from_data=True)
        series.smooth = False
        series.marker = Marker(symbol="circle", size=6)
        series.cat = AxDataSource(strRef=StrRef(f=months))
        chart.series.append(series)
    chart.x_axis.title = spec.x_title or None
    chart.y_axis.title = spec.y_title or None
    chart.x_axis.axPos = "b"
    chart.x_axis.delete = chart.y_axis.delete = False
    chart.legend.position = "b"
    chart.width, chart.height = _CHART_SIZE_CM
    sheet.add_chart(chart, f"{get_column_letter(len(tab.header) + 2)}2")


def _add_input_tab(sheet: Worksheet, tab: NewTab) -> None:
    for c, title in enumerate(tab.header, start=1):
        _set(sheet, 1, c, title)
        sheet.cell(row=1, column=c).font = _BOLD
    sheet.freeze_panes = "A2"
    if tab.note:  # a generated tab: marked, so that refresh knows it may rewrite it
        sheet["A1"].comment = Comment(tab.note, "handoffs")
    # Wide enough for its header and for a date-time (else the application shows ###); longer
    # text overflows into the empty cells beside it or is cut, as people size columns themselves.
    widths = [max(len(h), 12) for h in tab.header]
    for r, row in enumerate(tab.rows, start=2):
        for c, value in enumerate(row, start=1):
            if value is not None:
                shown = _set(sheet, r, c, value)
                if c <= len(widths):
                    widths[c - 1] = max(widths[c - 1], min(shown, len(DATETIME_FORMAT)))
    _size_columns(sheet, widths)
    for column, choices in tab.dropdowns.items():
        letter = get_column_letter(column + 1)
        rule = DataValidation(
            type="list",
            formula1='"' + ",".join(choices) + '"',
            allow_blank=True,
            showErrorMessage=False,  # the tool reports bad values with a fix; never block typing
        )
        rule.add(f"{letter}2:{letter}{_DROPDOWN_ROWS}")
        sheet.add_data_validation(rule)
