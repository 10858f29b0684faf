"""The local workbook: typed reads, nothing lost, atomic writes, text stays text."""

from __future__ import annotations

import datetime as dt
import re
import stat
import zipfile
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.styles import PatternFill
from openpyxl.worksheet.table import Table

from handoffs.backends.xlsx import XlsxBackend
from handoffs.model.spreadsheet import FormulaWithoutValue
from handoffs.tabs.team_tabs import SUMMARY_WIDTHS
from tests.conftest import write_workbook

INPUT_TABS = ["Handoffs", "Contracts", "Health", "Flags", "Reviews", "Team"]


def sheet_xml(path: Path) -> dict[str, bytes]:
    """Each tab's worksheet XML, by tab title, exactly as stored in the file."""
    with zipfile.ZipFile(path) as archive:
        workbook = archive.read("xl/workbook.xml").decode()
        rels = archive.read("xl/_rels/workbook.xml.rels").decode()
        targets = dict(re.findall(r'Id="(rId\d+)"[^>]*Target="/?(?:xl/)?([^"]+)"', rels))
        targets |= {
            k: v for v, k in re.findall(r'Target="/?(?:xl/)?([^"]+)"[^>]*Id="(rId\d+)"', rels)
        }
        sheets = re.findall(r'<sheet [^>]*name="([^"]+)"[^>]*r:id="(rId\d+)"', workbook)
        return {name: archive.read("xl/" + targets[rid]) for name, rid in sheets}


def generated_values(path: Path, title: str) -> list[list[object]]:
    return [list(row) for row in load_workbook(path)[title].iter_rows(values_only=True)]


def test_refresh_leaves_input_tabs_byte_for_byte_identical(run, demo_workbook: Path) -> None:
    workbook = load_workbook(demo_workbook)
    team = workbook["Team"]
    team["F1"] = "Desk"  # the team's own column
    team["F2"] = "3rd floor"
    team["A2"].fill = PatternFill("solid", fgColor="FFFF00")
    team.column_dimensions["A"].width = 31
    workbook.save(demo_workbook)
    before = sheet_xml(demo_workbook)

    run("refresh")

    after = sheet_xml(demo_workbook)
    assert {tab: after[tab] for tab in INPUT_TABS} == {tab: before[tab] for tab in INPUT_TABS}
    team = load_workbook(demo_workbook)["Team"]
    assert (team["F2"].value, team["A2"].fill.fgColor.rgb) == ("3rd floor", "00FFFF00")


def test_second_refresh_gives_identical_tabs_but_for_the_timestamp(
    run, demo_workbook: Path
) -> None:
    run("refresh")
    first = {
        t: generated_values(demo_workbook, t)
        for t in ("Summary", "Rankings", "Stale Reviews", "Problems")
    }
    run("refresh")
    second = {t: generated_values(demo_workbook, t) for t in first}
    refreshed_at = [row[1] for row in first["Summary"] if row[0] == "Last changed"]
    assert isinstance(refreshed_at[0], dt.datetime)
    for tabs in (first, second):
        tabs["Summary"] = [row for row in tabs["Summary"] if row[0] != "Last changed"]
    assert second == first


def test_refresh_keeps_the_previous_version_as_a_backup(run, demo_workbook: Path) -> None:
    before = demo_workbook.read_bytes()
    run("refresh")
    assert (demo_workbook.parent / "handoffs.backup.xlsx").read_bytes() == before
    assert demo_workbook.read_bytes() != before


def test_refresh_keeps_the_workbook_file_mode(run, demo_workbook: Path) -> None:
    demo_workbook.chmod(0o640)
    run("refresh")
    assert stat.S_IMODE(demo_workbook.stat().st_mode) == 0o640
    assert not list(demo_workbook.parent.glob(".handoffs-*.xlsx")), "temporary file left behind"


def test_user_text_that_looks_like_a_formula_is_written_as_text(run, demo_workbook: Path) -> None:
    workbook = load_workbook(demo_workbook)
    handoffs = workbook["Handoffs"]
    injected = {"B2": "=2+2", "D2": '=HYPERLINK("http://evil.example","click")', "E2": "@SUM(A1)"}
    for cell, text in injected.items():
        handoffs[cell] = text
        handoffs[cell].data_type = "s"  # typed as text by a person, as Sheets keeps '=…
    health = workbook["Health"]
    health["C2"] = "+1+1"
    health["C2"].data_type = "s"
    workbook.save(demo_workbook)

    run("refresh")

    saved = load_workbook(demo_workbook)
    rankings = {row[1].value: row for row in saved["Rankings"].iter_rows(min_row=2)}
    rpt01 = rankings["RPT-01"]
    assert (rpt01[2].value, rpt01[2].data_type) == ("=2+2", "s")
    assert (rpt01[3].value, rpt01[3].data_type) == (
        '=HYPERLINK("http://evil.example","click") → @SUM(A1)',
        "s",
    )
    problem = next(
        r for r in saved["Problems"].iter_rows(min_row=2) if r[3].value == "Rework requests"
    )
    assert (problem[4].value, problem[4].data_type) == ("+1+1", "s")
    assert problem[2].data_type == "f"  # the link the tool means to write
    assert problem[2].value == (  # Excel's syntax, or LibreOffice's where it runs
        '=HYPERLINK(IF(ISNUMBER(FIND("\'#$",CELL("filename",A1))),'
        '"#\'Health\'.C2","#\'Health\'!C2"),"Health!C2")'
    )


def test_formulas_are_read_by_their_saved_value_and_flagged_without_one(tmp_path: Path) -> None:
    path = write_workbook(
        tmp_path / "formulas.xlsx",
        {
            "Health": [
                ["Month", "Handoff ID", "Rework requests"],
                ["2026-10", "A", "=1+2"],
                ["2026-10", "B", "=1+3"],
            ]
        },
    )
    with zipfile.ZipFile(path) as archive:  # give the first formula a saved result, as Excel would
        files = {name: archive.read(name) for name in archive.namelist()}
    xml = files["xl/worksheets/sheet1.xml"].decode()
    files["xl/worksheets/sheet1.xml"] = re.sub(
        r"(<f>1\+2</f>)<v\s*/?>(</v>)?", r"\1<v>3</v>", xml
    ).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)

    rows = XlsxBackend(path).read(["Health"])["Health"].rows

    assert rows[1][2] == 3
    assert rows[2][2] == FormulaWithoutValue("=1+3")


def test_a_formula_without_saved_value_is_named_in_validate(
    run, tmp_path: Path, demo_workbook: Path
) -> None:
    workbook = load_workbook(demo_workbook)
    workbook["Health"]["E2"] = "=1/2"
    workbook.save(demo_workbook)
    result = run("validate", expect=1)
    assert "E2     Delays (days) [=1/2]: The formula =1/2 has no saved result" in result.stdout


def test_error_cells_and_merged_cells_are_reported(run, demo_workbook: Path) -> None:
    workbook = load_workbook(demo_workbook)
    health = workbook["Health"]
    health["D3"] = "#DIV/0!"
    health["D3"].data_type = "e"
    workbook["Team"].merge_cells("D2:E2")
    workbook.save(demo_workbook)
    result = run("validate", expect=1)
    assert (
        "error   D3     Format translation (min) [#DIV/0!]: The cell shows the spreadsheet error #DIV/0!"
        in result.stdout
    )
    assert "warning D2:E2  Cells D2:E2 are merged, so only the first holds a value" in result.stdout


def test_date_cells_are_read_as_dates(tmp_path: Path) -> None:
    path = write_workbook(
        tmp_path / "dates.xlsx", {"Team": [["Person", "Joined"], ["Ana", dt.date(2026, 3, 4)]]}
    )
    rows = XlsxBackend(path).read(["Team", "Missing"])["Team"].rows
    assert rows[1][1] == dt.datetime(2026, 3, 4)


def test_appended_rows_go_below_the_last_row_and_extend_an_excel_table(tmp_path: Path) -> None:
    path = tmp_path / "flags.xlsx"
    write_workbook(
        path, {"Flags": [["Timestamp", "Handoff ID"], ["2026-11-01", "A"], ["2026-11-02", "B"]]}
    )
    workbook = load_workbook(path)
    workbook["Flags"].add_table(Table(displayName="FlagsTable", ref="A1:B3"))
    workbook.save(path)

    XlsxBackend(path).append_rows("Flags", [["2026-11-03", "=C"]])

    flags = load_workbook(path)["Flags"]
    assert [[c.value for c in row] for row in flags.iter_rows()][-1] == ["2026-11-03", "=C"]
    assert flags["B4"].data_type == "s"
    assert flags.tables["FlagsTable"].ref == "A1:B4"


def test_the_summary_chart_sets_what_applications_would_otherwise_guess(
    run, demo_workbook: Path
) -> None:
    """Straight lines with markers, both axes shown (Excel hides an axis whose `delete` is
    left out) and titled, a legend below, months read as text; beside the Summary text."""
    run("refresh")
    with zipfile.ZipFile(demo_workbook) as archive:
        chart = archive.read("xl/charts/chart1.xml").decode()
        drawing = archive.read("xl/drawings/drawing1.xml").decode()
    assert chart.count('<smooth val="0" />') == 6  # the chart and each of its 5 lines
    assert chart.count('<symbol val="circle" />') == 5
    assert chart.count('<delete val="0" />') == 2
    assert re.findall(r"<a:t>([^<]*)</a:t>", chart)[1:] == ["Month", "Hours lost"]
    assert '<legendPos val="b" />' in chart
    assert chart.count("<strRef><f>'Summary'!$A$") == 5  # the months, as text
    anchor = re.search(r"<from><col>(\d+)</col>.*?<row>(\d+)</row>", drawing)
    assert anchor is not None and anchor.groups() == ("4", "1")  # E2, beside Item/Value/Detail


def test_long_summary_text_wraps_in_narrow_columns_and_rows_grow_to_fit(
    run, demo_workbook: Path
) -> None:
    run("refresh")
    summary = load_workbook(demo_workbook)["Summary"]
    widths = [summary.column_dimensions[c].width for c in "ABC"]
    assert widths == list(SUMMARY_WIDTHS)
    maturity = next(
        row
        for row in summary.iter_rows(min_row=2)
        if row[0].value.startswith("Proficient: Every active")
    )
    assert maturity[2].alignment.wrap_text and maturity[2].alignment.vertical == "top"
    assert summary.row_dimensions[maturity[0].row].height >= 4 * 15  # the detail's lines
    period = next(row for row in summary.iter_rows(min_row=2) if row[0].value == "Period")
    assert summary.row_dimensions[period[0].row].height is None  # one line: the default


def test_input_tabs_are_wide_enough_for_their_dates_and_show_booleans_as_true_false(
    demo_workbook: Path,
) -> None:
    """LibreOffice shows ### for a date-time wider than its column and 1/0 for a boolean
    without a number format (both seen in the demo workbook printed by LibreOffice)."""
    workbook = load_workbook(demo_workbook)
    assert workbook["Flags"].column_dimensions["A"].width >= len("2026-09-06 10:15") + 2
    manager = workbook["Team"]["C2"]
    assert (manager.value, manager.number_format) == (True, '"TRUE";"TRUE";"FALSE"')
