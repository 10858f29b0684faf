"""A request pacer shared by threads: at most `limit` requests start in any window of
`window` seconds (the Sheets API's per-user read quota is 60 a minute; docs/rollup.md).

Google counts a request when it arrives, a few milliseconds after it starts here, so the
pacer keeps `slack` seconds more than the window between a request and the one `limit`
places after it: network jitter can then never put `limit + 1` arrivals in one window.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable


class Pacer:
    """Hands out request starts so that no window holds more than `limit` of them."""

    def __init__(
        self,
        limit: int,
        window: float = 60.0,
        *,
        slack: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if limit < 1:
            raise ValueError("a pacer needs a limit of at least 1 request per window")
        self.limit, self.window = limit, window
        self.slack = 0.5 + window / 100 if slack is None else slack
        self._clock, self._sleep = clock, sleep
        self._starts: deque[float] = deque()
        self._hold_until = float("-inf")  # after a 429: no start before this
        self._lock = threading.Lock()
        self.requests = 0  # starts handed out, retries included
        self.held = 0.0  # seconds callers spent waiting for a start, all threads together
        self.limited = False  # whether the quota, not the network, has set the pace

    @property
    def span(self) -> float:
        return self.window + self.slack

    def acquire(self) -> None:
        """Wait until a request may start, and count it as started now."""
        while True:
            with self._lock:
                now = self._clock()
                self._forget(now)
                if now >= self._hold_until and len(self._starts) < self.limit:
                    self._starts.append(now)
                    self.requests += 1
                    return
                wait = max(self._hold_until, self._opens(now)) - now
                self.limited = True
                self.held += wait
            self._sleep(wait)

    def record(self, count: int) -> None:
        """Count requests made outside the pacer (the organisation's own spreadsheet) as
        started now."""
        with self._lock:
            now = self._clock()
            self._starts.extend([now] * count)
            self.requests += count

    def exhausted(self, status: int) -> None:
        """Google answered 429 anyway (another tool shares the quota, or the network bunched
        requests up): hold every start until the oldest request of the window leaves it, or
        for a quarter of a window when none of ours is in it. The retry waits there too."""
        if status != 429:
            return
        with self._lock:
            now = self._clock()
            self._forget(now)
            frees = self._starts[0] + self.span if self._starts else now + self.window / 4
            self._hold_until = max(self._hold_until, frees)
            self.limited = True

    def _opens(self, now: float) -> float:
        """When the next start is allowed by the window alone."""
        if len(self._starts) < self.limit:
            return now
        return self._starts[0] + self.span

    def seconds_left(self, requests: int) -> float:
        """About how long `requests` more starts take at the quota, from now."""
        with self._lock:
            now = self._clock()
            self._forget(now)
            free = self.limit - len(self._starts)
            if requests <= free:
                return 0.0
            first_free = max(self._hold_until, self._opens(now)) - now
            windows = (requests - free - 1) // self.limit
            return max(0.0, first_free + windows * self.span)

    def _forget(self, now: float) -> None:
        while self._starts and self._starts[0] <= now - self.span:
            self._starts.popleft()
