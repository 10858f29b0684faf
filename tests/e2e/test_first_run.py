"""The first minutes (README, first lines): `handoffs demo` fits one screen, and a command run
right after it without `--config` says to use the demo's config."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests import ROOT


def test_the_demo_tour_fits_one_screen_and_says_what_to_run_next(run) -> None:
    tour = run("demo").stdout
    assert len(tour.splitlines()) <= 24
    assert "Worst handoffs in 2026-10, by hours lost:" in tour
    assert "  trial ended, adjust the contract: RPT-03" in tour
    assert "handoffs --config handoffs-demo.toml review-prep --quarterly" in tour
    assert "handoffs demo --long" in tour


def test_demo_long_prints_the_whole_quarterly_review_prep(run) -> None:
    tour = run("demo", "--long").stdout
    assert len(tour.splitlines()) > 100
    assert "# Quarterly handoff review: 2026-Q3" in tour


@pytest.mark.parametrize("command", ["validate", "refresh", "review-prep"])
def test_after_the_demo_a_command_without_config_names_the_demos_config(run, command: str) -> None:
    run("demo")
    result = run(command, expect=2)
    assert result.stderr.startswith("Error: No workbook at ")
    assert result.stderr.rstrip().endswith(
        "To use the sample team `handoffs demo` wrote here, name its config: "
        f"`handoffs --config handoffs-demo.toml {command}`."
    )


def test_the_hint_is_in_the_json_error_too(run) -> None:
    run("demo")
    doc = json.loads(run("validate", "--format", "json", expect=2).stdout)
    assert "`handoffs --config handoffs-demo.toml validate`" in doc["message"]


def test_no_hint_when_a_config_is_named_or_the_folder_has_its_own(run, tmp_path: Path) -> None:
    run("demo")
    (tmp_path / "handoffs.toml").write_text('[sheet]\npath = "ours.xlsx"\n')
    assert "handoffs-demo.toml" not in run("validate", expect=2).stderr
    other = tmp_path / "other.toml"
    other.write_text('[sheet]\npath = "ours.xlsx"\n')
    assert "handoffs-demo.toml" not in run("validate", expect=2, config=other).stderr


def test_the_teams_examples_use_workflows_not_the_retired_connectors() -> None:
    """Microsoft retired Office 365 connector webhooks (msteams://); Teams takes notices
    through a Workflows webhook (workflows://). A doc may name the retired scheme, never show
    a URL of it."""
    docs = [ROOT / "README.md", ROOT / "config.example.toml", *sorted((ROOT / "docs").glob("*.md"))]
    for doc in docs:
        assert not re.search(r"msteams://[^`\s]", doc.read_text(encoding="utf-8")), doc
    assert "workflows://" in (ROOT / "README.md").read_text(encoding="utf-8")
