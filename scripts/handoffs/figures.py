"""DESIGN §3: hours lost, rankings, trends and stale reviews, from validated frames."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from handoffs.config import Config, ReviewConfig, ScoringConfig
from handoffs.errors import ConfigError
from handoffs.validate import Dataset

SPARK = "▁▂▃▄▅▆▇█"
NO_DATA_MARK = "·"
TREND_MONTHS = 6
OPEN_FLAG = ("new", "discussed", "accepted")
IN_USE = ("draft", "trial", "active")  # contract statuses that count as the handoff's contract
ELEMENTS = {
    "deliverable": "Deliverable contains",
    "format": "Format",
    "sender_context": "Sender includes",
    "receiver_checks": "Receiver checks",
    "contact": "Contact if unclear",
}


@dataclass(frozen=True)
class Period:
    """A month or a quarter, as a run of whole months."""

    start: pd.Timestamp
    months: int = 1

    @classmethod
    def parse(cls, text: str) -> Period:
        quarter = re.fullmatch(r"(\d{4})-[Qq]([1-4])", text.strip())
        if quarter:
            year, q = int(quarter[1]), int(quarter[2])
            return cls(pd.Timestamp(year, 3 * q - 2, 1), 3)
        month = re.fullmatch(r"(\d{4})-(\d{1,2})", text.strip())
        if month and 1 <= int(month[2]) <= 12:
            return cls(pd.Timestamp(int(month[1]), int(month[2]), 1))
        raise ConfigError(
            f"'{text}' is not a period; type a month as YYYY-MM or a quarter as YYYY-Qn."
        )

    @classmethod
    def quarter_of(cls, day: pd.Timestamp | dt.date) -> Period:
        stamp = pd.Timestamp(day)
        return cls(pd.Timestamp(stamp.year, 3 * ((stamp.month - 1) // 3) + 1, 1), 3)

    @property
    def label(self) -> str:
        if self.months == 3:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start:%Y-%m}"

    @property
    def month_starts(self) -> list[pd.Timestamp]:
        return [self.start + pd.DateOffset(months=i) for i in range(self.months)]

    @property
    def last_month(self) -> pd.Timestamp:
        return self.month_starts[-1]

    @property
    def end(self) -> pd.Timestamp:
        """The first day after the period."""
        return self.start + pd.DateOffset(months=self.months)

    def previous(self) -> Period:
        return Period(self.start - pd.DateOffset(months=self.months), self.months)

    def next(self) -> Period:
        return Period(self.end, self.months)

    def __str__(self) -> str:
        return self.label


def hours_lost(health: pd.DataFrame, scoring: ScoringConfig) -> pd.Series:
    """rework × rework_hours + format minutes / 60 + delay days × delay_hours."""
    return (
        health["rework_requests"].astype("float64") * scoring.rework_hours
        + health["format_minutes"] / 60
        + health["delay_days"] * scoring.delay_hours
    )


def default_period(ds: Dataset) -> Period | None:
    """The latest month with Health data that is not after today."""
    months = ds["health"]["month"]
    months = months[months <= pd.Timestamp(ds.today)]
    return Period(months.max()) if not months.empty else None


def monthly_hours(ds: Dataset, scoring: ScoringConfig) -> pd.DataFrame:
    """Health rows with their hours lost, computed once per dataset and weights (read-only)."""
    key = ("hours", scoring)
    if key not in ds.derived:
        health = ds["health"]
        ds.derived[key] = health.assign(hours=hours_lost(health, scoring))
    return ds.derived[key]


def months_between(health: pd.DataFrame, first: pd.Timestamp, last: pd.Timestamp) -> pd.DataFrame:
    """Health rows from month `first` to month `last`, both included, in sheet order."""
    month = health["month"]
    if month.is_monotonic_increasing:  # a sheet kept in month order: a slice, not a scan
        start, stop = month.searchsorted(first, "left"), month.searchsorted(last, "right")
        return health.iloc[start:stop]
    return health[(month >= first) & (month <= last)]


def period_totals(health: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Per handoff with any Health row in the period: summed figures, indexed by handoff_id."""
    inside = months_between(health, period.start, period.last_month)
    return inside.groupby("handoff_id")[
        ["hours", "rework_requests", "format_minutes", "delay_days"]
    ].sum()


def sparkline(values: pd.DataFrame) -> pd.Series:
    """One text sparkline per row, scaled from 0 to the row's own maximum; '·' = no data."""
    top = values.max(axis=1).replace(0, np.nan)
    levels = (values.div(top, axis=0) * (len(SPARK) - 1)).round()
    levels = levels.where(values.notna() & top.notna().to_numpy()[:, None], 0)
    chars = np.array(list(SPARK))[levels.fillna(0).astype(int).to_numpy()]
    chars[values.isna().to_numpy()] = NO_DATA_MARK
    return pd.Series(["".join(row) for row in chars], index=values.index, dtype="object")


def rankings(ds: Dataset, period: Period, config: Config) -> pd.DataFrame:
    """Active handoffs worst first; those without data for the period last, as no data."""
    handoffs = ds["handoffs"]
    active = handoffs[handoffs["status"] == "active"].set_index("handoff_id")
    health = monthly_hours(ds, config.scoring)
    current = period_totals(health, period).reindex(active.index)
    before = period_totals(health, period.previous())["hours"].reindex(active.index)
    table = pd.DataFrame(
        {
            "workflow": active["workflow"],
            "from_role": active["from_role"],
            "to_role": active["to_role"],
            "hours": current["hours"],
            "rework_requests": current["rework_requests"],
            "format_minutes": current["format_minutes"],
            "delay_days": current["delay_days"],
            "change": current["hours"] - before,
            "trend": trends(health, period, active.index),
            "contract_status": contract_status(ds).reindex(active.index).fillna("none"),
            "open_flags": open_flags(ds).reindex(active.index).fillna(0).astype(int),
        }
    )
    table["has_data"] = table["hours"].notna()
    table = rank_order(table.rename_axis("handoff_id").reset_index())
    table["rank"] = pd.Series(np.arange(1, len(table) + 1)).where(table["has_data"]).astype("Int64")
    return table


def rank_order(table: pd.DataFrame) -> pd.DataFrame:
    """DESIGN §3 order: hours lost, then rework requests, then delay days, then handoff id;
    rows without data (`has_data` False) last."""
    return table.sort_values(
        ["has_data", "hours", "rework_requests", "delay_days", "handoff_id"],
        ascending=[False, False, False, False, True],
        kind="stable",
    ).reset_index(drop=True)


def months_ending(last: pd.Timestamp, count: int) -> list[pd.Timestamp]:
    """`count` month starts, oldest first, ending with `last`."""
    return [last - pd.DateOffset(months=n) for n in range(count - 1, -1, -1)]


def hours_grid(health: pd.DataFrame, ids: pd.Index, months: list[pd.Timestamp]) -> pd.DataFrame:
    """Hours lost per handoff (rows) and month (columns); NaN where there is no Health row."""
    window = months_between(health, months[0], months[-1])
    return window.pivot_table(
        index="handoff_id", columns="month", values="hours", aggfunc="sum"
    ).reindex(index=ids, columns=months)


def trends(health: pd.DataFrame, period: Period, ids: pd.Index) -> pd.Series:
    """Six-month sparkline ending with the period's last month, per handoff id."""
    return sparkline(hours_grid(health, ids, months_ending(period.last_month, TREND_MONTHS)))


def contract_status(ds: Dataset) -> pd.Series:
    """The status of each handoff's contract in use, indexed by handoff id."""
    contracts = ds["contracts"]
    in_use = contracts[contracts["status"].isin(IN_USE)]
    return in_use.drop_duplicates("handoff_id").set_index("handoff_id")["status"]


def open_flags(ds: Dataset) -> pd.Series:
    flags = ds["flags"]
    return flags[flags["status"].isin(OPEN_FLAG)].groupby("handoff_id").size()


def missing_elements(contracts: pd.DataFrame) -> pd.Series:
    """'Format, Contact if unclear' for each contract row, '' when all five are filled."""
    missing = pd.Series("", index=contracts.index, dtype="object")
    for name, title in ELEMENTS.items():
        missing = missing + np.where(contracts[name].isna(), title + ", ", "")
    return missing.str.removesuffix(", ")


def _days(counts: pd.Series) -> pd.Series:
    """'1 day', '12 days' for each count."""
    whole = counts.astype("Int64")
    return whole.astype(str) + np.where(whole.eq(1).fillna(False), " day", " days")


def stale_reviews(ds: Dataset, review: ReviewConfig) -> pd.DataFrame:
    """Contracts that need attention, one row per reason (DESIGN §3 Stale, §2.3)."""
    today = pd.Timestamp(ds.today)
    handoffs = ds["handoffs"].set_index("handoff_id")
    contracts = ds["contracts"]
    contracts = contracts[contracts["status"].isin(IN_USE)].copy()
    reviewed_days = (today - contracts["last_reviewed"]).dt.days
    trial_days = (today - contracts["trial_start"]).dt.days
    in_force = contracts["status"].isin(("active", "trial"))
    missing = missing_elements(contracts)
    overdue = reviewed_days - review.every_days
    reasons = [
        (in_force & contracts["last_reviewed"].isna(), "never reviewed",
         pd.Series("no Last reviewed date: review it with sender and receiver", index=contracts.index)),
        (in_force & (reviewed_days > review.every_days), "quarterly review overdue",
         "last reviewed " + _days(reviewed_days) + " ago, "
         + _days(overdue) + f" past the {review.every_days}-day cycle"),
        ((contracts["status"] == "trial") & (trial_days > review.trial_days)
         & ~(contracts["last_reviewed"] >= contracts["trial_start"]),
         "trial ended, adjust the contract",
         "trial started " + _days(trial_days)
         + " ago; adjust it to what still gets missed, then set Status to active"),
        (missing.ne(""), "incomplete", "missing " + missing),
    ]  # fmt: skip
    parts = [
        pd.DataFrame(
            {
                "handoff_id": contracts.loc[mask, "handoff_id"],
                "contract_status": contracts.loc[mask, "status"],
                "owner": contracts.loc[mask, "owner"],
                "last_reviewed": contracts.loc[mask, "last_reviewed"],
                "reason": reason,
                "detail": detail[mask],
                "order": order,
            }
        )
        for order, (mask, reason, detail) in enumerate(reasons)
    ]
    active = handoffs[handoffs["status"] == "active"]
    uncovered = active.index[~active.index.isin(contracts["handoff_id"])]
    parts.append(
        pd.DataFrame(
            {
                "handoff_id": uncovered,
                "contract_status": "none",
                "owner": None,
                "last_reviewed": pd.NaT,
                "reason": "active handoff without a contract",
                "detail": "write a contract with the five elements and trial it for two weeks",
                "order": len(reasons),
            }
        )
    )
    table = pd.concat([p for p in parts if not p.empty] or parts[:1], ignore_index=True)
    table["workflow"] = table["handoff_id"].map(handoffs["workflow"])
    table = table.sort_values(["handoff_id", "order"], kind="stable").drop(columns="order")
    return table.reset_index(drop=True)


# -- the quarterly review loop, role compression and team-driven share (DESIGN §3) ----------

LOOKBACK_MONTHS = 3  # "the last three months" of compression, team share and maturity


def default_quarter(ds: Dataset) -> Period:
    """The latest quarter that has ended and has Health data; else the current quarter."""
    current = Period.quarter_of(ds.today)
    months = ds["health"]["month"]
    ended = months[months < current.start]
    return Period.quarter_of(ended.max()) if not ended.empty else current


def period_ranking(ds: Dataset, period: Period, config: Config) -> pd.DataFrame:
    """Every handoff with Health data in the period, whatever its status now, worst first
    (for looking back: a handoff consolidated since still counts for its old quarter)."""
    totals = period_totals(monthly_hours(ds, config.scoring), period).reset_index()
    totals["has_data"] = True
    return rank_order(totals)


def month_counts(health: pd.DataFrame, period: Period) -> pd.Series:
    """How many months of the period have a Health row, per handoff id."""
    inside = months_between(health, period.start, period.last_month)
    return inside.groupby("handoff_id").size()


def measured_improvement(ds: Dataset, quarter: Period, config: Config) -> pd.DataFrame:
    """Each Reviews action recorded for `quarter`, with its handoff's hours lost in that quarter
    (before) and in the next (after), the change and the percentage.

    The next quarter must have ended: until then the result is "not yet measurable". "no data"
    when either quarter has no Health row for the handoff."""
    reviews = ds["reviews"]
    actions = reviews[reviews["quarter"].str.upper() == quarter.label].copy()
    after_q = quarter.next()
    measurable = pd.Timestamp(ds.today) >= after_q.end
    health = monthly_hours(ds, config.scoring)
    ids = actions["handoff_id"]
    actions["hours_before"] = ids.map(period_totals(health, quarter)["hours"]).astype("float64")
    actions["months_before"] = ids.map(month_counts(health, quarter)).fillna(0).astype(int)
    after = ids.map(period_totals(health, after_q)["hours"]).astype("float64")
    actions["hours_after"] = after if measurable else np.nan
    months_after = ids.map(month_counts(health, after_q)).fillna(0).astype(int)
    actions["months_after"] = months_after if measurable else 0
    change = actions["hours_after"] - actions["hours_before"]
    actions["change"] = change
    actions["change_pct"] = (
        change / actions["hours_before"].where(actions["hours_before"] > 0) * 100
    )
    result = np.select(
        [np.full(len(actions), not measurable), change.isna(), change < 0, change > 0],
        ["not yet measurable", "no data", "improved", "worse"],
        "unchanged",
    )
    actions["result"] = pd.Series(result, index=actions.index, dtype="object")
    actions["measured_on"] = after_q.label
    return actions.reset_index(drop=True)


def compression_candidates(ds: Dataset, period: Period, config: Config) -> pd.DataFrame:
    """Active handoffs whose split reason is not `specialization` and whose average monthly
    hours lost over the three months ending with the period is at least `compression.min_hours`.

    Months without a Health row are left out of the average (no data is never zero)."""
    handoffs = ds["handoffs"]
    eligible = handoffs[
        (handoffs["status"] == "active") & (handoffs["split_reason"] != "specialization")
    ].set_index("handoff_id")
    months = months_ending(period.last_month, LOOKBACK_MONTHS)
    health = monthly_hours(ds, config.scoring)
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
    """DESIGN §3 team-driven share, over the flags of the three months up to today."""

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
