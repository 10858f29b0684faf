"""The review-prep dict (`review_prep.build`) laid out as a document: headings, facts and tables
in the playbook's words, rendered as Markdown or as Review Prep tab rows by `model.document`.
The team-share, compression and maturity wording is `habit_words`', shared with the Summary.

No pandas: typed records in (`review_prep.Agenda`), blocks out.
"""

from __future__ import annotations

from collections.abc import Sequence

from handoffs.documents.habit_words import (
    compression_table,
    hours,
    maturity_blocks,
    route,
    share_facts,
)
from handoffs.documents.quarterly_review import ContractRecord, FailureCase, WorstHandoff
from handoffs.documents.review_prep import (
    Agenda,
    AgendaHead,
    DueAction,
    FlagGroup,
    Headline,
    MonthlyAgenda,
    QuarterlyAgenda,
)
from handoffs.figures.records import HandoffFigures, MeasuredAction
from handoffs.figures.review_loop import MIN_MONTHS_COMPARED
from handoffs.model.document import Document, Facts, FillIn, Heading, Paragraph, Table
from handoffs.model.vocabulary import NO_DATA_RESULT, NOT_COMPARABLE, NOT_YET_MEASURABLE
from handoffs.model.words import agrees, counted

FIX_TYPES = "a contract update, a format change or a workflow redesign"


def amount(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def signed(value: float | None, unit: str = "") -> str:
    if value is None:
        return ""
    return f"{value:+.1f}{unit}"


def percent(value: float | None) -> str:
    return "" if value is None else f"{value:+.0f}%"


def days(count: float | None) -> str:
    """'1 day', '2.5 days'; 'no data' for a handoff without Health data."""
    if count is None:
        return "no data"
    return f"{count:g} day" + ("" if count == 1 else "s")


def so_far(agenda: AgendaHead) -> str:
    """' so far (1 of 3 months)' while a quarter's first months are running, ' so far (to
    2026-12-02)' in a period's last month, '' once its last day has passed."""
    if agenda["complete"]:
        return ""
    done, months = agenda["months_so_far"], agenda["period_months"]
    if done < months:
        return f" so far ({done} of {months} months)"
    return f" so far (to {agenda['today']})"


def versus(change: float | None, previous: str) -> str:
    """' (+3.0 vs 2026-Q2)', or what is missing when the previous period has no data."""
    if change is None:
        return f" (no Health data for {previous} to compare)"
    return f" ({signed(change)} vs {previous})"


def document(agenda: Agenda) -> Document:
    """The whole agenda, monthly or quarterly."""
    doc = Document()
    period, previous = agenda["period"], agenda["previous_period"]
    title = (
        "Quarterly handoff review" if agenda["kind"] == "quarterly" else "Monthly alignment check"
    )
    doc.add(
        Heading(f"{title}: {period}", 1),
        Paragraph(
            f"Prepared on {agenda['today']} from the handoff health dashboard; "
            f"{period}{so_far(agenda)} is compared with {previous}."
        ),
        Heading("Headline figures"),
        _headline(agenda["headline"], previous, so_far(agenda)),
    )
    if "last_quarter" in agenda:  # the quarterly agenda's own key: mypy narrows on it
        _quarterly(doc, agenda)
    else:
        _monthly(doc, agenda)
    return doc


def _headline(head: Headline, previous: str, partial: str) -> Facts:
    change = versus(head["change"], previous) if head["hours_lost"] is not None else ""
    problems = head["problems"]
    return Facts(
        [
            ("Hours lost", f"{hours(head['hours_lost'])} across the active handoffs{partial}{change}"),
            ("Active handoffs", f"{head['active_handoffs']} ({head['handoffs_with_data']} with Health data)"),
            ("Open flags", str(head["open_flags"])),
            ("Contracts needing attention", f"{head['contracts_needing_attention']} (see the Stale Reviews tab)"),
            ("Data problems", f"{counted(problems['errors'], 'error')}, {counted(problems['warnings'], 'warning')}"),
        ]
    )  # fmt: skip


def _figures_table(items: Sequence[HandoffFigures], empty: str) -> Table:
    return Table(
        ["Rank", "Handoff", "From → to", "Hours lost", "Rework", "Format (min)", "Delays (days)",
         "Change", "Trend", "Contract", "Open flags"],
        [
            [item["rank"], item["handoff_id"], route(item), hours(item["hours_lost"]),
             item["rework_requests"], amount(item["format_minutes"]), amount(item["delay_days"]),
             signed(item["change"]), item["trend"], item["contract_status"], item["open_flags"]]
            for item in items
        ],
        empty,
        key=1,
    )  # fmt: skip


def _ties(items: Sequence[HandoffFigures]) -> list[Paragraph]:
    return [
        Paragraph(
            f"{item['handoff_id']} is tied on hours lost with {', '.join(item['tied_with'])}; "
            "ties are ranked by rework requests, then delays, then handoff id."
        )
        for item in items
        if item["tied_with"]
    ]


# -- monthly ------------------------------------------------------------------------------------


def _monthly(doc: Document, agenda: MonthlyAgenda) -> None:
    period, previous = agenda["period"], agenda["previous_period"]
    doc.add(
        Heading("Worst handoffs"),
        _figures_table(agenda["worst_handoffs"], f"No Health data for {period} yet."),
        *_ties(agenda["worst_handoffs"]),
        Heading("Getting worse"),
        Paragraph(f"Handoffs that lost more hours in {period} than in {previous}."),
        _figures_table(agenda["getting_worse"], f"No handoff lost more hours than in {previous}."),
    )
    _stale_contracts(doc, agenda)
    _flags(doc, agenda["flags_since"], agenda["flags"])
    doc.add(Heading("Actions due or overdue"), _actions_due_table(agenda["actions_due"]))


def _stale_contracts(doc: Document, agenda: MonthlyAgenda) -> None:
    doc.add(
        Heading("Stale and trial-ended contracts"),
        Table(
            ["Handoff", "Contract", "Owner", "Last reviewed", "Reason", "Detail"],
            [
                [c["handoff_id"], c["contract_status"], c["owner"], c["last_reviewed"],
                 c["reason"], c["detail"]]
                for c in agenda["stale_contracts"]
            ],
            "Every contract in force was reviewed within the cycle.",
        ),
    )  # fmt: skip
    if agenda["other_contract_gaps"]:
        doc.add(
            Paragraph(
                f"{counted(agenda['other_contract_gaps'], 'more handoff', 'more handoffs')} "
                f"{agrees(agenda['other_contract_gaps'], 'has')} an incomplete contract or none: "
                "see the Stale Reviews tab."
            )
        )


def _flags(doc: Document, since: str | None, groups: Sequence[FlagGroup]) -> None:
    """The flags raised since the last meeting, a table per handoff."""
    doc.add(
        Heading("Flags since the last meeting"),
        Paragraph(
            (
                f"Raised after {since} (the latest Reviewed on date in the Flags tab), "
                "and any older flag still new."
                if since
                else "Every flag so far (no flag has a Reviewed on date yet)."
            )
            + " After the meeting, set each one's Status and Reviewed on."
        ),
    )
    if not groups:
        doc.add(Paragraph("No new flags since the last meeting."))
    for group in groups:
        where = (
            f"{group['from_role']} → {group['to_role']} ({group['workflow']})"
            if group["known"]
            else "not in the Handoffs tab"
        )
        doc.add(
            Heading(f"{group['handoff_id']} · {where}", 3),
            Table(
                ["Flagged", "By", "What went wrong", "Suggested fix", "Status"],
                [
                    [f["flagged_at"], f["flagged_by"], f["what_went_wrong"],
                     f["suggested_fix"], f["status"]]
                    for f in group["flags"]
                ],
                key=2,
            ),
        )  # fmt: skip


def _actions_due_table(actions: Sequence[DueAction]) -> Table:
    return Table(
        ["Quarter", "Handoff", "Fix", "Owner", "Deadline", "Status", "Due"],
        [
            [a["quarter"], a["handoff_id"], a["fix"], a["owner"], a["deadline"],
             a["status"], _due(a["days_left"])]
            for a in actions
        ],
        "No open review action is due in the next 30 days.",
        key=1,
    )  # fmt: skip


def _due(days_left: int) -> str:
    if days_left < 0:
        return f"overdue by {days(-days_left)}"
    return "due today" if days_left == 0 else f"due in {days(days_left)}"


# -- quarterly ----------------------------------------------------------------------------------


def _quarterly(doc: Document, agenda: QuarterlyAgenda) -> None:
    period = agenda["period"]
    doc.add(
        Heading("The two worst handoffs"),
        Paragraph(
            "For each one, walk through a recent failure case: what was sent, what was missing "
            "and what it cost. Then the sender and the receiver propose a fix together "
            f"({FIX_TYPES}); record it in the Reviews tab with Quarter {period}, an owner and "
            "a deadline, and measure the improvement next quarter."
        ),
    )
    if not agenda["worst_handoffs"]:
        doc.add(Paragraph(f"No Health data for {period} yet."))
    doc.add(*_ties(agenda["worst_handoffs"]))
    for item in agenda["worst_handoffs"]:
        _worst(doc, item, agenda)
    last, measured_on = agenda["last_quarter"], period
    doc.add(
        Heading(f"Last quarter's actions ({last}), measured on {measured_on}"),
        _measured_table(agenda["last_quarter_actions"], last, measured_on),
    )
    _compression(doc, agenda)
    doc.add(Heading("Team-driven share"), Facts(share_facts(agenda["team_share"])))
    maturity_blocks(doc, agenda["maturity"])


def _worst(doc: Document, item: WorstHandoff, agenda: QuarterlyAgenda) -> None:
    """One worst handoff: its figures, failure cases and contract, then the sender and the
    receiver who propose the fix."""
    doc.add(
        Heading(f"{item['rank']}. {item['handoff_id']} · {route(item)} ({item['workflow']})", 3),
        _worst_facts(item, agenda),
        Paragraph("Recent failure cases:"),
        _failure_cases_table(item["failure_cases"]),
    )
    _contract(doc, item["contract"])
    senders = ", ".join(item["senders"]) or "nobody in the Team tab"
    receivers = ", ".join(item["receivers"]) or "nobody in the Team tab"
    doc.add(
        Facts(
            [
                ("Sender", f"{item['from_role']} ({senders})"),
                ("Receiver", f"{item['to_role']} ({receivers})"),
            ]
        )
    )
    if item["recorded_actions"]:
        doc.add(
            Paragraph(f"Already recorded for {agenda['period']}:"),
            _measured_table(item["recorded_actions"], agenda["period"], None),
        )
    doc.add(
        Paragraph("Joint fix proposed by sender and receiver:"),
        FillIn([f"Fix ({FIX_TYPES})", "Owner", "Deadline"]),
    )


def _worst_facts(item: WorstHandoff, agenda: QuarterlyAgenda) -> Facts:
    change = versus(item["change"], agenda["previous_period"])
    return Facts(
        [
            (
                "Hours lost",
                f"{hours(item['hours_lost'])}{so_far(agenda)}{change}, "
                f"six-month trend {item['trend']}",
            ),
            ("Rework requests", str(item["rework_requests"])),
            ("Format translation", f"{amount(item['format_minutes'])} min"),
            ("Delays", days(item["delay_days"])),
            ("Open flags", str(item["open_flags"])),
        ]
    )


def _failure_cases_table(cases: Sequence[FailureCase]) -> Table:
    return Table(
        ["When", "Source", "By", "What happened", "Suggested fix"],
        [[c["when"], c["source"], c["by"], c["text"], c["suggested_fix"]] for c in cases],
        "No flag, Health note or earlier review names a failure case: ask the receiver "
        "for the latest one.",
        key=3,
    )


def _contract(doc: Document, contract: ContractRecord | None) -> None:
    if contract is None:
        doc.add(Paragraph("Contract: none yet. Writing one is the obvious fix to propose."))
        return
    reviewed = contract["last_reviewed"] or "never"
    doc.add(
        Paragraph(
            f"Contract: {contract['status']}, last reviewed {reviewed} "
            f"(Contracts row {contract['row']})"
            + (f"; missing {', '.join(contract['missing'])}." if contract["missing"] else ".")
        ),
        Table(
            ["Element", "What the contract says"],
            [[title, value or "missing"] for title, value in contract["elements"].items()],
        ),
    )


def _measured_table(actions: Sequence[MeasuredAction], before: str, after: str | None) -> Table:
    label = f"Hours a month, {before} → {after}" if after else "Hours a month"
    rows = []
    for a in actions:
        if a["result"] == NOT_YET_MEASURABLE:
            figure = f"{hours(a['avg_before'])} → measured after {a['measured_on']} ends"
        else:
            figure = f"{hours(a['avg_before'])} → {hours(a['avg_after'])}"
        change = (
            ""
            if a["change"] is None
            else f"{signed(a['change'])} ({percent(a['change_pct'])})".replace(" ()", "")
        )
        rows.append([a["handoff_id"], a["fix_type"], a["fix"], a["owner"], a["deadline"],
                     a["status"], figure, change, a["result"] + _months_note(a)])  # fmt: skip
    return Table(
        ["Handoff", "Fix type", "Fix", "Owner", "Deadline", "Status", label, "Change", "Result"],
        rows,
        f"No action was recorded in the Reviews tab for {before}.",
    )


def _months_note(action: MeasuredAction) -> str:
    """' (2 and 3 of 3 months with data)' when a measured quarter is short of data."""
    if action["result"] in (NOT_YET_MEASURABLE, NO_DATA_RESULT):
        return ""
    months = action["months_before"], action["months_after"]
    if min(months) >= 3:
        return ""
    least = f"; at least {MIN_MONTHS_COMPARED} each" if action["result"] == NOT_COMPARABLE else ""
    return f" ({months[0]} and {months[1]} of 3 months with data{least})"


def _compression(doc: Document, agenda: QuarterlyAgenda) -> None:
    months = agenda["compression_months"]
    doc.add(
        Heading("Role-compression candidates"),
        Paragraph(
            "Active handoffs whose split reason is not specialization and that lost at least "
            f"{agenda['compression_min_hours']:.1f} hours a month on average in {months[0]} … "
            f"{months[-1]}. Ask: does this handoff exist because of genuine specialization, or "
            "because of historical role boundaries that AI has made unnecessary? Record the "
            "decision and its reasoning in the Handoffs tab (Split reason, Decision note, and "
            "Status consolidated once one person owns the work end to end)."
        ),
        compression_table(agenda["compression_candidates"]),
    )
