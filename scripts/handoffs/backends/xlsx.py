"""The local .xlsx workbook (the default backend): read by python-calamine (`xlsx_reader`),
written by openpyxl.

Input tabs are never modified: a write reloads the file, replaces only generated tabs (and only
tabs marked as generated: a team's own tab of the same name is refused), puts back the saved
results of the input tabs' formulas, and replaces the file atomically keeping the previous
version as `<name>.backup.xlsx` (backends/xlsx_file.py). Macro workbooks keep their VBA project.
"""

from __future__ import annotations

import datetime as dt
import io
import textwrap
from collections.abc import Iterator, Mapping, Sequence, Set
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.chart import LineChart, Reference, Series
from openpyxl.chart.data_source import AxDataSource, StrRef
from openpyxl.chart.marker import Marker
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from handoffs.backends import foreign_tab, holds_only, xlsx_file
from handoffs.backends.xlsx_formula_values import Cached, restore_results
from handoffs.backends.xlsx_reader import read_tabs
from handoffs.model.errors import BackendError, UsageError
from handoffs.model.spreadsheet import (
    GENERATED_PREFIX,
    XLSX_CELL_LIMIT,
    CellValue,
    ExternalLink,
    Formula,
    Link,
    NewTab,
    RawTab,
    TabContent,
    column_letter,
    fit_cell,
    match_title,
)

_BOLD = Font(bold=True)
_WRAPPED = Alignment(wrap_text=True, vertical="top")
_BOOLEAN_FORMAT = '"TRUE";"TRUE";"FALSE"'  # LibreOffice shows 1/0 for a boolean without it
_LINE_HEIGHT = 15  # points: one line of the default 11-point font
_CHART_SIZE_CM = (14, 8.5)  # beside the Summary's text, within a laptop screen
_DATE_FORMAT = "yyyy-mm-dd"
_DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
_DROPDOWN_ROWS = 2000
_MAX_WIDTH = 60


class XlsxBackend:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    @property
    def location(self) -> str:
        return str(self.path)

    def tab_url(self, title: str) -> str:
        """Where people find a tab, for notices: the workbook's path (tabs have no address)."""
        return str(self.path)

    @property
    def lock_path(self) -> str:
        # Beside the file a symlink points to: one lock whichever path a run was given.
        target = xlsx_file.target_of(self.path)
        return str(target.with_name(f".{target.name}.lock"))

    @property
    def backup_path(self) -> Path:
        return xlsx_file.backup_of(self.path)

    # -- reading ---------------------------------------------------------------------------

    def read(
        self, titles: Sequence[str], *, missing_ok: bool = False, merges: bool = True
    ) -> dict[str, RawTab]:
        # Parsed once by calamine; merges come free with it, so `merges` changes nothing here.
        if missing_ok and not self.path.exists():
            return {}
        self._require_file()
        xlsx_file.check_file(self.path)
        with xlsx_file.opening(self.path):  # damaged parts can surface while cells are read
            return read_tabs(self.path, titles)

    def require_existing(self) -> None:
        self._require_file()

    def _require_file(self) -> None:
        if not self.path.exists():
            raise UsageError(
                f"No workbook at {self.path}; run `handoffs init` to create it "
                "(or `handoffs init --demo` for a sample team)."
            )

    def _load(self, *, data_only: bool, read_only: bool = False) -> Workbook:
        with xlsx_file.opening(self.path):
            # From memory: openpyxl leaves the file open when a damaged part stops it.
            data = io.BytesIO(self.path.read_bytes())
            return load_workbook(data, data_only=data_only, read_only=read_only)

    # -- writing ---------------------------------------------------------------------------

    def write_generated(self, tabs: Sequence[TabContent]) -> None:
        self._require_file()
        links: dict[str, Cached] = {}
        with self._editing(rewritten={tab.title for tab in tabs}, results=links) as workbook:
            for tab in tabs:  # all checked before any is changed
                existing = _tab_named(workbook, tab.title)
                if existing is not None and not _is_generated(existing, tab.header):
                    raise foreign_tab(existing.title)
            for tab in tabs:
                links[_write_tab(workbook, tab)] = _link_labels(tab)

    def append_rows(self, title: str, rows: Sequence[Sequence[CellValue]]) -> None:
        self._require_file()
        with self._editing() as workbook:
            existing = match_title(workbook.sheetnames, title)
            if existing is None:
                raise UsageError(f"The workbook has no {title} tab; run `handoffs init` first.")
            _append(workbook[existing], rows)

    def initialize(self, tabs: Sequence[NewTab]) -> None:
        with self._editing(create=not self.path.exists()) as workbook:
            for tab in tabs:
                if tab.exists:
                    _append(
                        workbook[match_title(workbook.sheetnames, tab.title) or tab.title], tab.rows
                    )
                else:
                    _add_input_tab(workbook, tab)

    @contextmanager
    def _editing(
        self,
        create: bool = False,
        rewritten: Set[str] = frozenset(),
        results: Mapping[str, Cached] | None = None,
    ) -> Iterator[Workbook]:
        """Load the current file, let the caller change it, then replace it atomically; the
        formula results of every tab not `rewritten` are put back after openpyxl's save, and
        `results` (tab title -> cell -> result) are given to the formulas the caller wrote."""
        self._refuse_if_open_elsewhere()
        previous: bytes | None = None
        if create:
            workbook = Workbook()
            workbook.remove(workbook.active)
        else:
            xlsx_file.check_file(self.path)
            xlsx_file.require_writable(self.path)
            with xlsx_file.opening(self.path):
                previous = xlsx_file.target_of(self.path).read_bytes()
                macros = xlsx_file.has_macros(previous)
                workbook = load_workbook(io.BytesIO(previous), keep_vba=macros)
        yield workbook
        saved = io.BytesIO()
        workbook.save(saved)
        content = saved.getvalue()
        if previous is not None:
            with xlsx_file.opening(self.path):
                content = restore_results(content, previous, rewritten, results or {})
        xlsx_file.replace(self.path, content, previous=previous)

    def _refuse_if_open_elsewhere(self) -> None:
        for path in {self.path, xlsx_file.target_of(self.path)}:
            for lock in (f"~${path.name}", f".~lock.{path.name}#"):
                if (path.parent / lock).exists():
                    raise BackendError(
                        f"{self.path} is open in Excel or LibreOffice (lock file {lock}); "
                        "close it there and run again. Nothing was written."
                    )


def _link_labels(tab: TabContent) -> Cached:
    """Each link cell's label as the result of its HYPERLINK formula: openpyxl saves formulas
    without a result, and the cell must read back as what it shows (for the unchanged-tabs
    comparison, and for any reader that does not recalculate)."""
    return {
        f"{column_letter(c)}{r}": ("str", escape(value.label).encode())
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
        return value, _DATETIME_FORMAT
    if isinstance(value, dt.date):
        return value, _DATE_FORMAT
    if isinstance(value, str):
        return fit_cell(ILLEGAL_CHARACTERS_RE.sub("", value), XLSX_CELL_LIMIT), None
    if isinstance(value, bool):
        return value, _BOOLEAN_FORMAT
    return value, None


def _set(sheet: Worksheet, row: int, col: int, value: CellValue) -> int:
    """Write one cell; returns the width it needs (in characters, as shown)."""
    stored, number_format = _cell_value(value)
    cell = sheet.cell(row=row, column=col, value=stored)
    if isinstance(value, str | ExternalLink):
        cell.data_type = "s"  # openpyxl would otherwise store '=…' text as a formula
    if isinstance(value, ExternalLink):
        cell.hyperlink = value.target  # a cell hyperlink: the text stays text
    if number_format:
        cell.number_format = number_format
    if isinstance(value, Link | ExternalLink):
        return len(value.label)
    if isinstance(value, dt.date):  # as its number format shows it, not as Python prints it
        return len(_DATETIME_FORMAT if isinstance(value, dt.datetime) else _DATE_FORMAT)
    if isinstance(value, bool):
        return len("FALSE")
    return len(str(stored or ""))


def _tab_named(workbook: Workbook, title: str) -> Worksheet | None:
    """The tab with this title, ignoring case (Excel allows only one of them)."""
    wanted = title.casefold()
    return next((s for s in workbook.worksheets if s.title.casefold() == wanted), None)


def _is_generated(sheet: Worksheet, header: Sequence[str]) -> bool:
    """Marked by the tool (its note on A1), or holding nothing but that header: a tab an older
    `init` created unmarked. Anything else is the team's own tab."""
    comment = sheet["A1"].comment
    if comment is not None and GENERATED_PREFIX in comment.text:
        return True
    return holds_only(sheet.iter_rows(values_only=True), header)


def _write_tab(workbook: Workbook, tab: TabContent) -> str:
    """Write one generated tab whole; returns its title in the workbook."""
    existing = match_title(workbook.sheetnames, tab.title)  # a renamed `summary` stays so
    if existing is not None:
        index = workbook.sheetnames.index(existing)
        workbook.remove(workbook[existing])
        sheet = workbook.create_sheet(existing, index)
    else:
        sheet = workbook.create_sheet(tab.title)
    widths = [len(h) for h in tab.header]
    for c, title in enumerate(tab.header, start=1):
        _set(sheet, 1, c, title)
        sheet.cell(row=1, column=c).font = _BOLD
    for r, row in enumerate(tab.rows, start=2):
        for c, value in enumerate(row, start=1):
            if value is not None:
                width = _set(sheet, r, c, value)
                if c <= len(widths):
                    widths[c - 1] = max(widths[c - 1], width)
    sheet.freeze_panes = "A2"
    sheet["A1"].comment = Comment(tab.note, "handoffs")
    if tab.wrap_widths:
        _wrap_columns(sheet, tab.wrap_widths)
    else:
        _size_columns(sheet, widths)
    if tab.chart:
        _add_chart(sheet, tab)
    return str(sheet.title)


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


def _add_input_tab(workbook: Workbook, tab: NewTab) -> None:
    sheet = workbook.create_sheet(tab.title)
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
                    widths[c - 1] = max(widths[c - 1], min(shown, len(_DATETIME_FORMAT)))
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


def _append(sheet: Worksheet, rows: Sequence[Sequence[CellValue]]) -> None:
    """Write rows below the last non-empty row, extending an Excel table that ends there."""
    last = sheet.max_row
    while last > 1 and all(cell.value is None for cell in sheet[last]):
        last -= 1
    for offset, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is not None:
                _set(sheet, last + offset, c, value)
    for table in sheet.tables.values():
        start, end = table.ref.split(":")
        end_col = "".join(ch for ch in end if ch.isalpha())
        if int("".join(ch for ch in end if ch.isdigit())) == last and rows:
            table.ref = f"{start}:{end_col}{last + len(rows)}"
