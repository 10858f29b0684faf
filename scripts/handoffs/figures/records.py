"""Figures as JSON values: numbers rounded as shown, dates ISO, missing as None.

The pieces of the review-prep shape (README "review-prep JSON") shared by the monthly and the
quarterly agenda, and by the Summary tab: both are rendered from these records. Each record is
a TypedDict, a plain dict at run time (so the JSON is these dicts), whose keys mypy checks at
every read and write; keys are declared in the order the JSON shows them.
"""

from __future__ import annotations

import math
from typing import Any, TypedDict

import pandas as pd

from handoffs.figures.maturity import LEVELS, Maturity
from handoffs.figures.review_loop import TeamShare
from handoffs.model.spreadsheet import CellValue


class HandoffFigures(TypedDict):
    """A handoff's figures for the period; `rank` and the sums are None without Health data."""

    rank: int | None
    handoff_id: str
    workflow: str
    from_role: str
    to_role: str
    hours_lost: float | None
    rework_requests: int | None
    format_minutes: float | None
    delay_days: float | None
    change: float | None
    trend: str
    contract_status: str
    open_flags: int
    tied_with: list[str]  # handoff ids with exactly the same hours lost


class Action(TypedDict):
    """A Reviews row: the fix agreed at a quarterly review."""

    row: int
    quarter: str
    handoff_id: str
    failure_case: str | None
    fix_type: str
    fix: str
    owner: str
    deadline: str | None
    status: str


class MeasuredAction(Action):
    """An action with its handoff's hours lost in its quarter (before) and the next (after)."""

    hours_before: float | None
    hours_after: float | None
    avg_before: float | None  # hours a month over the quarter's months with Health data
    avg_after: float | None
    change: float | None  # of the average a month
    change_pct: float | None
    months_before: int
    months_after: int
    result: str  # "improved", "worse", "unchanged", "no data", "not comparable", "not yet …"
    measured_on: str  # the quarter after


class CompressionCandidate(TypedDict):
    handoff_id: str
    workflow: str
    from_role: str
    to_role: str
    split_reason: str
    decision_note: str | None
    avg_monthly_hours: float | None
    months_with_data: int


class TeamShareRecord(TypedDict):
    """`review_loop.TeamShare` as JSON: dates ISO, percentages None without flags."""

    since: str
    until: str
    flags: int
    by_non_managers: int
    non_manager_pct: float | None
    not_in_team: int
    anonymous: int
    with_suggested_fix: int
    suggested_fix_pct: float | None
    reviewed: int
    median_days_to_review: float | None


class CriterionRecord(TypedDict):
    key: str
    title: str
    met: bool
    evidence: str
    rows: dict[str, list[int]]  # tab title -> the sheet rows that prove it


class LevelRecord(TypedDict):
    name: str
    met: bool  # every criterion of the level
    criteria: list[CriterionRecord]


class MaturityRecord(TypedDict):
    level: str | None  # None: not yet Developing
    label: str
    next: str
    levels: list[LevelRecord]


def num(value: Any, digits: int = 1) -> float | int | None:
    """A number as JSON shows it: rounded, None for missing; whole counts as int."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and math.isnan(value):
        return None
    return round(float(value), digits) + 0.0  # + 0.0 turns -0.0 into 0.0


def count(value: Any) -> int | None:
    number = num(value)
    return None if number is None else int(number)


def text(value: Any) -> str | None:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return str(value)


def day(value: Any) -> str | None:
    return None if value is None or pd.isna(value) else f"{pd.Timestamp(value):%Y-%m-%d}"


def moment(value: Any) -> str | None:
    return None if value is None or pd.isna(value) else f"{pd.Timestamp(value):%Y-%m-%d %H:%M}"


def ranking_records(ranked: pd.DataFrame, chosen: pd.DataFrame) -> list[HandoffFigures]:
    """Ranking rows as records; `tied_with` names others with exactly the same hours lost."""
    with_data = ranked[ranked["has_data"]]
    hours = with_data["hours"].round(6)
    records: list[HandoffFigures] = []
    for item in chosen.itertuples(index=False):
        ties = with_data.loc[hours.eq(round(item.hours, 6)), "handoff_id"]
        records.append(
            {
                "rank": count(item.rank),
                "handoff_id": item.handoff_id,
                "workflow": item.workflow,
                "from_role": item.from_role,
                "to_role": item.to_role,
                "hours_lost": num(item.hours),
                "rework_requests": count(item.rework_requests),
                "format_minutes": num(item.format_minutes),
                "delay_days": num(item.delay_days),
                "change": num(item.change),
                "trend": item.trend,
                "contract_status": item.contract_status,
                "open_flags": int(item.open_flags),
                "tied_with": [h for h in ties if h != item.handoff_id],
            }
        )
    return records


def action(row: Any) -> Action:
    return {
        "row": int(row.row),
        "quarter": str(row.quarter).upper(),
        "handoff_id": row.handoff_id,
        "failure_case": text(row.failure_case),
        "fix_type": row.fix_type,
        "fix": row.fix,
        "owner": row.owner,
        "deadline": day(row.deadline),
        "status": row.status,
    }


def measured(actions: pd.DataFrame) -> list[MeasuredAction]:
    return [
        {
            **action(row),
            "hours_before": num(row.hours_before),
            "hours_after": num(row.hours_after),
            "avg_before": num(row.avg_before),
            "avg_after": num(row.avg_after),
            "change": num(row.change),
            "change_pct": num(row.change_pct),
            "months_before": int(row.months_before),
            "months_after": int(row.months_after),
            "result": row.result,
            "measured_on": row.measured_on,
        }
        for row in actions.itertuples(index=False)
    ]


def compression_records(candidates: pd.DataFrame) -> list[CompressionCandidate]:
    """Role-compression candidates (`review_loop.compression_candidates`) as records."""
    return [
        {
            "handoff_id": row.handoff_id,
            "workflow": row.workflow,
            "from_role": row.from_role,
            "to_role": row.to_role,
            "split_reason": row.split_reason,
            "decision_note": text(row.decision_note),
            "avg_monthly_hours": num(row.avg_hours),
            "months_with_data": int(row.months_with_data),
        }
        for row in candidates.itertuples(index=False)
    ]


def share_record(share: TeamShare) -> TeamShareRecord:
    return {
        "since": share.since.isoformat(),
        "until": share.until.isoformat(),
        "flags": share.flags,
        "by_non_managers": share.by_non_managers,
        "non_manager_pct": share.non_manager_pct,
        "not_in_team": share.not_in_team,
        "anonymous": share.anonymous,
        "with_suggested_fix": share.with_fix,
        "suggested_fix_pct": share.fix_pct,
        "reviewed": share.reviewed,
        "median_days_to_review": num(share.median_days_to_review),
    }


def maturity_record(maturity: Maturity) -> MaturityRecord:
    return {
        "level": maturity.level,
        "label": maturity.label,
        "next": maturity.next_step,
        "levels": [
            {
                "name": level,
                "met": all(c.met for c in maturity.of(level)),
                "criteria": [
                    {
                        "key": c.key,
                        "title": c.title,
                        "met": c.met,
                        "evidence": c.evidence,
                        "rows": {tab: list(rows) for tab, rows in c.rows.items()},
                    }
                    for c in maturity.of(level)
                ],
            }
            for level in LEVELS
        ],
    }


def cell_rows(frame: pd.DataFrame) -> list[list[CellValue]]:
    """A frame as rows of plain cell values, converted column by column (not cell by cell):
    floats rounded to one decimal, timestamps as dates (or date-times when they have a time),
    anything missing as None. Plain lists after one conversion per column: the frames are
    small (a team's rows), where building another frame would cost more than the values."""
    columns = [cell_column(column) for _, column in frame.items()]
    return [list(row) for row in zip(*columns, strict=True)] if columns else [[]] * len(frame)


def cell_column(column: pd.Series) -> list[CellValue]:
    """One column's values as cells (see `cell_rows`)."""
    if pd.api.types.is_datetime64_any_dtype(column):
        present = column.dropna()
        has_time = (present != present.dt.normalize()).any()
        values = list(column.dt.to_pydatetime() if has_time else column.dt.date)
    elif pd.api.types.is_float_dtype(column):
        values = column.round(1).tolist()  # numpy's rounding, as the tabs always showed it
    else:
        values = column.tolist()
    return [None if _missing(value) else value for value in values]


def _missing(value: Any) -> bool:
    """What pandas counts as missing in a column: None, NA, NaT, NaN."""
    return (
        value is None
        or value is pd.NA
        or value is pd.NaT
        or (isinstance(value, float) and math.isnan(value))
    )
