"""docs/figures.md maturity: a team that meets every criterion, and the same team one row short of
each criterion in turn (so each level is met exactly), with the evidence named."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pandas as pd
import pytest

from handoffs.checks.notes import NoteCheck
from handoffs.config import Config
from handoffs.figures.maturity import Maturity, assess
from handoffs.figures.review_loop import team_share
from handoffs.model.dataset import Dataset
from tests.support.builders import contract, dataset, flag, handoff, member, quarter_health, review

Frames = dict[str, pd.DataFrame]
Change = Callable[[Frames], None]
DATES = {"last_reviewed", "trial_start", "onboarded", "joined", "reviewed_on", "deadline"}
COMPLETE_NOTE = NoteCheck("a-01.md", "A-01", ())
INCOMPLETE_NOTE = NoteCheck("b-02.md", "B-02", (("Open questions", "empty"),))


def full_team() -> dict[str, Any]:
    """Meets every criterion on 2026-11-25."""
    at = lambda day: dt.datetime.combine(dt.date.fromisoformat(day), dt.time(9))  # noqa: E731
    return {
        "handoffs": [handoff("A-01"), handoff("B-02", "Writer", "Editor", step=2)],
        "contracts": [contract("A-01"), contract("B-02")],
        "health": [
            *quarter_health("2026-Q2", "A-01", 10),
            *quarter_health("2026-Q3", "A-01", 8),
            *quarter_health("2026-Q4", "A-01", 8)[:1],
            *quarter_health("2026-Q2", "B-02", 6),
            *quarter_health("2026-Q3", "B-02", 4),
            *quarter_health("2026-Q4", "B-02", 4)[:1],
        ],
        "reviews": [review("2026-Q2", "A-01"), review("2026-Q2", "B-02")],
        "team": [
            member("Priya", "Lead", manager=True, joined=dt.date(2024, 1, 8)),
            member("Ana", "Analyst", joined=dt.date(2026, 9, 1), onboarded=dt.date(2026, 9, 10)),
            member("Ben", "Writer", joined=dt.date(2025, 3, 1)),
        ],
        "flags": [
            flag("A-01", "Ana", at("2026-10-02")),
            flag("B-02", "Ben", at("2026-10-20")),
            flag("A-01", "Priya", at("2026-11-02")),
        ],
    }


@functools.cache
def validated_team() -> Dataset:
    return dataset(**full_team())


def assess_team(change: Change | None = None, notes: list[NoteCheck] | None = None) -> Maturity:
    """The full team, with `change` applied to its validated rows (validation runs once)."""
    ds = validated_team()
    frames = {name: frame.copy() for name, frame in ds.frames.items()}
    if change is not None:
        change(frames)
    ds = replace(ds, frames=frames)
    chosen = [COMPLETE_NOTE] if notes is None else notes
    return assess(ds, Config(), team_share(ds), chosen, "handoff-notes")


def unmet(maturity: Maturity) -> set[str]:
    return {c.key for c in maturity.criteria if not c.met}


def test_a_team_that_meets_every_criterion_is_mastered() -> None:
    maturity = assess_team()
    assert unmet(maturity) == set()
    assert (maturity.level, maturity.next_step) == (
        "Mastered",
        "every criterion of every level is met",
    )
    evidence = {c.key: c.evidence for c in maturity.criteria}
    assert evidence["workflow_map"] == (
        "all 2 active handoffs have Context that travels and What gets lost (Handoffs rows 2–3)"
    )
    assert evidence["contract_most_rework"] == (
        "A-01 has the most rework (12 requests in 2026-08 … 2026-10) and its contract is active "
        "(Contracts row 2)"
    )
    assert evidence["review_loop"].startswith(
        "the two worst handoffs of 2026-Q2 have actions measured on 2026-Q3: A-01 (Reviews row 2, "
        "owner Ana, deadline 2026-08-15: 10.0 → 8.0 h a month)"
    )
    assert evidence["onboarding"] == (
        "the one member who joined since 2026-05-25 is onboarded (Team row 3)"
    )
    rows = {c.key: c.rows for c in maturity.criteria}
    assert rows["team_driven"] == {"Flags": (2, 3, 4)}
    assert rows["health_rows"] == {"Health": (6, 7, 8, 13, 14, 15)}


def drop(tab: str, index: int) -> Change:
    def change(frames: Frames) -> None:
        frames[tab] = frames[tab].drop(frames[tab].index[index]).reset_index(drop=True)

    return change


def set_cell(tab: str, index: int, **fields: Any) -> Change:
    def change(frames: Frames) -> None:
        for name, value in fields.items():
            frames[tab].loc[index, name] = pd.NaT if value is None and name in DATES else value

    return change


def add(tab: str, **fields: Any) -> Change:
    """A copy of the tab's first row, changed, as a new row at the bottom."""

    def change(frames: Frames) -> None:
        frame = frames[tab]
        row = frame.iloc[[0]].assign(row=int(frame["row"].max()) + 1, **fields)
        frames[tab] = pd.concat([frame, row], ignore_index=True)

    return change


NOV = pd.Timestamp(2026, 11, 3, 9)
# criterion -> (the one-row change, every criterion it leaves unmet, the level left, evidence)
ONE_ROW_SHORT = {
    "workflow_map": (
        set_cell("handoffs", 1, context_lost=None), {"workflow_map"}, None,
        "1 of 2 active handoffs misses context: B-02 (What gets lost, row 3)",
    ),
    "contract_most_rework": (  # its contract in force is also an element of every-contract
        set_cell("contracts", 0, status="draft"), {"contract_most_rework", "contracts_complete"},
        None, "A-01 has the most rework (12 requests in 2026-08 … 2026-10); its contract is a "
        "draft (Contracts row 2): start the two-week trial",
    ),
    "template_in_use": (
        None, {"template_in_use"}, None,
        "the one note in handoff-notes fails `handoffs check`: b-02.md",
    ),
    "contracts_complete": (
        set_cell("contracts", 1, contact=None), {"contracts_complete"}, "Developing",
        "1 of 2 active handoffs falls short: B-02: missing Contact if unclear",
    ),
    "contracts_reviewed": (
        set_cell("contracts", 1, last_reviewed=pd.Timestamp(2026, 8, 25)), {"contracts_complete"},
        "Developing",
        "1 of 2 active handoffs falls short: B-02: last reviewed 2026-08-25, more than 91 days ago",
    ),
    "contracts_never_reviewed": (  # the row's own date or "never", not the window's start
        set_cell("contracts", 1, last_reviewed=None), {"contracts_complete"},
        "Developing", "1 of 2 active handoffs falls short: B-02: never reviewed",
    ),
    "split_reasons": (
        set_cell("handoffs", 1, decision_note=None), {"split_reasons"}, "Developing",
        "1 of 2 active handoffs: B-02: no decision note for specialization, row 3",
    ),
    "health_rows": (
        drop("health", -1), {"health_rows"}, "Developing",
        "1 Health row missing for 2026-08 … 2026-10: B-02 2026-10",
    ),
    "review_loop": (
        drop("reviews", 1), {"review_loop"}, "Proficient",
        "the two worst handoffs of 2026-Q2 were A-01 and B-02; B-02 has no action for 2026-Q2 "
        "in the Reviews tab",
    ),
    "onboarding": (
        set_cell("team", 1, onboarded=None), {"onboarding"}, "Proficient",
        "the one member who joined since 2026-05-25 has no Onboarded date: Ana (joined "
        "2026-09-01, row 3)",
    ),
    "team_driven_managers": (  # 2 of 4 is not most
        add("flags", flagged_by="Priya", flagged_at=NOV), {"team_driven"}, "Proficient",
        "of 4 flags since 2026-08-25, 2 came from non-managers and 4 carry a suggested fix "
        "(each must be more than half) (Flags rows 2–5)",
    ),
    "team_driven_fixes": (
        set_cell("flags", 0, suggested_fix=None), {"team_driven"}, "Proficient",
        "of 3 flags since 2026-08-25, 2 came from non-managers and 1 carries a suggested fix "
        "(each must be more than half) (Flags rows 2–4)",
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", ONE_ROW_SHORT)
def test_one_row_short_of_a_criterion(case: str) -> None:
    change, expected_unmet, level, evidence = ONE_ROW_SHORT[case]
    if case == "team_driven_fixes":  # and a second flag without a fix: 1 of 3 with a fix
        first = change

        def change(frames: Frames) -> None:
            first(frames)
            set_cell("flags", 1, suggested_fix=None)(frames)

    maturity = assess_team(change, [INCOMPLETE_NOTE] if change is None else None)
    assert unmet(maturity) == expected_unmet
    assert maturity.level == level
    key = next(iter(expected_unmet - {"contracts_complete"}), "contracts_complete")
    criterion = next(c for c in maturity.criteria if c.key == key)
    assert criterion.rows == {}  # nothing proves an unmet criterion
    assert criterion.evidence == evidence


def test_levels_are_cumulative_and_say_what_is_next() -> None:
    maturity = assess_team(set_cell("handoffs", 1, context_lost=None))  # Developing not met
    assert maturity.level is None
    assert maturity.label == "not yet Developing"
    assert maturity.next_step == "next: Developing (2 of 3 criteria met)"


def test_without_a_notes_folder_the_template_criterion_says_how_to_set_it() -> None:
    ds = validated_team()
    maturity = assess(ds, Config(), team_share(ds), None)
    template = next(c for c in maturity.criteria if c.key == "template_in_use")
    assert not template.met
    assert template.evidence.startswith("no notes folder: set [templates] notes_folder")


def test_nobody_new_means_nobody_to_onboard() -> None:
    maturity = assess_team(set_cell("team", 1, joined=pd.Timestamp(2025, 1, 1)))
    onboarding = next(c for c in maturity.criteria if c.key == "onboarding")
    assert onboarding.met
    assert onboarding.evidence == "nobody joined since 2026-05-25, so there is nobody to onboard"


def test_a_bad_e_mail_leaves_out_the_address_not_the_person() -> None:
    """E-mail is optional: its error blanks only that cell, so Zoe, who joined without being
    onboarded, still counts for onboarding."""
    team = full_team()
    team["team"].append(member("Zoe", "Editor", joined=dt.date(2026, 10, 1), email="zoe@example"))
    ds = dataset(**team)
    assert [p.cell for p in ds.report if p.severity == "error"] == ["F5"]

    maturity = assess(ds, Config(), team_share(ds), [COMPLETE_NOTE], "handoff-notes")

    onboarding = next(c for c in maturity.criteria if c.key == "onboarding")
    assert not onboarding.met
    assert onboarding.evidence == (
        "1 of 2 members who joined since 2026-05-25 has no Onboarded date: "
        "Zoe (joined 2026-10-01, row 5)"
    )
