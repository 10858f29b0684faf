"""What validation decides before building anything must be what the full rules would decide:
the kinds of cell a column is found to hold (a rule about a kind not found is skipped), and text
keys compared as pandas lowers them (a key that repeats only then is still a copy)."""

from __future__ import annotations

import datetime as dt
import json
import random

import pandas as pd

from handoffs.checks.cells import KINDS, classify
from handoffs.checks.keys import lowered
from handoffs.model.spreadsheet import FormulaWithoutValue
from tests.unit.checks.test_cases import BASE, problems_of, run_case

# cells of every kind, and the edge cases of each (spaces only, NaN, inf, error text)
POOL = [
    None, "", "  ", "\t", "#REF!", " #N/A ", "RPT-01", " x ", "2026-11", 0, 7, -(10**20),
    10**400, 2.5, float("nan"), float("inf"), True, False, dt.date(2026, 11, 5),
    dt.datetime(2026, 11, 5, 14, 30), dt.time(14, 30), dt.timedelta(hours=36),
    FormulaWithoutValue("=A1"),
]  # fmt: skip
# columns drawn from the pool, the same every run (no hypothesis in the fast loop)
COLUMNS = [[], [None] * 3, ["RPT-01"] * 3] + [
    random.Random(seed).choices(POOL, k=random.Random(-seed).randint(1, 8)) for seed in range(400)
]


def test_the_kinds_found_are_exactly_the_kinds_some_cell_is_of() -> None:
    for column in COLUMNS:
        classified = classify(column)

        assert classified.found == {k for k in KINDS if classified.of(k).any()}, column
        # each cell is of exactly one kind, and the parsers read text, numbers, booleans, dates
        assert (sum(classified.of(kind).astype(int) for kind in KINDS) == 1).all(), column
        readable = sum(classified.of(k) for k in ("text", "number", "boolean", "date"))
        assert (classified.filled == readable.astype(bool)).all(), column


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
