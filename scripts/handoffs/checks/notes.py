"""Handoff notes (docs/commands.md `template` / `check`): the artifact template every sender fills in,
whatever AI tool produced the work, and the check that each section says something.

A note is Markdown. The five sections below are required; the template also carries the
contract's format and receiver checks, which are guidance and not checked. No pandas here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from handoffs.checks.flags import resolve_handoff
from handoffs.model.errors import UsageError
from handoffs.model.lookup import normalise_header
from handoffs.model.vocabulary import IN_USE
from handoffs.model.words import counted

if TYPE_CHECKING:
    from handoffs.model.dataset import Dataset


@dataclass(frozen=True)
class NoteSection:
    title: str
    prompt: str  # shown in the template as an HTML comment, and as the hint when it is empty
    aliases: tuple[str, ...] = ()  # shorter headings people write that mean the same


SECTIONS = (
    NoteSection("Deliverable", "what you are handing over, and where it is"),
    NoteSection(
        "Decisions already made",
        "decisions the receiver should not reopen, and why",
        ("Decisions made", "Decisions"),
    ),
    NoteSection("Open questions", "what is still undecided or needs the receiver's input"),
    NoteSection(
        "Known limitations of the AI output",
        "where the AI output may be wrong, thin or unchecked",
        ("Known limitations", "Limitations"),
    ),
    NoteSection("AI tools used", "which tools or models, and for which parts", ("AI tools",)),
)
_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)[ \t#]*$")
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
_TITLE_ID = re.compile(r"handoff note:?\s*([A-Za-z0-9][A-Za-z0-9_.-]{0,31})", re.IGNORECASE)


@dataclass(frozen=True)
class NoteContext:
    """What the template says about one handoff and its contract (None = not filled in)."""

    handoff_id: str
    workflow: str
    step: int | None
    from_role: str
    to_role: str
    artifact: str
    contract_status: str | None = None  # None: no contract in use
    deliverable: str | None = None
    format: str | None = None
    sender_context: str | None = None
    receiver_checks: str | None = None
    contact: str | None = None


def context_of(ds: Dataset, handoff: str) -> NoteContext:
    """The handoff (its id resolved as `flag` resolves it) and its contract in use."""
    handoffs = ds["handoffs"]
    handoff_id = resolve_handoff(handoff, handoffs["handoff_id"].astype(str).tolist())
    row = handoffs[handoffs["handoff_id"] == handoff_id].iloc[0]
    contracts = ds["contracts"]
    own = contracts[(contracts["handoff_id"] == handoff_id) & contracts["status"].isin(IN_USE)]
    contract = own.iloc[0] if not own.empty else {}

    def text(name: str) -> str | None:
        value: Any = contract.get(name)
        return value if isinstance(value, str) else None

    return NoteContext(
        handoff_id=handoff_id,
        workflow=str(row["workflow"]),
        step=int(row["step"]),
        from_role=str(row["from_role"]),
        to_role=str(row["to_role"]),
        artifact=str(row["artifact"]),
        contract_status=text("status"),
        deliverable=text("deliverable"),
        format=text("format"),
        sender_context=text("sender_context"),
        receiver_checks=text("receiver_checks"),
        contact=text("contact"),
    )


@dataclass(frozen=True)
class NoteCheck:
    """The result of checking one note: each required section that is missing or empty."""

    name: str
    handoff_id: str | None  # from the note's title line, when it has one
    problems: tuple[tuple[str, str], ...]  # (section title, "missing" | "empty")

    @property
    def complete(self) -> bool:
        return not self.problems


def _items(text: str | None) -> list[str]:
    """A contract cell as checklist items: one per line or `;`."""
    return [part.strip(" -•\t") for part in re.split(r"[;\n]+", text or "") if part.strip(" -•\t")]


def _quoted(line: str) -> str:
    """One line of contract text made inert: `<` and `>` as entities (no HTML comment can open
    or close, no HTML block start) and a leading `#`, backtick or tilde escaped (no heading,
    no code fence). Rendered Markdown shows the text as typed."""
    line = line.strip().replace("<", "&lt;").replace(">", "&gt;")
    return "\\" + line if line.startswith(("#", "`", "~")) else line


def _inline(text: str) -> str:
    """Contract text quoted within a line of the template: its line breaks become spaces."""
    return _quoted(" ".join(text.split()))


def _block(text: str) -> list[str]:
    """Contract text of one or more lines, quoted line by line as a Markdown block quote."""
    return [f"> {_quoted(line)}".rstrip() for line in text.splitlines() if line.strip()]


def template(context: NoteContext) -> str:
    """The handoff-note template for one handoff, in Markdown. Every text from the sheet is
    quoted (`_inline`, `_block`): whatever a cell holds, an untouched template fails `check`."""
    quoted: dict[str, Any] = {
        name: _inline(value)
        for name, value in vars(context).items()
        if isinstance(value, str) and name not in ("format", "receiver_checks")
    }
    c = replace(context, **quoted)
    step = f", step {c.step}" if c.step is not None else ""
    lines = [
        f"# Handoff note: {c.handoff_id} · {c.artifact}",
        "",
        f"{c.workflow}{step}: {c.from_role} → {c.to_role}. "
        + (
            f"Contract: {c.contract_status}"
            + (f"; if anything is unclear, ask {c.contact}." if c.contact else ".")
            if c.contract_status
            else "No contract yet: agree its five elements with the receiver in the Contracts tab."
        ),
    ]
    if c.sender_context:
        lines += ["", f"The contract asks the sender to include: {c.sender_context}."]
    lines += [
        "",
        'Fill in every section (write "None" where there is nothing to say), then run '
        f"`handoffs check NOTE.md --handoff {c.handoff_id}` before you send it.",
    ]
    for section in SECTIONS:
        prompt = section.prompt
        if section.title == "Deliverable" and c.deliverable:
            prompt += f"; the contract says it contains: {c.deliverable}"
        lines += ["", f"## {section.title}", "", f"<!-- {prompt[0].upper()}{prompt[1:]}. -->"]
    lines += ["", "## Format (from the contract)", ""]
    formats = _block(c.format or "")
    lines += formats or ["No format agreed yet: agree one with the receiver."]
    lines += ["", "## Receiver checks (from the contract)", ""]
    checks = [_inline(item) for item in _items(c.receiver_checks)]
    lines += (
        [f"- [ ] {item}" for item in checks]
        if checks
        else ["No receiver checks agreed yet: ask the receiver what they check before going on."]
    )
    return "\n".join(lines) + "\n"


def _sections(text: str) -> list[tuple[str, str]]:
    """(heading, body) pairs of a Markdown note, HTML comments removed."""
    found: list[tuple[str, list[str]]] = []
    fenced = False
    for line in _COMMENT.sub("", text).splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        match = None if fenced else _HEADING.match(line)
        if match:
            found.append((match[2], []))
        elif found:
            found[-1][1].append(line)
    return [(heading, "\n".join(body)) for heading, body in found]


def _matches(heading: str, section: NoteSection) -> bool:
    key = normalise_header(heading)
    return any(key.startswith(normalise_header(t)) for t in (section.title, *section.aliases))


def check(text: str, name: str = "note") -> NoteCheck:
    """Every required section present and saying something (a word or a number)."""
    sections = _sections(text)
    problems: list[tuple[str, str]] = []
    for section in SECTIONS:
        bodies = [body for heading, body in sections if _matches(heading, section)]
        if not bodies:
            problems.append((section.title, "missing"))
        elif not any(re.search(r"\w", body) for body in bodies):
            problems.append((section.title, "empty"))
    title = _TITLE_ID.search(text)
    return NoteCheck(name, title[1] if title else None, tuple(problems))


def refuse_other_handoff(result: NoteCheck, handoff_id: str) -> None:
    """A note whose title names another handoff is not checked against this one (exit 2)."""
    named = result.handoff_id
    if named is not None and named.casefold() != handoff_id.casefold():
        raise UsageError(
            f"{result.name} is the note for {named} (its title says 'Handoff note: {named}'), "
            f"not for {handoff_id}: check it with --handoff {named}, or start the note for "
            f"{handoff_id} with `handoffs template --handoff {handoff_id}`."
        )


def hint(section_title: str) -> str:
    """What to write in a section, for messages."""
    return next(s.prompt for s in SECTIONS if s.title == section_title)


def check_text(result: NoteCheck, handoff_id: str) -> str:
    """The outcome of `handoffs check`, one line per missing or empty section."""
    if result.complete:
        return f"{result.name}: every section is filled in; the note for {handoff_id} is ready to send."
    count = len(result.problems)
    lines = [
        f"{result.name}: {counted(count, 'section')} to fill in "
        f"before the note for {handoff_id} is ready:"
    ]
    for title, kind in result.problems:
        what = f"no '## {title}' heading" if kind == "missing" else "empty"
        lines.append(f"  {title}: {what}; write {hint(title)}.")
    return "\n".join(lines)


def summarise(checks: Sequence[NoteCheck]) -> tuple[list[str], list[str]]:
    """Names of the complete notes and of the others."""
    return [c.name for c in checks if c.complete], [c.name for c in checks if not c.complete]
