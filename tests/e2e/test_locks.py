"""The lock against overlapping runs, in shared folders and under cron: other users can take it,
a lock that cannot be taken is exit 3 with what to do, `flag` waits for a refresh, a run in the
wrong folder leaves nothing behind, and `--quiet` stays quiet when a run overlaps."""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from filelock import FileLock

from handoffs.backends.lock import FLAG_WAIT_ENV
from tests.conftest import Spreadsheet, demo_tabs, write_workbook

NOBODY = 65534
AS_ROOT = os.geteuid() == 0


@pytest.fixture
def shared_folder() -> Iterator[Path]:
    """A folder every user may write (mode 0777), outside the test's private tmp_path so that
    another user can reach it."""
    folder = Path(tempfile.mkdtemp(prefix="handoffs-shared-"))
    folder.chmod(0o777)
    try:
        yield folder
    finally:
        shutil.rmtree(folder)


@contextmanager
def as_another_user() -> Iterator[None]:
    """Run the block as a user who owns none of the test's files: `nobody` when the tests run
    as root (root ignores file permissions); otherwise the same user, whose files the test
    then makes read-only, which gives the same refusal."""
    if not AS_ROOT:
        yield
        return
    os.seteuid(NOBODY)
    try:
        yield
    finally:
        os.seteuid(0)


def shared_workbook(folder: Path) -> Path:
    path = write_workbook(folder / "handoffs.xlsx", demo_tabs())
    path.chmod(0o666)
    (folder / "handoffs.toml").write_text('[sheet]\npath = "handoffs.xlsx"\n')
    return path


def test_lock_files_are_made_so_that_every_user_can_take_them(run, shared_folder: Path) -> None:
    shared_workbook(shared_folder)
    config = shared_folder / "handoffs.toml"
    run("flag", "--handoff", "RPT-02", "--what", "first", config=config)
    lock = shared_folder / ".handoffs.xlsx.lock"
    assert stat.S_IMODE(lock.stat().st_mode) == 0o666
    with as_another_user():
        run("flag", "--handoff", "RPT-02", "--what", "second", config=config)


def test_a_lock_file_another_user_left_unwritable_is_exit_3_with_what_to_do(
    run, shared_folder: Path
) -> None:
    path = shared_workbook(shared_folder)
    run("validate", config=shared_folder / "handoffs.toml")  # loads every module first
    lock = shared_folder / ".handoffs.xlsx.lock"
    lock.write_text("")
    lock.chmod(0o644 if AS_ROOT else 0o444)  # as an older version left it
    before = path.read_bytes()
    with as_another_user():
        result = run(
            "flag", "--handoff", "RPT-02", "--what", "x",
            config=shared_folder / "handoffs.toml", expect=3,
        )  # fmt: skip
    assert result.stderr.startswith(f"Error: Cannot take the lock file {lock} (Permission denied)")
    assert f"delete it (rm '{lock}')" in result.stderr
    assert result.stderr.endswith("Nothing was written.\n")
    assert path.read_bytes() == before


def test_a_read_only_folder_is_exit_3_for_every_writing_command(run, shared_folder: Path) -> None:
    path = shared_workbook(shared_folder)
    config = shared_folder / "handoffs.toml"
    run("validate", config=config)
    shared_folder.chmod(0o555)
    before = path.read_bytes()
    commands = [
        ["refresh"],
        ["flag", "--handoff", "RPT-02", "--what", "x"],
        ["review-prep"],
        ["init"],
    ]
    try:
        with as_another_user():
            results = [run(*command, config=config, expect=3) for command in commands]
    finally:
        shared_folder.chmod(0o777)
    for result in results:
        assert result.stderr == (
            f"Error: Cannot create the lock file {shared_folder / '.handoffs.xlsx.lock'} "
            f"(Permission denied): the folder {shared_folder} is not writable for you. Make it "
            "writable, or move the spreadsheet to a folder you can write. Nothing was written.\n"
        )
    assert path.read_bytes() == before


def google_sheet_run_from_cron(
    make_spreadsheet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Spreadsheet:
    """The demo team on Google Sheets, run as a cron service user whose HOME cannot hold a
    cache, so the lock goes to the system's temporary folder (`tmp_path / "tmp"` here)."""
    sheet: Spreadsheet = make_spreadsheet("gsheets")
    sheet.seed(demo_tabs())
    not_a_folder = tmp_path / "home-is-a-file"
    not_a_folder.write_text("")
    monkeypatch.setenv("HOME", str(not_a_folder / "nonexistent"))
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))  # the system's, for tests
    return sheet


def test_google_sheets_runs_work_when_home_cannot_hold_a_cache(
    run, make_spreadsheet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sheet = google_sheet_run_from_cron(make_spreadsheet, tmp_path, monkeypatch)
    (tmp_path / "tmp").mkdir()
    run("refresh", config=sheet.config)
    run("flag", "--handoff", "RPT-02", "--what", "from cron", config=sheet.config)
    assert sheet.read("Flags")["Flags"][-1][3] == "from cron"
    locks = tmp_path / "tmp" / f"handoffs-{os.getuid()}"
    assert [p.suffix for p in locks.iterdir()] == [".lock"]


def test_flag_waits_for_a_refresh_holding_the_lock(run, demo_workbook: Path) -> None:
    holder = FileLock(str(demo_workbook.with_name(".handoffs.xlsx.lock")), thread_local=False)
    holder.acquire()
    threading.Timer(0.3, holder.release).start()
    run("flag", "--handoff", "RPT-02", "--what", "raised while a refresh ran")
    assert not holder.is_locked


def test_flag_gives_up_with_exit_4_after_its_wait(
    run, demo_workbook: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(FLAG_WAIT_ENV, "0.2")
    before = demo_workbook.read_bytes()
    with FileLock(str(demo_workbook.with_name(".handoffs.xlsx.lock"))):
        result = run("flag", "--handoff", "RPT-02", "--what", "x", expect=4)
    assert "(waited 0.2 s); try again when it has finished." in result.stderr
    assert demo_workbook.read_bytes() == before


def test_commands_in_a_folder_without_a_workbook_leave_no_lock_behind(run, tmp_path: Path) -> None:
    for command in (
        ["validate"],
        ["refresh"],
        ["review-prep"],
        ["flag", "--handoff", "RPT-02", "--what", "x"],
    ):
        result = run(*command, expect=2)
        assert "No workbook at" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home"]


def test_refresh_quiet_says_nothing_when_another_run_holds_the_lock(
    run, demo_workbook: Path
) -> None:
    with FileLock(str(demo_workbook.with_name(".handoffs.xlsx.lock"))):
        result = run("refresh", "--quiet", expect=4)
    assert (result.stdout, result.stderr) == ("", "")
