"""A refresh that would change nothing writes nothing (docs/spreadsheet.md#generated-tabs): a cron
run every half hour neither rewrites a workbook in a synced folder nor adds a Google Sheets
revision. The generated tabs are read in the same pass as the input tabs, so a refresh costs
2 requests on Google Sheets when nothing changed and 3 when it writes. Tabs are found ignoring
case, on both backends."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from handoffs.model.spreadsheet import Link, RawTab, TabContent
from handoffs.tabs.compare import tabs_unchanged
from tests.conftest import Spreadsheet, demo_tabs

GET, VALUES, BATCH, APPEND = (
    "sheets.spreadsheets.get",
    "sheets.spreadsheets.values.batchGet",
    "sheets.spreadsheets.batchUpdate",
    "sheets.spreadsheets.values.append",
)
NOTHING_CHANGED = "Nothing changed, nothing written: {} already shows these figures."


def team_with_a_problem() -> dict[str, list[list[Any]]]:
    """The sample team with one bad Health cell, so Problems holds a link and Stale Reviews
    dates: every kind of cell a refresh writes."""
    tabs = demo_tabs()
    tabs["Health"][1][2] = "three"
    return tabs


def stored(sheet: Spreadsheet) -> Any:
    """What is stored, and on disk the file itself (a new file after any write)."""
    if sheet.kind == "xlsx":
        info = os.stat(sheet.path)
        return sheet.snapshot(), info.st_mtime_ns, info.st_ino
    return sheet.snapshot()


def requests(sheet: Spreadsheet) -> list[str]:
    if sheet.emulator is None:
        return []
    made = [request.method_id for request in sheet.emulator.requests]
    sheet.emulator.clear_log()
    return made


def test_a_second_refresh_writes_nothing(run, backend: Spreadsheet) -> None:
    backend.seed(team_with_a_problem())
    assert run("refresh", config=backend.config).stdout.startswith("Wrote Summary")
    requests(backend)
    before = stored(backend)

    result = run("refresh", config=backend.config)

    location = backend.open().location
    assert result.stdout.splitlines()[0] == NOTHING_CHANGED.format(location)
    assert stored(backend) == before
    if backend.kind == "gsheets":
        assert requests(backend) == [GET, VALUES]
    assert run("refresh", "--quiet", config=backend.config, expect=0).stdout == ""


def test_force_writes_anyway(run, backend: Spreadsheet) -> None:
    backend.seed(team_with_a_problem())
    run("refresh", config=backend.config)
    requests(backend)
    before = stored(backend)

    assert run("refresh", "--force", config=backend.config).stdout.startswith("Wrote Summary")

    assert stored(backend) != before
    if backend.kind == "gsheets":
        assert requests(backend) == [GET, VALUES, BATCH]


def test_a_hand_edit_of_a_generated_tab_is_put_right_by_the_next_refresh(
    run, backend: Spreadsheet
) -> None:
    backend.seed(team_with_a_problem())
    run("refresh", config=backend.config)
    rankings = backend.comparable("Rankings")
    backend.edit("Rankings", "C2", "typed over by a person")

    assert run("refresh", config=backend.config).stdout.startswith("Wrote Summary")

    assert backend.comparable("Rankings") == rankings
    assert run("refresh", config=backend.config).stdout.startswith("Nothing changed")


def test_a_changed_input_cell_is_written(run, backend: Spreadsheet) -> None:
    backend.seed(team_with_a_problem())
    run("refresh", config=backend.config)
    assert [row[4] for row in backend.comparable("Problems")["Problems"][1:]] == ["three"]

    backend.edit("Health", "C2", "four")

    assert run("refresh", config=backend.config).stdout.startswith("Wrote Summary")
    assert [row[4] for row in backend.comparable("Problems")["Problems"][1:]] == ["four"]


def test_tabs_renamed_in_lower_case_are_still_found_and_never_doubled(
    run, backend: Spreadsheet
) -> None:
    tabs = demo_tabs()
    tabs["flags"] = tabs.pop("Flags")
    tabs["summary"] = [["Item", "Value", "Detail"]]
    backend.seed(tabs)

    result = run("init", config=backend.config)
    assert "Flags" not in result.stdout and "Summary" not in result.stdout
    run("refresh", config=backend.config)
    run("flag", "--handoff", "RPT-01", "--what", "Late again", config=backend.config)

    titles = list(backend.read(*tabs, "Flags", "Summary", "Rankings"))
    assert titles == [*tabs, "Flags", "Summary", "Rankings"]  # asked-for titles, one tab each
    read = backend.open().read(["Flags", "Summary"])
    assert (read["Flags"].title, read["Summary"].title) == ("flags", "summary")
    assert read["Flags"].rows[-1][3] == "Late again"
    assert read["Summary"].rows[1][0] == "Last changed"
    if backend.kind == "gsheets":
        sheets = [s["properties"]["title"] for s in backend.snapshot()["sheets"]]
    else:
        from openpyxl import load_workbook

        sheets = load_workbook(backend.path, read_only=True).sheetnames
    assert "Flags" not in sheets and "Summary" not in sheets
    assert {"flags", "summary"} <= set(sheets)


def test_cells_compare_as_a_person_sees_them_read_back() -> None:
    written = TabContent(
        "Problems",
        ["Item", "Value", "Detail"],
        [
            ["Last changed", dt.datetime(2026, 11, 25, 6, 0), "the stamp is not content"],
            ["Reviewed", dt.date(2026, 11, 5), Link("Health", "C2", "Health!C2")],
            ["Hours", 2.5, ""],
            [None],
        ],
    )
    # as Google Sheets reads it back: dates as serial numbers, the link as its label
    sheets = RawTab(
        "Problems",
        [
            ["Item", "Value", "Detail"],
            ["Last changed", 46349.3, "an older run"],
            ["Reviewed", 46331, "Health!C2"],
            ["Hours", 2.5, None],
        ],
    )
    assert tabs_unchanged([written], {"Problems": sheets})
    for row, col, value in [(2, 1, 46332), (3, 1, 2.6), (3, 2, 0), (2, 2, "Health!C3")]:
        edited = [list(r) for r in sheets.rows]
        edited[row][col] = value
        assert not tabs_unchanged([written], {"Problems": RawTab("Problems", edited)}), value
    assert not tabs_unchanged([written], {})  # a missing tab is written
