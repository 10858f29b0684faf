"""`--output FILE` never replaces a file handoffs keeps (docs/commands.md): the workbook, its
backup, its lock, the config, the credentials key and the notes already in the notes folder are
refused (exit 2) before the command runs, whichever link, hard link or case leads to them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

COMMANDS = {
    "review-prep": ["review-prep"],  # it would also write the Review Prep tab: nothing runs
    "onboard": ["onboard", "--role", "Analyst"],
    "template": ["template", "--handoff", "RPT-02"],
}
CONFIG = """\
[sheet]
path = "handoffs.xlsx"
credentials = "keys/service-account.json"

[templates]
notes_folder = "notes"
"""


@pytest.fixture
def team(demo_workbook: Path, tmp_path: Path) -> Path:
    """The demo team with a config, a notes folder holding one filled note, a backup and a
    credentials key; returns the config."""
    (tmp_path / "handoffs.toml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "rpt-02-2026-11.md").write_text("# Handoff note: RPT-02\n", "utf-8")
    (tmp_path / "handoffs.backup.xlsx").write_bytes(demo_workbook.read_bytes())
    (tmp_path / "keys").mkdir()
    (tmp_path / "keys" / "service-account.json").write_text("{}", encoding="utf-8")
    return tmp_path / "handoffs.toml"


def contents(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


TARGETS = {
    "handoffs.xlsx": "the workbook (",
    "HANDOFFS.XLSX": "the workbook (",
    "sub/../handoffs.xlsx": "the workbook (",
    "handoffs.backup.xlsx": "the workbook's backup (",
    "Handoffs.Backup.xlsx": "the workbook's backup (",
    ".handoffs.xlsx.lock": "the spreadsheet's lock file (",
    "handoffs.toml": "the config file (",
    "keys/service-account.json": "the credentials key file (",
    "notes/rpt-02-2026-11.md": "a file of the notes folder (",
    "NOTES/RPT-02-2026-11.MD": "a file of the notes folder (",
}


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("target", TARGETS)
def test_a_file_handoffs_keeps_is_refused_as_output(
    run, team: Path, tmp_path: Path, command: str, target: str
) -> None:
    (tmp_path / "sub").mkdir()
    before = contents(tmp_path)
    result = run(*COMMANDS[command], "--output", target, expect=2)
    assert result.stdout == ""
    assert result.stderr.startswith(f"Error: Cannot write --output {target}: it is ")
    assert TARGETS[target] in result.stderr
    assert result.stderr.endswith(
        "which --output would replace. Choose a new file name, or leave out --output to print it.\n"
    )
    assert contents(tmp_path) == before


@pytest.mark.parametrize("command", COMMANDS)
def test_a_link_to_the_workbook_is_refused_as_output(
    run, team: Path, tmp_path: Path, command: str
) -> None:
    """A symbolic link, a dangling link to where the backup will be, and a hard link."""
    (tmp_path / "agenda.md").symlink_to(tmp_path / "handoffs.xlsx")
    (tmp_path / "handoffs.backup.xlsx").unlink()
    (tmp_path / "later.md").symlink_to(tmp_path / "handoffs.backup.xlsx")
    os.link(tmp_path / "handoffs.xlsx", tmp_path / "copy.md")
    before = contents(tmp_path)
    for target in ("agenda.md", "later.md", "copy.md"):
        result = run(*COMMANDS[command], "--output", target, expect=2)
        assert "which --output would replace" in result.stderr
    assert contents(tmp_path) == before


@pytest.mark.parametrize("command", COMMANDS)
def test_a_new_file_in_the_notes_folder_and_a_file_written_before_are_fine(
    run, team: Path, tmp_path: Path, command: str
) -> None:
    printed = run(*COMMANDS[command], "--no-write" if command == "review-prep" else "--").stdout
    for _ in range(2):  # writing it again replaces the file --output wrote
        run(*COMMANDS[command], "--output", "agenda/next.md")
    assert (tmp_path / "agenda/next.md").read_text(encoding="utf-8") == printed
    run(*COMMANDS[command], "--output", "notes/rpt-02-2026-12.md")
    assert (tmp_path / "notes/rpt-02-2026-12.md").read_text(encoding="utf-8") == printed
