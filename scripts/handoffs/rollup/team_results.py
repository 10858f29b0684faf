"""Each team of a roll-up (docs/rollup.md): its sheet checked as its own refresh checks it
(`figures.sheet`), and its figures for the organisation's period (`figures.team`), or why its
spreadsheet could not be read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from handoffs.checks.notes import NoteCheck
from handoffs.config import Config
from handoffs.figures.records import cell_column
from handoffs.figures.sheet import check_sheet
from handoffs.figures.stale import STALE_COLUMNS
from handoffs.figures.team import TeamFigures, team_figures
from handoffs.model.periods import Period, default_period
from handoffs.model.spreadsheet import CellValue, RawTab
from handoffs.model.vocabulary import NO_DATA
from handoffs.rollup.teams_tab import TeamSource

UNREACHABLE = "unreachable"


@dataclass(frozen=True)
class WorstHandoff:
    """One of a team's handoffs with data, as Org Worst Handoffs shows it (`cells`: id, route,
    hours, change, trend, contract status) and as `figures.rankings.rank_key` orders it."""

    cells: list[CellValue]
    hours: float
    rework_requests: float
    delay_days: float
    handoff_id: str


@dataclass(frozen=True)
class TeamRollup:
    """What the Org tabs read of a team's figures, as plain values: made where the team is read
    (a worker process), so only these travel back, never the team's dataset and frames."""

    period: Period | None  # the period of these figures
    latest: Period | None  # the team's own latest month with Health data (`default_period`)
    errors: int  # rows with data errors
    hours: float | None
    change: float | None
    active: int  # active handoffs
    worst: list[WorstHandoff]  # its handoffs with data, worst first, at most `[rollup] top`
    stale: list[list[CellValue]]  # its Stale Reviews rows
    contracts_needing_attention: int
    open_flags: int
    maturity: str  # the label of its level
    non_manager_pct: float | None  # of its flags, raised by non-managers


def rolled_up(figures: TeamFigures, top: int) -> TeamRollup:
    """A team's figures as the Org tabs show them (`rollup.org_tabs`), converted a column at a
    time (`figures.records.cell_column`): a few rows, where building frames would cost more."""
    with_data = figures.with_data.head(top)
    roles = zip(cell_column(with_data["from_role"]), cell_column(with_data["to_role"]), strict=True)
    routes = [None if a is None or b is None else f"{a} → {b}" for a, b in roles]
    hours, change, trend, status = (
        cell_column(with_data[name]) for name in ("hours", "change", "trend", "contract_status")
    )
    ids = cell_column(with_data["handoff_id"])
    keys = zip(
        *(with_data[name].tolist() for name in ("hours", "rework_requests", "delay_days")),
        strict=True,
    )
    stale = [cell_column(figures.stale[name]) for name in STALE_COLUMNS]
    return TeamRollup(
        period=figures.period,
        latest=default_period(figures.dataset),
        errors=figures.dataset.report.errors,
        hours=figures.hours,
        change=figures.change,
        active=len(figures.ranked),
        worst=[
            WorstHandoff(list(cells), hours_lost, rework_requests, delay_days, str(cells[0]))
            for cells, (hours_lost, rework_requests, delay_days) in zip(
                zip(ids, routes, hours, change, trend, status, strict=True), keys, strict=True
            )
        ],
        stale=[list(row) for row in zip(*stale, strict=True)],
        contracts_needing_attention=figures.contracts_needing_attention,
        open_flags=figures.open_flags,
        maturity=figures.maturity.label,
        non_manager_pct=figures.share.non_manager_pct,
    )


@dataclass
class TeamResult:
    """A team rolled up: what the Org tabs read of its figures, or why it could not be read.
    `figures` is kept where the team was read in this process (a Google Sheet), and sent back by
    a workbook's worker only when `settle` is likely to redo it for another period (`sent_back`).
    """

    source: TeamSource
    rolled: TeamRollup | None = None
    failure: str | None = None
    figures: TeamFigures | None = None

    @property
    def status(self) -> str:
        if self.failure is not None:
            return f"{UNREACHABLE}: {self.failure}"
        return "ok" if self.rolled is not None and self.rolled.hours is not None else NO_DATA

    @property
    def errors(self) -> int:
        return self.rolled.errors if self.rolled is not None else 0


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
    periods = [r.rolled.latest for r in results if r.rolled is not None]
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
    return TeamResult(source, rolled_up(figures, config.rollup.top), figures=figures)


def sent_back(result: TeamResult, month: Period | None) -> TeamResult:
    """What a worker process sends back of a team: what the Org tabs read, and its figures
    (its dataset with them) only when `settle` is likely to need them: without `--month`, a
    team whose latest month is not last month, behind or ahead of most teams. Redoing it from
    its figures takes ~7 ms; reading and checking it again, ~40."""
    if result.figures is None or result.rolled is None:
        return result
    usual = Period.month_of(result.figures.today).previous()
    if month is None and result.rolled.latest != usual:
        return result
    return replace(result, figures=None)


def settle(results: Sequence[TeamResult], period: Period | None) -> list[int]:
    """The teams whose figures are for another period than the organisation's, for that one
    (what does not depend on the period is kept), where their figures are at hand; returns
    the indexes of those whose figures are not (a workbook's: read it again for `period`)."""
    again = []
    for index, result in enumerate(results):
        if result.rolled is None or result.rolled.period == period:
            continue
        if result.figures is None:
            again.append(index)
            continue
        result.figures = result.figures.for_period(period)
        result.rolled = rolled_up(result.figures, result.figures.config.rollup.top)
    return again
