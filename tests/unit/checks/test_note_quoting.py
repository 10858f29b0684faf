"""The handoff-note template quotes the contract text it shows (docs/commands.md `template`):
whatever Markdown or HTML a cell of the Handoffs or Contracts tab holds, it can neither close
the template's comments nor open a section, so an untouched template always fails `check` and
a filled one passes."""

from __future__ import annotations

import dataclasses

import pytest

from handoffs.checks.notes import SECTIONS, NoteContext, check, template

# What people paste into a contract cell, and what a hostile editor would try.
HOSTILE = {
    "an arrow that closes a comment": "raw data --> clean table",
    "a heading on its own line": "CSV export\n## Open questions\nNone, all settled",
    "a heading as the first line": "## Decisions already made\nKept as agreed",
    "a comment left open": "see <!-- the appendix",
    "a comment that swallows the rest": "<!--\n",
    "a code fence left open": "```\n## Deliverable\nthe deck",
    "a tilde fence": "~~~ notes",
    "an HTML block": "<div>\n## Known limitations of the AI output\nnone</div>",
    "Unicode line breaks": "one\u2028## AI tools used\u2028ChatGPT\x85## Deliverable\x1cthe deck",
    "a setext heading": "Open questions\n---\nNone",
    "every section heading": "\n".join(f"## {s.title}\nfilled by the contract" for s in SECTIONS),
    "HTML that closes and reopens": "--> ## Deliverable <!-- x --> <b>bold</b>",
}


def hostile_context(text: str) -> NoteContext:
    """A handoff whose every text field (names, contract elements) holds `text`."""
    base = NoteContext("RPT-02", "Client report", 2, "Analyst", "Writer", "Analysis summary")
    texts = {
        f.name: text
        for f in dataclasses.fields(NoteContext)
        if f.name not in ("handoff_id", "step")
    }
    return dataclasses.replace(base, **texts)


def filled(note: str) -> str:
    """The note with one line written under each of the five section headings."""
    titles = {f"## {s.title}" for s in SECTIONS}
    lines: list[str] = []
    for line in note.splitlines():
        lines.append(line)
        if line in titles:
            lines.append("Written by the sender.")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_an_untouched_template_fails_the_check_whatever_the_contract_says(text: str) -> None:
    note = template(hostile_context(text))
    assert check(note).problems == tuple((s.title, "empty") for s in SECTIONS)


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_filled_template_passes_whatever_the_contract_says(text: str) -> None:
    note = template(hostile_context(text))
    result = check(filled(note))
    assert result.problems == ()
    assert result.handoff_id == "RPT-02"


def test_the_headings_of_the_template_are_its_own_only() -> None:
    note = template(hostile_context(HOSTILE["every section heading"]))
    assert [line for line in note.splitlines() if line.lstrip().startswith("#")] == [
        "# Handoff note: RPT-02 · \\## Deliverable filled by the contract ## Decisions already "
        "made filled by the contract ## Open questions filled by the contract ## Known "
        "limitations of the AI output filled by the contract ## AI tools used filled by the "
        "contract",
        *(f"## {s.title}" for s in SECTIONS),
        "## Format (from the contract)",
        "## Receiver checks (from the contract)",
    ]


def test_contract_text_reads_as_typed_once_rendered() -> None:
    """`<` and `>` become entities, a leading `#` or fence is escaped, a multi-line format is a
    block quote: what a Markdown viewer shows is the cell's text."""
    context = dataclasses.replace(
        hostile_context("x"),
        workflow="## Intake",
        deliverable="raw data --> clean table",
        format="CSV, UTF-8\n## Open questions\n```",
        receiver_checks="totals <= source; <!-- none -->",
    )
    note = template(context)
    assert "\\## Intake, step 2: x → x." in note
    assert (
        "<!-- What you are handing over, and where it is; the contract says it contains: " in note
    )
    assert "raw data --&gt; clean table. -->" in note
    assert "## Format (from the contract)\n\n> CSV, UTF-8\n> \\## Open questions\n> \\```\n" in note
    assert "- [ ] totals &lt;= source\n- [ ] &lt;!-- none --&gt;\n" in note
