"""Scripted faults, latency and the request log."""

from __future__ import annotations

import time

import gspread
import pytest
import requests

from tests.emulator.conftest import assert_replies_fit_discovery
from tests.sheets_emulator import Fault, SheetsEmulator

API = "https://sheets.googleapis.com/v4/spreadsheets"


def statuses(emulator: SheetsEmulator) -> list[int | str]:
    return [entry.status for entry in emulator.requests]


def test_a_429_like_googles_then_success(
    emulator: SheetsEmulator, session: requests.Session
) -> None:
    book = emulator.create_spreadsheet("Faults")
    emulator.inject(Fault("429"))

    throttled = session.get(f"{API}/{book}")
    retried = session.get(f"{API}/{book}")

    assert throttled.status_code == 429
    error = throttled.json()["error"]
    assert (error["code"], error["status"]) == (429, "RESOURCE_EXHAUSTED")
    assert error["message"].startswith("Quota exceeded for quota metric 'Read requests'")
    assert error["details"][0]["@type"] == "type.googleapis.com/google.rpc.ErrorInfo"
    assert error["details"][0]["reason"] == "RATE_LIMIT_EXCEEDED"
    assert retried.status_code == 200
    assert statuses(emulator) == [429, 200]


@pytest.mark.parametrize(
    ("kind", "status"),
    [("500", "INTERNAL"), ("503", "UNAVAILABLE"), ("504", "DEADLINE_EXCEEDED")],
)
def test_server_errors_carry_googles_status(
    emulator: SheetsEmulator, session: requests.Session, kind: str, status: str
) -> None:
    emulator.inject(Fault(kind))

    response = session.get(f"{API}/{emulator.create_spreadsheet()}")

    assert response.status_code == int(kind)
    assert response.json()["error"]["status"] == status


def test_a_disabled_sheets_api_is_googles_403_naming_the_project(
    emulator: SheetsEmulator, session: requests.Session
) -> None:
    emulator.inject(Fault("disabled"))

    response = session.get(f"{API}/{emulator.create_spreadsheet()}")

    assert response.status_code == 403
    error = response.json()["error"]
    assert (error["code"], error["status"]) == (403, "PERMISSION_DENIED")
    assert error["message"].startswith(
        "Google Sheets API has not been used in project 704566982728 before or it is disabled. "
        "Enable it by visiting https://console.developers.google.com/apis/api/"
        "sheets.googleapis.com/overview?project=704566982728 then retry."
    )
    info = error["details"][0]
    assert (info["@type"], info["reason"]) == (
        "type.googleapis.com/google.rpc.ErrorInfo",
        "SERVICE_DISABLED",
    )
    assert info["metadata"]["service"] == "sheets.googleapis.com"


def test_a_502_is_the_front_ends_html_page(emulator: SheetsEmulator, gc: gspread.Client) -> None:
    emulator.inject(Fault("502"))

    with pytest.raises(gspread.exceptions.APIError) as caught:
        gc.open_by_key(emulator.create_spreadsheet())

    assert caught.value.response.status_code == 502
    assert caught.value.response.headers["Content-Type"] == "text/html; charset=UTF-8"
    assert "Error 502 (Server Error)!!1" in caught.value.response.text


def test_drop_closes_the_socket_and_the_client_sees_a_connection_error(
    emulator: SheetsEmulator, gc: gspread.Client
) -> None:
    book = emulator.create_spreadsheet("Faults")
    emulator.inject(Fault("drop"))

    with pytest.raises(requests.exceptions.ConnectionError):
        gc.open_by_key(book)

    assert gc.open_by_key(book).title == "Faults"
    assert statuses(emulator) == ["dropped", 200]


def test_after_lets_good_requests_through_and_times_bounds_the_hits(
    emulator: SheetsEmulator, session: requests.Session
) -> None:
    url = f"{API}/{emulator.create_spreadsheet()}"
    emulator.inject(Fault("503", after=2, times=2))

    codes = [session.get(url).status_code for _ in range(6)]

    assert codes == [200, 200, 503, 503, 200, 200]


def test_times_none_faults_forever(emulator: SheetsEmulator, session: requests.Session) -> None:
    url = f"{API}/{emulator.create_spreadsheet()}"
    emulator.inject(Fault("500", times=None))

    assert {session.get(url).status_code for _ in range(5)} == {500}


def test_match_targets_one_method(emulator: SheetsEmulator, gc: gspread.Client) -> None:
    book = gc.open_by_key(emulator.create_spreadsheet("Faults"))
    emulator.inject(Fault("500", match=":batchUpdate"))
    emulator.inject(Fault("503", match=lambda method, path: method == "PUT"))

    assert "values" not in book.values_get("Sheet1")
    with pytest.raises(gspread.exceptions.APIError) as writes:
        book.sheet1.update([["x"]], "A1")
    with pytest.raises(gspread.exceptions.APIError) as structure:
        book.add_worksheet("New", 1, 1)

    assert (writes.value.code, structure.value.code) == (503, 500)
    assert "values" not in book.values_get("Sheet1")


def test_slow_answers_late_and_a_short_client_timeout_fires(
    emulator: SheetsEmulator, session: requests.Session
) -> None:
    url = f"{API}/{emulator.create_spreadsheet()}"
    emulator.inject(Fault("slow", delay=0.3, times=2))

    started = time.monotonic()
    assert session.get(url).status_code == 200
    assert time.monotonic() - started >= 0.3
    with pytest.raises(requests.exceptions.ReadTimeout):
        session.get(url, timeout=0.1)
    while (
        len(emulator.requests) < 2 and time.monotonic() - started < 5
    ):  # let the late answer finish
        time.sleep(0.01)
    assert statuses(emulator) == [200, 200]


def test_latency_is_added_to_every_request(
    emulator: SheetsEmulator, session: requests.Session
) -> None:
    url = f"{API}/{emulator.create_spreadsheet()}"
    emulator.latency = 0.1

    started = time.monotonic()
    for _ in range(3):
        session.get(url).raise_for_status()

    assert time.monotonic() - started >= 0.3


def test_the_log_counts_every_call_gspread_makes(
    emulator: SheetsEmulator, gc: gspread.Client
) -> None:
    book_id = emulator.create_spreadsheet("Log", {"Team": [["Name"], ["Ann"]]})
    http = gc.http_client

    http.fetch_sheet_metadata(book_id)
    http.values_batch_get(
        book_id, ["Team!A:A", "Team!B:B"], params={"valueRenderOption": "UNFORMATTED_VALUE"}
    )
    http.batch_update(book_id, {"requests": [{"addSheet": {"properties": {"title": "Report"}}}]})

    log = emulator.requests
    assert [(entry.method, entry.method_id, entry.status) for entry in log] == [
        ("GET", "sheets.spreadsheets.get", 200),
        ("GET", "sheets.spreadsheets.values.batchGet", 200),
        ("POST", "sheets.spreadsheets.batchUpdate", 200),
    ]
    assert log[1].path == f"/v4/spreadsheets/{book_id}/values:batchGet"
    assert log[1].query == {
        "ranges": ["Team!A:A", "Team!B:B"],
        "valueRenderOption": ["UNFORMATTED_VALUE"],
    }
    assert log[2].body == {"requests": [{"addSheet": {"properties": {"title": "Report"}}}]}
    assert log[1].response["valueRanges"][0]["values"] == [["Name"], ["Ann"]]

    assert_replies_fit_discovery(emulator)
    emulator.clear_log()
    assert emulator.requests == []


def test_an_unknown_fault_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown fault kind '418'"):
        Fault("418")
