"""The commands of a team's spreadsheet: set it up (`init`, `demo`), check it (`validate`),
rewrite its figures (`refresh`) and send what is new (`notify`). Each imports the use case it
runs inside the command, so `handoffs --help` starts without pandas or gspread."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from handoffs.cli import json_documents
from handoffs.cli.group import Settings
from handoffs.cli.json_output import JSON, emit, format_option
from handoffs.cli.render import problems_text, refresh_text
from handoffs.cli.render_demo import demo_text
from handoffs.cli.render_doctor import doctor_document, doctor_text
from handoffs.cli.terminal import printable
from handoffs.model.errors import LockedError
from handoffs.model.words import counted


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
@click.option("--long", is_flag=True, help="The whole tour, with the quarterly review prep.")
@click.pass_obj
def demo(settings: Settings, long: bool) -> None:
    """Build a sample workbook here, refresh it and print a one-screen tour.

    Writes handoffs-demo.xlsx, handoffs-demo.toml and a handoffs-demo-notes folder here.

    \b
    Example:
      handoffs demo
      handoffs --today 2026-11-25 demo --long
    """
    from handoffs.app.demo import demo as run_demo

    outcome = run_demo(Path.cwd(), settings.today, now=settings.now())
    for name, kept in outcome.kept:
        click.echo(f"Your edited {name} from an earlier demo is kept as {kept.name}.")
    if outcome.kept:
        click.echo("This is a fresh sample.\n")
    click.echo(demo_text(outcome, long=long), nl=False)


@click.command()
@format_option()
@click.pass_obj
def validate(settings: Settings, fmt: str) -> Any:
    """Check every input tab and list the problems; exit 1 if any is an error.

    \b
    Example:
      handoffs validate
      handoffs --config team.toml validate --format json
    """
    from handoffs.app.load import validate_sheet

    outcome = validate_sheet(settings.config(), settings.today)
    if fmt == JSON:
        emit(json_documents.validate_document(outcome))
    else:
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
@format_option()
@click.pass_obj
def refresh(
    settings: Settings,
    month: str | None,
    quiet: bool,
    dry_run: bool,
    strict: bool,
    force: bool,
    notify: bool,
    fmt: str,
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
    if fmt == JSON:
        emit(json_documents.refresh_document(outcome, dry_run=dry_run))
        return outcome
    errors = outcome.dataset.report.errors
    if not quiet:
        click.echo(refresh_text(outcome))
    elif errors:
        click.echo(
            f"handoffs refresh: {counted(errors, 'data error')} in {outcome.location}; "
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
@format_option()
@click.pass_obj
def notify(settings: Settings, dry_run: bool, quiet: bool, fmt: str) -> Any:
    """Send what is new to the team's channels and to each person it concerns, once.

    What was sent is recorded in the Notices tab; see docs/notices.md.

    \b
    Example:
      handoffs notify --dry-run
      handoffs refresh --quiet --notify     # the cron line
    """
    from handoffs.app.refresh import notify as run_notify

    outcome = run_notify(settings.config(), settings.today, dry_run=dry_run, now=settings.now())
    if fmt == JSON:
        emit(json_documents.notify_document(outcome, dry_run=dry_run))
        return outcome
    _report_notices(outcome, dry_run=dry_run, quiet=quiet)
    return outcome  # exit 5 when a message could not be delivered


@click.command()
@format_option()
@click.pass_obj
def doctor(settings: Settings, fmt: str) -> Any:
    """Check the setup and say, for each thing wrong, the one fix to make.

    In order, stopping at nothing: the config, the workbook or the Google credentials and the
    spreadsheet's sharing, the input tabs and their headers, each notice channel (parsed, never
    sent; secrets never shown). Exit 0 when every check passes, else the exit code of the
    first failure's kind.

    \b
    Example:
      handoffs doctor
      handoffs --config team.toml doctor --format json
    """
    from handoffs.app.doctor import doctor as run_doctor

    checklist = run_doctor(settings.config_file, settings.today)
    if fmt == JSON:
        emit(doctor_document(checklist))
    else:
        click.echo(doctor_text(checklist))
    return checklist


COMMANDS = (init, demo, validate, refresh, notify, doctor)
