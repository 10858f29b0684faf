"""The Review Prep tab reads like the agenda (docs/spreadsheet.md#generated-tabs): each section
under a title row of its own, each table with its own header row and one column per field, never
"Rank: 1; From → to: …" strings or the section's title repeated on every row."""

from __future__ import annotations

import datetime as dt

from handoffs.config import Config
from handoffs.documents import agenda
from handoffs.documents.review_prep import build
from handoffs.figures.team import team_figures
from handoffs.model.periods import Period
from handoffs.tabs.review_prep_tab import review_prep_tab
from tests.support.builders import dataset, flag, handoff, health, quarter_health, review


def tab_rows(period: str) -> list[list]:
    ds = dataset(
        handoffs=[handoff("RPT-02"), handoff("BRF-02", "Strategist", "Designer")],
        health=[
            *quarter_health("2026-Q2", "RPT-02", 10),
            *quarter_health("2026-Q3", "RPT-02", 30),
            *quarter_health("2026-Q3", "BRF-02", 12),
            health("2026-10", "RPT-02", 4),
            health("2026-10", "BRF-02", 9),
        ],
        flags=[flag("RPT-02", "Lena", dt.datetime(2026, 11, 3, 9))],
        reviews=[review("2026-Q2", "RPT-02")],
    )
    content = build(team_figures(ds, Period.parse(period), Config()))
    tab = review_prep_tab(agenda.document(content))
    assert (tab.title, list(tab.header)) == ("Review Prep", ["Agenda"])
    return [list(row) for row in tab.rows]


def after(rows: list[list], first_cell: str) -> list[list]:
    start = next(i for i, row in enumerate(rows) if row[:1] == [first_cell])
    return rows[start + 1 :]


def test_a_table_has_its_own_header_row_and_a_column_per_field() -> None:
    rows = tab_rows("2026-10")
    assert rows[0] == ["Monthly alignment check: 2026-10"]
    worst = after(rows, "Worst handoffs")
    assert worst[0] == [
        "Rank", "Handoff", "From → to", "Hours lost", "Rework", "Format (min)", "Delays (days)",
        "Change", "Trend", "Contract", "Open flags",
    ]  # fmt: skip
    assert worst[1][:4] == [1, "BRF-02", "Strategist → Designer", "9.0"]
    assert worst[2][:2] == [2, "RPT-02"]
    flags = after(rows, "RPT-02 · Analyst → Writer (Report)")
    assert flags[0] == ["Flagged", "By", "What went wrong", "Suggested fix", "Status"]
    assert flags[1] == [
        "2026-11-03 09:00",
        "Lena",
        "something was missing",
        "add it to the contract",
        "new",
    ]


def test_each_section_starts_with_its_title_once_after_a_blank_row() -> None:
    rows = tab_rows("2026-Q3")
    titles = [rows[i + 1][0] for i, row in enumerate(rows[:-1]) if row == [None]]
    assert titles[:2] == ["Headline figures", "The two worst handoffs"]
    assert "Last quarter's actions (2026-Q2), measured on 2026-Q3" in titles
    assert sum(row[:1] == ["Headline figures"] for row in rows) == 1
    headline = after(rows, "Headline figures")
    assert headline[0][0] == "Hours lost" and headline[0][1].startswith("126.0 across")
    measured = after(rows, "Last quarter's actions (2026-Q2), measured on 2026-Q3")
    assert measured[0][6] == "Hours a month, 2026-Q2 → 2026-Q3"
    assert measured[1][0] == "RPT-02" and measured[1][6] == "10.0 → 30.0"
    fill_in = [row for row in rows if row == ["Owner", None]]
    assert len(fill_in) == 2  # one blank per worst handoff
    assert not any(
        "; " in str(cell) and ": " in str(cell) and "Rank" in str(cell)
        for row in rows
        for cell in row
    )
