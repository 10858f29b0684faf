"""`--format json` (docs/json.md): every reporting command prints exactly one JSON document on
stdout, in the shape docs/json.md documents (`cli.json_shapes`), with the exit code it says;
errors are documents too, with the same exit codes as text mode."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from filelock import FileLock

from handoffs.cli.json_shapes import SHAPES, keys_of, mismatches
from tests import ROOT
from tests.conftest import Spreadsheet, demo_tabs
from tests.support.notify_servers import Webhook, webhook
from tests.support.rollup_helpers import one_team_gone

__all__ = ["webhook"]  # fixture


def document(result: Result, name: str) -> dict[str, Any]:
    """stdout as exactly one JSON document of the documented shape `name`."""
    doc = json.loads(result.stdout)  # fails on anything but one document
    assert doc["format"] == f"handoffs.{name}"
    assert mismatches(doc, SHAPES[doc["format"]]) == []
    if "exit_code" in doc:
        assert doc["exit_code"] == result.exit_code
    return doc


@pytest.fixture
def sheet(make_spreadsheet: Any) -> Spreadsheet:
    """The demo team with one wrong cell: Health C3 holds text where a number belongs."""
    sheet = make_spreadsheet("xlsx")
    sheet.seed(demo_tabs())
    sheet.edit("Health", "C3", "lots")
    return sheet


def test_validate_lists_each_problem_with_tab_cell_column_value_severity_and_message(
    run, sheet: Spreadsheet
) -> None:
    doc = document(run("validate", "--format", "json", config=sheet.config, expect=1), "validate")
    assert doc["errors"] == 1
    [problem] = [p for p in doc["problems"] if p["severity"] == "error"]
    assert problem["tab"] == "Health"
    assert problem["cell"] == "C3"
    assert problem["column"] == "Rework requests"
    assert problem["value"] == "lots"
    assert "number" in problem["message"]


def test_refresh_reports_what_it_wrote_and_the_problems(run, sheet: Spreadsheet) -> None:
    result = run("refresh", "--format", "json", config=sheet.config)
    doc = document(result, "refresh")
    assert doc["written"] is True and doc["period"] == "2026-10"
    assert [t["title"] for t in doc["tabs"]][:2] == ["Summary", "Rankings"]
    assert doc["errors"] == 1 and doc["notices"] is None
    strict = run("refresh", "--format", "json", "--strict", config=sheet.config, expect=1)
    assert document(strict, "refresh")["changed"] is False


def test_notify_reports_each_delivery_and_a_failed_channel_exits_5(
    run, sheet: Spreadsheet, webhook: Webhook
) -> None:
    sheet.config.write_text(
        sheet.config.read_text() + f'[notify]\nteam = ["{webhook.url()}"]\nretry_seconds = 0.3\n'
    )
    dry = document(run("notify", "--dry-run", "--format", "json", config=sheet.config), "notify")
    assert dry["dry_run"] is True and webhook.posts == []
    [delivery] = dry["deliveries"]
    assert delivery["to"] == "json (team 1)" and delivery["delivered"] is None
    assert delivery["body"].startswith("New flags (4):")
    webhook.status = 503
    down = document(run("notify", "--format", "json", config=sheet.config, expect=5), "notify")
    assert down["failed"] == 1 and down["deliveries"][0]["delivered"] is False
    assert "json (team 1)" in down["error"]
    webhook.status = 200
    sent = run("refresh", "--notify", "--format", "json", config=sheet.config)
    assert document(sent, "refresh")["notices"]["deliveries"][0]["delivered"] is True


def test_rollup_names_each_team_and_why_one_could_not_be_read(
    run, make_spreadsheet: Any, tmp_path: Path
) -> None:
    organisation, gone = one_team_gone(make_spreadsheet, tmp_path)
    doc = document(
        run("rollup", "--format", "json", config=organisation.config, expect=5), "rollup"
    )
    assert [(t["team"], t["failure"]) for t in doc["teams"]] == [
        ("Reporting", None),
        ("Forecasting", f"there is no workbook at {gone}"),
    ]
    assert doc["tabs"][0]["title"] == "Org Summary"


def test_flag_onboard_check_and_review_prep_print_their_documents(
    run, sheet: Spreadsheet, tmp_path: Path
) -> None:
    config = sheet.config
    flagged = run("flag", "--handoff", "rpt-02", "--what", "No summary", "--format", "json",
                  config=config)  # fmt: skip
    assert document(flagged, "flag")["handoff_id"] == "RPT-02"
    pack = document(run("onboard", "Tom Becker", "--format", "json", config=config), "onboard")
    assert pack["person"] == "Tom Becker" and pack["markdown"].startswith("# ")
    note = tmp_path / "note.md"
    run("template", "--handoff", "RPT-02", "--output", str(note), config=config)
    checked = run("check", str(note), "--handoff", "RPT-02", "--format", "json", config=config,
                  expect=1)  # fmt: skip
    doc = document(checked, "check")
    assert doc["complete"] is False
    assert {s["problem"] for s in doc["sections"]} == {"empty"}
    prep = run("review-prep", "--format", "json", "--no-write", config=config)
    assert document(prep, "review-prep")["version"] == 1


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["validate"], 2, "No workbook at"),  # no config, no workbook
        (["--today", "2026-13-01", "validate"], 2, "is not a date"),
        (["refresh", "--month", "soon"], 2, "type a month as YYYY-MM"),
        (["validate", "--no-such-option"], 2, "No such option"),
        (["flag", "--what", "x"], 2, "--handoff"),  # a required option missing
    ],
)
def test_errors_are_one_json_document_with_the_text_modes_exit_code(
    run, args: list[str], code: int, words: str
) -> None:
    result = run(*args, "--format", "json", expect=code)
    doc = document(result, "error")
    assert doc["kind"] == "usage" and words in doc["message"]
    assert result.stderr == ""


def test_a_run_holding_the_lock_is_exit_4_in_json_even_with_quiet(run, sheet: Spreadsheet) -> None:
    with FileLock(str(sheet.path.with_name(".handoffs.xlsx.lock"))):
        result = run("refresh", "--quiet", "--format", "json", config=sheet.config, expect=4)
    doc = document(result, "error")
    assert (doc["command"], doc["kind"]) == ("refresh", "locked")


def test_cell_text_with_bidi_marks_stays_valid_json_that_shows_them(
    run, sheet: Spreadsheet
) -> None:
    sheet.edit("Health", "C4", "\u202ebad\x9b")
    result = run("validate", "--format", "json", config=sheet.config, expect=1)
    assert "\u202e" not in result.stdout and "\x9b" not in result.stdout
    values = [p["value"] for p in document(result, "validate")["problems"]]
    assert "\u202ebad\x9b" in values


def test_docs_json_md_names_every_format_and_every_key() -> None:
    text = (ROOT / "docs" / "json.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`([a-z_.-]+)`", text))
    assert set(SHAPES) <= named, set(SHAPES) - named
    keys = {key for shape in SHAPES.values() for key in keys_of(shape)}
    assert keys <= named, sorted(keys - named)
