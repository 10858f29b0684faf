"""A Sheets server that accepts the connection and never answers: the run gives up once
`[sheet] retry_seconds` is spent (docs/configuration.md#google-sheets), not after the two
minutes of a default read timeout per request."""

from __future__ import annotations

import time
from typing import Any

import pytest
import requests

from handoffs.backends.google_http import GaveUp, RetryingHTTPClient, RetryPolicy
from tests.conftest import Spreadsheet, demo_tabs
from tests.sheets_emulator import Fault

URL = "https://sheets.googleapis.com/v4/spreadsheets/KEY"


@pytest.mark.parametrize(
    ("budget", "spent", "expected"),
    [
        (60.0, 0.0, (10.0, 60.0)),  # the budget bounds the read timeout
        (600.0, 0.0, (10.0, 120.0)),  # a long budget: the usual two minutes at most
        (3.0, 0.0, (3.0, 3.0)),
        (3.0, 2.5, (1.0, 1.0)),  # nearly spent: one more attempt still gets a second
        (0.0, 0.0, (1.0, 1.0)),
    ],
)
def test_each_attempt_waits_no_longer_than_what_is_left_of_the_budget(
    budget: float, spent: float, expected: tuple[float, float]
) -> None:
    assert RetryPolicy(budget_seconds=budget).timeout(spent) == expected


class Silent(requests.Session):
    """A server that never answers: every request times out after its read timeout."""

    def __init__(self, clock: list[float]) -> None:
        super().__init__()
        self.clock = clock
        self.timeouts: list[Any] = []

    def request(self, method: str, url: str, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        self.timeouts.append(kwargs["timeout"])
        self.clock[0] += kwargs["timeout"][1]
        raise requests.ReadTimeout("no answer")


def test_a_silent_server_costs_the_budget_and_no_more() -> None:
    now = [0.0]
    session = Silent(now)
    http = RetryingHTTPClient(
        session,
        policy=RetryPolicy(budget_seconds=3.0),
        sleep=lambda seconds: now.__setitem__(0, now[0] + seconds),
        clock=lambda: now[0],
        rng=lambda: 1.0,
    )
    with pytest.raises(GaveUp) as raised:
        http.request("get", URL)
    assert session.timeouts == [(3.0, 3.0)]
    assert (raised.value.reason, raised.value.attempts, now[0]) == ("no answer in time", 1, 3.0)


def test_a_hung_emulator_exits_3_once_retry_seconds_are_spent(run, make_spreadsheet) -> None:
    sheet: Spreadsheet = make_spreadsheet("gsheets")  # retry_seconds = 0.3
    sheet.seed(demo_tabs())
    sheet.emulator.inject(Fault("slow", delay=2.0, times=None))
    started = time.monotonic()
    result = run("validate", config=sheet.config, expect=3)
    elapsed = time.monotonic() - started
    assert elapsed < 1.8  # one attempt gets at least 1 s; without the bound it waits 2 s twice
    assert "Google Sheets kept failing (no answer in time) for 1.0 s over 1 attempts" in (
        result.stderr
    )
    assert "Nothing was written." in result.stderr
    # Let the emulator finish answering the abandoned request before the next test resets it.
    deadline = time.monotonic() + 5
    while not sheet.emulator.requests and time.monotonic() < deadline:
        time.sleep(0.05)
