"""The command of an organisation's spreadsheet (docs/rollup.md): `rollup`. It imports the use
case inside the command, so `handoffs --help` starts without pandas or gspread, and starts the
workers' fork server first; the org's `init` is the team command's, on an organisation config."""

from __future__ import annotations

import sys
from typing import Any

import click

from handoffs.cli import json_documents
from handoffs.cli.group import Settings
from handoffs.cli.json_output import JSON, emit, format_option
from handoffs.cli.render_rollup import progress_line, rollup_text, unreachable_text
from handoffs.cli.terminal import printable


@click.command()
@click.option(
    "--month", metavar="YYYY-MM", help="Roll up this month (default: the latest with data)."
)
@click.option("--dry-run", is_flag=True, help="Read and compute everything; write nothing.")
@click.option(
    "--strict",
    is_flag=True,
    help="Exit 1 when a team's sheet has data errors (5 all the same when a team was unreadable).",
)
@click.option("--quiet", is_flag=True, help="No progress line; print only what went wrong.")
@format_option()
@click.pass_obj
def rollup(
    settings: Settings, month: str | None, dry_run: bool, strict: bool, quiet: bool, fmt: str
) -> Any:
    """Roll every team's handoffs up into the organisation's spreadsheet.

    Reads each active team's spreadsheet listed in the Teams tab (never writing it) and writes
    Org Summary, Team Rankings, Org Worst Handoffs and Org Stale Reviews in one write.
    Exit 5 when a team could not be read (its row says why; every other team is rolled up).

    \b
    Example:
      handoffs --config org.toml rollup
      handoffs --config org.toml rollup --month 2026-10 --dry-run
    """
    from handoffs.backends.worker_server import start_worker_server

    start_worker_server()  # the workers' imports then overlap the use case's, on another core
    from handoffs.app.rollup import rollup as run_rollup

    outcome = run_rollup(
        settings.config(),
        settings.today,
        month=month,
        dry_run=dry_run,
        now=settings.now(),
        progress=(lambda *_: None) if quiet else progress_line(sys.stderr),
        strict=strict,
    )
    if fmt == JSON:
        emit(json_documents.rollup_document(outcome))
        return outcome
    if not quiet:
        click.echo(printable(rollup_text(outcome)))
    if outcome.unreachable:
        click.echo(printable(f"Error: {unreachable_text(outcome)}"), err=True)
    return outcome  # exit 5 when a team could not be read, with --strict too; else 1 on errors


COMMANDS = (rollup,)
