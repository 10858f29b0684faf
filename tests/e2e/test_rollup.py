"""The organisation roll-up (docs/rollup.md) on both backends: the Teams tab, the four Org tabs,
team figures equal to each team's own refresh, team sheets never written, bad input and exit
codes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests import ROOT
from tests.conftest import Spreadsheet, demo_tabs
from tests.e2e.test_backends_e2e import HEALTH_HEADER, small_team
from tests.support.rollup_helpers import ORG_TABS, health_in, one_team_gone, org, team, where


def by_item(rows: list[list[Any]]) -> dict[str, list[Any]]:
    return {row[0]: row[1:] for row in rows[1:] if row}


def test_init_on_an_organisation_creates_the_teams_tab_and_the_org_tabs(
    run, backend: Spreadsheet
) -> None:
    backend.config.write_text(backend.config.read_text() + "[rollup]\n")
    result = run("init", config=backend.config)
    assert result.stdout.endswith(
        "created tabs: Teams, Org Summary, Team Rankings, Org Worst Handoffs, Org Stale Reviews.\n"
    )
    tabs = backend.read("Teams", "Handoffs")
    assert tabs == {"Teams": [["Team", "Spreadsheet", "Lead", "Status"]]}


def test_rollup_of_the_demo_team_gives_exactly_its_own_refresh_figures_and_never_writes_it(
    run, make_spreadsheet, backend: Spreadsheet
) -> None:
    demo = team(make_spreadsheet, backend.kind, demo_tabs())
    run("refresh", config=demo.config)
    own = demo.comparable("Summary", "Rankings", "Stale Reviews")
    before = demo.snapshot()
    organisation = org(make_spreadsheet, backend.kind, [["Demo team", where(demo), "Lena", ""]])

    result = run("rollup", config=organisation.config)

    assert demo.snapshot() == before  # bytes of the workbook, every cell and property on Sheets
    assert "Rolled up 1 of 1 team for 2026-10" in result.stdout
    tabs = organisation.comparable(*ORG_TABS)
    summary = by_item(own["Summary"])
    ranked = [row for row in own["Rankings"][1:] if row[4] != "no data"]
    worst_id, worst_detail = summary["Worst handoff"][0], summary["Worst handoff"][1]
    route = worst_detail.split("(")[1].split(",")[0]
    share = summary["Team-driven share"][0].split(" ")[0]
    row = tabs["Team Rankings"][1]
    assert row[:3] == [1.0, "Demo team", "Lena"]
    assert row[3] == pytest.approx(sum(r[4] for r in ranked), abs=0.05 * len(ranked))
    assert row[5:] == [
        summary["Active handoffs"][0],
        worst_id,
        route,
        float(worst_detail.split(" ")[0]),
        summary["Contracts needing attention"][0],
        summary["Open flags"][0],
        0.0,
        summary["Maturity level"][0],
        share,
        "ok",
    ]
    worst = tabs["Org Worst Handoffs"][1:]
    assert [r[2:] for r in worst] == [[r[1], r[3], r[4], r[8], r[9], r[10]] for r in ranked]
    assert all(r[1] == "Demo team" for r in worst)
    assert [r[1:] for r in tabs["Org Stale Reviews"][1:]] == own["Stale Reviews"][1:]
    org_summary = by_item(tabs["Org Summary"])
    assert org_summary["Period"][0] == "2026-10"
    assert org_summary["Teams read"][0] == 1.0
    level = summary["Maturity level"][0]  # "Teams at Developing", "Teams not yet Developing"
    assert org_summary[f"Teams {'' if level.startswith('not yet') else 'at '}{level}"][0] == 1.0


def test_a_teams_name_links_to_its_spreadsheet_and_stays_text(
    run, make_spreadsheet, backend: Spreadsheet
) -> None:
    member = team(make_spreadsheet, backend.kind)
    organisation = org(make_spreadsheet, backend.kind, [["=1+1", where(member), "", ""]])
    run("rollup", config=organisation.config)

    if backend.kind == "xlsx":
        from openpyxl import load_workbook

        cell = load_workbook(organisation.path)["Team Rankings"]["B2"]
        assert (cell.value, cell.data_type, cell.hyperlink.target) == (
            "=1+1",
            "s",
            str(member.path),
        )
    else:
        from tests.conftest import _emulator_call

        book = _emulator_call(
            organisation.emulator,
            "GET",
            f"{organisation.key}?includeGridData=true&ranges=%27Team%20Rankings%27!B2",
        )
        cell = book["sheets"][0]["data"][0]["rowData"][0]["values"][0]
        assert cell["userEnteredValue"] == {"stringValue": "=1+1"}
        url = f"https://docs.google.com/spreadsheets/d/{member.key}"
        assert cell["textFormatRuns"] == [{"format": {"link": {"uri": url}}}]


def test_unreachable_teams_are_named_every_other_team_is_written_and_the_run_exits_5(
    run, make_spreadsheet, tmp_path: Path
) -> None:
    organisation, gone = one_team_gone(make_spreadsheet, tmp_path)

    result = run("rollup", config=organisation.config, expect=5)

    reason = f"there is no workbook at {gone}"
    assert result.stderr.strip().endswith(
        f"handoffs rollup: 1 of 2 teams could not be read (Forecasting: {reason}); every other "
        "team is rolled up."
    )
    tabs = organisation.comparable("Team Rankings", "Org Summary")
    assert [row[1] for row in tabs["Team Rankings"][1:]] == ["Reporting", "Forecasting"]
    assert tabs["Team Rankings"][1][-1] == "ok"
    assert tabs["Team Rankings"][2] == [
        None,
        "Forecasting",
        "Ben",
        *[None] * 11,
        f"unreachable: {reason}",
    ]
    assert ["Unreachable", "Forecasting", reason] in tabs["Org Summary"]


def test_a_team_workbook_without_every_input_tab_is_unreachable(run, make_spreadsheet) -> None:
    tabs = small_team()
    del tabs["Flags"], tabs["Reviews"]
    partial = team(make_spreadsheet, "xlsx", tabs)
    organisation = org(make_spreadsheet, "xlsx", [["Briefs", where(partial), "", ""]])
    run("rollup", config=organisation.config, expect=5)
    status = organisation.comparable("Team Rankings")["Team Rankings"][1][-1]
    assert status == (
        "unreachable: missing input tabs: Flags, Reviews; run `handoffs init` on that spreadsheet"
    )


def test_teams_tab_mistakes_are_problems_to_the_cell_and_those_rows_are_left_out(
    run, make_spreadsheet
) -> None:
    a, b, c = (team(make_spreadsheet, "xlsx") for _ in range(3))
    rows = [
        ["Reporting", where(a), "", ""],
        ["reporting", where(b), "", ""],
        ["Forecasting", "", "", ""],
        ["Briefs", "teams/briefs.csv", "", ""],
        ["Copy", where(c), "", ""],
        ["Copy of copy", where(c), "", ""],
        ["Ourselves", "handoffs.xlsx", "", ""],
        ["Finance", where(b), "", "retired"],
    ]
    organisation = org(make_spreadsheet, "xlsx", rows)

    result = run("rollup", "--strict", config=organisation.config, expect=1)

    same = (
        "The same spreadsheet as row 6 (Copy), which is rolled up; a team counts once, whatever "
        "path or link names it: correct this Spreadsheet cell or delete the row."
    )
    twice = "is used more than once (rows 2, 3); each Team must be unique, so change or delete the copies."
    assert result.stdout.splitlines()[1:7] == [
        f"  error: Teams!A2 Team [Reporting]: Team Reporting {twice}",
        f"  error: Teams!A3 Team [reporting]: Team reporting {twice}",
        "  error: Teams!B4 Spreadsheet: Spreadsheet is required; type the team's Google Sheets "
        "URL or key, or the path of its .xlsx workbook relative to the config file.",
        "  error: Teams!B5 Spreadsheet [teams/briefs.csv]: 'teams/briefs.csv' is neither a Google "
        "Sheets URL nor the path of an .xlsx workbook; paste the sheet's URL from the browser's "
        "address bar, or type the path of the team's .xlsx file relative to the config file.",
        f"  error: Teams!B7 Spreadsheet [{where(c)}]: {same}",
        "  error: Teams!B8 Spreadsheet [handoffs.xlsx]: This is the organisation's own "
        "spreadsheet; a roll-up never reads itself as a team: type the team's own spreadsheet "
        "here.",
    ]
    assert result.stdout.startswith("Rolled up 1 of 1 team ")
    summary = by_item(organisation.comparable("Org Summary")["Org Summary"])
    assert summary["Teams tab problems"][0] == "6 errors, 0 warnings"
    assert summary["Teams read"] == [1.0, "of 1 active team; 1 retired"]
    assert ["Teams tab error", "Teams!B8", "This is the organisation's own spreadsheet; a "
            "roll-up never reads itself as a team: type the team's own spreadsheet here."] in (
        organisation.comparable("Org Summary")["Org Summary"]
    )  # fmt: skip


def test_a_team_with_data_errors_still_counts_its_valid_rows_and_strict_exits_1(
    run, make_spreadsheet
) -> None:
    health = [*small_team()["Health"], ["2026-10", "NOPE", 5, 0, 0, ""]]
    messy = team(make_spreadsheet, "xlsx", small_team(Health=health))
    organisation = org(make_spreadsheet, "xlsx", [["Reporting", where(messy), "", ""]])

    result = run("rollup", config=organisation.config)
    run("rollup", "--strict", config=organisation.config, expect=1)

    assert "  Reporting: 1 data error (valid rows still count" in result.stdout
    row = organisation.comparable("Team Rankings")["Team Rankings"][1]
    assert row[3] == round(3 * 2 + 0.5 + 4 + 1 * 2 + 10 / 60, 1)  # RPT-01, RPT-02; not NOPE
    assert row[11:] == [1.0, "not yet Developing", "no flags", "ok"]


def test_teams_without_health_for_the_period_show_no_data_after_the_teams_with_data(
    run, make_spreadsheet
) -> None:
    october = [team(make_spreadsheet, "xlsx", health_in("2026-10")) for _ in range(2)]
    august = team(make_spreadsheet, "xlsx", health_in("2026-08"))
    organisation = org(
        make_spreadsheet, "xlsx",
        [["Quiet", where(august), "", ""], ["Busy", where(october[0]), "", ""],
         ["Steady", where(october[1]), "", ""]],
    )  # fmt: skip

    run("rollup", config=organisation.config)

    rows = organisation.comparable("Team Rankings")["Team Rankings"][1:]
    assert [(r[0], r[1], r[3], r[-1]) for r in rows] == [
        (1.0, "Busy", 12.7, "ok"),
        (2.0, "Steady", 12.7, "ok"),
        (None, "Quiet", "no data", "no data"),
    ]
    summary = by_item(organisation.comparable("Org Summary")["Org Summary"])
    assert summary["Total hours lost"][0] == 25.3  # each 12.67, rounded once
    assert summary["Teams with no data"][0] == 1.0


def test_one_team_starting_a_month_early_does_not_turn_the_others_into_no_data(
    run, make_spreadsheet
) -> None:
    early_rows = health_in("2026-11")["Health"][1:]
    early = team(
        make_spreadsheet, "xlsx", small_team(Health=[*health_in("2026-10")["Health"], *early_rows])
    )
    others = [team(make_spreadsheet, "xlsx", health_in("2026-10")) for _ in range(3)]
    rows = [["Early", where(early), "", ""]]
    rows += [[f"Team {i}", where(t), "", ""] for i, t in enumerate(others)]
    organisation = org(make_spreadsheet, "xlsx", rows)

    result = run("rollup", config=organisation.config)
    asked = run("rollup", "--month", "2026-11", "--dry-run", config=organisation.config)

    assert "Rolled up 4 of 4 teams for 2026-10" in result.stdout
    tabs = organisation.comparable("Team Rankings", "Org Summary")
    assert [r[-1] for r in tabs["Team Rankings"][1:]] == ["ok"] * 4
    assert by_item(tabs["Org Summary"])["Period"] == [
        "2026-10",
        "the latest month most teams with Health data have reached (4 of 4); 1 team has a "
        "later month already: --month picks one",
    ]
    assert "Rolled up 4 of 4 teams for 2026-11" in asked.stdout


def test_a_team_with_last_months_data_is_rolled_up_for_the_earlier_month_most_teams_reached(
    run, make_spreadsheet
) -> None:
    """Its worker sent back its figures for October only: it is read again for September."""
    both = [*health_in("2026-09")["Health"], ["2026-10", "RPT-01", 9, 0, 0, ""]]
    ahead = team(make_spreadsheet, "xlsx", small_team(Health=both))
    september = [team(make_spreadsheet, "xlsx", health_in("2026-09")) for _ in range(2)]
    rows = [["Ahead", where(ahead), "", ""]]
    rows += [[f"Team {i}", where(t), "", ""] for i, t in enumerate(september)]
    organisation = org(make_spreadsheet, "xlsx", rows)

    result = run("rollup", config=organisation.config)

    assert "Rolled up 3 of 3 teams for 2026-09" in result.stdout
    rankings = organisation.comparable("Team Rankings")["Team Rankings"][1:]
    assert [(r[1], r[3], r[-1]) for r in rankings] == [
        ("Ahead", 12.7, "ok"),
        ("Team 0", 12.7, "ok"),
        ("Team 1", 12.7, "ok"),
    ]
    worst = organisation.comparable("Org Worst Handoffs")["Org Worst Handoffs"][1:]
    assert [r[1] for r in worst[:3]] == ["Ahead", "Team 0", "Team 1"]


def test_a_team_that_could_not_be_read_exits_5_even_with_strict_and_data_errors(
    run, make_spreadsheet, tmp_path: Path
) -> None:
    health = [*small_team()["Health"], ["2026-10", "NOPE", 5, 0, 0, ""]]
    messy = team(make_spreadsheet, "xlsx", small_team(Health=health))
    organisation = org(
        make_spreadsheet, "xlsx",
        [["Messy", where(messy), "", ""], ["Gone", str(tmp_path / "gone.xlsx"), "", ""]],
    )  # fmt: skip

    result = run("rollup", "--strict", config=organisation.config, expect=5)

    assert "  Messy: 1 data error " in result.stdout
    assert "(Gone: there is no workbook at" in result.stderr


def test_month_picks_the_period_and_dry_run_writes_nothing(run, make_spreadsheet) -> None:
    august = team(make_spreadsheet, "xlsx", health_in("2026-08"))
    organisation = org(make_spreadsheet, "xlsx", [["Quiet", where(august), "", ""]])
    before = organisation.snapshot()

    result = run("rollup", "--month", "2026-08", "--dry-run", config=organisation.config)

    assert "Rolled up 1 of 1 team for 2026-08" in result.stdout
    assert "not written (--dry-run)" in result.stdout
    assert organisation.snapshot() == before


def test_rollup_needs_an_organisations_config(run, backend: Spreadsheet) -> None:
    result = run("rollup", config=backend.config, expect=2)
    assert "rollup works on an organisation's spreadsheet: add a [rollup] section" in result.stderr


def test_progress_goes_to_stderr_unless_quiet(run, make_spreadsheet) -> None:
    a, b = team(make_spreadsheet, "xlsx"), team(make_spreadsheet, "xlsx")
    organisation = org(make_spreadsheet, "xlsx", [["A", where(a), "", ""], ["B", where(b), "", ""]])
    loud = run("rollup", config=organisation.config)
    quiet = run("rollup", "--quiet", config=organisation.config)
    assert loud.stderr.splitlines()[-1] == "rollup: 2/2 teams read"
    assert (quiet.stdout, quiet.stderr) == ("", "")


def test_workbooks_read_in_parallel_give_what_one_by_one_gives(run, make_spreadsheet) -> None:
    teams = [team(make_spreadsheet, "xlsx", health_in(f"2026-{m:02d}")) for m in (7, 8, 9, 10)]
    rows = [[f"Team {i}", where(t), "", ""] for i, t in enumerate(teams)]
    written = {}
    for concurrency in (4, 1):
        organisation = org(make_spreadsheet, "xlsx", rows, concurrency=concurrency)
        run("rollup", config=organisation.config)
        tabs = organisation.comparable(*ORG_TABS[1:])
        written[concurrency] = tabs
    assert written[4] == written[1]
    assert [r[-1] for r in written[4]["Team Rankings"][1:]] == [
        "ok",
        "no data",
        "no data",
        "no data",
    ]
    assert HEALTH_HEADER[0] == "Month"


def test_the_config_example_documents_the_rollup_section() -> None:
    import re
    import tomllib

    from handoffs.config import parse_config

    example = ROOT / "config.example.toml"
    block = example.read_text(encoding="utf-8").split("# [rollup]\n", 1)[1]
    uncommented = "[rollup]\n" + re.sub(r"(?m)^#\s+([a-z_]+ = )", r"\1", block)
    config = parse_config(tomllib.loads(uncommented), example)
    assert config.organisation
    assert (config.rollup.concurrency, config.rollup.reads_per_minute, config.rollup.top) == (
        8, 60, 20,
    )  # fmt: skip


def test_validate_on_an_organisation_checks_its_teams_tab(run, make_spreadsheet) -> None:
    member = team(make_spreadsheet, "xlsx")
    rows = [["Reporting", where(member), "", ""], ["Briefs", "briefs.ods", "", ""]]
    organisation = org(make_spreadsheet, "xlsx", rows)

    result = run("validate", config=organisation.config, expect=1)

    assert result.stdout.startswith(
        "Teams: 1 error, 0 warnings\n  error   B3     Spreadsheet [briefs.ods]: 'briefs.ods' is "
        "neither a Google Sheets URL"
    )
    assert "Handoffs" not in result.stdout  # an organisation has no team tabs to check
