"""The .xlsx package as zip parts: a write changes only the parts it owns and copies every other
part's bytes as they are, without parsing them.

A part is one zip member (`xl/worksheets/sheet3.xml`); its relationships live in the part
`xl/worksheets/_rels/sheet3.xml.rels`. What a write may change
(docs/spreadsheet.md#what-the-tool-owns): the generated tabs' sheet parts and the parts only
they refer to (drawings, charts, notes), the Flags sheet part it appends to, and the entries
that list parts — the workbook, its relationships, the content types — and the styles, only by
appending.
"""

from __future__ import annotations

import copy
import io
import posixpath
import re
import struct
import zipfile
from collections.abc import Iterable
from xml.etree.ElementTree import fromstring

WORKBOOK = "xl/workbook.xml"
WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
CONTENT_TYPES = "[Content_Types].xml"
STYLES_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
SHEET_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
SHEET_CONTENT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*?/?>")
_ATTRIBUTE = re.compile(rb'([\w:]+)\s*=\s*(?:"([^"]*)"|\'([^\']*)\')')
_LOCAL_HEADER = 30  # bytes of a zip local file header before its name and extra field


def escape(text: str) -> str:
    """&, < and > as XML entities (what xml.sax.saxutils.escape does; that module imports
    urllib.request, 20 ms that a read, which loads this module, need not pay)."""
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def quoteattr(text: str) -> str:
    """`text` as a quoted XML attribute value, as xml.sax.saxutils.quoteattr quotes it."""
    text = escape(text).replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    if '"' not in text:
        return f'"{text}"'
    if "'" not in text:
        return f"'{text}'"
    quoted = text.replace('"', "&quot;")
    return f'"{quoted}"'


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def attributes(tag: bytes) -> dict[str, str]:
    """An element's attributes from its start tag, unescaped only for &amp; &quot; &lt; &gt;."""
    found = {}
    for match in _ATTRIBUTE.finditer(tag):
        raw = match.group(2) if match.group(2) is not None else match.group(3)
        text = raw.decode("utf-8")
        for entity, char in (("&quot;", '"'), ("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&")):
            text = text.replace(entity, char)
        found[match.group(1).decode()] = text
    return found


def rels_of(part: str) -> str:
    """The relationships part of `part`."""
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def resolve(source: str, target: str) -> str:
    """A relationship target as a part name (targets are relative to the source's folder, or
    absolute from the package root)."""
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


class Package:
    """The workbook's zip parts, read lazily; `save` writes changed and added parts and copies
    every other part's compressed bytes unchanged (no recompression, same CRC)."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._zip = zipfile.ZipFile(io.BytesIO(data))
        self._infos = {info.filename: info for info in self._zip.infolist()}
        self._changed: dict[str, bytes] = {}
        self._removed: set[str] = set()

    @property
    def names(self) -> list[str]:
        kept = [name for name in self._infos if name not in self._removed]
        return kept + [name for name in self._changed if name not in self._infos]

    def __contains__(self, name: str) -> bool:
        return name in self._changed or (name in self._infos and name not in self._removed)

    def read(self, name: str) -> bytes:
        if name in self._changed:
            return self._changed[name]
        if name in self._removed:
            raise KeyError(name)
        return self._zip.read(name)

    def write(self, name: str, data: bytes) -> None:
        self._changed[name] = data
        self._removed.discard(name)

    def remove(self, name: str) -> None:
        self._changed.pop(name, None)
        if name in self._infos:
            self._removed.add(name)

    @property
    def changed(self) -> set[str]:
        """Parts written or removed so far (for tests and messages)."""
        return set(self._changed) | self._removed

    def save(self) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, info in self._infos.items():
                if name in self._removed:
                    continue
                if name in self._changed:
                    archive.writestr(_fresh(info), self._changed[name])
                else:
                    self._copy_raw(info, archive)
            for name, data in self._changed.items():
                if name not in self._infos:
                    archive.writestr(_fresh(zipfile.ZipInfo(name)), data)
        return out.getvalue()

    def _copy_raw(self, info: zipfile.ZipInfo, archive: zipfile.ZipFile) -> None:
        """One member's compressed bytes as they are, under a local header for the same
        name, sizes and CRC (zipfile has no public call for this)."""
        view = memoryview(self._data)
        start = info.header_offset
        name_length, extra_length = struct.unpack("<HH", view[start + 26 : start + 30])
        begin = start + _LOCAL_HEADER + name_length + extra_length
        kept = copy.copy(info)
        kept.flag_bits &= ~0x08  # sizes and CRC go in the header, not a trailing descriptor
        kept.extra = b""
        stream = archive.fp
        assert stream is not None
        kept.header_offset = stream.tell()
        stream.write(kept.FileHeader())
        stream.write(view[begin : begin + info.compress_size])
        archive.filelist.append(kept)
        archive.NameToInfo[kept.filename] = kept
        archive.start_dir = stream.tell()  # type: ignore[attr-defined]

    # -- relationships -------------------------------------------------------------------

    def relationships(self, part: str) -> list[dict[str, str]]:
        """`part`'s relationships (Id, Type, Target, TargetMode), Target resolved to a part
        name unless external."""
        name = rels_of(part)
        return parse_relationships(part, self.read(name)) if name in self else []

    def owned_by(self, part: str) -> set[str]:
        """The parts `part` refers to, directly or through them, that no other part refers to:
        what goes with it when it is replaced (a sheet's drawing, its charts, its notes)."""
        reached: set[str] = set()
        pending = [part]
        while pending:
            for rel in self.relationships(pending.pop()):
                target = rel.get("Target", "")
                if rel.get("TargetMode") != "External" and target in self and target not in reached:
                    reached.add(target)
                    pending.append(target)
        inside = {rels_of(p) for p in reached | {part}}
        for name in self.names:
            if name.endswith(".rels") and name not in inside:
                source = _source_of(name)
                reached -= {rel.get("Target", "") for rel in self.relationships(source)}
        return reached

    def free_name(self, pattern: str, taken: Iterable[str] = ()) -> str:
        """The first `pattern.format(n)` (n = 1, 2, …) not yet a part of the package."""
        if "{}" not in pattern:
            stem, dot, extension = pattern.rpartition(".")
            pattern = f"{stem}{{}}{dot}{extension}" if dot else f"{pattern}{{}}"
        used = {name.casefold() for name in self.names} | {n.casefold() for n in taken}
        n = 1
        while pattern.format(n).casefold() in used:
            n += 1
        return pattern.format(n)

    # -- the workbook's list of tabs -----------------------------------------------------

    def sheet_parts(self) -> dict[str, str]:
        """Tab title -> the part holding its worksheet XML, in tab order."""
        targets = {rel.get("Id"): rel.get("Target", "") for rel in self.relationships(WORKBOOK)}
        parts = {}
        for element in fromstring(self.read(WORKBOOK)).iter():
            if _local(element.tag) != "sheet":
                continue
            rid = next((v for k, v in element.attrib.items() if _local(k) == "id"), None)
            if rid in targets:
                parts[element.get("name", "")] = targets[rid]
        return parts

    def add_sheet(self, title: str, part: str) -> None:
        """List a new worksheet part as the last tab: workbook, relationships, content type."""
        rels = self.read(WORKBOOK_RELS)
        ids = {rel.get("Id", "") for rel in self.relationships(WORKBOOK)}
        rid = next(f"rId{n}" for n in range(len(ids) + 1, len(ids) + 1000) if f"rId{n}" not in ids)
        target = "/" + part
        relationship = f'<Relationship Id="{rid}" Type="{SHEET_TYPE}" Target="{target}"/>'
        self.write(WORKBOOK_RELS, _before_close(rels, b"Relationships", relationship.encode()))
        book = self.read(WORKBOOK)
        sheets = re.search(rb"<(\w+:)?sheets\b[^>]*>", book)
        if sheets is None:
            raise KeyError(f"{WORKBOOK} lists no tabs")
        prefix = (sheets.group(1) or b"").decode()
        ids_used = [int(v) for v in re.findall(rb'\bsheetId="(\d+)"', book)]
        declared = re.search(rb'xmlns:(\w+)="' + _DOC_RELS.encode() + b'"', book)
        r = declared.group(1).decode() if declared else "r"
        namespace = "" if declared else f' xmlns:r="{_DOC_RELS}"'
        element = (
            f'<{prefix}sheet name={quoteattr(title)} sheetId="{max(ids_used, default=0) + 1}"'
            f'{namespace} {r}:id="{rid}"/>'
        )
        self.write(WORKBOOK, _before_close(book, f"{prefix}sheets".encode(), element.encode()))
        self.set_content_type(part, SHEET_CONTENT)

    def recalculate_on_open(self) -> None:
        """Ask Excel and LibreOffice to recalculate on opening, so a team's formula that reads
        a generated tab shows its new value rather than the result saved before the write."""
        book = self.read(WORKBOOK)
        calc = re.search(rb"<(\w+:)?calcPr\b[^>]*?/?>", book)
        if calc is None:
            close = re.search(rb"</(\w+:)?workbook>", book)
            assert close is not None
            prefix = close.group(1) or b""
            tag = b"<" + prefix + b'calcPr fullCalcOnLoad="1"/>'
            # calcPr comes before these, when they are there
            later = re.search(rb"<(?:\w+:)?(?:oleSize|customWorkbookViews|pivotCaches|"
                              rb"smartTagPr|smartTagTypes|webPublishing|fileRecoveryPr|"
                              rb"webPublishObjects|extLst)\b", book)  # fmt: skip
            at = later.start() if later else close.start()
            self.write(WORKBOOK, book[:at] + tag + book[at:])
            return
        if b"fullCalcOnLoad" in calc.group(0):
            new = re.sub(rb'fullCalcOnLoad="[^"]*"', b'fullCalcOnLoad="1"', calc.group(0))
        else:
            new = re.sub(rb"(/?>)$", rb' fullCalcOnLoad="1"\1', calc.group(0))
        if new != calc.group(0):
            self.write(WORKBOOK, book[: calc.start()] + new + book[calc.end() :])

    # -- content types -------------------------------------------------------------------

    def content_type(self, part: str) -> str | None:
        types = self.read(CONTENT_TYPES)
        for match in re.finditer(rb"<(?:\w+:)?Override\b[^>]*>", types):
            found = attributes(match.group(0))
            if found.get("PartName", "").lstrip("/").casefold() == part.casefold():
                return found.get("ContentType")
        extension = part.rsplit(".", 1)[-1].casefold()
        for match in re.finditer(rb"<(?:\w+:)?Default\b[^>]*>", types):
            found = attributes(match.group(0))
            if found.get("Extension", "").casefold() == extension:
                return found.get("ContentType")
        return None

    def set_content_type(self, part: str, content_type: str) -> None:
        if self.content_type(part) == content_type:
            return
        self.drop_content_type(part)
        override = f'<Override PartName="/{escape(part)}" ContentType="{content_type}"/>'
        types = self.read(CONTENT_TYPES)
        self.write(CONTENT_TYPES, _before_close(types, b"Types", override.encode()))

    def drop_content_type(self, part: str) -> None:
        types = self.read(CONTENT_TYPES)
        pattern = rb'<(?:\w+:)?Override\b[^>]*PartName="/' + re.escape(part.encode()) + rb'"[^>]*>'
        kept = re.sub(pattern, b"", types, flags=re.I)
        if kept != types:
            self.write(CONTENT_TYPES, kept)


def parse_relationships(part: str, xml: bytes) -> list[dict[str, str]]:
    """The relationships in `part`'s relationships XML, internal targets as part names."""
    found = []
    for match in _RELATIONSHIP.finditer(xml):
        rel = attributes(match.group(0))
        if rel.get("TargetMode") != "External" and "Target" in rel:
            rel["Target"] = resolve(part, rel["Target"])
        found.append(rel)
    return found


def _source_of(rels: str) -> str:
    folder, name = posixpath.split(rels)
    return posixpath.join(posixpath.dirname(folder), name.removesuffix(".rels"))


def _before_close(xml: bytes, element: bytes, insert: bytes) -> bytes:
    """`insert` as the last child of the (last) `element`, or in place of its empty form."""
    local = element.split(b":")[-1]
    close = list(re.finditer(rb"</(?:\w+:)?" + re.escape(local) + rb"\s*>", xml))
    if close:
        at = close[-1].start()
        return xml[:at] + insert + xml[at:]
    empty = re.search(rb"<((?:\w+:)?" + re.escape(local) + rb")\b([^>]*?)/>", xml)
    if empty is None:
        raise KeyError(element.decode())
    opened = b"<" + empty.group(1) + empty.group(2) + b">"
    closed = b"</" + empty.group(1) + b">"
    return xml[: empty.start()] + opened + insert + closed + xml[empty.end() :]


def _fresh(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    """A member to write anew under the same name and date, compressed."""
    made = zipfile.ZipInfo(info.filename, date_time=info.date_time)
    made.compress_type = zipfile.ZIP_DEFLATED
    made.external_attr = info.external_attr
    return made
