"""The outside world: spreadsheet stores behind the seam of `model.spreadsheet.Backend` (the
local workbook, Google Sheets), the run lock, team sheets read for a roll-up with their pacer,
and the channels notices are delivered through (Apprise).

May import: `model`, `config`, `errors`, and the I/O libraries. A backend module is imported
only when `open_backend` picks it, so a command pays for the store it uses.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from handoffs.model.errors import HandoffsError, UsageError

if TYPE_CHECKING:
    from handoffs.backends.google_http import Connection
    from handoffs.backends.pacer import Pacer
    from handoffs.backends.team_sheets import GoogleTeamReader
    from handoffs.config import Config
    from handoffs.model.spreadsheet import Backend


def open_backend(config: Config, *, read_only: bool = False) -> Backend:
    """The backend the configuration names; constructing it does no I/O.

    `read_only` lets a backend ask for the narrowest access (validate needs no write scope).
    """
    if config.sheet.backend == "xlsx":
        from handoffs.backends.xlsx import XlsxBackend

        return XlsxBackend(config.sheet.path)
    if config.sheet.backend == "gsheets":
        from handoffs.backends.gsheets import GoogleSheetsBackend

        return GoogleSheetsBackend.from_config(config.sheet, read_only=read_only)
    raise UsageError(f"Unknown backend {config.sheet.backend!r}; use xlsx or gsheets.")


def open_team_reader(
    config: Config, pacer: Pacer, connector: Callable[[], Connection] | None = None
) -> GoogleTeamReader:
    """The reader of a roll-up's team sheets on Google, read-only and paced (default: the
    `[sheet]` credentials); the Google libraries are loaded only when a team is on Google."""
    from handoffs.backends.google_http import connect
    from handoffs.backends.team_sheets import GoogleTeamReader

    connect_read_only = connector or partial(connect, config.sheet, read_only=True)
    return GoogleTeamReader(connect_read_only, pacer, config.sheet.credentials)


def foreign_tab(title: str) -> HandoffsError:
    """A tab named like a generated tab that the tool did not mark as generated: the team's own
    (docs/spreadsheet.md#generated-tabs). Refused before anything is written, never overwritten."""
    return UsageError(
        f"The spreadsheet has its own tab named {title!r}, which handoffs did not write (it "
        f"lacks the generated-tab mark), so it was left alone. Rename that tab, e.g. to "
        f"'{title} (team)', and run again: handoffs then adds its own {title} tab. "
        "Nothing was written."
    )


def holds_only(rows: Iterable[Sequence[Any]], header: Sequence[str]) -> bool:
    """Nothing in the tab but, at most, this header in row 1: what an older `init` left in a
    generated tab before it marked them, safe to rewrite."""
    filled = [[v for v in row if v not in (None, "")] for row in rows]
    first, rest = (filled[0], filled[1:]) if filled else ([], [])
    return not any(rest) and first in ([], list(header))
