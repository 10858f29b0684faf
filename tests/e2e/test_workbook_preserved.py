"""The team's workbook stays theirs (docs/spreadsheet.md#what-the-tool-owns): every command
changes only the parts the tool owns — its generated tabs with their drawings, charts and
notes, the rows it appends to Flags, the entries that list parts, styles only appended — and
every other part of the package is the same, byte for byte, whatever it holds."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest
from openpyxl import load_workbook

from handoffs.backends.xlsx import XlsxBackend
from handoffs.backends.xlsx_package import Package, rels_of
from handoffs.backends.xlsx_styles import Styles
from handoffs.model.schema import generated_layouts
from tests import ROOT
from tests.conftest import TODAY
from tests.support.cli_child import each_in_one_child
from tests.support.notify_servers import Webhook, webhook
from tests.support.team_workbook import VBA_PROJECT, build_team_workbook, parts

__all__ = ["webhook"]  # fixture

GENERATED = [layout.title for layout in generated_layouts().values()]
# The entries that list parts: a write may change them to list the parts it adds or removes.
LISTING = {
    "xl/workbook.xml",
    "xl/_rels/workbook.xml.rels",
    "[Content_Types].xml",
    "docProps/app.xml",
    "xl/styles.xml",  # only appended to: checked on its own
}
FLAGS_TABLE = "xl/tables/table1.xml"


def owned(workbook: bytes, titles: list[str]) -> set[str]:
    """The parts of these tabs: sheet part, its relationships, and what only it refers to."""
    package = Package(workbook)
    sheets = package.sheet_parts()
    found: set[str] = set()
    for title in titles:
        if title in sheets:
            part = sheets[title]
            found |= {part, rels_of(part)}
            found |= {p for o in package.owned_by(part) for p in (o, rels_of(o))}
    return found


def changed_parts(before: dict[str, bytes], after: dict[str, bytes]) -> set[str]:
    names = set(before) | set(after)
    return {name for name in names if before.get(name) != after.get(name)}


def styles_only_appended(before: bytes, after: bytes) -> None:
    old, new = Styles(before), Styles(after)
    for section in ("numFmts", "fonts", "fills", "borders", "cellXfs"):
        assert new.items(section)[: len(old.items(section))] == old.items(section), section


@pytest.fixture
def team(tmp_path: Path) -> Path:
    """The team's macro workbook with every input tab and none of the generated ones."""
    path = build_team_workbook(tmp_path / "team.xlsm", macros=True)
    (tmp_path / "handoffs.toml").write_text('[sheet]\npath = "team.xlsm"\n', encoding="utf-8")
    return path


def check_step(path: Path, before: dict[str, bytes], allowed: set[str]) -> None:
    after = parts(path)
    changed = changed_parts(before, after) - LISTING
    assert changed <= allowed, f"changed beyond what the tool owns: {sorted(changed - allowed)}"
    styles_only_appended(before["xl/styles.xml"], after["xl/styles.xml"])


def test_every_part_of_the_team_survives_every_command_byte_for_byte(
    run, team: Path, webhook: Webhook
) -> None:
    original = parts(team)
    steps = [
        (["init"], GENERATED),
        (["refresh"], GENERATED),
        (["flag", "--handoff", "RPT-02", "--what", "Totals moved"], []),
        (["review-prep"], GENERATED),
        (["notify"], GENERATED),
    ]
    config = team.parent / "handoffs.toml"
    config.write_text(config.read_text() + f'\n[notify]\nteam = ["{webhook.url()}"]\n')
    flags_part = Package(team.read_bytes()).sheet_parts()["Flags"]
    for command, titles in steps:
        before, before_bytes = parts(team), team.read_bytes()
        run(*command)
        allowed = owned(team.read_bytes(), titles) | owned(before_bytes, titles)
        if command[0] == "flag":
            allowed |= {flags_part, FLAGS_TABLE}
        check_step(team, before, allowed)
    final = parts(team)
    kept = {name for name in original if name not in LISTING | {flags_part, FLAGS_TABLE}}
    assert {name: final[name] for name in kept} == {name: original[name] for name in kept}
    assert final["xl/vbaProject.bin"] == VBA_PROJECT
    assert {"customXml/item1.xml", "xl/metadata.xml", "xl/media/image1.png"} <= set(final)
    assert webhook.posts, "notify sent its digest, so it wrote the Notices tab"


def test_openpyxl_and_calamine_read_the_same_generated_values_after_refresh(
    run, team: Path
) -> None:
    run("init")
    run("refresh")
    run("review-prep")
    seen = XlsxBackend(team).read(GENERATED)
    with warnings.catch_warnings():  # openpyxl warns about the team's x14 parts it would drop
        warnings.simplefilter("ignore")
        book = load_workbook(team, data_only=True)
    for title in GENERATED:
        rows = [list(row) for row in book[title].iter_rows(values_only=True)]
        assert comparable(rows) == comparable(seen[title].rows), title


def comparable(rows: list[list[object]]) -> list[list[object]]:
    trimmed = [[None if v == "" else v for v in row] for row in rows]
    trimmed = [
        row[: max((i + 1 for i, v in enumerate(row) if v is not None), default=0)]
        for row in trimmed
    ]
    while trimmed and not trimmed[-1]:
        trimmed.pop()
    return trimmed


def test_repeated_writes_do_not_grow_the_styles_part(run, team: Path) -> None:
    run("init")
    run("refresh")
    first = parts(team)["xl/styles.xml"]
    run("refresh", "--force")
    run("review-prep")
    run("flag", "--handoff", "RPT-02", "--what", "Totals moved")
    assert parts(team)["xl/styles.xml"] == first


def test_no_library_warning_reaches_the_terminal(team: Path) -> None:
    """openpyxl warns about every Excel 2010 extension it would drop on saving; the tool never
    saves the team's workbook with it (and reads with it only a formula saved without a
    result, as here), so a person sees only the tool's own words."""
    package = Package(team.read_bytes())  # a formula saved without a result: openpyxl reads it
    health = package.sheet_parts()["Health"]
    xml = package.read(health)
    package.write(health, re.sub(rb'<c r="E2"([^>]*)>.*?</c>', rb'<c r="E2"\1><f>1/2</f></c>', xml))
    team.write_bytes(package.save())
    config = team.parent / "handoffs.toml"
    commands = (["init"], ["validate"], ["refresh"], ["flag", "--handoff", "RPT-02", "--what", "x"])
    options = ["--config", str(config), "--today", str(TODAY)]
    # in a child process: Python's own warning filters, as in a terminal, not pytest's
    for code, stderr in each_in_one_child(*commands, options=options, cwd=ROOT):
        assert code in (0, 1), stderr
        assert "Warning" not in stderr and "warn" not in stderr.lower(), stderr


def test_a_flags_table_with_a_totals_row_keeps_it_last_and_never_reads_it_as_data(
    run, tmp_path: Path
) -> None:
    path = build_team_workbook(tmp_path / "handoffs.xlsx", totals=True)
    flags_rows = len(XlsxBackend(path).read(["Flags"])["Flags"].rows)
    result = run("validate")
    assert "Flags" not in result.stdout, result.stdout

    run("flag", "--handoff", "RPT-02", "--what", "Totals moved")

    flags = XlsxBackend(path).read(["Flags"])["Flags"].rows
    assert len(flags) == flags_rows + 1
    assert flags[-1][2:4] == ["RPT-02", "Totals moved"]
    table = parts(path)[FLAGS_TABLE].decode()
    last = flags_rows + 2  # header, rows, the new row, then the totals row
    assert re.search(rf'<table [^>]*ref="A1:G{last}"', table), table
    assert 'totalsRowCount="1"' in table
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sheet = load_workbook(path)["Flags"]
    assert sheet[f"A{last}"].value == "Total"
    assert sheet[f"C{last}"].value.startswith("=SUBTOTAL(103,")
    assert sheet[f"C{last - 1}"].value == "RPT-02"
    run("validate")


def test_init_adds_a_missing_input_tab_with_its_dropdowns_and_keeps_every_other_part(
    run, tmp_path: Path
) -> None:
    path = build_team_workbook(tmp_path / "handoffs.xlsx", without="Reviews")
    before_bytes, before = path.read_bytes(), parts(path)

    result = run("init")

    assert "Reviews" in result.stdout
    after = parts(path)
    changed = changed_parts(before, after) - LISTING
    assert changed <= owned(path.read_bytes(), ["Reviews", *GENERATED]) | owned(before_bytes, [])
    styles_only_appended(before["xl/styles.xml"], after["xl/styles.xml"])
    reviews = XlsxBackend(path).read(["Reviews"])["Reviews"].rows
    assert reviews[0][:2] == ["Quarter", "Handoff ID"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sheet = load_workbook(path)["Reviews"]
    assert sheet.freeze_panes == "A2"
    assert any("planned" in (rule.formula1 or "") for rule in sheet.data_validations.dataValidation)
