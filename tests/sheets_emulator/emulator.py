"""The test-facing emulator: a server on 127.0.0.1, direct setup, snapshots, faults and a request log."""

from __future__ import annotations

import bisect
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from . import defaults
from .model import Store, snapshot
from .server import EmulatorServer
from .spreadsheets import create_with_values

FAULT_KINDS = ("403", "disabled", "429", "500", "502", "503", "504", "portal", "drop", "slow")
Match = str | Callable[[str, str], bool]


@dataclass(frozen=True)
class LoggedRequest:
    """One request as the emulator saw it, with what it answered.

    `path` is percent-decoded; `status` is the HTTP status or "dropped"; `method_id` is the
    discovery method (None for unknown routes); `response` is the JSON body sent, if any.
    """

    method: str
    path: str
    query: dict[str, list[str]]
    body: Any
    status: int | str
    method_id: str | None = None
    response: Any = None
    at: float = field(default_factory=time.monotonic)  # when it arrived (monotonic clock)


@dataclass
class Fault:
    """A scripted failure: after `after` good matching requests, hit the next `times` ones.

    `kind`: "403" (not shared with the caller), "disabled" (Google's 403 for a project whose
    Sheets API is not enabled), "429" (quota, like Google), "500", "502" (Google front-end HTML page), "503", "504",
    "portal" (a 200 whose body is an HTML sign-in page, as a captive portal or a proxy answers in
    Google's place), "drop" (close the socket without answering) or "slow" (sleep `delay` seconds, then answer).
    `times=None` hits forever. `match` is a substring of "METHOD path" or a predicate
    `(method, path) -> bool`; None matches every request.
    """

    kind: str
    after: int = 0
    times: int | None = 1
    match: Match | None = None
    delay: float = 1.0
    passed: int = field(default=0, init=False)
    hits: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(
                f"unknown fault kind {self.kind!r}; expected one of {', '.join(FAULT_KINDS)}"
            )

    def matches(self, method: str, path: str) -> bool:
        if self.match is None:
            return True
        if isinstance(self.match, str):
            return self.match in f"{method} {path}"
        return self.match(method, path)

    @property
    def spent(self) -> bool:
        return self.times is not None and self.hits >= self.times


class SheetsEmulator:
    """An in-memory Google Sheets API v4 on 127.0.0.1, spoken to over real HTTP.

    Use as a context manager (or `start()`/`stop()`); `host` is what SHEETS_EMULATOR_HOST is set to.
    """

    def __init__(
        self,
        port: int = 0,
        *,
        latency: float = 0.0,
        account_email: str = defaults.ACCOUNT_EMAIL,
        read_quota: int | None = None,
        quota_window: float = 60.0,
    ) -> None:
        self.port = port
        self.latency = latency
        # Google's per-user read quota: at most `read_quota` read (GET) requests arriving in
        # any `quota_window` seconds, else 429 RESOURCE_EXHAUSTED; None: no quota.
        self.read_quota = read_quota
        self.quota_window = quota_window
        self._reads: dict[str, list[float]] = {}
        self.store = Store(account_email)
        self.crashes: list[str] = []
        self._faults: list[Fault] = []
        self._log: list[LoggedRequest] = []
        self._lock = threading.Lock()
        self._server: EmulatorServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> SheetsEmulator:
        self._server = EmulatorServer(("127.0.0.1", self.port), self)
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="sheets-emulator", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join()
        self._server = self._thread = None

    def __enter__(self) -> SheetsEmulator:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def host(self) -> str:
        """ "127.0.0.1:PORT" of the running server (the real port when started with port 0)."""
        if self._server is None:
            raise RuntimeError(
                "the emulator is not running; use it as a context manager or call start()"
            )
        return f"127.0.0.1:{self._server.server_address[1]}"

    @property
    def account_email(self) -> str:
        """The caller's identity, as Google would report it (e.g. among protected range editors)."""
        return self.store.account_email

    def create_spreadsheet(
        self, title: str = "Untitled", sheets: dict[str, list[list[Any]]] | None = None
    ) -> str:
        """Set up a spreadsheet directly (not logged); values are read as if typed (USER_ENTERED)."""
        with self.store.lock:
            return create_with_values(self.store, title, sheets).spreadsheet_id

    def snapshot(self, spreadsheet_id: str) -> dict[str, Any]:
        """The full state of a spreadsheet, JSON-able, for "nothing changed" assertions."""
        with self.store.lock:
            return snapshot(self.store.get(spreadsheet_id))

    @property
    def requests(self) -> list[LoggedRequest]:
        """A copy of the log, oldest first, faulted requests included."""
        with self._lock:
            return list(self._log)

    def clear_log(self) -> None:
        with self._lock:
            self._log.clear()

    def inject(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def reset(self) -> None:
        """Forget every spreadsheet, fault, logged request and crash; lift the read quota."""
        with self.store.lock, self._lock:
            self.store.reset()
            self._faults.clear()
            self._log.clear()
            self.crashes.clear()
            self._reads.clear()
            self.read_quota = None
            self.quota_window = 60.0

    def within_quota(self, method: str, user: str = "", arrived: float | None = None) -> bool:
        """Count a read (GET) that arrived at `arrived` (default: now) against `user`'s quota;
        False when it is used up (the request is refused and not counted, like Google)."""
        if self.read_quota is None or method != "GET":
            return True
        with self._lock:
            now = time.monotonic() if arrived is None else arrived
            arrivals = self._reads.setdefault(user, [])
            inside = [t for t in arrivals if now - self.quota_window < t <= now]
            if len(inside) >= self.read_quota:
                return False
            # keep what a later (or slightly earlier, still unanswered) arrival may still see
            arrivals[:] = [t for t in arrivals if t > now - 2 * self.quota_window]
            bisect.insort(arrivals, now)
            return True

    def busiest_window(self, seconds: float | None = None) -> int:
        """The most served read requests (status 200) arriving in any window of `seconds`
        (default `quota_window`), from the log: what the quota saw."""
        span = self.quota_window if seconds is None else seconds
        with self._lock:
            times = sorted(r.at for r in self._log if r.method == "GET" and r.status == 200)
        best, first = 0, 0
        for last, moment in enumerate(times):
            while times[first] <= moment - span:
                first += 1
            best = max(best, last - first + 1)
        return best

    def take_fault(self, method: str, path: str) -> Fault | None:
        """The fault this request meets, if any; other matching faults count it as a good request."""
        with self._lock:
            hit = next(
                (
                    f
                    for f in self._faults
                    if not f.spent and f.passed >= f.after and f.matches(method, path)
                ),
                None,
            )
            if hit is not None:
                hit.hits += 1
                return hit
            for fault in self._faults:
                if not fault.spent and fault.matches(method, path):
                    fault.passed += 1
            return None

    def record(
        self,
        method: str,
        path: str,
        query: dict[str, list[str]],
        body: Any,
        status: int | str,
        method_id: str | None,
        response: Any,
        at: float | None = None,
    ) -> None:
        when = time.monotonic() if at is None else at
        with self._lock:
            self._log.append(
                LoggedRequest(method, path, query, body, status, method_id, response, when)
            )
