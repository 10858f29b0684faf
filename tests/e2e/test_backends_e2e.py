"""One suite, two backends: every core command gives the same tabs on a local workbook and on a
Google Sheet (through the emulator, over real HTTP, with the production client)."""

from __future__ import annotations

from typing import Any

import pytest

from handoffs.model.schema import generated_layouts, input_schemas
from tests.conftest import Spreadsheet, demo_tabs

INPUT_TITLES = [schema.title for schema in input_schemas().values()]
GENERATED_TITLES = [tab.title for tab in generated_layouts().values()]
REFRESHED = ["Summary", "Rankings", "Stale Reviews", "Problems"]
HANDOFFS_HEADER = [
    "Handoff ID", "Workflow", "Step", "From role", "To role", "Artifact", "Context that travels",
    "What gets lost", "Split reason", "Decision note", "Status",
]  # fmt: skip
HEALTH_HEADER = [
    "Month", "Handoff ID", "Rework requests", "Format translation (min)", "Delays (days)", "Notes",
]  # fmt: skip


def without_timestamp(tabs: dict[str, list[list[Any]]]) -> dict[str, list[list[Any]]]:
    """The tabs with the Summary's "Last changed" value blanked (the only thing allowed to move)."""
    out = {title: [list(row) for row in rows] for title, rows in tabs.items()}
    for row in out.get("Summary", []):
        if row[:1] == ["Last changed"]:
            row[1] = "<timestamp>"
    return out


TWO_HANDOFFS = [
    ["RPT-01", "Report", 1, "Analyst", "Writer", "Draft report", "format", "assumptions",
     "specialization", "different skills", "active"],
    ["RPT-02", "Report", 2, "Writer", "Lead", "Final report", "format", "limitations",
     "historical", "kept for now", "active"],
]  # fmt: skip


def small_team(**overrides: Any) -> dict[str, list[list[Any]]]:
    """Every input tab; two handoffs with a month of health data; `overrides` replace tabs."""
    tabs: dict[str, list[list[Any]]] = {
        schema.title: [list(schema.header)] for schema in input_schemas().values()
    }
    tabs["Handoffs"] = [HANDOFFS_HEADER, *(list(row) for row in TWO_HANDOFFS)]
    tabs["Health"] = [
        HEALTH_HEADER,
        ["2026-10", "RPT-01", 3, 30, 1, ""],
        ["2026-10", "RPT-02", 1, 10, 0, ""],
    ]
    tabs.update(overrides)
    return tabs


def test_init_creates_every_tab_with_its_header(run, backend: Spreadsheet) -> None:
    result = run("init", config=backend.config)
    assert "created tabs: Handoffs, Contracts, Health, Flags, Reviews, Team, Summary" in (
        result.stdout
    )
    tabs = backend.read(*INPUT_TITLES, *GENERATED_TITLES)
    assert list(tabs) == [*INPUT_TITLES, *GENERATED_TITLES]
    assert tabs["Health"] == [HEALTH_HEADER]
    assert tabs["Problems"] == [["Severity", "Tab", "Cell", "Column", "Value", "Message"]]
    assert run("init", config=backend.config).stdout.endswith(
        "created tabs: none (every tab exists).\n"
    )


def test_init_demo_fills_the_sample_team_and_it_validates_clean(run, backend: Spreadsheet) -> None:
    run("init", "--demo", config=backend.config)
    assert run("validate", config=backend.config).stdout.startswith("No problems")
    health = backend.read("Health")["Health"]
    assert health[0] == HEALTH_HEADER
    assert len(health) > 50


def test_refresh_of_the_demo_ranks_the_worst_handoff_first(run, backend: Spreadsheet) -> None:
    backend.seed(demo_tabs())
    run("refresh", config=backend.config)
    tabs = backend.comparable("Rankings", "Summary")
    assert tabs["Rankings"][1][:4] == [1.0, "RPT-02", "Client report", "Analyst → Writer"]
    assert ["Period", "2026-10", "latest month with Health data"] in tabs["Summary"]


def test_user_text_that_looks_like_a_formula_is_written_back_as_text(
    run, backend: Spreadsheet
) -> None:
    handoffs = small_team()["Handoffs"]
    handoffs[1][1] = "=2+2"
    handoffs[1][3] = '=HYPERLINK("https://evil.example","click")'
    handoffs[1][4] = "@Writer"
    health = small_team()["Health"]
    health[2][2:5] = ["=1+1", "-5 min", "+2 days"]
    backend.seed(small_team(Handoffs=handoffs, Health=health))

    run("refresh", config=backend.config)

    tabs = backend.comparable("Rankings", "Problems")  # comparable: a link reads as its label
    rankings = {row[1]: row for row in tabs["Rankings"][1:]}
    assert rankings["RPT-01"][2:4] == [
        "=2+2",
        '=HYPERLINK("https://evil.example","click") → @Writer',
    ]
    problems = [row[2:5] for row in tabs["Problems"][1:]]
    assert problems == [
        ["Health!C3", "Rework requests", "=1+1"],
        ["Health!D3", "Format translation (min)", "-5 min"],
        ["Health!E3", "Delays (days)", "+2 days"],
    ]


def test_refresh_never_changes_an_input_tab_and_keeps_extra_columns(
    run, backend: Spreadsheet
) -> None:
    team = [["Person", "Role", "Desk"], ["Ana", "Analyst", "3F"], ["Ben", "Writer", "007"]]
    backend.seed(small_team(Team=team))
    before = backend.read(*INPUT_TITLES)

    run("refresh", config=backend.config)

    assert backend.read(*INPUT_TITLES) == before
    assert before["Team"][2] == ["Ben", "Writer", "007"]  # an id-like text stays text


def test_a_second_refresh_gives_identical_tabs_but_for_the_timestamp(
    run, backend: Spreadsheet
) -> None:
    backend.seed(demo_tabs())
    run("refresh", config=backend.config)
    first = backend.read(*INPUT_TITLES, *REFRESHED)
    run("refresh", config=backend.config)
    second = backend.read(*INPUT_TITLES, *REFRESHED)
    assert without_timestamp(second) == without_timestamp(first)


def test_a_shorter_refresh_leaves_no_rows_of_the_longer_one(run, backend: Spreadsheet) -> None:
    messy = small_team()["Health"] + [["2026-10", "NOPE", -1, "x", "y", ""]] * 5
    backend.seed(small_team(Health=messy))
    run("refresh", config=backend.config)
    assert len(backend.read("Problems")["Problems"]) > 10

    backend.seed(small_team())
    run("refresh", config=backend.config)
    assert backend.read("Problems")["Problems"] == [
        ["Severity", "Tab", "Cell", "Column", "Value", "Message"],
        [None, None, None, None, None, "No problems: every row is valid."],
    ]


@pytest.mark.parametrize("scenario", ["demo", "messy"])
def test_both_backends_write_the_same_generated_tabs(run, make_spreadsheet, scenario: str) -> None:
    written = {}
    for kind in ("xlsx", "gsheets"):
        sheet = make_spreadsheet(kind)
        if scenario == "demo":
            sheet.seed(demo_tabs())
        else:
            health = small_team()["Health"] + [["2026-13", "RPT-01", "#REF!", 1.5, 2, "n"]]
            sheet.seed(small_team(Health=health, Team=[["Person", "Role"], ["Ana", None]]))
        run("refresh", config=sheet.config)
        written[kind] = without_timestamp(sheet.comparable(*REFRESHED))
    assert written["gsheets"] == written["xlsx"]
    assert all(len(rows) > 1 for rows in written["xlsx"].values())
