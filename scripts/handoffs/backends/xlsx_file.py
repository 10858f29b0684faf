"""The workbook file itself: what it is, whether it may be written, and how it is replaced.

Rules (docs/configuration.md#xlsx):

* A damaged, encrypted or foreign file is refused with a message (exit 3), never a traceback;
  a backup is named as a way out only when it exists and is itself a readable workbook.
* A symlinked workbook is written through to its target; lock and backup live beside the target,
  so both paths share one lock.
* A workbook without write permission is refused before anything is written.
* A write goes to a temporary file beside the workbook (`.<stem>-*<suffix>`) renamed over it;
  the version it replaces is first written, atomically too, to `<stem>.backup<suffix>`, always
  writable by its owner. Temporary files of earlier runs killed mid-write are removed by the next
  write (it holds the lock, so no other run is writing them).
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import tempfile
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from xml.etree.ElementTree import ParseError

from handoffs.backends.xlsx_package import Package
from handoffs.config import special_file
from handoffs.model.errors import BackendError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Compound File Binary: .xls, or an encrypted .xlsx
_ENCRYPTED_STREAM = "EncryptionInfo".encode("utf-16-le")
_NOTHING_WRITTEN = "Nothing was written."
# What reading a damaged part raises: truncated XML, a missing part, an index out of range …
# (openpyxl's InvalidFileException is turned into the same message where openpyxl is loaded)
DAMAGED = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    ParseError,
    KeyError,
    IndexError,
    ValueError,
    TypeError,
    AttributeError,
    EOFError,
    LookupError,
)


def target_of(path: Path) -> Path:
    """The file a write must change: the end of any chain of symlinks."""
    return Path(os.path.realpath(path))


def backup_of(path: Path) -> Path:
    target = target_of(path)
    return target.with_name(f"{target.stem}.backup{target.suffix}")


def is_valid_workbook(path: Path) -> bool:
    """A zip with a workbook part whose every member reads back (CRCs checked)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return "xl/workbook.xml" in archive.namelist() and archive.testzip() is None
    except (OSError, *DAMAGED):
        return False


def _way_out(path: Path) -> str:
    backup = backup_of(path)
    if is_valid_workbook(backup):
        return f"restore it from {backup.name} or re-save it from Excel or LibreOffice."
    return "re-save it from Excel or LibreOffice."


def damaged(path: Path, error: BaseException) -> BackendError:
    detail = f"{type(error).__name__}: {error}".strip().rstrip(":")
    return BackendError(
        f"{path} is not a readable .xlsx workbook ({detail}); {_way_out(path)} {_NOTHING_WRITTEN}"
    )


def check_file(path: Path) -> None:
    """Refuse what openpyxl cannot take, from the file's first bytes and its parts' headers:
    an encrypted workbook, an old .xls, anything that is not a zip, a part with a DTD; and,
    unopened, anything that is not a regular file (a FIFO would hang, /dev/zero never end)."""
    kind = special_file(path)
    if kind is not None:
        raise BackendError(f"{path} is {kind}, not a workbook file. {_NOTHING_WRITTEN}")
    try:
        with open(path, "rb") as stream:
            head = stream.read(8)
            if head == OLE_MAGIC:
                encrypted = _ENCRYPTED_STREAM in stream.read()
    except PermissionError as exc:
        raise BackendError(f"Cannot open {path}: permission denied.") from exc
    except OSError as exc:
        raise BackendError(f"Cannot read {path}: {exc}") from exc
    if head == OLE_MAGIC:
        if encrypted:
            raise BackendError(
                f"{path} is encrypted (protected by a password to open), so it cannot be read. "
                "Open it in Excel or LibreOffice and save it without a password, then run again. "
                f"{_NOTHING_WRITTEN}"
            )
        raise BackendError(
            f"{path} is an old binary Excel file (.xls), not an .xlsx workbook; open it in Excel "
            f"or LibreOffice and save it as .xlsx. {_NOTHING_WRITTEN}"
        )
    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                if info.filename.endswith((".xml", ".rels")) and _has_dtd(archive, info):
                    raise BackendError(
                        f"{path} is not a readable .xlsx workbook: its part {info.filename} "
                        "declares a DTD (<!DOCTYPE …>), which Excel never writes; "
                        f"{_way_out(path)} {_NOTHING_WRITTEN}"
                    )
    except DAMAGED as exc:
        raise damaged(path, exc) from exc


def _has_dtd(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    with archive.open(info) as part:
        head = part.read(2048)
    return b"<!DOCTYPE" in head.upper()


@contextmanager
def opening(path: Path) -> Iterator[None]:
    """Turn every failure of reading the workbook into a BackendError that says what to do."""
    try:
        yield
    except PermissionError as exc:
        raise BackendError(f"Cannot open {path}: permission denied.") from exc
    except DAMAGED as exc:
        raise damaged(path, exc) from exc
    except OSError as exc:
        raise BackendError(f"Cannot read {path}: {exc}") from exc


def require_writable(path: Path) -> None:
    """Refuse a workbook (or its folder) this user may not, or should not, write."""
    target = target_of(path)
    mode = target.stat().st_mode
    if not os.access(target, os.W_OK) or not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        raise BackendError(
            f"{path} is read-only (permissions {stat.filemode(mode)}), so it was not changed. "
            f"Make it writable (chmod u+w {target.name}) or point [sheet] path at a copy. "
            f"{_NOTHING_WRITTEN}"
        )
    if not os.access(target.parent, os.W_OK | os.X_OK):
        raise BackendError(
            f"The folder {target.parent} is read-only, so {target.name} cannot be replaced. "
            f"Make the folder writable or move the workbook. {_NOTHING_WRITTEN}"
        )


def leftovers(path: Path) -> list[Path]:
    """Temporary files of earlier writes to this workbook (a run killed mid-write): exactly the
    names `_temporary` makes, so a hidden file of the user's own is never taken for one."""
    target = target_of(path)
    made = re.compile(rf"\.{re.escape(target.stem)}-[a-z0-9_]{{8}}{re.escape(target.suffix)}")
    candidates = target.parent.glob(f".{target.stem}-*{target.suffix}")
    return sorted(p for p in candidates if made.fullmatch(p.name))


def _temporary(target: Path) -> tuple[int, str]:
    return tempfile.mkstemp(prefix=f".{target.stem}-", suffix=target.suffix, dir=target.parent)


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _write_file(destination: Path, mode: int, content: bytes, *, workbook: Path) -> None:
    """Write through a temporary file named after `workbook` (so the next write finds it if
    this one is killed), synced, then renamed over `destination`."""
    handle, temporary = _temporary(workbook)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, destination)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def replace(path: Path, content: bytes, *, previous: bytes | None) -> None:
    """Replace the workbook by `content`, first keeping `previous` (the bytes it was loaded
    from; None for a new workbook) as the backup."""
    target = target_of(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        for leftover in leftovers(target):
            leftover.unlink(missing_ok=True)
        mode = _default_mode() if previous is None else stat.S_IMODE(target.stat().st_mode)
        if previous is not None:
            _write_file(backup_of(target), mode | stat.S_IWUSR, previous, workbook=target)
        _write_file(target, mode, content, workbook=target)
    except OSError as exc:
        raise BackendError(f"Cannot write {path}: {exc}. {_NOTHING_WRITTEN}") from exc


def fingerprint(path: Path, titles: Iterable[str]) -> str | None:
    """A digest of these tabs exactly as stored (None when the file cannot be read): equal
    digests mean nobody changed them in between, since writes leave input tabs byte for byte."""
    digest = hashlib.sha256()
    try:
        package = Package(path.read_bytes())
        parts = package.sheet_parts()
        for title in titles:
            digest.update(title.encode() + b"\0")
            if title in parts:
                digest.update(package.read(parts[title]))
    except (OSError, *DAMAGED):
        return None
    return digest.hexdigest()
