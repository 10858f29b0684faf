"""`init`: the missing tabs of a team's or an organisation's spreadsheet, with headers, a frozen
header row and dropdowns; never touching existing data (docs/commands.md)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from handoffs.app.load import input_titles
from handoffs.app.sample_team import aligned_rows, demo_rows
from handoffs.app.sheet_kind import refuse_other_kind, team_backend
from handoffs.backends import open_backend
from handoffs.backends.lock import run_lock
from handoffs.config import Config
from handoffs.model.errors import UsageError
from handoffs.model.schema import (
    TabSchema,
    generated_layouts,
    input_schemas,
    org_layouts,
    org_schemas,
)
from handoffs.model.spreadsheet import GENERATED_NOTE, NewTab, RawTab


@dataclass
class InitOutcome:
    location: str
    created: list[str] = field(default_factory=list)
    filled: list[str] = field(default_factory=list)


def initialize(config: Config, today: dt.date, *, demo: bool = False) -> InitOutcome:
    """Create missing tabs (headers, frozen row, dropdowns); with `demo`, a sample team."""
    if config.organisation and not demo:  # an organisation's spreadsheet (docs/rollup.md)
        return initialize_org(config)

    backend = team_backend(config, "init --demo")
    schemas = input_schemas()
    generated = [t.title for t in generated_layouts().values()]
    with run_lock(backend, creating=True):
        existing = backend.read(
            [*input_titles(), *generated, org_schemas()["teams"].title], missing_ok=True
        )
        refuse_other_kind(existing, backend.location, organisation=False)
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
        for layout in generated_layouts().values():
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
            raise UsageError(
                f"The {schema.title} tab already has rows; `init --demo` only fills an empty "
                "spreadsheet. Run `handoffs demo` for a separate sample workbook."
            )


def initialize_org(config: Config) -> InitOutcome:
    """Create the Teams tab (header, frozen row, Status dropdown) and the Org tabs if missing."""
    backend = open_backend(config)
    schema = org_schemas()["teams"]
    layouts = list(org_layouts().values())
    with run_lock(backend, creating=True):
        titles = [schema.title, *(t.title for t in layouts), input_schemas()["handoffs"].title]
        existing = backend.read(titles, missing_ok=True)
        refuse_other_kind(existing, backend.location, organisation=True)
        plan: list[NewTab] = []
        outcome = InitOutcome(backend.location)
        if schema.title not in existing:
            dropdowns = {i: f.enum for i, f in enumerate(schema.fields) if f.enum}
            plan.append(NewTab(schema.title, schema.header, dropdowns))
        plan += [NewTab(t.title, t.columns) for t in layouts if t.title not in existing]
        outcome.created = [tab.title for tab in plan]
        if plan:
            backend.initialize(plan)
    return outcome
