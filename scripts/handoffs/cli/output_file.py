"""Writing a command's `--output FILE` (review-prep, onboard, template): see docs/commands.md.

The file is never one handoffs keeps (the workbook, its backup and lock, the config, the
credentials key) nor an existing file of the notes folder: those are refused (exit 2) before
anything runs, whatever link, hard link or spelling of case leads to them."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from handoffs.model.errors import UsageError


def write_output(
    path: Path,
    text: str,
    kept: Sequence[tuple[str, Path]] = (),
    folders: Sequence[tuple[str, Path]] = (),
) -> None:
    """Write `text` (UTF-8) to `path`, creating missing parent folders.

    A path that cannot be written is a usage error (exit 2) naming the path and why; the
    printed text is not lost, as the same command without --output prints it. `kept` and
    `folders` are as in `refuse_kept_file`, checked again just before writing."""
    refuse_kept_file(path, kept, folders)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except (FileExistsError, NotADirectoryError):
        files = (p for p in reversed(path.parents) if p.exists() and not p.is_dir())
        blocking = next(files, path.parent)
        raise _cannot_write(path, f"{blocking} is a file, not a folder") from None
    except OSError as exc:
        raise _cannot_write(path, exc.strerror or type(exc).__name__) from None


def refuse_kept_file(
    path: Path, kept: Sequence[tuple[str, Path]], folders: Sequence[tuple[str, Path]] = ()
) -> None:
    """Exit 2 when `path` is one of the `kept` files ((what it is, path)) or an existing file
    inside one of the `folders`, reached by any link, hard link or case of its name."""
    for what, other in kept:
        if _same_file(path, other):
            raise _cannot_write(
                path, f"it is {what} ({other}), which --output would replace", _OTHER
            )
    for what, folder in folders:
        if _existing_inside(path, folder):
            raise _cannot_write(
                path, f"it is a file of {what} ({folder}), which --output would replace", _OTHER
            )


def _same_file(path: Path, other: Path) -> bool:
    """The same file: one inode when both exist; else the same real path, compared the way a
    case-insensitive file system compares names."""
    try:
        if os.path.samefile(path, other):
            return True
    except OSError:
        pass
    mine, theirs = _real(path), _real(other)
    if mine.name.casefold() != theirs.name.casefold():
        return False
    return _same_folder(mine.parent, theirs.parent)


def _existing_inside(path: Path, folder: Path) -> bool:
    """`path` names a file that exists in `folder` (or a folder below it), its names compared
    the way a case-insensitive file system compares them."""
    real, top = _real(path), _real(folder)
    for depth, parent in enumerate(real.parents):
        if _same_folder(parent, top):
            here = top
            for part in real.parts[len(real.parts) - depth - 1 :]:
                found = _entry(here, part)
                if found is None:
                    return False
                here = found
            return here.is_file()
    return False


def _entry(folder: Path, name: str) -> Path | None:
    """The entry of `folder` called `name`, in any case."""
    try:
        return next((p for p in folder.iterdir() if p.name.casefold() == name.casefold()), None)
    except OSError:
        return None


def _same_folder(one: Path, other: Path) -> bool:
    try:
        return os.path.samefile(one, other)
    except OSError:
        return _folded(one) == _folded(other)


def _real(path: Path) -> Path:
    return Path(os.path.realpath(path.expanduser()))


def _folded(path: Path) -> str:
    return os.path.normcase(str(path)).casefold()


_ELSEWHERE = "Choose a file in a folder you can write to"
_OTHER = "Choose a new file name"


def _cannot_write(path: Path, reason: str, advice: str = _ELSEWHERE) -> UsageError:
    return UsageError(
        f"Cannot write --output {path}: {reason}. {advice}, or leave out --output to print it."
    )
