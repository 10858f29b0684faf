"""Generated tabs carried from a scratch package into the team's workbook.

openpyxl renders the generated tabs (and the tabs `init` adds) into a scratch package holding
nothing else; each tab's sheet part and the parts it refers to (its drawing and chart, its
notes) are then placed in the team's package under free names, the cells' style indices
remapped to formats appended to the team's styles part (xlsx_styles). Strings are stored in
the cells themselves (inline), so the shared-strings part is never touched. A tab replaced
loses the parts only it referred to; a new tab is listed as the last one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from xml.sax.saxutils import escape, quoteattr

from handoffs.backends.xlsx_package import Package, rels_of
from handoffs.backends.xlsx_styles import Styles
from handoffs.model.spreadsheet import GENERATED_PREFIX

# A formula cell as openpyxl writes it, without a result: <c r="C2" s="1"><f>…</f><v /></c>
_FORMULA_WITHOUT_RESULT = re.compile(
    rb'<c r="([A-Z]+[0-9]+)"([^>]*)>(<f(?:\s[^>]*)?(?:/>|>[^<]*</f>))<v\s*/>(?:</v>)?</c>'
)
_STYLE_INDEX = re.compile(rb'(<(?:c|row)\b[^>]*?\ss="|<col\b[^>]*?\sstyle=")(\d+)"')
_NUMBERED = re.compile(r"\d+(?=\.\w+$)")
_COMMENT = re.compile(rb'<(?:\w+:)?comment\b[^>]*\bref="A1"[^>]*>(.*?)</(?:\w+:)?comment>', re.S)
_COMMENTS_TYPE = "/comments"
SCRATCH_STRINGS = "xl/sharedStrings.xml"


def has_generated_mark(package: Package, part: str) -> bool:
    """Whether the tab's note on A1 says the tool generated it (its notes part, as Excel and
    LibreOffice keep it)."""
    for rel in package.relationships(part):
        target = rel.get("Target", "")
        if rel.get("Type", "").endswith(_COMMENTS_TYPE) and target in package:
            found = _COMMENT.search(package.read(target))
            if found and GENERATED_PREFIX.encode() in re.sub(rb"<[^>]+>", b"", found.group(1)):
                return True
    return False


def drop_sheet_parts(package: Package, part: str) -> None:
    """Remove what only this sheet part refers to, and its relationships part."""
    for owned in package.owned_by(part):
        package.remove(owned)
        package.remove(rels_of(owned))
        package.drop_content_type(owned)
    package.remove(rels_of(part))


class Carrier:
    """Moves sheets of one scratch package into the team's package."""

    def __init__(self, package: Package, styles: Styles, scratch: bytes) -> None:
        self.package = package
        self.styles = styles
        self.scratch = Package(scratch)
        if SCRATCH_STRINGS in self.scratch:  # openpyxl 3.1 writes strings inline
            raise AssertionError("the scratch package uses shared strings")
        self.scratch_styles = Styles(self.scratch.read("xl/styles.xml"))
        self._style_map: dict[int, int] = {}
        self.scratch_parts = self.scratch.sheet_parts()

    def place(
        self, title: str, scratch_title: str, part: str | None, results: Mapping[str, str]
    ) -> None:
        """Put the scratch tab `scratch_title` in the package as `title`: over the sheet part
        `part` (what only it referred to removed), or as a new last tab. `results` are the
        saved results (cell -> text) of the formulas the tool wrote."""
        source = self.scratch_parts[scratch_title]
        if part is None:
            part = self.package.free_name("xl/worksheets/sheet{}.xml")
            self.package.add_sheet(title, part)
        else:
            drop_sheet_parts(self.package, part)
        xml = _STYLE_INDEX.sub(self._restyle, self.scratch.read(source))
        if results:
            xml = _with_results(xml, results)
        self.package.write(part, xml)
        self._carry_relationships(source, part)

    def _restyle(self, match: re.Match[bytes]) -> bytes:
        index = int(match.group(2))
        if index not in self._style_map:
            self._style_map[index] = self.styles.adopt(self.scratch_styles, index)
        return match.group(1) + str(self._style_map[index]).encode() + b'"'

    def _carry_relationships(self, source: str, part: str) -> None:
        rels = self.scratch.relationships(source)
        if not rels:
            return
        lines = []
        for rel in rels:
            target = rel.get("Target", "")
            if rel.get("TargetMode") != "External":
                target = "/" + self._carry_part(target)
            mode = ' TargetMode="External"' if rel.get("TargetMode") == "External" else ""
            lines.append(
                f"<Relationship Id={quoteattr(rel.get('Id', ''))} "
                f"Type={quoteattr(rel.get('Type', ''))} Target={quoteattr(target)}{mode}/>"
            )
        xml = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships '
            'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(lines)
            + "</Relationships>"
        )
        self.package.write(rels_of(part), xml.encode())

    def _carry_part(self, source: str) -> str:
        """Copy one part the scratch sheet refers to (and what it refers to) under a free name."""
        name = self.package.free_name(_NUMBERED.sub("{}", source.replace("{", "").replace("}", "")))
        self.package.write(name, self.scratch.read(source))
        content_type = self.scratch.content_type(source)
        if content_type:
            self.package.set_content_type(name, content_type)
        self._carry_relationships(source, name)
        return name


def _with_results(xml: bytes, results: Mapping[str, str]) -> bytes:
    """Each formula cell named in `results` with that text as its saved result, so the cell
    reads back as it shows without recalculating (the unchanged-tabs comparison reads it)."""

    def put(match: re.Match[bytes]) -> bytes:
        ref, rest, formula = match.group(1), match.group(2), match.group(3)
        text = results.get(ref.decode())
        if text is None:
            return match.group(0)
        rest = re.sub(rb'\st="[^"]*"', b"", rest)
        value = escape(text).encode()
        return b'<c r="' + ref + b'"' + rest + b' t="str">' + formula + b"<v>" + value + b"</v></c>"

    return _FORMULA_WITHOUT_RESULT.sub(put, xml)
