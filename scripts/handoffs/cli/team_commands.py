"""The commands of a team's spreadsheet: set it up (`init`, `demo`), check it (`validate`),
rewrite its figures (`refresh`) and send what is new (`notify`). Each imports the use case it
runs inside the command, so `handoffs --help` starts without pandas or gspread."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from handoffs.cli.group import Settings
from handoffs.cli.render import demo_text, problems_text, refresh_text
from handoffs.cli.terminal import printable
from handoffs.model.errors import LockedError


def _progress(enabled: bool) -> Any:
    """A step reporter for terminals; silent under cron (stderr not a terminal) or --quiet."""
    if not enabled or not sys.stderr.isatty():
        return lambda step: None
    return lambda step: click.echo(f"… {step}", err=True)


@click.command()
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
    from handoffs.app.init import initialize

    outcome = initialize(settings.config(), settings.today, demo=demo)
    created = ", ".join(outcome.created) or "none (every tab exists)"
    click.echo(f"{outcome.location}: created tabs: {created}.")
    if outcome.filled:
        click.echo(f"Filled with the sample team: {', '.join(outcome.filled)}.")


@click.command()
@click.pass_obj
def demo(settings: Settings) -> None:
    """Build a sample workbook here, refresh it and print a tour ending with the quarterly review.

    Writes handoffs-demo.xlsx, handoffs-demo.toml and a handoffs-demo-notes folder here.

    \b
    Example:
      handoffs demo
      handoffs --today 2026-11-25 demo
    """
    from handoffs.app.demo import demo as run_demo

    outcome = run_demo(Path.cwd(), settings.today, now=settings.now())
    for name, kept in outcome.kept:
        click.echo(f"Your edited {name} from an earlier demo is kept as {kept.name}.")
    if outcome.kept:
        click.echo("This is a fresh sample.\n")
    click.echo(demo_text(outcome), nl=False)


@click.command()
@click.pass_obj
def validate(settings: Settings) -> Any:
    """Check every input tab and list the problems; exit 1 if any is an error.

    \b
    Example:
      handoffs validate
      handoffs --config team.toml validate
    """
    from handoffs.app.load import validate_sheet

    outcome = validate_sheet(settings.config(), settings.today)
    click.echo(problems_text(outcome.dataset.report))
    return outcome


@click.command()
@click.option("--month", metavar="YYYY-MM", help="Rank this month instead of the latest with data.")
@click.option("--quiet", is_flag=True, help="Print nothing unless something is wrong (for cron).")
@click.option("--dry-run", is_flag=True, help="Say what would be written; write nothing.")
@click.option(
    "--strict", is_flag=True, help="Exit 1 when the data has errors (tabs are still written)."
)
@click.option("--force", is_flag=True, help="Write the tabs even when nothing changed.")
@click.option("--notify", is_flag=True, help="Then send what is new, as `handoffs notify` does.")
@click.pass_obj
def refresh(
    settings: Settings,
    month: str | None,
    quiet: bool,
    dry_run: bool,
    strict: bool,
    force: bool,
    notify: bool,
) -> Any:
    """Validate, compute the figures and rewrite the generated tabs in one write, when they
    would change (a run that would change nothing writes nothing).

    \b
    Example:
      handoffs refresh
      handoffs refresh --month 2026-10 --dry-run
      */30 * * * * cd /srv/team && handoffs refresh --quiet --notify
    """
    from handoffs.app.refresh import refresh as run_refresh

    try:
        outcome = run_refresh(
            settings.config(),
            settings.today,
            month=month,
            dry_run=dry_run,
            force=force,
            strict=strict,
            now=settings.now(),
            progress=_progress(not quiet),
            notify=notify,
        )
    except LockedError as error:
        error.silent = quiet  # an overlapping cron run is normal: exit 4 tells it, quietly
        raise
    errors = outcome.dataset.report.errors
    if not quiet:
        click.echo(refresh_text(outcome))
    elif errors:
        click.echo(
            f"handoffs refresh: {errors} data errors in {outcome.location}; "
            "see the Problems tab or run `handoffs validate`.",
            err=True,
        )
    if outcome.notices is not None:
        _report_notices(outcome.notices, dry_run=dry_run, quiet=quiet)
    return outcome


def _report_notices(outcome: Any, *, dry_run: bool, quiet: bool) -> None:
    """Print the dry run's messages or what was sent, and what could not be delivered."""
    from handoffs.app.notify import dry_run_text, sent_text

    if dry_run:
        click.echo(printable(dry_run_text(outcome)), nl=False)
    elif not quiet:
        click.echo(sent_text(outcome))
    error = outcome.error()
    if error is not None:
        click.echo(f"Error: {error}", err=True)


@click.command()
@click.option("--dry-run", is_flag=True, help="Print the messages that would go out; send nothing.")
@click.option("--quiet", is_flag=True, help="Print nothing unless something is wrong (for cron).")
@click.pass_obj
def notify(settings: Settings, dry_run: bool, quiet: bool) -> Any:
    """Send what is new to the team's channels and to each person it concerns, once.

    What was sent is recorded in the Notices tab; see docs/notices.md.

    \b
    Example:
      handoffs notify --dry-run
      handoffs refresh --quiet --notify     # the cron line
    """
    from handoffs.app.refresh import notify as run_notify

    outcome = run_notify(settings.config(), settings.today, dry_run=dry_run, now=settings.now())
    _report_notices(outcome, dry_run=dry_run, quiet=quiet)
    return outcome  # exit 5 when a message could not be delivered


COMMANDS = (init, demo, validate, refresh, notify)
