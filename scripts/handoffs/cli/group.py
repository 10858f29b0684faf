"""The `handoffs` group: the options every command shares (--config, --today), the Settings a
command receives, and the one place exit codes are mapped (docs/commands.md#exit-codes).

The commands themselves live in `team_commands`, `habit_commands` and `org_commands`; the
package adds them to this group.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import click

from handoffs import __version__
from handoffs.cli.terminal import printable
from handoffs.config import Config, load_config
from handoffs.model.command_dates import parse_day
from handoffs.model.errors import HandoffsError

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class CommandError(click.ClickException):
    """A HandoffsError on its way out, with the exit code docs/commands.md#exit-codes gives it."""

    def __init__(self, error: HandoffsError) -> None:
        super().__init__(printable(str(error)))  # messages can quote cells
        self.exit_code = error.exit_code  # type: ignore[misc]


class HandoffsGroup(click.Group):
    """Exit codes (docs/commands.md#exit-codes), in one place: the project's one exception tree,
    and the `exit_code` of the outcome a command returns (data errors, an incomplete note)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            outcome = super().invoke(ctx)
        except HandoffsError as error:
            if not error.silent:
                raise CommandError(error) from error
            outcome = error  # exit with its code, saying nothing
        code = getattr(outcome, "exit_code", 0)
        if code:
            ctx.exit(code)
        return outcome


@dataclass
class Settings:
    config_file: str | None
    today: dt.date
    pinned: bool = False  # --today given: stamps use that date

    def config(self) -> Config:
        return load_config(self.config_file)

    def now(self) -> dt.datetime:
        """The current time, on the pinned date when --today is given."""
        now = dt.datetime.now().replace(microsecond=0)
        return dt.datetime.combine(self.today, now.time()) if self.pinned else now


@click.group(cls=HandoffsGroup, context_settings=CONTEXT)
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False),
    help="Config file (default: $HANDOFFS_CONFIG, then ./handoffs.toml, else ./handoffs.xlsx).",
)
@click.option(
    "--today",
    metavar="YYYY-MM-DD",
    help="Pin the date every rule uses, as YYYY-MM-DD (back-fills, tests).",
)
@click.version_option(__version__, "--version", prog_name="handoffs")
@click.pass_context
def cli(ctx: click.Context, config_file: str | None, today: str | None) -> None:
    """Keep the team's handoff spreadsheet honest: validate, rank, flag stale reviews.

    \b
    Example:
      handoffs demo                 # the one-command tour, no account needed
      handoffs --config team.toml refresh --quiet
    """
    pinned = parse_day(today) if today is not None else None
    ctx.obj = Settings(config_file, pinned or dt.date.today(), pinned is not None)
