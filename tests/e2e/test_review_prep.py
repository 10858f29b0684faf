"""docs/commands.md `review-prep` and the demo tour: golden Markdown and JSON of the sample team (pinned
to 2026-11-25), the Review Prep tab on both backends, exit codes, and user text kept safe.

Regenerate the golden files after an intended change with

    HANDOFFS_REGENERATE_GOLDEN=1 python -m pytest tests/e2e/test_review_prep.py

and review the diff of tests/golden/ before committing it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from handoffs.app.load import load, read_notes
from handoffs.backends import open_backend
from handoffs.cli import cli
from handoffs.config import load_config
from handoffs.figures.team import team_figures
from handoffs.model.periods import default_period
from handoffs.tabs.team_tabs import team_tabs
from tests import TESTS
from tests.conftest import TODAY, Spreadsheet
from tests.support.builders import contract, flag, handoff, quarter_health, review, workbook

GOLDEN = TESTS / "golden"
REGENERATE = os.environ.get("HANDOFFS_REGENERATE_GOLDEN") == "1"


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """`handoffs demo --long` run once in a folder of its own: (its config file, what it
    printed)."""
    folder = tmp_path_factory.mktemp("demo")
    cwd = Path.cwd()
    os.chdir(folder)
    try:
        result = CliRunner().invoke(
            cli, ["--today", TODAY.isoformat(), "demo", "--long"], catch_exceptions=False
        )
    finally:
        os.chdir(cwd)
    assert (result.exit_code, result.stderr) == (0, "")
    return folder / "handoffs-demo.toml", result.stdout


@pytest.fixture
def demo_config(demo_run: tuple[Path, str]) -> Path:
    """The sample team as `handoffs demo` leaves it (workbook, config, notes folder)."""
    return demo_run[0]


def golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if REGENERATE:
        path.parent.mkdir(exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"no golden file {path}: run with HANDOFFS_REGENERATE_GOLDEN=1"
    assert actual == path.read_text(encoding="utf-8"), f"{name} differs from tests/golden"


@pytest.mark.parametrize("kind", ["monthly", "quarterly"])
@pytest.mark.parametrize("fmt", ["markdown", "json"])
def test_the_demo_teams_review_prep_matches_the_golden_file(
    run, demo_config: Path, kind: str, fmt: str
) -> None:
    args = ["review-prep", "--format", fmt, "--no-write"]
    if kind == "quarterly":
        args.append("--quarterly")
    result = run(*args, config=demo_config)
    assert result.stderr == ""
    golden(f"review-prep-{kind}.{'md' if fmt == 'markdown' else 'json'}", result.stdout)
    if fmt == "json":
        agenda = json.loads(result.stdout)
        assert (agenda["format"], agenda["version"], agenda["kind"]) == (
            "handoffs.review-prep", 1, kind,
        )  # fmt: skip


def test_the_demo_tells_the_story_of_the_quarterly_review(run, demo_config: Path) -> None:
    agenda = json.loads(
        run(
            "review-prep", "--quarterly", "--format", "json", "--no-write", config=demo_config
        ).stdout
    )
    assert agenda["period"] == "2026-Q3"
    assert [w["handoff_id"] for w in agenda["worst_handoffs"]] == ["RPT-02", "BRF-02"]
    results = {a["handoff_id"]: a["result"] for a in agenda["last_quarter_actions"]}
    assert results == {"FC-02": "improved", "BRF-02": "worse"}
    recorded = agenda["worst_handoffs"][0]["recorded_actions"]
    assert [a["result"] for a in recorded] == ["not yet measurable"]
    assert agenda["maturity"]["label"] == "Developing"


def test_the_long_demo_ends_with_the_quarterly_review_prep(demo_run: tuple[Path, str]) -> None:
    config, printed = demo_run
    expected = (GOLDEN / "review-prep-quarterly.md").read_text(encoding="utf-8")
    assert printed.endswith("\n\n" + expected)
    assert "Worst handoffs in 2026-10, by hours lost:" in printed
    assert (config.parent / "handoffs-demo-notes" / "RPT-02-analysis-summary.md").exists()
    tab = load_workbook(config.parent / "handoffs-demo.xlsx")["Review Prep"]
    assert tab["A2"].value == "Quarterly handoff review: 2026-Q3"


def test_the_summary_has_the_chart_the_share_compression_and_maturity(demo_config: Path) -> None:
    config = load_config(str(demo_config))
    ds = load(open_backend(config), TODAY, config.scoring)
    notes, folder = read_notes(config)
    refreshed_at = dt.datetime(2026, 11, 25)
    figures = team_figures(ds, default_period(ds), config, notes=notes, notes_folder=folder)
    summary = team_tabs(figures, refreshed_at)[0]
    chart = summary.chart
    assert chart is not None
    block = summary.rows[chart.first_row - 2 : chart.last_row - 1]
    assert block[0] == ["Month", "RPT-02", "BRF-03", "BRF-02", "FC-02", "RPT-03"]
    assert [row[0] for row in block[1:]] == [
        "2026-05",
        "2026-06",
        "2026-07",
        "2026-08",
        "2026-09",
        "2026-10",
    ]
    assert (chart.first_col, chart.last_col) == (1, 6)
    items = {row[0]: row[1:] for row in summary.rows if row and row[0]}
    assert items["Team-driven share"][0] == "86% of flags by non-managers"
    assert items["Maturity level"] == ["Developing", "next: Proficient (1 of 3 criteria met)"]
    assert items["Role-compression candidates"][0] == 6
    assert (
        items["Developing: An artifact template in use (notes that pass `handoffs check`)"][0]
        == "met"
    )
    sheet = load_workbook(config.sheet.path)["Summary"]
    assert len(sheet._charts) == 1


def test_review_prep_writes_the_review_prep_tab_and_nothing_else(run, backend: Spreadsheet) -> None:
    run("init", "--demo", config=backend.config)
    others = ["Handoffs", "Contracts", "Health", "Flags", "Reviews", "Team", "Summary"]
    before = backend.comparable(*others)
    result = run("review-prep", "--quarterly", "--format", "json", config=backend.config)
    assert result.stderr.startswith("Review Prep tab written to ")
    agenda = json.loads(result.stdout)
    assert backend.comparable(*others) == before
    tab = backend.comparable("Review Prep")["Review Prep"]
    assert tab[0] == ["Agenda"]
    assert tab[1] == ["Quarterly handoff review: 2026-Q3"]
    section = tab.index(["Last quarter's actions (2026-Q2), measured on 2026-Q3"])
    header, *measured = tab[section + 1 : section + 4]
    assert header[0] == "Handoff" and header[-1] == "Result"
    assert [row[0] for row in measured] == ["FC-02", "BRF-02"]
    assert measured[0][-1] == "improved"
    fill_in = [row for row in tab if row == ["Owner"]]
    assert len(fill_in) == len(agenda["worst_handoffs"]) == 2


def test_no_write_and_output(run, demo_config: Path, tmp_path: Path) -> None:
    path = load_config(str(demo_config)).sheet.path
    before = path.read_bytes()
    result = run("review-prep", "--no-write", "--output", "agenda.md", config=demo_config)
    assert (result.stdout, result.stderr) == ("", "Wrote agenda.md.\n")
    text = (tmp_path / "agenda.md").read_text(encoding="utf-8")
    assert text == (GOLDEN / "review-prep-monthly.md").read_text(encoding="utf-8")
    assert run(
        "review-prep", "--month", "2026-09", "--no-write", config=demo_config
    ).stdout.startswith("# Monthly alignment check: 2026-09\n")
    assert run(
        "review-prep", "--quarter", "2026-Q2", "--no-write", config=demo_config
    ).stdout.startswith("# Quarterly handoff review: 2026-Q2\n")
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--quarterly", "--month", "2026-10"], "Error: --month is for the monthly alignment check"),
        (["--quarter", "2026-10"], "Error: --quarter takes a quarter as YYYY-Qn, e.g. 2026-Q3; got '2026-10'."),
        (["--month", "October"], "Error: 'October' is not a period; type a month as YYYY-MM"),
        (["--month", "2026-12"], "Error: 2026-12 has not started yet (today is 2026-11-25); pick a period up to 2026-11."),
        (["--format", "yaml"], "Invalid value for '--format'"),
        ([], "Error: No workbook at"),
    ],
)  # fmt: skip
def test_review_prep_usage_errors_exit_2_before_reading_anything(
    run, tmp_path: Path, args: list[str], message: str
) -> None:
    assert message in run("review-prep", *args, expect=2).stderr
    assert list(tmp_path.glob("*.xlsx")) == []


def assert_tables_keep_their_columns(markdown: str) -> None:
    """Every row of every Markdown table has as many unescaped pipes as its header."""
    for block in markdown.split("\n\n"):
        lines = [line for line in block.splitlines() if line.startswith("|")]
        widths = {len(re.findall(r"(?<!\\)\|", line)) for line in lines}
        assert len(widths) <= 1, block


TRICKY = '=HYPERLINK("https://evil.example","click") | a pipe\nand a second line'


def test_user_text_lands_as_text_in_the_tab_and_escaped_in_markdown(run, tmp_path: Path) -> None:
    at = dt.datetime(2026, 9, 10, 9, 0)
    path = workbook(
        tmp_path / "handoffs.xlsx",
        handoffs=[handoff("A-01"), handoff("B-02")],
        contracts=[contract("A-01", receiver_checks="=1+1 | checks\nmore")],
        health=[*quarter_health("2026-Q3", "A-01", 20), *quarter_health("2026-Q3", "B-02", 4),
                *quarter_health("2026-Q4", "A-01", 4)[:1]],
        flags=[flag("A-01", "Ana", at, what_went_wrong=TRICKY, suggested_fix="@fix | now"),
               flag("A-01", "Ana", dt.datetime(2026, 11, 20, 9), what_went_wrong=TRICKY)],
        reviews=[review("2026-Q3", "A-01", failure_case=TRICKY)],
    )  # fmt: skip
    wb = load_workbook(path)
    for tab in ("Flags", "Reviews", "Contracts"):  # a person typed text, not formulas
        for row in wb[tab].iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
    wb.save(path)

    quarterly = run("review-prep", "--quarterly").stdout
    folded = '=HYPERLINK("https://evil.example","click") \\| a pipe and a second line'
    assert f"| 2026-09-10 09:00 | flag | Ana | {folded} | @fix \\| now |" in quarterly
    assert f"| 2026-Q3 | review |  | {folded} | assumptions become mandatory |" in quarterly
    assert "| Receiver checks | =1+1 \\| checks more |" in quarterly
    assert_tables_keep_their_columns(quarterly)
    cells = [c for row in load_workbook(path)["Review Prep"].iter_rows() for c in row]
    risky = [c for c in cells if isinstance(c.value, str) and ("=" in c.value or "@" in c.value)]
    assert TRICKY in {c.value for c in risky}
    assert any("=1+1 | checks\nmore" in c.value for c in risky)
    assert {c.data_type for c in risky} == {"s"}

    monthly = run("review-prep").stdout
    assert_tables_keep_their_columns(monthly)
    assert f"| 2026-11-20 09:00 | Ana | {folded} | add it to the contract | new |" in monthly
    cells = [c for row in load_workbook(path)["Review Prep"].iter_rows() for c in row]
    assert [c.data_type for c in cells if c.value == TRICKY] == ["s", "s"]  # both flags
