"""Each command's outcome as the JSON document docs/json.md describes (shapes: `json_shapes`).

Plain dicts of plain values; `json_output.emit` prints them. Types of the outcomes only: the
use cases are loaded by the commands that run them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from handoffs.cli.json_output import document

if TYPE_CHECKING:
    from handoffs.app.flag import FlagOutcome
    from handoffs.app.load import ValidateOutcome
    from handoffs.app.meetings import NoteOutcome
    from handoffs.app.notify import NoticeOutcome
    from handoffs.app.refresh import RefreshOutcome
    from handoffs.app.rollup import RollupOutcome
    from handoffs.model.problems import Report
    from handoffs.model.spreadsheet import TabContent


def _text(value: Any) -> str:
    """A cell value as text: "" for an empty cell (None, NaN, pandas' NA)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    try:
        if value != value:  # pandas.NA and NaT compare unequal to themselves (or raise)
            return ""
    except TypeError:
        return ""
    return str(value)


def problems(report: Report) -> list[dict[str, str]]:
    """Every problem with tab, cell, column, value, severity and message."""
    return [
        {
            "severity": p.severity,
            "tab": _text(p.tab),
            "cell": _text(p.cell),
            "column": _text(p.column),
            "value": _text(p.value),
            "message": _text(p.message),
        }
        for p in report
    ]


def _tabs(tabs: Iterable[TabContent]) -> list[dict[str, Any]]:
    return [{"title": t.title, "rows": len(t.rows)} for t in tabs]


def validate_document(outcome: ValidateOutcome) -> dict[str, Any]:
    report = outcome.dataset.report
    return document(
        "validate",
        outcome.exit_code,
        errors=report.errors,
        warnings=report.warnings,
        problems=problems(report),
    )


def notices_fields(outcome: NoticeOutcome, *, dry_run: bool) -> dict[str, Any]:
    """What went out (or would, with `dry_run`), to whom, and what could not be delivered."""
    error = outcome.error()
    return {
        "dry_run": dry_run,
        "deliveries": [
            {
                "to": d.to,
                "kind": d.channel.kind,
                "personal": bool(d.address),
                "title": d.message.title,
                "body": d.message.body,
                "delivered": d.delivered,
                "cause": d.cause or None,
                "notices": len(d.message.notices),
            }
            for d in outcome.deliveries
        ],
        "skipped": dict(outcome.skipped),
        "not_written_to": [{"person": p, "why": why} for p, why in outcome.not_written_to],
        "secrets": list(outcome.secrets),
        "failed": len(outcome.failed),
        "record_error": outcome.record_error or None,
        "error": None if error is None else str(error),
    }


def notify_document(outcome: NoticeOutcome, *, dry_run: bool) -> dict[str, Any]:
    return document("notify", outcome.exit_code, **notices_fields(outcome, dry_run=dry_run))


def refresh_document(outcome: RefreshOutcome, *, dry_run: bool) -> dict[str, Any]:
    report = outcome.dataset.report
    notices = outcome.notices
    return document(
        "refresh",
        outcome.exit_code,
        location=outcome.location,
        period=outcome.period.label if outcome.period else None,
        dry_run=dry_run,
        changed=outcome.changed,
        written=outcome.written,
        tabs=_tabs(outcome.tabs),
        errors=report.errors,
        warnings=report.warnings,
        problems=problems(report),
        notices=None if notices is None else notices_fields(notices, dry_run=dry_run),
    )


def rollup_document(outcome: RollupOutcome) -> dict[str, Any]:
    return document(
        "rollup",
        outcome.exit_code,
        location=outcome.location,
        period=outcome.period.label if outcome.period else None,
        written=outcome.written,
        requests=outcome.requests,
        teams=[
            {
                "team": r.source.team,
                "row": r.source.row,
                "kind": r.source.kind,
                "status": r.status,
                "failure": r.failure,
                "errors": r.errors,
            }
            for r in outcome.results
        ],
        teams_tab_problems=problems(outcome.teams.report),
        tabs=_tabs(outcome.tabs),
    )


def flag_document(outcome: FlagOutcome) -> dict[str, Any]:
    return document(
        "flag",
        location=outcome.location,
        handoff_id=outcome.handoff_id,
        flagged_at=f"{outcome.flagged_at:%Y-%m-%d %H:%M}",
    )


def onboard_document(markdown: str, *, person: str | None, role: str | None) -> dict[str, Any]:
    title = markdown.splitlines()[0].lstrip("# ") if markdown else ""
    return document("onboard", person=person, role=role, title=title, markdown=markdown)


def check_document(outcome: NoteOutcome, note: Path, hint: Any) -> dict[str, Any]:
    """`hint(section)`: what to write in a section (checks.notes.hint)."""
    return document(
        "check",
        outcome.exit_code,
        note=str(note),
        handoff_id=outcome.handoff_id,
        complete=outcome.result.complete,
        sections=[
            {"section": title, "problem": kind, "fix": f"write {hint(title)}"}
            for title, kind in outcome.result.problems
        ],
    )
