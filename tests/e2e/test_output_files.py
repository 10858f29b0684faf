"""`--output FILE` of review-prep, onboard and template (docs/commands.md): missing folders are
created, and a path that cannot be written is a usage error (exit 2) naming it."""

from __future__ import annotations

from pathlib import Path

import pytest

COMMANDS = {
    "review-prep": ["review-prep", "--no-write"],
    "onboard": ["onboard", "--role", "Analyst"],
    "template": ["template", "--handoff", "RPT-02"],
}


@pytest.mark.parametrize("command", COMMANDS)
def test_missing_folders_of_the_output_path_are_created(
    run, demo_workbook: Path, tmp_path: Path, command: str
) -> None:
    printed = run(*COMMANDS[command]).stdout
    result = run(*COMMANDS[command], "--output", "handoff-notes/2026/rpt-02.md")
    assert (result.stdout, result.stderr) == ("", "Wrote handoff-notes/2026/rpt-02.md.\n")
    assert (tmp_path / "handoff-notes/2026/rpt-02.md").read_text(encoding="utf-8") == printed


@pytest.mark.parametrize("command", COMMANDS)
def test_an_output_path_that_cannot_be_written_exits_2_naming_it(
    run, demo_workbook: Path, tmp_path: Path, command: str
) -> None:
    (tmp_path / "notes.md").write_text("a file, not a folder\n", encoding="utf-8")
    result = run(*COMMANDS[command], "--output", "notes.md/rpt-02.md", expect=2)
    assert result.stdout == ""
    assert result.stderr == (
        "Error: Cannot write --output notes.md/rpt-02.md: notes.md is a file, not a folder. "
        "Choose a file in a folder you can write to, or leave out --output to print it.\n"
    )
    assert (tmp_path / "notes.md").read_text(encoding="utf-8") == "a file, not a folder\n"
