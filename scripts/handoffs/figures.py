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
    """Health rows with their hours lost."""
    health = ds["health"].copy()
    health["hours"] = hours_lost(health, scoring)
    return health


def period_totals(health: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Per handoff with any Health row in the period: summed figures, indexed by handoff_id."""
    inside = health[(health["month"] >= period.start) & (health["month"] < period.end)]
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
    table = table.rename_axis("handoff_id").reset_index()
    table = table.sort_values(
        ["has_data", "hours", "rework_requests", "delay_days", "handoff_id"],
        ascending=[False, False, False, False, True],
        kind="stable",
    ).reset_index(drop=True)
    table["rank"] = pd.Series(np.arange(1, len(table) + 1)).where(table["has_data"]).astype("Int64")
    return table


def trends(health: pd.DataFrame, period: Period, ids: pd.Index) -> pd.Series:
    """Six-month sparkline ending with the period's last month, per handoff id."""
    last = period.last_month
    months = [last - pd.DateOffset(months=n) for n in range(TREND_MONTHS - 1, -1, -1)]
    window = health[(health["month"] >= months[0]) & (health["month"] <= last)]
    grid = window.pivot_table(
        index="handoff_id", columns="month", values="hours", aggfunc="sum"
    ).reindex(index=ids, columns=months)
    return sparkline(grid)


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
         "last reviewed " + reviewed_days.astype("Int64").astype(str) + " days ago, "
         + overdue.astype("Int64").astype(str) + f" days past the {review.every_days}-day cycle"),
        ((contracts["status"] == "trial") & (trial_days > review.trial_days)
         & ~(contracts["last_reviewed"] >= contracts["trial_start"]),
         "trial ended, adjust the contract",
         "trial started " + trial_days.astype("Int64").astype(str)
         + " days ago; adjust it to what still gets missed, then set Status to active"),
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
