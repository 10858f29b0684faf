"""`handoffs doctor` (docs/commands.md#doctor): a checklist of the setup, each line ✔ or ✘ with
the one fix to make, in order and stopping at nothing; exit 0 when all pass, else the code of
the first failure. Google Sheets faults come from the emulator answering as Google does."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from filelock import FileLock

from handoffs.cli.json_shapes import SHAPES, mismatches
from tests.conftest import Spreadsheet, demo_tabs
from tests.sheets_emulator.emulator import Fault
from tests.support.notify_servers import Webhook, webhook
from tests.support.rollup_helpers import org, team, where

__all__ = ["webhook"]  # fixture

ACCOUNT = "handoffs-bot@team-project.iam.gserviceaccount.com"
SECRET = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC-not-a-real-key"


def lines(output: str) -> dict[str, str]:
    """name -> the check's line (and its fix line, when it failed)."""
    found: dict[str, str] = {}
    last = ""
    for line in output.splitlines():
        if line[:2] in ("✔ ", "✘ "):
            last = line[2:].split(": ", 1)[0]
            found[last] = line
        elif line.startswith("    fix: "):
            found[last] += "\n" + line
    return found


@pytest.fixture
def sheet(make_spreadsheet: Any) -> Spreadsheet:
    sheet = make_spreadsheet("xlsx")
    sheet.seed(demo_tabs())
    return sheet


def test_a_sound_workbook_setup_passes_every_check(run, sheet: Spreadsheet) -> None:
    result = run("doctor", config=sheet.config)
    checks = lines(result.stdout)
    assert list(checks)[:4] == ["config", "workbook", "folder", "lock"]
    assert "Team tab" in checks and all(line.startswith("✔") for line in checks.values())
    assert result.stdout.rstrip().endswith(f"All {len(checks)} checks passed.")


def test_an_unknown_key_names_its_close_match_and_the_other_checks_still_run(
    run, sheet: Spreadsheet
) -> None:
    sheet.config.write_text(sheet.config.read_text() + "[review]\nevery_day = 91\n")
    checks = lines(run("doctor", config=sheet.config, expect=2).stdout)
    assert checks["config [review] every_day"].endswith(
        "    fix: Rename [review] every_day to [review] every_days."
    )
    assert checks["workbook"].startswith("✔") and checks["Health tab"].startswith("✔")


def test_commands_name_the_close_match_of_an_unknown_key_too(run, sheet: Spreadsheet) -> None:
    sheet.config.write_text(sheet.config.read_text().replace("path =", "pth ="))
    result = run("validate", config=sheet.config, expect=2)
    assert result.stderr.rstrip().endswith("Did you mean path?")


def test_no_workbook_says_to_run_init_or_names_the_demos_config(run, tmp_path: Path) -> None:
    checks = lines(run("doctor", expect=2).stdout)
    assert checks["workbook"].endswith("fix: Run `handoffs init` to create it "
                                       "(or `handoffs init --demo` for a sample team).")  # fmt: skip
    run("demo")
    checks = lines(run("doctor", expect=2).stdout)
    assert "`handoffs --config handoffs-demo.toml doctor`" in checks["workbook"]


def test_a_run_holding_the_lock_is_named_and_exits_4(run, sheet: Spreadsheet) -> None:
    with FileLock(str(sheet.path.with_name(".handoffs.xlsx.lock"))):
        checks = lines(run("doctor", config=sheet.config, expect=4).stdout)
    assert checks["lock"].startswith("✘ lock: another handoffs run holds")


def test_a_missing_tab_and_a_renamed_header_are_named_with_the_fix(
    run, make_spreadsheet: Any
) -> None:
    sheet = make_spreadsheet("xlsx")
    tabs = demo_tabs()
    del tabs["Reviews"]
    tabs["Health"][0][1] = "Handoff"
    sheet.seed(tabs)
    checks = lines(run("doctor", config=sheet.config, expect=1).stdout)
    assert checks["Reviews tab"] == (
        "✘ Reviews tab: missing\n"
        "    fix: Run `handoffs init`: it adds the missing tabs and touches nothing else."
    )
    assert checks["Health tab"].startswith("✘ Health tab: ")
    assert "Handoff ID" in checks["Health tab"]
    assert checks["Team tab"].startswith("✔")


def test_each_channel_is_parsed_never_sent_and_each_secret_named_never_shown(
    run, sheet: Spreadsheet, webhook: Webhook, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOOK_PASSWORD", "hunter2-secret")
    monkeypatch.delenv("SLACK_HOOK", raising=False)
    sheet.config.write_text(
        sheet.config.read_text()
        + "[notify]\nteam = ["
        + f'"{webhook.url(userinfo="bot:${HOOK_PASSWORD}")}", '
        + f'"{webhook.url(userinfo="bot:${SLACK_HOOK}")}", "nosuchscheme://x"]\n'
    )
    result = run("doctor", config=sheet.config, expect=2)
    checks = lines(result.stdout)
    assert checks["[notify] team #1"] == (
        "✔ [notify] team #1: a json:// URL Apprise accepts (nothing sent)"
    )
    assert (
        checks["${HOOK_PASSWORD}"]
        == "✔ ${HOOK_PASSWORD}: set (used by [notify] team #1; not shown)"
    )
    assert checks["${SLACK_HOOK}"] == (
        "✘ ${SLACK_HOOK}: [notify] team #2 uses ${SLACK_HOOK}, which is not set\n"
        "    fix: export SLACK_HOOK=… in the environment that runs handoffs (cron's too)."
    )
    assert checks["[notify] team #3"].startswith(
        '✘ [notify] team #3: [notify] team #3 is not a "nosuchscheme://" URL'
    )
    assert webhook.answered == 0
    assert "hunter2" not in result.stdout + result.stderr


def test_doctor_speaks_json_in_the_documented_shape(run, sheet: Spreadsheet) -> None:
    result = run("doctor", "--format", "json", config=sheet.config)
    doc = json.loads(result.stdout)
    assert mismatches(doc, SHAPES["handoffs.doctor"]) == []
    assert doc["failed"] == 0 and doc["exit_code"] == 0
    sheet.path.unlink()
    broken = json.loads(run("doctor", "--format", "json", config=sheet.config, expect=2).stdout)
    assert mismatches(broken, SHAPES["handoffs.doctor"]) == []
    assert [c["name"] for c in broken["checks"] if not c["ok"]] == ["workbook"]


def test_an_organisation_gets_its_teams_tab_checked(run, make_spreadsheet: Any) -> None:
    good = team(make_spreadsheet, "xlsx")
    organisation = org(make_spreadsheet, "xlsx", [["Reporting", where(good), "Ana", "active"]])
    checks = lines(run("doctor", config=organisation.config).stdout)
    assert checks["Teams tab"].startswith("✔ Teams tab: headers as expected")
    assert "Handoffs tab" not in checks


# -- Google Sheets, against the emulator ---------------------------------------------------------


def key_file(folder: Path, mode: int = 0o600, **info: Any) -> Path:
    path = folder / "key.json"
    body = {
        "type": "service_account",
        "client_email": ACCOUNT,
        "private_key": f"-----BEGIN PRIVATE KEY-----\n{SECRET}\n-----END PRIVATE KEY-----\n",
        **info,
    }
    path.write_text(json.dumps(body))
    os.chmod(path, mode)
    return path


@pytest.fixture
def google(make_spreadsheet: Any) -> Spreadsheet:
    """The demo team in a Google Sheet, its config naming a service-account key file."""
    sheet = make_spreadsheet("gsheets")
    sheet.seed(demo_tabs())
    key_file(sheet.folder)
    sheet.config.write_text(sheet.config.read_text() + 'credentials = "key.json"\n')
    return sheet


def test_google_credentials_account_scopes_and_sharing_pass_in_one_request(
    run, google: Spreadsheet
) -> None:
    result = run("doctor", config=google.config)
    checks = lines(result.stdout)
    assert checks["credentials"].endswith("key.json holds a service account key")
    assert checks["key file permissions"].endswith("is readable by you only")
    assert checks["account"] == f"✔ account: {ACCOUNT}"
    assert "https://www.googleapis.com/auth/spreadsheets" in checks["scopes"]
    assert (
        checks["spreadsheet"] == "✔ spreadsheet: “Team handoffs” answered (6 tabs), in one request"
    )
    first, *tabs = google.emulator.requests  # then the input tabs, as `validate` reads them
    assert (first.method, first.status) == ("GET", 200) and len(tabs) == 2
    assert first.query["fields"] == ["properties.title,sheets.properties.title"]
    assert SECRET not in result.stdout


def test_a_sheet_not_shared_with_the_account_says_whom_to_share_it_with(
    run, google: Spreadsheet
) -> None:
    google.emulator.inject(Fault("403", times=None))
    checks = lines(run("doctor", config=google.config, expect=3).stdout)
    assert checks["spreadsheet"] == (
        f"✘ spreadsheet: {google.key}: 403 PERMISSION_DENIED: The caller does not have "
        "permission\n"
        f"    fix: Share the spreadsheet with {ACCOUNT} as Editor (Share button, top right)."
    )


def test_an_unknown_spreadsheet_says_to_check_the_url_and_the_sharing(
    run, google: Spreadsheet
) -> None:
    google.config.write_text(google.config.read_text().replace(google.key, "1" + "x" * 43))
    checks = lines(run("doctor", config=google.config, expect=3).stdout)
    assert "404 NOT_FOUND: Requested entity was not found." in checks["spreadsheet"]
    assert checks["spreadsheet"].endswith(
        "fix: Check [sheet] spreadsheet (copy the URL from the browser). "
        f"Share the spreadsheet with {ACCOUNT} as Editor (Share button, top right)."
    )


def test_a_disabled_sheets_api_says_to_enable_it_in_that_project(run, google: Spreadsheet) -> None:
    google.emulator.inject(Fault("disabled", times=None))
    checks = lines(run("doctor", config=google.config, expect=3).stdout)
    assert (
        "403 SERVICE_DISABLED: Google Sheets API has not been used in project"
        in (checks["spreadsheet"])
    )
    assert checks["spreadsheet"].endswith(
        "fix: Enable the Google Sheets API for project 704566982728: Google Cloud console > "
        "APIs & Services > Library > Google Sheets API > Enable; then wait a few minutes."
    )


def test_a_key_others_can_read_is_named_first_and_the_rest_still_checked(
    run, google: Spreadsheet
) -> None:
    key = key_file(google.folder, mode=0o644)
    result = run("doctor", "--format", "json", config=google.config, expect=2)
    doc = json.loads(result.stdout)
    failures = [c for c in doc["checks"] if not c["ok"]]
    assert [c["name"] for c in failures] == ["key file permissions"]
    assert failures[0]["detail"] == f"{key} can be read by other users"
    assert failures[0]["fix"] == f"Run `chmod 600 {key}`: it holds a secret."
    assert any(c["name"] == "spreadsheet" and c["ok"] for c in doc["checks"])


@pytest.mark.parametrize(
    ("info", "kind"),
    [
        ({"type": "authorized_user", "refresh_token": SECRET}, "an authorized user token"),
        ({"type": None, "installed": {"client_secret": SECRET}}, "an OAuth client ID"),
    ],
)
def test_a_key_file_of_another_kind_is_named_by_its_kind(
    run, google: Spreadsheet, info: dict[str, Any], kind: str
) -> None:
    key_file(google.folder, **info)
    result = run("doctor", config=google.config, expect=2)
    checks = lines(result.stdout)
    assert f"key.json holds {kind}" in checks["credentials"]
    assert "fix: Download a JSON key for the service account" in checks["credentials"]
    assert SECRET not in result.stdout


def oauth_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "home" / ".config" / "handoffs"  # XDG_CONFIG_HOME of the tests
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_oauth_before_the_first_sign_in_says_to_sign_in_and_opens_no_browser(
    run, google: Spreadsheet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SHEETS_EMULATOR_HOST")
    google.config.write_text(google.config.read_text().replace('"key.json"', '"oauth"'))
    client = oauth_folder(tmp_path) / "client_secret.json"
    client.write_text(json.dumps({"installed": {"client_id": "x", "client_secret": SECRET}}))
    client.chmod(0o600)
    result = run("doctor", config=google.config, expect=2)
    checks = lines(result.stdout)
    assert checks["credentials"] == f"✔ credentials: {client} holds an OAuth client ID"
    assert checks["spreadsheet"] == (
        "✘ spreadsheet: not signed in to Google yet\n"
        "    fix: Run `handoffs validate` once in a terminal: it opens the browser to sign in."
    )
    assert SECRET not in result.stdout


def test_a_sign_in_without_the_spreadsheets_scope_is_named(
    run, google: Spreadsheet, tmp_path: Path
) -> None:
    google.config.write_text(google.config.read_text().replace('"key.json"', '"oauth"'))
    token = oauth_folder(tmp_path) / "authorized_user.json"
    drive = "https://www.googleapis.com/auth/drive.file"
    token.write_text(json.dumps({"type": "authorized_user", "refresh_token": SECRET,
                                 "scopes": [drive]}))  # fmt: skip
    token.chmod(0o600)
    checks = lines(run("doctor", config=google.config, expect=2).stdout)
    assert checks["scopes"] == (
        f"✘ scopes: granted: {drive}\n"
        "    fix: Sign in again granting https://www.googleapis.com/auth/spreadsheets "
        f"(delete {token}, then run any command)."
    )


def test_a_damaged_workbook_is_named_unreadable_and_exits_3(run, sheet: Spreadsheet) -> None:
    sheet.path.write_bytes(b"PK\x03\x04 not really a workbook")
    checks = lines(run("doctor", config=sheet.config, expect=3).stdout)
    assert checks["workbook"].startswith("✔ workbook: ")
    assert checks["workbook readable"].startswith(
        "✘ workbook readable: the input tabs cannot be read\n"
        f"    fix: {sheet.path} is not a readable .xlsx workbook"
    )


def test_a_config_that_cannot_be_used_is_the_one_failure(run, sheet: Spreadsheet) -> None:
    sheet.config.write_text(sheet.config.read_text() + "[review]\nevery_days = -3\n")
    result = run("doctor", config=sheet.config, expect=2)
    assert result.stdout.startswith(
        "✘ config: a key is wrong\n"
        f"    fix: {sheet.config}: [review] every_days must be a number ≥ 0, e.g. 91; got -3.\n"
    )
