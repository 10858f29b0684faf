"""A lock file is never followed as a link (docs/commands.md, "The lock"): someone who can write
the team folder could otherwise make a run truncate and open up another user's file
(CVE-2025-68146). A link is refused with exit 3, nothing is written, the file it points to is
untouched and the message says nothing about it. The folder a Google Sheet's locks fall back to
in the shared temporary folder must be the user's own."""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from handoffs.backends.lock import private_folder
from handoffs.model.errors import BackendError
from tests.conftest import demo_tabs, write_workbook
from tests.e2e.test_locks import google_sheet_run_from_cron

NOBODY = 65534
AS_ROOT = os.geteuid() == 0
WRITING_COMMANDS = (
    ["refresh"],
    ["flag", "--handoff", "RPT-02", "--what", "x"],
    ["review-prep"],
    ["init"],
)


@pytest.fixture
def team_folder() -> Iterator[Path]:
    """A team folder others may write, holding a workbook and its config."""
    folder = Path(tempfile.mkdtemp(prefix="handoffs-team-"))
    folder.chmod(0o777)
    write_workbook(folder / "handoffs.xlsx", demo_tabs())
    (folder / "handoffs.toml").write_text('[sheet]\npath = "handoffs.xlsx"\n')
    try:
        yield folder
    finally:
        shutil.rmtree(folder)


def someone_elses_file(path: Path) -> Path:
    """A private file of another user (`nobody` when the tests run as root)."""
    path.write_text("another user's private notes\n")
    path.chmod(0o600)
    if AS_ROOT:
        os.chown(path, NOBODY, NOBODY)
    return path


@pytest.mark.parametrize("command", WRITING_COMMANDS, ids=lambda c: c[0])
@pytest.mark.parametrize("dangling", [False, True], ids=["to a file", "to nothing"])
def test_a_lock_file_that_is_a_link_is_refused_and_its_target_left_alone(
    run, team_folder: Path, tmp_path: Path, command: list[str], dangling: bool
) -> None:
    victim = tmp_path / "private.txt"
    if not dangling:
        someone_elses_file(victim)
    lock = team_folder / ".handoffs.xlsx.lock"
    lock.symlink_to(victim)
    workbook = (team_folder / "handoffs.xlsx").read_bytes()
    before = victim.lstat() if not dangling else None

    result = run(*command, config=team_folder / "handoffs.toml", expect=3)
    assert result.stderr == (
        f"Error: The lock file {lock} is a symbolic link, which handoffs never makes: someone "
        "put it there, perhaps to make a run change another file. Nothing was written, and the "
        f"file it points to was not touched. Delete the link (rm '{lock}') when no handoffs run "
        "is active, and check who can write that folder.\n"
    )
    assert str(victim) not in result.stderr
    assert (team_folder / "handoffs.xlsx").read_bytes() == workbook
    assert lock.is_symlink()
    if before is None:
        assert not victim.exists()
    else:
        after = victim.lstat()
        assert (after.st_mode, after.st_uid, after.st_size) == (
            before.st_mode,
            before.st_uid,
            before.st_size,
        )
        assert victim.read_text() == "another user's private notes\n"


def test_the_shared_lock_folder_is_made_private(tmp_path: Path) -> None:
    folder = private_folder(tmp_path / "handoffs-0")
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    folder.chmod(0o777)  # left open by an older version, or by a umask
    private_folder(folder)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


@pytest.mark.skipif(not AS_ROOT, reason="making a folder another user owns needs root")
def test_a_shared_lock_folder_another_user_made_first_is_refused(tmp_path: Path) -> None:
    taken = tmp_path / "handoffs-0"
    taken.mkdir(mode=0o777)
    os.chown(taken, NOBODY, NOBODY)
    with pytest.raises(BackendError, match="is not a folder of yours"):
        private_folder(taken)


def test_a_shared_lock_folder_that_is_a_link_is_refused(tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "handoffs-0").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(BackendError, match="another user, or a link, made it first"):
        private_folder(tmp_path / "handoffs-0")
    assert list((tmp_path / "elsewhere").iterdir()) == []


@pytest.mark.skipif(not AS_ROOT, reason="making a folder another user owns needs root")
def test_google_sheets_runs_refuse_a_temporary_lock_folder_of_another_user(
    run, make_spreadsheet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sheet = google_sheet_run_from_cron(make_spreadsheet, tmp_path, monkeypatch)
    planted = tmp_path / "tmp" / f"handoffs-{os.getuid()}"
    planted.mkdir(parents=True, mode=0o777)
    os.chown(planted, NOBODY, NOBODY)
    result = run("flag", "--handoff", "RPT-02", "--what", "x", config=sheet.config, expect=3)
    assert result.stderr.startswith(f"Error: The folder {planted}, where handoffs keeps the locks")
    assert list(planted.iterdir()) == []
