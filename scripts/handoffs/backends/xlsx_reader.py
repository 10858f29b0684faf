"""Reading the local workbook: python-calamine parses it, openpyxl only where calamine cannot.

Cells arrive as `RawTab` rows the way openpyxl has always given them, so the core cannot tell
which parser ran: blanks are None, integral numbers int, other numbers float, date cells
datetime, time cells time, duration cells timedelta, error cells their text ('#REF!'), a formula
its last saved value. Rows start at A1, trailing blank rows and columns are dropped, and the
cells a merge hides are blank.

What calamine does not give is found in the sheet's own XML: error cells (calamine shows them
blank) and formulas saved without a value (files written by scripts, never by Excel or
LibreOffice). For the latter, openpyxl reads that tab's formula text, which becomes a
`FormulaWithoutValue` (docs/spreadsheet.md#conventions). `read_with_openpyxl` is the reader
calamine replaced, kept as the reference the tests compare against.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import Any
from xml.etree import ElementTree

from python_calamine import CalamineError, CalamineWorkbook

from handoffs.backends.xlsx_file import damaged
from handoffs.backends.xlsx_guard import guarded_parts
from handoffs.backends.xlsx_rows import totals_rows, without_totals
from handoffs.model.errors import BackendError
from handoffs.model.spreadsheet import FormulaWithoutValue, RawTab, column_letter, match_title

# An integral number is stored as plain digits up to this size (openpyxl writes "%.16g", so
# larger ones carry an exponent) and openpyxl reads plain digits as int.
_PLAIN_DIGITS = 1e16
_ERROR_CELL = re.compile(rb'<c\b([^>]*\bt="e"[^>]*)>(.*?)</c>', re.S)
_BARE_FORMULA = re.compile(
    rb"<c\b([^>]*)>\s*<f\b[^>]*(?:/>|>[^<]*</f>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>"
)
_REF = re.compile(rb'\br="([A-Z]{1,3})([0-9]+)"')
_VALUE = re.compile(rb"<v>([^<]*)</v>")
# Whitespace-only text saved without xml:space="preserve" (openpyxl saves it so): calamine's XML
# parser drops it, openpyxl keeps it.
_BARE_SPACE = re.compile(rb"<t>([ \t\r\n]+)</t>")
_SPACE_INLINE = re.compile(rb"<c\b([^>]*)><is><t>([ \t\r\n]+)</t></is></c>")
_SHARED_SPACE = re.compile(rb"<si><t>([ \t\r\n]+)</t></si>")
_SHARED_CELL = re.compile(rb'<c\b([^>]*\bt="s"[^>]*)><v>([0-9]+)</v></c>')
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_DOC_RELS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_UNREADABLE = (zipfile.BadZipFile, CalamineError, KeyError, ValueError, EOFError)


def unreadable(path: Path, exc: Exception) -> BackendError:
    """The error for a file that is not a workbook any more (exit 3), naming the way back."""
    if isinstance(exc, PermissionError):
        return BackendError(f"Cannot open {path}: permission denied.")
    if isinstance(exc, OSError) and not isinstance(exc, zipfile.BadZipFile):
        return BackendError(f"Cannot read {path}: {exc}")
    return damaged(path, exc)


def read_tabs(path: Path, titles: Sequence[str]) -> dict[str, RawTab]:
    """Every existing tab among `titles`, keyed by the title asked for (RawTab.title is the
    tab's own), parsed once by calamine."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = _sheet_parts(archive)
            asked = {wanted: match_title(list(parts), wanted) for wanted in titles}
            xmls = guarded_parts(path, archive, {t: parts[t] for t in asked.values() if t})
            spaces = _shared_spaces(archive)
            totals = {t: totals_rows(archive, parts[t]) for t in asked.values() if t}
        with CalamineWorkbook.from_path(str(path)) as workbook:
            tabs: dict[str, RawTab] = {}
            for wanted, title in asked.items():
                if title is not None and title in workbook.sheet_names:
                    sheet = workbook.get_sheet_by_name(title)
                    tab = _tab(path, title, sheet, xmls[title], spaces)
                    tabs[wanted] = without_totals(tab, totals[title])
            return tabs
    except (*_UNREADABLE, OSError) as exc:
        raise unreadable(path, exc) from exc


def _tab(path: Path, title: str, sheet: Any, xml: bytes, spaces: dict[bytes, str]) -> RawTab:
    rows = [[_cell(value) for value in row] for row in sheet.to_python(skip_empty_area=False)]
    merges = [_a1(start, end) for start, end in sheet.merged_cell_ranges or ()]
    marks = _marks(xml, spaces)
    if marks is None:  # XML this scan cannot follow (prefixed elements, cells without r=)
        return read_with_openpyxl(path, [title])[title]
    errors, bare = marks
    for (r, c), text in errors.items():
        _put(rows, r, c, text)
    if bare:
        for (r, c), formula in _formula_texts(path, title, bare).items():
            _put(rows, r, c, FormulaWithoutValue(formula))
    for start, end in sheet.merged_cell_ranges or ():
        for r in range(start[0], min(end[0] + 1, len(rows))):
            row = rows[r]
            for c in range(start[1], min(end[1] + 1, len(row))):
                if (r, c) != start:
                    row[c] = None
    return RawTab(title, _trimmed(rows), tuple(merges))


def _cell(value: Any) -> Any:
    """One calamine value as openpyxl gives it."""
    kind = type(value)
    if kind is str:
        return value or None  # calamine shows a blank cell as ''
    if kind is float:
        if value.is_integer() and -_PLAIN_DIGITS < value < _PLAIN_DIGITS:
            return int(value)
        return value
    if kind is dt.date:  # calamine gives a date when the time is midnight, openpyxl a datetime
        return dt.datetime(value.year, value.month, value.day)
    return value


def _put(rows: list[list[Any]], r: int, c: int, value: Any) -> None:
    while len(rows) <= r:
        rows.append([])
    row = rows[r]
    if len(row) <= c:
        row.extend([None] * (c + 1 - len(row)))
    rows[r][c] = value


def _trimmed(rows: list[list[Any]]) -> list[list[Any]]:
    """Rows padded to one width, without trailing blank rows or columns."""
    while rows and all(v is None for v in rows[-1]):
        rows.pop()
    width = max(map(len, rows), default=0)
    while width and all(len(row) < width or row[width - 1] is None for row in rows):
        width -= 1
    for i, row in enumerate(rows):
        if len(row) != width:
            rows[i] = (row + [None] * width)[:width]
    return rows


def _a1(start: tuple[int, int], end: tuple[int, int]) -> str:
    first = f"{column_letter(start[1] + 1)}{start[0] + 1}"
    last = f"{column_letter(end[1] + 1)}{end[0] + 1}"
    return first if first == last else f"{first}:{last}"


def _place(attributes: bytes) -> tuple[int, int] | None:
    found = _REF.search(attributes)
    if found is None:
        return None
    col = 0
    for letter in found.group(1):
        col = col * 26 + letter - 64
    return int(found.group(2)) - 1, col - 1


def _shared_spaces(archive: zipfile.ZipFile) -> dict[bytes, str]:
    """Index (as stored in cells) -> text of the whitespace-only shared strings saved without
    xml:space="preserve"."""
    try:
        xml = archive.read("xl/sharedStrings.xml")
    except KeyError:
        return {}
    if _BARE_SPACE.search(xml) is None:
        return {}
    return {
        str(xml.count(b"<si>", 0, found.start()) + xml.count(b"<si ", 0, found.start())).encode(): (
            found.group(1).decode()
        )
        for found in _SHARED_SPACE.finditer(xml)
    }


def _marks(
    xml: bytes, spaces: dict[bytes, str]
) -> tuple[dict[tuple[int, int], str], list[tuple[int, int]]] | None:
    """(cells calamine shows blank -> their text, formulas saved without a value) from a
    sheet's XML: error cells and whitespace-only text. None when the XML is not laid out the way
    this scan reads it."""
    if b"<sheetData" not in xml and b"sheetData" in xml:
        return None  # elements with a namespace prefix
    errors: dict[tuple[int, int], str] = {}
    texts = [(_SPACE_INLINE, lambda text: text)] if _BARE_SPACE.search(xml) else []
    if spaces:
        texts.append((_SHARED_CELL, spaces.get))
    for pattern, text_of in texts:
        for found in pattern.finditer(xml):
            text, place = text_of(found.group(2)), _place(found.group(1))
            if text is not None and place is None:
                return None
            if text is not None and place is not None:
                errors[place] = text.decode() if isinstance(text, bytes) else text
    if b't="e"' in xml:
        for found in _ERROR_CELL.finditer(xml):
            place, value = _place(found.group(1)), _VALUE.search(found.group(2))
            if place is None:
                return None
            if value is not None and value.group(1):
                errors[place] = value.group(1).decode("utf-8")
    bare: list[tuple[int, int]] = []
    if b"<f" in xml:
        for found in _BARE_FORMULA.finditer(xml):
            place = _place(found.group(1))
            if place is None:
                return None
            bare.append(place)
    return errors, bare


def _formula_texts(path: Path, title: str, places: list[tuple[int, int]]) -> dict[Any, str]:
    """The text of these formula cells of one tab, as openpyxl spells it (shared formulas
    translated to each cell)."""
    wanted = set(places)
    last_row = max(r for r, _ in places) + 1
    workbook = _load_workbook(path, read_only=True, data_only=False)
    try:
        texts = {}
        for r, row in enumerate(workbook[title].iter_rows(max_row=last_row)):
            for c, cell in enumerate(row):
                if (r, c) in wanted:
                    texts[(r, c)] = str(cell.value)
        return texts
    finally:
        workbook.close()


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Tab title -> the archive member holding its worksheet XML."""
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels.iter(f"{_RELS}Relationship")}
    parts = {}
    for sheet in book.iter():
        if sheet.tag.endswith("}sheet") and sheet.get(f"{_DOC_RELS}id") in targets:
            target = targets[sheet.get(f"{_DOC_RELS}id")]
            member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            parts[sheet.get("name", "")] = str(PurePosixPath(member))
    return parts


def _load_workbook(path: Path, **options: bool) -> Any:
    """openpyxl's workbook, imported here: a read needs it only for what calamine cannot give,
    and importing it costs `validate` 0.1 s. A file it refuses is a damaged workbook (exit 3)."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        return load_workbook(path, **options)
    except InvalidFileException as exc:
        raise damaged(path, exc) from exc


# -- the reference reader ----------------------------------------------------------------------


def read_with_openpyxl(path: Path, titles: Sequence[str]) -> dict[str, RawTab]:
    """The same tabs through openpyxl alone: the workbook for formulas, then again for the
    values Excel saved with them. Slow (both parse the whole file); kept as the reference the
    calamine reader is tested against, and for XML the calamine reader's scan cannot follow."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = _sheet_parts(archive)
            guarded_parts(path, archive, parts)  # openpyxl reads every tab
        workbook = _load_workbook(path, data_only=False)
        tabs: dict[str, RawTab] = {}
        formulas: dict[str, list[tuple[int, int]]] = {}
        for wanted in titles:
            title = match_title(workbook.sheetnames, wanted)
            if title is None:
                continue
            sheet = workbook[title]
            rows: list[list[Any]] = []
            for r, row in enumerate(sheet.iter_rows()):
                rows.append([cell.value for cell in row])
                formulas.setdefault(wanted, []).extend(
                    (r, c) for c, cell in enumerate(row) if cell.data_type == "f"
                )
            merged = tuple(str(m) for m in sheet.merged_cells.ranges)
            tabs[wanted] = RawTab(title, rows, merged)
        if any(formulas.values()):
            cached = _load_workbook(path, data_only=True, read_only=True)
            for wanted, places in formulas.items():
                values = [
                    list(row) for row in cached[tabs[wanted].title].iter_rows(values_only=True)
                ]
                rows = tabs[wanted].rows
                for r, c in places:
                    value = values[r][c] if r < len(values) and c < len(values[r]) else None
                    rows[r][c] = FormulaWithoutValue(str(rows[r][c])) if value is None else value
            cached.close()
    except (*_UNREADABLE, OSError, TypeError) as exc:
        raise unreadable(path, exc) from exc
    return {
        wanted: RawTab(tab.title, _trimmed(tab.rows), tab.merges) for wanted, tab in tabs.items()
    }
