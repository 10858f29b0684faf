"""`handoffs doctor` (docs/commands.md#doctor): check the setup in order, stopping at nothing,
and say for each check what was found and the one fix to make. Reads, never writes, never
sends; secrets are never shown.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator, Mapping
from pathlib import Path

import pandas as pd

from handoffs.backends import doctor_probes as probe
from handoffs.backends import open_backend
from handoffs.backends.channels import email_channel, team_channels
from handoffs.backends.gsheets import spreadsheet_key
from handoffs.checks.validate import validate
from handoffs.config import (
    DEFAULT_WORKBOOK,
    DEMO_CONFIG,
    Config,
    NotifyConfig,
    SheetConfig,
    find_config_file,
    known_only,
    parse_config,
    read_config_data,
    unknown_keys,
)
from handoffs.model.checklist import Check, Checklist, failed, passed
from handoffs.model.errors import BackendError, HandoffsError, LockedError, UsageError
from handoffs.model.schema import TabSchema, input_schemas, org_schemas
from handoffs.model.spreadsheet import RawTab

USAGE, BACKEND, LOCKED, DATA = (
    UsageError.exit_code,
    BackendError.exit_code,
    LockedError.exit_code,
    1,
)


def doctor(
    config_file: str | None,
    today: dt.date,
    environ: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> Checklist:
    """Every check of the setup, in order: config, the spreadsheet (workbook, or Google
    credentials and access), its input tabs (or an organisation's Teams tab), the channels."""
    env = os.environ if environ is None else environ
    checks = Checklist()
    config = _config(checks, config_file, cwd or Path.cwd())
    if config is None:
        return checks
    if config.sheet.backend == "xlsx":
        readable = _workbook(checks, config.sheet.path)
    else:
        readable = _google(checks, config.sheet, env)
    if readable:
        _tabs(checks, config, today, read_only=_sign_in_scope(config.sheet, env) is not False)
    _channels(checks, config.notify, env)
    return checks


# -- the config --------------------------------------------------------------------------------


def _config(checks: Checklist, explicit: str | None, cwd: Path) -> Config | None:
    """The config found and parsed; each unknown key is a failure of its own, and the rest of
    the config is still checked without it."""
    try:
        path = find_config_file(explicit, cwd)
    except UsageError as error:
        checks.add(failed("config", "not found", str(error), USAGE))
        return None
    if path is None:
        workbook = cwd / DEFAULT_WORKBOOK
        checks.add(passed("config", f"no config file: using the workbook {workbook}"))
        return Config(sheet=SheetConfig(path=workbook))
    try:
        data = read_config_data(path)
    except UsageError as error:
        checks.add(failed("config", "cannot be read", str(error), USAGE))
        return None
    unknown_ones = unknown_keys(data, path)
    for unknown in unknown_ones:
        fix = (
            f"Rename {unknown.label} to {unknown.close}."
            if unknown.close
            else (f"Remove {unknown.label}; config.example.toml lists every key.")
        )
        checks.add(failed(f"config {unknown.label}", unknown.message, fix, USAGE))
    try:
        config = parse_config(known_only(data), path)
    except UsageError as error:
        checks.add(failed("config", "a key is wrong", str(error), USAGE))
        return None
    rest = " (the keys above left out)" if unknown_ones else ""
    checks.add(passed("config", f"{path} parsed{rest}"))
    return config


# -- a workbook ------------------------------------------------------------------------------


def _workbook(checks: Checklist, path: Path) -> bool:
    """The workbook there and readable, its folder writable, no lock left in the way."""
    if not path.is_file():
        fix = "Run `handoffs init` to create it (or `handoffs init --demo` for a sample team)."
        if (path.parent / DEMO_CONFIG).is_file():
            fix = f"To check the demo's workbook, run `handoffs --config {DEMO_CONFIG} doctor`."
        checks.add(failed("workbook", f"no workbook at {path}", fix, USAGE))
        return False
    checks.add(passed("workbook", f"{path} is there"))
    folder = path.parent
    if probe.writable_folder(folder):
        checks.add(passed("folder", f"{folder} is writable (for the workbook and its backup)"))
    else:
        fix = f"Make {folder} writable for this user, or move the workbook to a folder that is."
        checks.add(failed("folder", f"{folder} is not writable", fix, BACKEND))
    _lock(checks, Path(open_backend(Config(sheet=SheetConfig(path=path))).lock_path))
    return True


def _lock(checks: Checklist, lock_path: Path) -> None:
    free, why = probe.lock_free(lock_path)
    if free:
        checks.add(passed("lock", "no other run holds the lock"))
    elif why == "held":
        fix = "Wait for that run to finish (a cron refresh takes seconds), then run again."
        checks.add(failed("lock", f"another handoffs run holds {lock_path} now", fix, LOCKED))
    else:
        fix = f"When no handoffs run is active, delete it: rm '{lock_path}'."
        detail = f"the lock file {lock_path} cannot be taken ({why}): left by another user's run"
        checks.add(failed("lock", detail, fix, BACKEND))


# -- Google Sheets -----------------------------------------------------------------------------


def _google(checks: Checklist, sheet: SheetConfig, env: Mapping[str, str]) -> bool:
    """Credentials (kind, permissions, account, scopes), then the spreadsheet in one request."""
    email = _credentials(checks, sheet.credentials, env)
    try:
        key = spreadsheet_key(sheet.spreadsheet)
    except UsageError as error:
        checks.add(failed("spreadsheet", str(error), "Fix [sheet] spreadsheet.", USAGE))
        return False
    read_only = _sign_in_scope(sheet, env)
    if read_only is None:  # a run would open the browser: doctor never does
        fix = "Run `handoffs validate` once in a terminal: it opens the browser to sign in."
        checks.add(failed("spreadsheet", "not signed in to Google yet", fix, USAGE))
        return False
    try:
        answer = probe.reach(sheet, key, env, read_only=read_only)
    except UsageError as error:
        fix = "Fix [sheet] credentials as the credentials check says."
        checks.add(failed("spreadsheet", f"cannot sign in: {error}", fix, USAGE))
        return False
    if answer.ok:
        detail = f"“{answer.title}” answered ({len(answer.tabs)} tabs), in one request"
        return checks.add(passed("spreadsheet", detail))
    who = email or "the account handoffs signs in as"
    share = f"Share the spreadsheet with {who} as Editor (Share button, top right)."
    if answer.api_disabled:
        where = f" for project {answer.project}" if answer.project else ""
        fix = (
            f"Enable the Google Sheets API{where}: Google Cloud console > APIs & Services > "
            "Library > Google Sheets API > Enable; then wait a few minutes."
        )
    elif answer.reason == "ACCESS_TOKEN_SCOPE_INSUFFICIENT":
        fix = "Sign in again with the spreadsheets scope (see the scopes check)."
    elif answer.code == 404:
        fix = f"Check [sheet] spreadsheet (copy the URL from the browser). {share}"
    elif answer.code in (401, 403):
        fix = share
    else:
        fix = "Check the network, then run again; raise [sheet] retry_seconds if Google is slow."
    said = f"{answer.code} {answer.reason}: " if answer.code else ""
    checks.add(failed("spreadsheet", f"{key}: {said}{answer.message}", fix, BACKEND))
    return False


def _sign_in_scope(sheet: SheetConfig, env: Mapping[str, str]) -> bool | None:
    """Whether to read with the read-only scope: yes, but with "oauth" the scope someone
    signed in with (None: nobody did, and a run would open the browser)."""
    if sheet.credentials == "oauth" and not probe.emulated(env):
        return probe.signed_in(env)
    return True


def _credentials(checks: Checklist, spec: str, env: Mapping[str, str]) -> str:
    """The credentials checks; the account's e-mail, or "" when unknown."""
    if not spec:
        fix = 'Set [sheet] credentials = "<service-account key file>" (or "oauth", or "adc").'
        checks.add(failed("credentials", "[sheet] credentials is not set", fix, USAGE))
        return ""
    if spec == "oauth":
        client, token = probe.oauth_files(env)
        files = [token, client]
    elif spec == "adc":
        files = [probe.adc_file(env)]
        if not files[0].is_file() and "GOOGLE_APPLICATION_CREDENTIALS" not in env:
            detail = f"no {files[0]}: Google's metadata server is asked (a Cloud VM or job)"
            checks.add(passed("credentials", detail))
            return ""
    else:
        files = [Path(spec)]
    found = next((f for f in files if f.is_file()), files[-1])
    key = probe.inspect_key_file(found)
    if key.problem:
        fix = _missing_credentials_fix(spec)
        checks.add(failed("credentials", f"{found}: {key.problem}", fix, USAGE))
        return ""
    expected = {
        "oauth": (probe.AUTHORIZED_USER, probe.OAUTH_CLIENT),
        "adc": (probe.SERVICE_ACCOUNT, probe.AUTHORIZED_USER),
    }.get(spec, (probe.SERVICE_ACCOUNT,))
    if key.kind not in expected:
        kind = key.kind or "no kind of Google credentials handoffs knows"
        fix = _missing_credentials_fix(spec)
        checks.add(failed("credentials", f"{found} holds {kind}", fix, USAGE))
    else:
        checks.add(passed("credentials", f"{found} holds {key.kind}"))
    for check in _key_details(key):
        checks.add(check)
    return key.email


def _missing_credentials_fix(spec: str) -> str:
    if spec == "oauth":
        return (
            'Download a "Desktop app" OAuth client ID as client_secret.json into the folder '
            "named, then run any command once to sign in."
        )
    if spec == "adc":
        return "Run `gcloud auth application-default login` or set GOOGLE_APPLICATION_CREDENTIALS."
    return (
        "Download a JSON key for the service account (Google Cloud console > IAM > Service "
        "accounts > Keys) and name it in [sheet] credentials."
    )


def _key_details(key: probe.KeyFile) -> Iterator[Check]:
    """Permissions, the account's e-mail, the scopes."""
    if key.others_can_read:
        fix = f"Run `chmod 600 {key.path}`: it holds a secret."
        yield failed("key file permissions", f"{key.path} can be read by other users", fix, USAGE)
    else:
        yield passed("key file permissions", f"{key.path} is readable by you only")
    if key.kind == probe.SERVICE_ACCOUNT:
        if key.email:
            yield passed("account", key.email)
        else:
            fix = "Download a fresh key for the service account; this one lacks client_email."
            yield failed("account", "the key names no client_email", fix, USAGE)
    scope = probe.needed_scope()
    if key.kind == probe.AUTHORIZED_USER and key.scopes and scope not in key.scopes:
        fix = f"Sign in again granting {scope} (delete {key.path}, then run any command)."
        yield failed("scopes", f"granted: {', '.join(key.scopes)}", fix, USAGE)
    elif key.kind in (probe.SERVICE_ACCOUNT, probe.AUTHORIZED_USER):
        yield passed("scopes", f"handoffs asks for {scope} (validate: read-only); no Drive scope")


# -- the tabs and the channels -------------------------------------------------------------------


def _tabs(checks: Checklist, config: Config, today: dt.date, *, read_only: bool) -> None:
    """Each input tab there with its headers (an organisation's Teams tab)."""
    schemas = org_schemas() if config.organisation else input_schemas()
    if config.organisation:
        schemas = {"teams": schemas["teams"]}
    titles = [s.title for s in schemas.values()]
    try:
        raw = open_backend(config, read_only=read_only).read(titles)
    except HandoffsError as error:
        name = "workbook readable" if config.sheet.backend == "xlsx" else "tabs readable"
        checks.add(failed(name, "the input tabs cannot be read", str(error), error.exit_code))
        return
    report = validate(raw, today, schemas).report.frame
    for schema in schemas.values():
        checks.add(_tab(schema, raw.get(schema.title), report))


def _tab(schema: TabSchema, tab: RawTab | None, problems: pd.DataFrame) -> Check:
    """The tab there, and no error in its header row or about the whole tab."""
    name = f"{schema.title} tab"
    if tab is None:
        fix = "Run `handoffs init`: it adds the missing tabs and touches nothing else."
        return failed(name, "missing", fix, DATA)
    mine = (problems["tab"] == schema.title) & (problems["severity"] == "error")
    rows = problems[mine & (problems["row"] <= 1)]
    if len(rows):
        first = rows.iloc[0]
        where = f" ({first['cell']})" if first["cell"] else ""
        return failed(name, f"{first['message']}{where}", "Fix the header row as said.", DATA)
    return passed(name, f"headers as expected, {max(len(tab.rows) - 1, 0)} rows")


def _channels(checks: Checklist, notify: NotifyConfig, env: Mapping[str, str]) -> None:
    """Each notice channel parsed by Apprise (nothing sent) and each `${NAME}` it uses set."""
    urls = [(f"[notify] team #{i}", url) for i, url in enumerate(notify.team, start=1)]
    if notify.email.strip():
        urls.append(("[notify] email", notify.email))
    for label, url in urls:
        seen = _Recording(env)
        try:
            if label == "[notify] email":
                channel = email_channel(NotifyConfig(email=url), seen)
            else:
                [channel] = team_channels(NotifyConfig(team=(url,)), seen)
        except UsageError as error:
            message = str(error).replace("[notify] team #1", label)
            checks.add(failed(label, message, "Correct the URL (docs/notices.md).", USAGE))
            continue
        kind = channel.kind if channel is not None else ""
        checks.add(passed(label, f"a {kind}:// URL Apprise accepts (nothing sent)"))
        for name, given in seen.seen.items():  # in the order the URL uses them
            if given:
                checks.add(passed(f"${{{name}}}", f"set (used by {label}; not shown)"))
                continue
            fix = f"export {name}=… in the environment that runs handoffs (cron's too)."
            detail = f"{label} uses ${{{name}}}, which is not set"
            checks.add(failed(f"${{{name}}}", detail, fix, USAGE))


class _Recording(Mapping[str, str]):
    """The environment as `${NAME}` expansion sees it, with a stand-in for each unset name so
    the URL can still be parsed; it records which names were set and which were not."""

    def __init__(self, real: Mapping[str, str]) -> None:
        self.real = real
        self.seen: dict[str, bool] = {}  # name -> set, in the order the URL uses them

    def __getitem__(self, name: str) -> str:
        value = self.real.get(name, "")
        self.seen[name] = bool(value)
        return value or "unset"

    def __contains__(self, name: object) -> bool:
        return True

    def __iter__(self) -> Iterator[str]:
        return iter(self.real)

    def __len__(self) -> int:
        return len(self.real)
