"""What validation decides before building anything must be what the full rules would decide:
the kinds of cell a column is found to hold (a rule about a kind not found is skipped), and text
keys compared as pandas lowers them (a key that repeats only then is still a copy)."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from handoffs.checks.cells import KINDS, classify
from handoffs.checks.keys import lowered
from handoffs.model.spreadsheet import FormulaWithoutValue
from tests.unit.checks.test_cases import BASE, problems_of, run_case

CELL = st.one_of(
    st.none(),
    st.text(max_size=6),
    st.sampled_from(["", "  ", "\t", "#REF!", " #N/A ", "RPT-01", "2026-11"]),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.times(),
    st.timedeltas(dt.timedelta(0), dt.timedelta(days=3)),
    st.text("ab=", max_size=4).map(lambda text: FormulaWithoutValue("=" + text)),
)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(CELL, max_size=8))
def test_the_kinds_found_are_exactly_the_kinds_some_cell_is_of(cells: list[object]) -> None:
    classified = classify(cells)

    assert classified.found == {kind for kind in KINDS if classified.of(kind).any()}
    # each cell is of exactly one kind, and the parsers read the text, number, boolean and
    # date cells
    assert (sum(classified.of(kind).astype(int) for kind in KINDS) == 1).all()
    readable = ("text", "number", "boolean", "date")
    assert (classified.filled == sum(classified.of(k) for k in readable).astype(bool)).all()


TEXTS = ["RPT-01", "rpt-01", "İrem", "irem", "ǅemal", "STRAẞE", "ß", "ΣΑΣ", "K", "Ω", ""]


def test_text_is_lowered_as_pandas_lowers_it() -> None:
    assert lowered(TEXTS) == pd.Series(TEXTS, dtype="str").str.lower().tolist()
    assert lowered(["İrem"]) == ["irem"] != ["İrem".lower()]  # Python's own differs


def test_people_whose_names_differ_only_as_pandas_lowers_them_are_copies() -> None:
    header = ["Person", "Role", "Manager", "Joined", "Onboarded"]
    team = [header, ["İrem Kaya", "Analyst", False, None, None], ["irem kaya", "Writer"]]

    problems = problems_of(run_case({"tabs": {"Team": team}}))

    assert [(p[0], p[2], p[5][:40]) for p in problems] == [
        ("error", "A2", "Person İrem Kaya is used more than once "),
        ("error", "A3", "Person irem kaya is used more than once "),
    ]


def test_a_contract_counts_under_its_respelled_id_for_the_one_contract_rule() -> None:
    """straße matches STRASSE only ignoring case as casefold does (ß is ss), not as lowering
    does: the one-contract rule must compare the ids as respelled, not as typed."""
    base = json.loads(BASE.read_text(encoding="utf-8"))["tabs"]
    handoffs, contracts = base["Handoffs"], base["Contracts"]
    tabs = {
        "Handoffs": [*handoffs, ["STRASSE", *handoffs[1][1:]]],
        "Contracts": [*contracts, ["straße", *contracts[1][1:]], ["strasse", *contracts[1][1:]]],
    }
    rows = len(contracts) + 1, len(contracts) + 2

    problems = problems_of(run_case({"tabs": tabs}))

    in_use = [p[2] for p in problems if "STRASSE has more than one contract in use" in p[5]]
    respelled = [p[2] for p in problems if "spells this Handoff ID STRASSE" in p[5]]
    assert in_use == respelled == [f"A{row}" for row in rows]
