"""The generated tabs as openpyxl draws them (backends/xlsx_render.py), read back."""

from __future__ import annotations

import io
import re
import zipfile

from openpyxl import load_workbook

from handoffs.backends.xlsx_render import render
from handoffs.model.spreadsheet import ExternalLink, TabContent


def test_each_linked_cell_links_to_its_target_with_one_hyperlink_per_run_of_cells() -> None:
    north, south = (
        ExternalLink("teams/north.xlsx", "North"),
        ExternalLink("teams/south.xlsx", "South"),
    )
    rows = [[north, "A"], [north, "B"], [north, "C"], [south, "D"], [north, "E"], [None, "F"]]
    tab = TabContent("Org Stale Reviews", ["Team", "Handoff"], rows)

    package = render({tab.title: tab})

    sheet = load_workbook(io.BytesIO(package))[tab.title]
    linked = [(c.value, c.hyperlink.target if c.hyperlink else None) for (c,) in sheet["A2:A7"]]
    assert linked == [
        ("North", "teams/north.xlsx"),
        ("North", "teams/north.xlsx"),
        ("North", "teams/north.xlsx"),
        ("South", "teams/south.xlsx"),
        ("North", "teams/north.xlsx"),
        (None, None),
    ]
    with zipfile.ZipFile(io.BytesIO(package)) as parts:
        sheet_xml = parts.read("xl/worksheets/sheet1.xml").decode()
        relationships = parts.read("xl/worksheets/_rels/sheet1.xml.rels").decode()
    assert re.findall(r'<hyperlink [^>]*ref="([^"]+)"', sheet_xml) == ["A2:A4", "A5", "A6"]
    assert relationships.count('TargetMode="External"') == 3
