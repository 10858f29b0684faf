"""The commands of the team's meetings and habits (README, "Meetings and habits"): the agenda of
the monthly alignment check and the quarterly review (`review-prep`), friction flags (`flag`),
first-week packs (`onboard`), handoff notes (`template`, `check`). Each imports the use case it
runs inside the command, so `handoffs --help` and `flag` start without pandas."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from handoffs.cli import json_documents
from handoffs.cli.group import Settings
from handoffs.cli.json_output import JSON, dumps, emit, format_option
from handoffs.cli.output_file import refuse_kept_file, write_output
from handoffs.cli.terminal import printable
from handoffs.model.document import to_markdown


def _emit(text: str, output: str | None, settings: Settings) -> None:
    """Print `text`, or write it to `output` (UTF-8) and say so on stderr; cell text in it
    is shown escaped either way."""
    text = printable(text)
    if output is None:
        click.echo(text, nl=False)
        return
    write_output(Path(output), text, *_kept(settings))
    click.echo(f"Wrote {output}.", err=True)


def _kept(settings: Settings) -> Any:
    """The files and folders `--output` must not replace (refused before the command runs)."""
    from handoffs.app.meetings import kept_files

    return kept_files(settings.config())


def _refuse_kept_output(settings: Settings, output: str | None) -> None:
    if output is not None:
        refuse_kept_file(Path(output), *_kept(settings))


def output_option(what: str) -> Any:
    return click.option(
        "--output",
        type=click.Path(dir_okay=False),
        metavar="FILE",
        help=f"Write {what} to FILE instead of printing it.",
    )


@click.command("review-prep")
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
@format_option("markdown", "Markdown for people, JSON for other tools (shape in the README).")
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

    _refuse_kept_output(settings, output)
    outcome = run_review_prep(
        settings.config(),
        settings.today,
        quarterly=quarterly,
        month=month,
        quarter=quarter,
        write=not no_write,
    )
    text = dumps(outcome.agenda) if fmt == JSON else to_markdown(outcome.document)
    _emit(text, output, settings)
    if outcome.written:
        click.echo(f"Review Prep tab written to {outcome.location}.", err=True)


@click.command()
@click.option("--handoff", "handoff", required=True, metavar="ID", help="The handoff's id.")
@click.option("--what", required=True, metavar="TEXT", help="What went wrong, in one sentence.")
@click.option("--fix", metavar="TEXT", help="A suggested fix.")
@click.option("--by", metavar="NAME", help="Who is flagging (as in the Team tab).")
@format_option()
@click.pass_obj
def flag(
    settings: Settings, handoff: str, what: str, fix: str | None, by: str | None, fmt: str
) -> None:
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
    if fmt == JSON:
        emit(json_documents.flag_document(outcome))
        return
    click.echo(
        f"Flagged {printable(outcome.handoff_id)} at {outcome.flagged_at:%Y-%m-%d %H:%M} in the Flags tab "
        f"of {outcome.location}; it comes up at the next monthly alignment check."
    )


@click.command()
@click.argument("person", required=False)
@click.option("--role", metavar="ROLE", help="A role from the Handoffs tab, instead of a person.")
@output_option("the pack")
@format_option()
@click.pass_obj
def onboard(
    settings: Settings, person: str | None, role: str | None, output: str | None, fmt: str
) -> None:
    """Print the first-week pack for a new team member (or a role) in Markdown.

    The workflow map around the role, its contracts, the handoff to shadow and a checklist.

    \b
    Example:
      handoffs onboard "Tom Becker"
      handoffs onboard --role Analyst --output analyst-pack.md
    """
    from handoffs.app.meetings import onboard as run_onboard

    _refuse_kept_output(settings, output)
    document = run_onboard(settings.config(), settings.today, person=person, role=role)
    markdown = to_markdown(document)
    if fmt == JSON:
        doc = json_documents.onboard_document(markdown, person=person, role=role)
        _emit(dumps(doc), output, settings)
    else:
        _emit(markdown, output, settings)


@click.command()
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

    _refuse_kept_output(settings, output)
    _emit(note_template(settings.config(), settings.today, handoff), output, settings)


@click.command("check")
@click.argument("note", type=click.Path(exists=True, dir_okay=False))
@click.option("--handoff", required=True, metavar="ID", help="The handoff the note is for.")
@format_option()
@click.pass_obj
def check_note(settings: Settings, note: str, handoff: str, fmt: str) -> Any:
    """Check a filled handoff note: exit 1 listing each missing or empty section.

    \b
    Example:
      handoffs check notes/rpt-02-2026-11.md --handoff RPT-02
    """
    from handoffs.app.meetings import check_note as run_check
    from handoffs.checks.notes import check_text, hint  # with the schemas: 60 ms `--help` saves

    outcome = run_check(settings.config(), settings.today, Path(note), handoff)
    if fmt == JSON:
        emit(json_documents.check_document(outcome, Path(note), hint))
        return outcome
    click.echo(printable(check_text(outcome.result, outcome.handoff_id)))
    return outcome


COMMANDS = (review_prep, flag, onboard, template, check_note)
