"""The command line: parse options, call one use case of `app`, print its outcome; exit codes
are mapped in one place, `group` (docs/commands.md#exit-codes). The commands are grouped as the
README groups them: a team's spreadsheet, meetings and habits, the organisation. Modules of
`app` are imported inside the commands, so `handoffs --help` starts without pandas or gspread.

May import: every package.
"""

from handoffs.cli import habit_commands, org_commands, team_commands
from handoffs.cli.group import cli

for _command in (*team_commands.COMMANDS, *habit_commands.COMMANDS, *org_commands.COMMANDS):
    cli.add_command(_command)


def main() -> None:
    cli(prog_name="handoffs")


__all__ = ["cli", "main"]
