"""The `handoffs` group: the options every command shares (--config, --today), the Settings a
command receives, and the one place exit codes are mapped (docs/commands.md#exit-codes); with
`--format json` an error leaves as a JSON document with the same code (docs/json.md).

The commands themselves live in `team_commands`, `habit_commands` and `org_commands`; the
package adds them to this group.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import click

from handoffs import __version__
from handoffs.cli.first_run import demo_hint
from handoffs.cli.json_output import ARGS_KEY, JSON, JsonError, json_requested
from handoffs.cli.terminal import printable
from handoffs.config import Config, load_config
from handoffs.model.command_dates import parse_day
from handoffs.model.errors import HandoffsError, UsageError

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class CommandError(click.ClickException):
    """A HandoffsError on its way out, with the exit code docs/commands.md#exit-codes gives it."""

    def __init__(self, error: HandoffsError, message: str | None = None) -> None:
        super().__init__(printable(message or str(error)))  # messages can quote cells
        self.exit_code = error.exit_code  # type: ignore[misc]


class HandoffsGroup(click.Group):
    """Exit codes (docs/commands.md#exit-codes), in one place: the project's one exception tree,
    and the `exit_code` of the outcome a command returns (data errors, an incomplete note)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        ctx.meta[ARGS_KEY] = list(args)  # for errors before --format is parsed
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            outcome = super().invoke(ctx)
        except HandoffsError as error:
            message = str(error)
            if isinstance(error, UsageError) and isinstance(ctx.obj, Settings):
                message += demo_hint(ctx.invoked_subcommand, ctx.obj.config_file)
            if _json_mode(ctx):  # docs/json.md: the error as a document, even a silent one
                raise JsonError(message, error.exit_code, ctx.invoked_subcommand) from error
            if not error.silent:
                raise CommandError(error, message) from error
            outcome = error  # exit with its code, saying nothing
        except click.ClickException as error:
            if _json_mode(ctx) and not isinstance(error, JsonError):
                message = printable(error.format_message())
                raise JsonError(message, error.exit_code, ctx.invoked_subcommand) from error
            raise
        code = getattr(outcome, "exit_code", 0)
        if code:
            ctx.exit(code)
        return outcome


def _json_mode(ctx: click.Context) -> bool:
    """`--format json` was asked for (docs/json.md)."""
    settings = ctx.obj
    if isinstance(settings, Settings) and settings.output == JSON:
        return True
    return json_requested(ctx.meta.get(ARGS_KEY, ()))


@dataclass
class Settings:
    config_file: str | None
    today: dt.date
    pinned: bool = False  # --today given: stamps use that date
    output: str = "text"  # "json" with --format json (docs/json.md)

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
