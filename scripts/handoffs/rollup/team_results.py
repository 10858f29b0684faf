"""Each team of a roll-up (docs/rollup.md): validated as its own refresh validates it, and
its figures for the organisation's period, or why its spreadsheet could not be read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from handoffs.checks.error_rows import errors_by_handoff
from handoffs.checks.notes import NoteCheck
from handoffs.checks.validate import validate
from handoffs.config import Config
from handoffs.figures.maturity import Maturity, assess
from handoffs.figures.rankings import period_totals, rankings, with_hours
from handoffs.figures.review_loop import TeamShare, team_share
from handoffs.figures.stale import stale_reviews
from handoffs.model.dataset import Dataset
from handoffs.model.periods import Period, default_period
from handoffs.model.spreadsheet import RawTab
from handoffs.model.vocabulary import NO_DATA, OPEN_FLAG
from handoffs.rollup.teams_tab import TeamSource

UNREACHABLE = "unreachable"


@dataclass
class TeamResult:
    """A team rolled up: its dataset and figures, or why it could not be read."""

    source: TeamSource
    dataset: Dataset | None = None
    failure: str | None = None
    period: Period | None = None  # the period the figures are for
    contract_errors: dict[str, tuple[int, ...]] | None = None  # Contracts rows left out
    ranked: pd.DataFrame | None = None
    stale: pd.DataFrame | None = None
    hours: float | None = None
    previous: float | None = None
    open_flags: int = 0
    share: TeamShare | None = None
    maturity: Maturity | None = None

    @property
    def status(self) -> str:
        if self.failure is not None:
            return f"{UNREACHABLE}: {self.failure}"
        return "ok" if self.hours is not None else NO_DATA

    @property
    def errors(self) -> int:
        return self.dataset.report.errors if self.dataset is not None else 0


def org_period(results: Sequence[TeamResult], month: Period | None) -> Period | None:
    """`--month`, or the latest month with Health data across the teams, not after today."""
    if month is not None:
        return month
    periods = [default_period(r.dataset) for r in results if r.dataset is not None]
    starts = [p.start for p in periods if p is not None]
    return Period(max(starts)) if starts else None


def compute(
    result: TeamResult,
    period: Period | None,
    config: Config,
    notes: Sequence[NoteCheck] | None = None,
    notes_folder: str | None = None,
) -> TeamResult:
    """Fill a read team's figures with the functions `refresh` uses."""
    ds = result.dataset
    result.period = period
    if ds is None:
        return result
    if period is not None:
        ranked = rankings(ds, period, config)
        with_data = ranked[ranked["has_data"]]
        result.hours = float(with_data["hours"].sum()) if not with_data.empty else None
        totals = period_totals(ds["health"], period.previous())
        before = totals["hours"].reindex(ranked["handoff_id"]).dropna()
        result.previous = float(before.sum()) if not before.empty else None
    else:
        ranked = rankings(ds, Period.month_of(ds.today), config)  # every handoff as no data
    result.ranked = ranked
    result.stale = stale_reviews(ds, config.review, result.contract_errors)
    result.open_flags = int(ds["flags"]["status"].isin(OPEN_FLAG).sum())
    result.share = team_share(ds)
    result.maturity = assess(ds, config, result.share, notes, notes_folder)
    return result


def roll_team(
    source: TeamSource,
    tabs: Mapping[str, RawTab] | None,
    failure: str | None,
    today: dt.date,
    config: Config,
    month: Period | None,
    notes: Sequence[NoteCheck] | None = None,
    notes_folder: str | None = None,
) -> TeamResult:
    """One team as soon as it is read: validated, and its figures for `month`, or for its own
    latest month until the organisation's period is known (`settle` then redoes the few teams
    whose latest month differs)."""
    if tabs is None:
        return TeamResult(source, failure=failure)
    dataset = with_hours(validate(tabs, today), config.scoring)  # as refresh loads a sheet
    result = TeamResult(
        source, dataset, contract_errors=errors_by_handoff(tabs, dataset, "contracts")
    )
    return compute(result, month or default_period(dataset), config, notes, notes_folder)


def settle(
    results: Sequence[TeamResult],
    period: Period | None,
    config: Config,
    notes: Sequence[NoteCheck] | None = None,
    notes_folder: str | None = None,
) -> None:
    """Recompute the teams whose figures are for another period than the organisation's."""
    for result in results:
        if result.dataset is not None and result.period != period:
            compute(result, period, config, notes, notes_folder)
