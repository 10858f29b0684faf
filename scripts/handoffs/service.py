"""The use cases behind each command: read, validate, compute, write. No presentation here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from handoffs.backends import open_backend
from handoffs.backends.lock import flag_wait, run_lock
from handoffs.config import Config, ScoringConfig
from handoffs.errors import ConfigError
from handoffs.schema import TabSchema, generated_tabs, input_schemas
from handoffs.sheet import GENERATED_NOTE, XLSX_CELL_LIMIT, Backend, NewTab, RawTab, TabContent

if TYPE_CHECKING:  # pandas-backed modules are imported lazily, inside the use cases
    from handoffs.document import Document
    from handoffs.flags import FlagsHeader
    from handoffs.notes import NoteCheck, NoteContext
    from handoffs.notify_run import Channels, NoticeOutcome
    from handoffs.periods import Period
    from handoffs.validate import Dataset

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
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
        t.title for name, t in generated_tabs().items() if name not in ("review_prep", "notices")
    ]


def load_sheet(
    backend: Backend, today: dt.date, scoring: ScoringConfig, *, also: Sequence[str] = ()
) -> Loaded:
    """Read every input tab, the Summary and the tabs `also` names in one pass, validate, add
    each Health row's hours lost, and compare the Flags header with the order the last refresh
    remembered (a change is a warning)."""
    from handoffs.figures import with_hours
    from handoffs.flags import track, with_header_warning
    from handoffs.rejected import errors_by_handoff
    from handoffs.validate import validate

    summary = generated_tabs()["summary"].title
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
    from handoffs.notes import check

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


@dataclass
class RefreshOutcome:
    dataset: Dataset
    period: Period | None
    tabs: list[TabContent]
    written: bool
    location: str
    strict: bool = False  # --strict: data errors make the run fail
    notices: NoticeOutcome | None = None  # with notify=True
    changed: bool = True  # False: the generated tabs already showed this, so nothing was written

    @property
    def exit_code(self) -> int:
        """1 when `strict` and the data has errors (the tabs are written all the same); else 5
        when a notice could not be delivered."""
        if self.strict and self.dataset.report.errors:
            return 1
        return self.notices.exit_code if self.notices is not None else 0


def refresh(
    config: Config,
    today: dt.date,
    *,
    month: str | None = None,
    dry_run: bool = False,
    strict: bool = False,
    force: bool = False,
    now: dt.datetime | None = None,
    progress: Progress = _quiet,
    notify: bool = False,
) -> RefreshOutcome:
    """Validate, compute the figures and rewrite every generated tab in one write, unless the
    tabs already show exactly this (the Last changed stamp aside) and `force` is not given.
    `now` is the Last changed stamp (the clock when not given). `notify`: also send what is
    new (docs/notices.md) and record it in the Notices tab, in that same write."""
    from handoffs.notices import notices_title
    from handoffs.notify_run import notify_channels
    from handoffs.periods import default_period, requested
    from handoffs.tabs import build_tabs
    from handoffs.unchanged import tabs_unchanged

    asked = requested(month, today, option="--month", months=1) if month else None
    channels = notify_channels(config) if notify else None  # exit 2 before anything is read
    backend = open_backend(config)
    with run_lock(backend):
        progress("reading the spreadsheet")
        also = [*refreshed_titles(), *([notices_title()] if notify else [])]
        loaded = load_sheet(backend, today, config.scoring, also=also)
        dataset = loaded.dataset
        period = asked or default_period(dataset)
        progress("computing figures")
        notes, folder = read_notes(config)
        tabs = build_tabs(
            dataset,
            period,
            config,
            now or dt.datetime.now(),
            notes=notes,
            notes_folder=folder,
            flags_header=loaded.flags_header,
            contract_errors=loaded.contract_errors,
        )
        notices = None
        if channels is not None:
            progress("sending notices")
            notices = _notices(config, backend, loaded, channels, now, dry_run)
        changed = force or not tabs_unchanged(tabs, loaded.tabs)
        writes = [*(tabs if changed else []), *([notices.tab] if notices and notices.tab else [])]
        if writes and not dry_run:
            progress("writing the generated tabs")
            backend.write_generated(writes)
    return RefreshOutcome(
        dataset, period, tabs, changed and not dry_run, backend.location, strict, notices, changed
    )


def _notices(
    config: Config,
    backend: Backend,
    loaded: Loaded,
    channels: Channels,
    now: dt.datetime | None,
    dry_run: bool,
) -> NoticeOutcome:
    from handoffs.notices import notices_title
    from handoffs.notify_run import run_notices

    notes, folder = read_notes(config)
    return run_notices(
        loaded.dataset,
        loaded.tabs.get(notices_title()),
        config,
        channels,
        backend.tab_url,
        (now or dt.datetime.now()).replace(microsecond=0),
        notes=notes,
        notes_folder=folder,
        dry_run=dry_run,
    )


def notify(
    config: Config, today: dt.date, *, dry_run: bool = False, now: dt.datetime | None = None
) -> NoticeOutcome:
    """Send what is new since the Notices tab (docs/notices.md) and record it there."""
    from handoffs.notices import notices_title
    from handoffs.notify_run import notify_channels

    channels = notify_channels(config)
    backend = open_backend(config)
    with run_lock(backend):
        loaded = load_sheet(backend, today, config.scoring, also=[notices_title()])
        outcome = _notices(config, backend, loaded, channels, now, dry_run)
        if outcome.tab is not None and not dry_run:
            backend.write_generated([outcome.tab])
    return outcome


@dataclass
class ValidateOutcome:
    dataset: Dataset

    @property
    def exit_code(self) -> int:
        """1 when any problem is an error (docs/commands.md#exit-codes)."""
        return 1 if self.dataset.report.errors else 0


def validate_sheet(config: Config, today: dt.date) -> ValidateOutcome:
    """Validate only: nothing is written."""
    if config.organisation:  # an organisation's spreadsheet: its Teams tab (docs/rollup.md)
        from handoffs.org_service import check_teams

        return ValidateOutcome(check_teams(config, today))
    return ValidateOutcome(load(open_backend(config, read_only=True), today, config.scoring))


@dataclass
class InitOutcome:
    location: str
    created: list[str] = field(default_factory=list)
    filled: list[str] = field(default_factory=list)


def initialize(config: Config, today: dt.date, *, demo: bool = False) -> InitOutcome:
    """Create missing tabs (headers, frozen row, dropdowns); with `demo`, a sample team."""
    from handoffs.demo import aligned_rows, demo_rows

    if config.organisation and not demo:  # an organisation's spreadsheet (docs/rollup.md)
        from handoffs.org_service import initialize_org

        return initialize_org(config)

    backend = open_backend(config)
    schemas = input_schemas()
    generated = [t.title for t in generated_tabs().values()]
    with run_lock(backend, creating=True):
        existing = backend.read([*input_titles(), *generated], missing_ok=True)
        samples = demo_rows(today) if demo else {}
        if demo:
            _refuse_demo_over_data(existing, schemas)
        plan: list[NewTab] = []
        outcome = InitOutcome(backend.location)
        for name, schema in schemas.items():
            found = existing.get(schema.title)
            rows = samples.get(name, [])
            if found is None:
                dropdowns = _dropdowns(schema)
                plan.append(NewTab(schema.title, schema.header, dropdowns, rows))
                outcome.created.append(schema.title)
            elif rows:
                header = found.header if any(c is not None for c in found.header) else schema.header
                plan.append(  # into the tab as it is named, whatever its case
                    NewTab(found.title, header, {}, aligned_rows(schema, header, rows), exists=True)
                )
            if rows:
                outcome.filled.append(schema.title)
        for layout in generated_tabs().values():
            if layout.title not in existing:
                plan.append(NewTab(layout.title, layout.columns, note=GENERATED_NOTE))
                outcome.created.append(layout.title)
        if plan:
            backend.initialize(plan)
    return outcome


def _dropdowns(schema: TabSchema) -> dict[int, Sequence[str]]:
    """Choices offered in a new input tab: every enum, and TRUE/FALSE for a yes/no column."""
    dropdowns: dict[int, Sequence[str]] = {}
    for i, f in enumerate(schema.fields):
        if f.enum:
            dropdowns[i] = f.enum
        elif f.type == "boolean":
            dropdowns[i] = ("TRUE", "FALSE")
    return dropdowns


def _refuse_demo_over_data(existing: dict[str, RawTab], schemas: dict[str, TabSchema]) -> None:
    for schema in schemas.values():
        tab = existing.get(schema.title)
        if tab is not None and any(any(c not in (None, "") for c in row) for row in tab.data_rows):
            raise ConfigError(
                f"The {schema.title} tab already has rows; `init --demo` only fills an empty "
                "spreadsheet. Run `handoffs demo` for a separate sample workbook."
            )


@dataclass
class ReviewPrepOutcome:
    agenda: dict[str, object]  # the JSON shape (README "review-prep JSON")
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
    from handoffs import agenda
    from handoffs import review_prep as prep
    from handoffs.tabs import review_prep_tab

    asked = prep.requested_period(today, quarterly=quarterly, month=month, quarter=quarter)
    backend = open_backend(config, read_only=not write)
    with run_lock(backend) if write else nullcontext():
        loaded = load_sheet(backend, today, config.scoring)
        dataset = loaded.dataset
        quarterly = quarterly or (asked is not None and asked.months == 3)
        period = asked or prep.default_agenda_period(dataset, quarterly=quarterly)
        notes, folder = read_notes(config) if period.months == 3 else (None, None)
        content = prep.build(
            dataset,
            config,
            period,
            notes=notes,
            notes_folder=folder,
            contract_errors=loaded.contract_errors,
        )
        document = agenda.document(content)
        if write:
            backend.write_generated([review_prep_tab(document)])
    return ReviewPrepOutcome(content, document, write, backend.location)


@dataclass
class FlagOutcome:
    location: str
    handoff_id: str
    flagged_at: dt.datetime


def add_flag(
    config: Config,
    at: dt.datetime,
    *,
    handoff: str,
    what: str,
    fix: str | None = None,
    by: str | None = None,
) -> FlagOutcome:
    """Append one friction flag (status new) below the Flags rows; nothing else is touched."""
    from handoffs.flags import flag_row, handoff_ids, resolve_handoff

    what, fix, by = what.strip(), (fix or "").strip() or None, (by or "").strip() or None
    if not what:
        raise ConfigError("--what is empty; say in one sentence what went wrong at the handoff.")
    for option, text in (("--what", what), ("--fix", fix), ("--by", by)):
        if text is not None and len(text) > XLSX_CELL_LIMIT:  # a cell would cut it short
            raise ConfigError(
                f"{option} is {len(text):,} characters; a spreadsheet cell holds at most "
                f"{XLSX_CELL_LIMIT:,}. Shorten it, and put long details in a document it names."
            )
    schemas = input_schemas()
    titles = (schemas["handoffs"].title, schemas["flags"].title)
    backend = open_backend(config)
    with run_lock(backend, wait=flag_wait()):
        tabs = backend.read(titles, merges=False)  # nothing is validated here
        for title in titles:
            if title not in tabs:
                raise ConfigError(
                    f"The spreadsheet has no {title} tab; run `handoffs init` to add it."
                )
        handoff_id = resolve_handoff(handoff, handoff_ids(tabs[titles[0]]))
        row = flag_row(tabs[titles[1]], at=at, handoff_id=handoff_id, what=what, fix=fix, by=by)
        backend.append_rows(tabs[titles[1]].title, [row])  # the tab as named, whatever its case
    return FlagOutcome(backend.location, handoff_id, at)


def onboard(
    config: Config, today: dt.date, *, person: str | None = None, role: str | None = None
) -> Document:
    """The first-week pack for a person (their role) or a role."""
    from handoffs.onboarding import pack

    if (person is None) == (role is None):
        raise ConfigError("Name a PERSON from the Team tab or give --role ROLE (one of them).")
    dataset = load(open_backend(config, read_only=True), today, config.scoring)
    return pack(dataset, config, person=person, role=role)


def note_template(config: Config, today: dt.date, handoff: str) -> str:
    """The handoff-note template for one handoff, with its contract's format and checks."""
    from handoffs.notes import template

    loaded = load_sheet(open_backend(config, read_only=True), today, config.scoring)
    return template(_note_context(loaded, handoff))


def _note_context(loaded: Loaded, handoff: str) -> NoteContext:
    """The handoff a note is for, as `template` and `check` name it."""
    from handoffs.notes import context_of
    from handoffs.rejected import refuse_rejected_handoff

    refuse_rejected_handoff(handoff, loaded.dataset, loaded.handoff_errors)
    return context_of(loaded.dataset, handoff)


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
    from handoffs.notes import check, refuse_other_handoff

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"Cannot read the note {path}: {exc}") from exc
    loaded = load_sheet(open_backend(config, read_only=True), today, config.scoring)
    result = check(text, path.name)
    handoff_id = _note_context(loaded, handoff).handoff_id
    refuse_other_handoff(result, handoff_id)
    return NoteOutcome(result, handoff_id)
