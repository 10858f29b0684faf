"""A request pacer shared by threads: at most `limit` requests in any window of `window`
seconds (the Sheets API's per-user read quota is 60 a minute; docs/rollup.md).

Google counts a request when it arrives, at some moment between our start and its answer. So a
request holds its place in the window from its start until `window` + `slack` seconds after its
answer (`finish`): however late it left this machine or reached Google's counter (a busy CPU,
network jitter), it can never be counted in the same window as the request `limit` places
after it.
"""

from __future__ import annotations

import itertools
import threading
import time
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
        self._held: dict[int, float] = {}  # request -> its start, then its answer
        self._tokens = itertools.count()
        self._mine = threading.local()  # the request this thread has in flight
        self._lock = threading.Lock()
        self._hold_until = float("-inf")  # after a 429: no start before this
        self.requests = 0  # starts handed out, retries included
        self.limited = False  # whether the quota, not the network, has set the pace

    @property
    def span(self) -> float:
        return self.window + self.slack

    def acquire(self) -> None:
        """Wait until a request may start, and count it as started now (this thread's
        request in flight, until `finish`)."""
        while True:
            with self._lock:
                now = self._clock()
                self._forget(now)
                opens = max(self._hold_until, self._opens(now))
                if opens <= now:
                    token = next(self._tokens)
                    self._held[token] = now
                    self._mine.token = token
                    self.requests += 1
                    return
                self.limited = True
            self._sleep(opens - now)

    def finish(self) -> None:
        """This thread's request was answered (or failed): its place in the window runs from
        now."""
        token = getattr(self._mine, "token", None)
        with self._lock:
            if token in self._held:
                self._held[token] = self._clock()
        self._mine.token = None

    def record(self, count: int) -> None:
        """Count requests made outside the pacer (the organisation's own spreadsheet), answered
        by now."""
        with self._lock:
            now = self._clock()
            for _ in range(count):
                self._held[next(self._tokens)] = now
            self.requests += count

    def exhausted(self, status: int) -> None:
        """Google answered 429 anyway (another tool shares the quota): hold every start until
        the oldest request of the window leaves it, or for a quarter of a window when none of
        ours is in it. The retry waits there too."""
        if status != 429:
            return
        with self._lock:
            now = self._clock()
            self._forget(now)
            frees = min(self._held.values()) + self.span if self._held else now + self.window / 4
            self._hold_until = max(self._hold_until, frees)
            self.limited = True

    def seconds_left(self, requests: int) -> float:
        """About how long `requests` more starts take at the quota, from now."""
        with self._lock:
            now = self._clock()
            self._forget(now)
            free = self.limit - len(self._held)
            if requests <= free:
                return max(0.0, self._hold_until - now)
            first = max(self._hold_until, self._opens(now)) - now
            return max(0.0, first + (requests - free - 1) // self.limit * self.span)

    def _opens(self, now: float) -> float:
        """When the window alone allows the next start."""
        if len(self._held) < self.limit:
            return now
        return min(self._held.values()) + self.span

    def _forget(self, now: float) -> None:
        for token in [t for t, moment in self._held.items() if moment <= now - self.span]:
            del self._held[token]
