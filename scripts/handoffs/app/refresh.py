"""`refresh`, `notify` and `validate`: read the team's sheet once, check it, compute its figures
once, and write the generated tabs and the Notices tab in one write (docs/commands.md)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from handoffs.app.load import (
    Loaded,
    Progress,
    load_sheet,
    read_notes,
    refreshed_titles,
    say_nothing,
)
from handoffs.app.notify import Channels, NoticeOutcome, notify_channels, run_notices
from handoffs.app.sheet_kind import team_backend
from handoffs.backends.lock import run_lock
from handoffs.config import Config
from handoffs.figures.team import TeamFigures, team_figures
from handoffs.model.dataset import Dataset
from handoffs.model.periods import Period, default_period, requested
from handoffs.model.spreadsheet import Backend, TabContent
from handoffs.notices.facts import notices_title
from handoffs.tabs.compare import tabs_unchanged
from handoffs.tabs.team_tabs import team_tabs


@dataclass
class RefreshOutcome:
    dataset: Dataset
    period: Period | None
    tabs: list[TabContent]
    written: bool
    location: str
    strict: bool = False  # --strict: data errors make the run fail
    notices: NoticeOutcome | None = None  # with notify=True
    changed: bool = True  # False: the generated tabs already showed this, so nothing was written

    @property
    def exit_code(self) -> int:
        """5 when a notice could not be delivered or recorded (the louder signal for cron);
        else 1 when `strict` and the data has errors (the tabs are written all the same)."""
        if self.notices is not None and self.notices.exit_code:
            return self.notices.exit_code
        return 1 if self.strict and self.dataset.report.errors else 0


def refresh(
    config: Config,
    today: dt.date,
    *,
    month: str | None = None,
    dry_run: bool = False,
    strict: bool = False,
    force: bool = False,
    now: dt.datetime | None = None,
    progress: Progress = say_nothing,
    notify: bool = False,
) -> RefreshOutcome:
    """Validate, compute the figures and rewrite every generated tab in one write, unless the
    tabs already show exactly this (the Last changed stamp aside) and `force` is not given.
    `now` is the Last changed stamp (the clock when not given). `notify`: also send what is
    new (docs/notices.md), recorded in the Notices tab as pending in that same write (before
    anything is sent), then as sent in one more write."""
    asked = requested(month, today, option="--month", months=1) if month else None
    channels = notify_channels(config, dry_run=dry_run) if notify else None  # exit 2 first
    backend = team_backend(config, "refresh")
    with run_lock(backend):
        progress("reading the spreadsheet")
        also = [*refreshed_titles(), *([notices_title()] if notify else [])]
        loaded = load_sheet(backend, today, config.scoring, also=also)
        dataset = loaded.dataset
        period = asked or default_period(dataset)
        progress("computing figures")
        figures = _figures(config, loaded, period)  # the tabs' and the notices' alike
        tabs = team_tabs(figures, now or dt.datetime.now(), flags_header=loaded.flags_header)
        notices = None
        changed = force or not tabs_unchanged(tabs, loaded.tabs)
        if channels is not None:  # the tabs go with the Notices tab's first write
            progress("sending notices")
            written = tabs if changed else []
            notices = _notices(figures, backend, loaded, channels, now, dry_run, written)
        elif changed and not dry_run:
            progress("writing the generated tabs")
            backend.write_generated(tabs)
    return RefreshOutcome(
        dataset, period, tabs, changed and not dry_run, backend.location, strict, notices, changed
    )


def _figures(config: Config, loaded: Loaded, period: Period | None) -> TeamFigures:
    """The team's figures for `period`, with the notes folder read (maturity evidence)."""
    notes, folder = read_notes(config)
    return team_figures(
        loaded.dataset,
        period,
        config,
        notes=notes,
        notes_folder=folder,
        contract_errors=loaded.contract_errors,
    )


def _notices(
    figures: TeamFigures,
    backend: Backend,
    loaded: Loaded,
    channels: Channels,
    now: dt.datetime | None,
    dry_run: bool,
    also: list[TabContent] | None = None,
) -> NoticeOutcome:
    return run_notices(
        figures,
        loaded.tabs.get(notices_title()),
        channels,
        backend,
        (now or dt.datetime.now()).replace(microsecond=0),
        dry_run=dry_run,
        also=also or [],
    )


def notify(
    config: Config, today: dt.date, *, dry_run: bool = False, now: dt.datetime | None = None
) -> NoticeOutcome:
    """Send what is new since the Notices tab (docs/notices.md) and record it there."""
    channels = notify_channels(config, dry_run=dry_run)
    backend = team_backend(config, "notify")
    with run_lock(backend):
        loaded = load_sheet(backend, today, config.scoring, also=[notices_title()])
        figures = _figures(config, loaded, default_period(loaded.dataset))
        return _notices(figures, backend, loaded, channels, now, dry_run)
