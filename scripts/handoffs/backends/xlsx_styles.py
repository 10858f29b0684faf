"""The workbook's styles table, changed only by appending.

A cell names its style by index (`s="7"`) into the styles part's cell formats, each naming a
font, fill, border and number format by index. Cells written by the tool get their style from
a scratch package openpyxl wrote, or from a row already in the tab; the formats they need are
looked up in the team's styles part and appended when missing, so every index the team's
cells use keeps meaning what it meant. The same format appended once is found again next time,
so repeated writes do not grow the table.
"""

from __future__ import annotations

import re

from handoffs.backends.xlsx_package import attributes

_SECTIONS = ("numFmts", "fonts", "fills", "borders", "cellXfs")
_ITEM = {
    "numFmts": "numFmt",
    "fonts": "font",
    "fills": "fill",
    "borders": "border",
    "cellXfs": "xf",
}
_FIRST_CUSTOM_FORMAT = 164  # ids below are Excel's built-in number formats
# Built-in number formats that show a date or a time
_DATE_FORMATS = {*range(14, 23), *range(45, 48)}
_DATE_CODE = re.compile(r"[dmyhs]", re.I)


def _section(xml: bytes, name: str) -> re.Match[bytes] | None:
    return re.search(
        rb"<((?:\w+:)?)" + name.encode() + rb"\b([^>]*?)(?:/>|>(.*?)</\1" + name.encode() + rb">)",
        xml,
        re.S,
    )


def _items(body: bytes, item: str) -> list[bytes]:
    tag = rb"(?:\w+:)?" + item.encode()
    return re.findall(
        rb"<" + tag + rb"\b[^>]*/>|<" + tag + rb"\b[^>]*>.*?</" + tag + rb">", body, re.S
    )


def _set_attributes(tag: bytes, values: dict[str, str]) -> bytes:
    """An element's start tag with these attributes set (replaced or added)."""
    head = re.match(rb"<[^>]*?(?=/?>)", tag, re.S)
    assert head is not None
    start = head.group(0)
    for name, value in values.items():
        pattern = rb"\s" + name.encode() + rb'="[^"]*"'
        if re.search(pattern, start):
            start = re.sub(pattern, f' {name}="{value}"'.encode(), start)
        else:
            start += f' {name}="{value}"'.encode()
    return start + tag[head.end() :]


class Styles:
    """The team's styles part, with formats appended as cells written need them."""

    def __init__(self, xml: bytes) -> None:
        self.xml = xml
        self.prefix = b""
        self._lists: dict[str, list[bytes]] = {}
        for name in _SECTIONS:
            found = _section(xml, name)
            if found is not None:
                self.prefix = found.group(1)
            body = found.group(3) if found is not None and found.group(3) else b""
            self._lists[name] = _items(body, _ITEM[name])
        self._added: dict[str, list[bytes]] = {name: [] for name in _SECTIONS}
        self._codes = {
            attributes(item).get("formatCode", ""): int(attributes(item)["numFmtId"])
            for item in self._lists["numFmts"]
        }

    def items(self, section: str) -> list[bytes]:
        """The XML of each entry of a section ("fonts", "cellXfs" …), appended ones included."""
        return list(self._lists[section])

    @property
    def changed(self) -> bool:
        return any(self._added.values())

    def _index(self, name: str, item: bytes) -> int:
        """Where `item` is in the section, appended when it is not there yet."""
        item = self._prefixed(item)
        items = self._lists[name]
        for i, existing in enumerate(items):
            if existing == item:
                return i
        items.append(item)
        self._added[name].append(item)
        return len(items) - 1

    def _prefixed(self, item: bytes) -> bytes:
        if not self.prefix:
            return item
        return re.sub(rb"<(/?)(?=[A-Za-z])(?![\w.-]+:)", b"<\\1" + self.prefix, item)

    def number_format(self, code: str) -> int:
        if code in self._codes:
            return self._codes[code]
        used = [*self._codes.values(), _FIRST_CUSTOM_FORMAT - 1]
        new = max(used) + 1
        self._codes[code] = new
        escaped = code.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
        self._index("numFmts", f'<numFmt numFmtId="{new}" formatCode="{escaped}"/>'.encode())
        return new

    def is_date(self, index: int) -> bool:
        """Whether cell format `index` shows its number as a date or time."""
        xfs = self._lists["cellXfs"]
        if not 0 <= index < len(xfs):
            return False
        number = int(attributes(xfs[index]).get("numFmtId", "0"))
        if number in _DATE_FORMATS:
            return True
        code = next((c for c, i in self._codes.items() if i == number), "")
        return bool(_DATE_CODE.search(re.sub(r'"[^"]*"|\[[^\]]*\]', "", code)))

    def with_number_format(self, index: int, code: str) -> int:
        """Cell format `index` (its font, fill, alignment …) showing numbers as `code`."""
        xfs = self._lists["cellXfs"]
        base = xfs[index] if 0 <= index < len(xfs) else b'<xf numFmtId="0" fontId="0" fillId="0"/>'
        xf = _set_attributes(
            base, {"numFmtId": str(self.number_format(code)), "applyNumberFormat": "1"}
        )
        return self._index("cellXfs", xf)

    def adopt(self, scratch: Styles, index: int) -> int:
        """The index in this table of cell format `index` of another styles part."""
        if index == 0:
            return 0  # the default look: the team's own default font
        xf = scratch._lists["cellXfs"][index]
        found = attributes(xf)
        values = {"xfId": "0"}
        for key, name in (("fontId", "fonts"), ("fillId", "fills"), ("borderId", "borders")):
            if key in found:
                values[key] = str(self._index(name, scratch._lists[name][int(found[key])]))
        number = int(found.get("numFmtId", "0"))
        if number >= _FIRST_CUSTOM_FORMAT:
            code = next(c for c, i in scratch._codes.items() if i == number)
            number = self.number_format(code)
        values["numFmtId"] = str(number)
        return self._index("cellXfs", _set_attributes(xf, values))

    def save(self) -> bytes:
        """The styles part with what was appended, counts updated; the rest as it was."""
        xml = self.xml
        for name in _SECTIONS:
            added = self._added[name]
            if not added:
                continue
            found = _section(xml, name)
            count = f' count="{len(self._lists[name])}"'.encode()
            if found is None:  # only numFmts may be missing: it comes first
                opened = re.search(rb"<(?:\w+:)?styleSheet\b[^>]*>", xml)
                assert opened is not None and name == "numFmts"
                tag = self.prefix + name.encode()
                block = b"<" + tag + count + b">" + b"".join(added) + b"</" + tag + b">"
                xml = xml[: opened.end()] + block + xml[opened.end() :]
                continue
            head = re.sub(rb'\s+count="\d*"', b"", found.group(2)).rstrip(b"/").rstrip()
            tag = found.group(1) + name.encode()
            body = (found.group(3) or b"") + b"".join(added)
            block = b"<" + tag + head + count + b">" + body + b"</" + tag + b">"
            xml = xml[: found.start()] + block + xml[found.end() :]
        return xml
