"""The team workbooks of a roll-up (docs/rollup.md#local-workbooks): each read, checked and
rolled up in a worker process, so that one team's workbook can never take the roll-up down.
A module of its own, light on imports: the worker processes load it, and no Google library."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from handoffs.backends.team_workbooks import WorkerDied, read_workbook, run_alone, workbook_pool
from handoffs.config import Config
from handoffs.model.periods import Period
from handoffs.rollup.team_results import TeamResult, roll_team, sent_back
from handoffs.rollup.teams_tab import TeamSource


def read_workbooks(
    workbooks: dict[int, TeamSource],
    concurrency: int,
    args: tuple[Any, ...],
    arrived: Callable[[int, TeamResult], None],
) -> None:
    """Team workbooks in worker processes. A worker that dies (a reader that aborts, a process
    the system killed short of memory) breaks the pool for every team it had not answered yet:
    each is read again alone, in a fresh process (so is a team not yet handed out when the
    pool broke), so that only the team that kills its process is unreachable, saying how the
    process ended; every other team is rolled up."""
    lost: list[int] = []
    with workbook_pool(concurrency, len(workbooks)) as pool:
        futures = {}
        for index, source in workbooks.items():
            try:
                futures[pool.submit(roll_workbook, source, *args)] = index
            except (BrokenProcessPool, OSError):  # a worker died while teams were handed out
                lost.append(index)
        for future in as_completed(futures):
            try:
                arrived(futures[future], future.result())
            except BrokenProcessPool:
                lost.append(futures[future])

    def alone(index: int) -> TeamResult:
        try:
            result: TeamResult = run_alone(roll_workbook, workbooks[index], *args)
        except WorkerDied as death:
            return TeamResult(workbooks[index], failure=f"could not be read ({death})")
        return result

    with ThreadPoolExecutor(max_workers=max(1, min(concurrency, len(lost) or 1))) as threads:
        futures = {threads.submit(alone, i): i for i in sorted(lost)}
        for future in as_completed(futures):
            arrived(futures[future], future.result())


def roll_workbook(
    source: TeamSource,
    titles: Sequence[str],
    today: dt.date,
    config: Config,
    month: Period | None,
    *args: Any,
) -> TeamResult:
    """Read one team workbook, check it and compute its figures, in a worker process (a
    top-level function, so the pool can send it); the arguments after `titles` are those of
    `rollup.roll_team` after the failure. What comes back is what the Org tabs read, with the
    team's figures only when `settle` is likely to redo it (`sent_back`): `settle` reads it
    again otherwise. Whatever goes wrong on the way (a reader's panic, MemoryError) concerns
    this team only: it is unreachable, and says why."""
    try:
        read = read_workbook(source.where, titles)
        rolled = roll_team(source, read.tabs, read.failure, today, config, month, *args)
        return sent_back(rolled, month)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as error:  # a Rust panic (pyo3) is a BaseException
        said = str(error).strip().splitlines()[0][:200] if str(error).strip() else ""
        reason = type(error).__name__ + (f": {said}" if said else "")
        return TeamResult(source, failure=f"could not be read ({reason})")
