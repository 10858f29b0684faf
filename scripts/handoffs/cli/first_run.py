"""First-run help: after `handoffs demo`, a command run without a config in that folder is
pointed at the demo's config (docs/commands.md)."""

from __future__ import annotations

import os
from pathlib import Path

from handoffs.config import CONFIG_ENV, DEFAULT_WORKBOOK, DEMO_CONFIG, LOCAL_CONFIG


def demo_hint(command: str | None, config_file: str | None, cwd: Path | None = None) -> str:
    """ " To use the demo's …" when no config was given or found, there is no workbook of the
    default name, and `handoffs demo` left its config here; else ""."""
    folder = cwd or Path.cwd()
    if config_file or os.environ.get(CONFIG_ENV) or (folder / LOCAL_CONFIG).is_file():
        return ""
    if (folder / DEFAULT_WORKBOOK).exists() or not (folder / DEMO_CONFIG).is_file():
        return ""
    return (
        f" To use the sample team `handoffs demo` wrote here, name its config: "
        f"`handoffs --config {DEMO_CONFIG} {command or 'validate'}`."
    )
