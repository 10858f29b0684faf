"""Reading a team's spreadsheet for a use case: every input tab (and the generated tabs asked
for) in one pass, checked, with each Health row's hours lost; and the checked notes of the
notes folder. Every command that reads a team's sheet goes through here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from handoffs.checks.error_rows import errors_by_handoff
from handoffs.checks.flags_header import FlagsHeader, track, with_header_warning
from handoffs.checks.notes import NoteCheck, check
from handoffs.checks.validate import validate
from handoffs.config import Config, ScoringConfig
from handoffs.figures.rankings import with_hours
from handoffs.model.dataset import Dataset
from handoffs.model.schema import generated_layouts, input_schemas
from handoffs.model.spreadsheet import Backend, RawTab

Progress = Callable[[str], None]


def say_nothing(_: str) -> None:
    """The default progress reporter: says nothing."""


def input_titles() -> list[str]:
    return [schema.title for schema in input_schemas().values()]


@dataclass
class Loaded:
    dataset: Dataset
    flags_header: FlagsHeader | None  # the Flags header order to remember in the Summary
    contract_errors: dict[str, tuple[int, ...]]  # Contracts rows left out, by handoff id
    handoff_errors: dict[str, tuple[int, ...]]  # Handoffs rows left out, by handoff id
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

    summary = generated_layouts()["summary"].title
    raw = backend.read(list(dict.fromkeys([*input_titles(), summary, *also])))
    dataset = with_hours(validate(raw, today), scoring)
    state = track(dataset.headers["flags"], raw.get(summary), today)
    return Loaded(
        with_header_warning(dataset, state),
        state,
        errors_by_handoff(raw, dataset, "contracts"),
        errors_by_handoff(raw, dataset, "handoffs"),
        raw,
    )


def load(backend: Backend, today: dt.date, scoring: ScoringConfig) -> Dataset:
    """Read every input tab in one pass, validate it and add the hours lost."""
    return load_sheet(backend, today, scoring).dataset


def read_notes(config: Config) -> tuple[list[NoteCheck] | None, str | None]:
    """The Markdown notes under `[templates] notes_folder`, checked; (None, None) when unset."""

    folder = config.templates.notes_folder
    if folder is None:
        return None, None
    paths = sorted(folder.rglob("*.md")) if folder.is_dir() else []
    checks = []
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            text = ""  # an unreadable note counts as not using the template
        checks.append(check(text, path.relative_to(folder).as_posix()))
    return checks, folder.name
