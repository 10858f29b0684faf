"""docs/figures.md figures of the review loop on hand-built teams: measured improvement, the two worst
handoffs (ties included), role-compression candidates and the team-driven share."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from handoffs.config import CompressionConfig, Config
from handoffs.documents import agenda
from handoffs.documents.review_prep import build, default_agenda_period, requested_period
from handoffs.figures.review_loop import (
    compression_candidates,
    measured_improvement,
    team_share,
    worst_handoffs,
)
from handoffs.figures.team import team_figures
from handoffs.model.document import to_markdown
from handoffs.model.errors import UsageError
from handoffs.model.periods import Period, default_quarter
from tests.conftest import TODAY
from tests.support.builders import (
    dataset,
    flag,
    handoff,
    health,
    member,
    quarter_health,
    review,
)

CONFIG = Config()
Q2, Q3, Q4 = Period.parse("2026-Q2"), Period.parse("2026-Q3"), Period.parse("2026-Q4")


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour))


def two_fixes_team(**extra: list) -> dict:
    """Last quarter (2026-Q2) fixed FC-02 and BRF-02: FC-02 improved in Q3, BRF-02 got worse;
    RPT-02's Q3 action cannot be measured until Q4 ends."""
    return {
        "handoffs": [handoff("FC-02"), handoff("BRF-02"), handoff("RPT-02"), handoff("OK-01")],
        "health": [
            *quarter_health("2026-Q2", "FC-02", 20),
            *quarter_health("2026-Q3", "FC-02", 8),
            *quarter_health("2026-Q2", "BRF-02", 16),
            *quarter_health("2026-Q3", "BRF-02", 24),
            *quarter_health("2026-Q2", "RPT-02", 10),
            *quarter_health("2026-Q3", "RPT-02", 30),
            *quarter_health("2026-Q2", "OK-01", 2),
            *quarter_health("2026-Q3", "OK-01", 2),
            health("2026-10", "RPT-02", 12),
        ],
        "reviews": [
            review("2026-Q2", "FC-02", fix="caveats travel with the model"),
            review("2026-Q2", "BRF-02", fix_type="format change", fix="shared brief template"),
            review("2026-q3", "RPT-02", status="in progress", deadline=dt.date(2026, 12, 5)),
        ],
        **extra,
    }


def test_one_fix_improved_and_another_got_worse() -> None:
    ds = dataset(**two_fixes_team())
    actions = measured_improvement(ds, Q2, CONFIG).set_index("handoff_id")
    fc, brf = actions.loc["FC-02"], actions.loc["BRF-02"]
    assert (fc.hours_before, fc.hours_after, fc.change, fc.change_pct) == (60.0, 24.0, -12.0, -60.0)
    assert fc.result == "improved"  # 20.0 → 8.0 hours a month
    assert (brf.hours_before, brf.hours_after, brf.change, brf.change_pct) == (
        48.0,
        72.0,
        8.0,
        50.0,
    )
    assert brf.result == "worse"
    assert (fc.measured_on, fc.months_before, fc.months_after) == ("2026-Q3", 3, 3)


def test_an_action_is_not_yet_measurable_until_the_next_quarter_has_ended() -> None:
    ds = dataset(**two_fixes_team())
    rpt = measured_improvement(ds, Q3, CONFIG).set_index("handoff_id").loc["RPT-02"]
    assert rpt.result == "not yet measurable"
    assert rpt.hours_before == 90.0
    assert rpt.hours_after != rpt.hours_after  # NaN: the 12 hours of October are not a quarter
    on_new_year = dataset(today=dt.date(2027, 1, 1), **two_fixes_team())
    measured = measured_improvement(on_new_year, Q3, CONFIG).set_index("handoff_id").loc["RPT-02"]
    # measurable now, but one month of Q4 against three of Q3 is not comparable
    assert (measured.result, measured.hours_after, measured.months_after) == (
        "not comparable",
        12.0,
        1,
    )


def test_an_action_without_health_data_says_no_data() -> None:
    team = two_fixes_team()
    team["reviews"].append(review("2026-Q2", "OK-01"))
    team["health"] = [
        h for h in team["health"] if not (h["handoff_id"] == "OK-01" and h["month"] > "2026-06")
    ]
    ok = measured_improvement(dataset(**team), Q2, CONFIG).set_index("handoff_id").loc["OK-01"]
    assert ok.result == "no data"


def test_the_quarterly_agenda_names_the_two_worst_and_measures_last_quarters_fixes() -> None:
    agenda = build(team_figures(dataset(**two_fixes_team()), Q3, CONFIG))
    assert [w["handoff_id"] for w in agenda["worst_handoffs"]] == ["RPT-02", "BRF-02"]
    worst = agenda["worst_handoffs"][0]
    assert (worst["hours_lost"], worst["change"], worst["tied_with"]) == (90.0, 60.0, [])
    assert worst["recorded_actions"][0]["result"] == "not yet measurable"
    assert agenda["last_quarter"] == "2026-Q2"
    assert [
        (a["handoff_id"], a["result"], a["change_pct"]) for a in agenda["last_quarter_actions"]
    ] == [
        ("FC-02", "improved", -60.0),
        ("BRF-02", "worse", 50.0),
    ]


def test_the_current_quarters_agenda_cannot_measure_last_quarters_actions_yet() -> None:
    agenda = build(team_figures(dataset(**two_fixes_team()), Q4, CONFIG))
    assert [(a["handoff_id"], a["result"]) for a in agenda["last_quarter_actions"]] == [
        ("RPT-02", "not yet measurable")
    ]


def test_ties_among_the_worst_are_broken_by_rework_then_delays_then_id_and_named() -> None:
    # C-03 and B-02 both lose 20 hours; B-02 with more rework, A-01 and C-03 exactly the same.
    team = {
        "handoffs": [handoff("A-01"), handoff("B-02"), handoff("C-03"), handoff("D-04")],
        "health": [
            health("2026-09", "A-01", 20, rework_requests=4, format_minutes=720),
            health("2026-09", "B-02", 20, rework_requests=10, format_minutes=0),
            health("2026-09", "C-03", 20, rework_requests=4, format_minutes=720),
            health("2026-09", "D-04", 30),
        ],
    }
    agenda = build(team_figures(dataset(**team), Q3, CONFIG))
    worst = agenda["worst_handoffs"]
    assert [(w["handoff_id"], w["rank"]) for w in worst] == [("D-04", 1), ("B-02", 2)]
    assert worst[1]["tied_with"] == ["A-01", "C-03"]
    monthly = build(team_figures(dataset(**team), Period.parse("2026-09"), CONFIG))
    assert [w["handoff_id"] for w in monthly["worst_handoffs"]] == ["D-04", "B-02", "A-01"]
    assert monthly["worst_handoffs"][2]["tied_with"] == ["B-02", "C-03"]


def test_the_worst_handoffs_of_a_past_quarter_count_those_retired_since() -> None:
    ds = dataset(
        handoffs=[handoff("B"), handoff("OLD", status="retired"), handoff("A")],
        health=[
            *quarter_health("2026-Q2", "B", 4),
            *quarter_health("2026-Q2", "OLD", 9),
            *quarter_health("2026-Q2", "A", 4),
            health("2026-07", "B", 50),  # Q3: not counted for Q2
        ],
    )
    assert worst_handoffs(ds, Q2, 2) == ["OLD", "A"]  # A and B tie on every figure: by id
    assert worst_handoffs(ds, Q2, 5) == ["OLD", "A", "B"]
    assert worst_handoffs(ds, Q4, 2) == []


def test_default_quarter_is_the_latest_ended_quarter_with_data() -> None:
    assert default_quarter(dataset(**two_fixes_team())) == Q3
    only_now = dataset(handoffs=[handoff("A-01")], health=[health("2026-11", "A-01", 2)])
    assert default_quarter(only_now) == Q4
    assert default_quarter(dataset(handoffs=[handoff("A-01")])) == Q4


def test_period_options_are_checked() -> None:
    ds = dataset(**two_fixes_team())

    def ask(quarterly: bool = False, month: str | None = None, quarter: str | None = None) -> Any:
        return requested_period(TODAY, quarterly=quarterly, month=month, quarter=quarter)

    assert ask() is None
    assert default_agenda_period(ds, quarterly=False) == Period.parse("2026-10")
    assert default_agenda_period(ds, quarterly=True) == Q3
    assert ask(quarter="2026-Q2") == Q2
    assert ask(month="2026-11") == Period.parse("2026-11")
    with pytest.raises(UsageError, match="--month is for the monthly alignment check"):
        ask(quarterly=True, month="2026-10")
    with pytest.raises(UsageError, match="--quarter takes a quarter as YYYY-Qn"):
        ask(quarter="2026-10")
    with pytest.raises(UsageError, match=r"2027-Q1 has not started yet \(today is 2026-11-25\)"):
        ask(quarter="2027-Q1")


def test_compression_candidates() -> None:
    team = {
        "handoffs": [
            handoff("HIST", split_reason="historical", decision_note=None),
            handoff("UNKN", split_reason="unknown"),
            handoff("SPEC", split_reason="specialization"),
            handoff("CHEAP", split_reason="historical"),
            handoff("GONE", split_reason="historical", status="consolidated"),
            handoff("GAPPY", split_reason="unknown"),
        ],
        "health": [
            *[
                health(m, h, 10)
                for m in ("2026-08", "2026-09", "2026-10")
                for h in ("HIST", "SPEC", "GONE")
            ],
            *[health(m, "UNKN", 4) for m in ("2026-08", "2026-09", "2026-10")],
            *[health(m, "CHEAP", 3.9) for m in ("2026-08", "2026-09", "2026-10")],
            health("2026-10", "GAPPY", 6),  # one month of data: averaged over that month only
            health("2026-07", "CHEAP", 100),  # outside the three months
        ],
    }
    found = compression_candidates(dataset(**team), Period.parse("2026-10"), CONFIG)
    assert found[["handoff_id", "avg_hours", "months_with_data"]].values.tolist() == [
        ["HIST", 10.0, 3],
        ["GAPPY", 6.0, 1],
        ["UNKN", 4.0, 3],
    ]
    stricter = Config(compression=CompressionConfig(min_hours=8.0))
    assert compression_candidates(dataset(**team), Period.parse("2026-10"), stricter)[
        "handoff_id"
    ].tolist() == ["HIST"]


def test_team_driven_share_from_managers_non_managers_and_strangers() -> None:
    team = {
        "handoffs": [handoff("A-01")],
        "team": [
            member("Priya", "Lead", manager=True),
            member("Lena", "Writer"),
            member("Sam", "Editor"),
        ],
        "flags": [
            flag("A-01", "priya", at("2026-11-01"), suggested_fix=None),  # manager, any case
            flag("A-01", "Lena", at("2026-10-01"), reviewed_on=dt.date(2026, 10, 11)),
            flag("A-01", "Sam", at("2026-09-01"), reviewed_on=dt.date(2026, 9, 21)),
            flag("A-01", "Guest", at("2026-09-10"), reviewed_on=dt.date(2026, 9, 11)),
            flag("A-01", None, at("2026-11-20"), suggested_fix=None),  # anonymous form entry
            flag("A-01", "Lena", at("2026-08-24")),  # more than three months ago
        ],
    }
    share = team_share(dataset(**team))
    assert (share.since, share.until) == (dt.date(2026, 8, 25), TODAY)
    assert (share.flags, share.by_non_managers, share.not_in_team, share.anonymous) == (5, 4, 1, 1)
    assert (share.non_manager_pct, share.with_fix, share.fix_pct) == (80.0, 3, 60.0)
    assert (share.reviewed, share.median_days_to_review) == (3, 10.0)
    assert share.rows == (2, 3, 4, 5, 6)


def test_improvement_compares_monthly_averages_so_unequal_quarters_can_be_compared() -> None:
    """10 and 12 hours in Q2's two months with data against 14, 16 and 15 in Q3's three: the
    totals (22 against 45) would say +105%; each side's average a month says 11.0 → 15.0."""
    team = {
        "handoffs": [handoff("FC-02")],
        "health": [
            health("2026-05", "FC-02", 10),
            health("2026-06", "FC-02", 12),
            *[
                health(m, "FC-02", h)
                for m, h in (("2026-07", 14), ("2026-08", 16), ("2026-09", 15))
            ],
        ],
        "reviews": [review("2026-Q2", "FC-02")],
    }
    fc = measured_improvement(dataset(**team), Q2, CONFIG).set_index("handoff_id").loc["FC-02"]
    assert (fc.hours_before, fc.hours_after) == (22.0, 45.0)  # the quarters' totals
    assert (fc.avg_before, fc.avg_after, fc.months_before, fc.months_after) == (11.0, 15.0, 2, 3)
    assert (fc.change, fc.change_pct, fc.result) == (4.0, 4.0 / 11.0 * 100, "worse")


def test_a_quarter_with_one_month_of_data_is_not_comparable() -> None:
    team = {
        "handoffs": [handoff("FC-02")],
        "health": [health("2026-06", "FC-02", 11), *quarter_health("2026-Q3", "FC-02", 44 / 3)],
        "reviews": [review("2026-Q2", "FC-02")],
    }
    fc = measured_improvement(dataset(**team), Q2, CONFIG).set_index("handoff_id").loc["FC-02"]
    assert fc.result == "not comparable"
    assert fc.change != fc.change  # NaN: no change is claimed
    text = to_markdown(agenda.document(build(team_figures(dataset(**team), Q3, CONFIG))))
    assert "+300%" not in text
    assert "not comparable (1 and 3 of 3 months with data; at least 2 each)" in text
