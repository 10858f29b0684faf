"""The quarterly review loop (docs/figures.md): measured improvement of last quarter's
actions, role-compression candidates and the team-driven share of flags."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from handoffs.config import Config
from handoffs.figures.health_sums import health_sums
from handoffs.figures.rankings import period_totals, rank_order
from handoffs.model.dataset import Dataset
from handoffs.model.periods import LOOKBACK_MONTHS, Period, months_between, months_ending
from handoffs.model.vocabulary import (
    ACTIVE,
    NO_DATA_RESULT,
    NOT_COMPARABLE,
    NOT_YET_MEASURABLE,
    SPECIALIZATION,
)

MIN_MONTHS_COMPARED = 2  # months with Health data each quarter needs for a measured change


def period_ranking(ds: Dataset, period: Period, config: Config) -> pd.DataFrame:
    """Every handoff with Health data in the period, whatever its status now, worst first
    (for looking back: a handoff consolidated since still counts for its old quarter)."""
    totals = period_totals(ds["health"], period).reset_index()
    totals["has_data"] = True
    return rank_order(totals)


def month_counts(health: pd.DataFrame, period: Period) -> pd.Series:
    """How many months of the period have a Health row, per handoff id."""
    return health_sums(health).month_counts(period.start, period.last_month)


def measured_improvement(ds: Dataset, quarter: Period, config: Config) -> pd.DataFrame:
    """Each Reviews action recorded for `quarter`, with its handoff's hours lost in that quarter
    (before) and in the next (after), and the change of the average a month (each quarter's
    hours over its months with Health data) as hours and as a percentage.

    The next quarter must have ended: until then the result is "not yet measurable". "no data"
    when either quarter has no Health row for the handoff, "not comparable" when either has
    fewer than `MIN_MONTHS_COMPARED` (a month or two of different lengths says little)."""
    reviews = ds["reviews"]
    actions = reviews[reviews["quarter"].str.upper() == quarter.label].copy()
    after_q = quarter.next()
    measurable = pd.Timestamp(ds.today) >= after_q.end
    health = ds["health"]
    ids = actions["handoff_id"]
    actions["hours_before"] = ids.map(period_totals(health, quarter)["hours"]).astype("float64")
    actions["months_before"] = ids.map(month_counts(health, quarter)).fillna(0).astype(int)
    after = ids.map(period_totals(health, after_q)["hours"]).astype("float64")
    actions["hours_after"] = after if measurable else np.nan
    months_after = ids.map(month_counts(health, after_q)).fillna(0).astype(int)
    actions["months_after"] = months_after if measurable else 0
    actions["avg_before"] = actions["hours_before"] / actions["months_before"].where(
        actions["months_before"] > 0
    )
    actions["avg_after"] = actions["hours_after"] / actions["months_after"].where(
        actions["months_after"] > 0
    )
    few = actions[["months_before", "months_after"]].min(axis=1) < MIN_MONTHS_COMPARED
    change = (actions["avg_after"] - actions["avg_before"]).where(~few)
    actions["change"] = change
    actions["change_pct"] = change / actions["avg_before"].where(actions["avg_before"] > 0) * 100
    no_data = actions["hours_before"].isna() | actions["hours_after"].isna()
    result = np.select(
        [np.full(len(actions), not measurable), no_data, few, change < 0, change > 0],
        [NOT_YET_MEASURABLE, NO_DATA_RESULT, NOT_COMPARABLE, "improved", "worse"],
        "unchanged",
    )
    actions["result"] = pd.Series(result, index=actions.index, dtype="object")
    actions["measured_on"] = after_q.label
    return actions.reset_index(drop=True)


def compression_months(period: Period, today: dt.date) -> list[pd.Timestamp]:
    """The three months ending with the period's last month, or with today's month while the
    period is still running (months that have not started never count)."""
    return months_ending(period.last_month_by(today), LOOKBACK_MONTHS)


def compression_candidates(ds: Dataset, period: Period, config: Config) -> pd.DataFrame:
    """Active handoffs whose split reason is not `specialization` and whose average monthly
    hours lost over `compression_months` is at least `compression.min_hours`.

    Months without a Health row are left out of the average (no data is never zero)."""
    handoffs = ds["handoffs"]
    eligible = handoffs[
        (handoffs["status"] == ACTIVE) & (handoffs["split_reason"] != SPECIALIZATION)
    ].set_index("handoff_id")
    months = compression_months(period, ds.today)
    health = ds["health"]
    window = months_between(health, months[0], months[-1])
    per = window.groupby("handoff_id")["hours"].agg(avg_hours="mean", months_with_data="size")
    table = eligible.join(per, how="inner")
    table = table[table["avg_hours"] >= config.compression.min_hours]
    table = table.rename_axis("handoff_id").reset_index()
    table = table.sort_values(["avg_hours", "handoff_id"], ascending=[False, True], kind="stable")
    keep = ["row", "handoff_id", "workflow", "from_role", "to_role", "split_reason",
            "decision_note", "avg_hours", "months_with_data"]  # fmt: skip
    return table[keep].reset_index(drop=True)


@dataclass(frozen=True)
class TeamShare:
    """Team-driven share (docs/figures.md#team-driven-share), over the flags of the three months
    up to today."""

    since: dt.date
    until: dt.date
    flags: int
    by_non_managers: int
    not_in_team: int  # counted as non-managers: managers are on the Team tab
    anonymous: int  # no Flagged by (a Form may allow it): counted as non-managers too
    with_fix: int
    reviewed: int
    median_days_to_review: float | None
    rows: tuple[int, ...]  # the Flags rows counted

    @staticmethod
    def _pct(part: int, whole: int) -> float | None:
        return round(100 * part / whole, 1) if whole else None

    @property
    def non_manager_pct(self) -> float | None:
        return self._pct(self.by_non_managers, self.flags)

    @property
    def fix_pct(self) -> float | None:
        return self._pct(self.with_fix, self.flags)


def team_share(ds: Dataset) -> TeamShare:
    """Share of recent flags raised by non-managers and carrying a suggested fix, and the
    median days from flag to review. Flagged by is matched to Team.person ignoring case."""
    today = pd.Timestamp(ds.today)
    since = today - pd.DateOffset(months=LOOKBACK_MONTHS)
    flags = ds["flags"]
    window = flags[
        (flags["flagged_at"] >= since) & (flags["flagged_at"] < today + pd.Timedelta(days=1))
    ]
    team = ds["team"]
    names = team["person"].astype(str).str.strip().str.casefold()
    managers = pd.Series(team["is_manager"].fillna(False).astype(bool).to_numpy(), index=names)
    managers = managers[~managers.index.duplicated()]
    by = window["flagged_by"].astype("object").where(window["flagged_by"].notna())
    folded = by.str.strip().str.casefold()
    known = folded.map(managers)
    is_manager = known.eq(True)
    days = (window["reviewed_on"] - window["flagged_at"].dt.normalize()).dt.days.dropna()
    return TeamShare(
        since=since.date(),
        until=today.date(),
        flags=len(window),
        by_non_managers=int((~is_manager).sum()),
        not_in_team=int((by.notna() & known.isna()).sum()),
        anonymous=int(by.isna().sum()),
        with_fix=int(window["suggested_fix"].notna().sum()),
        reviewed=len(days),
        median_days_to_review=float(days.median()) if len(days) else None,
        rows=tuple(int(r) for r in window["row"]),
    )
