"""The local .xlsx workbook (the default backend): read by python-calamine (`xlsx_reader`),
written by openpyxl.

Input tabs are never modified: a write reloads the file, replaces only generated tabs,
saves to a temporary file beside the workbook and renames it over the original, keeping
the previous version as `<name>.backup.xlsx`.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.chart import LineChart, Reference
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from handoffs.backends.xlsx_reader import read_tabs
from handoffs.errors import BackendError, ConfigError
from handoffs.sheet import CellValue, Formula, Link, NewTab, RawTab, TabContent, match_title

_BOLD = Font(bold=True)
_DATE_FORMAT = "yyyy-mm-dd"
_DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
_DROPDOWN_ROWS = 2000
_MAX_WIDTH = 60
_UNREADABLE = (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, TypeError, EOFError)


class XlsxBackend:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    @property
    def location(self) -> str:
        return str(self.path)

    @property
    def lock_path(self) -> str:
        return str(self.path.with_name(f".{self.path.name}.lock"))

    @property
    def backup_path(self) -> Path:
        return self.path.with_name(f"{self.path.stem}.backup{self.path.suffix}")

    # -- reading ---------------------------------------------------------------------------

    def read(
        self, titles: Sequence[str], *, missing_ok: bool = False, merges: bool = True
    ) -> dict[str, RawTab]:
        # Parsed once by calamine; merges come free with it, so `merges` changes nothing here.
        if missing_ok and not self.path.exists():
            return {}
        self._require_file()
        return read_tabs(self.path, titles)

    def _require_file(self) -> None:
        if not self.path.exists():
            raise ConfigError(
                f"No workbook at {self.path}; run `handoffs init` to create it "
                "(or `handoffs init --demo` for a sample team)."
            )

    def _load(self, *, data_only: bool, read_only: bool = False) -> Workbook:
        try:
            return load_workbook(self.path, data_only=data_only, read_only=read_only)
        except PermissionError as exc:
            raise BackendError(f"Cannot open {self.path}: permission denied.") from exc
        except _UNREADABLE as exc:
            raise BackendError(
                f"{self.path} is not a readable .xlsx workbook ({type(exc).__name__}: {exc}); "
                f"restore it from {self.backup_path.name} or re-save it from Excel or LibreOffice."
            ) from exc
        except OSError as exc:
            raise BackendError(f"Cannot read {self.path}: {exc}") from exc

    # -- writing ---------------------------------------------------------------------------

    def write_generated(self, tabs: Sequence[TabContent]) -> None:
        self._require_file()
        with self._editing() as workbook:
            for tab in tabs:
                _write_tab(workbook, tab)

    def append_rows(self, title: str, rows: Sequence[Sequence[CellValue]]) -> None:
        self._require_file()
        with self._editing() as workbook:
            existing = match_title(workbook.sheetnames, title)
            if existing is None:
                raise ConfigError(f"The workbook has no {title} tab; run `handoffs init` first.")
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
    def _editing(self, create: bool = False) -> Iterator[Workbook]:
        """Load the current file, let the caller change it, then replace it atomically."""
        self._refuse_if_open_elsewhere()
        if create:
            workbook = Workbook()
            workbook.remove(workbook.active)
        else:
            workbook = self._load(data_only=False)
        yield workbook
        self._save(workbook, keep_backup=not create)

    def _refuse_if_open_elsewhere(self) -> None:
        for lock in (f"~${self.path.name}", f".~lock.{self.path.name}#"):
            if (self.path.parent / lock).exists():
                raise BackendError(
                    f"{self.path} is open in Excel or LibreOffice (lock file {lock}); "
                    "close it there and run again. Nothing was written."
                )

    def _save(self, workbook: Workbook, keep_backup: bool) -> None:
        folder = self.path.parent
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(
            prefix=f".{self.path.stem}-", suffix=".xlsx", dir=folder
        )
        try:
            with os.fdopen(handle, "wb") as stream:
                workbook.save(stream)
                stream.flush()
                os.fsync(stream.fileno())
            if keep_backup:
                shutil.copymode(self.path, temporary)
                shutil.copy2(self.path, self.backup_path)
            else:
                umask = os.umask(0)
                os.umask(umask)
                os.chmod(temporary, 0o666 & ~umask)
            os.replace(temporary, self.path)
        except OSError as exc:
            raise BackendError(f"Cannot write {self.path}: {exc}. Nothing was written.") from exc
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)


def _cell_value(value: CellValue) -> tuple[Any, str | None]:
    """(what to store, number format) for one generated cell; text always stays text."""
    if isinstance(value, Link):  # the label; `_set` adds the link to the cell
        return ILLEGAL_CHARACTERS_RE.sub("", value.label), None
    if isinstance(value, Formula):
        return value.text, None
    if isinstance(value, dt.datetime):
        return value, _DATETIME_FORMAT
    if isinstance(value, dt.date):
        return value, _DATE_FORMAT
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value), None
    return value, None


def _set(sheet: Worksheet, row: int, col: int, value: CellValue) -> int:
    """Write one cell; returns the width it needs."""
    stored, number_format = _cell_value(value)
    cell = sheet.cell(row=row, column=col, value=stored)
    if isinstance(value, str | Link):
        cell.data_type = "s"  # openpyxl would otherwise store '=…' text as a formula
    if isinstance(value, Link):
        # A real internal hyperlink rather than a HYPERLINK formula: openpyxl saves no value
        # for a formula, so the cell would read back as blank; this one reads as its label.
        location = "'" + value.tab.replace("'", "''") + "'!" + value.cell
        cell.hyperlink = Hyperlink(ref=cell.coordinate, location=location, display=value.label)
        cell.style = "Hyperlink"
    if number_format:
        cell.number_format = number_format
    return len(value.label if isinstance(value, Link) else str(stored or ""))


def _write_tab(workbook: Workbook, tab: TabContent) -> None:
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
    _size_columns(sheet, widths)
    if tab.chart:
        _add_chart(sheet, tab)


def _size_columns(sheet: Worksheet, widths: Sequence[int]) -> None:
    for c, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(c)].width = min(_MAX_WIDTH, max(8, width + 2))


def _add_chart(sheet: Worksheet, tab: TabContent) -> None:
    spec = tab.chart
    assert spec is not None
    chart = LineChart()
    chart.title = spec.title
    chart.y_axis.title = spec.y_title
    data = Reference(
        sheet,
        min_col=spec.first_col + 1,
        max_col=spec.last_col,
        min_row=spec.first_row,
        max_row=spec.last_row,
    )
    chart.add_data(data, titles_from_data=True)
    months = Reference(
        sheet, min_col=spec.first_col, min_row=spec.first_row + 1, max_row=spec.last_row
    )
    chart.set_categories(months)
    chart.width, chart.height = 22, 10
    sheet.add_chart(chart, f"{get_column_letter(len(tab.header) + 2)}2")


def _add_input_tab(workbook: Workbook, tab: NewTab) -> None:
    sheet = workbook.create_sheet(tab.title)
    for c, title in enumerate(tab.header, start=1):
        _set(sheet, 1, c, title)
        sheet.cell(row=1, column=c).font = _BOLD
    sheet.freeze_panes = "A2"
    _size_columns(sheet, [max(len(h), 12) for h in tab.header])
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
    _append(sheet, tab.rows)


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
