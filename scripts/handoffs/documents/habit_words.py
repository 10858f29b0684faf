"""The team's habits in words: team-driven share, role-compression candidates and maturity,
rendered from their records (`figures.records`) the same way in the quarterly agenda and in the
Summary tab, so the two never disagree (docs/figures.md). No pandas: records in, text out.
"""

from __future__ import annotations

from collections.abc import Sequence

from handoffs.figures.records import (
    CompressionCandidate,
    HandoffFigures,
    MaturityRecord,
    TeamShareRecord,
)
from handoffs.model.document import Document, Heading, Paragraph, Table


def hours(value: float | None) -> str:
    return "no data" if value is None else f"{value:.1f}"


def share(part: int, pct: float | None) -> str:
    return f"{part} ({pct:.0f}%)" if pct is not None else str(part)


def route(item: HandoffFigures | CompressionCandidate) -> str:
    return f"{item['from_role']} → {item['to_role']}"


def compression_table(candidates: Sequence[CompressionCandidate]) -> Table:
    return Table(
        ["Handoff", "From → to", "Hours lost a month", "Split reason", "Decision note"],
        [
            [c["handoff_id"], route(c), hours(c["avg_monthly_hours"]), c["split_reason"],
             c["decision_note"] or "none yet"]
            for c in candidates
        ],
        "No candidate: no active handoff with a split reason other than specialization lost "
        "that much.",
    )  # fmt: skip


def share_headline(share_: TeamShareRecord) -> str:
    """'86% of flags by non-managers', or 'no flags'."""
    pct = share_["non_manager_pct"]
    return f"{pct:.0f}% of flags by non-managers" if pct is not None else "no flags"


def compression_detail(candidate: CompressionCandidate) -> str:
    note = candidate["decision_note"] or "none yet"
    return (
        f"{route(candidate)}: {hours(candidate['avg_monthly_hours'])} hours lost a month; "
        f"split reason {candidate['split_reason']}; decision note: {note}"
    )


def share_facts(share_: TeamShareRecord) -> list[tuple[str, str]]:
    others = []
    if share_["not_in_team"]:
        others.append(f"{share_['not_in_team']} by people not in the Team tab")
    if share_["anonymous"]:
        others.append(f"{share_['anonymous']} anonymous")
    extra = f", counting {' and '.join(others)}" if others else ""
    median = share_["median_days_to_review"]
    return [
        ("Flags", f"{share_['flags']} between {share_['since']} and {share_['until']}"),
        ("Raised by non-managers", share(share_["by_non_managers"], share_["non_manager_pct"]) + extra),
        ("With a suggested fix", share(share_["with_suggested_fix"], share_["suggested_fix_pct"])),
        ("Median days from flag to review",
         f"{median:g} ({share_['reviewed']} reviewed)" if median is not None else "no flag reviewed yet"),
    ]  # fmt: skip


def maturity_blocks(doc: Document, maturity: MaturityRecord) -> None:
    doc.add(
        Heading(f"Maturity: {maturity['label']}"),
        Paragraph(f"Evidence-based, from the rows of this spreadsheet; {maturity['next']}."),
    )
    for level in maturity["levels"]:
        doc.add(
            Heading(f"{level['name']} ({'met' if level['met'] else 'not met'})", 3),
            Table(
                ["Criterion", "Met", "Evidence"],
                [
                    [c["title"], "yes" if c["met"] else "no", c["evidence"]]
                    for c in level["criteria"]
                ],
            ),
        )
