"""One team's workbook never takes the roll-up down (docs/rollup.md#local-workbooks): a worker
process that dies — a reader that aborts, the system killing a process short of memory — makes
that team unreachable, saying how, and every other team is rolled up (exit 5)."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from handoffs.backends.team_workbooks import WorkerDied, run_alone
from tests.conftest import demo_tabs
from tests.support.rollup_helpers import org, team, team_statuses, where


def test_a_workbook_whose_reader_aborts_leaves_every_other_team_rolled_up(
    run, make_spreadsheet
) -> None:
    """A stray value in the sheet's last cell made the reader allocate hundreds of GiB and
    abort its process (whether the reader now refuses it first, or its worker dies, only that
    team is unreachable)."""
    healthy = [team(make_spreadsheet, "xlsx") for _ in range(2)]
    stray = team(make_spreadsheet, "xlsx")
    stray.edit("Health", "XFD1048576", "stray")
    rows = [["Stray", where(stray), "", ""]]
    rows += [[f"Team {i}", where(t), "", ""] for i, t in enumerate(healthy)]
    organisation = org(make_spreadsheet, "xlsx", rows, concurrency=2)

    result = run("rollup", config=organisation.config, expect=5)

    statuses = team_statuses(organisation)
    assert statuses[:2] == [("Team 0", "ok"), ("Team 1", "ok")]
    assert statuses[2][0] == "Stray" and statuses[2][1].startswith("unreachable: ")
    assert "1 of 3 teams could not be read (Stray: " in result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def _children(parent: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == parent:
                found.append(int(entry))
    return found


@contextmanager
def out_of_memory_killer() -> Iterator[list[int]]:
    """Kills (SIGKILL) every worker of this process's fork server the moment it appears, as the
    kernel's out-of-memory killer ends the biggest process: the real signal to real processes,
    nothing of handoffs replaced. Yields the pids it killed.

    A worker may die before or after it has been handed its work: before, the hand-over fails
    in this process with a broken pipe (EPIPE), and that too must only make its team
    unreachable."""
    killed: list[int] = []
    stop = threading.Event()

    def hunt() -> None:
        while not stop.wait(0.002):
            for server in _children(os.getpid()):
                try:
                    command = Path(f"/proc/{server}/cmdline").read_bytes()
                except OSError:
                    continue
                if b"forkserver" not in command:
                    continue
                for worker in _children(server):
                    try:
                        os.kill(worker, signal.SIGKILL)
                        killed.append(worker)
                    except ProcessLookupError:
                        pass

    hunter = threading.Thread(target=hunt, daemon=True)
    hunter.start()
    try:
        yield killed
    finally:
        stop.set()
        hunter.join()


def test_a_team_whose_worker_is_killed_even_when_read_alone_is_unreachable_and_says_how(
    run, make_spreadsheet
) -> None:
    on_google = team(make_spreadsheet, "gsheets")
    big = team(make_spreadsheet, "xlsx", demo_tabs())
    organisation = org(
        make_spreadsheet, "xlsx",
        [["Workbook", where(big), "", ""], ["Google", where(on_google), "", ""]],
    )  # fmt: skip

    with out_of_memory_killer() as killed:
        result = run("rollup", config=organisation.config, expect=5)

    assert len(killed) >= 2  # its worker in the pool, then the one it had alone
    reason = (
        "could not be read (the process reading it was killed (SIGKILL), as when the machine "
        "runs out of memory)"
    )
    assert team_statuses(organisation) == [
        ("Google", "ok"),
        ("Workbook", f"unreachable: {reason}"),
    ]
    assert f"(Workbook: {reason})" in result.stderr


def test_a_worker_killed_before_it_is_handed_its_work_is_a_death_not_a_broken_pipe() -> None:
    """The work is far larger than a pipe holds, so handing it over takes the worker's reads:
    a worker killed as it appears breaks the pipe in this process (click would end the whole
    run on that, silently, with exit 1)."""
    work = b"x" * 64 * 2**20

    with out_of_memory_killer() as killed, pytest.raises(WorkerDied) as death:
        run_alone(len, work)

    assert killed
    assert str(death.value).startswith("the process reading it ")


def test_where_there_is_no_fork_server_the_workers_are_fresh_processes(monkeypatch) -> None:
    """Windows has no fork server: a roll-up starts none and reads each team in a spawned
    process instead (the platform's answer is what changes here, not handoffs)."""
    import multiprocessing

    from handoffs.backends import worker_server

    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])

    worker_server.start_worker_server()
    assert worker_server.worker_context().get_start_method() == "spawn"
    assert run_alone(len, b"four") == 4
