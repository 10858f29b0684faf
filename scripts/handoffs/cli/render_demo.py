"""The tour `handoffs demo` prints: one screen by default (what the workbook shows and what to
run next), the whole quarterly review prep with `--long`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from handoffs.cli.render import refresh_text, table
from handoffs.cli.terminal import printable
from handoffs.model.document import to_markdown

if TYPE_CHECKING:
    from handoffs.app.demo import DemoOutcome

_RANKING_COLUMNS = [0, 1, 3, 4, 8, 9, 10]  # rank, id, from → to, hours, change, trend, contract
SHORT_WORST = 3  # rows of the worst handoffs on the one-screen tour


def demo_text(outcome: DemoOutcome, *, long: bool = False) -> str:
    """The tour: where the workbook is, the worst handoffs, what needs attention, then what to
    run next (one screen), or the whole quarterly review prep (`long`)."""
    refreshed = outcome.refresh
    tabs = {t.title: t for t in refreshed.tabs}
    rankings = tabs["Rankings"]
    shown = rankings.rows[: 5 if long else SHORT_WORST]
    worst = [[row[i] for i in _RANKING_COLUMNS] for row in shown]
    stale = tabs["Stale Reviews"].rows
    period = refreshed.period.label if refreshed.period else "-"
    config = outcome.config_file.name
    parts = [
        f"Sample team written to {refreshed.location} (open it to see every tab).",
        f"Worst handoffs in {period}, by hours lost:\n"
        + table(worst, [rankings.header[i] for i in _RANKING_COLUMNS]),
    ]
    if long:
        parts += [
            "Contracts that need attention:\n"
            + table([[r[0], r[5], r[6]] for r in stale], ["Handoff ID", "Reason", "Detail"]),
            refresh_text(refreshed),
            f"The quarterly handoff review prep, also written to the Review Prep tab (next: "
            f"`handoffs --config {config} review-prep` for the monthly alignment check, "
            f'`handoffs --config {config} onboard "Tom Becker"` for a first-week pack):',
            to_markdown(outcome.review.document),
        ]
        return printable("\n\n".join(parts))
    reasons: dict[str, list[str]] = {}
    for row in stale:
        reasons.setdefault(str(row[5]), []).append(str(row[0]))
    parts += [
        "Contracts that need attention (the Stale Reviews tab says why):\n"
        + "\n".join(f"  {reason}: {', '.join(ids)}" for reason, ids in reasons.items()),
        refresh_text(refreshed),
        "Next (the quarterly review prep is already in the Review Prep tab):\n"
        + table(
            [
                [f"  handoffs --config {config} review-prep --quarterly", "the quarterly review"],
                [f"  handoffs --config {config} review-prep", "the monthly alignment check"],
                [f'  handoffs --config {config} onboard "Tom Becker"', "a first-week pack"],
                ["  handoffs demo --long", "this tour with the whole review prep"],
            ]
        ),
    ]
    return printable("\n\n".join(parts) + "\n")
