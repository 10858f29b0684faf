"""Google Sheets failing on purpose: quota errors, server errors and dropped connections at each
request of a run, and a person editing while we work. A run either completes with the right tabs,
or exits 3 leaving every tab and cell exactly as it was."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import requests

from handoffs.backends.google_http import Connection, RetryingHTTPClient, RetryPolicy
from handoffs.backends.gsheets import GoogleSheetsBackend
from handoffs.model.spreadsheet import NewTab
from tests.conftest import Spreadsheet, _emulator_call, demo_tabs
from tests.sheets_emulator import Fault
from tests.unit.backends.test_gsheets_retries import Script

REFRESH_REQUESTS = [
    "sheets.spreadsheets.get",  # metadata: tabs, merges, protections, charts
    "sheets.spreadsheets.values.batchGet",  # every input tab's cells
    "sheets.spreadsheets.batchUpdate",  # every generated tab, atomically
]
INDEXES = pytest.mark.parametrize("index", [0, 1, 2], ids=["metadata", "values", "write"])


def sample_team(make_spreadsheet: Any, retry: float = 0.3) -> Spreadsheet:
    """A Google Sheet holding the sample team, not yet refreshed; the request log is empty."""
    sheet = make_spreadsheet("gsheets", retry=retry)
    sheet.seed(demo_tabs())
    return sheet


@pytest.fixture
def demo(make_spreadsheet) -> Spreadsheet:
    return sample_team(make_spreadsheet)


def log(sheet: Spreadsheet) -> list[tuple[str | None, int | str]]:
    return [(request.method_id, request.status) for request in sheet.emulator.requests]


def assert_refreshed(sheet: Spreadsheet) -> None:
    tabs = sheet.comparable("Rankings", "Problems", "Summary")
    assert tabs["Rankings"][1][:2] == [1.0, "RPT-02"]
    assert tabs["Problems"][1] == [None, None, None, None, None, "No problems: every row is valid."]
    assert [len(tab["protectedRanges"]) for tab in sheet.snapshot()["sheets"][6:]] == [1] * 4


@INDEXES
def test_one_rate_limit_answer_is_retried_and_the_run_completes(
    run, make_spreadsheet, index: int
) -> None:
    # A budget the one 429 cannot spend alone: the refresh's large write answered 429 on a
    # busy machine once took 0.3 s, the other tests' budget, and the run gave up.
    demo = sample_team(make_spreadsheet, retry=1.0)
    demo.emulator.inject(Fault("429", after=index))
    run("refresh", "--quiet", config=demo.config)
    expected: list[tuple[str | None, int | str]] = [(m, 200) for m in REFRESH_REQUESTS]
    expected.insert(index, (REFRESH_REQUESTS[index], 429))
    assert log(demo) == expected
    assert_refreshed(demo)


@INDEXES
@pytest.mark.parametrize("kind", ["503", "drop", "portal"])
def test_a_persistent_failure_exits_3_and_changes_nothing(run, demo, kind: str, index: int) -> None:
    """ "portal": a network sign-in page or a proxy answers 200 with its own page, not JSON."""
    before = demo.snapshot()
    demo.emulator.inject(Fault(kind, after=index, times=None))
    result = run("refresh", config=demo.config, expect=3)
    assert demo.snapshot() == before
    reason = {
        "503": "503 UNAVAILABLE",
        "drop": "the connection dropped",
        "portal": "an answer that is not Google's (text/html)",
    }[kind]
    assert f"Google Sheets kept failing ({reason}) for " in result.stderr
    if kind == "portal":
        assert "sign in to the network" in result.stderr
    if index < 2 or kind == "503":
        assert "; gave up. Nothing was written." in result.stderr
    else:  # the write's connection broke after sending: we cannot know, so we do not claim
        assert "the tabs are either as they were or fully written" in result.stderr
    assert len(demo.emulator.requests) > 2  # it did retry
    assert "Traceback" not in result.stderr


def test_a_write_dropped_once_is_planned_again_from_fresh_metadata(run, demo) -> None:
    demo.emulator.inject(Fault("drop", after=2))
    run("refresh", "--quiet", config=demo.config)
    assert log(demo) == [
        ("sheets.spreadsheets.get", 200),
        ("sheets.spreadsheets.values.batchGet", 200),
        ("sheets.spreadsheets.batchUpdate", "dropped"),
        ("sheets.spreadsheets.get", 200),
        ("sheets.spreadsheets.batchUpdate", 200),
    ]
    assert_refreshed(demo)  # one protection per tab: the re-planned batch added no duplicate


def test_an_init_dropped_once_is_sent_again_as_it_was_not_applied(run, make_spreadsheet) -> None:
    sheet = make_spreadsheet("gsheets")
    sheet.emulator.inject(Fault("drop", match=":batchUpdate"))
    run("init", config=sheet.config)
    assert log(sheet) == [
        ("sheets.spreadsheets.get", 200),
        ("sheets.spreadsheets.batchUpdate", "dropped"),
        ("sheets.spreadsheets.get", 200),  # none of the new tabs exists: nothing was applied
        ("sheets.spreadsheets.batchUpdate", 200),
    ]
    assert [tab["properties"]["title"] for tab in sheet.snapshot()["sheets"]][1:3] == [
        "Handoffs",
        "Contracts",
    ]


def test_a_flag_whose_connection_broke_is_not_sent_twice(run, demo) -> None:
    before = demo.read("Flags")
    demo.emulator.inject(Fault("drop", match="values/"))
    result = run(
        "flag", "--handoff", "RPT-01", "--what", "Late again", config=demo.config, expect=3
    )
    assert "Google may or may not have applied them. Check the Flags tab" in result.stderr
    assert [r.status for r in demo.emulator.requests if "append" in r.path] == ["dropped"]
    assert demo.read("Flags") == before


def test_edits_made_between_our_read_and_our_write_are_kept(run, demo) -> None:
    """A person types in Health and a form appends a flag while refresh computes and writes."""
    emulator = demo.emulator
    emulator.inject(Fault("slow", match=":batchUpdate", delay=0.5))

    def person() -> None:
        while not any(r.method_id == REFRESH_REQUESTS[1] for r in emulator.requests):
            time.sleep(0.01)
        demo.edit("Health", "F2", "typed during the refresh")
        _emulator_call(
            emulator,
            "POST",
            f"{demo.key}/values/Flags!A1:append?valueInputOption=RAW&insertDataOption=INSERT_ROWS",
            {"values": [["2026-11-25 10:00", "Form", "RPT-01", "came in meanwhile"]]},
        )

    editor = threading.Thread(target=person)
    editor.start()
    run("refresh", "--quiet", config=demo.config)
    editor.join()

    order = [r.method_id or r.path for r in emulator.requests]
    assert order.index("sheets.spreadsheets.values.update") < len(order) - 1  # edit before write
    assert demo.read("Health")["Health"][1][5] == "typed during the refresh"
    assert demo.read("Flags")["Flags"][-1][3] == "came in meanwhile"
    assert_refreshed(demo)


def test_an_init_whose_answer_was_lost_but_was_applied_is_not_sent_twice(tmp_path: Path) -> None:
    """Google applied the batch but the answer never came back (a read timeout): looking again
    shows the new tab, and as the batch is atomic, all of it was applied."""

    def book(*titles: str) -> requests.Response:
        response = requests.Response()
        response.status_code = 200
        sheets = [{"properties": {"sheetId": i, "title": t}} for i, t in enumerate(titles)]
        response._content = json.dumps({"sheets": sheets}).encode()
        response.headers["Content-Type"] = "application/json; charset=UTF-8"  # as Google answers
        return response

    session = Script(book("Sheet1"), requests.ReadTimeout("no answer"), book("Sheet1", "Flags"))
    client = RetryingHTTPClient(session, policy=RetryPolicy(budget_seconds=0.1))
    backend = GoogleSheetsBackend(
        "k" * 40, lambda: Connection(client, "test"), lock_folder=tmp_path
    )
    backend.read(["Flags"], missing_ok=True)
    backend.initialize([NewTab("Flags", ["Timestamp"])])
    assert [method for method, _ in session.calls] == ["get", "post", "get"]
