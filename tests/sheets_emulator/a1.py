"""A1 notation: read ranges the way Google accepts them, write them the way Google answers."""

from __future__ import annotations

import re
from dataclasses import dataclass

_REF = re.compile(r"\$?([A-Za-z]{1,3})?\$?([0-9]+)?")
_PLAIN_TITLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_CELL_LIKE = re.compile(r"[A-Za-z]{1,3}[0-9]+")
_R1C1_LIKE = re.compile(r"[Rr][0-9]*[Cc][0-9]*")


class A1Error(ValueError):
    """The text is not a range Google would parse."""


@dataclass(frozen=True)
class Rect:
    """A half-open block of cells (0-based); an end of None is unbounded, as in `A:C` or `2:2`."""

    row0: int
    col0: int
    row1: int | None
    col1: int | None

    @staticmethod
    def cell(row: int, col: int) -> Rect:
        return Rect(row, col, row + 1, col + 1)

    def clip(self, rows: int, cols: int) -> Rect:
        """Bound open ends by the grid, as Google does when it answers (`A:A` -> `A1:A1000`)."""
        row1 = rows if self.row1 is None else min(self.row1, rows)
        col1 = cols if self.col1 is None else min(self.col1, cols)
        return Rect(self.row0, self.col0, row1, col1)

    @property
    def rows(self) -> int:
        assert self.row1 is not None, "an open range has no height"
        return self.row1 - self.row0

    @property
    def cols(self) -> int:
        assert self.col1 is not None, "an open range has no width"
        return self.col1 - self.col0

    def contains(self, row: int, col: int) -> bool:
        return (
            self.row0 <= row
            and self.col0 <= col
            and (self.row1 is None or row < self.row1)
            and (self.col1 is None or col < self.col1)
        )

    def intersects(self, other: Rect) -> bool:
        def overlap(a0: int, a1: int | None, b0: int, b1: int | None) -> bool:
            return (a1 is None or b0 < a1) and (b1 is None or a0 < b1)

        return overlap(self.row0, self.row1, other.row0, other.row1) and overlap(
            self.col0, self.col1, other.col0, other.col1
        )


@dataclass(frozen=True)
class A1Range:
    """A parsed range: `title` None means the first sheet, `rect` None means the whole sheet."""

    title: str | None
    rect: Rect | None


def column_letters(index: int) -> str:
    """0 -> "A", 26 -> "AA"."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(ord("A") + rem) + letters
    return letters


def column_index(letters: str) -> int:
    """ "A" -> 0, "aa" -> 26 (Google reads column letters case-insensitively)."""
    index = 0
    for char in letters.upper():
        index = index * 26 + ord(char) - ord("A") + 1
    return index - 1


def _parse_ref(text: str) -> tuple[int | None, int | None]:
    match = _REF.fullmatch(text)
    if not match or not (match.group(1) or match.group(2)):
        raise A1Error(text)
    col = column_index(match.group(1)) if match.group(1) else None
    row = int(match.group(2)) if match.group(2) else None
    if row == 0:
        raise A1Error(text)
    return col, row


def parse_cells(text: str) -> Rect:
    """The part after `!`: `A1`, `A1:B2`, `A:C`, `2:2`, `A2:C`, `A2:2`; reversed corners are swapped."""
    if ":" not in text:
        col, row = _parse_ref(text)
        if col is None or row is None:
            raise A1Error(text)
        return Rect.cell(row - 1, col)
    first, _, second = text.partition(":")
    col_a, row_a = _parse_ref(first)
    col_b, row_b = _parse_ref(second)
    row0, row1 = (row_a - 1 if row_a else 0), row_b
    col0, col1 = (col_a if col_a is not None else 0), (col_b + 1 if col_b is not None else None)
    if row1 is not None and row1 <= row0:
        row0, row1 = row1 - 1, row0 + 1
    if col1 is not None and col1 <= col0:
        col0, col1 = col1 - 1, col0 + 1
    return Rect(row0, col0, row1, col1)


def _read_quoted(text: str) -> tuple[str, str]:
    """Split `'Bob''s tab'!A1` into ("Bob's tab", "!A1")."""
    title, i = [], 1
    while i < len(text):
        if text[i] == "'":
            if text[i + 1 : i + 2] == "'":
                title.append("'")
                i += 2
                continue
            return "".join(title), text[i + 1 :]
        title.append(text[i])
        i += 1
    raise A1Error(text)


def parse_a1(text: str) -> A1Range:
    """Parse a range as the API receives it; a bare `A1:B2` means the first sheet."""
    if not text:
        raise A1Error(text)
    if text.startswith("'"):
        title, rest = _read_quoted(text)
        if not title:
            raise A1Error(text)
        if not rest:
            return A1Range(title, None)
        if not rest.startswith("!"):
            raise A1Error(text)
        return A1Range(title, parse_cells(rest[1:]))
    if "!" in text:
        title, _, cells = text.rpartition("!")
        if not title:
            raise A1Error(text)
        return A1Range(title, parse_cells(cells))
    try:
        return A1Range(None, parse_cells(text))
    except A1Error:
        return A1Range(text, None)


def quote_title(title: str) -> str:
    """Quote a title the way Google does in replies: `Sheet1` stays bare, `'D3'` and `'My tab'` do not."""
    if (
        _PLAIN_TITLE.fullmatch(title)
        and not _CELL_LIKE.fullmatch(title)
        and not _R1C1_LIKE.fullmatch(title)
    ):
        return title
    return "'" + title.replace("'", "''") + "'"


def format_cells(rect: Rect) -> str:
    """`A1`, `A1:B2`, or with open ends kept as Google names them in errors (`A1001:B`, `AA1:2`)."""
    start = f"{column_letters(rect.col0)}{rect.row0 + 1}"
    if rect.row1 == rect.row0 + 1 and rect.col1 == rect.col0 + 1:
        return start
    end_col = column_letters(rect.col1 - 1) if rect.col1 is not None else ""
    end_row = str(rect.row1) if rect.row1 is not None else ""
    return f"{start}:{end_col}{end_row}"


def format_a1(title: str, rect: Rect) -> str:
    """`'My tab'!A1:B2` — the form of every `range` field in Google's replies."""
    return f"{quote_title(title)}!{format_cells(rect)}"
