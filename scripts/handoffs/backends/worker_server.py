"""The fork server the roll-up's worker processes start from (docs/rollup.md#local-workbooks).

Standard library only, so that `rollup` can start the server before it imports anything heavy:
the server then imports what a worker runs (pandas, the checks, the figures: about 0.4 s) on
another core while the command imports the same for itself, and the first team is read that
much sooner. A pool or a process started later reuses the running server."""

from __future__ import annotations

import multiprocessing
from multiprocessing import forkserver
from typing import Any

# what each roll-up worker runs: the reader, and the function that reads, checks and rolls up
# a team (`app.rollup_workbooks.roll_workbook`)
ROLLUP_WORKER = ("handoffs.backends.team_workbooks", "handoffs.app.rollup_workbooks")


def worker_context() -> Any:
    """The multiprocessing context of the roll-up's workers: a fork server that has imported
    `ROLLUP_WORKER` (a fork of this possibly threaded process could deadlock in the child);
    where there is none (Windows), fresh processes ("spawn")."""
    if not _has_fork_server():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(ROLLUP_WORKER))
    return context


def start_worker_server() -> None:
    """Start the fork server now, in the background; this returns at once (at once too where
    there is no fork server)."""
    if _has_fork_server():
        worker_context()
        forkserver.ensure_running()


def _has_fork_server() -> bool:
    return "forkserver" in multiprocessing.get_all_start_methods()
