"""An organisation's spreadsheet and a team's are different things (docs/rollup.md): a team
command on an organisation's config or spreadsheet, and `rollup` on a team's, is a usage error
(exit 2) that says which command fits, and writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Spreadsheet
from tests.support.rollup_helpers import org, team, where

NOTIFY = '[notify]\nteam = ["json://127.0.0.1:9/hook"]\n'  # never reached: refused before
TEAM_COMMANDS = {
    "refresh": ["refresh"],
    "refresh --notify": ["refresh", "--notify"],
    "review-prep": ["review-prep"],
    "review-prep --no-write": ["review-prep", "--no-write"],
    "notify": ["notify"],
    "flag": ["flag", "--handoff", "RPT-01", "--what", "late"],
    "onboard": ["onboard", "--role", "Analyst"],
    "template": ["template", "--handoff", "RPT-01"],
    "check": ["check", "note.md", "--handoff", "RPT-01"],
    "init --demo": ["init", "--demo"],
}


def organisation_of(make_spreadsheet, kind: str) -> Spreadsheet:
    member = team(make_spreadsheet, kind)
    organisation = org(make_spreadsheet, kind, [["Reporting", where(member), "", ""]])
    organisation.config.write_text(organisation.config.read_text() + NOTIFY)
    return organisation


@pytest.mark.parametrize("command", TEAM_COMMANDS)
def test_a_team_command_on_an_organisations_config_says_rollup_fits_and_writes_nothing(
    run, make_spreadsheet, backend: Spreadsheet, tmp_path: Path, command: str
) -> None:
    organisation = organisation_of(make_spreadsheet, backend.kind)
    (tmp_path / "note.md").write_text("# Note\n", encoding="utf-8")
    before = organisation.snapshot()

    result = run(*TEAM_COMMANDS[command], config=organisation.config, expect=2)

    config, name = (
        organisation.config,
        command if command == "init --demo" else TEAM_COMMANDS[command][0],
    )
    assert result.stderr == (
        f"Error: {config} is an organisation's config (it has a [rollup] section), and "
        f"`{name}` works on a team's spreadsheet. On the organisation's, run `handoffs "
        f"--config {config} rollup` (or `validate`, `init`); for a team, run `{name}` with "
        "that team's config. Nothing was written.\n"
    )
    assert organisation.snapshot() == before


def test_the_organisations_own_commands_still_work_on_its_config(
    run, make_spreadsheet, backend: Spreadsheet
) -> None:
    organisation = organisation_of(make_spreadsheet, backend.kind)
    assert run("validate", config=organisation.config).stdout.startswith("No problems")
    assert "created tabs: Org Summary" in run("init", config=organisation.config).stdout
    assert "Rolled up 1 of 1 team " in run("rollup", config=organisation.config).stdout


@pytest.mark.parametrize("command", [*TEAM_COMMANDS, "validate", "init"])
def test_a_team_config_on_an_organisations_spreadsheet_is_refused_and_writes_nothing(
    run, make_spreadsheet, backend: Spreadsheet, tmp_path: Path, command: str
) -> None:
    organisation = organisation_of(make_spreadsheet, backend.kind)
    team_config = organisation.folder / "team.toml"
    team_config.write_text(organisation.config.read_text().split("[rollup]")[0] + NOTIFY)
    (tmp_path / "note.md").write_text("# Note\n", encoding="utf-8")
    before = organisation.snapshot()

    result = run(*TEAM_COMMANDS.get(command, [command]), config=team_config, expect=2)

    assert result.stderr == (
        f"Error: {organisation.open().location} is an organisation's spreadsheet (it has a "
        "Teams tab and no Handoffs tab): add a [rollup] section to its config and run `rollup` "
        "(or `validate`, `init`), or point [sheet] at a team's spreadsheet. Nothing was "
        "written.\n"
    )
    assert organisation.snapshot() == before


@pytest.mark.parametrize("command", ["rollup", "validate", "init"])
def test_an_organisations_command_on_a_teams_spreadsheet_says_refresh_fits(
    run, make_spreadsheet, backend: Spreadsheet, command: str
) -> None:
    member = team(make_spreadsheet, backend.kind)
    member.config.write_text(member.config.read_text() + "[rollup]\n")
    before = member.snapshot()

    result = run(command, config=member.config, expect=2)

    assert result.stderr == (
        f"Error: {member.open().location} is a team's spreadsheet (it has a Handoffs tab and no "
        "Teams tab): point this config's [sheet] at the organisation's spreadsheet, or remove "
        "its [rollup] section to run the team commands (`refresh`) on it. Nothing was "
        "written.\n"
    )
    assert member.snapshot() == before
