"""Inputs that used to hang, crash or swamp a run (docs/configuration.md, docs/spreadsheet.md):
a workbook path or note that is not a regular file, a notes folder at the root of the file
system, and a tab with so many copies of one problem that listing each one would bury the rest.
Whatever could hang runs in a child process with a time limit, so a regression fails instead
of stopping the suite."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.conftest import TODAY
from tests.support.builders import handoff, health, workbook


def handoffs(*args: str, cwd: Path, seconds: float = 60) -> subprocess.CompletedProcess[str]:
    """The CLI in a child process, killed after `seconds` (a hang is a failure, not a wait)."""
    return subprocess.run(
        [sys.executable, "-m", "handoffs", "--today", TODAY.isoformat(), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=seconds,
        check=False,
    )


@pytest.mark.parametrize("config", ['[sheet]\npath = "pipe.xlsx"\n', None], ids=["path", "default"])
def test_a_workbook_path_that_is_a_fifo_is_refused_without_opening_it(
    tmp_path: Path, config: str | None
) -> None:
    if config is None:
        os.mkfifo(tmp_path / "handoffs.xlsx")  # ./handoffs.xlsx, used without a config
        expected = (
            f"Error: {tmp_path / 'handoffs.xlsx'} is a named pipe (FIFO), not a workbook file; "
            "handoffs reads and writes only a regular .xlsx file. Remove it, or run in another "
            "folder.\n"
        )
    else:
        os.mkfifo(tmp_path / "pipe.xlsx")
        (tmp_path / "handoffs.toml").write_text(config, encoding="utf-8")
        expected = (
            f'Error: {tmp_path / "handoffs.toml"}: [sheet] path = "pipe.xlsx" is a named pipe '
            '(FIFO), not a workbook file; name a regular .xlsx file, e.g. "handoffs.xlsx".\n'
        )
    for command in (["validate"], ["refresh"], ["flag", "--handoff", "A-1", "--what", "x"]):
        result = handoffs(*command, cwd=tmp_path, seconds=30)
        assert (result.returncode, result.stderr) == (2, expected)


def test_a_workbook_path_that_is_a_device_is_refused(tmp_path: Path) -> None:
    (tmp_path / "handoffs.toml").write_text('[sheet]\npath = "/dev/zero"\n', encoding="utf-8")
    result = handoffs("validate", cwd=tmp_path, seconds=30)
    assert (result.returncode, result.stderr) == (
        2,
        f'Error: {tmp_path / "handoffs.toml"}: [sheet] path = "/dev/zero" is a device, not a '
        'workbook file; name a regular .xlsx file, e.g. "handoffs.xlsx".\n',
    )


READ_PIPE = """
import sys
from handoffs.backends.xlsx import XlsxBackend
from handoffs.model.errors import BackendError
try:
    XlsxBackend(sys.argv[1]).read(["Handoffs"])
except BackendError as error:
    print(error)
"""


def test_a_workbook_that_becomes_a_fifo_after_the_config_is_read_is_exit_3(tmp_path: Path) -> None:
    """The backend checks again before it opens the file (a roll-up's team paths come this way)."""
    os.mkfifo(tmp_path / "pipe.xlsx")
    done = subprocess.run(
        [sys.executable, "-c", READ_PIPE, str(tmp_path / "pipe.xlsx")],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    assert done.stdout == (
        f"{tmp_path / 'pipe.xlsx'} is a named pipe (FIFO), not a workbook file. "
        "Nothing was written.\n"
    )


def test_a_note_that_is_a_fifo_is_refused_and_notes_folders_skip_them(
    demo_workbook: Path, tmp_path: Path
) -> None:
    (tmp_path / "handoff-notes").mkdir()
    os.mkfifo(tmp_path / "handoff-notes" / "stuck.md")
    result = handoffs("check", "handoff-notes/stuck.md", "--handoff", "RPT-02", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (
        2,
        "Error: Cannot read the note handoff-notes/stuck.md: it is a named pipe (FIFO), "
        "not a file.\n",
    )
    result = handoffs("review-prep", "--quarterly", "--no-write", cwd=tmp_path)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("folder", ["/", "../../../../../../../.."])
def test_a_notes_folder_at_the_root_of_the_file_system_is_a_usage_error(
    run, demo_workbook: Path, tmp_path: Path, folder: str
) -> None:
    config = tmp_path / "handoffs.toml"
    config.write_text(f'[templates]\nnotes_folder = "{folder}"\n', encoding="utf-8")
    for command in (["review-prep", "--quarterly", "--no-write"], ["refresh"], ["validate"]):
        result = run(*command, expect=2)
        assert result.stderr == (
            f'Error: {config}: [templates] notes_folder = "{folder}" is the root of the file '
            "system (/), which handoffs would search whole; name the folder that holds the "
            'team\'s handoff notes, e.g. "handoff-notes".\n'
        )


def test_a_notes_folder_that_is_a_file_is_a_usage_error(
    run, demo_workbook: Path, tmp_path: Path
) -> None:
    (tmp_path / "notes.md").write_text("# notes\n", encoding="utf-8")
    config = tmp_path / "handoffs.toml"
    config.write_text('[templates]\nnotes_folder = "notes.md"\n', encoding="utf-8")
    assert run("validate", expect=2).stderr == (
        f'Error: {config}: [templates] notes_folder = "notes.md" is a regular file, not a '
        'folder; name the folder that holds the team\'s handoff notes, e.g. "handoff-notes".\n'
    )


COPIES = 3_000  # rows of one Health row copied: each is a duplicate-key error


@pytest.fixture
def swamped(tmp_path: Path) -> Path:
    """A team whose Health tab holds COPIES copies of one row and 150 bad numbers."""
    rows = [health("2026-10", "A-1", 2.0)] * COPIES
    months = [f"{2026 - i // 12}-{12 - i % 12:02d}" for i in range(3, 153)]  # 2026-09 back
    rows += [health(month, "A-1", rework_requests="many") for month in months]
    return workbook(tmp_path / "handoffs.xlsx", handoffs=[handoff("A-1")], health=rows)


def label(link: str | None) -> str | None:
    """The text a HYPERLINK formula of the Problems tab shows."""
    return link.rsplit(',"', 1)[-1].removesuffix('")') if link else link


DUPLICATE = (
    "The same Month and Handoff ID appear more than once (rows 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 "
    f"and {COPIES - 10:,} more); none of the copies is counted, keep one row and delete the others."
)


def test_the_problems_tab_lists_100_cells_per_problem_and_counts_the_rest(
    run, swamped: Path
) -> None:
    assert "3150 errors, 0 warnings" in run("refresh").stdout
    book = load_workbook(swamped, read_only=True)
    problems = list(book["Problems"].iter_rows(values_only=True))
    book.close()
    rows = [(*row[:2], label(row[2]), *row[3:6]) for row in problems[1:]]
    assert len(rows) == 100 + 100 + 2  # per problem: 100 cells listed, then one row for the rest
    assert rows[0] == ("error", "Health", "Health!B2", "Handoff ID", "A-1", DUPLICATE)
    assert [row[2] for row in rows[:200]] == [f"Health!B{r}" for r in range(2, 102)] + [
        f"Health!C{r}" for r in range(3002, 3102)
    ]
    assert rows[200:] == [
        ("error", "Health", None, "Handoff ID", None,
         f"{COPIES - 100:,} more like B101: only the first 100 cells with each problem are "
         "listed; fix these and run again to see the rest."),
        ("error", "Health", None, "Rework requests", None,
         "50 more like C3101: only the first 100 cells with each problem are listed; fix these "
         "and run again to see the rest."),
    ]  # fmt: skip


def test_validate_lists_100_cells_per_problem_and_counts_every_one(run, swamped: Path) -> None:
    lines = run("validate", expect=1).stdout.splitlines()
    assert lines[0] == "Health: 3150 errors, 0 warnings"
    assert lines[1] == f"  error   B2     Handoff ID [A-1]: {DUPLICATE}"
    assert lines[201:] == [
        f"  error   …      Handoff ID: {COPIES - 100:,} more like B101: only the first 100 cells "
        "with each problem are listed; fix these and run again to see the rest.",
        "  error   …      Rework requests: 50 more like C3101: only the first 100 cells with "
        "each problem are listed; fix these and run again to see the rest.",
        "",
        "3150 errors, 0 warnings.",
    ]
