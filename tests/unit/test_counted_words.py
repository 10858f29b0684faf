"""One helper says how many of something (model/words.py): "1 flag", "2 flags", "2 people",
the verb that agrees, and "Flags row 2" against "Flags rows 2–4"."""

from __future__ import annotations

import pytest

from handoffs.model.words import agrees, counted, plural, row_ranges, rows_of


@pytest.mark.parametrize(
    ("count", "noun", "said"),
    [
        (1, "flag", "1 flag"),
        (0, "flag", "0 flags"),
        (2, "flag", "2 flags"),
        (1, "person", "1 person"),
        (3, "person", "3 people"),
        (2, "criterion", "2 criteria"),
        (2, "active handoff", "2 active handoffs"),
        (1, "active handoff", "1 active handoff"),
        (2, "Health row", "2 Health rows"),
        (2, "reply", "2 replies"),
        (2, "day", "2 days"),
        (2, "box", "2 boxes"),
        (2, "match", "2 matches"),
    ],
)
def test_counted_says_one_thing_in_the_singular_and_any_other_count_in_the_plural(
    count: int, noun: str, said: str
) -> None:
    assert counted(count, noun) == said


def test_a_plural_no_rule_makes_is_given() -> None:
    assert counted(1, "member who joined", "members who joined") == "1 member who joined"
    assert counted(4, "member who joined", "members who joined") == "4 members who joined"


def test_plural_keeps_the_capital_of_an_irregular_noun() -> None:
    assert plural("Person") == "People"


@pytest.mark.parametrize(
    ("verb", "many"),
    [("has", "have"), ("is", "are"), ("carries", "carry"), ("passes", "pass"), ("needs", "need")],
)
def test_the_verb_agrees_with_the_count(verb: str, many: str) -> None:
    assert agrees(1, verb) == verb
    assert agrees(2, verb) == many
    assert agrees(0, verb) == many


def test_rows_of_a_tab_say_row_for_one_and_rows_for_more() -> None:
    assert rows_of("Flags", [2]) == "Flags row 2"
    assert rows_of("Flags", [4, 2, 3, 7]) == "Flags rows 2–4, 7"
    assert row_ranges([7, 2, 3, 4, 9, 10]) == "2–4, 7, 9–10"
    assert row_ranges([]) == ""
