"""The workbooks as a spreadsheet application sees them: LibreOffice Calc, headless.

Reading a workbook back with openpyxl, the library that wrote it, cannot show what only an
application sees: a file it cannot open, a value it shows differently, a link it cannot
follow, a chart drawn blank. Here LibreOffice opens the tool's workbooks, saves them as .xlsx
and prints them to PDF (one page per tab), and the tool reads what LibreOffice saved.
See docs/spreadsheet.md#generated-tabs.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.table import Table

from handoffs.app.flag import add_flag
from handoffs.app.init import initialize
from handoffs.app.load import input_titles, load
from handoffs.app.meetings import review_prep
from handoffs.app.refresh import refresh
from handoffs.backends.xlsx import XlsxBackend
from handoffs.config import Config, ScoringConfig, SheetConfig
from handoffs.model.spreadsheet import Link, TabContent
from handoffs.tabs.review_prep_tab import review_prep_tab
from handoffs.tabs.team_tabs import SUMMARY_WIDTHS
from tests import ROOT
from tests.conftest import TODAY, trimmed_rows
from tests.support.libreoffice import (
    PDF_ONE_PAGE_PER_TAB,
    PDF_PAGED,
    XLSX,
    Calc,
    link_targets,
    non_white_share,
    page_text,
    page_words,
    render_page,
    require_tools,
    tab_of_page,
    word_at,
)
from tests.support.team_workbook import READS_RANKINGS, build_team_workbook

pytestmark = pytest.mark.libreoffice
NOW = dt.datetime(2026, 11, 25, 9, 30)
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="session")
def calc(tmp_path_factory: pytest.TempPathFactory) -> Calc:
    """LibreOffice Calc with this worker's own profile (xdist workers never share one)."""
    require_tools()
    return Calc(tmp_path_factory.mktemp("libreoffice-profile"))


def test_without_libreoffice_the_tests_skip_and_say_why_but_fail_in_ci(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no soffice, pdftoppm or pdftotext here
    monkeypatch.delenv("HANDOFFS_REQUIRE_LIBREOFFICE", raising=False)
    with pytest.raises(pytest.skip.Exception) as skipped:
        require_tools()
    reason = (
        "soffice, pdftoppm, pdftotext not installed: apt-get install libreoffice-calc-nogui "
        "poppler-utils to run the LibreOffice tests"
    )
    assert str(skipped.value) == reason
    monkeypatch.setenv("HANDOFFS_REQUIRE_LIBREOFFICE", "1")
    with pytest.raises(pytest.fail.Exception) as failed:
        require_tools()
    assert str(failed.value) == f"HANDOFFS_REQUIRE_LIBREOFFICE=1 but {reason}"


def config(path: Path) -> Config:
    return Config(sheet=SheetConfig(path=path))


def make_messy(path: Path) -> Path:
    """The sample team as a real team's file looks after a few months: formulas in input tabs
    (one reading the team's own tab, one making a date, one failing), an error typed in, the
    Flags rows as an Excel table, and the team's own column and tab."""
    initialize(config(path), TODAY, demo=True)
    workbook = load_workbook(path)
    notes = workbook.create_sheet("Our notes")
    notes.append(["What", "Rework"])
    notes.append(["Counted in the retro", 2])
    notes.append(["Counted by the client", 1])
    health = workbook["Health"]
    health["C2"] = "=SUM('Our notes'!B2:B3)"  # 3 rework requests
    health["E3"] = "=1/2"  # half a day late
    health["D4"] = "=1/0"  # #DIV/0!: reported, the row left out
    health["E5"] = "#N/A"
    health["E5"].data_type = "e"
    team = workbook["Team"]
    team["E3"] = "=DATE(2025,1,4)"  # Onboarded, as a formula giving a date
    team["E3"].number_format = "yyyy-mm-dd"
    team["F1"], team["F2"] = "Desk", "3rd floor"
    flags = workbook["Flags"]
    flags.add_table(Table(displayName="FlagsTable", ref=f"A1:G{flags.max_row}"))
    workbook.save(path)
    return path


@dataclass
class Converted:
    """A workbook the tool wrote, what it meant to write, and LibreOffice's copies of it."""

    source: Path
    meant: list[TabContent]
    xlsx: Path  # saved by LibreOffice
    pdf: Path  # printed by LibreOffice, page N = tab N
    paged: Path | None = None  # printed on A4 pages, where links between tabs are resolved

    def page_of(self, title: str) -> int:
        return load_workbook(self.source, read_only=True).sheetnames.index(title) + 1


@pytest.fixture(scope="module")
def refreshed(calc: Calc, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Converted]:
    """The demo workbook and a messy one, refreshed by the tool, then opened by LibreOffice
    (every conversion these tests read, in three soffice runs)."""
    folder = tmp_path_factory.mktemp("refreshed")
    demo = folder / "demo.xlsx"
    initialize(config(demo), TODAY, demo=True)
    sources = {"demo": demo, "messy": make_messy(folder / "messy.xlsx")}
    meant = {}
    for name, path in sources.items():
        agenda = review_prep(config(path), TODAY, quarterly=True).document
        meant[name] = [*refresh(config(path), TODAY, now=NOW).tabs, review_prep_tab(agenda)]
    paths = list(sources.values())
    xlsx = calc.convert(paths, XLSX, folder / "by-libreoffice")
    pdf = calc.convert(paths, PDF_ONE_PAGE_PER_TAB, folder / "printed")
    converted = {
        name: Converted(path, meant[name], x, p)
        for (name, path), x, p in zip(sources.items(), xlsx, pdf, strict=True)
    }
    [converted["messy"].paged] = calc.convert([sources["messy"]], PDF_PAGED, folder / "paged")
    return converted


def shown(value: Any) -> Any:
    """A cell as both sides can agree on it: a link by its label, a date as a datetime, a
    number as a float, an empty text as empty."""
    if isinstance(value, Link):
        return value.label
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return round(float(value), 6)
    return value or None


def trimmed(rows: Sequence[Sequence[Any]]) -> list[list[Any]]:
    return trimmed_rows(rows, shown)


@pytest.mark.xdist_group("libreoffice-refreshed")
@pytest.mark.parametrize("name", ["demo", "messy"])
def test_libreoffice_shows_every_generated_cell_the_tool_meant(
    refreshed: dict[str, Converted], name: str
) -> None:
    converted = refreshed[name]
    seen = load_workbook(converted.xlsx, data_only=True)
    for tab in converted.meant:
        meant = trimmed([tab.header, *tab.rows])
        assert trimmed(list(seen[tab.title].iter_rows(values_only=True))) == meant, tab.title
    assert seen.sheetnames == load_workbook(converted.source, read_only=True).sheetnames


@pytest.mark.xdist_group("libreoffice-refreshed")
def test_libreoffice_prints_every_tab_without_a_cell_too_narrow(
    refreshed: dict[str, Converted],
) -> None:
    """### is what an application shows for a date or number wider than its column."""
    for converted in refreshed.values():
        titles = load_workbook(converted.source, read_only=True).sheetnames
        pages = page_text(converted.pdf).split("\f")
        for title, text in zip(titles, pages, strict=False):
            assert "###" not in text, f"{converted.source.name} {title}:\n{text}"


@pytest.mark.xdist_group("libreoffice-refreshed")
def test_libreoffice_shows_booleans_as_true_and_false(refreshed: dict[str, Converted]) -> None:
    demo = refreshed["demo"]
    team = page_text(demo.pdf, demo.page_of("Team")).splitlines()
    assert "TRUE" in team[1].split() and "FALSE" in team[2].split()  # Manager, Priya and Marco


@pytest.mark.xdist_group("libreoffice-refreshed")
def test_problem_links_jump_to_the_named_cell_in_libreoffice(
    refreshed: dict[str, Converted],
) -> None:
    messy = refreshed["messy"]
    assert messy.paged is not None
    links = [t for t in link_targets(messy.paged) if t.label.startswith("Health!")]
    # two formulas without saved results (openpyxl made this file), one error, one #N/A
    assert sorted(t.label for t in links) == ["Health!C2", "Health!D4", "Health!E3", "Health!E5"]
    seen = load_workbook(messy.xlsx, data_only=True)
    for target in links:
        assert target.page is not None, f"LibreOffice cannot follow the link {target.label}"
        tab, cell = target.label.split("!")
        assert tab_of_page(messy.paged, target.page) == tab, target
        words = page_words(messy.paged, target.page)
        assert word_at(words, target.x, target.y) == str(seen[tab][cell].value), target


@pytest.mark.xdist_group("libreoffice-refreshed")
def test_summary_chart_is_drawn_beside_the_text_with_a_legend_naming_each_handoff(
    refreshed: dict[str, Converted],
) -> None:
    demo = refreshed["demo"]
    page = demo.page_of("Summary")
    ARTIFACTS.mkdir(exist_ok=True)
    render_page(demo.pdf, page, ARTIFACTS / "summary.png", dpi=60)
    [summary] = [t for t in demo.meant if t.title == "Summary"]
    assert summary.chart is not None
    worst = [h for h in summary.rows[summary.chart.first_row - 2][1:] if h]
    words = page_words(demo.pdf, page)
    value, detail = (next(w for w in words if w.text == h) for h in ("Value", "Detail"))
    # the Detail column ends where its width (in the same units as Value's) says
    text_edge = detail.x0 + (detail.x0 - value.x0) * SUMMARY_WIDTHS[2] / SUMMARY_WIDTHS[1]
    block_top = next(w.y0 for w in words if w.text == "Month" and w.x0 < value.x0)
    chart = sorted(  # the chart's words, top to bottom
        (w for w in words if w.x0 > text_edge and w.y1 < block_top), key=lambda w: (w.y0, w.x0)
    )
    assert [w.text for w in chart[:3]] == ["Hours", "lost", "per"]  # its title first
    legend = [w.text for w in chart if w.text in worst]
    assert legend == worst  # one entry per handoff, worst first
    assert {"Month", "Hours", "lost", "2026-05", "2026-10"} <= {w.text for w in chart}
    # seen without scrolling: near the top, and starting within 1000 pixels at 100% zoom
    left, top = min(w.x0 for w in chart), chart[0].y0
    assert (left * 96 / 72 < 1000, top < 60) == (True, True), (left, top)
    months = [w for w in chart if w.text.startswith("2026-")]
    plot = (left + 30, chart[0].y1 + 25, max(w.x1 for w in chart), min(w.y0 for w in months))
    assert non_white_share(demo.pdf, page, plot) > 0.04, f"plot area {plot} is blank"


@pytest.fixture(scope="module")
def saved_by_libreoffice(calc: Calc, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The messy workbook as LibreOffice saves it: every formula with its calculated result.
    Tests copy it before changing it."""
    folder = tmp_path_factory.mktemp("typed")
    [saved] = calc.convert([make_messy(folder / "typed.xlsx")], XLSX, folder / "saved")
    saved.chmod(0o444)  # read only: a test that changes it by mistake fails here
    return saved


def input_rows(path: Path) -> dict[str, list[list[Any]]]:
    """Every tab people type in: the input tabs and the team's own."""
    tabs = XlsxBackend(path).read([*input_titles(), "Our notes"])
    return {title: trimmed(tab.rows) for title, tab in tabs.items()}


@pytest.mark.xdist_group("libreoffice-typed")
def test_formulas_saved_by_libreoffice_are_read_by_their_results(
    saved_by_libreoffice: Path,
) -> None:
    rows = input_rows(saved_by_libreoffice)
    assert rows["Health"][1][2] == 3.0  # =SUM('Our notes'!B2:B3)
    assert rows["Health"][2][4] == 0.5  # =1/2
    assert rows["Team"][2][4] == dt.datetime(2025, 1, 4)  # =DATE(2025,1,4)
    problems = load(XlsxBackend(saved_by_libreoffice), TODAY, ScoringConfig()).report.frame
    errors = problems[problems["severity"] == "error"]
    assert sorted(zip(errors["tab"], errors["cell"], strict=True)) == [
        ("Health", "D4"),  # =1/0, saved as #DIV/0!
        ("Health", "E5"),  # #N/A typed in
    ]


@pytest.mark.xdist_group("libreoffice-typed")
def test_after_refresh_and_flag_libreoffice_and_the_tool_still_see_every_input_value(
    calc: Calc, saved_by_libreoffice: Path, tmp_path: Path
) -> None:
    before = input_rows(saved_by_libreoffice)
    written = {}
    for name in ("refreshed", "flagged"):
        written[name] = tmp_path / f"{name}.xlsx"
        written[name].write_bytes(saved_by_libreoffice.read_bytes())
    refresh(config(written["refreshed"]), TODAY, now=NOW)
    add_flag(config(written["flagged"]), NOW, handoff="RPT-01", what="no sources", by="Ana")

    recalculated = calc.convert(list(written.values()), XLSX, tmp_path / "recalculated")

    changed = []  # by LibreOffice recalculating, or for the tool reading the tool's own write
    for path in [*recalculated, *written.values()]:
        after = input_rows(path)
        if "flagged" in path.name:
            assert after["Flags"].pop()[2:4] == ["RPT-01", "no sources"]
        changed += [
            f"{path.parent.name}/{path.name} {title}: {row}"
            for title, rows in after.items()
            for row in rows
            if row not in before[title]
        ]
    assert not changed, "\n".join(changed)


@pytest.mark.xdist_group("libreoffice-team")
def test_a_teams_workbook_opens_in_libreoffice_after_refresh_with_its_formula_reading_rankings(
    calc: Calc, tmp_path: Path
) -> None:
    """A workbook written by Excel-like software, holding what the tool never touches, still
    opens after `init` and `refresh` wrote their tabs into it; LibreOffice sees every generated
    value the tool wrote, and the team's own =Rankings!C2 shows the new top handoff's workflow."""
    path = build_team_workbook(tmp_path / "team.xlsx")
    initialize(config(path), TODAY)
    refresh(config(path), TODAY, now=NOW)

    [saved] = calc.convert([path], XLSX, tmp_path / "by-libreoffice")

    titles = ["Summary", "Rankings", "Stale Reviews", "Problems"]
    ours, theirs = XlsxBackend(path).read(titles), XlsxBackend(saved).read(titles)
    for title in titles:
        assert trimmed(theirs[title].rows) == trimmed(ours[title].rows), title
    with warnings.catch_warnings():  # openpyxl warns about the x14 parts it cannot model
        warnings.simplefilter("ignore")
        dashboard = load_workbook(saved, data_only=True)["Our dashboard"]
    top_workflow = ours["Rankings"].rows[1][2]
    assert dashboard["B8"].value == top_workflow
    assert READS_RANKINGS == "=Rankings!C2"
