"""Plain-text presentation for the terminal: problems grouped by tab, run summaries, the demo tour."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby
from typing import TYPE_CHECKING

from handoffs.cli.terminal import one_line, printable
from handoffs.model.document import to_markdown

# Types only: the use cases are loaded by the commands that run them, and `problems` loads
# pandas, which `--help` and `flag` start without.
if TYPE_CHECKING:
    from handoffs.app.demo import DemoOutcome
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
    return f"{n} {word}{'' if n == 1 else 's'}"


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


def demo_text(outcome: DemoOutcome) -> str:
    """The tour: where the workbook is, the worst handoffs, what needs attention, then the
    quarterly review prep (the whole loop: dashboard, flags, review, measured improvement)."""
    refreshed = outcome.refresh
    tabs = {t.title: t for t in refreshed.tabs}
    rankings = tabs["Rankings"]
    keep = [0, 1, 3, 4, 8, 9, 10]
    worst = [[row[i] for i in keep] for row in rankings.rows[:5]]
    stale = [[row[0], row[5], row[6]] for row in tabs["Stale Reviews"].rows]
    period = refreshed.period.label if refreshed.period else "-"
    config = outcome.config_file.name
    return printable(
        "\n\n".join(
            [
                f"Sample team written to {refreshed.location} (open it to see every tab).",
                f"Worst handoffs in {period}, by hours lost:\n"
                + table(worst, [rankings.header[i] for i in keep]),
                "Contracts that need attention:\n"
                + table(stale, ["Handoff ID", "Reason", "Detail"]),
                refresh_text(refreshed),
                f"The quarterly handoff review prep, also written to the Review Prep tab "
                f"(next: `handoffs --config {config} review-prep` for the monthly alignment check, "
                f'`handoffs --config {config} onboard "Tom Becker"` for a first-week pack):',
                to_markdown(outcome.review.document),
            ]
        )
    )
