"""The lock that serialises runs against one spreadsheet (docs/commands.md): a file beside the
workbook, or in the user's cache folder for a Google Sheet. Overlapping runs exit 4; `flag`
waits a bounded time, since flags arrive at any moment while a refresh holds the lock seconds.

A lock file lives in a folder others may write (a team's shared folder), so it is never followed
as a link: a link there is refused before it is opened (and filelock ≥ 3.20.1 opens it with
O_NOFOLLOW, CVE-2025-68146), and no message says anything about the file a link points to. The
fallback folder for a Google Sheet's locks, in the shared temporary folder, must be the user's
own (`private_folder`)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager, suppress
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
    if os.path.islink(path):
        raise BackendError(_a_link(Path(path)))
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


def private_folder(folder: Path) -> Path:
    """`folder` (created 0700 when missing) once it is sure to be the running user's own: a
    real folder, not a link, owned by this user and writable by nobody else (tightened to 0700
    when it is ours). Made for a folder in the shared temporary folder, where anyone could
    create the name first; exit 3 otherwise."""
    with suppress(FileExistsError):  # a file or a link in its place: said below
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = os.lstat(folder)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        raise BackendError(
            f"The folder {folder}, where handoffs keeps the locks of Google Sheets runs when "
            "the cache folder cannot be used, is not a folder of yours (another user, or a "
            "link, made it first). Nothing was written. Remove it, or set XDG_CACHE_HOME to a "
            "folder of yours, and run again."
        )
    if info.st_mode & 0o077:
        folder.chmod(0o700)
    return folder


def _a_link(path: Path) -> str:
    return (
        f"The lock file {path} is a symbolic link, which handoffs never makes: someone put it "
        "there, perhaps to make a run change another file. Nothing was written, and the file "
        f"it points to was not touched. Delete the link (rm '{path}') when no handoffs run is "
        "active, and check who can write that folder."
    )


def _lock_problem(path: Path, error: OSError) -> str:
    try:
        found = os.lstat(path)  # the lock itself, never a file a link points to
    except OSError:
        found = None
    if found is not None and stat.S_ISLNK(found.st_mode):
        return _a_link(path)
    if found is not None:
        return (
            f"Cannot take the lock file {path} ({error.strerror or error}): it was left by "
            f"another user's run (owner uid {found.st_uid}, permissions "
            f"{oct(found.st_mode & 0o777)[2:]}). When no handoffs run is active, delete it "
            f"(rm '{path}'); the lock files handoffs creates now can be taken by every user. "
            "Nothing was written."
        )
    return (
        f"Cannot create the lock file {path} ({error.strerror or error}): the folder "
        f"{path.parent} is not writable for you. Make it writable, or move the spreadsheet "
        "to a folder you can write. Nothing was written."
    )
