"""The use cases behind each command: read, validate, compute, write. No presentation here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from handoffs.backends import open_backend
from handoffs.config import Config
from handoffs.errors import ConfigError, LockedError
from handoffs.schema import TabSchema, generated_tabs, input_schemas, normalise_header
from handoffs.sheet import Backend, CellValue, NewTab, RawTab, TabContent

if TYPE_CHECKING:  # pandas-backed modules are imported lazily, inside the use cases
    from handoffs.figures import Period
    from handoffs.validate import Dataset

Progress = Callable[[str], None]
DEMO_WORKBOOK = "handoffs-demo.xlsx"


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


def load(backend: Backend, today: dt.date) -> Dataset:
    """Read every input tab in one pass and validate it."""
    from handoffs.validate import validate

    return validate(backend.read(input_titles()), today)


@dataclass
class RefreshOutcome:
    dataset: Dataset
    period: Period | None
    tabs: list[TabContent]
    written: bool
    location: str


def refresh(
    config: Config,
    today: dt.date,
    *,
    month: str | None = None,
    dry_run: bool = False,
    now: dt.datetime | None = None,
    progress: Progress = _quiet,
) -> RefreshOutcome:
    """Validate, compute the figures and rewrite every generated tab in one write."""
    from handoffs.figures import Period, default_period
    from handoffs.tabs import build_tabs

    backend = open_backend(config)
    with run_lock(backend):
        progress("reading the spreadsheet")
        dataset = load(backend, today)
        period = Period.parse(month) if month else default_period(dataset)
        if period is not None and period.months != 1:
            raise ConfigError("--month takes a month as YYYY-MM, e.g. 2026-10.")
        progress("computing figures")
        tabs = build_tabs(dataset, period, config, now or dt.datetime.now())
        if not dry_run:
            progress("writing the generated tabs")
            backend.write_generated(tabs)
    return RefreshOutcome(dataset, period, tabs, not dry_run, backend.location)


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
                plan.append(
                    NewTab(schema.title, header, {}, _aligned(schema, header, rows), exists=True)
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


def demo(folder: Path, today: dt.date, now: dt.datetime | None = None) -> RefreshOutcome:
    """A fresh sample workbook in `folder`, refreshed: the one-command tour."""
    from handoffs.config import SheetConfig

    path = folder / DEMO_WORKBOOK
    for stale in (path, path.with_name(f"{path.stem}.backup{path.suffix}")):
        stale.unlink(missing_ok=True)
    config = replace(Config(), sheet=SheetConfig(path=path))
    initialize(config, today, demo=True)
    return refresh(config, today, now=now)
