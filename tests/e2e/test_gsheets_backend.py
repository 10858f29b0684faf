"""The Google Sheets backend against the emulator: what it reads, what it writes, and how many
HTTP requests each command costs (docs/configuration.md#google-sheets: a bounded number whatever the data size)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from handoffs.backends.gsheets_requests import GENERATED_MARK
from handoffs.model.spreadsheet import Chart, Link, NewTab, TabContent
from tests.conftest import Spreadsheet, _emulator_call

GET, VALUES, BATCH, APPEND = (
    "sheets.spreadsheets.get",
    "sheets.spreadsheets.values.batchGet",
    "sheets.spreadsheets.batchUpdate",
    "sheets.spreadsheets.values.append",
)


def calls(sheet: Spreadsheet) -> list[str]:
    """The API methods called since the log was last cleared, then clear it."""
    made = [request.method_id for request in sheet.emulator.requests]
    sheet.emulator.clear_log()
    return made


def tab_state(sheet: Spreadsheet, title: str) -> dict[str, Any]:
    """One tab of the emulator's snapshot: properties, cells by A1, protections, charts."""
    state = sheet.snapshot()
    return next(tab for tab in state["sheets"] if tab["properties"]["title"] == title)


def test_each_command_costs_a_fixed_number_of_requests(run, make_spreadsheet) -> None:
    sheet = make_spreadsheet("gsheets")
    steps = [
        (["init"], [GET, BATCH]),  # a new spreadsheet: no tab of ours to read
        (["init"], [GET, VALUES]),  # every tab exists: nothing to write
        (["init", "--demo"], [GET, VALUES, BATCH]),
        (["validate"], [GET, VALUES]),
        (["refresh"], [GET, VALUES, BATCH]),
        (["refresh"], [GET, VALUES]),  # nothing changed: the generated tabs came in VALUES
        (["refresh", "--force"], [GET, VALUES, BATCH]),
        (["refresh", "--dry-run"], [GET, VALUES]),
        (["flag", "--handoff", "RPT-01", "--what", "Late"], [VALUES, APPEND]),
        (["review-prep"], [GET, VALUES, BATCH]),
    ]
    for command, expected in steps:
        run(*command, config=sheet.config)
        assert calls(sheet) == expected, command


def test_the_request_count_does_not_grow_with_the_data(run, make_spreadsheet) -> None:
    sheet = make_spreadsheet("gsheets")
    run("init", "--demo", config=sheet.config)
    tabs = sheet.read("Handoffs", "Contracts", "Health", "Flags", "Reviews", "Team")
    ids = [row[0] for row in tabs["Handoffs"][1:]]
    months = [f"{year}-{month:02d}" for year in range(2017, 2026) for month in range(1, 13)]
    tabs["Health"] += [[month, handoff, 1, 5, 0, ""] for month in months for handoff in ids]
    assert len(tabs["Health"]) > 1000
    sheet.seed(tabs)
    run("validate", config=sheet.config)
    assert calls(sheet) == [GET, VALUES]
    run("refresh", config=sheet.config)
    assert calls(sheet) == [GET, VALUES, BATCH]


def test_read_returns_raw_cells_padded_with_merges_and_errors(make_spreadsheet) -> None:
    sheet = make_spreadsheet("gsheets")
    sheet.seed(
        {
            "Team": [
                ["Person", "Role", "Manager", "Joined"],
                ["007", "1e3", True, dt.date(2026, 11, 5)],
                [],
                ["Ana", None, False],
                [" Ben ", "=2+2", None, 46000.5],
            ]
        }
    )
    formulas = {"userEnteredValue": {"formulaValue": "=1/0"}}
    _emulator_call(
        sheet.emulator,
        "POST",
        f"{sheet.key}:batchUpdate",
        {
            "requests": [
                {"updateCells": {"start": {"sheetId": 1000, "rowIndex": 3, "columnIndex": 1},
                                 "rows": [{"values": [formulas]}], "fields": "userEnteredValue"}},
                {"mergeCells": {"range": {"sheetId": 1000, "startRowIndex": 3, "endRowIndex": 4,
                                          "startColumnIndex": 2, "endColumnIndex": 4},
                                "mergeType": "MERGE_ALL"}},
            ]
        },
    )  # fmt: skip
    tab = sheet.open().read(["Team", "Missing"])["Team"]
    assert tab.rows == [
        ["Person", "Role", "Manager", "Joined"],
        ["007", "1e3", True, 46331],  # ids stay text; a date is its serial number
        [None, None, None, None],
        ["Ana", "#DIV/0!", False, None],
        [" Ben ", "=2+2", None, 46000.5],  # raw: the core trims; text that looks like a formula
    ]
    assert tab.merges == ("C4:D4",)


def test_generated_tabs_are_typed_linked_marked_and_frozen(make_spreadsheet) -> None:
    sheet = make_spreadsheet("gsheets")
    sheet.seed({"Health": [["Month"], ["2026-10"], ["2026-11"]]})
    backend = sheet.open()
    backend.read(["Health"])
    problems = TabContent(
        "Problems",
        ["Tab", "Cell", "Value", "Seen"],
        [["Health", Link("Health", "A3", "Health!A3"), "=2+2", dt.date(2026, 11, 5)]],
    )
    backend.write_generated([problems])

    tab = tab_state(sheet, "Problems")
    health_gid = tab_state(sheet, "Health")["properties"]["sheetId"]
    cells = tab["cells"]
    assert cells["A1"] == {
        "userEnteredValue": {"stringValue": "Tab"},
        "userEnteredFormat": {"textFormat": {"bold": True}},
        "note": problems.note,
    }
    assert cells["B2"]["userEnteredValue"] == {
        "formulaValue": f'=HYPERLINK("#gid={health_gid}&range=A3", "Health!A3")'
    }
    assert cells["C2"] == {"userEnteredValue": {"stringValue": "=2+2"}}
    assert cells["D2"] == {
        "userEnteredValue": {"numberValue": 46331},
        "userEnteredFormat": {"numberFormat": {"type": "DATE", "pattern": "yyyy-mm-dd"}},
    }
    grid = tab["properties"]["gridProperties"]
    assert (grid["rowCount"], grid["columnCount"], grid["frozenRowCount"]) == (2, 4, 1)
    assert [(p["description"], p["warningOnly"], p["range"]) for p in tab["protectedRanges"]] == [
        (GENERATED_MARK, True, {"sheetId": tab["properties"]["sheetId"]})
    ]


def test_a_rewrite_keeps_the_tab_id_clears_leftovers_and_protects_once(make_spreadsheet) -> None:
    sheet = make_spreadsheet("gsheets")
    sheet.seed({"Health": [["Month"]]})
    long = TabContent(
        "Rankings", ["Rank", "Handoff ID", "Extra"], [[i, f"H-{i}", "x"] for i in range(40)]
    )
    sheet.open().write_generated([long])
    first = tab_state(sheet, "Rankings")
    _emulator_call(  # a person adds a row below the table, despite the warning
        sheet.emulator,
        "POST",
        f"{sheet.key}/values/Rankings!A1:append?valueInputOption=RAW&insertDataOption=INSERT_ROWS",
        {"values": [["my note"]]},
    )
    short = TabContent("Rankings", ["Rank", "Handoff ID"], [[1, "H-1"]])
    sheet.open().write_generated([short])

    second = tab_state(sheet, "Rankings")
    assert second["properties"]["sheetId"] == first["properties"]["sheetId"]
    assert sorted(second["cells"]) == ["A1", "A2", "B1", "B2"]
    assert second["properties"]["gridProperties"]["rowCount"] == 2
    assert len(second["protectedRanges"]) == 1


def test_a_chart_is_replaced_not_added_again(make_spreadsheet) -> None:
    sheet = make_spreadsheet("gsheets")
    sheet.seed({"Health": [["Month"]]})
    rows = [["Month", "RPT-01", "RPT-02"], ["2026-09", 3.0, 1.0], ["2026-10", 4.5, 2.0]]
    chart = Chart("Hours lost per month", first_row=1, last_row=3, first_col=1, last_col=3)
    summary = TabContent("Summary", rows[0], rows[1:], chart=chart)
    for _ in range(2):
        sheet.open().write_generated([summary])
    tab = tab_state(sheet, "Summary")
    [written] = tab["charts"]
    spec = written["spec"]["basicChart"]
    assert (written["spec"]["title"], spec["chartType"], len(spec["series"])) == (
        "Hours lost per month",
        "LINE",
        2,
    )
    assert written["position"]["overlayPosition"]["anchorCell"]["columnIndex"] == 4
    assert tab["properties"]["gridProperties"]["columnCount"] == 5


def test_the_chart_has_straight_lines_with_markers_titled_axes_and_a_legend(
    make_spreadsheet,
) -> None:
    """As on the xlsx backend: months are points, not a curve; each handoff named below."""
    sheet = make_spreadsheet("gsheets")
    sheet.seed({"Health": [["Month"]]})
    rows = [["Month", "RPT-01", "RPT-02"], ["2026-09", 3.0, 1.0], ["2026-10", 4.5, 2.0]]
    chart = Chart("Hours lost", 1, 3, 1, 3, y_title="Hours lost", x_title="Month")
    sheet.open().write_generated([TabContent("Summary", rows[0], rows[1:], chart=chart)])
    [written] = tab_state(sheet, "Summary")["charts"]
    spec = written["spec"]["basicChart"]
    assert (spec["lineSmoothing"], spec["legendPosition"]) == (False, "BOTTOM_LEGEND")
    assert [s["pointStyle"]["shape"] for s in spec["series"]] == ["CIRCLE", "CIRCLE"]
    assert [(a["position"], a["title"]) for a in spec["axis"]] == [
        ("BOTTOM_AXIS", "Month"),
        ("LEFT_AXIS", "Hours lost"),
    ]


def test_summary_text_wraps_in_narrow_columns_as_on_xlsx(make_spreadsheet) -> None:
    sheet = make_spreadsheet("gsheets")
    sheet.seed({"Health": [["Month"]]})
    rows = [["Item", "Value", "Detail"], ["Maturity", "met", "a long sentence " * 10]]
    summary = TabContent("Summary", rows[0], rows[1:], wrap_widths=(28, 18, 40))
    sheet.open().write_generated([summary])
    tab = tab_state(sheet, "Summary")
    widths = [tab["columnMetadata"][str(c)]["pixelSize"] for c in range(3)]
    assert widths == [7 * 26 + 16, 7 * 16 + 16, 7 * 38 + 16]
    detail = tab["cells"]["C2"]["userEnteredFormat"]
    assert (detail["wrapStrategy"], detail["verticalAlignment"]) == ("WRAP", "TOP")


def test_initialize_adds_frozen_headers_dropdowns_and_appends_to_existing_tabs(
    make_spreadsheet,
) -> None:
    sheet = make_spreadsheet("gsheets")
    sheet.seed({"Team": [["Person", "Role"], ["Ana", "Analyst"]]})
    backend = sheet.open()
    backend.read(["Team", "Flags"], missing_ok=True)
    backend.initialize(
        [
            NewTab("Flags", ["Timestamp", "Status"], {1: ["new", "done"]}),
            NewTab("Team", ["Person", "Role"], rows=[["Ben", "=Writer"]], exists=True),
        ]
    )
    assert calls(sheet)[-1:] == [BATCH]
    flags = tab_state(sheet, "Flags")
    assert flags["properties"]["gridProperties"]["frozenRowCount"] == 1
    assert flags["cells"]["B2"]["dataValidation"] == {
        "condition": {
            "type": "ONE_OF_LIST",
            "values": [{"userEnteredValue": "new"}, {"userEnteredValue": "done"}],
        },
        "strict": False,
        "showCustomUi": True,
    }
    assert "dataValidation" not in flags["cells"].get("A2", {})
    assert sheet.read("Team")["Team"] == [
        ["Person", "Role"],
        ["Ana", "Analyst"],
        ["Ben", "=Writer"],
    ]


def test_append_rows_adds_text_below_rows_others_added_meanwhile(make_spreadsheet) -> None:
    sheet = make_spreadsheet("gsheets")
    sheet.seed({"Flags": [["Timestamp", "Flagged by", "What went wrong"]]})
    backend = sheet.open()
    backend.append_rows("Flags", [[dt.datetime(2026, 11, 25, 9, 30), "Ana", "=HYPERLINK(1)"]])
    _emulator_call(  # a Google Form submits a response at the same moment
        sheet.emulator,
        "POST",
        f"{sheet.key}/values/Flags!A1:append?valueInputOption=USER_ENTERED&insertDataOption=INSERT_ROWS",
        {"values": [[46351.5, "Form", "late"]]},
    )
    backend.append_rows("Flags", [[dt.date(2026, 11, 26), "@Ben", "+1 missing"]])
    assert sheet.read("Flags")["Flags"] == [
        ["Timestamp", "Flagged by", "What went wrong"],
        ["2026-11-25 09:30:00", "Ana", "=HYPERLINK(1)"],
        [46351.5, "Form", "late"],
        ["2026-11-26", "@Ben", "+1 missing"],
    ]
    appended = [
        r for r in sheet.emulator.requests if r.method_id == APPEND and "RAW" in str(r.query)
    ]
    assert [r.query["insertDataOption"] for r in appended] == [["INSERT_ROWS"]] * 2


def test_a_read_without_merges_is_one_request_and_finds_missing_tabs(make_spreadsheet) -> None:
    sheet = make_spreadsheet("gsheets")
    sheet.seed({"Handoffs": [["Handoff ID"], ["RPT-01"]], "Flags": [["Timestamp"]]})
    tabs = sheet.open().read(["Handoffs", "Flags"], merges=False)
    assert {title: tab.rows for title, tab in tabs.items()} == {
        "Handoffs": [["Handoff ID"], ["RPT-01"]],
        "Flags": [["Timestamp"]],
    }
    assert calls(sheet) == [VALUES]
    # A missing tab makes Google refuse the range: then the long way, metadata first.
    assert list(sheet.open().read(["Handoffs", "Reviews"], merges=False)) == ["Handoffs"]
    assert [(r.method_id, r.status) for r in sheet.emulator.requests] == [
        (VALUES, 400),
        (GET, 200),
        (VALUES, 200),
    ]


def test_flag_on_a_sheet_without_a_flags_tab_says_to_run_init(run, make_spreadsheet) -> None:
    sheet = make_spreadsheet("gsheets")
    sheet.seed({"Handoffs": [["Handoff ID"], ["RPT-01"]]})
    result = run("flag", "--handoff", "RPT-01", "--what", "Late", config=sheet.config, expect=2)
    assert "The spreadsheet has no Flags tab; run `handoffs init` to add it." in result.stderr


def test_an_unknown_spreadsheet_key_exits_3_saying_what_to_check(run, make_spreadsheet) -> None:
    sheet = make_spreadsheet("gsheets")
    unknown = "1ThisKeyDoesNotExistInTheEmulator000000"
    sheet.config.write_text(f'[sheet]\nbackend = "gsheets"\nspreadsheet = "{unknown}"\n')
    result = run("validate", config=sheet.config, expect=3)
    assert result.stderr == (
        f"Error: There is no spreadsheet with the key {unknown} (404 NOT_FOUND). Check [sheet] "
        "spreadsheet: copy the URL from the browser's address bar.\n"
    )
    assert calls(sheet) == [GET]  # a refusal is not retried
