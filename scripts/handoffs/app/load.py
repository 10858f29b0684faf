"""Reading a team's spreadsheet for a use case: every input tab (and the generated tabs asked
for) in one pass, checked as `figures.sheet` checks every team's sheet (a roll-up's teams too);
and the checked notes of the notes folder. Every command that reads a team's sheet goes through
here. Also the organisation's Teams tab, checked as `rollup` and `validate` read it."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from handoffs.app.sheet_kind import refuse_other_kind
from handoffs.backends import open_backend
from handoffs.checks.notes import NoteCheck, check
from handoffs.checks.validate import validate
from handoffs.config import Config, ScoringConfig
from handoffs.figures.sheet import TeamSheet, check_sheet, summary_title
from handoffs.model.dataset import Dataset
from handoffs.model.errors import UsageError
from handoffs.model.schema import generated_layouts, input_schemas, org_schemas
from handoffs.model.spreadsheet import Backend, RawTab
from handoffs.rollup.teams_tab import GOOGLE, Teams, Workbooks, teams_of

Progress = Callable[[str], None]


def say_nothing(_: str) -> None:
    """The default progress reporter: says nothing."""


def input_titles() -> list[str]:
    return [schema.title for schema in input_schemas().values()]


@dataclass
class Loaded(TeamSheet):
    """A team's sheet as read and checked, and every tab read."""

    tabs: dict[str, RawTab] = field(default_factory=dict)  # every tab read, by title asked for


def refreshed_titles() -> list[str]:
    """The generated tabs `refresh` writes (Review Prep is written by `review-prep`)."""
    return [
        t.title for name, t in generated_layouts().items() if name not in ("review_prep", "notices")
    ]


def load_sheet(
    backend: Backend, today: dt.date, scoring: ScoringConfig, *, also: Sequence[str] = ()
) -> Loaded:
    """Read every input tab, the Summary and the tabs `also` names in one pass, validate, add
    each Health row's hours lost, and compare the Flags header with the order the last refresh
    remembered (a change is a warning)."""
    teams = org_schemas()["teams"].title  # only to refuse an organisation's spreadsheet
    raw = backend.read(list(dict.fromkeys([*input_titles(), summary_title(), *also, teams])))
    refuse_other_kind(raw, backend.location, organisation=False)
    sheet = check_sheet(raw, today, scoring, with_summary=True)
    return Loaded(
        sheet.dataset, sheet.flags_header, sheet.contract_errors, sheet.handoff_errors, raw
    )


def load(backend: Backend, today: dt.date, scoring: ScoringConfig) -> Dataset:
    """Read every input tab in one pass, validate it and add the hours lost."""
    return load_sheet(backend, today, scoring).dataset


def read_notes(config: Config) -> tuple[list[NoteCheck] | None, str | None]:
    """The Markdown notes under `[templates] notes_folder`, checked; (None, None) when unset."""
    folder = config.templates.notes_folder
    if folder is None:
        return None, None
    paths = _note_files(folder)
    checks = []
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            text = ""  # an unreadable note counts as not using the template
        checks.append(check(text, path.relative_to(folder).as_posix()))
    return checks, folder.name


def _note_files(folder: Path) -> list[Path]:
    """The regular .md files below `folder` (links to folders not followed; a FIFO or device
    named .md is skipped, as reading it would hang); folders that cannot be listed are skipped."""
    found = []
    for top, _, names in os.walk(folder):
        found += [Path(top, n) for n in names if n.endswith(".md") and Path(top, n).is_file()]
    return sorted(found)


def check_teams(config: Config, today: dt.date) -> Dataset:
    """Validate the Teams tab of an organisation's spreadsheet, as `rollup` would."""
    backend = open_backend(config, read_only=True)
    checked = validate(read_teams_tab(backend), today, org_schemas())
    checked.report = active_teams(config, backend, checked).report
    return checked


def read_teams_tab(backend: Backend) -> dict[str, RawTab]:
    """The Teams tab of an organisation's spreadsheet (a team's spreadsheet is refused)."""
    title, handoffs = org_schemas()["teams"].title, input_schemas()["handoffs"].title
    raw = backend.read([title])
    if title not in raw:
        refuse_other_kind(backend.read([handoffs]), backend.location, organisation=True)
        raise UsageError(
            f"{backend.location} has no {title} tab; run `handoffs init` to add it, then "
            "list one team per row."
        )
    return raw


def active_teams(config: Config, backend: Any, checked: Dataset) -> Teams:
    """The active teams of a validated Teams tab, with the problems only a roll-up sees."""
    if config.sheet.backend == "gsheets":  # its teams must be Google Sheets too
        return teams_of(checked, (GOOGLE, getattr(backend, "key", "")), None)
    folder = config.source.parent if config.source else Path.cwd()
    allowed = config.rollup.workbook_folder or folder
    workbooks = Workbooks(folder, allowed.resolve(), locate_file)
    return teams_of(checked, locate_file(config.sheet.path)[1], workbooks)


def locate_file(path: Path) -> tuple[Path, Hashable]:
    """A path with its links resolved, and the file it names by any name: its device and inode
    (a hard link, another case on a case-insensitive disk), else the resolved path."""
    resolved = path.resolve()
    try:
        found = resolved.stat()
    except OSError:
        return resolved, str(resolved)
    return resolved, (found.st_dev, found.st_ino)


@dataclass
class ValidateOutcome:
    """What `validate` found (it writes nothing): imported without refresh's notices and tabs."""

    dataset: Dataset

    @property
    def exit_code(self) -> int:
        """1 when any problem is an error (docs/commands.md#exit-codes)."""
        return 1 if self.dataset.report.errors else 0


def validate_sheet(config: Config, today: dt.date) -> ValidateOutcome:
    """Validate only: nothing is written."""
    if config.organisation:  # an organisation's spreadsheet: its Teams tab (docs/rollup.md)
        return ValidateOutcome(check_teams(config, today))
    return ValidateOutcome(load(open_backend(config, read_only=True), today, config.scoring))
