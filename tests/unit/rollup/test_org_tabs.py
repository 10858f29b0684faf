"""The Org tabs from what each team's worker sends back (rollup/team_results.py `rolled_up`,
rollup/org_tabs.py): the same rows and the same order as the team's own figures give."""

from __future__ import annotations

import math
import random

import pandas as pd

from handoffs.config import Config
from handoffs.figures.records import cell_rows
from handoffs.figures.stale import STALE_COLUMNS
from handoffs.figures.team import team_figures
from handoffs.model.periods import Period, default_period
from handoffs.rollup.org_tabs import rank_ordered
from handoffs.rollup.team_results import (
    TeamResult,
    WorstHandoff,
    rolled_up,
    sent_back,
    settle,
)
from handoffs.rollup.teams_tab import GOOGLE, WORKBOOK, TeamSource
from tests.support.builders import contract, dataset, handoff, health

OCTOBER = Period.parse("2026-10")
SEPTEMBER = Period.parse("2026-09")


def test_worst_handoffs_of_every_team_come_in_rank_order_ties_and_missing_values_included() -> None:
    rng = random.Random(7)
    choices = [0.0, 1.5, 2.0, 2.0, math.nan]
    table = pd.DataFrame(
        {
            "team": [f"T{i % 5}" for i in range(60)],
            "handoff_id": [rng.choice("ABCD") + str(rng.randrange(3)) for _ in range(60)],
            "hours": [rng.choice(choices[:-1]) for _ in range(60)],
            "rework_requests": [rng.choice(choices) for _ in range(60)],
            "delay_days": [rng.choice(choices) for _ in range(60)],
        }
    ).sort_values("team", kind="stable", ignore_index=True)
    table["has_data"] = True
    table["handoff_id"] = table["handoff_id"].astype("string[pyarrow]")
    handoffs = [
        (f"{row.team}#{row.Index}", WorstHandoff([], row.hours, row.rework_requests, row.delay_days, row.handoff_id))
        for row in table.itertuples()
    ]  # fmt: skip

    ordered = rank_ordered(handoffs)

    expected = (  # the ranking order as pandas sorts a table: missing values last
        table.assign(key=[key for key, _ in handoffs])
        .sort_values(
            ["hours", "rework_requests", "delay_days", "handoff_id"],
            ascending=[False, False, False, True],
            kind="stable",
        )["key"]
        .tolist()
    )
    assert [key for key, _ in ordered] == expected


def test_a_teams_rows_are_those_of_its_own_figures() -> None:
    ds = dataset(
        handoffs=[handoff("A"), handoff("B", frm="Editor"), handoff("C"), handoff("D")],
        health=[
            health("2026-09", "A", 2.0),
            health("2026-10", "A", 6.04),
            health("2026-10", "B", 3.15),
            health("2026-10", "C", 6.04),
        ],
        contracts=[contract("A"), contract("B", status="trial")],
    )
    figures = team_figures(ds, OCTOBER, Config())

    rolled = rolled_up(figures, top=2)

    table = figures.with_data.head(2)
    shown = pd.DataFrame(
        {
            "handoff_id": table["handoff_id"],
            "route": table["from_role"] + " → " + table["to_role"],
            **{name: table[name] for name in ("hours", "change", "trend", "contract_status")},
        }
    )
    assert [w.cells for w in rolled.worst] == cell_rows(shown)
    assert [w.handoff_id for w in rolled.worst] == ["A", "C"]
    assert rolled.stale == cell_rows(figures.stale[list(STALE_COLUMNS)])
    assert rolled.stale  # D has no contract, B's trial is running
    assert (rolled.period, rolled.latest, rolled.hours, rolled.active) == (
        OCTOBER,
        OCTOBER,
        figures.hours,
        4,
    )


def test_settle_redoes_a_team_at_hand_for_the_period_and_names_a_workbook_to_read_again() -> None:
    ds = dataset(
        handoffs=[handoff("A"), handoff("B")],
        health=[health("2026-09", "A", 2.0), health("2026-10", "B", 3.0)],
    )
    figures = team_figures(ds, SEPTEMBER, Config())
    source = TeamSource(2, "Here", None, GOOGLE, "key")
    at_hand = TeamResult(source, rolled_up(figures, top=5), figures=figures)
    sent_back = TeamResult(source, rolled_up(figures, top=5))  # a worker's: figures stay there
    on_time = TeamResult(source, rolled_up(team_figures(ds, OCTOBER, Config()), top=5))

    again = settle([at_hand, sent_back, on_time], OCTOBER)

    assert again == [1]
    assert at_hand.rolled == rolled_up(team_figures(ds, OCTOBER, Config()), top=5)
    assert at_hand.rolled is not None and at_hand.rolled.hours == 3.0
    assert sent_back.rolled is not None and sent_back.rolled.period == SEPTEMBER


def test_a_worker_sends_a_teams_figures_back_only_when_settle_is_likely_to_redo_it() -> None:
    """Today is in November: most teams' latest month is October; a team behind or ahead of it
    is the one the organisation's period may differ for."""
    source = TeamSource(2, "Team", None, WORKBOOK, "/team.xlsx")

    def sent(*months: str, asked: Period | None = None) -> bool:
        ds = dataset(handoffs=[handoff("A")], health=[health(m, "A", 1.0) for m in months])
        figures = team_figures(ds, asked or default_period(ds), Config())
        result = TeamResult(source, rolled_up(figures, top=5), figures=figures)
        return sent_back(result, asked).figures is not None

    assert not sent("2026-09", "2026-10")
    assert sent("2026-09")
    assert sent("2026-10", "2026-11")
    assert not sent("2026-09", asked=SEPTEMBER)  # --month: the period is known already
