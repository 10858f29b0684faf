"""The command line: parse options, call one use case, print its result. Nothing else lives here."""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from handoffs import __version__
from handoffs.config import Config, load_config
from handoffs.errors import HandoffsError

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class CommandError(click.ClickException):
    """A HandoffsError on its way out, with the exit code DESIGN §4 gives it."""

    def __init__(self, error: HandoffsError) -> None:
        super().__init__(str(error))
        self.exit_code = error.exit_code


class HandoffsGroup(click.Group):
    """Maps the project's one exception tree to exit codes, in one place."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except HandoffsError as error:
            raise CommandError(error) from error


@dataclass
class Settings:
    config_file: str | None
    today: dt.date

    def config(self) -> Config:
        return load_config(self.config_file)


def _progress(enabled: bool) -> Any:
    """A step reporter for terminals; silent under cron (stderr not a terminal) or --quiet."""
    if not enabled or not sys.stderr.isatty():
        return lambda step: None
    return lambda step: click.echo(f"… {step}", err=True)


@click.group(cls=HandoffsGroup, context_settings=CONTEXT)
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False),
    help="Config file (default: $HANDOFFS_CONFIG, then ./handoffs.toml, else ./handoffs.xlsx).",
)
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Pin the date every rule uses, as YYYY-MM-DD (back-fills, tests).",
)
@click.version_option(__version__, "--version", prog_name="handoffs")
@click.pass_context
def cli(ctx: click.Context, config_file: str | None, today: dt.datetime | None) -> None:
    """Keep the team's handoff spreadsheet honest: validate, rank, flag stale reviews.

    \b
    Example:
      handoffs demo                 # the one-command tour, no account needed
      handoffs --config team.toml refresh --quiet
    """
    ctx.obj = Settings(config_file, today.date() if today else dt.date.today())


@cli.command()
@click.option(
    "--demo", is_flag=True, help="Fill an empty spreadsheet with a realistic sample team."
)
@click.pass_obj
def init(settings: Settings, demo: bool) -> None:
    """Create the missing tabs with headers, frozen header row and dropdowns.

    Existing tabs and rows are never touched.

    \b
    Example:
      handoffs init
      handoffs init --demo
    """
    from handoffs.service import initialize

    outcome = initialize(settings.config(), settings.today, demo=demo)
    created = ", ".join(outcome.created) or "none (every tab exists)"
    click.echo(f"{outcome.location}: created tabs: {created}.")
    if outcome.filled:
        click.echo(f"Filled with the sample team: {', '.join(outcome.filled)}.")


@cli.command()
@click.pass_obj
def demo(settings: Settings) -> None:
    """Build a sample workbook here, refresh it and print a short tour.

    \b
    Example:
      handoffs demo
      handoffs --today 2026-11-25 demo
    """
    from handoffs.render import demo_text
    from handoffs.service import demo as run_demo

    outcome = run_demo(Path.cwd(), settings.today)
    click.echo(demo_text(outcome))


@cli.command()
@click.pass_obj
def validate(settings: Settings) -> None:
    """Check every input tab and list the problems; exit 1 if any is an error.

    \b
    Example:
      handoffs validate
      handoffs --config team.toml validate
    """
    from handoffs.render import problems_text
    from handoffs.service import check

    dataset = check(settings.config(), settings.today)
    click.echo(problems_text(dataset.report))
    if dataset.report.errors:
        sys.exit(1)


@cli.command()
@click.option("--month", metavar="YYYY-MM", help="Rank this month instead of the latest with data.")
@click.option("--quiet", is_flag=True, help="Print nothing unless something is wrong (for cron).")
@click.option("--dry-run", is_flag=True, help="Say what would be written; write nothing.")
@click.option(
    "--strict", is_flag=True, help="Exit 1 when the data has errors (tabs are still written)."
)
@click.pass_obj
def refresh(
    settings: Settings, month: str | None, quiet: bool, dry_run: bool, strict: bool
) -> None:
    """Validate, compute the figures and rewrite the generated tabs in one write.

    \b
    Example:
      handoffs refresh
      handoffs refresh --month 2026-10 --dry-run
      */30 * * * * cd /srv/team && handoffs refresh --quiet
    """
    from handoffs.render import refresh_text
    from handoffs.service import refresh as run_refresh

    outcome = run_refresh(
        settings.config(),
        settings.today,
        month=month,
        dry_run=dry_run,
        progress=_progress(not quiet),
    )
    errors = outcome.dataset.report.errors
    if not quiet:
        click.echo(refresh_text(outcome))
    elif errors:
        click.echo(
            f"handoffs refresh: {errors} data errors in {outcome.location}; "
            "see the Problems tab or run `handoffs validate`.",
            err=True,
        )
    if strict and errors:
        sys.exit(1)


def main() -> None:
    cli(prog_name="handoffs")
