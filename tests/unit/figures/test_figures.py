"""docs/figures.md: hours lost, rankings, trends and stale reviews, on hand-built teams."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import load_workbook

from handoffs.checks.validate import validate
from handoffs.config import Config, ReviewConfig, ScoringConfig
from handoffs.figures.rankings import hours_lost, rankings, spark_rows, with_hours
from handoffs.figures.stale import stale_reviews
from handoffs.model.periods import Period, default_period, months_between
from handoffs.model.spreadsheet import RawTab
from tests.conftest import TODAY
from tests.support.builders import contract, dataset, flag, handoff, health, workbook


def test_hours_lost_weighs_rework_minutes_and_delays_as_configured() -> None:
    rows = pd.DataFrame({"rework_requests": [3], "format_minutes": [90.0], "delay_days": [1.5]})
    assert hours_lost(rows, ScoringConfig()).tolist() == [3 * 2.0 + 1.5 + 1.5 * 4.0]
    assert hours_lost(rows, ScoringConfig(rework_hours=1.0, delay_hours=8.0)).tolist() == [
        3 + 1.5 + 12
    ]


def test_rankings_order_worst_first_with_ties_broken_by_rework_delays_then_id() -> None:
    ds = dataset(
        handoffs=[handoff(h) for h in ("A", "B", "C", "D")],
        health=[
            {
                "month": "2026-10",
                "handoff_id": "A",
                "rework_requests": 1,
                "format_minutes": 0,
                "delay_days": 1,
            },
            {
                "month": "2026-10",
                "handoff_id": "B",
                "rework_requests": 3,
                "format_minutes": 0,
                "delay_days": 0,
            },
            {
                "month": "2026-10",
                "handoff_id": "C",
                "rework_requests": 3,
                "format_minutes": 0,
                "delay_days": 0,
            },
            {
                "month": "2026-10",
                "handoff_id": "D",
                "rework_requests": 0,
                "format_minutes": 60,
                "delay_days": 0,
            },
        ],
    )
    table = rankings(ds, Period.parse("2026-10"), Config())
    # A: 2 + 4 = 6 h; B and C: 6 h from rework alone; D: 1 h
    assert table[["rank", "handoff_id", "hours"]].values.tolist() == [
        [1, "B", 6.0], [2, "C", 6.0], [3, "A", 6.0], [4, "D", 1.0],
    ]  # fmt: skip


def test_handoffs_without_data_for_the_period_come_last_as_no_data_not_zero() -> None:
    ds = dataset(
        handoffs=[handoff("A"), handoff("B"), handoff("OLD", status="retired")],
        health=[health("2026-10", "A", 0.0), health("2026-09", "B", 8.0)],
    )
    table = rankings(ds, Period.parse("2026-10"), Config())
    assert table["handoff_id"].tolist() == ["A", "B"]  # retired handoffs are not ranked
    assert table["has_data"].tolist() == [True, False]
    assert pd.isna(table.loc[1, "hours"]) and pd.isna(table.loc[1, "rank"])
    assert table.loc[0, "hours"] == 0.0


def test_change_against_the_previous_month_and_six_month_trend() -> None:
    months = ["2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10"]
    ds = dataset(
        handoffs=[handoff("A"), handoff("B")],
        health=[health(m, "A", h) for m, h in zip(months, [0, 2, 4, 8, 12, 14], strict=True)]
        + [health("2026-10", "B", 4.0)],
    )
    table = rankings(ds, Period.parse("2026-10"), Config()).set_index("handoff_id")
    assert table.loc["A", "change"] == 2.0
    assert table.loc["A", "trend"] == "▁▂▃▅▇█"
    assert pd.isna(table.loc["B", "change"])  # nothing to compare with
    assert table.loc["B", "trend"] == "·····█"


def test_sparkline_scales_each_row_from_zero_to_its_own_maximum() -> None:
    grid = np.array([[0.0, 0.0, 0.0], [5.0, 5.0, np.nan], [1.0, 2.0, 8.0]])
    assert spark_rows(grid) == ["▁▁▁", "██·", "▂▃█"]


def test_contract_status_and_open_flags_appear_in_the_rankings() -> None:
    at = dt.datetime(2026, 10, 20, 9, 0)
    ds = dataset(
        handoffs=[handoff("A"), handoff("B")],
        contracts=[contract("A", status="trial", trial_start=TODAY - dt.timedelta(days=3))],
        health=[health("2026-10", "A", 2.0), health("2026-10", "B", 1.0)],
        flags=[
            flag("A", "Ana", at),
            flag("A", "Bo", at, status="done"),
            flag("B", "Cy", at, status="discussed"),
        ],
    )
    table = rankings(ds, Period.parse("2026-10"), Config()).set_index("handoff_id")
    assert table.loc["A", ["contract_status", "open_flags"]].tolist() == ["trial", 1]
    assert table.loc["B", ["contract_status", "open_flags"]].tolist() == ["none", 1]


def test_the_default_period_is_the_latest_month_with_data_not_after_today() -> None:
    ds = dataset(
        handoffs=[handoff("A")],
        health=[health("2026-09", "A", 1.0), health("2026-10", "A", 1.0)],
    )
    assert default_period(ds) == Period(pd.Timestamp(2026, 10, 1))
    assert default_period(dataset(handoffs=[handoff("A")])) is None


def reasons(ds: object, review: ReviewConfig | None = None) -> list[tuple[str, str, str]]:
    table = stale_reviews(ds, review or ReviewConfig())  # type: ignore[arg-type]
    return list(zip(table["handoff_id"], table["reason"], table["detail"], strict=True))


def test_stale_reviews_name_every_reason_with_its_detail() -> None:
    days = lambda n: TODAY - dt.timedelta(days=n)  # noqa: E731
    ds = dataset(
        handoffs=[handoff(h) for h in ("FRESH", "NEVER", "LATE", "TRIAL", "GAPS", "BARE")],
        contracts=[
            contract("FRESH", last_reviewed=days(91)),
            contract("NEVER", last_reviewed=None),
            contract("LATE", last_reviewed=days(92)),
            contract("TRIAL", status="trial", trial_start=days(15), last_reviewed=days(16)),
            contract("GAPS", status="draft", format=None, contact=None, last_reviewed=None),
        ],
    )
    assert reasons(ds) == [
        ("BARE", "active handoff without a contract", "write a contract with the five elements and trial it for two weeks"),
        ("GAPS", "incomplete", "missing Format, Contact if unclear"),
        ("LATE", "quarterly review overdue", "last reviewed 92 days ago, 1 day past the 91-day cycle"),
        ("NEVER", "never reviewed", "no Last reviewed date: review it with sender and receiver"),
        ("TRIAL", "trial ended, adjust the contract",
         "trial started 15 days ago; adjust it to what still gets missed, then set Status to active"),
    ]  # fmt: skip


def test_a_trial_reviewed_since_it_started_or_still_running_is_not_ended() -> None:
    days = lambda n: TODAY - dt.timedelta(days=n)  # noqa: E731
    ds = dataset(
        handoffs=[handoff("REVIEWED"), handoff("RUNNING")],
        contracts=[
            contract("REVIEWED", status="trial", trial_start=days(30), last_reviewed=days(20)),
            contract("RUNNING", status="trial", trial_start=days(14), last_reviewed=days(1)),
        ],
    )
    assert reasons(ds) == []


def test_stale_reviews_keep_the_column_types_they_have_always_had() -> None:
    """Owner is text when every row is a contract's (else Python objects: a handoff without a
    contract has no owner), Detail when every row is a never-reviewed one; with nothing to
    review, the table has its columns and no rows."""
    never = dataset(handoffs=[handoff("A")], contracts=[contract("A", last_reviewed=None)])
    mixed = dataset(handoffs=[handoff("A"), handoff("B")], contracts=[contract("A", format=None)])
    clean = dataset(handoffs=[handoff("A")], contracts=[contract("A")])

    def types(ds: object) -> list[str]:
        table = stale_reviews(ds, ReviewConfig())  # type: ignore[arg-type]
        return [str(table[name].dtype) for name in ("owner", "last_reviewed", "reason", "detail")]

    assert types(never) == ["str", "datetime64[ns]", "str", "str"]
    assert types(mixed) == ["object", "datetime64[ns]", "str", "object"]
    assert types(clean) == ["object", "datetime64[ns]", "float64", "float64"]
    assert stale_reviews(mixed, ReviewConfig())["owner"].tolist() == ["Ana", None]
    assert stale_reviews(clean, ReviewConfig()).empty


def test_rankings_with_no_active_handoff_keep_their_columns() -> None:
    ds = dataset(
        handoffs=[handoff("OLD", status="retired")], health=[health("2026-10", "OLD", 3.0)]
    )
    table = rankings(ds, Period.parse("2026-10"), Config())
    assert table.empty
    assert table.columns.tolist() == [
        "handoff_id", "workflow", "from_role", "to_role", "hours", "rework_requests",
        "format_minutes", "delay_days", "change", "previous_hours", "trend", "contract_status",
        "open_flags", "has_data", "rank",
    ]  # fmt: skip
    assert [str(table[name].dtype) for name in ("rework_requests", "rank", "hours")] == [
        "Int64", "Int64", "float64",
    ]  # fmt: skip


def test_review_cycle_and_trial_length_are_configurable() -> None:
    days = lambda n: TODAY - dt.timedelta(days=n)  # noqa: E731
    ds = dataset(
        handoffs=[handoff("A"), handoff("T")],
        contracts=[
            contract("A", last_reviewed=days(40)),
            contract("T", status="trial", trial_start=days(8), last_reviewed=days(9)),
        ],
    )
    assert [r[:2] for r in reasons(ds, ReviewConfig(every_days=30, trial_days=7))] == [
        ("A", "quarterly review overdue"),
        ("T", "trial ended, adjust the contract"),
    ]
    assert reasons(ds) == []


def test_figures_are_the_same_whether_health_is_kept_in_month_order_or_not() -> None:
    """A sheet kept in month order is read by slicing; any other order by scanning."""
    from tests.conftest import demo_tabs

    raw = {title: RawTab(title, rows) for title, rows in demo_tabs().items()}
    ds = with_hours(validate(raw, TODAY), ScoringConfig())
    in_order = ds["health"]
    shuffled = in_order.sample(frac=1, random_state=7)
    assert in_order["month"].is_monotonic_increasing
    assert not shuffled["month"].is_monotonic_increasing

    for first, last in [("2026-08", "2026-10"), ("2026-10", "2026-10"), ("2020-01", "2020-02")]:
        first_month, last_month = pd.Timestamp(first), pd.Timestamp(last)
        sliced = months_between(in_order, first_month, last_month)
        scanned = months_between(shuffled, first_month, last_month)
        expected = in_order[in_order["month"].between(first_month, last_month)]
        assert sliced["row"].tolist() == expected["row"].tolist()  # sheet order kept
        assert sorted(scanned["row"]) == sorted(expected["row"])

    ranked = rankings(ds, Period.parse("2026-10"), Config())
    ds_shuffled = dataclasses.replace(ds, frames={**ds.frames, "health": shuffled})
    assert rankings(ds_shuffled, Period.parse("2026-10"), Config()).equals(ranked)


def test_a_contract_row_left_out_for_an_error_is_pointed_to_not_asked_for(
    run, tmp_path: Path
) -> None:
    """A typo in Status drops the row from the figures; Stale Reviews names the row and its
    problem instead of asking for a contract that exists."""
    workbook(
        tmp_path / "handoffs.xlsx",
        handoffs=[handoff("RPT-02"), handoff("BRF-01")],
        contracts=[contract("BRF-01"), contract("rpt-02", status="actve")],
    )
    run("refresh")
    stale = load_workbook(tmp_path / "handoffs.xlsx")["Stale Reviews"]
    rows = [[c.value for c in row] for row in stale.iter_rows(min_row=2)]
    assert [(r[0], r[5], r[6]) for r in rows] == [
        ("RPT-02", "contract row has an error", "Contracts row 3 has an error: see Problems")
    ]
