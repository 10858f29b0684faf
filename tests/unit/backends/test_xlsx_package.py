"""Zip-part surgery on the .xlsx package: parts the tool does not own keep their bytes (even
their compressed bytes), styles are only appended to, and rows go where a person expects."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from handoffs.backends.xlsx_package import Package
from handoffs.backends.xlsx_rows import append
from handoffs.backends.xlsx_styles import Styles

RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def package_of(files: dict[str, bytes], level: int = 9) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def compressed(data: bytes) -> dict[str, tuple[int, int, int]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        return {i.filename: (i.CRC, i.compress_size, i.file_size) for i in archive.infolist()}


def test_unchanged_parts_keep_their_compressed_bytes_and_changed_ones_are_rewritten() -> None:
    big = b"<row>" * 50_000
    original = package_of({"keep.xml": big, "edit.xml": b"<a/>", "drop.xml": b"<b/>"}, level=1)
    package = Package(original)
    package.write("edit.xml", b"<a>changed</a>")
    package.remove("drop.xml")
    package.write("new.xml", b"<c/>")

    saved = package.save()

    assert compressed(saved)["keep.xml"] == compressed(original)["keep.xml"]  # not recompressed
    with zipfile.ZipFile(io.BytesIO(saved)) as archive:
        assert archive.namelist() == ["keep.xml", "edit.xml", "new.xml"]
        assert archive.read("keep.xml") == big
        assert archive.read("edit.xml") == b"<a>changed</a>"


def test_a_part_referred_to_from_elsewhere_is_not_owned_by_the_sheet_replaced() -> None:
    def rels(*targets: str) -> bytes:
        items = "".join(
            f'<Relationship Id="rId{i}" Type="{RELS}/x" Target="{t}"/>'
            for i, t in enumerate(targets)
        )
        return f"<Relationships>{items}</Relationships>".encode()

    package = Package(
        package_of(
            {
                "xl/worksheets/sheet1.xml": b"<worksheet/>",
                "xl/worksheets/_rels/sheet1.xml.rels": rels("../drawings/drawing1.xml"),
                "xl/drawings/drawing1.xml": b"<d/>",
                "xl/drawings/_rels/drawing1.xml.rels": rels("../media/shared.png", "/xl/c.xml"),
                "xl/worksheets/sheet2.xml": b"<worksheet/>",
                "xl/worksheets/_rels/sheet2.xml.rels": rels("../media/shared.png"),
                "xl/media/shared.png": b"png",
                "xl/c.xml": b"<c/>",
            }
        )
    )
    assert package.owned_by("xl/worksheets/sheet1.xml") == {"xl/drawings/drawing1.xml", "xl/c.xml"}


STYLES = (
    b'<styleSheet xmlns="main"><fonts count="1"><font><sz val="11"/></font></fonts>'
    b'<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
    b'<borders count="1"><border/></borders>'
    b'<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellXfs>'
    b"</styleSheet>"
)


def test_styles_are_appended_once_and_found_again() -> None:
    styles = Styles(STYLES)
    date = styles.with_number_format(0, "yyyy-mm-dd")
    assert (date, styles.with_number_format(0, "yyyy-mm-dd")) == (1, 1)
    saved = styles.save()
    assert saved.startswith(b'<styleSheet xmlns="main"><numFmts count="1"><numFmt numFmtId="164"')
    assert b'<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>' in saved
    again = Styles(saved)
    assert again.with_number_format(0, "yyyy-mm-dd") == 1 and not again.changed
    assert again.is_date(1) and not again.is_date(0)


def test_a_row_is_appended_below_the_last_filled_row_in_that_rows_styles() -> None:
    sheet = (
        b'<worksheet><dimension ref="A1:B3"/><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>When</t></is></c></row>'
        b'<row r="2"><c r="A2" s="1"><v>46000</v></c><c r="B2"><v>1</v></c></row>'
        b'<row r="3" ht="20" customHeight="1"><c r="A3" s="1"/></row>'
        b"</sheetData></worksheet>"
    )
    styles = Styles(STYLES)
    styles.with_number_format(0, "yyyy-mm-dd hh:mm")
    package = Package(
        package_of({"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": sheet})
    )

    append(package, styles, "xl/worksheets/sheet1.xml", [[dt.datetime(2026, 1, 2, 12), " x<"]])

    xml = package.read("xl/worksheets/sheet1.xml")
    assert xml.endswith(
        b'<row r="3" ht="20" customHeight="1"><c r="A3" s="1"><v>46024.5</v></c>'
        b'<c r="B3" t="inlineStr"><is><t xml:space="preserve"> x&lt;</t></is></c></row>'
        b"</sheetData></worksheet>"
    )
