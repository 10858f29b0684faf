"""frictionless as an independent oracle for the type and constraint rules of docs/spreadsheet.md#input-tabs.

A seeded generator writes every input tab as a person would (a few hundred rows, columns in a
shuffled order under messy headers, dates as date cells, serials or ISO text, a controlled
sprinkling of bad cells and duplicate keys). Our validator reads the raw rows; frictionless reads
the same rows normalised the way docs/spreadsheet.md#conventions says a cell is read, against the
same sheet_schema/ descriptors. For the rules both implement (type, required, minimum,
maximum, enum, pattern, unique/primaryKey) the sets of (tab, sheet row, field, kind) must be equal.

The known divergences are normalised explicitly below, each where it applies
and with its reason: 1 header matching, 2 enum case, 3 duplicates (it flags only later copies),
4 blank rows, 5 no warning level, 6 serial dates, 7 slow error filters. Beyond those, our own
x- rules (not after today, required when, one contract in use, day/month order, error cells)
and foreign keys (dropped from the descriptor, checked by tests/cases) are left out by kind.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import random
import re
from typing import Any

import frictionless
import pytest

from handoffs.checks.validate import validate
from handoffs.model.dataset import Dataset
from handoffs.model.schema import INPUT_TABS, Field, descriptors, input_schemas
from handoffs.model.spreadsheet import RawTab
from tests import TESTS

TODAY = dt.date(2026, 11, 25)
SEED = 20261125
ROWS = 300
BAD_SHARE = 0.03  # of the cells that have a rule to break
EPOCH = dt.date(1899, 12, 30)  # Sheets and Excel serial day 0, written out independently here

Kind = str
Finding = tuple[str, int, str | None, Kind]  # tab title, sheet row, field name (None: row), kind
COMPARED = {"type", "required", "minimum", "maximum", "enum", "pattern", "unique"}

# ---------------------------------------------------------------------------------------------
# Our problems, mapped to kinds by message. Every message must land in exactly one entry: a new
# rule then has to be classified here before this test passes again.
# ---------------------------------------------------------------------------------------------
OUR_KINDS: list[tuple[str, Kind]] = [
    (r" is required when ", "x-required-when"),  # conditional required: our x- extension
    (r" is required; ", "required"),
    (r"^Not (a whole number|a number|a date|a date and time|a month|TRUE or FALSE); ", "type"),
    (r"^A (time of day|duration), not ", "type"),  # a time-formatted cell, in any column
    (r"^Must be \S+ or more; ", "minimum"),
    (r"^Must be \S+ or less; ", "maximum"),
    (r"^Not a known ", "enum"),
    (r"^Not a valid ", "pattern"),
    (r" is used more than once \(rows | appear more than once \(rows ", "unique"),
    (r" has more than one contract in use ", "x-unique-unless"),  # our x- extension
    (r"^Not a Handoff ID in the Handoffs tab", "foreign-key"),  # dropped from the descriptor
    (r"^The Handoffs tab spells this Handoff ID ", "x-id-case"),  # ids match ignoring case
    (r" is after the current month | is in the future \(today is ", "x-not-after"),
    (
        r"^Ambiguous date: |^Read as |^Day and month could be",
        "x-day-month",
    ),  # docs/spreadsheet.md#conventions only
    (r"^The cell shows the spreadsheet error |^The formula ", "x-error-cell"),
]


def our_kind(message: str) -> Kind:
    kinds = [kind for pattern, kind in OUR_KINDS if re.search(pattern, message)]
    assert len(kinds) == 1, f"classify this message in OUR_KINDS: {message!r} -> {kinds}"
    return kinds[0]


# ---------------------------------------------------------------------------------------------
# The generated spreadsheet
# ---------------------------------------------------------------------------------------------
WORDS = ["Analyst", "Writer", "Editor", "Draft report", "Charts", "Template", "Notes", "Client"]
MONTHS = [dt.date(2025, m, 1) for m in range(1, 13)] + [dt.date(2026, m, 1) for m in range(1, 12)]


def serial(moment: dt.date | dt.datetime) -> float:
    if isinstance(moment, dt.datetime):
        return (moment - dt.datetime.combine(EPOCH, dt.time())).total_seconds() / 86400
    return float((moment - EPOCH).days)


def messy(spec: Field, rng: random.Random) -> str:
    """The header as people type it: title or name, any case, underscores, stray punctuation."""
    title = spec.title
    return rng.choice(
        [title, title.upper(), spec.name, title.replace(" ", "_"), f" {title}:", title + "?"]
    )


class Generator:
    """Raw cells for one field at a time: good ones in every representation, and bad ones."""

    def __init__(self, rng: random.Random, ids: list[str]) -> None:
        self.rng = rng
        self.ids = ids

    def good(self, tab: str, spec: Field, index: int) -> Any:
        rng = self.rng
        if spec.name == "handoff_id":  # one contract per handoff; other tabs pick any
            return self.ids[index] if tab in ("handoffs", "contracts") else rng.choice(self.ids)
        if spec.name == "person":
            return f"Person {index}"
        if spec.name == "quarter":
            return f"{rng.choice([2025, 2026])}-{rng.choice('Qq')}{rng.randint(1, 4)}"
        if spec.enum:
            value = rng.choice(spec.enum)
            return rng.choice([value, value.upper(), value.title(), f" {value} "])
        if spec.type == "string":
            return rng.choice(WORDS) + rng.choice(["", " ", "  "])
        if spec.type == "integer":
            value = rng.randint(int(spec.minimum or 0), 20)
            return rng.choice([value, str(value), float(value)])
        if spec.type == "number":
            value = round(rng.uniform(spec.minimum or 0, 120), 1)
            return rng.choice([value, str(value), int(value)])
        if spec.type == "boolean":
            return rng.choice([True, False, "TRUE", "false", "yes", "No", "y", 1, 0])
        if spec.type == "yearmonth":
            month = rng.choice(MONTHS)
            return rng.choice([month.strftime("%Y-%m"), month, serial(month)])
        if spec.type == "date":
            day = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randint(0, 1059))
            return rng.choice([day.isoformat(), day, serial(day)])
        if spec.type == "datetime":
            moment = dt.datetime(2026, 1, 1) + dt.timedelta(minutes=rng.randint(0, 400_000))
            return rng.choice([moment.isoformat(timespec="seconds"), moment, serial(moment)])
        raise AssertionError(spec.type)

    def bad(self, spec: Field) -> Any | None:
        """A value that breaks one of the field's rules, or None when it has none to break."""
        options: list[Any] = []
        if spec.required:
            options += [None, "   "]
        if spec.pattern:
            options += ["bad id!", "Q3 2026"]
        if spec.enum:
            options += ["zzz", spec.enum[0][:-1]]
        if spec.minimum is not None:
            options += [int(spec.minimum) - 1, spec.minimum - 0.5]
        if spec.maximum is not None:
            options += [int(spec.maximum) + 1, spec.maximum * 10, 1e308]
        options += {
            "integer": ["many", 1.5, True],
            "number": ["n/a", "1,5"],
            "date": ["someday", "2026-02-30", False],
            "datetime": ["soon", "2026-13-01T10:00:00"],
            "yearmonth": ["2026-13", "later"],
            "boolean": ["maybe", 2],
        }.get(spec.type, [])
        return self.rng.choice(options) if options else None


def generate() -> dict[str, dict[str, Any]]:
    """Per tab: the raw header, the raw rows, and which column holds which field."""
    rng = random.Random(SEED)
    ids = [f"H-{i:03d}" for i in range(ROWS)]
    make = Generator(rng, ids)
    sheets = {}
    for name, schema in input_schemas().items():
        records: list[dict[str, Any] | None] = []
        for index in range(ROWS):
            record = {}
            for spec in schema.fields:
                optional = not spec.required and spec.default is None
                value = None if optional and rng.random() < 0.2 else make.good(name, spec, index)
                if rng.random() < BAD_SHARE:
                    broken = make.bad(spec)
                    value = broken if broken is not None or spec.required else value
                record[spec.name] = value
            if name == "contracts" and record["status"] and "trial" in str(record["status"]):
                record["trial_start"] = record["trial_start"] or "2026-11-01"
            records.append(record)
        keys = list(schema.primary_key) or [f.name for f in schema.fields if f.unique]
        for _ in range(6):  # duplicate keys: a later row repeats an earlier row's key
            source, target = sorted(rng.sample(range(ROWS), 2))
            for key in keys:
                records[target][key] = copy.copy(records[source][key])  # type: ignore[index]
        for at in rng.sample(range(ROWS), 4):  # blank rows in the middle
            records.insert(at, None)
        order = [spec.name for spec in schema.fields] + ["team column"]
        rng.shuffle(order)
        header = [
            "Our notes" if field == "team column" else messy(schema.field(field), rng)
            for field in order
        ]
        rows = [
            [None] * len(order) if r is None else [r.get(field, "ours") for field in order]
            for r in records
        ]
        sheets[name] = {"title": schema.title, "header": header, "rows": rows, "order": order}
    return sheets


# ---------------------------------------------------------------------------------------------
# What frictionless is given: the same rows, read the way docs/spreadsheet.md#conventions reads a cell
# ---------------------------------------------------------------------------------------------
def header_key(text: str) -> str:
    """docs/spreadsheet.md#conventions header matching by name or title, ignoring case, spaces, underscores and
    punctuation, written again here. Divergence 1: frictionless matches header to name (case
    only, never the title), so it is handed our mapping: a header row of field names."""
    return re.sub(r"[\W_]+", "", text).casefold()


def normalise_cell(value: Any, spec: Field) -> str:
    """A raw cell as the text frictionless would read from a CSV of the same sheet."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime | dt.date):
        moment = value
    elif isinstance(value, int | float) and spec.type in ("date", "datetime", "yearmonth"):
        # divergence 6: frictionless reads ISO text and native dates, not Sheets serials
        moment = dt.datetime.combine(EPOCH, dt.time()) + dt.timedelta(days=value)
    elif isinstance(value, float) and value.is_integer():
        return str(int(value))
    elif isinstance(value, int | float):
        return repr(value)
    else:
        text = value.strip()  # docs/spreadsheet.md#conventions: text is trimmed
        if spec.enum:  # divergence 2: enums match case-insensitively for us, exactly for it
            return {v.casefold(): v for v in spec.enum}.get(text.casefold(), text)
        return text
    if spec.type == "datetime":
        stamp = (
            moment if isinstance(moment, dt.datetime) else dt.datetime.combine(moment, dt.time())
        )
        return stamp.isoformat(timespec="seconds")
    day = moment.date() if isinstance(moment, dt.datetime) else moment
    if (
        spec.type == "yearmonth"
    ):  # docs/spreadsheet.md#conventions: a month that Sheets made a date is that month
        return day.strftime("%Y-%m")
    return day.isoformat()


def oracle_descriptor(name: str) -> dict[str, Any]:
    descriptor = copy.deepcopy(descriptors()[name])
    descriptor.pop("foreignKeys", None)  # checked across tabs elsewhere (tests/cases)
    return descriptor


def frictionless_findings(sheet: dict[str, Any], name: str) -> set[Finding]:
    schema = input_schemas()[name]
    fields = {header_key(text): spec for spec in schema.fields for text in (spec.name, spec.title)}
    columns = {
        fields[header_key(text)].name: i
        for i, text in enumerate(sheet["header"])
        if header_key(text) in fields
    }
    rows = [[f.name for f in schema.fields]] + [
        [normalise_cell(row[columns[f.name]], f) for f in schema.fields] for row in sheet["rows"]
    ]
    resource = frictionless.Resource(
        data=rows, schema=frictionless.Schema.from_descriptor(oracle_descriptor(name))
    )
    # divergence 7: pick_errors/skip_errors are slow, so take every error and sort them here
    report = resource.validate(limit_errors=100_000)

    title = sheet["title"]
    cells: set[Finding] = set()
    pairs: list[tuple[int, int]] = []
    for row, field, kind, note in report.flatten(["rowNumber", "fieldName", "type", "note"]):
        if kind == "blank-row":
            continue  # divergence 4: we skip blank rows silently (docs/spreadsheet.md#conventions)
        if kind == "type-error":
            cells.add((title, row, field, "type"))
        elif kind == "constraint-error":
            constraint = re.match(r'constraint "(\w+)"', note)[1]  # type: ignore[index]
            cells.add((title, row, field, constraint))
        elif kind in ("unique-error", "primary-key"):
            earlier = re.search(r"the same as in the row at position (\d+)", note)
            if earlier:  # divergence 3: it flags only the later copy, naming the earlier one
                pairs.append((int(earlier[1]), row))
            # else divergence 4 again: 'cells composing the primary keys are all "None"' is
            # its second error for a blank row
        else:
            raise AssertionError(f"unexpected frictionless error {kind}: {note}")

    # divergence 3: docs/spreadsheet.md#input-tabs makes every copy of a duplicate an error, so compare the rows
    # involved in a duplicate: the union of each later copy with the row it repeats.
    # A key cell we cannot read (type error, blank) holds no value for us to compare, so a
    # "duplicate" of unreadable keys is its type/required error only, not also a duplicate.
    keys = set(schema.primary_key) | {f.name for f in schema.fields if f.unique}
    unreadable = {
        row for (_, row, field, kind) in cells if field in keys and kind in ("type", "required")
    }
    for earlier, later in pairs:
        if earlier not in unreadable and later not in unreadable:
            cells |= {(title, earlier, None, "unique"), (title, later, None, "unique")}
    return cells


def our_findings(dataset: Dataset) -> set[Finding]:
    found = set()
    for problem in dataset.report:
        if problem.severity != "error":
            continue  # divergence 5: frictionless has no warning level
        kind = our_kind(problem.message)
        if kind not in COMPARED:
            continue  # our x- rules and foreign keys: frictionless does not know them
        row = int(re.fullmatch(r"[A-Z]+(\d+)", problem.cell)[1])  # type: ignore[index]
        schema = next(s for s in input_schemas().values() if s.title == problem.tab)
        field = next(f.name for f in schema.fields if f.title == problem.column)
        found.add((problem.tab, row, None if kind == "unique" else field, kind))
    return found


@pytest.fixture(scope="module")
def sheets() -> dict[str, dict[str, Any]]:
    return generate()


@pytest.fixture(scope="module")
def ours(sheets: dict[str, dict[str, Any]]) -> set[Finding]:
    raw = {s["title"]: RawTab(s["title"], [s["header"], *s["rows"]]) for s in sheets.values()}
    return our_findings(validate(raw, TODAY))


@pytest.mark.parametrize("name", INPUT_TABS)
def test_type_and_constraint_errors_match_frictionless(
    name: str, sheets: dict[str, dict[str, Any]], ours: set[Finding]
) -> None:
    title = sheets[name]["title"]
    theirs = frictionless_findings(sheets[name], name)
    mine = {finding for finding in ours if finding[0] == title}
    assert sorted(mine - theirs, key=str) == [], "we report, frictionless does not"
    assert sorted(theirs - mine, key=str) == [], "frictionless reports, we do not"


def test_the_generated_sheet_breaks_every_compared_rule(ours: set[Finding]) -> None:
    """The comparison above is not vacuous: each kind of rule is broken somewhere."""
    seen = {kind for (_, _, _, kind) in ours}
    assert seen == COMPARED
    assert len(ours) > 100


def test_every_cell_message_of_the_cases_is_classified_once() -> None:
    """OUR_KINDS covers every per-cell message the example cases expect (tests/cases), so the
    mapping above is checked against the real wording, not only the generated sheet."""
    kinds = set()
    for path in TESTS.glob("cases/*/*/*.json"):
        for _, _, cell, _, _, message in json.loads(path.read_text(encoding="utf-8"))["problems"]:
            if re.fullmatch(r"[A-Z]+([2-9]|\d\d+)", cell):  # a data cell, not the header row
                kinds.add(our_kind(message))
    assert kinds >= COMPARED
