"""The checker behind every `--format json` test (docs/json.md): it must catch what differs
from a documented shape, or those tests would pass whatever a command prints."""

from __future__ import annotations

from typing import Any

import pytest

from handoffs.cli.json_shapes import PROBLEM, SHAPES, MapOf, Open, keys_of, mismatches

GOOD_PROBLEM = {
    "severity": "error",
    "tab": "Health",
    "cell": "C3",
    "column": "Rework requests",
    "value": "lots",
    "message": "Must be a number",
}


def test_a_document_of_the_documented_shape_has_no_mismatch() -> None:
    doc = {"format": "handoffs.validate", "version": 1, "exit_code": 1, "errors": 1,
           "warnings": 0, "problems": [GOOD_PROBLEM]}  # fmt: skip
    assert mismatches(doc, SHAPES["handoffs.validate"]) == []


@pytest.mark.parametrize(
    ("value", "found"),
    [
        ({**GOOD_PROBLEM, "cell": None}, "$.cell: None is not str"),
        ({k: v for k, v in GOOD_PROBLEM.items() if k != "tab"}, "$.tab: missing"),
        ({**GOOD_PROBLEM, "row": 3}, "$.row: not in the documented shape"),
        ("error", "$: expected an object"),
    ],
)
def test_a_wrong_missing_or_undocumented_key_is_named(value: Any, found: str) -> None:
    assert mismatches(value, PROBLEM) == [found]


def test_lists_nullable_values_maps_and_open_objects() -> None:
    assert mismatches([1, "2"], [int]) == ["$[1]: '2' is not int"]
    assert mismatches(True, int) == ["$: True is not int"]  # a bool is not a count
    assert mismatches(None, (str, None)) == []
    assert mismatches(3, (str, None)) == ["$: 3 is none of the documented kinds"]
    assert mismatches({"no e-mail": 2, "left": "x"}, MapOf(int)) == ["$.left: 'x' is not int"]
    assert mismatches({"a": 1, "more": [1]}, Open({"a": int})) == []


def test_every_key_of_every_shape_is_listed_for_the_docs() -> None:
    keys = keys_of(SHAPES["handoffs.refresh"])
    assert {"notices", "deliveries", "delivered", "severity", "rows"} <= keys
