"""Rows appended to an input tab by editing only its sheet part (`flag`, intake, `init`'s
sample rows), and the Excel tables that tab holds.

The new rows go below the last row holding a value, each cell in the style the tab's last row
gives that column (a date in a date format, a boolean shown as TRUE/FALSE). An Excel table
that ends at that row grows to include them; a table with a totals row keeps it last: the new
rows go above it, the totals row and what is below move down. The totals row is never data:
the reader leaves it out (`without_totals`).
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from handoffs.backends.xlsx_package import (
    Package,
    attributes,
    parse_relationships,
    rels_of,
)
from handoffs.backends.xlsx_styles import Styles
from handoffs.model.spreadsheet import (
    XLSX_CELL_LIMIT,
    CellValue,
    ExternalLink,
    Formula,
    Link,
    RawTab,
    column_letter,
    fit_cell,
)

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
BOOLEAN_FORMAT = '"TRUE";"TRUE";"FALSE"'  # LibreOffice shows 1/0 for a boolean without it
_TABLE_TYPE = "/table"
_ROW = re.compile(rb"<((?:\w+:)?)row\b([^>]*?)(?:/>|>(.*?)</\1row>)", re.S)
_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_HAS_VALUE = re.compile(rb"<(?:\w+:)?(?:v|is|f)\b[^>]*>[^<]|<(?:\w+:)?(?:is|f)\b", re.S)
_REF = re.compile(rb'(\br=")([A-Z]{1,3})?(\d+)(")')
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_REF_RANGE = re.compile(r"([A-Z]+)(\d+):([A-Z]+)(\d+)")


@dataclass(frozen=True)
class Table:
    part: str
    first_row: int
    last_row: int
    totals: int  # rows of totals at the bottom (0: none)


def tables_of(relationships: list[dict[str, str]], read: Callable[[str], bytes]) -> list[Table]:
    found = []
    for rel in relationships:
        if rel.get("Type", "").endswith(_TABLE_TYPE) and rel.get("TargetMode") != "External":
            if not _exists(read, rel["Target"]):
                continue
            head = re.search(rb"<(?:\w+:)?table\b[^>]*>", read(rel["Target"]))
            info = attributes(head.group(0)) if head else {}
            span = _REF_RANGE.fullmatch(info.get("ref", ""))
            if span:
                totals = int(info.get("totalsRowCount", "0") or 0)
                found.append(Table(rel["Target"], int(span[2]), int(span[4]), totals))
    return found


def _exists(read: Callable[[str], bytes], part: str) -> bool:
    try:
        read(part)
    except KeyError:
        return False
    return True


def totals_rows(archive: zipfile.ZipFile, part: str) -> set[int]:
    """The 1-based rows of this sheet that are an Excel table's totals row."""
    if rels_of(part) not in archive.namelist():
        return set()
    rels = parse_relationships(part, archive.read(rels_of(part)))
    tables = tables_of(rels, archive.read)
    return {row for t in tables for row in range(t.last_row - t.totals + 1, t.last_row + 1)}


def without_totals(tab: RawTab, rows: set[int]) -> RawTab:
    """The tab with its tables' totals rows blank (trailing blank rows dropped)."""
    if not rows:
        return tab
    kept = [[None] * len(row) if r in rows else row for r, row in enumerate(tab.rows, start=1)]
    while kept and all(v is None for v in kept[-1]):
        kept.pop()
    return replace(tab, rows=kept)


def append(
    package: Package, styles: Styles, part: str, rows: Sequence[Sequence[CellValue]]
) -> None:
    """Write `rows` below the tab's last row (above a table's totals row); see the module."""
    if not rows:
        return
    xml = package.read(part)
    data = re.search(rb"<((?:\w+:)?)sheetData\b[^>]*?(/?)>", xml)
    if data is None:
        raise KeyError(f"{part} has no cells")
    if data.group(2):  # <sheetData/>: no rows yet
        tag = data.group(1) + b"sheetData"
        xml = xml[: data.start()] + b"<" + tag + b"></" + tag + b">" + xml[data.end() :]
        data = re.search(rb"<((?:\w+:)?)sheetData\b[^>]*>", xml)
        assert data is not None
    close = xml.index(b"</" + data.group(1) + b"sheetData>", data.end())
    tables = tables_of(package.relationships(part), package.read)
    stop = min((t.last_row - t.totals + 1 for t in tables if t.totals), default=None)
    existing = _rows(xml[data.end() : close])
    filled = [r for r, (_, body, _) in existing.items() if body and _HAS_VALUE.search(body)]
    last = max((r for r in filled if stop is None or r < stop), default=0)
    shift = len(rows) if stop is not None else 0
    looks = _looks(existing, last)
    epoch = dt.datetime(1904, 1, 1) if re.search(rb'date1904="(1|true)"', _book(package)) else None
    blanks = {r: existing[r] for r in range(last + 1, last + len(rows) + 1) if r in existing}
    new = b"".join(
        _row_xml(
            last + i,
            row,
            blanks.get(last + i) if stop is None or last + i < stop else None,
            (looks, styles, epoch),
            data.group(1),
        )
        for i, row in enumerate(rows, start=1)
    )
    before = [(r, s) for r, s in existing.items() if r <= last]
    below = stop if stop is not None else last + len(rows) + 1  # the first row that moves
    after = [(r, s) for r, s in existing.items() if r > last + len(rows) or r >= below]
    body = b"".join(s[2] for _, s in before) + new
    body += b"".join(_moved(s[2], shift if r >= below else 0) for r, s in after)
    xml = xml[: data.end()] + body + xml[close:]
    package.write(part, _dimension(xml, last + len(rows), shift))
    for table in tables:
        _grow(package, table, last, len(rows), shift)


def _book(package: Package) -> bytes:
    return package.read("xl/workbook.xml")


def _rows(body: bytes) -> dict[int, tuple[bytes, bytes, bytes]]:
    """Row number -> (start-tag attributes, inner XML, whole element), in order."""
    found: dict[int, tuple[bytes, bytes, bytes]] = {}
    number = 0
    for match in _ROW.finditer(body):
        given = re.search(rb'\br="(\d+)"', match.group(2))
        number = int(given.group(1)) if given else number + 1
        found[number] = (match.group(2), match.group(3) or b"", match.group(0))
    return found


def _looks(existing: dict[int, tuple[bytes, bytes, bytes]], last: int) -> dict[int, int]:
    """Column (1-based) -> style index of the last data row's cells (none for the header)."""
    if last < 2 or last not in existing:
        return {}
    return _cell_styles(existing[last][1])


def _cell_styles(body: bytes) -> dict[int, int]:
    looks = {}
    for cell in _CELL.finditer(body):
        found = attributes(cell.group(1))
        ref = re.match(r"([A-Z]+)", found.get("r", ""))
        if ref and "s" in found:
            looks[_column(ref.group(1))] = int(found["s"])
    return looks


def _column(letters: str) -> int:
    n = 0
    for letter in letters:
        n = n * 26 + ord(letter) - 64
    return n


def _row_xml(
    number: int,
    values: Sequence[CellValue],
    blank: tuple[bytes, bytes, bytes] | None,
    context: tuple[dict[int, int], Styles, dt.datetime | None],
    prefix: bytes,
) -> bytes:
    """One new row; a blank row already there keeps its attributes and its cells' styles."""
    looks, styles, epoch = context
    here = {**looks, **(_cell_styles(blank[1]) if blank else {})}
    cells = []
    for c, value in enumerate(values, start=1):
        if value is None:
            continue
        ref = f"{column_letter(c)}{number}"
        cells.append(_cell_xml(ref, value, here.get(c, 0), styles, epoch))
    head = blank[0] if blank else f' r="{number}"'.encode()
    p = prefix.decode()
    content = "".join(cells)
    if p:
        content = re.sub(r"<(/?)(?=[a-z])", rf"<\1{p}", content)
    return f"<{p}row{head.decode()}>{content}</{p}row>".encode()


def _cell_xml(
    ref: str, value: CellValue, look: int, styles: Styles, epoch: dt.datetime | None
) -> str:
    if isinstance(value, bool):
        style = look or styles.with_number_format(0, BOOLEAN_FORMAT)
        return f'<c r="{ref}"{_s(style)} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"{_s(look)}><v>{value!r}</v></c>'
    if isinstance(value, dt.date):
        code = DATETIME_FORMAT if isinstance(value, dt.datetime) else DATE_FORMAT
        style = look if styles.is_date(look) else styles.with_number_format(look, code)
        stamp = value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())
        return f'<c r="{ref}"{_s(style)}><v>{_serial(stamp, epoch)}</v></c>'
    if isinstance(value, Link | ExternalLink):
        text = value.label
    elif isinstance(value, Formula):
        text = value.text
    else:
        text = str(value)
    text = fit_cell(_ILLEGAL.sub("", text), XLSX_CELL_LIMIT).replace("&", "&amp;")
    text = text.replace("<", "&lt;").replace(">", "&gt;")
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r="{ref}"{_s(look)} t="inlineStr"><is><t{space}>{text}</t></is></c>'


def _s(style: int) -> str:
    return f' s="{style}"' if style else ""


def _serial(stamp: dt.datetime, epoch: dt.datetime | None) -> str:
    """A date as the number the workbook stores (days since its epoch, 1900 or 1904 system)."""
    days = (stamp - (epoch or dt.datetime(1899, 12, 30))).total_seconds() / 86400
    return str(int(days)) if days == int(days) else repr(round(days, 10))


def _moved(row: bytes, by: int) -> bytes:
    """A row element and its cells moved down `by` rows."""
    if not by:
        return row
    return _REF.sub(lambda m: m[1] + (m[2] or b"") + str(int(m[3]) + by).encode() + m[4], row)


def _dimension(xml: bytes, last: int, shift: int) -> bytes:
    found = re.search(rb'(<(?:\w+:)?dimension\b[^>]*\bref=")([^"]*)(")', xml)
    if found is None:
        return xml
    span = _REF_RANGE.fullmatch(found.group(2).decode())
    if span is None:
        return xml
    end = max(int(span[4]) + shift, last)
    ref = f"{span[1]}{span[2]}:{span[3]}{end}".encode()
    return xml[: found.start(2)] + ref + xml[found.end(2) :]


def _grow(package: Package, table: Table, last: int, added: int, shift: int) -> None:
    """A table ending at the old last row (or with a totals row below it) grows by the rows."""
    data_end = table.last_row - table.totals
    if not (data_end == last or (table.totals and table.first_row <= last < table.last_row)):
        return
    xml = package.read(table.part)

    def grow(match: re.Match[bytes]) -> bytes:
        span = _REF_RANGE.fullmatch(match.group(2).decode())
        if span is None:
            return match.group(0)
        end = int(span[4]) + added
        return match.group(1) + f"{span[1]}{span[2]}:{span[3]}{end}".encode() + match.group(3)

    ref = re.compile(rb'(<(?:\w+:)?(?:table|autoFilter)\b[^>]*?\bref=")([^"]*)(")')
    package.write(table.part, ref.sub(grow, xml))
