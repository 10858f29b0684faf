"""Reading team workbooks for a roll-up (docs/rollup.md#local-workbooks), read-only, in worker
processes: checking a team runs in Python, so threads would take turns on one core, and a
team's workbook is input nobody checked: a reader that aborts, or the system killing a process
short of memory, must end that worker, never the roll-up. The worker's function is the app's
(`app.rollup_workbooks`), which also checks and rolls up the team there. No Google library is
imported here, so the workers start without one.

A reader hands back each team's raw tabs, or why they could not be read: what a team is and
what its figures are belong to the roll-up, not here.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from handoffs.backends.worker_server import worker_context
from handoffs.backends.xlsx import XlsxBackend
from handoffs.model.errors import HandoffsError
from handoffs.model.spreadsheet import RawTab


@dataclass(frozen=True)
class TeamTabs:
    """One team's input tabs as read, or why they could not be."""

    tabs: dict[str, RawTab] | None
    failure: str | None = None


def missing_tabs(titles: Sequence[str], found: Sequence[str]) -> TeamTabs:
    missing = [title for title in titles if title not in found]
    return TeamTabs(
        None,
        f"missing input tabs: {', '.join(missing)}; run `handoffs init` on that spreadsheet",
    )


def read_workbook(path: str, titles: Sequence[str]) -> TeamTabs:
    """One team workbook's input tabs, read-only."""
    if not Path(path).is_file():
        return TeamTabs(None, f"there is no workbook at {path}")
    try:
        tabs = XlsxBackend(Path(path)).read(titles)
    except HandoffsError as error:
        return TeamTabs(None, str(error))
    if any(title not in tabs for title in titles):
        return missing_tabs(titles, list(tabs))
    return TeamTabs(tabs)


def workbook_pool(workers: int, count: int) -> Executor:
    """Worker processes, even for one workbook: a team's workbook is input nobody checked, and a
    reader that aborts (or the kernel killing a process short of memory) must end that worker,
    never the roll-up. Each worker is forked from the fork server (`worker_server`)."""
    size = max(1, min(workers, os.cpu_count() or 1, count))
    return ProcessPoolExecutor(max_workers=size, mp_context=worker_context())


class WorkerDied(Exception):
    """The process reading a team ended before it answered; the message says how."""


def run_alone(function: Callable[..., Any], *args: Any) -> Any:
    """`function(*args)` in a fresh process of its own (after a pool broke: which of its teams
    killed its worker?); `WorkerDied` when that process ends without an answer."""
    context = worker_context()
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_answer, args=(sender, function, args), daemon=True)
    try:
        process.start()
    except OSError as error:  # it died before it was handed its work (a broken pipe)
        receiver.close()
        raise WorkerDied(f"the process reading it ended as it started ({error})") from None
    finally:
        sender.close()
    try:
        answer = receiver.recv()
    except EOFError:  # it died before answering
        process.join()
        raise WorkerDied(how_it_ended(process.exitcode)) from None
    finally:
        receiver.close()
    process.join()
    return answer


def _answer(sender: Any, function: Callable[..., Any], args: tuple[Any, ...]) -> None:
    sender.send(function(*args))
    sender.close()


def how_it_ended(exitcode: int | None) -> str:
    """How a worker process that never answered ended, in words."""
    if exitcode is not None and exitcode < 0:
        name = signal.Signals(-exitcode).name
        if name == "SIGKILL":
            return "the process reading it was killed (SIGKILL), as when the machine runs out of memory"
        return f"the process reading it stopped with {name}"
    return f"the process reading it exited with code {exitcode}"
