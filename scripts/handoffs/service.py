"""The use cases behind each command: read, validate, compute, write. No presentation here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from handoffs.backends import open_backend
from handoffs.config import Config
from handoffs.errors import ConfigError, LockedError
from handoffs.schema import TabSchema, generated_tabs, input_schemas, normalise_header
from handoffs.sheet import Backend, CellValue, NewTab, RawTab, TabContent

if TYPE_CHECKING:  # pandas-backed modules are imported lazily, inside the use cases
    from handoffs.document import Document
    from handoffs.figures import Period
    from handoffs.flags import FlagsHeader
    from handoffs.notes import NoteCheck
    from handoffs.validate import Dataset

Progress = Callable[[str], None]
DEMO_WORKBOOK = "handoffs-demo.xlsx"
DEMO_CONFIG = "handoffs-demo.toml"
DEMO_NOTES = "handoffs-demo-notes"


def _quiet(_: str) -> None:
    """The default progress reporter: says nothing."""


@contextmanager
def run_lock(backend: Backend) -> Iterator[None]:
    """Hold the lock of this spreadsheet, or fail at once with exit 4."""
    from filelock import FileLock, Timeout

    lock = FileLock(backend.lock_path, timeout=0)
    try:
        with lock:
            yield
    except Timeout:
        raise LockedError(
            f"Another handoffs run is working on {backend.location} (lock {backend.lock_path}); "
            "try again when it has finished."
        ) from None


def input_titles() -> list[str]:
    return [schema.title for schema in input_schemas().values()]


@dataclass
class Loaded:
    dataset: Dataset
    flags_header: FlagsHeader | None  # the Flags header order to remember in the Summary
    tabs: dict[str, RawTab] = field(default_factory=dict)  # every tab read, by title asked for


def refreshed_titles() -> list[str]:
    """The generated tabs `refresh` writes (Review Prep is written by `review-prep`)."""
    return [t.title for name, t in generated_tabs().items() if name != "review_prep"]


def load_sheet(backend: Backend, today: dt.date, *, also: Sequence[str] = ()) -> Loaded:
    """Read every input tab, the Summary and the tabs `also` names in one pass, validate, and
    compare the Flags header with the order the last refresh remembered (a change is a
    warning)."""
    from handoffs.flags import track, with_header_warning
    from handoffs.validate import validate

    summary = generated_tabs()["summary"].title
    raw = backend.read(list(dict.fromkeys([*input_titles(), summary, *also])))
    dataset = validate(raw, today)
    state = track(dataset.headers["flags"], raw.get(summary), today)
    return Loaded(with_header_warning(dataset, state), state, raw)


def load(backend: Backend, today: dt.date) -> Dataset:
    """Read every input tab in one pass and validate it."""
    return load_sheet(backend, today).dataset


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
    changed: bool = True  # False: the generated tabs already showed this, so nothing was written


def refresh(
    config: Config,
    today: dt.date,
    *,
    month: str | None = None,
    dry_run: bool = False,
    force: bool = False,
    now: dt.datetime | None = None,
    progress: Progress = _quiet,
) -> RefreshOutcome:
    """Validate, compute the figures and rewrite every generated tab in one write, unless the
    tabs already show exactly this (the Last changed stamp aside) and `force` is not given."""
    from handoffs.figures import Period, default_period
    from handoffs.tabs import build_tabs
    from handoffs.unchanged import tabs_unchanged

    backend = open_backend(config)
    with run_lock(backend):
        progress("reading the spreadsheet")
        loaded = load_sheet(backend, today, also=refreshed_titles())
        dataset = loaded.dataset
        period = Period.parse(month) if month else default_period(dataset)
        if period is not None and period.months != 1:
            raise ConfigError("--month takes a month as YYYY-MM, e.g. 2026-10.")
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
        )
        changed = force or not tabs_unchanged(tabs, loaded.tabs)
        if changed and not dry_run:
            progress("writing the generated tabs")
            backend.write_generated(tabs)
    return RefreshOutcome(dataset, period, tabs, changed and not dry_run, backend.location, changed)


def check(config: Config, today: dt.date) -> Dataset:
    """Validate only: nothing is written."""
    return load(open_backend(config, read_only=True), today)


@dataclass
class InitOutcome:
    location: str
    created: list[str] = field(default_factory=list)
    filled: list[str] = field(default_factory=list)


def _aligned(
    schema: TabSchema, header: Sequence[object], rows: list[list[CellValue]]
) -> list[list[CellValue]]:
    """Demo rows (schema order) laid out under an existing header."""
    where = {normalise_header(text): i for i, text in enumerate(header) if text is not None}
    positions = [
        where.get(normalise_header(f.title), where.get(normalise_header(f.name)))
        for f in schema.fields
    ]
    width = max([len(header), *(p + 1 for p in positions if p is not None)])
    aligned = []
    for row in rows:
        out: list[CellValue] = [None] * width
        for value, position in zip(row, positions, strict=True):
            if position is not None:
                out[position] = value
        aligned.append(out)
    return aligned


def initialize(config: Config, today: dt.date, *, demo: bool = False) -> InitOutcome:
    """Create missing tabs (headers, frozen row, dropdowns); with `demo`, a sample team."""
    from handoffs.demo import demo_rows

    backend = open_backend(config)
    schemas = input_schemas()
    generated = [t.title for t in generated_tabs().values()]
    with run_lock(backend):
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
                dropdowns = {i: f.enum for i, f in enumerate(schema.fields) if f.enum}
                plan.append(NewTab(schema.title, schema.header, dropdowns, rows))
                outcome.created.append(schema.title)
            elif rows:
                header = found.header if any(c is not None for c in found.header) else schema.header
                plan.append(  # into the tab as it is named, whatever its case
                    NewTab(found.title, header, {}, _aligned(schema, header, rows), exists=True)
                )
            if rows:
                outcome.filled.append(schema.title)
        for layout in generated_tabs().values():
            if layout.title not in existing:
                plan.append(NewTab(layout.title, layout.columns))
                outcome.created.append(layout.title)
        if plan:
            backend.initialize(plan)
    return outcome


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
        dataset = load(backend, today)
        quarterly = quarterly or (asked is not None and asked.months == 3)
        period = asked or prep.default_agenda_period(dataset, quarterly=quarterly)
        notes, folder = read_notes(config) if period.months == 3 else (None, None)
        content = prep.build(dataset, config, period, notes=notes, notes_folder=folder)
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
    schemas = input_schemas()
    titles = (schemas["handoffs"].title, schemas["flags"].title)
    backend = open_backend(config)
    with run_lock(backend):
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
    dataset = load(open_backend(config, read_only=True), today)
    return pack(dataset, config, person=person, role=role)


def note_template(config: Config, today: dt.date, handoff: str) -> str:
    """The handoff-note template for one handoff, with its contract's format and checks."""
    from handoffs.notes import context_of, template

    dataset = load(open_backend(config, read_only=True), today)
    return template(context_of(dataset, handoff))


def check_note(config: Config, today: dt.date, path: Path, handoff: str) -> tuple[NoteCheck, str]:
    """Check a filled note for one handoff: every required section present and non-empty."""
    from handoffs.notes import check, context_of

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"Cannot read the note {path}: {exc}") from exc
    dataset = load(open_backend(config, read_only=True), today)
    return check(text, path.name), context_of(dataset, handoff).handoff_id


@dataclass
class DemoOutcome:
    refresh: RefreshOutcome
    review: ReviewPrepOutcome
    config_file: Path


def demo(folder: Path, today: dt.date, now: dt.datetime | None = None) -> DemoOutcome:
    """A fresh sample workbook in `folder` (with a config and a notes folder), refreshed, and
    its quarterly review prep: the one-command tour."""
    from handoffs.config import load_config
    from handoffs.demo import DEMO_NOTE, demo_config

    path = folder / DEMO_WORKBOOK
    for stale in (path, path.with_name(f"{path.stem}.backup{path.suffix}")):
        stale.unlink(missing_ok=True)
    config_file = folder / DEMO_CONFIG
    config_file.write_text(demo_config(DEMO_WORKBOOK, DEMO_NOTES), encoding="utf-8")
    notes = folder / DEMO_NOTES
    notes.mkdir(exist_ok=True)
    name, text = DEMO_NOTE
    (notes / name).write_text(text, encoding="utf-8")
    config = load_config(str(config_file))
    initialize(config, today, demo=True)
    refreshed = refresh(config, today, now=now)
    return DemoOutcome(refreshed, review_prep(config, today, quarterly=True), config_file)
