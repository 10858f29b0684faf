"""Nothing the team keeps in its workbook is lost by a write: formula results, the file a
symlink points to, a tab of theirs named like a generated tab, macros, a read-only file, the
backup; and a damaged or encrypted file is refused with a message, never a traceback."""

from __future__ import annotations

import re
import signal
import stat
import subprocess
import sys
import zipfile
from collections.abc import Callable
from fnmatch import fnmatch
from pathlib import Path

import pytest
from filelock import FileLock
from openpyxl import load_workbook

from handoffs.backends.xlsx import XlsxBackend
from handoffs.model.schema import input_schemas
from tests import ROOT
from tests.conftest import Spreadsheet, demo_tabs, write_workbook

INPUT_TABS = [schema.title for schema in input_schemas().values()]


def rewrite_parts(path: Path, change: Callable[[dict[str, bytes]], None]) -> None:
    """Edit the workbook's zip parts in place, as another program saving it would."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    change(parts)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def sheet_part(path: Path, title: str) -> str:
    with zipfile.ZipFile(path) as archive:
        rels = archive.read("xl/_rels/workbook.xml.rels").decode()
        book = archive.read("xl/workbook.xml").decode()
    rid = re.search(rf'<sheet [^>]*name="{re.escape(title)}"[^>]*r:id="(\w+)"', book)
    assert rid, title
    target = re.search(rf'<Relationship [^>]*Id="{rid.group(1)}"[^>]*/>', rels)
    assert target
    found = re.search(r'Target="/?(?:xl/)?([^"]+)"', target.group(0))
    assert found
    return "xl/" + found.group(1)


def put_formula(
    path: Path, title: str, ref: str, formula: str, result: str, kind: str = "", shared: str = ""
) -> None:
    """Make one existing cell a formula with its last calculated result, as Excel and
    LibreOffice save it: `<c r="C2" t="str"><f>…</f><v>…</v></c>` (`t` is str, b, e, or absent
    for a number; `shared` adds the attributes of a shared formula)."""
    part = sheet_part(path, title)
    kind_attribute = f' t="{kind}"' if kind else ""
    f = f"<f{shared}>{formula}</f>" if formula else f"<f{shared}/>"
    cell = f'<c r="{ref}"{kind_attribute}>{f}<v>{result}</v></c>'.encode()

    def change(parts: dict[str, bytes]) -> None:
        pattern = rf'<c r="{ref}"(?: [^>]*)?(?:/>|>.*?</c>)'.encode()
        assert re.search(pattern, parts[part]), ref
        parts[part] = re.sub(pattern, lambda _: cell, parts[part], count=1)

    rewrite_parts(path, change)


@pytest.fixture
def with_formulas(demo_workbook: Path) -> Path:
    """The sample team with formulas in input tabs, each with its saved result: a number,
    text, a boolean and an error."""
    put_formula(demo_workbook, "Health", "C2", "1+2", "3")
    # a shared formula, as Excel saves a formula filled down: D3 only names the shared one
    put_formula(demo_workbook, "Health", "D2", "5*2", "10", shared=' t="shared" ref="D2:D3" si="0"')
    put_formula(demo_workbook, "Health", "D3", "", "10", shared=' t="shared" si="0"')
    put_formula(demo_workbook, "Handoffs", "B2", '"Client"&amp;" report"', "Client report", "str")
    put_formula(demo_workbook, "Team", "C2", "TRUE()", "1", "b")
    put_formula(demo_workbook, "Team", "E2", "1/0", "#DIV/0!", "e")
    return demo_workbook


def input_cells(path: Path) -> dict[str, list[list[object]]]:
    tabs = XlsxBackend(path).read(INPUT_TABS)
    return {title: tab.rows for title, tab in tabs.items()}


def test_formula_results_in_input_tabs_survive_every_write(run, with_formulas: Path) -> None:
    before = input_cells(with_formulas)
    assert before["Health"][1][2] == 3 and before["Team"][1][2] is True
    assert (before["Health"][1][3], before["Health"][2][3]) == (10, 10)
    assert before["Handoffs"][1][1] == "Client report" and before["Team"][1][4] == "#DIV/0!"

    run("refresh")
    assert input_cells(with_formulas) == before
    problems = run("validate", expect=1).stdout  # the one error is the #DIV/0! shown in Team!E2
    assert "no saved result" not in problems and "#DIV/0!" in problems
    run("review-prep")
    run("init")
    assert input_cells(with_formulas) == before
    run("flag", "--handoff", "RPT-02", "--what", "Numbers changed again")
    after = input_cells(with_formulas)
    assert after["Flags"][:-1] == before["Flags"]
    assert {t: after[t] for t in INPUT_TABS if t != "Flags"} == {
        t: before[t] for t in INPUT_TABS if t != "Flags"
    }
    cell = load_workbook(with_formulas)["Health"]["C2"]
    assert cell.value == "=1+2"  # the formula itself is kept too


def test_a_symlinked_workbook_is_written_through_to_its_target_under_one_lock(
    run, tmp_path: Path
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    target = shared / "team.xlsx"
    write_workbook(target, demo_tabs())
    link = tmp_path / "handoffs.xlsx"
    link.symlink_to(Path("shared") / "team.xlsx")

    run("refresh")

    assert link.is_symlink() and link.resolve() == target.resolve()
    assert "Summary" in load_workbook(target).sheetnames
    assert (shared / "team.backup.xlsx").exists() and not (
        tmp_path / "handoffs.backup.xlsx"
    ).exists()
    assert XlsxBackend(link).lock_path == XlsxBackend(target).lock_path
    before = target.read_bytes()
    with FileLock(XlsxBackend(target).lock_path):
        run("refresh", expect=4)
    assert target.read_bytes() == before


TEAM_SUMMARY = [["Our summary", "Owner"], ["Q3 plans are on track", "Ana"]]


def test_a_teams_own_tab_named_like_a_generated_tab_is_never_overwritten(
    run, backend: Spreadsheet
) -> None:
    backend.seed({**demo_tabs(), "Summary": TEAM_SUMMARY})
    before = backend.snapshot()

    result = run("refresh", config=backend.config, expect=2)

    assert result.stderr == (
        "Error: The spreadsheet has its own tab named 'Summary', which handoffs did not write "
        "(it lacks the generated-tab mark), so it was left alone. Rename that tab, e.g. to "
        "'Summary (team)', and run again: handoffs then adds its own Summary tab. "
        "Nothing was written.\n"
    )
    assert backend.snapshot() == before
    run("review-prep", config=backend.config)  # its tab is not the team's: written
    assert backend.comparable("Summary")["Summary"] == TEAM_SUMMARY


def test_tabs_created_by_init_are_marked_so_refresh_rewrites_them(
    run, backend: Spreadsheet
) -> None:
    run("init", "--demo", config=backend.config)
    run("refresh", config=backend.config)
    summary = backend.comparable("Summary")["Summary"]
    assert summary[0] == ["Item", "Value", "Detail"] and len(summary) > 5


def test_a_generated_tab_an_older_init_left_unmarked_with_only_its_header_is_rewritten(
    run, backend: Spreadsheet
) -> None:
    backend.seed({**demo_tabs(), "Summary": [["Item", "Value", "Detail"]], "Rankings": []})
    run("refresh", config=backend.config)
    assert len(backend.comparable("Summary")["Summary"]) > 5


def test_init_gives_the_team_tabs_manager_column_a_true_false_dropdown(
    run, backend: Spreadsheet
) -> None:
    run("init", config=backend.config)
    if backend.kind == "xlsx":
        rules = load_workbook(backend.path)["Team"].data_validations.dataValidation
        choices = {rule.formula1 for rule in rules if "C2" in rule.sqref}
        assert choices == {'"TRUE,FALSE"'}
    else:
        team = next(t for t in backend.snapshot()["sheets"] if t["properties"]["title"] == "Team")
        rule = team["cells"]["C2"]["dataValidation"]
        values = [v["userEnteredValue"] for v in rule["condition"]["values"]]
        assert (rule["condition"]["type"], values) == ("ONE_OF_LIST", ["TRUE", "FALSE"])


def make_macro_workbook(path: Path) -> bytes:
    """A real .xlsm package: the macro content type, a VBA project part and its relationship."""
    write_workbook(path, demo_tabs())
    project = b"\xd0\xcf\x11\xe0 a VBA project " + bytes(range(256))

    def change(parts: dict[str, bytes]) -> None:
        types = parts["[Content_Types].xml"].decode()
        types = types.replace(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
            "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
        ).replace(
            "</Types>",
            '<Override PartName="/xl/vbaProject.bin" '
            'ContentType="application/vnd.ms-office.vbaProject"/></Types>',
        )
        parts["[Content_Types].xml"] = types.encode()
        rels = parts["xl/_rels/workbook.xml.rels"].decode()
        parts["xl/_rels/workbook.xml.rels"] = rels.replace(
            "</Relationships>",
            '<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/'
            'relationships/vbaProject" Target="vbaProject.bin"/></Relationships>',
        ).encode()
        parts["xl/vbaProject.bin"] = project

    rewrite_parts(path, change)
    return project


def test_a_macro_workbook_keeps_its_vba_project_and_content_type(run, tmp_path: Path) -> None:
    path = tmp_path / "team.xlsm"
    project = make_macro_workbook(path)
    (tmp_path / "handoffs.toml").write_text('[sheet]\npath = "team.xlsm"\n')

    run("refresh")
    run("flag", "--handoff", "RPT-02", "--what", "macro test")

    with zipfile.ZipFile(path) as archive:
        assert archive.read("xl/vbaProject.bin") == project
        types = archive.read("[Content_Types].xml").decode()
        assert "Summary" in archive.read("xl/workbook.xml").decode()
    assert "application/vnd.ms-excel.sheet.macroEnabled.main+xml" in types
    assert "application/vnd.ms-office.vbaProject" in types


def test_a_read_only_workbook_is_refused_and_left_alone(run, demo_workbook: Path) -> None:
    demo_workbook.chmod(0o444)
    before = demo_workbook.read_bytes()
    commands = (["refresh"], ["flag", "--handoff", "RPT-02", "--what", "x"], ["review-prep"])
    for command in commands:
        result = run(*command, expect=3)
        assert result.stderr == (
            f"Error: {demo_workbook} is read-only (permissions -r--r--r--), so it was not "
            "changed. Make it writable (chmod u+w handoffs.xlsx) or point [sheet] path at a "
            "copy. Nothing was written.\n"
        )
    assert demo_workbook.read_bytes() == before
    assert not (demo_workbook.parent / "handoffs.backup.xlsx").exists()


def test_the_backup_is_always_writable_by_its_owner(run, demo_workbook: Path) -> None:
    demo_workbook.chmod(0o464)  # writable by the group, not by the owner's own bit
    run("refresh")
    backup = demo_workbook.parent / "handoffs.backup.xlsx"
    assert stat.S_IMODE(backup.stat().st_mode) == 0o664
    assert stat.S_IMODE(demo_workbook.stat().st_mode) == 0o464


def test_temporary_files_of_killed_runs_are_cleaned_and_a_broken_backup_replaced(
    run, demo_workbook: Path
) -> None:
    folder = demo_workbook.parent
    leftovers = [folder / ".handoffs-k1ll3d_a.xlsx", folder / ".handoffs-x7q2a9zz.xlsx"]
    for leftover in leftovers:
        leftover.write_bytes(b"PK\x03\x04 half a workbook")
    users_own = folder / ".handoffs-notes.xlsx"  # not a name handoffs makes: left alone
    users_own.write_bytes(b"mine")
    backup = folder / "handoffs.backup.xlsx"
    backup.write_bytes(b"")  # a copy killed half-way, as before backups were atomic
    before = demo_workbook.read_bytes()

    run("refresh")

    assert not any(leftover.exists() for leftover in leftovers)
    assert backup.read_bytes() == before
    assert [p.name for p in folder.iterdir() if p.name.startswith(".handoffs-")] == [users_own.name]


def test_a_damaged_workbook_names_the_backup_only_when_the_backup_is_a_workbook(
    run, demo_workbook: Path
) -> None:
    backup = demo_workbook.parent / "handoffs.backup.xlsx"
    backup.write_bytes(b"")
    demo_workbook.write_bytes(b"this is not a zip file")
    result = run("refresh", expect=3)
    assert "restore it from" not in result.stderr
    assert "re-save it from Excel or LibreOffice. Nothing was written." in result.stderr

    write_workbook(backup, demo_tabs())
    result = run("refresh", expect=3)
    assert "restore it from handoffs.backup.xlsx or re-save it" in result.stderr


def truncate_health(parts: dict[str, bytes]) -> None:
    name = next(n for n in parts if n.startswith("xl/worksheets/"))
    parts[name] = parts[name][: len(parts[name]) // 2]


def add_dtd(parts: dict[str, bytes]) -> None:
    parts["xl/workbook.xml"] = b'<!DOCTYPE workbook [<!ENTITY x "y">]>' + parts["xl/workbook.xml"]


def drop_styles(parts: dict[str, bytes]) -> None:
    del parts["xl/styles.xml"]


def shared_string_out_of_range(parts: dict[str, bytes]) -> None:
    name = next(n for n in parts if n.startswith("xl/worksheets/"))
    parts[name] = re.sub(
        rb'<c r="A2"( s="\d+")? t="inlineStr"><is><t>[^<]*</t></is></c>',
        b'<c r="A2" t="s"><v>9999</v></c>',
        parts[name],
        count=1,
    )


@pytest.mark.parametrize(
    "damage", [truncate_health, add_dtd, drop_styles, shared_string_out_of_range]
)
def test_a_workbook_with_a_damaged_part_exits_3_with_a_message(
    run, demo_workbook: Path, damage: Callable[[dict[str, bytes]], None]
) -> None:
    rewrite_parts(demo_workbook, damage)
    before = demo_workbook.read_bytes()
    for command in (["refresh"], ["flag", "--handoff", "RPT-02", "--what", "x"]):
        result = run(*command, expect=3)
        assert result.stderr.startswith(f"Error: {demo_workbook} is not a readable .xlsx workbook")
        assert "Nothing was written." in result.stderr
    assert demo_workbook.read_bytes() == before


def test_a_password_protected_workbook_is_reported_as_encrypted(run, tmp_path: Path) -> None:
    # An encrypted .xlsx is an OLE compound file holding EncryptionInfo and EncryptedPackage.
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    names = "EncryptionInfo".encode("utf-16-le") + "EncryptedPackage".encode("utf-16-le")
    (tmp_path / "handoffs.xlsx").write_bytes(header + names + bytes(2048))
    for command in (["validate"], ["refresh"]):
        result = run(*command, expect=3)
        assert result.stderr == (
            f"Error: {tmp_path / 'handoffs.xlsx'} is encrypted (protected by a password to "
            "open), so it cannot be read. Open it in Excel or LibreOffice and save it without a "
            "password, then run again. Nothing was written.\n"
        )


def test_rerunning_demo_keeps_sample_files_the_user_edited(run, tmp_path: Path) -> None:
    run("demo")
    workbook = tmp_path / "handoffs-demo.xlsx"
    edited = load_workbook(workbook)
    edited["Team"]["A2"] = "Our own person"
    edited.save(workbook)
    mine = workbook.read_bytes()
    note = tmp_path / "handoffs-demo-notes" / "RPT-02-analysis-summary.md"
    note.write_text("# My own note\n")
    config = (tmp_path / "handoffs-demo.toml").read_text()  # unchanged: simply rewritten

    result = run("demo")

    assert result.stdout.startswith(
        "Your edited handoffs-demo.xlsx from an earlier demo is kept as "
        "handoffs-demo-kept-2026-11-25.xlsx.\n"
        "Your edited RPT-02-analysis-summary.md from an earlier demo is kept as "
        "RPT-02-analysis-summary-kept-2026-11-25.md.\n"
        "This is a fresh sample.\n\n"
    )
    assert (tmp_path / "handoffs-demo-kept-2026-11-25.xlsx").read_bytes() == mine
    assert (note.parent / "RPT-02-analysis-summary-kept-2026-11-25.md").read_text() == (
        "# My own note\n"
    )
    assert load_workbook(workbook)["Team"]["A2"].value == "Priya Shah"
    assert (tmp_path / "handoffs-demo.toml").read_text() == config
    assert not list(tmp_path.glob("handoffs-demo-kept-*.toml"))


def test_backups_and_kept_demo_copies_are_git_ignored() -> None:
    patterns = (ROOT / ".gitignore").read_text().split()
    for name in ("handoffs.backup.xlsx", "team.backup.xlsm", "handoffs-demo-kept-2026-11-25.xlsx"):
        assert any(fnmatch(name, p.lstrip("/")) for p in patterns), name


# Runs `handoffs refresh` in a real process that SIGKILLs itself at an exact moment, found with
# Python's audit hooks: when a file is about to be opened for writing or renamed onto `target`.
KILL_WHEN_TOUCHING = """
import os, signal, sys
target = os.path.abspath(sys.argv[1])
def kill_at_target(event, args):
    if event == "os.rename":
        path = args[1]
    elif event == "open" and args[2] & (os.O_WRONLY | os.O_RDWR):
        path = args[0]
    else:
        return
    if isinstance(path, (str, os.PathLike)) and os.path.abspath(os.fspath(path)) == target:
        os.kill(os.getpid(), signal.SIGKILL)
sys.addaudithook(kill_at_target)
sys.argv = ["handoffs", "--today", "2026-11-25", "refresh"]
from handoffs.cli import main
main()
"""


@pytest.mark.parametrize("moment", ["handoffs.backup.xlsx", "handoffs.xlsx"])
def test_a_run_killed_while_writing_leaves_a_whole_workbook_and_backup(
    run, demo_workbook: Path, moment: str
) -> None:
    folder = demo_workbook.parent
    before = demo_workbook.read_bytes()
    killed = subprocess.run(
        [sys.executable, "-c", KILL_WHEN_TOUCHING, str(folder / moment)],
        cwd=folder,
        capture_output=True,
        check=False,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr.decode()

    assert demo_workbook.read_bytes() == before
    backup = folder / "handoffs.backup.xlsx"
    assert not backup.exists() or backup.read_bytes() == before  # never half a copy
    assert [p.name for p in folder.glob(".handoffs-*.xlsx")], "the killed write's temporary file"

    run("refresh")

    assert not list(folder.glob(".handoffs-*.xlsx"))
    assert backup.read_bytes() == before
