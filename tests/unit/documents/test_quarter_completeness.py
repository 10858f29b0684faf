"""A period is complete only after its last day (docs/commands.md#review-prep): a quarter in its
last month is still "so far", and says up to which day; one that has ended is not."""

from __future__ import annotations

import datetime as dt

from handoffs.config import Config
from handoffs.documents import agenda
from handoffs.documents.review_prep import build
from handoffs.figures.team import team_figures
from handoffs.model.document import to_markdown
from handoffs.model.periods import Period
from handoffs.tabs.team_tabs import summary_rows
from tests.support.builders import dataset, handoff, health, quarter_health

CONFIG = Config()
Q4 = Period.parse("2026-Q4")


def q4_agenda(today: dt.date) -> dict:
    ds = dataset(
        today=today,
        handoffs=[handoff("RPT-02")],
        health=[*quarter_health("2026-Q3", "RPT-02", 10), health("2026-10", "RPT-02", 12)],
    )
    return build(team_figures(ds, Q4, CONFIG))  # type: ignore[return-value]


def test_a_quarter_in_its_last_month_is_still_running() -> None:
    content = q4_agenda(dt.date(2026, 12, 2))
    assert (content["months_so_far"], content["period_months"]) == (3, 3)
    assert content["complete"] is False
    text = to_markdown(agenda.document(content))
    assert "2026-Q4 so far (to 2026-12-02) is compared with 2026-Q3." in text
    assert "across the active handoffs so far (to 2026-12-02) (-18.0 vs 2026-Q3)" in text


def test_a_quarter_in_its_second_month_says_how_many_months() -> None:
    content = q4_agenda(dt.date(2026, 11, 15))
    assert content["complete"] is False
    assert "2026-Q4 so far (2 of 3 months) is compared" in to_markdown(agenda.document(content))


def test_a_quarter_is_complete_from_the_day_after_its_last_day() -> None:
    assert q4_agenda(dt.date(2026, 12, 31))["complete"] is False
    content = q4_agenda(dt.date(2027, 1, 1))
    assert content["complete"] is True
    text = to_markdown(agenda.document(content))
    assert "so far" not in text
    assert "2026-Q4 is compared with 2026-Q3." in text


def test_the_summary_says_when_its_month_is_still_running() -> None:
    ds = dataset(handoffs=[handoff("RPT-02")], health=[health("2026-11", "RPT-02", 4)])
    at = dt.datetime(2026, 11, 25, 9)
    running = summary_rows(team_figures(ds, Period.parse("2026-11"), CONFIG), at)
    assert running[1] == [
        "Period",
        "2026-11",
        "latest month with Health data; still running: figures so far",
    ]
    ended = summary_rows(team_figures(ds, Period.parse("2026-10"), CONFIG), at)
    assert ended[1] == ["Period", "2026-10", "latest month with Health data"]
