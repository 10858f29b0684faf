"""The roll-up's pacer (docs/rollup.md): at most `limit` starts in any window, on a fake clock."""

from __future__ import annotations

import pytest

from handoffs.backends.pacer import Pacer
from handoffs.cli.render_rollup import duration, progress_text


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))
        self.now += seconds


def pacer(limit: int = 3, window: float = 60.0, slack: float = 1.0) -> tuple[Pacer, FakeTime]:
    time = FakeTime()
    return Pacer(limit, window, slack=slack, clock=time.clock, sleep=time.sleep), time


def test_starts_beyond_the_limit_wait_until_the_oldest_leaves_the_window_and_slack() -> None:
    paced, time = pacer()
    starts = []
    for _ in range(7):
        paced.acquire()
        starts.append(time.now)
    assert starts == [0, 0, 0, 61, 61, 61, 122]
    assert (paced.requests, paced.limited) == (7, True)


def test_every_window_holds_at_most_the_limit_whatever_the_rhythm() -> None:
    paced, time = pacer(limit=4, window=10.0, slack=0.5)
    starts = []
    for gap in [0, 1, 0, 3, 2, 0, 0, 7, 1, 0, 0, 0, 4, 9, 0, 0]:
        time.now += gap
        paced.acquire()
        starts.append(time.now)
    assert all(sum(s <= t < s + 10 for t in starts) <= 4 for s in starts)


def test_a_request_holds_its_place_until_a_window_after_its_answer() -> None:
    """Google counts a request somewhere between its start and its answer: a slow answer
    (a busy machine, a slow network) must not let the next window start early."""
    paced, time = pacer(limit=1)
    paced.acquire()
    time.now = 9.0
    paced.finish()
    paced.acquire()
    assert time.now == 9.0 + 61.0


def test_requests_made_elsewhere_count_against_the_window() -> None:
    paced, time = pacer()
    paced.record(2)  # the organisation's own spreadsheet
    paced.acquire()
    paced.acquire()
    assert time.slept == [61.0]


def test_a_429_holds_every_start_until_the_oldest_request_leaves_the_window() -> None:
    paced, time = pacer()
    paced.acquire()
    time.now = 5.0
    paced.exhausted(503)  # not a quota answer: nothing changes
    paced.acquire()
    paced.exhausted(429)
    paced.acquire()
    assert time.now == 61.0


def test_a_429_with_none_of_ours_in_the_window_holds_a_quarter_window() -> None:
    paced, time = pacer()
    paced.exhausted(429)
    paced.acquire()
    assert time.slept == [15.0]


def test_time_left_is_estimated_from_the_quota() -> None:
    paced, _ = pacer()
    assert paced.seconds_left(2) == 0.0
    for _ in range(3):
        paced.acquire()
    assert paced.seconds_left(3) == 61.0
    assert paced.seconds_left(4) == 122.0


def test_a_pacer_needs_a_limit() -> None:
    with pytest.raises(ValueError, match="at least 1 request per window"):
        Pacer(0)


def test_the_progress_line_shows_time_left_only_while_pacing() -> None:
    assert progress_text(3, 300, None) == "rollup: 3/300 teams read"
    assert progress_text(61, 300, 250.4) == (
        "rollup: 61/300 teams read, about 4 min 10 s left (paced to the Sheets read quota)"
    )
    assert progress_text(300, 300, 0.0) == "rollup: 300/300 teams read"
    assert duration(42.4) == "42 s"
