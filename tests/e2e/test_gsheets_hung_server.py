"""A Sheets server that accepts the connection and never answers: the run gives up once
`[sheet] retry_seconds` is spent (docs/configuration.md#google-sheets), not after the two
minutes of a default read timeout per request."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
import requests
from google.auth.credentials import AnonymousCredentials
from google.auth.transport.requests import AuthorizedSession

from handoffs.backends.google_http import Connection, GaveUp, RetryingHTTPClient, RetryPolicy
from handoffs.backends.gsheets import GoogleSheetsBackend
from handoffs.model.errors import BackendError
from tests.conftest import Spreadsheet, demo_tabs
from tests.sheets_emulator import Fault

URL = "https://sheets.googleapis.com/v4/spreadsheets/KEY"


@pytest.mark.parametrize(
    ("budget", "spent", "expected"),
    [
        (60.0, 0.0, (10.0, 60.0)),  # the budget bounds the read timeout
        (600.0, 0.0, (10.0, 120.0)),  # a long budget: the usual two minutes at most
        (30.0, 0.0, (10.0, 30.0)),
        (30.0, 28.0, (5.0, 5.0)),  # nearly spent: one more attempt still gets five seconds
        (3.0, 0.0, (5.0, 5.0)),  # a large write can take Google a few seconds
        (0.0, 0.0, (5.0, 5.0)),
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
        policy=RetryPolicy(budget_seconds=8.0),
        sleep=lambda seconds: now.__setitem__(0, now[0] + seconds),
        clock=lambda: now[0],
        rng=lambda: 1.0,
    )
    with pytest.raises(GaveUp) as raised:
        http.request("get", URL)
    assert session.timeouts == [(8.0, 8.0)]
    assert (raised.value.reason, raised.value.attempts, now[0]) == ("no answer in time", 1, 8.0)


def test_a_hung_emulator_costs_the_budget_and_nothing_is_written(
    make_spreadsheet, tmp_path: Path
) -> None:
    """Real gspread over HTTP to an emulator that takes 1.5 s to answer anything; the policy's
    floor is lowered from its 5 s so that the test stays quick."""
    sheet: Spreadsheet = make_spreadsheet("gsheets")
    sheet.seed(demo_tabs())
    before = sheet.snapshot()
    session = AuthorizedSession(AnonymousCredentials())
    session.trust_env = False
    policy = RetryPolicy(budget_seconds=0.4, min_timeout=0.2)
    http = RetryingHTTPClient(session, api_base=f"http://{sheet.emulator.host}", policy=policy)
    backend = GoogleSheetsBackend(sheet.key, lambda: Connection(http, "test"), lock_folder=tmp_path)
    sheet.emulator.inject(Fault("slow", delay=1.5, times=None))
    started = time.monotonic()
    with pytest.raises(BackendError) as raised:
        backend.read(["Handoffs", "Health"])
    elapsed = time.monotonic() - started
    assert elapsed < 1.4  # without the bound: 1.5 s per request, and the run succeeds
    message = str(raised.value)
    assert message.startswith("Google Sheets kept failing (no answer in time) for 0.")
    assert message.endswith(
        " s over 1 attempt; gave up. Nothing was written. Try again later, or raise "
        "[sheet] retry_seconds."
    )
    # Let the emulator finish the abandoned requests before the next test resets it.
    time.sleep(max(0.0, 1.6 - (time.monotonic() - started)))
    assert sheet.snapshot() == before
