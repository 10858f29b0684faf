"""The retry policy of the Sheets client, with a scripted session and a fake clock: which failures
are retried, how long it waits (exponential, full jitter), and that it always stops in time."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
from gspread.exceptions import APIError
from urllib3.exceptions import NewConnectionError

from handoffs.backends.google_http import (
    GaveUp,
    RetryingHTTPClient,
    RetryPolicy,
    UncertainWrite,
)

URL = "https://sheets.googleapis.com/v4/spreadsheets/KEY"


def answer(code: int, status: str = "", retry_after: str | None = None) -> requests.Response:
    response = requests.Response()
    response.status_code = code
    body = {"error": {"code": code, "message": "m", "status": status}} if code >= 400 else {}
    response._content = json.dumps(body).encode()
    response.headers["Content-Type"] = "application/json; charset=UTF-8"  # as Google answers
    if retry_after is not None:
        response.headers["Retry-After"] = retry_after
    return response


def refused() -> requests.ConnectionError:
    cause = NewConnectionError(None, "Connection refused")  # type: ignore[arg-type]
    return requests.ConnectionError(type("MaxRetry", (), {"reason": cause})())


class Script(requests.Session):
    """Answers each request with the next scripted response or exception."""

    def __init__(self, *outcomes: Any) -> None:
        super().__init__()
        self.outcomes = list(outcomes)
        self.calls: list[tuple[str, str]] = []

    def request(self, method: str, url: str, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        self.calls.append((method, url))
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


class Clock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def client(
    session: Script, budget: float = 60.0, rng: float = 1.0
) -> tuple[RetryingHTTPClient, Clock]:
    clock = Clock()
    http = RetryingHTTPClient(
        session,
        policy=RetryPolicy(budget_seconds=budget),
        sleep=clock.sleep,
        clock=lambda: clock.now,
        rng=lambda: rng,
    )
    return http, clock


@pytest.mark.parametrize("code", [429, 500, 502, 503, 504])
def test_a_transient_status_is_retried_then_succeeds(code: int) -> None:
    session = Script(answer(code, "UNAVAILABLE"), answer(code), answer(200))
    http, clock = client(session)
    assert http.request("get", URL).status_code == 200
    assert len(session.calls) == 3
    assert clock.sleeps == [0.5, 1.0]  # first delay, doubled (rng pinned at the maximum)


def sign_in_page() -> requests.Response:
    """What a captive portal or a proxy answers in Google's place: 200, with its own page."""
    response = requests.Response()
    response.status_code = 200
    response._content = b"<html><title>Sign in to the network</title></html>"
    response.headers["Content-Type"] = "text/html; charset=utf-8"
    return response


def test_a_page_that_is_not_googles_is_retried_like_a_failure_then_named() -> None:
    session = Script(sign_in_page(), answer(200))
    http, _ = client(session)
    assert http.request("get", URL).json() == {}

    with pytest.raises(GaveUp, match=r"an answer that is not Google's \(text/html\)"):
        client(Script(*[sign_in_page()] * 20), budget=2.0)[0].request("get", URL)


def test_a_write_answered_by_a_page_that_is_not_googles_is_uncertain_never_resent() -> None:
    session = Script(sign_in_page())
    with pytest.raises(UncertainWrite, match="not Google's"):
        client(session)[0].request("post", URL + ":batchUpdate")
    assert len(session.calls) == 1


def test_the_wait_is_full_jitter_below_an_exponential_cap() -> None:
    session = Script(*[answer(503)] * 4, answer(200))
    http, clock = client(session, rng=0.25)
    http.request("get", URL)
    assert clock.sleeps == [0.125, 0.25, 0.5, 1.0]


def test_retry_after_from_google_is_respected() -> None:
    session = Script(answer(429, "RESOURCE_EXHAUSTED", retry_after="3"), answer(200))
    http, clock = client(session, rng=0.0)
    http.request("get", URL)
    assert clock.sleeps == [3.0]


def test_a_persistent_failure_gives_up_within_the_budget() -> None:
    session = Script(*[answer(503, "UNAVAILABLE")] * 100)
    http, clock = client(session, budget=10.0)
    with pytest.raises(GaveUp) as raised:
        http.request("get", URL)
    assert raised.value.reason == "503 UNAVAILABLE"
    assert sum(clock.sleeps) <= 10.0
    assert clock.sleeps == [0.5, 1.0, 2.0, 2.5, 2.5]  # capped at a quarter of the budget
    assert raised.value.attempts == len(session.calls) == 6


def test_the_budget_is_shared_by_every_request_of_the_run() -> None:
    session = Script(answer(503), answer(200), *[answer(503)] * 5)
    http, clock = client(session, budget=1.0)
    http.request("get", URL)
    with pytest.raises(GaveUp):
        http.request("post", URL)
    # 0.1 went on the first request, so the second stops one wait earlier than it would alone.
    assert clock.sleeps == [0.1, 0.1, 0.2, 0.25, 0.25]
    assert not session.outcomes


@pytest.mark.parametrize("code", [400, 401, 403, 404])
def test_a_refusal_is_not_retried(code: int) -> None:
    session = Script(answer(code, "PERMISSION_DENIED"))
    http, _ = client(session)
    with pytest.raises(APIError):
        http.request("get", URL)
    assert len(session.calls) == 1


@pytest.mark.parametrize(
    "failure",
    [requests.ReadTimeout("slow"), requests.ConnectionError("Connection aborted."), refused()],
)
def test_a_read_is_retried_after_any_network_failure(failure: Exception) -> None:
    session = Script(failure, answer(200))
    http, _ = client(session)
    assert http.request("get", URL).status_code == 200


@pytest.mark.parametrize(
    "failure", [requests.ConnectTimeout("connect"), refused()], ids=["timeout", "refused"]
)
def test_a_write_that_never_left_is_retried(failure: Exception) -> None:
    session = Script(failure, answer(200))
    http, _ = client(session)
    assert http.request("post", URL).status_code == 200
    assert len(session.calls) == 2


@pytest.mark.parametrize(
    "failure", [requests.ReadTimeout("slow"), requests.ConnectionError("Connection aborted.")]
)
def test_a_write_whose_connection_broke_after_sending_is_never_replayed(failure: Exception) -> None:
    session = Script(failure, answer(200))
    http, _ = client(session)
    with pytest.raises(UncertainWrite):
        http.request("post", URL)
    assert len(session.calls) == 1


def test_the_emulator_base_replaces_googles_host() -> None:
    session = Script(answer(200))
    http = RetryingHTTPClient(session, api_base="http://127.0.0.1:8089/")
    http.request("get", URL + "/values:batchGet")
    assert session.calls == [("get", "http://127.0.0.1:8089/v4/spreadsheets/KEY/values:batchGet")]
