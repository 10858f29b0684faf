"""The command line: parse options, call one use case of `app`, print its outcome; exit codes
are mapped in one place (docs/commands.md#exit-codes). Modules of `app` are imported inside the
commands, so `handoffs --help` starts without pandas or gspread.

May import: every package.
"""

from handoffs.cli.commands import cli, main

__all__ = ["cli", "main"]
