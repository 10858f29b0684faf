"""The HTTP side of the Google Sheets backend: a retrying client, and the emulator seam.

`connect()` is the one factory that turns `[sheet]` configuration and the environment into a
gspread HTTP client, signed in as `google_credentials` says. `SHEETS_EMULATOR_HOST=host:port`
(after Google's `*_EMULATOR_HOST` convention) sends every Sheets call to `http://host:port` with
anonymous credentials, so the tests run the very code path production runs.

Retries: gspread's BackOffHTTPClient retries forever, without jitter and never on connection
errors, so `RetryingHTTPClient` does its own: exponential backoff with full jitter, bounded by a
time budget (`retry_seconds`) shared by every request of the run.
"""

from __future__ import annotations

import logging
import os
import random
import time
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any

import gspread
import requests
from google.auth.credentials import AnonymousCredentials
from google.auth.exceptions import TransportError
from google.auth.transport.requests import AuthorizedSession
from gspread.http_client import FileType, ParamsType
from urllib3.exceptions import NewConnectionError

from handoffs.backends.google_credentials import load_credentials, scopes_for
from handoffs.config import SheetConfig

log = logging.getLogger("handoffs")

SHEETS_API = "https://sheets.googleapis.com"
EMULATOR_ENV = "SHEETS_EMULATOR_HOST"
# 408 and 5xx are the server's own "try again"; 429 is the per-minute quota (Google's usage limits: 60 read requests a minute per user).
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})


# -- retries ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RetryPolicy:
    """How long to keep trying. The budget covers failed attempts and waits, for the whole run."""

    budget_seconds: float = 60.0
    connect_timeout: float = 10.0
    read_timeout: float = 120.0
    # Each attempt may wait at least this long for an answer, even with a tiny or spent budget:
    # retry_seconds is about retrying, and a large write can take Google a few seconds.
    min_timeout: float = 5.0

    def timeout(self, spent: float) -> tuple[float, float]:
        """(connect, read) timeouts for the next attempt: never beyond what is left of the
        budget, so a server that accepts the connection and never answers costs no more than
        `retry_seconds` (rather than two minutes per request)."""
        left = max(self.budget_seconds - spent, self.min_timeout)
        return min(self.connect_timeout, left), min(self.read_timeout, left)

    @property
    def first_delay(self) -> float:
        # Scaled down for small budgets so that a test budget of 0.5 s still allows retries.
        return min(0.5, self.budget_seconds / 10)

    @property
    def max_delay(self) -> float:
        return min(32.0, max(self.first_delay, self.budget_seconds / 4))

    def delay(self, attempt: int, rng: Callable[[], float]) -> float:
        """Full jitter (AWS architecture blog): uniform in [0, min(cap, base * 2**attempt)]."""
        return rng() * min(self.max_delay, self.first_delay * 2**attempt)


class GaveUp(Exception):
    """The retry budget ran out; `reason` says what kept failing."""

    def __init__(self, reason: str, attempts: int, seconds: float) -> None:
        super().__init__(reason)
        self.reason, self.attempts, self.seconds = reason, attempts, seconds


class UncertainWrite(Exception):
    """A write whose connection broke after it was sent: Google may or may not have applied it.

    Replaying it blindly could apply it twice (a duplicated flag), so the client never does;
    the backend decides, from fresh metadata, whether and how to try again.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _network_failure(error: Exception) -> tuple[str, bool]:
    """(what happened, whether the request may have reached Google)."""
    if isinstance(error, TransportError):  # fetching an access token failed; our call never left
        return "the sign-in server could not be reached", False
    if isinstance(error, requests.ConnectTimeout):
        return "the connection timed out", False
    if isinstance(error, requests.exceptions.SSLError | requests.exceptions.ProxyError):
        return f"the connection failed ({type(error).__name__})", False
    if isinstance(error, requests.ReadTimeout):
        return "no answer in time", True
    if isinstance(error, requests.ConnectionError):
        cause = getattr(error.args[0], "reason", None) if error.args else None
        if isinstance(cause, NewConnectionError):  # refused or unresolvable: nothing was sent
            return "the server could not be reached", False
        return "the connection dropped", True
    return f"a network error ({type(error).__name__})", True


def _error_status(response: requests.Response) -> str:
    try:
        status = response.json()["error"]["status"]
    except (ValueError, KeyError, TypeError):
        status = response.reason or ""
    return f"{response.status_code} {status}".strip()


NOT_GOOGLE = "an answer that is not Google's"


def _not_google(response: requests.Response) -> str | None:
    """Why a successful answer is not the Sheets API's, or None: every answer of the API is
    JSON, and a captive portal (a network's sign-in page) or a proxy answers 200 with its own
    page in Google's place. Retried like a failure; it lasts until someone signs in."""
    kind = response.headers.get("Content-Type", "")
    if "json" in kind.lower():
        return None
    return f"{NOT_GOOGLE} ({kind.split(';')[0].strip() or 'no content type'})"


def _retry_after(response: requests.Response) -> float:
    try:
        return max(0.0, float(response.headers.get("Retry-After", "0")))
    except ValueError:  # an HTTP date: rare from Google, and the jittered delay still applies
        return 0.0


class RetryingHTTPClient(gspread.HTTPClient):
    """gspread's HTTP client with bounded, jittered retries and an optional API base rewrite.

    Reads are retried on 408/429/5xx, connection errors and timeouts. Writes are retried when
    Google answered with one of those statuses (a rejected batchUpdate changed nothing) or when
    the connection failed before anything was sent; a write that broke after being sent raises
    UncertainWrite instead of being replayed.
    """

    def __init__(
        self,
        session: requests.Session,
        *,
        api_base: str = SHEETS_API,
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: Callable[[], float] = random.random,
    ) -> None:
        super().__init__(auth=None, session=session)  # type: ignore[arg-type]
        self.api_base = api_base.rstrip("/")
        self.policy = policy or RetryPolicy()
        self._sleep, self._clock, self._rng = sleep, clock, rng
        self.spent = 0.0  # seconds lost to failures and waits so far in this run
        # Called before every attempt (a roll-up's shared pacer waits there; docs/rollup.md);
        # its own wait is pacing, not failure, so it is not counted in `spent`.
        self.before_attempt: Callable[[], None] = lambda: None
        # Called with the status of every answer to retry (a roll-up's pacer learns of a 429).
        self.on_retry_status: Callable[[int], None] = lambda status: None
        # Called after every attempt, answered or not (the pacer counts the request from then).
        self.after_attempt: Callable[[], None] = lambda: None

    def request(
        self,
        method: str,
        endpoint: str,
        params: ParamsType | None = None,
        data: bytes | None = None,
        json: Mapping[str, Any] | None = None,
        files: FileType = None,
        headers: MutableMapping[str, str] | None = None,
    ) -> requests.Response:
        if endpoint.startswith(SHEETS_API):
            endpoint = self.api_base + endpoint[len(SHEETS_API) :]
        attempt = 0
        while True:
            self.before_attempt()
            started = self._clock()
            wait_at_least = 0.0
            try:
                try:
                    response = self.session.request(
                        method=method,
                        url=endpoint,
                        params=params,
                        data=data,
                        json=json,
                        files=files,
                        headers=headers,
                        timeout=self.policy.timeout(self.spent),
                    )
                finally:
                    self.after_attempt()
            except (requests.RequestException, TransportError) as error:
                reason, sent = _network_failure(error)
                if sent and method.upper() != "GET":
                    self.spent += self._clock() - started
                    raise UncertainWrite(reason) from error
            else:
                stand_in = _not_google(response) if response.ok else None
                if response.ok and stand_in is None:
                    return response
                if stand_in is not None:
                    if method.upper() != "GET":
                        self.spent += self._clock() - started
                        raise UncertainWrite(stand_in)  # whoever answered, Google may have it
                    reason = stand_in
                else:
                    if response.status_code not in RETRY_STATUSES:
                        raise gspread.exceptions.APIError(response)
                    self.on_retry_status(response.status_code)
                    reason, wait_at_least = _error_status(response), _retry_after(response)
            self.spent += self._clock() - started
            self.backoff(reason, attempt, wait_at_least)
            attempt += 1

    def backoff(self, reason: str, attempt: int, wait_at_least: float = 0.0) -> None:
        """Wait before attempt `attempt + 1`, or raise GaveUp when the budget would run out."""
        wait = max(wait_at_least, self.policy.delay(attempt, self._rng))
        if self.spent + wait > self.policy.budget_seconds:
            raise GaveUp(reason, attempt + 1, self.spent)
        log.debug("Google Sheets: %s; retrying in %.2f s", reason, wait)
        self._sleep(wait)
        self.spent += wait


# -- the client a configuration asks for ------------------------------------------------------


@dataclass(frozen=True)
class Connection:
    """A ready client, and who it acts as (for "share the sheet with …" messages)."""

    client: RetryingHTTPClient
    identity: str


def connect(
    sheet: SheetConfig, *, read_only: bool, environ: Mapping[str, str] | None = None
) -> Connection:
    """The client for this configuration and environment. Reads key files, never the network."""
    env = os.environ if environ is None else environ
    policy = RetryPolicy(budget_seconds=sheet.retry_seconds)
    emulator = env.get(EMULATOR_ENV, "").strip()
    if emulator:
        session = AuthorizedSession(AnonymousCredentials())
        session.trust_env = False  # proxy variables must not divert loopback traffic
        return Connection(
            RetryingHTTPClient(session, api_base=f"http://{emulator}", policy=policy),
            f"the emulator at {emulator}",
        )
    credentials, identity = load_credentials(sheet.credentials, scopes_for(read_only), env)
    return Connection(RetryingHTTPClient(AuthorizedSession(credentials), policy=policy), identity)
