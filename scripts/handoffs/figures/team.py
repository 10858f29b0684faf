"""A team's figures for one period (docs/figures.md), in one object: what the Summary, Rankings
and Stale Reviews tabs, the review-prep agenda, the notices and the roll-up read. Each figure is
computed at most once, and only when something reads it; no reader computes a figure of its own
(`tests/unit/test_architecture.py` checks that the figure functions are called from here only).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property

import pandas as pd

from handoffs.checks.notes import NoteCheck
from handoffs.config import Config
from handoffs.figures.maturity import Maturity, assess
from handoffs.figures.rankings import rankings
from handoffs.figures.review_loop import (
    TeamShare,
    compression_candidates,
    compression_months,
    team_share,
)
from handoffs.figures.stale import stale_reviews
from handoffs.model.dataset import Dataset
from handoffs.model.periods import Period
from handoffs.model.vocabulary import OPEN_FLAG

# The figures that do not depend on the period: kept when the same team's figures are asked
# for another period (`for_period`).
_PERIOD_FREE = ("stale", "contracts_needing_attention", "open_flags", "share", "maturity")


@dataclass(frozen=True, eq=False)
class TeamFigures:
    """One team's figures for `period` under `config`. Build it with `team_figures`."""

    dataset: Dataset  # validated, with each Health row's hours lost (`figures.sheet`)
    period: Period | None  # a month or a quarter; None when Health has no usable month
    config: Config
    notes: tuple[NoteCheck, ...] | None = None  # the checked notes (maturity evidence)
    notes_folder: str | None = None  # their folder's name, as the evidence names it
    # Contracts rows left out for an error, by case-folded handoff id (Stale Reviews names them)
    contract_errors: Mapping[str, Sequence[int]] = field(default_factory=dict)

    @property
    def today(self) -> dt.date:
        return self.dataset.today

    # -- the period against the one before ----------------------------------------------------

    @cached_property
    def ranked(self) -> pd.DataFrame:
        """Every active handoff worst first, with its change against the period before and its
        trend (docs/figures.md#rankings). With no period (no usable Health month yet), every
        active handoff as no data: the month of today has no Health row then."""
        return rankings(self.dataset, self.period or Period.month_of(self.today), self.config)

    @cached_property
    def with_data(self) -> pd.DataFrame:
        """The ranked handoffs with Health data for the period, worst first."""
        return self.ranked[self.ranked["has_data"]]

    @cached_property
    def hours(self) -> float | None:
        """The period's hours lost, over the handoffs with data; None when none has any."""
        if self.period is None or self.with_data.empty:
            return None
        return float(self.with_data["hours"].sum())

    @cached_property
    def previous(self) -> float | None:
        """The hours lost of the same (active) handoffs in the period before; None when none of
        them has data then."""
        if self.period is None:
            return None
        before = self.ranked["previous_hours"].dropna()
        return float(before.sum()) if not before.empty else None

    @property
    def change(self) -> float | None:
        """This period's hours lost against the period before's, when both are known."""
        if self.hours is None or self.previous is None:
            return None
        return self.hours - self.previous

    # -- the contracts, the flags and the team's habits -----------------------------------------

    @cached_property
    def stale(self) -> pd.DataFrame:
        """Contracts that need attention, one row per reason (docs/figures.md#stale-reviews)."""
        return stale_reviews(self.dataset, self.config.review, self.contract_errors)

    @cached_property
    def contracts_needing_attention(self) -> int:
        return int(self.stale["handoff_id"].nunique())

    @cached_property
    def open_flags(self) -> int:
        """Flags with status new, discussed or accepted."""
        return int(self.dataset["flags"]["status"].isin(OPEN_FLAG).sum())

    @cached_property
    def share(self) -> TeamShare:
        return team_share(self.dataset)

    @cached_property
    def maturity(self) -> Maturity:
        return assess(self.dataset, self.config, self.share, self.notes, self.notes_folder)

    @cached_property
    def compression(self) -> pd.DataFrame | None:
        """Role-compression candidates over `compression_window`; None with no period."""
        if self.period is None:
            return None
        return compression_candidates(self.dataset, self.period, self.config)

    @property
    def compression_window(self) -> list[pd.Timestamp]:
        """The months role compression averages over; [] with no period."""
        return compression_months(self.period, self.today) if self.period is not None else []

    # -- how the figures are handed on ----------------------------------------------------------

    def computed(self, *names: str) -> TeamFigures:
        """These figures computed now: a worker process sends its team's figures back ready."""
        for name in names:
            getattr(self, name)
        return self

    def for_period(self, period: Period | None) -> TeamFigures:
        """The same team's figures for `period`; those that do not depend on it are kept."""
        if period == self.period:
            return self
        other = replace(self, period=period)
        known = {name: self.__dict__[name] for name in _PERIOD_FREE if name in self.__dict__}
        other.__dict__.update(known)  # what cached_property would have stored
        return other


def team_figures(
    ds: Dataset,
    period: Period | None,
    config: Config,
    *,
    notes: Sequence[NoteCheck] | None = None,
    notes_folder: str | None = None,
    contract_errors: Mapping[str, Sequence[int]] | None = None,
) -> TeamFigures:
    """A team's figures for `period` (a month or a quarter; None when Health has no usable
    month): nothing is computed until it is read.

    `notes`: the checked notes of `[templates] notes_folder`, named `notes_folder` (maturity
    evidence); `contract_errors`: Contracts rows left out for an error, by case-folded handoff
    id (see `figures.sheet`)."""
    return TeamFigures(
        ds,
        period,
        config,
        tuple(notes) if notes is not None else None,
        notes_folder,
        dict(contract_errors or {}),
    )
