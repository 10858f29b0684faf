"""The words of a notice (docs/notices.md#messages): a short title, then one section per kind
of fact, each fact on one line, and where in the sheet to look. Plain text that also reads as
Slack, Teams and Google Chat Markdown. Pure: no I/O.

Text people typed in the sheet is quoted as text: newlines and tabs become spaces, angle
brackets, square brackets and backticks are replaced by look-alikes (so neither `<url|text>`
nor `[text](url)` can make a link that shows one address and opens another), control characters and bidirectional
overrides are dropped, and channel-wide mentions (@channel, @here,
@everyone, <!everyone>) lose their power; it is cut with an ellipsis, so one notice is always
one line and a message never splits a notice.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from handoffs.model.words import counted
from handoffs.notices.notice import Notice

QUOTED_CHARS = 280
TITLE_PREFIX = "Handoffs: "
_MENTION = re.compile(r"@(?=(channel|here|everyone|all|group)\b)", re.IGNORECASE)
# Control characters, line and paragraph separators, and the invisible bidirectional marks and
# overrides that make a line read differently from what it is.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u2028-\u202e\u2066-\u2069]")
_LOOKALIKE = str.maketrans({"<": "‹", ">": "›", "`": "'", "[": "［", "]": "］"})


def plural(count: int, noun: str) -> str:
    return counted(count, noun)


def cut(text: str, limit: int) -> str:
    """`text` within `limit` characters, ending in an ellipsis when it was cut."""
    return text if len(text) <= limit else text[: max(limit - 1, 0)].rstrip() + "…"


def quoted(text: str, limit: int = QUOTED_CHARS, *, marks: bool = True) -> str:
    """User text made safe for one line of a message (see the module docstring)."""
    clean = " ".join(_CONTROL.sub(" ", text).split()).translate(_LOOKALIKE)
    clean = cut(_MENTION.sub("＠", clean), limit)
    return f"“{clean}”" if marks else clean


def _count(notices: Sequence[Notice]) -> int:
    """How many things the notices tell of: a contract stale for two reasons counts once."""
    return len({n.subject or n.key for n in notices})


def _contracts(notices: Sequence[Notice]) -> str:
    n = _count(notices)
    return f"{plural(n, 'contract')} need{'s' if n == 1 else ''} review"


def _errors(notices: Sequence[Notice]) -> str:
    count = notices[-1].key.split("|", 1)[-1]
    return f"{plural(int(count), 'data error')} to fix" if count.isdigit() else "data errors to fix"


def _maturity(notices: Sequence[Notice]) -> str:
    level = notices[-1].line.split(":", 1)[-1].strip()
    return f"the maturity level is {level}" if level else "a new maturity level"


@dataclass(frozen=True)
class DigestSection:
    heading: str
    kinds: frozenset[str]
    tab: str  # the tab to look at
    phrase: Callable[[Sequence[Notice]], str]  # the title's part: "2 contracts need review"


SECTIONS = (
    DigestSection(
        "New flags", frozenset({"flag"}), "Flags", lambda ns: plural(_count(ns), "new flag")
    ),
    DigestSection(
        "Contracts to review", frozenset({"stale", "trial"}), "Stale Reviews", _contracts
    ),
    DigestSection(
        "Review actions due",
        frozenset({"action"}),
        "Reviews",
        lambda ns: f"{plural(_count(ns), 'action')} due",
    ),
    DigestSection(
        "Getting worse",
        frozenset({"worse"}),
        "Rankings",
        lambda ns: f"{plural(_count(ns), 'handoff')} got worse",
    ),
    DigestSection("Data errors", frozenset({"problems"}), "Problems", _errors),
    DigestSection("Maturity", frozenset({"maturity"}), "Summary", _maturity),
    DigestSection(
        "Your flags",
        frozenset({"flag_status"}),
        "Flags",
        lambda ns: f"{plural(_count(ns), 'flag')} you raised reviewed",
    ),
)
_ORDER = {kind: i for i, section in enumerate(SECTIONS) for kind in section.kinds}


@dataclass(frozen=True)
class Message:
    title: str
    body: str
    notices: tuple[Notice, ...]  # the notices it carries (the rest wait for the next run)


def in_order(notices: Sequence[Notice]) -> list[Notice]:
    return sorted(notices, key=lambda n: _ORDER[n.kind])  # stable: sheet order within a kind


def _render(
    notices: Sequence[Notice],
    where: Callable[[str], str],
    greeting: str,
    footer: Sequence[str],
    left_out: int,
) -> tuple[str, str]:
    phrases, blocks = [], [greeting] if greeting else []
    for section in SECTIONS:
        told = [n for n in notices if n.kind in section.kinds]
        lines = [n.line for n in told]
        if not lines:
            continue
        phrases.append(section.phrase(told))
        block = [f"{section.heading} ({len(lines)}):", *(f"- {line}" for line in lines)]
        blocks.append("\n".join([*block, f"See the {section.tab} tab: {where(section.tab)}"]))
    blocks += footer
    if left_out:
        blocks.append(f"… and {plural(left_out, 'more notice')} in the next message.")
    return TITLE_PREFIX + sentence(phrases), "\n\n".join(blocks) + "\n"


def sentence(phrases: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(phrases) <= 1:
        return "".join(phrases)
    return f"{', '.join(phrases[:-1])} and {phrases[-1]}"


def compose(
    notices: Sequence[Notice],
    where: Callable[[str], str] | Mapping[str, str],
    *,
    greeting: str = "",
    footer: Sequence[str] = (),
    body_limit: int = 32768,
    title_limit: int = 250,
) -> Message:
    """The message for `notices` (at least one), as many whole notices as fit `body_limit`;
    the title is cut to `title_limit` (0: the channel has no title, it goes into the body)."""
    look = where.__getitem__ if isinstance(where, Mapping) else where
    ordered = in_order(notices)

    def fits(count: int) -> tuple[str, str] | None:
        title, body = _render(ordered[:count], look, greeting, footer, len(ordered) - count)
        size = len(body) + (len(title) + 2 if title_limit == 0 else 0)
        return (title, body) if size <= body_limit else None

    low, high = 1, len(ordered)  # one notice always goes, cut if it must be
    while low < high:
        middle = (low + high + 1) // 2
        if fits(middle):
            low = middle
        else:
            high = middle - 1
    found = fits(low)
    if found is None:
        title, body = _render(ordered[:low], look, greeting, footer, len(ordered) - low)
        found = (title, cut(body, body_limit - (len(title) + 2 if title_limit == 0 else 0)))
    title, body = found
    return Message(cut(title, title_limit) if title_limit else title, body, tuple(ordered[:low]))


def skipped_line(reasons: Mapping[str, int]) -> str:
    """'Personal notices not sent: 2 (1 not in the Team tab, 1 no E-mail in the Team tab).'"""
    total = sum(reasons.values())
    detail = ", ".join(f"{count} {reason}" for reason, count in sorted(reasons.items()))
    return f"Personal notices not sent: {total} ({detail})."
