"""Configuration lookup and checking (DESIGN §5): every mistake names its key."""

from __future__ import annotations

from pathlib import Path

import pytest

from handoffs.config import load_config
from handoffs.errors import ConfigError


def test_without_any_config_the_local_workbook_is_used(tmp_path: Path) -> None:
    config = load_config(cwd=tmp_path)
    assert (config.sheet.backend, config.sheet.path, config.source) == (
        "xlsx",
        tmp_path / "handoffs.xlsx",
        None,
    )
    assert (config.scoring.rework_hours, config.scoring.delay_hours) == (2.0, 4.0)


def test_lookup_order_is_option_then_environment_then_local_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("option", "env", "local"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "handoffs.toml").write_text(f'[sheet]\npath = "{name}.xlsx"\n')
    monkeypatch.setenv("HANDOFFS_CONFIG", str(tmp_path / "env" / "handoffs.toml"))
    local = tmp_path / "local"
    assert (
        load_config(str(tmp_path / "option" / "handoffs.toml"), cwd=local).sheet.path.name
        == "option.xlsx"
    )
    assert load_config(None, cwd=local).sheet.path.name == "env.xlsx"
    monkeypatch.delenv("HANDOFFS_CONFIG")
    assert load_config(None, cwd=local).sheet.path == local / "local.xlsx"


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("[sheets]\n", "unknown section [sheets]; the sections are [sheet], [review]"),
        (
            "[review]\nevery_day = 30\n",
            "unknown key [review] every_day; the keys are every_days, trial_days",
        ),
        (
            "[scoring]\nrework_hours = -1\n",
            "[scoring] rework_hours must be a number ≥ 0, e.g. 4.0; got -1",
        ),
        ("[review]\nevery_days = 30.5\n", "[review] every_days must be a whole number; got 30.5"),
        (
            '[sheet]\nbackend = "excel"\n',
            '[sheet] backend = "excel" is not known; use "xlsx" or "gsheets"',
        ),
        (
            '[sheet]\nbackend = "gsheets"\n',
            '[sheet] backend = "gsheets" needs spreadsheet = "<URL or key of the sheet>"',
        ),
        ("[sheet\n", "is not valid TOML"),
    ],
)
def test_mistakes_name_the_key_and_what_to_write(tmp_path: Path, toml: str, message: str) -> None:
    path = tmp_path / "handoffs.toml"
    path.write_text(toml)
    with pytest.raises(ConfigError) as raised:
        load_config(str(path))
    assert message in str(raised.value)


def test_a_missing_config_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"Config file .*nope\.toml does not exist"):
        load_config(str(tmp_path / "nope.toml"))


def test_cli_reports_config_errors_with_exit_2(tmp_path: Path, run) -> None:
    config = tmp_path / "team.toml"
    config.write_text("[scoring]\ndelay_hours = 'four'\n")
    result = run("validate", config=config, expect=2)
    assert "[scoring] delay_hours must be a number ≥ 0" in result.stderr


def test_notify_keys_are_read_and_secrets_stay_unexpanded(tmp_path: Path) -> None:
    path = tmp_path / "handoffs.toml"
    path.write_text(
        '[notify]\nteam = ["slack://${SLACK_TOKEN}"]\nemail = "mailto://u:${PW}@smtp.example.org"\n'
        "worse_by_hours = 3\n"
    )
    notify = load_config(str(path)).notify
    assert (notify.team, notify.email, notify.worse_by_hours) == (
        ("slack://${SLACK_TOKEN}",),
        "mailto://u:${PW}@smtp.example.org",
        3.0,
    )


def test_notify_team_must_be_a_list_of_text(tmp_path: Path) -> None:
    path = tmp_path / "handoffs.toml"
    path.write_text("[notify]\nteam = [1, 2]\n")
    with pytest.raises(ConfigError, match=r"\[notify\] team must be a list of text"):
        load_config(str(path))
