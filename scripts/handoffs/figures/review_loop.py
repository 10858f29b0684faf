"""The quarterly review loop (docs/figures.md): measured improvement of last quarter's
actions, role-compression candidates and the team-driven share of flags."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from math import isnan, nan
from statistics import median
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from handoffs.config import Config
from handoffs.figures.columns import columns
from handoffs.figures.health_sums import MonthSums, mean_and_size
from handoffs.figures.rankings import SORTED_BY, period_totals, rank_key
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


def worst_handoffs(ds: Dataset, period: Period, count: int) -> list[str]:
    """The `count` handoffs worst first among those with Health data in the period, whatever
    their status now (for looking back: a handoff consolidated since still counts for its old
    quarter)."""
    totals = period_totals(ds["health"], period)
    hours, rework, delays = (totals.sums[name].tolist() for name in SORTED_BY)

    def key(seen: tuple[Any, int]) -> tuple[Any, ...]:
        handoff, place = seen
        return rank_key(handoff, hours[place], rework[place], delays[place])

    return [handoff for handoff, _ in sorted(totals.seen(), key=key)[:count]]


class Measured(NamedTuple):
    """One Reviews action's handoff before and after (docs/figures.md#measured-improvement)."""

    hours_before: float
    months_before: int
    hours_after: float
    months_after: int
    avg_before: float
    avg_after: float
    change: float
    change_pct: float
    result: str


def quarter_actions(ds: Dataset, quarter: Period) -> tuple[list[int], list[Measured]]:
    """The Reviews actions recorded for `quarter` (their positions in the Reviews frame), each
    with its handoff's hours lost in that quarter (before) and in the next (after), and the
    change of the average a month (each quarter's hours over its months with Health data) as
    hours and as a percentage.

    The next quarter must have ended: until then the result is "not yet measurable". "no data"
    when either quarter has no Health row for the handoff, "not comparable" when either has
    fewer than `MIN_MONTHS_COMPARED` (a month or two of different lengths says little).

    A few actions a quarter: each one's figures in plain Python, from the quarters' sums."""
    reviews = columns(ds["reviews"], ("quarter", "handoff_id"))
    label = quarter.label  # a Quarter cell is YYYY-Qn or YYYY-qn (sheet_schema/reviews.json)
    positions = [i for i, q in enumerate(reviews["quarter"]) if str(q).upper() == label]
    every_id = reviews["handoff_id"]
    after_q = quarter.next()
    measurable = pd.Timestamp(ds.today) >= after_q.end
    before_sums = period_totals(ds["health"], quarter)
    after_sums = period_totals(ds["health"], after_q)
    measured = []
    for position in positions:
        handoff = every_id[position]
        before, m_before = _hours_and_months(before_sums, handoff)
        after, m_after = _hours_and_months(after_sums, handoff) if measurable else (nan, 0)
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
        measured.append(
            Measured(before, m_before, after, m_after, avg_before, avg_after, change, pct, result)
        )
    return positions, measured


def _hours_and_months(sums: MonthSums, handoff: Any) -> tuple[float, int]:
    """The handoff's hours lost and months with a Health row in the sums; NaN and 0 without."""
    place = sums.place(handoff)
    if place is None:
        return nan, 0
    return float(sums.sums["hours"][place]), int(sums.rows[place])


def measured_improvement(ds: Dataset, quarter: Period, config: Config) -> pd.DataFrame:
    """Each Reviews action recorded for `quarter`, with its measured improvement
    (`quarter_actions`) in the columns of `Measured` and the quarter it is measured on."""
    positions, measured = quarter_actions(ds, quarter)
    actions = ds["reviews"].take(positions)
    columns = list(zip(*measured, strict=True)) or [()] * len(Measured._fields)
    added: dict[str, Any] = {
        name: np.array(values, dtype=np.int64 if name.startswith("months") else np.float64)
        for name, values in zip(Measured._fields, columns, strict=True)
        if name != "result"
    }
    added["result"] = pd.Series(columns[-1], index=actions.index, dtype="object")
    actions = pd.DataFrame(  # one frame built, not a column inserted at a time
        {
            **{name: actions[name] for name in actions.columns},
            **added,
            "measured_on": quarter.next().label,
        },
        index=actions.index,
    )
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
    months = compression_months(period, ds.today)
    window = months_between(ds["health"], months[0], months[-1])
    per = mean_and_size(window["handoff_id"].tolist(), window["hours"].tolist())
    handoff = columns(handoffs, ("handoff_id", "status", "split_reason"))
    found = sorted(  # (-average, handoff id, position, months with data), worst first
        (-per[handoff][0], handoff, i, per[handoff][1])
        for i, (handoff, status, reason) in enumerate(zip(*handoff.values(), strict=True))
        if status == ACTIVE
        and reason != SPECIALIZATION
        and handoff in per
        and per[handoff][0] >= config.compression.min_hours
    )
    taken = np.array([i for _, _, i, _ in found], dtype=np.intp)
    keep = ["row", "handoff_id", "workflow", "from_role", "to_role", "split_reason",
            "decision_note"]  # fmt: skip
    return pd.DataFrame(
        {
            **{name: handoffs[name].array.take(taken) for name in keep},
            "avg_hours": np.array([-average for average, _, _, _ in found], dtype=np.float64),
            "months_with_data": np.array([size for _, _, _, size in found], dtype=np.int64),
        }
    )


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
    tomorrow = today + pd.Timedelta(days=1)
    flags = ds["flags"]
    at = flags["flagged_at"].tolist()
    recent = [since <= when < tomorrow for when in at]  # NaT is never within
    window = columns(
        flags, ("flagged_at", "flagged_by", "reviewed_on", "suggested_fix", "row"), recent
    )
    team = ds["team"]
    managers: dict[str | None, bool] = {}  # case-folded person -> a manager (the first row's)
    for person, manager in zip(team["person"].tolist(), team["is_manager"].tolist(), strict=True):
        managers.setdefault(_folded(person), False if pd.isna(manager) else bool(manager))
    by_non_managers = not_in_team = anonymous = 0
    for by in window["flagged_by"]:
        known = managers.get(_folded(by))
        by_non_managers += known is not True
        not_in_team += known is None and not pd.isna(by)
        anonymous += pd.isna(by)
    days = [
        (reviewed - flagged.normalize()).days
        for flagged, reviewed in zip(window["flagged_at"], window["reviewed_on"], strict=True)
        if not pd.isna(reviewed)
    ]
    return TeamShare(
        since=since.date(),
        until=today.date(),
        flags=len(window["row"]),
        by_non_managers=by_non_managers,
        not_in_team=not_in_team,
        anonymous=anonymous,
        with_fix=sum(not pd.isna(fix) for fix in window["suggested_fix"]),
        reviewed=len(days),
        median_days_to_review=float(median(days)) if days else None,
        rows=tuple(int(r) for r in window["row"]),
    )


def _folded(name: Any) -> str | None:
    """A name compared ignoring case and surrounding blanks; None for a blank."""
    return None if pd.isna(name) else str(name).strip().casefold()
