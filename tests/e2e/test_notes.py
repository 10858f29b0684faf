"""docs/commands.md `template` / `check`: the handoff-note template and the check of a filled note."""

from __future__ import annotations

from pathlib import Path

from handoffs.checks.notes import SECTIONS, NoteContext, check, template
from tests.support.builders import contract, handoff, workbook

CONTEXT = NoteContext(
    handoff_id="RPT-02", workflow="Client report", step=2, from_role="Analyst",
    to_role="Writer", artifact="Analysis summary", contract_status="active",
    deliverable="Summary and charts", format="Doc with the shared template",
    sender_context="Assumptions, AI tools used", receiver_checks="Charts trace to data; assumptions listed",
    contact="Aisha",
)  # fmt: skip


def filled(skip: str = "", empty: str = "") -> str:
    """The template with every section filled in, except `skip` (heading removed) and `empty`."""
    lines = []
    for line in template(CONTEXT).splitlines():
        if line.startswith("## ") and line[3:] == skip:
            continue
        lines.append(line)
        if line.startswith("## ") and line[3:] in {s.title for s in SECTIONS} - {empty, skip}:
            lines.append("Written by the sender.")
    return "\n".join(lines)


def test_the_template_has_the_five_sections_and_the_contracts_format_and_checks() -> None:
    text = template(CONTEXT)
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert headings == [
        "# Handoff note: RPT-02 · Analysis summary",
        "## Deliverable",
        "## Decisions already made",
        "## Open questions",
        "## Known limitations of the AI output",
        "## AI tools used",
        "## Format (from the contract)",
        "## Receiver checks (from the contract)",
    ]
    assert (
        "Client report, step 2: Analyst → Writer. Contract: active; if anything is unclear, ask Aisha."
        in text
    )
    assert "the contract says it contains: Summary and charts" in text
    assert text.endswith(
        "## Format (from the contract)\n\n> Doc with the shared template\n\n"
        "## Receiver checks (from the contract)\n\n"
        "- [ ] Charts trace to data\n- [ ] assumptions listed\n"
    )


def test_a_handoff_without_a_contract_gets_a_template_that_says_so() -> None:
    bare = NoteContext("X-1", "Report", 1, "Analyst", "Writer", "Draft")
    text = template(bare)
    assert "No contract yet: agree its five elements with the receiver" in text
    assert "No format agreed yet" in text
    assert "No receiver checks agreed yet" in text


def test_the_blank_template_fails_the_check_and_a_filled_one_passes() -> None:
    assert check(template(CONTEXT)).problems == tuple((s.title, "empty") for s in SECTIONS)
    result = check(filled(), "note.md")
    assert result.complete
    assert result.handoff_id == "RPT-02"


def test_a_note_missing_one_section() -> None:
    assert check(filled(skip="Open questions")).problems == (("Open questions", "missing"),)
    assert check(filled(empty="AI tools used")).problems == (("AI tools used", "empty"),)


def test_shorter_headings_count_and_code_blocks_are_not_headings() -> None:
    note = (
        "# Note\n## Deliverable\nthe deck\n## Decisions\nnone\n## Open questions\nNone\n"
        "## Known limitations\n```\n# not a heading\n```\n## AI tools\nnone\n"
    )
    assert check(note).complete
    only_comment = note.replace("## AI tools\nnone", "## AI tools\n<!-- which tools -->\n")
    assert check(only_comment).problems == (("AI tools used", "empty"),)


def test_template_and_check_commands(run, tmp_path: Path) -> None:
    workbook(
        tmp_path / "handoffs.xlsx",
        handoffs=[handoff("RPT-02", workflow="Client report", step=2, artifact="Analysis summary")],
        contracts=[contract("RPT-02", format="Doc", receiver_checks="Charts trace to data")],
    )
    printed = run("template", "--handoff", "rpt-02").stdout
    assert printed.startswith("# Handoff note: RPT-02 · Analysis summary\n")
    assert "- [ ] Charts trace to data" in printed
    run("template", "--handoff", "RPT-02", "--output", "note.md")
    assert (tmp_path / "note.md").read_text(encoding="utf-8") == printed

    result = run("check", "note.md", "--handoff", "RPT-02", expect=1)
    assert result.stdout.splitlines()[:2] == [
        "note.md: 5 sections to fill in before the note for RPT-02 is ready:",
        "  Deliverable: empty; write what you are handing over, and where it is.",
    ]
    text = printed
    for section in SECTIONS:
        text = text.replace(f"## {section.title}\n", f"## {section.title}\nDone.\n")
    text = text.replace("## Open questions\nDone.\n", "")
    (tmp_path / "note.md").write_text(text, encoding="utf-8")
    result = run("check", "note.md", "--handoff", "RPT-02", expect=1)
    assert result.stdout == (
        "note.md: 1 section to fill in before the note for RPT-02 is ready:\n"
        "  Open questions: no '## Open questions' heading; write what is still undecided or "
        "needs the receiver's input.\n"
    )
    (tmp_path / "note.md").write_text(text + "\n## Open questions\nNone.\n", encoding="utf-8")
    assert run("check", "note.md", "--handoff", "RPT-02").stdout == (
        "note.md: every section is filled in; the note for RPT-02 is ready to send.\n"
    )


def test_template_for_an_unknown_handoff_exits_2_with_close_matches(run, tmp_path: Path) -> None:
    workbook(tmp_path / "handoffs.xlsx", handoffs=[handoff("RPT-02"), handoff("RPT-03")])
    result = run("template", "--handoff", "RPT-2", expect=2)
    assert result.stderr == (
        "Error: There is no handoff 'RPT-2' in the Handoffs tab. Did you mean RPT-02 or RPT-03?\n"
    )
    assert run("check", "missing.md", "--handoff", "RPT-02", expect=2).stderr.endswith(
        "File 'missing.md' does not exist.\n"
    )


def test_check_refuses_a_note_written_for_another_handoff(run, tmp_path: Path) -> None:
    """The id in the note's title line must be the handoff it is checked for (exit 2)."""
    workbook(tmp_path / "handoffs.xlsx", handoffs=[handoff("RPT-02"), handoff("RPT-03")])
    run("template", "--handoff", "RPT-03", "--output", "note.md")
    result = run("check", "note.md", "--handoff", "RPT-02", expect=2)
    assert result.stderr == (
        "Error: note.md is the note for RPT-03 (its title says 'Handoff note: RPT-03'), not for "
        "RPT-02: check it with --handoff RPT-03, or start the note for RPT-02 with "
        "`handoffs template --handoff RPT-02`.\n"
    )
    assert run("check", "note.md", "--handoff", "rpt-03", expect=1).stdout.startswith(
        "note.md: 5 sections to fill in before the note for RPT-03 is ready:"
    )


def test_template_names_the_handoffs_row_left_out_for_an_error(run, tmp_path: Path) -> None:
    """The handoff exists but its row has an error: say so instead of 'there is no handoff'."""
    workbook(
        tmp_path / "handoffs.xlsx",
        handoffs=[handoff("RPT-01"), handoff("RPT-02", step=0)],  # Step is required: 1 or more
    )
    expected = (
        "Error: The Handoffs tab's row 3 for rpt-02 has an error, so that handoff is left out: "
        "run `handoffs validate` to see the fix, then run this again.\n"
    )
    assert run("template", "--handoff", "rpt-02", expect=2).stderr == expected
    (tmp_path / "note.md").write_text("# Handoff note: RPT-02\n", encoding="utf-8")
    assert run("check", "note.md", "--handoff", "rpt-02", expect=2).stderr == expected
