"""Backends: the spreadsheet stores behind the seam of `handoffs.sheet.Backend`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from handoffs.errors import ConfigError

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
