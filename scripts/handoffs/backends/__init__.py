"""Backends: the spreadsheet stores behind the seam of `handoffs.sheet.Backend`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from handoffs.errors import ConfigError, HandoffsError

if TYPE_CHECKING:
    from handoffs.config import Config
    from handoffs.sheet import Backend


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
    raise ConfigError(f"Unknown backend {config.sheet.backend!r}; use xlsx or gsheets.")


def foreign_tab(title: str) -> HandoffsError:
    """A tab named like a generated tab that the tool did not mark as generated: the team's own
    (docs/spreadsheet.md#generated-tabs). Refused before anything is written, never overwritten."""
    return ConfigError(
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
