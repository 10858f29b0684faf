"""docs/commands.md#review-prep, the quarterly handoff review: the two worst handoffs of the quarter with their failure
cases, contract and the sender and receiver who propose the fix; last quarter's actions with
measured improvement; role-compression candidates; team-driven share; maturity.
"""

from __future__ import annotations

from typing import Literal, TypedDict

import pandas as pd

from handoffs.figures.records import (
    CompressionCandidate,
    HandoffFigures,
    MaturityRecord,
    MeasuredAction,
    TeamShareRecord,
    compression_records,
    day,
    maturity_record,
    measured,
    moment,
    ranking_records,
    share_record,
    text,
)
from handoffs.figures.review_loop import measured_improvement
from handoffs.figures.stale import missing_elements
from handoffs.figures.team import TeamFigures
from handoffs.model.dataset import Dataset
from handoffs.model.periods import Period, months_between
from handoffs.model.vocabulary import ELEMENTS, IN_USE, OPEN_FLAG

WORST = 2


class FailureCase(TypedDict):
    source: Literal["flag", "health note", "review"]
    when: str | None  # a flag's time, a Health note's month or a review's quarter
    by: str | None
    text: str
    suggested_fix: str | None
    row: int  # in the tab `source` names


class ContractRecord(TypedDict):
    """The handoff's contract in use."""

    row: int
    status: str
    elements: dict[str, str | None]  # element title -> what the contract says
    missing: list[str]  # element titles
    trial_start: str | None
    last_reviewed: str | None
    owner: str | None


class WorstHandoff(HandoffFigures):
    """One of the quarter's worst handoffs with what its review walks through."""

    failure_cases: list[FailureCase]
    contract: ContractRecord | None
    senders: list[str]  # people of its from_role in the Team tab
    receivers: list[str]
    recorded_actions: list[MeasuredAction]  # already in the Reviews tab for this quarter


class QuarterlyContent(TypedDict):
    """The quarterly handoff review after the agenda's head (`review_prep.QuarterlyAgenda`)."""

    worst_handoffs: list[WorstHandoff]
    last_quarter: str
    last_quarter_actions: list[MeasuredAction]
    compression_candidates: list[CompressionCandidate]
    compression_months: list[str]
    compression_min_hours: float
    team_share: TeamShareRecord
    maturity: MaturityRecord


def content(figures: TeamFigures) -> QuarterlyContent:
    ds, config, quarter = figures.dataset, figures.config, figures.period
    assert quarter is not None and figures.compression is not None  # a quarter's figures
    ranked = figures.ranked
    recorded = measured_improvement(ds, quarter, config)
    worst = [
        _for_review(ds, quarter, handoff, recorded)
        for handoff in ranking_records(ranked, figures.with_data.head(WORST))
    ]
    last = quarter.previous()
    return {
        "worst_handoffs": worst,
        "last_quarter": last.label,
        "last_quarter_actions": measured(measured_improvement(ds, last, config)),
        "compression_candidates": compression_records(figures.compression),
        "compression_months": [f"{m:%Y-%m}" for m in figures.compression_window],
        "compression_min_hours": config.compression.min_hours,
        "team_share": share_record(figures.share),
        "maturity": maturity_record(figures.maturity),
    }


def _for_review(
    ds: Dataset, quarter: Period, figures: HandoffFigures, recorded: pd.DataFrame
) -> WorstHandoff:
    """A worst handoff's figures and what its review walks through; `recorded` is the quarter's
    measured actions."""
    handoff = figures["handoff_id"]
    return {
        **figures,
        "failure_cases": _failure_cases(ds, quarter, handoff),
        "contract": _contract(ds, handoff),
        "senders": _people(ds, figures["from_role"]),
        "receivers": _people(ds, figures["to_role"]),
        "recorded_actions": measured(recorded[recorded["handoff_id"] == handoff]),
    }


def _failure_cases(ds: Dataset, quarter: Period, handoff: str) -> list[FailureCase]:
    """Its flags raised in the quarter and every flag still open up to today (the open flags
    the agenda counts), its Health notes in the quarter, and the failure cases of its earlier
    reviews (most recent first)."""
    flags = ds["flags"]
    raised = flags["flagged_at"]
    in_quarter = (raised >= quarter.start) & (raised < quarter.end)
    still_open = flags["status"].isin(OPEN_FLAG) & (raised.dt.normalize() <= pd.Timestamp(ds.today))
    flags = flags[(flags["handoff_id"] == handoff) & (in_quarter | still_open)].sort_values(
        ["flagged_at", "row"], kind="stable"
    )
    inside = months_between(ds["health"], quarter.start, quarter.last_month)
    notes = inside[(inside["handoff_id"] == handoff) & inside["notes"].notna()].sort_values(
        "month", kind="stable"
    )
    reviews = ds["reviews"].assign(label=ds["reviews"]["quarter"].str.upper())
    past = reviews[
        (reviews["handoff_id"] == handoff)
        & (reviews["label"] <= quarter.label)
        & reviews["failure_case"].notna()
    ]
    past = past.sort_values(["label", "row"], ascending=[False, True], kind="stable")
    cases: list[FailureCase] = [
        {"source": "flag", "when": moment(row.flagged_at), "by": text(row.flagged_by),
         "text": row.what_went_wrong, "suggested_fix": text(row.suggested_fix), "row": int(row.row)}
        for row in flags.itertuples(index=False)
    ]  # fmt: skip
    cases += [
        {"source": "health note", "when": f"{row.month:%Y-%m}", "by": None, "text": row.notes,
         "suggested_fix": None, "row": int(row.row)}
        for row in notes.itertuples(index=False)
    ]  # fmt: skip
    cases += [
        {"source": "review", "when": row.label, "by": None, "text": row.failure_case,
         "suggested_fix": row.fix, "row": int(row.row)}
        for row in past.itertuples(index=False)
    ]  # fmt: skip
    return cases


def _contract(ds: Dataset, handoff: str) -> ContractRecord | None:
    contracts = ds["contracts"]
    own = contracts[(contracts["handoff_id"] == handoff) & contracts["status"].isin(IN_USE)]
    if own.empty:
        return None
    missing = missing_elements(own).iloc[0]
    row = own.iloc[0]
    return {
        "row": int(row["row"]),
        "status": row["status"],
        "elements": {title: text(row[name]) for name, title in ELEMENTS.items()},
        "missing": missing.split(", ") if missing else [],
        "trial_start": day(row["trial_start"]),
        "last_reviewed": day(row["last_reviewed"]),
        "owner": text(row["owner"]),
    }


def _people(ds: Dataset, role: str) -> list[str]:
    team = ds["team"]
    match = team["role"].astype(str).str.strip().str.casefold() == str(role).strip().casefold()
    return [str(p) for p in team.loc[match, "person"]]
