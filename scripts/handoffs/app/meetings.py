"""The use cases people run before and around meetings: `review-prep`, `onboard`, and the
handoff-note `template` and `check` (docs/commands.md)."""

from __future__ import annotations

import datetime as dt
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

from handoffs.app.load import Loaded, load, load_sheet, read_notes
from handoffs.app.sheet_kind import team_backend
from handoffs.backends import open_backend
from handoffs.backends.lock import run_lock
from handoffs.checks.error_rows import refuse_rejected_handoff
from handoffs.checks.notes import (
    NoteCheck,
    NoteContext,
    check,
    context_of,
    refuse_other_handoff,
    template,
)
from handoffs.config import Config, special_file
from handoffs.documents import agenda
from handoffs.documents import review_prep as prep
from handoffs.documents.onboarding import pack
from handoffs.figures.team import team_figures
from handoffs.model.document import Document
from handoffs.model.errors import UsageError
from handoffs.tabs.review_prep_tab import review_prep_tab


@dataclass
class ReviewPrepOutcome:
    agenda: prep.Agenda  # the JSON shape (README "review-prep JSON")
    document: Document
    written: bool
    location: str


def review_prep(
    config: Config,
    today: dt.date,
    *,
    quarterly: bool = False,
    month: str | None = None,
    quarter: str | None = None,
    write: bool = True,
) -> ReviewPrepOutcome:
    """The monthly alignment check or quarterly review agenda; also written to the Review Prep
    tab in one atomic write unless `write` is False."""
    asked = prep.requested_period(today, quarterly=quarterly, month=month, quarter=quarter)
    backend = team_backend(config, "review-prep", read_only=not write)
    with run_lock(backend) if write else nullcontext():
        loaded = load_sheet(backend, today, config.scoring)
        dataset = loaded.dataset
        quarterly = quarterly or (asked is not None and asked.months == 3)
        period = asked or prep.default_agenda_period(dataset, quarterly=quarterly)
        notes, folder = read_notes(config) if period.months == 3 else (None, None)
        figures = team_figures(
            dataset,
            period,
            config,
            notes=notes,
            notes_folder=folder,
            contract_errors=loaded.contract_errors,
        )
        content = prep.build(figures)
        document = agenda.document(content)
        if write:
            backend.write_generated([review_prep_tab(document)])
    return ReviewPrepOutcome(content, document, write, backend.location)


def onboard(
    config: Config, today: dt.date, *, person: str | None = None, role: str | None = None
) -> Document:
    """The first-week pack for a person (their role) or a role."""
    if (person is None) == (role is None):
        raise UsageError("Name a PERSON from the Team tab or give --role ROLE (one of them).")
    dataset = load(team_backend(config, "onboard", read_only=True), today, config.scoring)
    return pack(dataset, config, person=person, role=role)


def note_template(config: Config, today: dt.date, handoff: str) -> str:
    """The handoff-note template for one handoff, with its contract's format and checks."""
    loaded = load_sheet(team_backend(config, "template", read_only=True), today, config.scoring)
    return template(_note_context(loaded, handoff))


def _note_context(loaded: Loaded, handoff: str) -> NoteContext:
    """The handoff a note is for, as `template` and `check` name it."""
    refuse_rejected_handoff(handoff, loaded.dataset, loaded.handoff_errors)
    return context_of(loaded.dataset, handoff)


def kept_files(config: Config) -> tuple[list[tuple[str, Path]], list[tuple[str, Path]]]:
    """What `--output` must never replace (docs/commands.md): the files handoffs keeps, as
    (what, path), and the folders whose existing files are the team's (the notes folder)."""
    backend = open_backend(config, read_only=True)
    kept = [("the spreadsheet's lock file", Path(backend.lock_path))]
    backup = getattr(backend, "backup_path", None)  # a local workbook's
    if backup is not None:
        kept += [("the workbook", config.sheet.path), ("the workbook's backup", backup)]
    if config.source is not None:
        kept.append(("the config file", config.source))
    if config.sheet.credentials not in ("", "oauth", "adc"):
        kept.append(("the credentials key file", Path(config.sheet.credentials)))
    folder = config.templates.notes_folder
    return kept, [("the notes folder", folder)] if folder is not None else []


@dataclass
class NoteOutcome:
    result: NoteCheck
    handoff_id: str  # as the Handoffs tab spells it

    @property
    def exit_code(self) -> int:
        """1 when a required section is missing or empty."""
        return 0 if self.result.complete else 1


def check_note(config: Config, today: dt.date, path: Path, handoff: str) -> NoteOutcome:
    """Check a filled note for one handoff: it is that handoff's note, and every required
    section is present and non-empty."""
    kind = special_file(path)
    if kind is not None:  # a FIFO would hang the read
        raise UsageError(f"Cannot read the note {path}: it is {kind}, not a file.")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"Cannot read the note {path}: {exc}") from exc
    loaded = load_sheet(team_backend(config, "check", read_only=True), today, config.scoring)
    result = check(text, path.name)
    handoff_id = _note_context(loaded, handoff).handoff_id
    refuse_other_handoff(result, handoff_id)
    return NoteOutcome(result, handoff_id)
