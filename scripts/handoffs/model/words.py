"""Counted nouns, the one way every text of the tool says how many: `counted(1, "flag")` is
"1 flag", `counted(2, "person")` "2 people", `counted(3, "active handoff")` "3 active handoffs";
`agrees(1, "has")` is "has", `agrees(2, "has")` "have"; `rows_of("Flags", [2])` is
"Flags row 2", `rows_of("Flags", [2, 3, 4, 7])` "Flags rows 2–4, 7".

No pandas: the terminal, the documents and the notices all use it.
"""

from __future__ import annotations

from collections.abc import Iterable

# Nouns and verbs whose plural is not the regular -s / -es / -ies.
IRREGULAR = {
    "person": "people",
    "criterion": "criteria",
    "child": "children",
    "is": "are",
    "has": "have",
    "was": "were",
    "does": "do",
    "this": "these",
}
_SIBILANT = ("s", "x", "z", "ch", "sh")


def plural(noun: str) -> str:
    """The plural of a noun, or of a phrase's last word ("active handoff" -> "active handoffs",
    "person" -> "people", "reply" -> "replies", "box" -> "boxes")."""
    head, _, word = noun.rpartition(" ")
    lead = f"{head} " if head else ""
    if word.lower() in IRREGULAR:
        many = IRREGULAR[word.lower()]
        return lead + (many.capitalize() if word[:1].isupper() else many)
    if word.endswith(_SIBILANT):
        return f"{lead}{word}es"
    if len(word) > 1 and word.endswith("y") and word[-2] not in "aeiou":
        return f"{lead}{word[:-1]}ies"
    return f"{lead}{word}s"


def counted(count: int, noun: str, many: str | None = None) -> str:
    """'1 flag', '0 flags', '2 people'; `many` for a plural no rule makes ("member who joined"
    -> "members who joined")."""
    return f"{count} {noun if count == 1 else many or plural(noun)}"


def agrees(count: int, verb: str) -> str:
    """The verb as it agrees with `count` things: 'has'/'have', 'carries'/'carry',
    'passes'/'pass', 'needs'/'need'."""
    if count == 1:
        return verb
    if verb in IRREGULAR:
        return IRREGULAR[verb]
    if verb.endswith("ies"):
        return verb[:-3] + "y"
    if verb.endswith(tuple(f"{s}es" for s in _SIBILANT)):
        return verb[:-2]
    return verb[:-1] if verb.endswith("s") else verb


def row_ranges(rows: Iterable[int]) -> str:
    """[2, 3, 4, 7] -> '2–4, 7'."""
    ordered = sorted(set(rows))
    parts: list[str] = []
    start = prev = None
    for row in [*ordered, None]:
        if start is not None and (row is None or row != prev + 1):  # type: ignore[operator]
            parts.append(str(start) if start == prev else f"{start}–{prev}")
            start = None
        if row is not None and start is None:
            start = row
        prev = row
    return ", ".join(parts)


def rows_of(tab: str, rows: Iterable[int]) -> str:
    """'Flags row 2', 'Flags rows 2–4, 7'."""
    listed = sorted(set(rows))
    return f"{tab} {'row' if len(listed) == 1 else 'rows'} {row_ranges(listed)}"
