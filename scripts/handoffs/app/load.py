"""Reading a team's spreadsheet for a use case: every input tab (and the generated tabs asked
for) in one pass, checked as `figures.sheet` checks every team's sheet (a roll-up's teams too);
and the checked notes of the notes folder. Every command that reads a team's sheet goes through
here. Also the organisation's Teams tab, checked as `rollup` and `validate` read it."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from handoffs.backends import open_backend
from handoffs.checks.notes import NoteCheck, check
from handoffs.checks.validate import validate
from handoffs.config import Config, ScoringConfig
from handoffs.figures.sheet import TeamSheet, check_sheet, summary_title
from handoffs.model.dataset import Dataset
from handoffs.model.schema import generated_layouts, input_schemas, org_schemas
from handoffs.model.spreadsheet import Backend, RawTab
from handoffs.rollup.teams_tab import Teams, teams_of

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
    raw = backend.read(list(dict.fromkeys([*input_titles(), summary_title(), *also])))
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
    raw = backend.read([org_schemas()["teams"].title])
    checked = validate(raw, today, org_schemas())
    checked.report = active_teams(config, backend, checked).report
    return checked


def active_teams(config: Config, backend: Any, checked: Dataset) -> Teams:
    """The active teams of a validated Teams tab, with the problems only a roll-up sees."""
    folder = config.source.parent if config.source else Path.cwd()
    if config.sheet.backend == "gsheets":
        own = getattr(backend, "key", "")
    else:
        own = str(config.sheet.path.resolve())
    return teams_of(checked, folder, own)
