"""`rollup` (docs/rollup.md): read every active team's sheet, roll each up as its own refresh
would, and write the Org tabs of the organisation's spreadsheet in one write."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from handoffs.app.load import active_teams, input_titles, read_notes, read_teams_tab
from handoffs.app.rollup_workbooks import read_workbooks
from handoffs.backends import open_backend, open_team_reader
from handoffs.backends.lock import run_lock
from handoffs.backends.pacer import Pacer
from handoffs.checks.validate import validate
from handoffs.config import Config
from handoffs.model.errors import PartialFailure, UsageError
from handoffs.model.periods import Period
from handoffs.model.schema import org_schemas
from handoffs.model.spreadsheet import TabContent
from handoffs.rollup.org_tabs import org_tabs
from handoffs.rollup.team_results import TeamResult, org_period, roll_team, settle
from handoffs.rollup.teams_tab import GOOGLE, Teams

if TYPE_CHECKING:
    from handoffs.backends.google_http import Connection

# (teams done, teams in all, seconds left when the quota sets the pace, else None)
RollupProgress = Callable[[int, int, float | None], None]
ORG_READS = 2  # the organisation's spreadsheet: metadata and one values.batchGet


def _silent(done: int, total: int, seconds_left: float | None) -> None:
    """The default progress reporter: says nothing."""


@dataclass
class RollupOutcome:
    results: list[TeamResult]
    teams: Teams
    period: Period | None
    tabs: list[TabContent]
    written: bool
    location: str
    requests: int  # Sheets read requests of the run, the organisation's included
    strict: bool = False  # --strict: data errors make the run fail

    @property
    def exit_code(self) -> int:
        """5 when a team could not be read (the louder signal, whatever `strict` says); else 1
        when `strict` and a team's sheet or the Teams tab has data errors
        (docs/commands.md#exit-codes)."""
        if self.unreachable:
            return PartialFailure.exit_code
        return 1 if self.strict and (self.with_errors or self.teams.report.errors) else 0

    @property
    def unreachable(self) -> list[TeamResult]:
        return [r for r in self.results if r.failure is not None]

    @property
    def with_errors(self) -> list[TeamResult]:
        return [r for r in self.results if r.errors]


def rollup(
    config: Config,
    today: dt.date,
    *,
    month: str | None = None,
    dry_run: bool = False,
    now: dt.datetime | None = None,
    progress: RollupProgress = _silent,
    window: float = 60.0,
    slack: float | None = None,
    connector: Callable[[], Connection] | None = None,
    strict: bool = False,
) -> RollupOutcome:
    """Read every active team's spreadsheet (never writing it), compute each team's figures as
    `refresh` would, and write the four Org tabs to the organisation's spreadsheet in one write.

    `window`/`slack`: the quota window the pacer keeps (tests shorten it); `connector`: how to
    reach Google (default: `[sheet]` credentials, read-only)."""
    if not config.organisation:
        raise UsageError(
            "rollup works on an organisation's spreadsheet: add a [rollup] section to its "
            "config (see config.example.toml), list the teams in its Teams tab, then run "
            "`handoffs --config org.toml rollup`."
        )
    asked = Period.parse(month) if month else None
    if asked is not None and asked.months != 1:
        raise UsageError("--month takes a month as YYYY-MM, e.g. 2026-10.")
    backend = open_backend(config)
    pacer = Pacer(config.rollup.reads_per_minute, window, slack=slack)
    with run_lock(backend):
        raw = read_teams_tab(backend)
        if config.sheet.backend == "gsheets":
            pacer.record(ORG_READS)
        teams = active_teams(config, backend, validate(raw, today, org_schemas()))
        notes, notes_folder = read_notes(config)
        args = (today, config, asked, notes, notes_folder)  # those of rollup.roll_team
        results = _read_teams(teams, config, pacer, progress, connector, args)
        chosen = org_period(results, asked)
        period = chosen.period
        _settle(results, period, config, (today, config, period, notes, notes_folder))
        tabs = org_tabs(results, teams, chosen, config, now or dt.datetime.now())
        if not dry_run:
            backend.write_generated(tabs)
    return RollupOutcome(
        results, teams, period, tabs, not dry_run, backend.location, pacer.requests, strict
    )


def _settle(
    results: list[TeamResult], period: Period | None, config: Config, args: tuple[Any, ...]
) -> None:
    """Every team's figures for the organisation's `period`: those read in this process are
    redone from their figures; the team workbooks among them (whose workers sent back only what
    the Org tabs read) are read again, for `period` (`args`: those of rollup.roll_team)."""
    again = {i: results[i].source for i in settle(results, period)}
    if again:

        def arrived(index: int, result: TeamResult) -> None:
            results[index] = result

        read_workbooks(again, config.rollup.concurrency, (input_titles(), *args), arrived)


def _read_teams(
    teams: Teams,
    config: Config,
    pacer: Pacer,
    progress: RollupProgress,
    connector: Callable[[], Connection] | None,
    args: tuple[Any, ...],
) -> list[TeamResult]:
    """Every team read, validated and computed as it arrives: Google Sheets in threads (paced),
    workbooks in worker processes."""
    titles = input_titles()
    sources = teams.sources
    results: list[Any] = [None] * len(sources)
    total, finished = len(sources), 0
    progress(0, total, None)

    def arrived(index: int, result: TeamResult) -> None:
        nonlocal finished
        results[index] = result
        finished += 1
        left = total - finished
        progress(finished, total, pacer.seconds_left(left) if pacer.limited else None)

    google = [i for i, s in enumerate(sources) if s.kind == GOOGLE]
    if google:
        reader = open_team_reader(config, pacer, connector)

        def read_google(index: int) -> TeamResult:
            read = reader.read(sources[index].where, titles)
            return roll_team(sources[index], read.tabs, read.failure, *args)

        with ThreadPoolExecutor(max_workers=config.rollup.concurrency) as threads:
            futures = {threads.submit(read_google, i): i for i in google}
            for future in as_completed(futures):
                arrived(futures[future], future.result())
    workbooks = {i: s for i, s in enumerate(sources) if s.kind != GOOGLE}
    if workbooks:
        read_workbooks(workbooks, config.rollup.concurrency, (titles, *args), arrived)
    return results
