"""The CLI in a child process: for a command that could hang (a hang must fail the test, not
stop the suite) or that must meet Python's own warning filters rather than pytest's. Several
commands share one child, each as `handoffs` runs it: a new process for every command would
cost about 0.4 s of imports each."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

EACH_COMMAND = """
import json, sys
from click.testing import CliRunner
from handoffs.cli import cli
answers = []
for args in json.loads(sys.argv[1]):
    result = CliRunner().invoke(cli, args, prog_name="handoffs", catch_exceptions=False)
    answers.append((result.exit_code, result.stderr))
print(json.dumps(answers))
"""


def each_in_one_child(
    *commands: Sequence[str], options: Sequence[str] = (), cwd: Path, seconds: float = 60
) -> list[tuple[int, str]]:
    """(exit code, stderr) of each command (after the global `options`), run one after another
    in one child process killed after `seconds`."""
    asked = [[*options, *command] for command in commands]
    done = subprocess.run(
        [sys.executable, "-c", EACH_COMMAND, json.dumps(asked)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=seconds,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return [(code, stderr) for code, stderr in json.loads(done.stdout)]
