"""Finding things by what people type: columns by header, a cell's text, close matches.

Every command that reads the spreadsheet finds columns, reads ids and suggests spellings the
same way, so the rules live here once (docs/spreadsheet.md#conventions). No pandas here:
`handoffs flag` uses this module and starts without it.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from handoffs.model.schema import Field

MAX_EXACT = 2**53  # a float holds every whole number up to here, and no further
_SHOWN_LENGTH = 80


def normalise_header(text: object) -> str:
    """Header text as matched: case, spaces, underscores and punctuation ignored."""
    return re.sub(r"[\W_]+", "", str(text)).casefold()


def columns_of(header: Sequence[object], spec: Field) -> list[int]:
    """0-based columns whose header names the field (its name, title or an alias), left to
    right: the first is the field's column, any other is a copy."""
    wanted = {normalise_header(text) for text in (spec.name, spec.title, *spec.aliases)}
    return [
        index
        for index, text in enumerate(header)
        if text is not None and str(text).strip() and normalise_header(text) in wanted
    ]


def column_of(header: Sequence[object], spec: Field) -> int | None:
    """The field's 0-based column, or None when no header names it."""
    found = columns_of(header, spec)
    return found[0] if found else None


def cell_text(value: object) -> str:
    """The text a cell holds, trimmed; '' for a blank. Booleans read TRUE/FALSE, whole numbers
    without '.0', dates as YYYY-MM-DD, date-times to the minute, times as HH:MM, durations
    as hours:minutes (as a spreadsheet shows [h]:mm)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer() and abs(value) <= MAX_EXACT:
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="minutes").removesuffix(" 00:00")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat(timespec="seconds" if value.second else "minutes")
    if isinstance(value, dt.timedelta):
        minutes, seconds = divmod(round(value.total_seconds()), 60)
        hours, minutes = divmod(minutes, 60)
        return f"{hours}:{minutes:02d}" + (f":{seconds:02d}" if seconds else "")
    return str(value).strip()


def shown(value: object) -> str:
    """A cell as a message quotes it: text as typed (spaces kept), anything else as its text,
    long text cut short."""
    text = value if isinstance(value, str) else cell_text(value)
    return text if len(text) <= _SHOWN_LENGTH else text[: _SHOWN_LENGTH - 3] + "..."


def close_matches(typed: str, choices: Iterable[str], n: int = 3) -> list[str]:
    """Up to `n` choices close to `typed`, ignoring case: choices having it as a whole word
    first (a first name), then the most similar. Of choices spelled alike ignoring case, the
    first given is the one returned."""
    spelling: dict[str, str] = {}
    for choice in choices:
        spelling.setdefault(choice.strip().casefold(), choice)
    wanted = typed.strip().casefold()
    words = [key for key in spelling if wanted and wanted in key.split()]
    similar = difflib.get_close_matches(wanted, list(spelling), n=n, cutoff=0.6)
    return [spelling[key] for key in dict.fromkeys(words + similar)][:n]


def did_you_mean(typed: str, choices: Sequence[str]) -> str:
    """' (did you mean X?)' when one of `choices` is close to `typed`, else ''. Choices are
    taken in sorted order, so which spelling is named does not depend on row order."""
    close = close_matches(typed, sorted(choices), n=1)
    return f" (did you mean {close[0]}?)" if close else ""
