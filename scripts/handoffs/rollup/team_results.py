"""Each team of a roll-up (docs/rollup.md): its sheet checked as its own refresh checks it
(`figures.sheet`), and its figures for the organisation's period (`figures.team`), or why its
spreadsheet could not be read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from handoffs.checks.notes import NoteCheck
from handoffs.config import Config
from handoffs.figures.sheet import check_sheet
from handoffs.figures.team import TeamFigures, team_figures
from handoffs.model.dataset import Dataset
from handoffs.model.periods import Period, default_period
from handoffs.model.spreadsheet import RawTab
from handoffs.model.vocabulary import NO_DATA
from handoffs.rollup.teams_tab import TeamSource

UNREACHABLE = "unreachable"
# What the Org tabs read of a team's figures: computed where the team is read (a worker process)
ROLLED_UP = ("ranked", "hours", "previous", "stale", "open_flags", "share", "maturity")


@dataclass
class TeamResult:
    """A team rolled up: its figures, or why it could not be read."""

    source: TeamSource
    figures: TeamFigures | None = None
    failure: str | None = None

    @property
    def dataset(self) -> Dataset | None:
        return self.figures.dataset if self.figures is not None else None

    @property
    def period(self) -> Period | None:
        """The period its figures are for."""
        return self.figures.period if self.figures is not None else None

    @property
    def status(self) -> str:
        if self.failure is not None:
            return f"{UNREACHABLE}: {self.failure}"
        return "ok" if self.figures is not None and self.figures.hours is not None else NO_DATA

    @property
    def errors(self) -> int:
        return self.figures.dataset.report.errors if self.figures is not None else 0


def org_period(results: Sequence[TeamResult], month: Period | None) -> Period | None:
    """`--month`, or the latest month with Health data across the teams, not after today."""
    if month is not None:
        return month
    periods = [default_period(r.dataset) for r in results if r.dataset is not None]
    starts = [p.start for p in periods if p is not None]
    return Period(max(starts)) if starts else None


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
    """One team as soon as it is read: its sheet checked as refresh checks it (no Summary read),
    and its figures for `month`, or for its own latest month until the organisation's period is
    known (`settle` then redoes the few teams whose latest month differs)."""
    if tabs is None:
        return TeamResult(source, failure=failure)
    sheet = check_sheet(tabs, today, config.scoring)
    figures = team_figures(
        sheet.dataset,
        month or default_period(sheet.dataset),
        config,
        notes=notes,
        notes_folder=notes_folder,
        contract_errors=sheet.contract_errors,
    )
    return TeamResult(source, figures.computed(*ROLLED_UP))


def settle(results: Sequence[TeamResult], period: Period | None) -> None:
    """The teams whose figures are for another period than the organisation's, for that one
    (what does not depend on the period is kept)."""
    for result in results:
        if result.figures is not None and result.figures.period != period:
            result.figures = result.figures.for_period(period)
