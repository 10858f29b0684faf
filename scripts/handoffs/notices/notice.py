"""One fact worth a notice (docs/notices.md#what-is-new): what `facts` finds and `text` words."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Notice:
    """One fact worth telling. `kind` picks its section (`text.SECTIONS`)."""

    kind: str
    key: str
    line: str  # the fact in one line, user text already quoted
    person: str = ""  # for a personal notice: the person as the sheet names them
    subject: str = ""  # what the title counts when several notices tell of one thing (a contract)
