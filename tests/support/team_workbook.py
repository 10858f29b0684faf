"""A team's workbook as Excel-like software writes it (XlsxWriter, never openpyxl), holding
what teams add around the handoffs input tabs and what openpyxl cannot keep:

* in the input tabs: a data bar (an Excel 2010 x14 conditional format), a cell note and an
  autofilter on Health; a bold word inside a Workflow cell (rich text); the Flags rows as an
  Excel table; a dropdown on Team whose list is on another tab, stored the Excel 2010 way
  (x14:dataValidations);
* a tab of the team's own ("Our dashboard") with an image, a chart, a table, sparklines, a
  dropdown, a dynamic-array formula (xl/metadata.xml), a defined name, and a formula reading a
  generated tab (=Rankings!C2);
* package parts no spreadsheet library models: a custom XML part (as document-management
  add-ins leave) and, for an .xlsm, a VBA project.

`parts(path)` gives every part's bytes, for proving which parts a command changed.
"""

from __future__ import annotations

import datetime as dt
import io
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Any

import xlsxwriter

from tests.conftest import demo_tabs

READS_RANKINGS = "=Rankings!C2"  # the workflow of the top-ranked handoff
# Not a real VBA project (XlsxWriter copies the file's bytes as they are): the tool must carry
# the part byte for byte whatever it holds, which is what the tests prove.
VBA_PROJECT = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 4
CUSTOM_XML = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
    b'<records xmlns="urn:example:dms"><record id="HR-2026-0042" retention="7y"/></records>'
)
_X14_VALIDATION = (
    '<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
    'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
    '<x14:dataValidations count="1" '
    'xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
    '<x14:dataValidation type="list" allowBlank="1" showInputMessage="1" showErrorMessage="1">'
    "<x14:formula1><xm:f>'Our dashboard'!$A$10:$A$12</xm:f></x14:formula1>"
    "<xm:sqref>B2:B50</xm:sqref></x14:dataValidation></x14:dataValidations></ext></extLst>"
)


def png(width: int = 4, height: int = 3) -> bytes:
    """A small red PNG image, written without an imaging library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def _cell(sheet: Any, r: int, c: int, value: Any, formats: dict[str, Any]) -> None:
    if isinstance(value, dt.datetime):
        sheet.write_datetime(r, c, value, formats["datetime"])
    elif isinstance(value, dt.date):
        sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), formats["date"])
    elif isinstance(value, str):
        sheet.write_string(r, c, value)
    elif value is not None:
        sheet.write(r, c, value)


def build_team_workbook(
    path: Path, *, macros: bool = False, totals: bool = False, without: str = ""
) -> Path:
    """The sample team's input tabs and the team's additions (see the module), at `path`;
    `totals`: the Flags table shows a totals row (a label, and a count of handoff IDs);
    `without`: an input tab left out (not Team, Health, Handoffs or Flags)."""
    tabs = demo_tabs()
    tabs.pop(without, None)
    book = xlsxwriter.Workbook(str(path))
    formats = {
        "date": book.add_format({"num_format": "yyyy-mm-dd"}),
        "datetime": book.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
        "bold": book.add_format({"bold": True}),
        "red": book.add_format({"font_color": "red", "italic": True}),
    }
    sheets = {}
    for title, rows in tabs.items():
        sheet = book.add_worksheet(title)
        sheets[title] = sheet
        if title == "Flags":
            continue  # an Excel table below
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                _cell(sheet, r, c, value, formats)
    health, handoffs = sheets["Health"], sheets["Handoffs"]
    last = len(tabs["Health"])
    health.conditional_format(1, 2, last - 1, 2, {"type": "data_bar", "data_bar_2010": True})
    health.write_comment("C2", "Counted from the client's e-mails.")
    health.autofilter(0, 0, last - 1, len(tabs["Health"][0]) - 1)
    workflow = tabs["Handoffs"][1][1]
    handoffs.write_rich_string(1, 1, formats["bold"], workflow[:1], workflow[1:])
    flags = tabs["Flags"]
    columns: list[dict[str, Any]] = [{"header": h} for h in flags[0]]
    if totals:
        columns[0]["total_string"] = "Total"
        columns[2]["total_function"] = "count"
    sheets["Flags"].add_table(
        0,
        0,
        len(flags) - (0 if totals else 1),
        len(flags[0]) - 1,
        {"name": "FlagsTable", "columns": columns, "total_row": totals},
    )
    for r, row in enumerate(flags[1:], start=1):
        for c, value in enumerate(row):
            _cell(sheets["Flags"], r, c, value, formats)
    _dashboard(book, formats)
    book.define_name("ReworkColumn", f"=Health!$C$2:$C${last}")
    if macros:
        book.add_vba_project(io.BytesIO(VBA_PROJECT), is_stream=True)
    book.close()
    _post_edit(path, list(tabs).index("Team") + 1)
    return path


def _dashboard(book: Any, formats: dict[str, Any]) -> None:
    sheet = book.add_worksheet("Our dashboard")
    sheet.write_row(0, 0, ["Week", "Rework", "Delays"])
    for r, row in enumerate([[1, 3, 2], [2, 1, 0], [3, 4, 1], [4, 2, 2]], start=1):
        sheet.write_row(r, 0, row)
    sheet.add_table(
        0, 5, 4, 6, {"name": "Targets", "columns": [{"header": "Goal"}, {"header": "By"}]}
    )
    chart = book.add_chart({"type": "column"})
    chart.add_series({"name": "Rework", "values": "='Our dashboard'!$B$2:$B$5"})
    sheet.insert_chart("I2", chart)
    sheet.insert_image("I20", "red.png", {"image_data": io.BytesIO(png())})
    sheet.add_sparkline("D2", {"range": "'Our dashboard'!A2:C2"})
    sheet.add_sparkline("D3", {"range": "'Our dashboard'!A3:C3", "type": "column"})
    sheet.write_column(9, 0, ["green", "amber", "red"])
    sheet.data_validation("B7", {"validate": "list", "source": "='Our dashboard'!$A$10:$A$12"})
    sheet.write_dynamic_array_formula("C10:C12", "=SORT(A10:A12)")
    sheet.write("A7", "Top handoff's workflow:", formats["red"])
    sheet.write_formula("B8", READS_RANKINGS, None, "")


def _post_edit(path: Path, team_sheet: int) -> None:
    """What XlsxWriter cannot write: an x14 dropdown on Team, a custom XML part."""
    with zipfile.ZipFile(path) as archive:
        files = {info.filename: archive.read(info) for info in archive.infolist()}
    team = f"xl/worksheets/sheet{team_sheet}.xml"  # as XlsxWriter names the Nth tab
    assert b"<dimension" in files[team] and b"<extLst" not in files[team]
    files[team] = files[team].replace(b"</worksheet>", _X14_VALIDATION.encode() + b"</worksheet>")
    files["customXml/item1.xml"] = CUSTOM_XML
    files["customXml/_rels/item1.xml.rels"] = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships '
        b'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>'
    )
    rels = files["xl/_rels/workbook.xml.rels"]
    files["xl/_rels/workbook.xml.rels"] = rels.replace(
        b"</Relationships>",
        b'<Relationship Id="rIdCustom1" Type="http://schemas.openxmlformats.org/officeDocument/'
        b'2006/relationships/customXml" Target="../customXml/item1.xml"/></Relationships>',
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)


def parts(path: Path) -> dict[str, bytes]:
    """Every part of the package, by name, uncompressed."""
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}
