"""The quarterly review loop (docs/figures.md): measured improvement of last quarter's
actions, role-compression candidates and the team-driven share of flags."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from math import isnan, nan
from typing import Any

import numpy as np
import pandas as pd

from handoffs.config import Config
from handoffs.figures.health_sums import health_sums, mean_and_size
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
    actions = reviews[reviews["quarter"].str.upper() == quarter.label]
    after_q = quarter.next()
    measurable = pd.Timestamp(ds.today) >= after_q.end
    health = ds["health"]
    # A few actions a quarter: each one's figures in plain Python, from the sums by handoff.
    ids = actions["handoff_id"].tolist()
    hours_before = _looked_up(ids, period_totals(health, quarter)["hours"], nan)
    months_before = _looked_up(ids, month_counts(health, quarter), 0)
    hours_after = _looked_up(ids, period_totals(health, after_q)["hours"], nan)
    months_after = _looked_up(ids, month_counts(health, after_q), 0)
    if not measurable:
        hours_after, months_after = [nan] * len(ids), [0] * len(ids)
    columns: dict[str, list[Any]] = {name: [] for name in _MEASURED}
    for before, m_before, after, m_after in zip(
        hours_before, months_before, hours_after, months_after, strict=True
    ):
        avg_before = before / m_before if m_before > 0 else nan
        avg_after = after / m_after if m_after > 0 else nan
        few = min(m_before, m_after) < MIN_MONTHS_COMPARED
        change = nan if few else avg_after - avg_before
        pct = change / avg_before * 100 if avg_before > 0 else nan
        result = (
            NOT_YET_MEASURABLE if not measurable
            else NO_DATA_RESULT if isnan(before) or isnan(after)
            else NOT_COMPARABLE if few
            else "improved" if change < 0
            else "worse" if change > 0
            else "unchanged"
        )  # fmt: skip
        for name, value in zip(
            _MEASURED,
            (before, m_before, after, m_after, avg_before, avg_after, change, pct, result),
            strict=True,
        ):
            columns[name].append(value)
    added: dict[str, Any] = {
        name: np.array(values, dtype=np.int64 if name.startswith("months") else np.float64)
        for name, values in columns.items()
        if name != "result"
    }
    added["result"] = pd.Series(columns["result"], index=actions.index, dtype="object")
    actions = pd.DataFrame(  # one frame built, not a column inserted at a time
        {
            **{name: actions[name] for name in actions.columns},
            **added,
            "measured_on": after_q.label,
        },
        index=actions.index,
    )
    return actions.reset_index(drop=True)


_MEASURED = ("hours_before", "months_before", "hours_after", "months_after", "avg_before",
             "avg_after", "change", "change_pct", "result")  # fmt: skip


def _looked_up(ids: list[Any], values: pd.Series, missing: Any) -> list[Any]:
    """Each id's value in `values` (indexed by handoff id), `missing` where it has none."""
    found = dict(zip(values.index.tolist(), values.tolist(), strict=True))
    return [found.get(h, missing) for h in ids]


def compression_months(period: Period, today: dt.date) -> list[pd.Timestamp]:
    """The three months ending with the period's last month, or with today's month while the
    period is still running (months that have not started never count)."""
    return months_ending(period.last_month_by(today), LOOKBACK_MONTHS)


def compression_candidates(ds: Dataset, period: Period, config: Config) -> pd.DataFrame:
    """Active handoffs whose split reason is not `specialization` and whose average monthly
    hours lost over `compression_months` is at least `compression.min_hours`.

    Months without a Health row are left out of the average (no data is never zero)."""
    handoffs = ds["handoffs"]
    months = compression_months(period, ds.today)
    window = months_between(ds["health"], months[0], months[-1])
    per = mean_and_size(window["handoff_id"].tolist(), window["hours"].tolist())
    eligible = (handoffs["status"] == ACTIVE) & (handoffs["split_reason"] != SPECIALIZATION)
    found = [  # (position, average, months with data) of each candidate, worst first
        (i, *per[handoff])
        for i, (handoff, ok) in enumerate(zip(handoffs["handoff_id"], eligible, strict=True))
        if ok and handoff in per and per[handoff][0] >= config.compression.min_hours
    ]
    found.sort(key=lambda one: (-one[1], handoffs["handoff_id"].iat[one[0]]))
    keep = ["row", "handoff_id", "workflow", "from_role", "to_role", "split_reason",
            "decision_note"]  # fmt: skip
    table = handoffs.take([i for i, _, _ in found])[keep]
    table["avg_hours"] = np.array([average for _, average, _ in found], dtype=np.float64)
    table["months_with_data"] = np.array([size for _, _, size in found], dtype=np.int64)
    return table.reset_index(drop=True)


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
    median days from flag to review. Flagged by is matched to Team.person ignoring case.

    A team has a few dozen flags in three months: counted in plain Python over their rows."""
    today = pd.Timestamp(ds.today)
    since = today - pd.DateOffset(months=LOOKBACK_MONTHS)
    flags = ds["flags"]
    window = flags[
        (flags["flagged_at"] >= since) & (flags["flagged_at"] < today + pd.Timedelta(days=1))
    ]
    team = ds["team"]
    managers: dict[str | None, bool] = {}  # case-folded person -> a manager (the first row's)
    for person, manager in zip(team["person"], team["is_manager"].fillna(False), strict=True):
        managers.setdefault(_folded(person), bool(manager))
    by_non_managers = not_in_team = anonymous = 0
    for by in window["flagged_by"]:
        known = managers.get(_folded(by))
        by_non_managers += known is not True
        not_in_team += known is None and not pd.isna(by)
        anonymous += pd.isna(by)
    days = (window["reviewed_on"] - window["flagged_at"].dt.normalize()).dt.days.dropna()
    return TeamShare(
        since=since.date(),
        until=today.date(),
        flags=len(window),
        by_non_managers=by_non_managers,
        not_in_team=not_in_team,
        anonymous=anonymous,
        with_fix=int(window["suggested_fix"].notna().sum()),
        reviewed=len(days),
        median_days_to_review=float(days.median()) if len(days) else None,
        rows=tuple(int(r) for r in window["row"]),
    )


def _folded(name: Any) -> str | None:
    """A name compared ignoring case and surrounding blanks; None for a blank."""
    return None if pd.isna(name) else str(name).strip().casefold()
