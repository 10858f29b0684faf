"""Hand-built teams for scenario tests: rows as dicts keyed by field name, laid out under the
schema's headers, as a backend would hand them over (or saved as a workbook)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from handoffs.checks.validate import validate
from handoffs.config import ScoringConfig
from handoffs.figures.rankings import with_hours
from handoffs.model.dataset import Dataset
from handoffs.model.schema import input_schemas
from handoffs.model.spreadsheet import RawTab
from tests.conftest import TODAY, write_workbook

Row = dict[str, Any]


def handoff(hid: str, frm: str = "Analyst", to: str = "Writer", **fields: Any) -> Row:
    """An active, fully described handoff split for a specialization (override any field)."""
    return {
        "handoff_id": hid,
        "workflow": "Report",
        "step": 1,
        "from_role": frm,
        "to_role": to,
        "artifact": "Draft",
        "context_travels": "format, decisions",
        "context_lost": "assumptions",
        "split_reason": "specialization",
        "decision_note": "different skills",
        "status": "active",
        **fields,
    }


def health(month: str, hid: str, hours: float = 0.0, **fields: Any) -> Row:
    """A Health row losing exactly `hours` (as rework requests at 2 hours each, plus minutes)."""
    rework, rest = divmod(hours, 2.0)
    return {
        "month": month,
        "handoff_id": hid,
        "rework_requests": int(rework),
        "format_minutes": rest * 60,
        "delay_days": 0,
        **fields,
    }


def months_of(quarter: str) -> list[str]:
    year, q = quarter.split("-Q")
    first = 3 * int(q) - 2
    return [f"{year}-{m:02d}" for m in range(first, first + 3)]


def quarter_health(quarter: str, hid: str, per_month: float) -> list[Row]:
    return [health(month, hid, per_month) for month in months_of(quarter)]


def contract(hid: str, **fields: Any) -> Row:
    """An active, complete contract reviewed recently."""
    return {
        "handoff_id": hid,
        "deliverable": "the draft",
        "format": "Doc",
        "sender_context": "decisions, AI tools used",
        "receiver_checks": "sources cited",
        "contact": "Ana",
        "status": "active",
        "last_reviewed": TODAY - dt.timedelta(days=10),
        "owner": "Ana",
        **fields,
    }


def flag(hid: str, by: str | None, at: dt.datetime, **fields: Any) -> Row:
    return {
        "flagged_at": at,
        "flagged_by": by,
        "handoff_id": hid,
        "what_went_wrong": "something was missing",
        "suggested_fix": "add it to the contract",
        **fields,
    }


def review(quarter: str, hid: str, **fields: Any) -> Row:
    return {
        "quarter": quarter,
        "handoff_id": hid,
        "failure_case": "sent without assumptions",
        "fix_type": "contract update",
        "fix": "assumptions become mandatory",
        "owner": "Ana",
        "deadline": dt.date(2026, 8, 15),
        "status": "done",
        **fields,
    }


def member(person: str, role: str, manager: bool = False, **fields: Any) -> Row:
    return {"person": person, "role": role, "is_manager": manager, **fields}


def grids(**tabs: list[Row]) -> dict[str, list[list[Any]]]:
    """Every input tab as rows under its schema header (tabs not given are header-only)."""
    out = {}
    for name, schema in input_schemas().items():
        records = tabs.get(name, [])
        out[schema.title] = [
            list(schema.header),
            *([record.get(f.name) for f in schema.fields] for record in records),
        ]
    return out


def dataset(today: dt.date = TODAY, **tabs: list[Row]) -> Dataset:
    raw = {title: RawTab(title, rows) for title, rows in grids(**tabs).items()}
    return with_hours(validate(raw, today), ScoringConfig())


def workbook(path: Path, **tabs: list[Row]) -> Path:
    return write_workbook(path, grids(**tabs))
