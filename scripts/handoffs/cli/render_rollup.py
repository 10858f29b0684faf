"""What `handoffs rollup` prints: the progress line on stderr and the closing summary."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

from handoffs.model.words import counted

if TYPE_CHECKING:
    from handoffs.app.rollup import RollupOutcome

EVERY_SECONDS = 5.0  # a progress line at most this often when stderr is not a terminal


def duration(seconds: float) -> str:
    """'45 s', '4 min 10 s'."""
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    return f"{whole // 60} min {whole % 60} s"


def progress_text(done: int, total: int, seconds_left: float | None) -> str:
    text = f"rollup: {done}/{counted(total, 'team')} read"
    if seconds_left is not None and done < total:
        text += f", about {duration(seconds_left)} left (paced to the Sheets read quota)"
    return text


def progress_line(
    stream: TextIO, clock: Callable[[], float] = time.monotonic
) -> Callable[[int, int, float | None], None]:
    """A reporter for `rollup`: one line rewritten in place on a terminal; elsewhere (cron, a
    log) a line every few seconds and the last one."""
    terminal = stream.isatty()
    last = [float("-inf")]

    def report(done: int, total: int, seconds_left: float | None) -> None:
        text = progress_text(done, total, seconds_left)
        if terminal:
            end = "\n" if done == total else ""
            stream.write(f"\r\033[K{text}{end}")
        elif done == total or clock() - last[0] >= EVERY_SECONDS:
            stream.write(text + "\n")
            last[0] = clock()
        stream.flush()

    return report


def rollup_text(outcome: RollupOutcome) -> str:
    """The closing summary: period, teams read, what went wrong, where it was written."""
    period = outcome.period.label if outcome.period else "no data"
    read = len(outcome.results) - len(outcome.unreachable)
    lines = [
        f"Rolled up {read} of {counted(len(outcome.results), 'team')} for {period} "
        f"({counted(outcome.requests, 'Sheets read request')})."
    ]
    for result in outcome.unreachable:
        lines.append(f"  unreachable: {result.source.team}: {result.failure}")
    for result in outcome.with_errors:
        lines.append(
            f"  {result.source.team}: {counted(result.errors, 'data error')} (valid rows still count; "
            "run `handoffs validate` on its sheet)"
        )
    for problem in outcome.teams.report:
        lines.append(f"  {problem}")
    written = "written to" if outcome.written else "not written (--dry-run) to"
    titles = ", ".join(tab.title for tab in outcome.tabs)
    lines.append(f"{titles} {written} {outcome.location}.")
    return "\n".join(lines)


def unreachable_text(outcome: RollupOutcome) -> str:
    """Which teams could not be read and why (the run exits 5)."""
    listed = "; ".join(f"{r.source.team}: {r.failure}" for r in outcome.unreachable)
    return (
        f"handoffs rollup: {len(outcome.unreachable)} of {counted(len(outcome.results), 'team')} could not "
        f"be read ({listed}); every other team is rolled up."
    )
