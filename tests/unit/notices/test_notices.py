"""The pure rules of notices (docs/notices.md): stable keys, user text quoted safely, messages
within a channel's limits, and a Notices tab that may be edited or emptied by people."""

from __future__ import annotations

import datetime as dt
import random

from handoffs.checks.validate import validate
from handoffs.config import Config
from handoffs.figures.rankings import with_hours
from handoffs.figures.team import team_figures
from handoffs.model.dataset import Dataset
from handoffs.model.periods import default_period
from handoffs.model.spreadsheet import RawTab
from handoffs.notices.facts import Ledger, Notice, SentRow, find_facts, read_sent
from handoffs.notices.text import compose, quoted
from tests.conftest import TODAY
from tests.e2e.test_notify_e2e import TABS


def validated(tabs: dict[str, list[list[object]]]) -> Dataset:
    """The tabs as the use cases see them: validated, with each Health row's hours lost."""
    raw = {title: RawTab(title, rows) for title, rows in tabs.items()}
    return with_hours(validate(raw, TODAY), Config().scoring)


def facts_of(tabs: dict[str, list[list[object]]]) -> list[str]:
    ds = validated(tabs)
    facts = find_facts(team_figures(ds, default_period(ds), Config()))
    return sorted(n.key for n in [*facts.team, *facts.personal])


def test_keys_survive_people_re_sorting_the_rows() -> None:
    shuffled = {}
    for title, rows in TABS.items():
        body = list(rows[1:])
        random.Random(7).shuffle(body)
        shuffled[title] = [rows[0], *reversed(body)]
    assert facts_of(shuffled) == facts_of(TABS)


def test_a_new_last_reviewed_date_that_is_overdue_again_is_a_new_notice() -> None:
    contracts = [list(row) for row in TABS["Contracts"]]
    contracts[1][8] = dt.date(2026, 7, 1)
    before, after = set(facts_of(TABS)), set(facts_of({**TABS, "Contracts": contracts}))
    assert before - after == {"stale|RPT-01|quarterly review overdue|2026-06-01"}
    assert after - before == {"stale|RPT-01|quarterly review overdue|2026-07-01"}


def test_user_text_is_one_quoted_line_that_mentions_nobody() -> None:
    text = "Line one\nline two\t`code` <!channel> @here @Everyone mail me: a@b.org"
    assert quoted(text) == (
        "“Line one line two 'code' ‹!channel› ＠here ＠Everyone mail me: a@b.org”"
    )
    long = quoted("x" * 10_000)
    assert len(long) == 282 and long.endswith("…”")


def test_a_message_keeps_within_the_channel_limit_and_never_splits_a_notice() -> None:
    notices = [
        Notice("flag", f"flag|{i}", f"RPT-0{i}: {quoted('y' * 10_000)}") for i in range(1, 10)
    ]
    message = compose(notices, lambda tab: "handoffs.xlsx", body_limit=1000, title_limit=250)
    assert len(message.body) <= 1000
    assert len(message.notices) == 3  # the rest wait for the next run
    lines = [line for line in message.body.splitlines() if line.startswith("- ")]
    assert lines == [f"- {n.line}" for n in message.notices]
    assert "… and 6 more notices in the next message." in message.body
    assert message.title == "Handoffs: 3 new flags"


def test_a_channel_without_titles_gets_the_title_counted_in_its_body() -> None:
    notice = Notice("worse", "worse|A|2026-10", "A: 9.0 hours lost in 2026-10, up 3.0 from 2026-09")
    message = compose([notice], {"Rankings": "book.xlsx"}, body_limit=120, title_limit=0)
    assert len(message.body) + len(message.title) + 2 <= 120


def test_an_emptied_or_garbled_notices_tab_reads_as_nothing_sent() -> None:
    assert read_sent(None) == []
    assert read_sent(RawTab("Notices", [])) == []
    assert read_sent(RawTab("Notices", [["Sent", "Whom"], ["x", "y"]])) == []
    kept = read_sent(
        RawTab(
            "Notices",
            [
                ["Key", "To", "When"],  # columns found by header, in any order
                ["flag|a", "slack (team 1)", 46350.5],  # a Sheets serial
                [None, "slack (team 1)"],  # no key: ignored
                ["flag|b", "", None],  # nobody: ignored
                [3.5],  # ragged and odd: ignored
            ],
        )
    )
    assert kept == [SentRow(dt.datetime(2026, 11, 24, 12, 0), "slack (team 1)", "flag|a", "")]


def test_data_errors_and_maturity_are_told_again_only_when_they_change() -> None:
    ledger = Ledger([SentRow(None, "Slack (team 1)", "problems|3", "")])
    assert not ledger.is_new("slack (team 1)", Notice("problems", "problems|3", ""))
    assert ledger.is_new("slack (team 1)", Notice("problems", "problems|4", ""))
    assert ledger.is_new("json (team 2)", Notice("problems", "problems|3", ""))


def test_control_characters_and_bidi_overrides_never_reach_a_message() -> None:
    assert quoted("pay\u202eevil\x1b[2J\x85 now\u2028later") == "“pay evil ［2J now later”"


def test_a_handoff_is_getting_worse_when_its_hours_rose_by_worse_by_hours_or_more() -> None:
    health = [
        TABS["Health"][0],
        ["2026-09", "RPT-01", 1, 0, 0],
        ["2026-10", "RPT-01", 2, 0, 0],  # 2.0 → 4.0 hours: up 2.0, the threshold
        ["2026-09", "RPT-02", 1, 0, 0],
        ["2026-10", "RPT-02", 1, 60, 0],  # up 1.0: not enough
    ]
    ds = validated({**TABS, "Health": health})
    figures = team_figures(ds, default_period(ds), Config())
    worse = [n for n in find_facts(figures).team if n.kind == "worse"]
    assert [(n.key, n.line) for n in worse] == [
        (
            "worse|RPT-01|2026-10",
            "RPT-01 (Analyst → Writer): 4.0 hours lost in 2026-10, up 2.0 from 2026-09",
        )
    ]


def test_a_markdown_link_in_user_text_stays_text_with_its_address_in_view() -> None:
    """Discord and Google Chat turn `[label](url)` into a link that shows only the label."""
    assert quoted("see [the fixed sheet](https://evil.example/login)") == (
        "“see ［the fixed sheet］(https://evil.example/login)”"
    )


def test_the_digest_title_counts_contracts_not_reasons_and_reads_as_a_sentence() -> None:
    stale = [
        Notice("stale", "stale|RPT-01|never reviewed|never", "RPT-01: never reviewed",
               subject="contract|RPT-01"),
        Notice("trial", "trial|RPT-01|trial ended|2026-10-01", "RPT-01: trial ended",
               subject="contract|RPT-01"),
        Notice("stale", "stale|RPT-02|never reviewed|never", "RPT-02: never reviewed",
               subject="contract|RPT-02"),
    ]  # fmt: skip
    flag = Notice("flag", "flag|1", "RPT-01: late")
    errors = Notice("problems", "problems|3", "3 data errors in the sheet")
    maturity = Notice("maturity", "maturity|Developing", "Maturity level: Developing")
    title = compose([*stale, flag, errors, maturity], lambda tab: "book.xlsx").title
    assert title == (
        "Handoffs: 1 new flag, 2 contracts need review, 3 data errors to fix and the maturity "
        "level is Developing"
    )
    assert compose(stale[:2], lambda tab: "b").title == "Handoffs: 1 contract needs review"
