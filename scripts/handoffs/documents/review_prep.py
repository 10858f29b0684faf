"""docs/commands.md#review-prep: the content of the monthly alignment check and of the quarterly handoff
review, as one JSON-able dict (the `--format json` shape, documented in README), typed as
`MonthlyAgenda` or `QuarterlyAgenda`. The Markdown and the Review Prep tab are laid out from
this dict by `agenda.py`, so all three agree.

Pure: a team's figures in (`figures.team`), plain Python values out (numbers rounded as shown,
dates ISO).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal, TypedDict, final

import pandas as pd

from handoffs.documents import quarterly_review
from handoffs.documents.quarterly_review import QuarterlyContent
from handoffs.figures.records import (
    Action,
    HandoffFigures,
    action,
    day,
    moment,
    num,
    ranking_records,
    text,
)
from handoffs.figures.team import TeamFigures
from handoffs.model.dataset import Dataset
from handoffs.model.errors import UsageError
from handoffs.model.periods import Period, default_period, default_quarter, requested
from handoffs.model.vocabulary import NEW_FLAG, OPEN_ACTION, STALE_REASONS

FORMAT = "handoffs.review-prep"
VERSION = 1
MONTHLY_WORST = 3
DUE_WITHIN_DAYS = 30  # an open action whose deadline is this close is "due" at the monthly check


class Problems(TypedDict):
    errors: int
    warnings: int


class Headline(TypedDict):
    hours_lost: float | None
    hours_lost_previous: float | None
    change: float | None
    active_handoffs: int
    handoffs_with_data: int
    open_flags: int
    contracts_needing_attention: int
    problems: Problems


class AgendaHead(TypedDict):
    """What both agendas open with."""

    format: str
    version: int
    kind: Literal["monthly", "quarterly"]
    period: str  # "2026-10" or "2026-Q3"
    previous_period: str
    months_so_far: int  # months of the period that have started by today
    period_months: int
    complete: bool  # only once the period's last day has passed
    today: str
    headline: Headline


class StaleContract(TypedDict):
    handoff_id: str
    workflow: str | None
    contract_status: str
    owner: str | None
    last_reviewed: str | None
    reason: str
    detail: str


class FlagRecord(TypedDict):
    row: int
    flagged_at: str | None
    flagged_by: str | None
    what_went_wrong: str
    suggested_fix: str | None
    status: str


class FlagGroup(TypedDict):
    """A handoff's flags; `known` False when its id is not in the Handoffs tab."""

    handoff_id: str
    known: bool
    workflow: str | None
    from_role: str | None
    to_role: str | None
    flags: list[FlagRecord]


class DueAction(Action):
    days_left: int  # negative: overdue


class MonthlyContent(TypedDict):
    """The monthly alignment check after the agenda's head."""

    worst_handoffs: list[HandoffFigures]
    getting_worse: list[HandoffFigures]
    stale_contracts: list[StaleContract]
    other_contract_gaps: int  # more handoffs with an incomplete contract or none
    flags_since: str | None  # the latest Reviewed on date
    flags: list[FlagGroup]
    actions_due: list[DueAction]


@final  # no other keys: `"last_quarter" in agenda` then tells mypy which agenda it is
class MonthlyAgenda(AgendaHead, MonthlyContent):
    """The monthly alignment check, `kind` "monthly"."""


@final
class QuarterlyAgenda(AgendaHead, QuarterlyContent):
    """The quarterly handoff review, `kind` "quarterly"."""


Agenda = MonthlyAgenda | QuarterlyAgenda


def requested_period(
    today: dt.date, *, quarterly: bool, month: str | None, quarter: str | None
) -> Period | None:
    """The period `--month` / `--quarter` ask for, checked before anything is read; None when
    neither is given. `--quarter` implies the quarterly review."""
    if month and (quarter or quarterly):
        raise UsageError(
            "--month is for the monthly alignment check; for the quarterly review use "
            "--quarter YYYY-Qn, e.g. --quarter 2026-Q3."
        )
    if not (month or quarter):
        return None
    if quarter:
        return requested(quarter, today, option="--quarter", months=3)
    return requested(month or "", today, option="--month", months=1)


def default_agenda_period(ds: Dataset, *, quarterly: bool) -> Period:
    """Monthly: the latest month with Health data not after today (else the current month).
    Quarterly: the latest ended quarter with Health data, else the current quarter."""
    if quarterly:
        return default_quarter(ds)
    return default_period(ds) or Period.month_of(ds.today)


def build(figures: TeamFigures) -> Agenda:
    """The agenda for the figures' period: a month gives the monthly alignment check, a quarter
    the quarterly handoff review."""
    ds, period = figures.dataset, figures.period
    if period is None:
        raise ValueError("an agenda is for a month or a quarter: the figures have no period")
    head: AgendaHead = {
        "format": FORMAT,
        "version": VERSION,
        "kind": "quarterly" if period.months == 3 else "monthly",
        "period": period.label,
        "previous_period": period.previous().label,
        "months_so_far": period.months_so_far(ds.today),  # fewer than its months: still running
        "period_months": period.months,
        "complete": ds.today >= period.end.date(),
        "today": ds.today.isoformat(),
        "headline": _headline(figures),
    }
    if period.months != 3:
        return {**head, **_monthly(ds, figures.ranked, figures.stale)}
    return {**head, **quarterly_review.content(figures)}


def _headline(figures: TeamFigures) -> Headline:
    report = figures.dataset.report
    return {
        "hours_lost": num(figures.hours),
        "hours_lost_previous": num(figures.previous),
        "change": num(figures.change),
        "active_handoffs": len(figures.ranked),
        "handoffs_with_data": len(figures.with_data),
        "open_flags": figures.open_flags,
        "contracts_needing_attention": figures.contracts_needing_attention,
        "problems": {"errors": report.errors, "warnings": report.warnings},
    }


# -- monthly alignment check ------------------------------------------------------------------


def _monthly(ds: Dataset, ranked: pd.DataFrame, stale: pd.DataFrame) -> MonthlyContent:
    with_data = ranked[ranked["has_data"]]
    worse = with_data[with_data["change"] > 0].sort_values(
        ["change", "handoff_id"], ascending=[False, True], kind="stable"
    )
    others = stale[~stale["reason"].isin(STALE_REASONS)]
    stale = stale[stale["reason"].isin(STALE_REASONS)]
    since, flags = _flags_since_last_meeting(ds, ranked)
    return {
        "worst_handoffs": ranking_records(ranked, with_data.head(MONTHLY_WORST)),
        "getting_worse": ranking_records(ranked, worse),
        "stale_contracts": [
            {
                "handoff_id": row.handoff_id,
                "workflow": text(row.workflow),
                "contract_status": row.contract_status,
                "owner": text(row.owner),
                "last_reviewed": day(row.last_reviewed),
                "reason": row.reason,
                "detail": row.detail,
            }
            for row in stale.itertuples(index=False)
        ],
        "other_contract_gaps": int(others["handoff_id"].nunique()),
        "flags_since": since,
        "flags": flags,
        "actions_due": _actions_due(ds),
    }


def _flags_since_last_meeting(
    ds: Dataset, ranked: pd.DataFrame
) -> tuple[str | None, list[FlagGroup]]:
    """Flags raised after the latest Reviewed on date (the last meeting that reviewed flags),
    plus any older flag still `new`; grouped by handoff, worst-ranked handoff first."""
    flags = ds["flags"]
    today_end = pd.Timestamp(ds.today) + pd.Timedelta(days=1)
    last = flags["reviewed_on"].max()
    recent = flags["flagged_at"].dt.normalize() > last if not pd.isna(last) else True
    chosen = flags[(flags["flagged_at"] < today_end) & ((flags["status"] == NEW_FLAG) | recent)]
    order = {h: i for i, h in enumerate(ranked["handoff_id"])}
    handoffs = ds["handoffs"].set_index("handoff_id")
    chosen = chosen.assign(_order=chosen["handoff_id"].map(order).fillna(len(order)))
    chosen = chosen.sort_values(["_order", "handoff_id", "flagged_at", "row"], kind="stable")
    groups: list[FlagGroup] = []
    for handoff, rows in chosen.groupby("handoff_id", sort=False):
        known = handoff in handoffs.index
        groups.append(
            {
                "handoff_id": handoff,
                "known": known,
                "workflow": text(handoffs.at[handoff, "workflow"]) if known else None,
                "from_role": text(handoffs.at[handoff, "from_role"]) if known else None,
                "to_role": text(handoffs.at[handoff, "to_role"]) if known else None,
                "flags": [_flag(row) for row in rows.itertuples(index=False)],
            }
        )
    return day(last), groups


def _flag(row: Any) -> FlagRecord:
    return {
        "row": int(row.row),
        "flagged_at": moment(row.flagged_at),
        "flagged_by": text(row.flagged_by),
        "what_went_wrong": row.what_went_wrong,
        "suggested_fix": text(row.suggested_fix),
        "status": row.status,
    }


def _actions_due(ds: Dataset) -> list[DueAction]:
    reviews = ds["reviews"]
    today = pd.Timestamp(ds.today)
    due = reviews[
        reviews["status"].isin(OPEN_ACTION)
        & (reviews["deadline"] <= today + pd.Timedelta(days=DUE_WITHIN_DAYS))
    ].sort_values(["deadline", "row"], kind="stable")
    return [
        {**action(row), "days_left": int((row.deadline - today).days)}
        for row in due.itertuples(index=False)
    ]
