"""`--format json` (docs/json.md): the option every reporting command takes, the one document
it prints on stdout, and errors as JSON documents with the same exit codes.

In JSON mode stdout holds exactly one JSON document; progress and hints go to stderr.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import IO, Any

import click

from handoffs.cli.json_shapes import VERSION
from handoffs.cli.terminal import printable

JSON = "json"
ARGS_KEY = "handoffs.args"  # the command line as given, kept by the group (see json_requested)
KINDS = {1: "data", 2: "usage", 3: "backend", 4: "locked", 5: "partial"}


def _remember(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """Note JSON mode on the run's Settings as soon as the option is parsed (it is eager), so an
    error in a later option is answered in JSON too."""
    if value == JSON and ctx.obj is not None:
        ctx.obj.output = JSON
    return value


def format_option(text: str = "text", help: str | None = None) -> Any:
    """`--format text|json` (review-prep keeps its `markdown|json`)."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice([text, JSON]),
        default=text,
        show_default=True,
        is_eager=True,
        callback=_remember,
        help=help or "text for people, json for scripts (one document on stdout; docs/json.md).",
    )


def document(name: str, exit_code: int = 0, **fields: Any) -> dict[str, Any]:
    """A document's head (format, version, exit code) and its fields."""
    return {"format": f"handoffs.{name}", "version": VERSION, "exit_code": exit_code, **fields}


def dumps(doc: Any) -> str:
    """The document as printed: indented, UTF-8, every control and bidi mark in cell text
    written as a JSON escape (docs/commands.md)."""
    return printable(json.dumps(doc, ensure_ascii=False, indent=2), json=True) + "\n"


def emit(doc: Any) -> None:
    click.echo(dumps(doc), nl=False)


def json_requested(args: Sequence[str]) -> bool:
    """`--format json` on the command line, for errors raised before the option is parsed."""
    pairs = zip(args, [*args[1:], ""], strict=True)
    return any(a == "--format=json" or (a == "--format" and b == JSON) for a, b in pairs)


class JsonError(click.ClickException):
    """An error on its way out in JSON mode: printed as a `handoffs.error` document on stdout,
    with the exit code of docs/commands.md#exit-codes."""

    def __init__(self, message: str, exit_code: int, command: str | None) -> None:
        super().__init__(message)
        self.exit_code = exit_code  # type: ignore[misc]
        self.command = command

    def show(self, file: IO[Any] | None = None) -> None:
        kind = KINDS.get(self.exit_code, "usage")
        emit(
            document("error", self.exit_code, command=self.command, kind=kind, message=self.message)
        )
