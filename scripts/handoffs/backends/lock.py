"""The lock that serialises runs against one spreadsheet (docs/commands.md): a file beside the
workbook, or in the user's cache folder for a Google Sheet. Overlapping runs exit 4; `flag`
waits a bounded time, since flags arrive at any moment while a refresh holds the lock seconds."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from handoffs.model.errors import BackendError, LockedError, UsageError
from handoffs.model.spreadsheet import Backend

FLAG_WAIT_ENV = "HANDOFFS_FLAG_WAIT"  # seconds `flag` waits for a run holding the lock
FLAG_WAIT_SECONDS = 30.0
LOCK_FILE_MODE = 0o666  # whoever runs next in a shared folder can take the lock, whatever umask


def flag_wait() -> float:
    """How long `flag` waits for the lock: flags come from people and chat bots at any moment,
    while a refresh holds the lock for seconds."""
    text = os.environ.get(FLAG_WAIT_ENV, "").strip()
    try:
        seconds = float(text) if text else FLAG_WAIT_SECONDS
    except ValueError:
        raise UsageError(f"{FLAG_WAIT_ENV}={text!r} is not a number of seconds.") from None
    if not 0 <= seconds <= 3600:
        raise UsageError(f"{FLAG_WAIT_ENV}={text!r} must be between 0 and 3600 seconds.")
    return seconds


@contextmanager
def run_lock(backend: Backend, *, wait: float = 0.0, creating: bool = False) -> Iterator[None]:
    """Hold the lock of this spreadsheet, waiting up to `wait` seconds for another run (then
    exit 4). A spreadsheet that does not exist gets no lock file unless the run is `creating`
    it; a lock file that cannot be made or opened is exit 3 with what to do."""
    if not creating:
        backend.require_existing()
    path = backend.lock_path
    lock = FileLock(path, timeout=wait, mode=LOCK_FILE_MODE)
    try:
        lock.acquire()
    except Timeout:
        waited = f" (waited {wait:g} s)" if wait else ""
        raise LockedError(
            f"Another handoffs run is working on {backend.location} (lock {path}){waited}; "
            "try again when it has finished."
        ) from None
    except OSError as error:
        raise BackendError(_lock_problem(Path(path), error)) from None
    try:
        yield
    finally:
        lock.release()


def _lock_problem(path: Path, error: OSError) -> str:
    if path.exists():
        owner = path.stat()
        return (
            f"Cannot take the lock file {path} ({error.strerror or error}): it was left by "
            f"another user's run (owner uid {owner.st_uid}, permissions "
            f"{oct(owner.st_mode & 0o777)[2:]}). When no handoffs run is active, delete it "
            f"(rm '{path}'); the lock files handoffs creates now can be taken by every user. "
            "Nothing was written."
        )
    return (
        f"Cannot create the lock file {path} ({error.strerror or error}): the folder "
        f"{path.parent} is not writable for you. Make it writable, or move the spreadsheet "
        "to a folder you can write. Nothing was written."
    )
