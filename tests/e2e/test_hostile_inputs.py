"""Inputs that used to hang, crash or swamp a run (docs/configuration.md, docs/spreadsheet.md):
a workbook path or note that is not a regular file, a notes folder at the root of the file
system, and a tab with so many copies of one problem that listing each one would bury the rest.
Whatever could hang runs in a child process with a time limit, so a regression fails instead
of stopping the suite."""

from __future__ import annotations

import os
import re
import struct
import subprocess
import sys
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.conftest import TODAY
from tests.support.builders import handoff, health, workbook
from tests.support.cli_child import each_in_one_child


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


def handoffs_each(*commands: list[str], cwd: Path, seconds: float = 60) -> list[tuple[int, str]]:
    """(exit code, stderr) of each command, one after another in one child process killed after
    `seconds`: as safe from a hang as `handoffs`, with one start-up for them all."""
    return each_in_one_child(
        *commands, options=["--today", TODAY.isoformat()], cwd=cwd, seconds=seconds
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
    commands = (["validate"], ["refresh"], ["flag", "--handoff", "A-1", "--what", "x"])
    assert handoffs_each(*commands, cwd=tmp_path, seconds=30) == [(2, expected)] * 3


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
    check, review_prep = handoffs_each(
        ["check", "handoff-notes/stuck.md", "--handoff", "RPT-02"],
        ["review-prep", "--quarterly", "--no-write"],
        cwd=tmp_path,
    )
    assert check == (
        2,
        "Error: Cannot read the note handoff-notes/stuck.md: it is a named pipe (FIFO), "
        "not a file.\n",
    )
    code, stderr = review_prep
    assert code == 0, stderr


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


# -- a stray cell or a zip bomb (docs/spreadsheet.md#limits) -------------------------------------

HEALTH_PART = "xl/worksheets/sheet3.xml"  # the Health tab of the demo workbook
READING_COMMANDS = (
    ["validate"],
    ["refresh"],
    ["review-prep", "--no-write"],
    ["onboard", "--role", "Analyst"],
    ["template", "--handoff", "RPT-02"],
)


def rewrite_health(
    workbook: Path, change: Callable[[bytes], bytes | Iterator[bytes]], level: int | None = None
) -> None:
    """The workbook with its Health tab's XML replaced by `change(xml)` (bytes, or chunks
    streamed into the archive so that a huge part never sits in memory), packed at deflate's
    `level` (1 is the fastest; None, zipfile's default)."""
    original = workbook.with_suffix(".orig")
    workbook.rename(original)
    with (
        zipfile.ZipFile(original) as source,
        zipfile.ZipFile(workbook, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as target,
    ):
        for info in source.infolist():
            data = source.read(info)
            if info.filename != HEALTH_PART:
                target.writestr(info, data, zipfile.ZIP_DEFLATED)
                continue
            with target.open(HEALTH_PART, "w", force_zip64=True) as stream:  # at `level`
                changed = change(data)
                for chunk in [changed] if isinstance(changed, bytes) else changed:
                    stream.write(chunk)
    original.unlink()


def before_end(extra: bytes) -> Callable[[bytes], bytes]:
    return lambda xml: xml.replace(b"</sheetData>", extra + b"</sheetData>")


FAR_CELLS = {
    "XFD1048576": b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>',
    "ZZ100000": b'<row r="100000"><c r="ZZ100000"><v>1</v></c></row>',
    "A30000000": b'<row r="30000000"><c r="A30000000"><v>1</v></c></row>',
}


@pytest.mark.parametrize("cell", FAR_CELLS)
def test_a_value_far_outside_the_data_is_exit_3_naming_the_tab_and_cell(
    demo_workbook: Path, tmp_path: Path, cell: str
) -> None:
    rewrite_health(demo_workbook, before_end(FAR_CELLS[cell]))
    before = demo_workbook.read_bytes()
    for code, stderr in handoffs_each(*READING_COMMANDS, cwd=tmp_path, seconds=30):
        assert code == 3, stderr
        assert stderr.startswith(
            f"Error: The Health tab has a value far outside its data, at {cell}: reading the "
            "tab up to there means a grid of "
        )
        assert "handoffs reads at most 20,000,000 cells per tab" in stderr
    assert demo_workbook.read_bytes() == before


def test_an_empty_formatted_cell_far_out_and_a_dimension_that_lies_are_fine(
    run, demo_workbook: Path
) -> None:
    """Parsers skip a formatted cell without a value, and the <dimension> is never trusted."""
    far_format = before_end(b'<row r="1048576"><c r="XFD1048576" s="0"/></row>')
    rewrite_health(
        demo_workbook,
        lambda xml: re.sub(
            rb"<dimension ref=\"[^\"]*\"", b'<dimension ref="A1:XFD1048576"', far_format(xml)
        ),
    )
    assert run("validate").stdout == "No problems: every row is valid.\n"


def test_a_tab_of_200000_rows_and_columns_far_beyond_the_schema_is_read(
    run, demo_workbook: Path
) -> None:
    """The bounds are far from a real team's: a note column at CV, a row at 200,000."""
    far = b'<row r="200000"><c r="A200000"><v>7</v></c><c r="CV200000"><v>1</v></c></row>'
    rewrite_health(demo_workbook, before_end(far))
    assert (
        "  error   B200000 Handoff ID: Handoff ID is required" in run("validate", expect=1).stdout
    )


def test_one_cell_that_unpacks_to_a_huge_text_is_exit_3_naming_it(
    demo_workbook: Path, tmp_path: Path
) -> None:
    """A 64 MB text packs into 64 KB; the one of the report was 1.2 GB in a 1.3 MB file."""

    def bomb(xml: bytes) -> Iterator[bytes]:
        head, tail = xml.split(b"</sheetData>")
        yield head + b'<row r="80"><c r="C80" t="inlineStr"><is><t>'
        yield from (b"a" * 2**20 for _ in range(64))
        yield b"</t></is></c></row></sheetData>" + tail

    rewrite_health(demo_workbook, bomb)
    assert demo_workbook.stat().st_size < 2**20
    result = handoffs("validate", cwd=tmp_path, seconds=30)
    assert (result.returncode, result.stderr) == (
        3,
        "Error: The Health tab's cell C80 holds over 1,024 KB of text, far beyond the 32,767 "
        "characters Excel allows in a cell. Shorten it in Excel or LibreOffice and save. "
        "Nothing was written.\n",
    )


def test_a_part_larger_than_the_archive_declares_is_bounded(
    demo_workbook: Path, tmp_path: Path
) -> None:
    """The archive says the Health tab is 4 KB; it unpacks to 520 MB of markup, past the
    512 MB a part may hold (packed at deflate's fastest level, in half the time)."""

    def padded(xml: bytes) -> Iterator[bytes]:
        head, tail = xml.split(b"</sheetData>")
        yield head
        yield from (b"<row/>" * (2**20 // 6 * 10) for _ in range(52))  # 10 MB each
        yield b"</sheetData>" + tail

    rewrite_health(demo_workbook, padded, level=1)
    declare_size(demo_workbook, HEALTH_PART, 4096)
    result = handoffs("validate", cwd=tmp_path, seconds=60)
    assert result.returncode == 3, result.stderr
    assert result.stderr.startswith(f"Error: {demo_workbook}: the Health tab unpacks to over 51")
    assert "handoffs reads at most 512 MB per part" in result.stderr


def declare_size(workbook: Path, member: str, size: int) -> None:
    """Rewrite the uncompressed size the archive declares for `member` (local header, zip64
    extra field and central directory), as a hostile file would."""
    data = bytearray(workbook.read_bytes())
    with zipfile.ZipFile(workbook) as archive:
        info = archive.getinfo(member)
        with archive.open(info) as stream:
            crc = zlib.crc32(
                stream.read(size)
            )  # of what it declares: a reader stopping there agrees
    name = member.encode()
    for signature in (b"PK\x03\x04", b"PK\x01\x02"):
        at = data.find(signature + b"")
        while at != -1:
            name_at = at + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at : name_at + len(name)] == name:
                size_at = at + (22 if signature == b"PK\x03\x04" else 24)
                struct.pack_into("<I", data, size_at - 8, crc)
                packed = struct.unpack_from("<I", data, size_at)[0]
                if packed == 0xFFFFFFFF:  # the real size sits in the zip64 extra field
                    extra_at = name_at + len(name)
                    zip64 = data.find(b"\x01\x00", extra_at, extra_at + 64)
                    struct.pack_into("<Q", data, zip64 + 4, size)
                else:
                    struct.pack_into("<I", data, size_at, size)
            at = data.find(signature, at + 4)
    assert info.file_size > size
    workbook.write_bytes(bytes(data))


def test_a_huge_shared_text_is_exit_3_naming_the_cell_that_shows_it(
    demo_workbook: Path, tmp_path: Path
) -> None:
    """Excel keeps text in a shared table; a cell shows it by number."""
    rewrite_health(demo_workbook, before_end(b'<row r="80"><c r="D80" t="s"><v>0</v></c></row>'))
    original = demo_workbook.with_suffix(".orig")
    demo_workbook.rename(original)
    relationship = (
        b'<Relationship Id="rIdShared" Target="sharedStrings.xml" Type="http://schemas.'
        b'openxmlformats.org/officeDocument/2006/relationships/sharedStrings" />'
    )
    with zipfile.ZipFile(original) as source, zipfile.ZipFile(demo_workbook, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", relationship + b"</Relationships>")
            if info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
                )
            target.writestr(info, data, zipfile.ZIP_DEFLATED)
        part = zipfile.ZipInfo("xl/sharedStrings.xml")
        part.compress_type = zipfile.ZIP_DEFLATED
        with target.open(part, "w") as stream:
            stream.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            stream.write(b"<si><t>")
            for _ in range(64):
                stream.write(b"a" * 2**20)
            stream.write(b"</t></si></sst>")
    original.unlink()
    result = handoffs("validate", cwd=tmp_path, seconds=30)
    assert (result.returncode, result.stderr) == (
        3,
        "Error: The Health tab's cell D80 holds over 1,024 KB of text, far beyond the 32,767 "
        "characters Excel allows in a cell. Shorten it in Excel or LibreOffice and save. "
        "Nothing was written.\n",
    )
