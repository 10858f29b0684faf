"""Formula results of the tabs a write leaves alone, put back after openpyxl saves.

openpyxl loads a formula cell as its formula and saves it without the result Excel or
LibreOffice last calculated; every later read (which uses saved results) would then see a
formula without a result, and `validate` would drop the row. So after the save, each formula
cell of a kept tab gets back the result and its type (`t`: `str`, `b`, `e`, or none for a
number) stored for the same cell in the file as it was loaded. Results are stored inside the
cell, so they do not depend on the shared-strings or styles tables that a save renumbers.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Collection, Mapping
from xml.etree.ElementTree import fromstring

_HAS_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
# A formula cell as openpyxl writes it: <c r="C2" s="1"><f>1+2</f><v /></c>
_SAVED_FORMULA_CELL = re.compile(
    rb'<c r="([A-Z]+[0-9]+)"([^>]*)>(<f(?:\s[^>]*)?(?:/>|>[^<]*</f>))<v\s*/>(?:</v>)?</c>'
)
_TYPE_ATTRIBUTE = re.compile(rb'\st="[^"]*"')
# A cell whose first child is a formula, as Excel or LibreOffice save it (any namespace prefix):
# group 1 the prefix, 2 the attributes, 3 everything after "<f".
_FORMULA_CELL = re.compile(rb"<((?:\w+:)?)c\s([^>]*?)(?<!/)><\1f[\s>/](.*?)</\1c>", re.S)
_REF = re.compile(rb'\br="([A-Z]+[0-9]+)"')
_KIND = re.compile(rb'\bt="(\w+)"')
_KINDS = {"str", "b", "e"}  # any other `t` on a formula cell means a number
Cached = dict[str, tuple[str | None, bytes]]  # cell reference -> (t, value as stored in XML)


def _local(tag: str) -> str:
    """An XML tag without its namespace."""
    return tag.rsplit("}", 1)[-1]


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Tab title -> the zip member holding its worksheet XML."""
    rels = fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {}
    for rel in rels:
        target = rel.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        targets[rel.get("Id")] = posixpath.normpath(path)
    parts = {}
    for element in fromstring(archive.read("xl/workbook.xml")).iter():
        if _local(element.tag) != "sheet":
            continue
        rid = next((v for k, v in element.attrib.items() if _local(k) == "id"), None)
        if rid in targets:
            parts[element.get("name", "")] = targets[rid]
    return parts


def cached_results(data: bytes) -> Cached:
    """Every formula cell's saved result in one worksheet's XML, by cell reference, as the
    escaped XML text it is stored as. A cell's formula is its first child (the schema's
    order), so the scan is one regular expression that skips every other cell in C."""
    found: Cached = {}
    for match in _FORMULA_CELL.finditer(data):
        prefix, attributes, rest = match.group(1), match.group(2), match.group(3)
        ref = _REF.search(attributes)
        value = re.search(b"<" + prefix + rb"v(?:\s[^>]*)?>(.*?)</" + prefix + b"v>", rest, re.S)
        if ref is None or value is None:
            continue
        kind = _KIND.search(attributes)
        text = kind.group(1).decode() if kind else None
        found[ref.group(1).decode()] = (text if text in _KINDS else None, value.group(1))
    return found


def with_results(saved: bytes, cached: Cached) -> bytes:
    """openpyxl's worksheet XML with each formula cell's result put back from `cached`."""

    def restore(match: re.Match[bytes]) -> bytes:
        ref, attributes, formula = match.group(1), match.group(2), match.group(3)
        known = cached.get(ref.decode())
        if known is None:
            return match.group(0)
        kind, value = known
        attributes = _TYPE_ATTRIBUTE.sub(b"", attributes)
        if kind is not None:
            attributes += f' t="{kind}"'.encode()
        return b'<c r="' + ref + b'"' + attributes + b">" + formula + b"<v>" + value + b"</v></c>"

    return _SAVED_FORMULA_CELL.sub(restore, saved)


def restore_results(
    saved: bytes,
    original: bytes,
    rewritten: Collection[str],
    given: Mapping[str, Cached] | None = None,
) -> bytes:
    """The saved workbook with the formula results of every tab not in `rewritten` taken from
    `original` (tab titles ignoring case), plus the `given` results of formulas the write
    itself added; unchanged (and cheap) when there is nothing to put back."""
    cached: dict[str, Cached] = {title: dict(results) for title, results in (given or {}).items()}
    replaced = {title.casefold() for title in rewritten}
    with zipfile.ZipFile(io.BytesIO(original)) as before:
        for title, part in sheet_parts(before).items():
            if title.casefold() in replaced or part not in before.namelist():
                continue
            data = before.read(part)
            if _HAS_FORMULA.search(data) and (results := cached_results(data)):
                cached[title] = results
    cached = {title: results for title, results in cached.items() if results}
    if not cached:
        return saved
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(saved)) as after:
        parts = sheet_parts(after)
        patched = {parts[t]: results for t, results in cached.items() if t in parts}
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as rebuilt:
            for info in after.infolist():
                data = after.read(info)
                if info.filename in patched:
                    data = with_results(data, patched[info.filename])
                rebuilt.writestr(info, data)
    return out.getvalue()
