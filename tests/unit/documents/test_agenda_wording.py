"""The review-prep agenda says what is true (docs/commands.md#review-prep): a running quarter is
"so far", months that have not started are never counted or drawn, every open flag of a worst
handoff is a failure case, and the words fit the numbers (1 day, no comparison without data)."""

from __future__ import annotations

import datetime as dt

from handoffs.config import Config
from handoffs.documents import agenda
from handoffs.documents.review_prep import build
from handoffs.figures.team import team_figures
from handoffs.model.document import to_markdown
from handoffs.model.periods import Period
from tests.support.builders import dataset, flag, handoff, health, quarter_health, review

CONFIG = Config()
Q3, Q4 = Period.parse("2026-Q3"), Period.parse("2026-Q4")


def markdown(content: dict) -> str:
    return to_markdown(agenda.document(content))


def test_every_open_flag_of_a_worst_handoff_up_to_today_is_a_failure_case() -> None:
    """A flag raised after the quarter but still open is counted in Open flags, so it is shown
    too; a flag that is done is not (unless it was raised in the quarter)."""
    ds = dataset(
        handoffs=[handoff("RPT-02")],
        health=quarter_health("2026-Q3", "RPT-02", 10),
        flags=[
            flag("RPT-02", "Lena", dt.datetime(2026, 8, 3, 9), what_went_wrong="in the quarter"),
            flag("RPT-02", "Lena", dt.datetime(2026, 11, 10, 9), what_went_wrong="still open"),
            flag("RPT-02", "Lena", dt.datetime(2026, 11, 12, 9), what_went_wrong="done", status="done"),
        ],
    )  # fmt: skip
    worst = build(team_figures(ds, Q3, CONFIG))["worst_handoffs"][0]
    assert worst["open_flags"] == 2
    assert [c["text"] for c in worst["failure_cases"] if c["source"] == "flag"] == [
        "in the quarter",
        "still open",
    ]


def test_the_running_quarter_is_so_far_and_never_counts_or_draws_future_months() -> None:
    ds = dataset(
        today=dt.date(2026, 10, 15),
        handoffs=[handoff("RPT-02", split_reason="historical")],
        health=[*quarter_health("2026-Q3", "RPT-02", 10), health("2026-10", "RPT-02", 12)],
    )
    content = build(team_figures(ds, Q4, CONFIG))
    assert (content["months_so_far"], content["period_months"]) == (1, 3)
    assert content["compression_months"] == ["2026-08", "2026-09", "2026-10"]
    (candidate,) = content["compression_candidates"]
    assert candidate["months_with_data"] == 3  # August to October, not October to December
    assert content["worst_handoffs"][0]["trend"] == "··▇▇▇█"  # May … October, ending now
    text = markdown(content)
    assert "2026-Q4 so far (1 of 3 months) is compared with 2026-Q3." in text
    assert (
        "- **Hours lost**: 12.0 across the active handoffs so far (1 of 3 months) (-18.0 vs 2026-Q3)\n"
        in text
    )
    assert "12.0 so far (1 of 3 months) (-18.0 vs 2026-Q3), six-month trend ··▇▇▇█" in text


def test_the_running_month_is_so_far_too() -> None:
    ds = dataset(handoffs=[handoff("RPT-02")], health=[health("2026-11", "RPT-02", 4)])
    text = markdown(build(team_figures(ds, Period.parse("2026-11"), CONFIG)))
    assert "2026-11 so far (to 2026-11-25) is compared with 2026-10." in text
    assert "2026-10 is compared with 2026-09." in markdown(
        build(team_figures(ds, Period.parse("2026-10"), CONFIG))
    )


def test_an_ended_quarter_is_not_so_far() -> None:
    ds = dataset(handoffs=[handoff("RPT-02")], health=quarter_health("2026-Q3", "RPT-02", 10))
    text = markdown(build(team_figures(ds, Q3, CONFIG)))
    assert "so far" not in text
    assert "2026-Q3 is compared with 2026-Q2." in text


def test_no_comparison_is_written_when_the_previous_quarter_has_no_data() -> None:
    ds = dataset(handoffs=[handoff("RPT-02")], health=quarter_health("2026-Q3", "RPT-02", 10))
    text = markdown(build(team_figures(ds, Q3, CONFIG)))
    assert "( vs" not in text
    assert (
        "- **Hours lost**: 30.0 across the active handoffs (no Health data for 2026-Q2 to compare)\n"
        in text
    )
    assert "30.0 (no Health data for 2026-Q2 to compare), six-month trend" in text


def test_one_day_is_one_day() -> None:
    ds = dataset(
        handoffs=[handoff("RPT-02"), handoff("BRF-01")],
        health=[health("2026-10", "RPT-02", 10, delay_days=1)],
        reviews=[
            review("2026-Q3", "RPT-02", status="planned", deadline=dt.date(2026, 11, 26)),
            review("2026-Q3", "BRF-01", status="planned", deadline=dt.date(2026, 11, 24)),
        ],
    )
    monthly = markdown(build(team_figures(ds, Period.parse("2026-10"), CONFIG)))
    assert "due in 1 day |" in monthly
    assert "overdue by 1 day |" in monthly
    quarterly = markdown(build(team_figures(ds, Q4, CONFIG)))
    assert "- **Delays**: 1 day\n" in quarterly


def test_an_empty_workbook_says_there_is_no_candidate_without_claiming_why() -> None:
    text = markdown(build(team_figures(dataset(), Q3, CONFIG)))
    assert "every costly handoff is split for a genuine specialization" not in text
    assert (
        "No candidate: no active handoff with a split reason other than specialization lost "
        "that much." in text
    )
