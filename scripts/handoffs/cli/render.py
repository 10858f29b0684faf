"""Plain-text presentation for the terminal: problems grouped by tab, run summaries."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby
from typing import TYPE_CHECKING

from handoffs.cli.terminal import one_line, printable
from handoffs.model.words import counted

# Types only: the use cases are loaded by the commands that run them, and `problems` loads
# pandas, which `--help` and `flag` start without.
if TYPE_CHECKING:
    from handoffs.app.refresh import RefreshOutcome
    from handoffs.model.problems import Problem, Report


def table(rows: Sequence[Sequence[object]], header: Sequence[str] | None = None) -> str:
    """Left-aligned columns separated by two spaces."""
    cells = [
        [("" if v is None else str(v)) for v in row]
        for row in ([header] if header else []) + list(rows)
    ]
    if not cells:
        return ""
    widths = [
        max(len(row[i]) for row in cells if i < len(row)) for i in range(max(map(len, cells)))
    ]
    lines = [
        "  ".join(v.ljust(w) for v, w in zip(row, widths, strict=False)).rstrip() for row in cells
    ]
    if header:
        lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _count(n: int, word: str) -> str:
    return counted(n, word)


def problems_text(report: Report) -> str:
    """Every problem, grouped by tab, one line each, with the fix in the message; at most
    LISTED_PER_PROBLEM cells of one problem, then a line counting the rest."""
    if not len(report):
        return "No problems: every row is valid."
    blocks = []
    for tab, items in groupby(report.listed_problems(), key=lambda p: p.tab):
        errors, warnings = report.counts(tab)
        heading = f"{tab}: {_count(errors, 'error')}, {_count(warnings, 'warning')}"
        lines = [one_line(heading)] + [f"  {one_line(_line(p))}" for p in items]
        blocks.append("\n".join(lines))
    footer = f"{_count(report.errors, 'error')}, {_count(report.warnings, 'warning')}."
    return "\n\n".join(blocks) + "\n\n" + footer


def _line(problem: Problem) -> str:
    where = problem.cell or ("…" if problem.more else "(tab)")
    seen = f" [{problem.value}]" if problem.value else ""
    subject = f"{problem.column}{seen}: " if problem.column else ""
    return f"{problem.severity:<7} {where:<6} {subject}{problem.message}"


def refresh_text(outcome: RefreshOutcome) -> str:
    report = outcome.dataset.report
    period = outcome.period.label if outcome.period else "no Health data yet"
    titles = ", ".join(f"{t.title} ({_count(len(t.rows), 'row')})" for t in outcome.tabs)
    verb = "Wrote" if outcome.written else "Dry run, nothing written. Would write"
    done = f"{verb} {titles} to {outcome.location}."
    if not outcome.changed:
        done = f"Nothing changed, nothing written: {outcome.location} already shows these figures."
    return printable(
        f"{done}\n"
        f"Period {period}: {_count(report.errors, 'error')}, {_count(report.warnings, 'warning')}"
        + (" (run `handoffs validate` for the list)." if len(report) else ".")
    )
