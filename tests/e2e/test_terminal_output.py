"""Cells holding escape sequences or control characters never reach the terminal raw
(docs/commands.md): validate, refresh, review-prep (Markdown and JSON), onboard, template,
check and error messages show them as visible escapes such as `\\x1b`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from handoffs.cli.terminal import one_line, printable
from tests.conftest import Spreadsheet, demo_tabs

RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# A Google Sheet can hold ESC itself; an xlsx cell cannot, but takes the one-byte CSI (\x9b).
PAYLOADS = {"gsheets": "\x1b[2J\x1b]0;owned\x07", "xlsx": "\x9b2J\u202e"}
SHOWN = {"gsheets": "\\x1b[2J\\x1b]0;owned\\x07", "xlsx": "\\x9b2J\\u202e"}


def test_control_characters_are_written_out_and_tabs_and_newlines_stay() -> None:
    assert printable("a\x1b[31mb\r\x00\x7f\x9b\u202ec\td\ne") == (
        "a\\x1b[31mb\\x0d\\x00\\x7f\\x9b\\u202ec\td\ne"
    )
    assert one_line("a\tb\nc\x1b") == "a\\tb\\nc\\x1b"
    assert printable("emoji 👩‍💻 and é stay") == "emoji 👩‍💻 and é stay"


def test_in_json_they_become_json_escapes_so_the_document_stays_valid() -> None:
    text = printable(json.dumps({"t": "x\x1b\x9b\u202e"}, ensure_ascii=False), json=True)
    assert text == '{"t": "x\\u001b\\u009b\\u202e"}'
    assert json.loads(text) == {"t": "x\x1b\x9b\u202e"}


@pytest.fixture
def hostile(backend: Spreadsheet) -> Spreadsheet:
    """The sample team with an escape sequence in an artifact, every flag and a Health cell."""
    payload = PAYLOADS[backend.kind]
    tabs = demo_tabs()

    def column(tab: str, name: str) -> int:
        return [str(h) for h in tabs[tab][0]].index(name)

    artifact, handoff_id = column("Handoffs", "Artifact"), column("Handoffs", "Handoff ID")
    for row in tabs["Handoffs"][1:]:
        if row[handoff_id] == "RPT-02":
            row[artifact] = f"Analysis {payload}summary"
    for row in tabs["Flags"][1:]:
        row[column("Flags", "What went wrong")] = f"late {payload}again"
    tabs["Health"][1][column("Health", "Rework requests")] = f"3{payload}"
    backend.seed(tabs)
    return backend


def assert_escaped(text: str, kind: str) -> None:
    assert not RAW.search(text), repr(RAW.search(text))
    assert SHOWN[kind] in text


@pytest.mark.parametrize(
    ("command", "code"),
    [
        (["validate"], 1),
        (["review-prep", "--no-write"], 0),
        (["onboard", "--role", "Analyst"], 0),
        (["template", "--handoff", "RPT-02"], 0),
    ],
    ids=["validate", "review-prep", "onboard", "template"],
)
def test_cell_text_is_printed_escaped(run, hostile: Spreadsheet, command: list[str], code: int):
    result = run(*command, config=hostile.config, expect=code)
    assert_escaped(result.stdout, hostile.kind)
    assert not RAW.search(result.stderr)


def test_the_json_agenda_escapes_them_and_stays_valid_json(run, hostile: Spreadsheet) -> None:
    result = run("review-prep", "--no-write", "--format", "json", config=hostile.config)
    assert not RAW.search(result.stdout)
    flags = json.loads(result.stdout)["flags"]
    texts = [flag["what_went_wrong"] for group in flags for flag in group["flags"]]
    assert f"late {PAYLOADS[hostile.kind]}again" in texts  # the data itself is exact


def test_the_markdown_file_written_with_output_is_escaped_too(
    run, hostile: Spreadsheet, tmp_path: Path
) -> None:
    run("template", "--handoff", "RPT-02", "--output", "note.md", config=hostile.config)
    assert_escaped((tmp_path / "note.md").read_text(encoding="utf-8"), hostile.kind)


def test_refresh_and_check_print_them_escaped(run, hostile: Spreadsheet, tmp_path: Path) -> None:
    assert not RAW.search(run("refresh", config=hostile.config).stdout)
    note = tmp_path / "note.md"
    note.write_text("# Handoff note: RPT-02\n\n## Deliverable\n\nx\n", encoding="utf-8")
    result = run("check", str(note), "--handoff", "RPT-02", config=hostile.config, expect=1)
    assert not RAW.search(result.stdout + result.stderr)


def test_error_messages_are_escaped(run, tmp_path: Path) -> None:
    result = run("validate", config=tmp_path / "te\x1b[2Jam.toml", expect=2)
    assert "te\\x1b[2Jam.toml does not exist" in result.stderr
    assert not RAW.search(result.stderr)
