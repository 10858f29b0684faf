"""Bounds checked before a workbook is parsed (docs/spreadsheet.md#limits), so that one stray
cell or a zip bomb is a clear exit 3 naming the tab and cell instead of a process that
allocates hundreds of GiB and aborts.

A parser lays a tab out as a grid from A1 to its farthest cell, so a value at XFD1048576
costs 17 billion cells. Before calamine or openpyxl sees the file, every part they will read
(the tabs asked for, the shared strings, the styles) is unpacked here in chunks, never more
than MAX_PART_BYTES each whatever size the archive declares, and scanned cheaply: the cell
references of cells with content far out (two or more column letters, six or more row
digits) give the tab's farthest row and column, whatever its <dimension> claims (cells saved
without a reference, which Excel, LibreOffice and openpyxl never write, are bounded only by
the part's size); a stretch of text without markup
longer than MAX_TEXT_BYTES is one cell's text, beyond anything Excel can hold. The scanned
XML of each tab is returned, so it is unpacked once.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from handoffs.model.errors import BackendError
from handoffs.model.spreadsheet import column_letter

MAX_CELLS = 20_000_000  # a tab's grid, A1 to its farthest cell: 200,000 rows x 100 columns
MAX_PART_BYTES = 512 * 1024 * 1024  # one part unpacked; a 100,000-row Health tab is ~26 MB
MAX_TEXT_BYTES = 1024 * 1024  # one cell's text as stored; Excel's limit is 32,767 characters
SHARED_STRINGS = "xl/sharedStrings.xml"
STYLES = "xl/styles.xml"
_CHUNK = 4 * 1024 * 1024
_OVERLAP = 64  # longer than any cell reference, so none is cut between two chunks
# a cell with content (not an empty `<c r="…" s="1"/>`, which parsers skip) far out
_FAR_COLUMN = re.compile(rb'r="([A-Z]{2,})([0-9]+)"[^>]*(?<!/)>')
_FAR_ROW = re.compile(rb'r="([A-Z]+)([0-9]{6,})"[^>]*(?<!/)>')
_LAST_REF = re.compile(rb'r="([A-Z]+[0-9]+)"')
_NOTHING_WRITTEN = "Nothing was written."


@dataclass
class _Scan:
    """What one pass over a part found."""

    xml: bytes
    row: tuple[int, bytes] = (0, b"")  # the farthest row, and the reference that reaches it
    column: tuple[int, bytes] = (0, b"")
    long_text_at: int | None = None  # offset of a text too long for one cell


def guarded_parts(
    path: Path, archive: zipfile.ZipFile, tabs: Mapping[str, str]
) -> dict[str, bytes]:
    """The XML of each tab in `tabs` (title -> archive member), once every part a parser reads
    is within bounds; BackendError (exit 3) naming the tab and cell otherwise."""
    names = set(archive.namelist())
    shared = (
        _scan(path, archive, SHARED_STRINGS, "the workbook's shared text")
        if (SHARED_STRINGS in names)
        else None
    )
    if STYLES in names and _scan(path, archive, STYLES, "styles").long_text_at is not None:
        raise _too_big(path, "the workbook's styles", MAX_TEXT_BYTES)
    long_string = None
    if shared is not None and shared.long_text_at is not None:
        long_string = shared.xml.count(b"<si", 0, shared.long_text_at) - 1
    found = {}
    for title, member in tabs.items():
        scan = _scan(path, archive, member, f"the {title} tab")
        _check_grid(title, scan)
        if scan.long_text_at is not None:
            raise _too_long(title, _ref_before(scan.xml, scan.long_text_at))
        if long_string is not None:
            cell = _cell_of_string(scan.xml, long_string)
            if cell:
                raise _too_long(title, cell)
        found[title] = scan.xml
    if long_string is not None:
        raise BackendError(
            f"{path}: a text in the workbook's shared text table is over "
            f"{MAX_TEXT_BYTES // 1024:,} KB, far beyond the 32,767 characters Excel allows in "
            f"a cell. Find the cell (in a tab other than {', '.join(tabs) or 'the input tabs'}) "
            f"and shorten it in Excel or LibreOffice. {_NOTHING_WRITTEN}"
        )
    return found


def _scan(path: Path, archive: zipfile.ZipFile, member: str, what: str) -> _Scan:
    """One part unpacked in chunks (never past MAX_PART_BYTES, whatever size the archive
    declares), with its farthest references and the first text too long for a cell."""
    info = archive.getinfo(member)
    if info.file_size > MAX_PART_BYTES:
        raise _too_big(path, what, info.file_size)
    chunks: list[bytes] = []
    scan = _Scan(b"")
    size = 0
    for chunk in _unpacked(archive, info):
        if size + len(chunk) > MAX_PART_BYTES:
            raise _too_big(path, what, size + len(chunk))
        window = (chunks[-1][-_OVERLAP:] if chunks else b"") + chunk
        _farthest(scan, window)
        chunks.append(chunk)
        at = _long_text(chunk)
        if at is not None:  # said by the caller, who knows which cell: read no further
            scan.long_text_at = size + at
            break
        size += len(chunk)
    scan.xml = b"".join(chunks)
    return scan


def _unpacked(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """A member's bytes in chunks of at most _CHUNK, inflated here from the raw stream: the
    size the archive declares is not trusted, and zipfile's own reader can return the whole
    rest of a member in one piece."""
    if info.compress_type not in (zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED):
        with archive.open(info) as stream:  # no workbook writer uses another method
            while chunk := stream.read(_CHUNK):
                yield chunk
        return
    with archive.open(info) as checked:  # the local header checked, as zipfile checks it
        checked.read(0)
    handle = archive.fp
    assert handle is not None
    handle.seek(info.header_offset)
    header = handle.read(30)
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    handle.seek(info.header_offset + 30 + name_length + extra_length)
    left = info.compress_size
    inflate = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    pending = b""
    while left > 0 or pending:
        if not pending:
            pending = handle.read(min(_CHUNK, left))
            left -= len(pending)
            if not pending:
                return
        if inflate is None:
            yield pending
            pending = b""
            continue
        chunk = inflate.decompress(pending, _CHUNK)
        pending = inflate.unconsumed_tail
        if chunk:
            yield chunk
        if inflate.eof:
            return
    while inflate is not None and not inflate.eof:  # output still held back by the bound
        chunk = inflate.decompress(b"", _CHUNK)
        if not chunk:
            return
        yield chunk


def _farthest(scan: _Scan, window: bytes) -> None:
    for found in _FAR_COLUMN.finditer(window):
        column = _column_number(found[1])
        if column > scan.column[0]:
            scan.column = (column, found[1] + found[2])
    for found in _FAR_ROW.finditer(window):
        row = int(found[2])
        if row > scan.row[0]:
            scan.row = (row, found[1] + found[2])


def _long_text(chunk: bytes) -> int | None:
    """Where a stretch of MAX_TEXT_BYTES without markup starts in `chunk` (one text node
    twice that long always covers such a window), or None."""
    for start in range(0, max(len(chunk) - MAX_TEXT_BYTES + 1, 0), MAX_TEXT_BYTES):
        if b"<" not in chunk[start : start + MAX_TEXT_BYTES]:
            return start
    return None


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _check_grid(title: str, scan: _Scan) -> None:
    rows = max(scan.row[0], 99_999)  # below six row digits and two letters, nothing is
    columns = max(scan.column[0], 26)  # scanned: at most 99,999 rows x 26 columns
    if rows * columns <= MAX_CELLS:
        return
    far = [ref.decode() for _, ref in (scan.row, scan.column) if ref]
    cells = " and ".join(dict.fromkeys(far))
    raise BackendError(
        f"The {title} tab has a value far outside its data, at {cells}: reading the tab up to "
        f"there means a grid of {rows:,} rows x {columns:,} columns ({column_letter(columns)}), "
        f"and handoffs reads at most {MAX_CELLS:,} cells per tab (200,000 rows x 100 columns). "
        "Clear it (or delete the rows and columns beyond your data) in Excel or "
        f"LibreOffice and save. {_NOTHING_WRITTEN}"
    )


def _ref_before(xml: bytes, offset: int) -> str:
    """The reference of the last cell that starts before `offset`."""
    at = xml.rfind(b'r="', 0, offset)
    found = _LAST_REF.match(xml, at) if at != -1 else None
    return found[1].decode() if found else "?"


def _cell_of_string(xml: bytes, index: int) -> str | None:
    """A cell of this tab that shows shared string number `index`."""
    pattern = rb'<c\b[^>]*?\br="([A-Z]{1,3}[0-9]{1,7})"[^>]*>\s*<v>%d</v>' % index
    for found in re.finditer(pattern, xml):
        if b't="s"' in found[0]:
            return found[1].decode()
    return None


def _too_long(title: str, cell: str) -> BackendError:
    return BackendError(
        f"The {title} tab's cell {cell} holds over {MAX_TEXT_BYTES // 1024:,} KB of text, far "
        "beyond the 32,767 characters Excel allows in a cell. Shorten it in Excel or "
        f"LibreOffice and save. {_NOTHING_WRITTEN}"
    )


def _too_big(path: Path, what: str, size: int) -> BackendError:
    return BackendError(
        f"{path}: {what} unpacks to over {size // 2**20:,} MB of XML, and handoffs reads at most "
        f"{MAX_PART_BYTES // 2**20:,} MB per part (a 100,000-row Health tab is about 26 MB): "
        "the file is a zip bomb or holds far more than a team's spreadsheet. Save the data you "
        f"need in a new workbook. {_NOTHING_WRITTEN}"
    )
