"""A realistic sample team for `init --demo` and `demo`: three workflows, twelve red dots.

Everything is relative to `today` and seeded, so a pinned --today gives the same workbook.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd

from handoffs.model.lookup import column_of
from handoffs.model.schema import TabSchema, input_schemas
from handoffs.model.spreadsheet import CellValue

# id, workflow, step, from, to, artifact, context that travels, what gets lost, split, note, status
HANDOFFS = [
    ("RPT-01", "Client report", 1, "Researcher", "Analyst", "Interview notes and raw survey export",
     "Survey tool used, sample size", "Which questions were reworded mid-survey", "specialization",
     "Field research is a distinct skill; keep the split.", "active"),
    ("RPT-02", "Client report", 2, "Analyst", "Writer", "Analysis summary (AI-drafted)",
     "Charts, the prompt used", "Assumptions behind the numbers, known limitations of the AI output",
     "historical", "", "active"),
    ("RPT-03", "Client report", 3, "Writer", "Editor", "Draft report",
     "Outline, tone guide", "Open questions for the client, which sections the AI wrote",
     "specialization", "Editing for the client's voice needs a second person.", "active"),
    ("RPT-04", "Client report", 4, "Editor", "Account lead", "Final report",
     "Tracked changes", "Review requests the editor could not resolve", "unknown", "", "active"),
    ("BRF-01", "Campaign brief", 1, "Account lead", "Strategist", "Client brief",
     "Budget, deadline", "What the client rejected last time", "specialization",
     "Client relationship stays with the account lead.", "active"),
    ("BRF-02", "Campaign brief", 2, "Strategist", "Designer", "Creative brief",
     "Audience, key message", "Brand constraints, decisions already made", "historical", "",
     "active"),
    ("BRF-03", "Campaign brief", 3, "Designer", "Copywriter", "Concept deck",
     "Layouts, image sources", "Which images are AI-generated and their licences", "unknown", "",
     "active"),
    ("BRF-04", "Campaign brief", 4, "Copywriter", "Account lead", "Campaign copy",
     "Copy doc with variants", "Why variants were dropped", "historical",
     "Consolidated: the copywriter now presents to the client directly.", "consolidated"),
    ("FC-01", "Monthly forecast", 1, "Data engineer", "Analyst", "Cleaned dataset",
     "Schema, refresh time", "Rows dropped by the cleaning rules", "specialization",
     "Pipeline work and modelling are different jobs.", "active"),
    ("FC-02", "Monthly forecast", 2, "Analyst", "Finance lead", "Forecast model",
     "Model file, inputs", "Assumptions and the AI tool's confidence caveats", "historical", "",
     "active"),
    ("FC-03", "Monthly forecast", 3, "Finance lead", "Account lead", "Forecast memo",
     "Headline numbers", "Ranges and what would change them", "unknown", "", "active"),
    ("FC-04", "Monthly forecast", 4, "Analyst", "Reviewer", "Model review pack",
     "", "", "historical", "Retired: review folded into FC-02's receiver checks.", "retired"),
]  # fmt: skip

# base rework, format minutes, delay days per month; drift per month (positive = worsening)
LEVELS = {
    "RPT-01": (1.0, 20, 0.5, 0.0), "RPT-02": (6.0, 120, 2.5, 0.0),
    "RPT-03": (2.0, 45, 1.0, -0.05), "RPT-04": (1.0, 15, 0.5, 0.0),
    "BRF-01": (1.0, 10, 0.5, 0.0), "BRF-02": (4.0, 90, 1.5, 0.0),
    "BRF-03": (2.0, 60, 1.0, 0.05), "FC-01": (1.0, 30, 0.5, -0.05),
    "FC-02": (3.0, 40, 2.0, 0.0), "FC-03": (1.0, 20, 0.5, 0.0),
}  # fmt: skip

# The story of the quarterly review loop, as a factor per quarter: (two quarters ago, last
# quarter, this quarter). Two quarters ago FC-02 and BRF-02 were the two worst handoffs and got
# review actions: FC-02's contract update worked, BRF-02's format change did not. RPT-02, with
# AI-drafted summaries, got worse and is now the clear worst handoff.
STORY = {"RPT-02": (0.5, 1.4, 1.6), "FC-02": (1.3, 0.55, 0.5), "BRF-02": (1.1, 1.4, 1.3)}

TEAM = [
    ("Priya Shah", "Account lead", True, 900, 890),
    ("Marco Bianchi", "Researcher", False, 700, 690),
    ("Aisha Okafor", "Analyst", False, 600, 592),
    ("Tom Becker", "Analyst", False, 40, None),
    ("Lena Vogel", "Writer", False, 500, 494),
    ("Sam Rivera", "Editor", False, 800, 795),
    ("Jordan Lee", "Strategist", True, 650, 640),
    ("Kenji Watanabe", "Designer", False, 120, 113),
    ("Rosa Martinez", "Copywriter", False, 300, 290),
    ("Dev Patel", "Data engineer", False, 450, 444),
    ("Nora Lindqvist", "Finance lead", True, 1000, 990),
]  # fmt: skip

MONTHS = 7  # of Health rows, ending with last month

# Health notes: handoff -> (months before this quarter's first month, the note)
HEALTH_NOTES = {
    "RPT-02": (1, "Client escalation about unexplained numbers"),
    "BRF-02": (2, "Slides rebuilt in the design tool again"),
}

# id, deliverable, format, sender context, receiver checks, contact, status, trial started and
# last reviewed (days before today), owner
CONTRACTS = [
    ("RPT-01", "Interview notes, raw export", None, None, None, None, "draft", None, None, "Marco Bianchi"),
    ("RPT-02", "Summary, charts, the data behind each chart", "Doc with the shared template",
     "Assumptions, AI tools used, known limitations, review requests",
     "Each chart traces to data; assumptions listed", "Aisha Okafor", "active", 150, 60, "Aisha Okafor"),
    ("RPT-03", "Full draft with sources", "Doc, tracked changes on",
     "Which sections the AI drafted, open questions", "Sources cited, tone matches guide",
     "Lena Vogel", "trial", 20, None, "Lena Vogel"),
    ("BRF-01", "Brief, budget, deadline", "Brief template", "Past rejections, decisions made",
     "Budget and deadline confirmed", "Priya Shah", "active", None, 30, "Priya Shah"),
    ("BRF-02", "Creative brief", "Slides", "Audience, key message, brand constraints", None, None,
     "active", None, 45, "Jordan Lee"),
    ("FC-01", "Cleaned dataset and data dictionary", "Parquet plus README",
     "Rows dropped and why", "Row counts match the source", "Dev Patel", "active", None, 20, "Dev Patel"),
    ("FC-02", "Model, inputs, assumptions", "Spreadsheet model",
     "Assumptions, AI tool's caveats", "Inputs reconcile to the dataset", "Aisha Okafor",
     "active", None, 130, "Nora Lindqvist"),
    ("FC-04", "Review pack", "PDF", "Open issues", "Sign-off", "Aisha Okafor", "retired", None, 400, None),
]  # fmt: skip

# flagged (days before today, hour, minute), by, handoff, what went wrong, suggested fix,
# status, reviewed (days before today)
FLAGS = [
    ((80, 10, 15), "Lena Vogel", "RPT-02",
     "Summary had no assumptions; two charts could not be traced", "Add an assumptions section to the template",
     "done", 60),
    ((60, 16, 40), "Kenji Watanabe", "BRF-02",
     "Brief did not say which brand colours are off-limits", "Add brand constraints to the contract",
     "accepted", 40),
    ((34, 9, 5), "Sam Rivera", "RPT-03",
     "Could not tell which paragraphs the AI drafted", "Mark AI-drafted sections in the draft",
     "discussed", 25),
    ((27, 14, 0), "Priya Shah", "FC-03",
     "Memo gave one number, client asked for a range", None, "new", None),
    ((19, 11, 30), "Lena Vogel", "RPT-02",
     "Numbers changed after the summary was sent, nobody said why", "Version the summary and note changes",
     "new", None),
    ((12, 15, 20), "Rosa Martinez", "BRF-03",
     "Concept deck used AI images without licence notes", "Licence column in the deck",
     "new", None),
    ((6, 8, 50), "Tom Becker", "FC-01",
     "Cleaning dropped the returns rows silently", "List dropped rows in the handoff note", "new", None),
]  # fmt: skip

# quarters back, handoff, failure case, fix type, fix, owner, deadline, status. A deadline is
# days after the start of last quarter (the fixes of a review held two quarters ago were due
# during last quarter) or days after today.
LAST_QUARTER, TODAY = "last quarter", "today"
REVIEWS = [
    (2, "FC-02", "Forecast sent without the AI tool's confidence caveats; finance presented a point estimate",
     "contract update", "Sender includes caveats and ranges; receiver checks inputs reconcile",
     "Aisha Okafor", (LAST_QUARTER, 30), "done"),
    (2, "BRF-02", "Designer rebuilt the slides into the design tool: 2 hours per brief",
     "format change", "Creative brief moves to the shared brief template", "Jordan Lee",
     (LAST_QUARTER, 40), "done"),
    (1, "RPT-02", "Analysis summary arrived without assumptions; the client escalated; 6 hours of rework",
     "contract update", "Assumptions and AI limitations sections become mandatory",
     "Aisha Okafor", (TODAY, 10), "in progress"),
    (1, "BRF-02", "The template did not stick: briefs still arrive as slides and get rebuilt",
     "workflow redesign", "Designer joins the brief kick-off and drafts the layout with the strategist",
     "Jordan Lee", (TODAY, -5), "planned"),
]  # fmt: skip


def _month(today: dt.date, back: int) -> dt.date:
    stamp = pd.Timestamp(today.year, today.month, 1) - pd.DateOffset(months=back)
    return stamp.date()


def _quarter(day: dt.date, back: int = 0) -> str:
    index = day.year * 4 + (day.month - 1) // 3 - back
    return f"{index // 4}-Q{index % 4 + 1}"


def _days_before(today: dt.date, days: int | None) -> dt.date | None:
    return None if days is None else today - dt.timedelta(days=days)


def demo_rows(today: dt.date) -> dict[str, list[list[CellValue]]]:
    """Rows for every input tab, in the schema's column order, keyed by tab name."""
    rows: dict[str, list[list[CellValue]]] = {
        "handoffs": [[value if value != "" else None for value in row] for row in HANDOFFS],
        "contracts": _contracts(today),
        "health": _health(today),
        "flags": _flags(today),
        "reviews": _reviews(today),
        "team": _team(today),
    }
    schemas = input_schemas()
    for name, table in rows.items():
        width = len(schemas[name].fields)
        assert all(len(row) == width for row in table), name
    return rows


def _health(today: dt.date) -> list[list[CellValue]]:
    """Seven months of Health rows, seeded: each handoff's level, its drift and the story."""
    rng = np.random.default_rng(7)
    quarters_back = {_quarter(today, n): n for n in range(4)}
    this_quarter = (today.month - 1) % 3  # months since this quarter began
    notes = {
        (handoff, _month(today, before + this_quarter)): note
        for handoff, (before, note) in HEALTH_NOTES.items()
    }
    health: list[list[CellValue]] = []
    for back in range(MONTHS, 0, -1):
        month = _month(today, back)
        age = MONTHS - back
        quarter = min(quarters_back.get(_quarter(month), 2), 2)
        for handoff, (rework, minutes, delay, drift) in LEVELS.items():
            story = STORY.get(handoff, (1.0, 1.0, 1.0))[2 - quarter]
            factor = max(0.2, (1 + drift * age) * story)
            health.append([
                month, handoff, int(rng.poisson(rework * factor)),
                int(round(minutes * factor * rng.uniform(0.8, 1.2), -1)),
                float(round(delay * factor * rng.uniform(0.7, 1.3) * 2) / 2),
                notes.get((handoff, month)),
            ])  # fmt: skip
    return health


def _contracts(today: dt.date) -> list[list[CellValue]]:
    rows: list[list[CellValue]] = []
    for *terms, status, trial_start, last_reviewed, owner in CONTRACTS:
        dates = [_days_before(today, trial_start), _days_before(today, last_reviewed)]
        rows.append([*terms, status, *dates, owner])
    return rows


def _flags(today: dt.date) -> list[list[CellValue]]:
    rows: list[list[CellValue]] = []
    for (days, hour, minute), by, handoff, what, fix, status, reviewed in FLAGS:
        flagged = dt.datetime.combine(today - dt.timedelta(days=days), dt.time(hour, minute))
        rows.append([flagged, by, handoff, what, fix, status, _days_before(today, reviewed)])
    return rows


def _reviews(today: dt.date) -> list[list[CellValue]]:
    starts = {LAST_QUARTER: _month(today, (today.month - 1) % 3 + 3), TODAY: today}
    rows: list[list[CellValue]] = []
    for back, handoff, failure, fix_type, fix, owner, (anchor, days), status in REVIEWS:
        deadline = starts[anchor] + dt.timedelta(days=days)
        rows.append(
            [_quarter(today, back), handoff, failure, fix_type, fix, owner, deadline, status]
        )
    return rows


def _team(today: dt.date) -> list[list[CellValue]]:
    return [
        [
            person,
            role,
            manager,
            _days_before(today, joined),
            _days_before(today, onboarded),
            person.lower().replace(" ", ".") + "@example.org",
        ]
        for person, role, manager, joined, onboarded in TEAM
    ]


def demo_config(workbook: str, notes_folder: str) -> str:
    """The config `handoffs demo` writes beside the sample workbook."""
    return (
        "# Written by `handoffs demo`: try `handoffs --config handoffs-demo.toml review-prep`.\n"
        f'[sheet]\npath = "{workbook}"\n\n'
        f'[templates]\nnotes_folder = "{notes_folder}"\n'
    )


# A filled handoff note, so the sample team shows the template in use (maturity evidence).
DEMO_NOTE = (
    "RPT-02-analysis-summary.md",
    """# Handoff note: RPT-02 · Analysis summary (AI-drafted)

## Deliverable

Analysis summary for the Q3 client report, with the six charts and the data behind each
chart (shared drive, folder Client report / Analysis).

## Decisions already made

Returns are excluded from revenue, as agreed with the client on the kick-off call.

## Open questions

Should the churn chart use the client's definition or ours? Ask the account lead.

## Known limitations of the AI output

The AI summarised the interviews; quotes were checked by hand, the sentiment scores were not.

## AI tools used

The team's chat assistant for the first draft of the summary; charts built by hand.

## Format (from the contract)

Doc with the shared template

## Receiver checks (from the contract)

- [x] Each chart traces to data
- [x] assumptions listed
""",
)


def aligned_rows(
    schema: TabSchema, header: Sequence[object], rows: list[list[CellValue]]
) -> list[list[CellValue]]:
    """Demo rows (schema order) laid out under an existing header."""
    positions = [column_of(header, f) for f in schema.fields]
    width = max([len(header), *(p + 1 for p in positions if p is not None)])
    aligned = []
    for row in rows:
        out: list[CellValue] = [None] * width
        for value, position in zip(row, positions, strict=True):
            if position is not None:
                out[position] = value
        aligned.append(out)
    return aligned
