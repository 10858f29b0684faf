"""A tiny document model: the review prep, onboarding pack and note template are lists of blocks,
rendered as Markdown (terminal, docs) or as the rows of a generated tab (`tabs.review_prep_tab`).

Rendering from one list of blocks keeps the Markdown and the tab saying the same thing.
User text (flags, failure cases, notes) is escaped here and nowhere else: `|` cannot break a
Markdown table and newlines are folded, so a pasted paragraph stays one table cell.
No pandas: `handoffs flag` and `template` stay light.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

Text = str | int | float | None


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 2  # 1 = the title, 2 = a section, 3 = a sub-section (e.g. one handoff)


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Facts:
    """Labelled lines: `- **label**: text` in Markdown, one tab row each."""

    items: Sequence[tuple[str, str]]


@dataclass(frozen=True)
class Bullets:
    items: Sequence[str]
    checklist: bool = False  # `- [ ]` boxes to tick


@dataclass(frozen=True)
class Table:
    header: Sequence[str]
    rows: Sequence[Sequence[Text]]
    empty: str = "None."  # said instead of an empty table
    key: int = 0  # the column that names a row (the tab's Item column)


@dataclass(frozen=True)
class FillIn:
    """Blank lines to fill in during the meeting (owner, deadline …)."""

    labels: Sequence[str]


@dataclass(frozen=True)
class Code:
    """A command to copy, shown verbatim."""

    text: str


Block = Heading | Paragraph | Facts | Bullets | Table | FillIn | Code


@dataclass
class Document:
    blocks: list[Block] = field(default_factory=list)

    def add(self, *blocks: Block) -> None:
        self.blocks.extend(blocks)


BLANK = "______________________"
_NEWLINES = re.compile(r"\s*[\r\n]+\s*")


def fold(value: Text) -> str:
    """One line of text: None -> '', newlines (and the spaces around them) -> one space."""
    if value is None:
        return ""
    return _NEWLINES.sub(" ", str(value)).strip()


def cell(value: Text) -> str:
    """Text safe inside a Markdown table cell."""
    return fold(value).replace("\\", "\\\\").replace("|", "\\|")


def inline(value: Text) -> str:
    """Text safe in a paragraph or list item: one line, pipes escaped (a doc may read it as a
    table otherwise), a leading Markdown marker neutralised."""
    text = fold(value).replace("|", "\\|")
    return "\\" + text if text[:1] in "#>" and text else text


def to_markdown(document: Document) -> str:
    parts: list[str] = []
    for block in document.blocks:
        parts.append(_markdown_block(block))
    return "\n\n".join(p for p in parts if p) + "\n"


def _markdown_block(block: Block) -> str:
    if isinstance(block, Heading):
        return "#" * block.level + " " + fold(block.text)
    if isinstance(block, Paragraph):
        return inline(block.text)
    if isinstance(block, Facts):
        return "\n".join(f"- **{inline(label)}**: {inline(text)}" for label, text in block.items)
    if isinstance(block, Bullets):
        box = "[ ] " if block.checklist else ""
        return "\n".join(f"- {box}{inline(item)}" for item in block.items)
    if isinstance(block, Table):
        if not block.rows:
            return inline(block.empty)
        lines = [
            "| " + " | ".join(cell(h) for h in block.header) + " |",
            "|" + "|".join("---" for _ in block.header) + "|",
        ]
        lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in block.rows]
        return "\n".join(lines)
    if isinstance(block, FillIn):
        return "\n".join(f"- **{inline(label)}**: {BLANK}" for label in block.labels)
    return f"```sh\n{block.text}\n```"
