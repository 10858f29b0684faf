"""figures/health_sums.py: a team's Health rows summed per handoff over a run of months, once per
run of months, and laid out as the hours grid the trends and the Summary chart read."""

from __future__ import annotations

import math

import pandas as pd

from handoffs.figures.health_sums import health_sums
from handoffs.model.periods import Period
from tests.support.builders import dataset, handoff, health

Q3 = Period.parse("2026-Q3")


def team() -> pd.DataFrame:
    """A in July and September of Q3, B in June only, C never."""
    return dataset(
        handoffs=[handoff("A"), handoff("B"), handoff("C")],
        health=[
            health("2026-07", "A", 6.0),
            health("2026-09", "A", 3.0),
            health("2026-06", "B", 4.0),
        ],
    )["health"]


def test_a_run_of_months_is_summed_per_handoff_with_its_rows_counted() -> None:
    sums = health_sums(team()).between(Q3.start, Q3.last_month)
    a = sums.place("A")
    assert a is not None and sums.rows[a] == 2
    assert sums.sums["hours"][a] == 9.0
    assert sums.sums["rework_requests"][a] == 4  # 3 + 1 requests, the last hour as minutes
    assert sums.sums["format_minutes"][a] == 60.0
    # B has a row, but not in Q3; C has none at all
    assert sums.place("B") is None and sums.place("C") is None
    assert [handoff for handoff, _ in sums.seen()] == ["A"]


def test_a_handoff_without_a_row_in_the_months_reads_as_blank_not_zero() -> None:
    sums = health_sums(team()).between(Q3.start, Q3.last_month)
    minutes = sums.column("format_minutes", ["C", "A", "B"])
    assert math.isnan(minutes[0]) and minutes[1] == 60.0 and math.isnan(minutes[2])
    assert sums.column("format_minutes", ["A"]).tolist() == [60.0]


def test_each_run_of_months_is_summed_once_per_health_frame() -> None:
    rows = team()
    first = health_sums(rows).between(Q3.start, Q3.last_month)
    assert health_sums(rows).between(Q3.start, Q3.last_month) is first
    assert health_sums(rows).between(Q3.start, Q3.start) is not first


def test_the_hours_grid_has_a_row_per_handoff_asked_for_and_a_column_per_month() -> None:
    months = [pd.Timestamp(f"2026-{m:02d}-01") for m in (6, 7, 8, 9)]
    grid = health_sums(team()).grid(pd.Index(["B", "A", "C"]), months)
    assert grid.index.tolist() == ["B", "A", "C"]
    assert list(grid.columns) == months
    assert grid.fillna(-1).values.tolist() == [
        [4.0, -1, -1, -1],
        [-1, 6.0, -1, 3.0],
        [-1, -1, -1, -1],
    ]
