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


@dataclass(frozen=True)
class OrgPeriod:
    """The organisation's period and how it was chosen (said in Org Summary)."""

    period: Period | None
    how: str


def org_period(results: Sequence[TeamResult], month: Period | None) -> OrgPeriod:
    """`--month`, else the latest month that most teams with Health data have reached (each
    team's latest month, not after today): one team that starts a month early does not turn
    every other team into "no data", and neither does one team that lags behind."""
    if month is not None:
        return OrgPeriod(month, "as asked (--month)")
    periods = [default_period(r.dataset) for r in results if r.dataset is not None]
    latest = sorted((p.start for p in periods if p is not None), reverse=True)
    if not latest:
        return OrgPeriod(None, "no team has Health data")
    chosen = latest[len(latest) // 2]  # reached by more than half of them
    reached = sum(1 for start in latest if start >= chosen)
    how = f"the latest month most teams with Health data have reached ({reached} of {len(latest)})"
    ahead = sum(1 for start in latest if start > chosen)
    if ahead:
        one = ahead == 1
        how += (
            f"; {ahead} {'team has' if one else 'teams have'} a later month already: "
            "--month picks one"
        )
    return OrgPeriod(Period(chosen), how)


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
