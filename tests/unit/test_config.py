"""Configuration lookup and checking (docs/configuration.md): every mistake names its key."""

from __future__ import annotations

from pathlib import Path

import pytest

from handoffs.config import load_config
from handoffs.model.errors import UsageError


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
            "[scoring] rework_hours must be a number ≥ 0, e.g. 2.0; got -1",
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
    with pytest.raises(UsageError) as raised:
        load_config(str(path))
    assert message in str(raised.value)


def test_a_missing_config_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"Config file .*nope\.toml does not exist"):
        load_config(str(tmp_path / "nope.toml"))


def test_cli_reports_config_errors_with_exit_2(tmp_path: Path, run) -> None:
    config = tmp_path / "team.toml"
    config.write_text("[scoring]\ndelay_hours = 'four'\n")
    result = run("validate", config=config, expect=2)
    assert "[scoring] delay_hours must be a number ≥ 0" in result.stderr


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        (
            "[scoring]\nrework_hours = nan\n",
            "[scoring] rework_hours must be a number from 0 to 1,000 hours, e.g. 2.0; got nan.",
        ),
        (
            "[scoring]\ndelay_hours = inf\n",
            "[scoring] delay_hours must be a number from 0 to 1,000 hours, e.g. 4.0; got inf.",
        ),
        (
            "[sheet]\nretry_seconds = nan\n",
            "[sheet] retry_seconds must be a number from 0 to 3,600 seconds, e.g. 60.0; got nan.",
        ),
        (
            "[notify]\ntimeout_seconds = 7200\n",
            "[notify] timeout_seconds must be a number from 0 to 3,600 seconds, e.g. 10.0; "
            "got 7200.",
        ),
        (
            "[notify]\ntimeout_seconds = 0\n",
            "[notify] timeout_seconds must be at least 0.1 seconds, or nothing could be sent; "
            "got 0.0.",
        ),
        (
            "[notify]\nretry_seconds = 0.01\n",
            "[notify] retry_seconds must be at least 0.1 seconds, or nothing could be sent; "
            "got 0.01.",
        ),
        (
            "[review]\nevery_days = 1000000000\n",
            "[review] every_days must be a number from 0 to 3,660 days, e.g. 91; got 1000000000.",
        ),
        (
            "[review]\ntrial_days = 1e300\n",
            "[review] trial_days must be a number from 0 to 3,660 days, e.g. 14; got 1e+300.",
        ),
        (
            "[compression]\nmin_hours = -inf\n",
            "[compression] min_hours must be a number ≥ 0, e.g. 4.0; got -inf.",
        ),
        (
            '[sheet]\npath = ""\n',
            '[sheet] path is empty; type a path in quotes, e.g. "handoffs.xlsx".',
        ),
        (
            '[templates]\nnotes_folder = " "\n',
            '[templates] notes_folder is empty; type a path in quotes, e.g. "handoff-notes".',
        ),
        (
            '[sheet]\npath = "team\\u0000.xlsx"\n',
            "[sheet] path = 'team\\x00.xlsx' contains a control character",
        ),
        ('[sheet]\npath = "."\n', '[sheet] path = "." is a folder; name the workbook file in it'),
    ],
)
def test_absurd_numbers_and_empty_paths_are_refused_naming_the_key(
    tmp_path: Path, run, toml: str, message: str
) -> None:
    """nan, inf and huge numbers would rank nothing, retry forever or overflow a date."""
    path = tmp_path / "handoffs.toml"
    path.write_text(toml, encoding="utf-8")
    result = run("validate", config=path, expect=2)
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_a_config_saved_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    """Windows Notepad saves UTF-8 with a BOM; TOML itself would call it an invalid key."""
    path = tmp_path / "handoffs.toml"
    path.write_text("\ufeff[review]\nevery_days = 30\n", encoding="utf-8")
    assert load_config(str(path)).review.every_days == 30


def test_a_config_that_is_not_utf8_says_how_to_save_it(tmp_path: Path) -> None:
    path = tmp_path / "handoffs.toml"
    path.write_bytes(b'[sheet]\npath = "\xe9quipe.xlsx"\n')
    with pytest.raises(UsageError, match=r"is not UTF-8 text \(byte 16\); save it as UTF-8\."):
        load_config(str(path))


def test_the_notes_folder_defaults_to_handoff_notes_beside_the_config_when_it_exists(
    tmp_path: Path,
) -> None:
    path = tmp_path / "handoffs.toml"
    path.write_text("[review]\nevery_days = 30\n")
    assert load_config(str(path)).templates.notes_folder is None
    assert load_config(cwd=tmp_path).templates.notes_folder is None
    (tmp_path / "handoff-notes").mkdir()
    assert load_config(str(path)).templates.notes_folder == tmp_path / "handoff-notes"
    path.unlink()
    assert load_config(cwd=tmp_path).templates.notes_folder == tmp_path / "handoff-notes"


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
    with pytest.raises(UsageError, match=r"\[notify\] team must be a list of text"):
        load_config(str(path))
