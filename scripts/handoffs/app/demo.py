"""`handoffs demo`, the one-command tour: a sample workbook with its config and a filled note,
refreshed, then its quarterly review prep. Re-running it never replaces a sample file someone
edited since (docs/commands.md)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from handoffs.app.init import initialize
from handoffs.app.load import input_titles
from handoffs.app.meetings import ReviewPrepOutcome, review_prep
from handoffs.app.refresh import RefreshOutcome, refresh
from handoffs.app.sample_team import DEMO_NOTE, demo_config
from handoffs.backends.xlsx_file import fingerprint
from handoffs.config import DEMO_CONFIG, load_config
from handoffs.model.errors import BackendError, UsageError

DEMO_WORKBOOK = "handoffs-demo.xlsx"
DEMO_NOTES = "handoffs-demo-notes"


@dataclass
class DemoOutcome:
    refresh: RefreshOutcome
    review: ReviewPrepOutcome
    config_file: Path
    kept: list[tuple[str, Path]] = field(default_factory=list)  # edited sample file -> kept as


_DEMO_STAMP = "# sample input tabs as written (sha256): "


def _set_aside(path: Path, today: dt.date) -> Path:
    """Rename a file the user changed to `<stem>-kept-<date>[-n]<suffix>` beside it."""
    for n in range(1, 1000):
        suffix = "" if n == 1 else f"-{n}"
        kept = path.with_name(f"{path.stem}-kept-{today.isoformat()}{suffix}{path.suffix}")
        if not kept.exists():
            path.rename(kept)
            return kept
    raise UsageError(f"{path} was edited and too many kept copies exist; move them away.")


def _edited_demo_files(folder: Path) -> list[Path]:
    """Sample files from an earlier demo that someone changed since: the workbook when its
    input tabs are not those the last demo wrote (using it through its config changes only
    generated tabs), the config and the sample note when their text differs."""
    config_file, workbook = folder / DEMO_CONFIG, folder / DEMO_WORKBOOK
    note = folder / DEMO_NOTES / DEMO_NOTE[0]
    try:
        config = config_file.read_text(encoding="utf-8") if config_file.exists() else ""
        written = note.read_text(encoding="utf-8") if note.exists() else DEMO_NOTE[1]
    except (OSError, UnicodeDecodeError):
        config, written = "", ""
    lines = config.splitlines(keepends=True)
    stamps = [line[len(_DEMO_STAMP) :].strip() for line in lines if line.startswith(_DEMO_STAMP)]
    settings = "".join(line for line in lines if not line.startswith(_DEMO_STAMP))
    edited = []
    if workbook.exists() and (not stamps or stamps[-1] != fingerprint(workbook, input_titles())):
        edited.append(workbook)
    if config_file.exists() and settings != demo_config(DEMO_WORKBOOK, DEMO_NOTES):
        edited.append(config_file)
    if note.exists() and written != DEMO_NOTE[1]:
        edited.append(note)
    return edited


def demo(folder: Path, today: dt.date, now: dt.datetime | None = None) -> DemoOutcome:
    """A fresh sample workbook in `folder` (with a config and a notes folder), refreshed, and
    its quarterly review prep: the one-command tour. Sample files someone edited since the last
    demo are kept under a dated name, never replaced."""
    path = folder / DEMO_WORKBOOK
    config_file = folder / DEMO_CONFIG
    try:
        kept = [(edited.name, _set_aside(edited, today)) for edited in _edited_demo_files(folder)]
        for stale in (path, path.with_name(f"{path.stem}.backup{path.suffix}")):
            stale.unlink(missing_ok=True)
        config_file.write_text(demo_config(DEMO_WORKBOOK, DEMO_NOTES), encoding="utf-8")
        notes = folder / DEMO_NOTES
        notes.mkdir(exist_ok=True)
        name, text = DEMO_NOTE
        (notes / name).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise BackendError(
            f"Cannot write the sample files in {folder} ({exc.strerror or exc}); run "
            "`handoffs demo` in a folder you can write."
        ) from None
    config = load_config(str(config_file))
    initialize(config, today, demo=True)
    refreshed = refresh(config, today, now=now)
    review = review_prep(config, today, quarterly=True)
    with config_file.open("a", encoding="utf-8") as stream:
        stream.write(f"{_DEMO_STAMP}{fingerprint(path, input_titles())}\n")
    return DemoOutcome(refreshed, review, config_file, kept)
