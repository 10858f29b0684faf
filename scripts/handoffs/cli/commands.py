"""The command line: parse options, call one use case, print its result. Nothing else lives here."""

from __future__ import annotations

import datetime as dt
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from handoffs import __version__
from handoffs.cli.terminal import printable
from handoffs.config import Config, load_config
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
    from handoffs.model.periods import parse_day

    pinned = parse_day(today) if today is not None else None
    ctx.obj = Settings(config_file, pinned or dt.date.today(), pinned is not None)


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
    from handoffs.app.init import initialize

    outcome = initialize(settings.config(), settings.today, demo=demo)
    created = ", ".join(outcome.created) or "none (every tab exists)"
    click.echo(f"{outcome.location}: created tabs: {created}.")
    if outcome.filled:
        click.echo(f"Filled with the sample team: {', '.join(outcome.filled)}.")


@cli.command()
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
    from handoffs.cli.render import demo_text

    outcome = run_demo(Path.cwd(), settings.today, now=settings.now())
    for name, kept in outcome.kept:
        click.echo(f"Your edited {name} from an earlier demo is kept as {kept.name}.")
    if outcome.kept:
        click.echo("This is a fresh sample.\n")
    click.echo(demo_text(outcome), nl=False)


@cli.command()
@click.pass_obj
def validate(settings: Settings) -> Any:
    """Check every input tab and list the problems; exit 1 if any is an error.

    \b
    Example:
      handoffs validate
      handoffs --config team.toml validate
    """
    from handoffs.app.refresh import validate_sheet
    from handoffs.cli.render import problems_text

    outcome = validate_sheet(settings.config(), settings.today)
    click.echo(problems_text(outcome.dataset.report))
    return outcome


@cli.command()
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
    from handoffs.cli.render import refresh_text
    from handoffs.model.errors import LockedError

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


@cli.command()
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


@cli.command()
@click.option(
    "--month", metavar="YYYY-MM", help="Roll up this month (default: the latest with data)."
)
@click.option("--dry-run", is_flag=True, help="Read and compute everything; write nothing.")
@click.option("--strict", is_flag=True, help="Exit 1 when a team's sheet has data errors.")
@click.option("--quiet", is_flag=True, help="No progress line; print only what went wrong.")
@click.pass_obj
def rollup(settings: Settings, month: str | None, dry_run: bool, strict: bool, quiet: bool) -> Any:
    """Roll every team's handoffs up into the organisation's spreadsheet.

    Reads each active team's spreadsheet listed in the Teams tab (never writing it) and writes
    Org Summary, Team Rankings, Org Worst Handoffs and Org Stale Reviews in one write.
    Exit 5 when a team could not be read (its row says why; every other team is rolled up).

    \b
    Example:
      handoffs --config org.toml rollup
      handoffs --config org.toml rollup --month 2026-10 --dry-run
    """
    from handoffs.app.rollup import rollup as run_rollup
    from handoffs.cli.render_rollup import progress_line, rollup_text, unreachable_text

    outcome = run_rollup(
        settings.config(),
        settings.today,
        month=month,
        dry_run=dry_run,
        now=settings.now(),
        progress=(lambda *_: None) if quiet else progress_line(sys.stderr),
        strict=strict,
    )
    if not quiet:
        click.echo(printable(rollup_text(outcome)))
    if outcome.unreachable:
        click.echo(printable(f"Error: {unreachable_text(outcome)}"), err=True)
    return outcome  # exit 5 when a team could not be read; 1 with --strict and data errors


def _emit(text: str, output: str | None) -> None:
    """Print `text`, or write it to `output` (UTF-8) and say so on stderr; cell text in it
    is shown escaped either way."""
    text = printable(text)
    if output is None:
        click.echo(text, nl=False)
        return
    from handoffs.cli.output_file import write_output

    write_output(Path(output), text)
    click.echo(f"Wrote {output}.", err=True)


def output_option(what: str) -> Any:
    return click.option(
        "--output",
        type=click.Path(dir_okay=False),
        metavar="FILE",
        help=f"Write {what} to FILE instead of printing it.",
    )


@cli.command("review-prep")
@click.option(
    "--quarterly", is_flag=True, help="The quarterly handoff review instead of the monthly check."
)
@click.option(
    "--month",
    metavar="YYYY-MM",
    help="The month to prepare (default: the latest with Health data).",
)
@click.option(
    "--quarter",
    metavar="YYYY-Qn",
    help="The quarter to review (implies --quarterly; default: the latest ended quarter).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "json"]),
    default="markdown",
    show_default=True,
    help="Markdown for people, JSON for other tools (shape in the README).",
)
@output_option("the agenda")
@click.option("--no-write", is_flag=True, help="Do not write the Review Prep tab.")
@click.pass_obj
def review_prep(
    settings: Settings,
    quarterly: bool,
    month: str | None,
    quarter: str | None,
    fmt: str,
    output: str | None,
    no_write: bool,
) -> None:
    """Prepare the monthly alignment check or the quarterly handoff review.

    Prints the agenda and writes it to the Review Prep tab.

    \b
    Example:
      handoffs review-prep
      handoffs review-prep --quarterly --output q3-review.md
      handoffs review-prep --month 2026-10 --format json --no-write
    """
    from handoffs.app.meetings import review_prep as run_review_prep

    outcome = run_review_prep(
        settings.config(),
        settings.today,
        quarterly=quarterly,
        month=month,
        quarter=quarter,
        write=not no_write,
    )
    if fmt == "json":
        text = printable(json.dumps(outcome.agenda, ensure_ascii=False, indent=2), json=True) + "\n"
    else:
        from handoffs.model.document import to_markdown

        text = to_markdown(outcome.document)
    _emit(text, output)
    if outcome.written:
        click.echo(f"Review Prep tab written to {outcome.location}.", err=True)


@cli.command()
@click.option("--handoff", "handoff", required=True, metavar="ID", help="The handoff's id.")
@click.option("--what", required=True, metavar="TEXT", help="What went wrong, in one sentence.")
@click.option("--fix", metavar="TEXT", help="A suggested fix.")
@click.option("--by", metavar="NAME", help="Who is flagging (as in the Team tab).")
@click.pass_obj
def flag(settings: Settings, handoff: str, what: str, fix: str | None, by: str | None) -> None:
    """Flag a friction point at a handoff: appends one row to the Flags tab.

    Nothing else is touched; the flag comes up at the next monthly alignment check.

    \b
    Example:
      handoffs flag --handoff RPT-02 --what "Summary had no assumptions" \\
          --fix "Add an assumptions section" --by "Lena Vogel"
    """
    from handoffs.app.flag import add_flag

    outcome = add_flag(
        settings.config(), settings.now(), handoff=handoff, what=what, fix=fix, by=by
    )
    click.echo(
        f"Flagged {printable(outcome.handoff_id)} at {outcome.flagged_at:%Y-%m-%d %H:%M} in the Flags tab "
        f"of {outcome.location}; it comes up at the next monthly alignment check."
    )


@cli.command()
@click.argument("person", required=False)
@click.option("--role", metavar="ROLE", help="A role from the Handoffs tab, instead of a person.")
@output_option("the pack")
@click.pass_obj
def onboard(settings: Settings, person: str | None, role: str | None, output: str | None) -> None:
    """Print the first-week pack for a new team member (or a role) in Markdown.

    The workflow map around the role, its contracts, the handoff to shadow and a checklist.

    \b
    Example:
      handoffs onboard "Tom Becker"
      handoffs onboard --role Analyst --output analyst-pack.md
    """
    from handoffs.app.meetings import onboard as run_onboard
    from handoffs.model.document import to_markdown

    document = run_onboard(settings.config(), settings.today, person=person, role=role)
    _emit(to_markdown(document), output)


@cli.command()
@click.option("--handoff", required=True, metavar="ID", help="The handoff the note is for.")
@output_option("the template")
@click.pass_obj
def template(settings: Settings, handoff: str, output: str | None) -> None:
    """Print a handoff-note template for one handoff, with its contract's format and checks.

    \b
    Example:
      handoffs template --handoff RPT-02 --output notes/rpt-02-2026-11.md
    """
    from handoffs.app.meetings import note_template

    _emit(note_template(settings.config(), settings.today, handoff), output)


@cli.command("check")
@click.argument("note", type=click.Path(exists=True, dir_okay=False))
@click.option("--handoff", required=True, metavar="ID", help="The handoff the note is for.")
@click.pass_obj
def check_note(settings: Settings, note: str, handoff: str) -> Any:
    """Check a filled handoff note: exit 1 listing each missing or empty section.

    \b
    Example:
      handoffs check notes/rpt-02-2026-11.md --handoff RPT-02
    """
    from handoffs.app.meetings import check_note as run_check
    from handoffs.checks.notes import check_text

    outcome = run_check(settings.config(), settings.today, Path(note), handoff)
    click.echo(printable(check_text(outcome.result, outcome.handoff_id)))
    return outcome


def main() -> None:
    cli(prog_name="handoffs")
