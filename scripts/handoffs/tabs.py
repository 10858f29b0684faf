"""DESIGN §2.3: the generated tabs, built as plain rows from figures (no I/O here)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd

from handoffs import __version__
from handoffs.config import Config
from handoffs.figures import Period, rankings, stale_reviews
from handoffs.schema import generated_tabs
from handoffs.sheet import CellValue, Link, TabContent
from handoffs.validate import Dataset

NO_DATA = "no data"


def _plain(value: object) -> CellValue:
    """pandas scalars -> cell values; missing -> None."""
    if value is None or value is pd.NaT or (not isinstance(value, str) and pd.isna(value)):  # type: ignore[arg-type]
        return None
    if isinstance(value, pd.Timestamp):
        return value.date() if value == value.normalize() else value.to_pydatetime()
    if hasattr(value, "item"):
        return value.item()  # type: ignore[no-any-return]
    return value  # type: ignore[return-value]


def _rounded(value: object, digits: int = 1) -> CellValue:
    plain = _plain(value)
    return round(plain, digits) if isinstance(plain, float) else plain


def rankings_tab(table: pd.DataFrame) -> TabContent:
    layout = generated_tabs()["rankings"]
    rows: list[list[CellValue]] = []
    for item in table.itertuples(index=False):
        has_data = bool(item.has_data)
        rows.append(
            [
                _plain(item.rank),
                item.handoff_id,
                item.workflow,
                f"{item.from_role} → {item.to_role}",
                _rounded(item.hours) if has_data else NO_DATA,
                _plain(item.rework_requests),
                _rounded(item.format_minutes),
                _rounded(item.delay_days),
                _rounded(item.change),
                item.trend,
                item.contract_status,
                _plain(item.open_flags),
            ]
        )
    return TabContent(layout.title, layout.columns, rows)


def stale_tab(table: pd.DataFrame) -> TabContent:
    layout = generated_tabs()["stale_reviews"]
    rows: list[list[CellValue]] = [
        [
            item.handoff_id,
            _plain(item.workflow),
            item.contract_status,
            _plain(item.owner),
            _plain(item.last_reviewed),
            item.reason,
            item.detail,
        ]
        for item in table.itertuples(index=False)
    ]
    if not rows:
        rows = [["", "", "", "", None, "Every contract is reviewed and complete.", ""]]
    return TabContent(layout.title, layout.columns, rows)


def problems_tab(ds: Dataset) -> TabContent:
    layout = generated_tabs()["problems"]
    frame = ds.report.frame
    cells: list[CellValue] = [
        Link(tab, cell, f"{tab}!{cell}") if cell else ""
        for tab, cell in zip(frame["tab"], frame["cell"], strict=True)
    ]
    rows: list[list[CellValue]] = [
        [severity, tab, link, column, value, message]
        for severity, tab, link, column, value, message in zip(
            frame["severity"], frame["tab"], cells, frame["column"], frame["value"],
            frame["message"], strict=True,
        )
    ]  # fmt: skip
    if not rows:
        rows = [["", "", "", "", "", "No problems: every row is valid."]]
    return TabContent(layout.title, layout.columns, rows)


def summary_rows(
    ds: Dataset,
    period: Period | None,
    ranked: pd.DataFrame,
    stale: pd.DataFrame,
    refreshed_at: dt.datetime,
) -> list[list[CellValue]]:
    report = ds.report
    rows: list[list[CellValue]] = [
        ["Refreshed at", refreshed_at.replace(microsecond=0), f"handoffs {__version__}"],
        ["Period", period.label if period else NO_DATA, "latest month with Health data"],
        ["Problems", f"{report.errors} errors, {report.warnings} warnings",
         "rows with errors are left out of every figure; see the Problems tab"],
        ["Active handoffs", len(ranked), "red dots on the workflow map with status active"],
    ]  # fmt: skip
    worst = ranked[ranked["has_data"]].head(2)
    for label, item in zip(
        ("Worst handoff", "Second worst handoff"), worst.itertuples(), strict=False
    ):
        rows.append(
            [
                label,
                item.handoff_id,
                f"{item.hours:.1f} hours lost ({item.from_role} → {item.to_role}, {item.workflow})",
            ]
        )
    flags = ds["flags"]
    open_count = int(flags["status"].isin(("new", "discussed", "accepted")).sum())
    rows += [
        ["Contracts needing attention", int(stale["handoff_id"].nunique()),
         "see the Stale Reviews tab"],
        ["Open flags", open_count, "status new, discussed or accepted"],
    ]  # fmt: skip
    return rows


def build_tabs(
    ds: Dataset, period: Period | None, config: Config, refreshed_at: dt.datetime
) -> list[TabContent]:
    """Summary, Rankings, Stale Reviews and Problems for one refresh."""
    ranked = rankings(ds, period, config) if period else _unranked(ds, config)
    stale = stale_reviews(ds, config.review)
    layout = generated_tabs()
    summary = TabContent(
        layout["summary"].title,
        layout["summary"].columns,
        summary_rows(ds, period, ranked, stale, refreshed_at),
    )
    return [summary, rankings_tab(ranked), stale_tab(stale), problems_tab(ds)]


def _unranked(ds: Dataset, config: Config) -> pd.DataFrame:
    """Rankings when Health has no usable month yet: every active handoff as no data."""
    today = pd.Timestamp(ds.today)
    return rankings(ds, Period(pd.Timestamp(today.year, today.month, 1)), config)


def tab_titles(tabs: Sequence[TabContent]) -> list[str]:
    return [t.title for t in tabs]
