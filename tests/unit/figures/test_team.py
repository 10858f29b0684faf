"""One team's figures for one period in one object (figures/team.py): each figure computed at
most once and only when read, the rule for a run without a period, this period against the
last, and figures that travel from a worker process computed."""

from __future__ import annotations

import pickle
from collections import Counter
from typing import Any

import pytest

from handoffs.config import Config
from handoffs.figures import team as team_module
from handoffs.figures.team import team_figures
from handoffs.model.periods import Period
from tests.support.builders import dataset, handoff, health

OCTOBER = Period.parse("2026-10")


def three_handoffs() -> Any:
    """A and B active, C retired; A and B lost hours in September, only A in October."""
    return dataset(
        handoffs=[handoff("A"), handoff("B"), handoff("C", status="retired")],
        health=[
            health("2026-09", "A", 2.0),
            health("2026-09", "B", 3.0),
            health("2026-09", "C", 10.0),
            health("2026-10", "A", 6.0),
        ],
    )


def test_with_no_period_every_active_handoff_is_ranked_as_no_data() -> None:
    ds = dataset(handoffs=[handoff("A"), handoff("B"), handoff("C", status="retired")])
    figures = team_figures(ds, None, Config())
    assert figures.ranked["handoff_id"].tolist() == ["A", "B"]
    assert not figures.ranked["has_data"].any()
    assert figures.ranked["rank"].isna().all()
    assert (figures.hours, figures.previous, figures.change) == (None, None, None)
    assert figures.compression is None and figures.compression_window == []


def test_this_period_against_the_last_counts_the_same_active_handoffs() -> None:
    figures = team_figures(three_handoffs(), OCTOBER, Config())
    assert figures.hours == 6.0
    assert figures.previous == 5.0  # A and B in September; C is retired
    assert figures.change == 1.0
    ranked = figures.ranked.set_index("handoff_id")
    assert ranked.loc["A", "change"] == 4.0
    assert ranked.loc["B", "previous_hours"] == 3.0 and not ranked.loc["B", "has_data"]


def counting(monkeypatch: pytest.MonkeyPatch, *names: str) -> Counter[str]:
    """Count the calls of the figure functions `names`, as figures/team.py makes them."""
    calls: Counter[str] = Counter()
    for name in names:
        real = getattr(team_module, name)

        def counted(*args: Any, _real: Any = real, _name: str = name, **kwargs: Any) -> Any:
            calls[_name] += 1
            return _real(*args, **kwargs)

        monkeypatch.setattr(team_module, name, counted)
    return calls


FUNCTIONS = ("rankings", "stale_reviews", "team_share", "assess", "compression_candidates")


def test_each_figure_is_computed_at_most_once_and_only_when_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = counting(monkeypatch, *FUNCTIONS)
    figures = team_figures(three_handoffs(), OCTOBER, Config())
    assert not calls
    read = ("ranked", "hours", "previous", "change", "stale", "maturity", "share", "compression")
    for _ in range(2):
        figures.computed(*read, "open_flags", "contracts_needing_attention")
    assert calls == dict.fromkeys(FUNCTIONS, 1)


def test_another_period_keeps_what_does_not_depend_on_the_period(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = counting(monkeypatch, *FUNCTIONS)
    figures = team_figures(three_handoffs(), OCTOBER, Config()).computed("maturity", "stale")
    assert figures.for_period(OCTOBER) is figures
    september = figures.for_period(Period.parse("2026-09"))
    assert september.maturity is figures.maturity and september.stale is figures.stale
    assert (september.hours, september.previous) == (5.0, None)
    assert calls == {"rankings": 1, "stale_reviews": 1, "team_share": 1, "assess": 1}


def test_figures_computed_in_a_worker_arrive_computed(monkeypatch: pytest.MonkeyPatch) -> None:
    figures = team_figures(three_handoffs(), OCTOBER, Config()).computed("ranked", "maturity")
    arrived = pickle.loads(pickle.dumps(figures))
    calls = counting(monkeypatch, *FUNCTIONS)
    assert arrived.maturity.label == figures.maturity.label
    assert arrived.ranked.equals(figures.ranked)
    assert not calls
