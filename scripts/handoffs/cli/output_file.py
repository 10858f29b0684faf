"""Writing a command's `--output FILE` (review-prep, onboard, template): see docs/commands.md."""

from __future__ import annotations

from pathlib import Path

from handoffs.model.errors import UsageError


def write_output(path: Path, text: str) -> None:
    """Write `text` (UTF-8) to `path`, creating missing parent folders.

    A path that cannot be written is a usage error (exit 2) naming the path and why; the
    printed text is not lost, as the same command without --output prints it."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except (FileExistsError, NotADirectoryError):
        files = (p for p in reversed(path.parents) if p.exists() and not p.is_dir())
        blocking = next(files, path.parent)
        raise _cannot_write(path, f"{blocking} is a file, not a folder") from None
    except OSError as exc:
        raise _cannot_write(path, exc.strerror or type(exc).__name__) from None


def _cannot_write(path: Path, reason: str) -> UsageError:
    return UsageError(
        f"Cannot write --output {path}: {reason}. Choose a file in a folder you can write to, "
        "or leave out --output to print it."
    )
