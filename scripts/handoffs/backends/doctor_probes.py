"""What `handoffs doctor` looks at in the outside world, without changing it: a credentials
file's kind, permissions, account and scopes; a folder's write permission; the run lock; one
request to the spreadsheet. Credentials are read, never printed: only their kind, e-mail and
scopes leave this module.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout
from google.auth.exceptions import GoogleAuthError
from gspread.exceptions import APIError

from handoffs.backends.google_credentials import (
    READ_WRITE_SCOPES,
    config_folder,
    scopes_for,
    token_path,
)
from handoffs.backends.google_http import EMULATOR_ENV, SHEETS_API, GaveUp, UncertainWrite, connect
from handoffs.backends.lock import LOCK_FILE_MODE
from handoffs.config import SheetConfig

SERVICE_ACCOUNT = "a service account key"
OAUTH_CLIENT = "an OAuth client ID"
AUTHORIZED_USER = "an authorized user token (a person's sign-in)"
ADC_FILE = (
    "application_default_credentials.json"  # where `gcloud auth application-default login` writes
)
_PROJECT = re.compile(r"project[= ]([\w-]+)")


@dataclass(frozen=True)
class KeyFile:
    """A credentials file as doctor sees it; `problem` says why it could not be read."""

    path: Path
    kind: str = ""  # SERVICE_ACCOUNT, OAUTH_CLIENT, AUTHORIZED_USER, or "" when unknown
    email: str = ""  # the service account's e-mail
    scopes: tuple[str, ...] = ()  # those a token was granted (an authorized user's)
    others_can_read: bool = False
    problem: str = ""


def inspect_key_file(path: Path) -> KeyFile:
    """Which kind of Google credentials `path` holds, whose, and who else can read it."""
    if not path.is_file():
        return KeyFile(path, problem=f"there is no file at {path}")
    others = os.name == "posix" and bool(path.stat().st_mode & 0o077)
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        return KeyFile(path, others_can_read=others, problem=f"cannot read it ({exc.strerror})")
    except ValueError:  # not JSON, or not UTF-8: never quote it
        return KeyFile(path, others_can_read=others, problem="it is not a JSON credentials file")
    if not isinstance(info, dict):
        return KeyFile(path, others_can_read=others, problem="it is not a JSON credentials file")
    return KeyFile(path, *_kind(info), others_can_read=others)


def _kind(info: Mapping[str, Any]) -> tuple[str, str, tuple[str, ...]]:
    if info.get("type") == "service_account":
        return SERVICE_ACCOUNT, str(info.get("client_email") or ""), ()
    if info.get("type") == "authorized_user":
        scopes = info.get("scopes") or info.get("scope") or ()
        listed = scopes.split() if isinstance(scopes, str) else [str(s) for s in scopes]
        return AUTHORIZED_USER, str(info.get("account") or ""), tuple(listed)
    if {"installed", "web"} & set(info):
        return OAUTH_CLIENT, "", ()
    return "", "", ()


def oauth_files(environ: Mapping[str, str]) -> tuple[Path, Path]:
    """(the OAuth client ID file, the cached read-write sign-in token) of `credentials = "oauth"`."""
    folder = config_folder(environ)
    return folder / "client_secret.json", folder / "authorized_user.json"


def signed_in(environ: Mapping[str, str]) -> bool | None:
    """With `credentials = "oauth"`: whether the cached sign-in is read-only (False: it can
    write), or None when nobody signed in yet (a run would open the browser)."""
    for read_only in (False, True):
        if token_path(scopes_for(read_only), environ).is_file():
            return read_only
    return None


def adc_file(environ: Mapping[str, str]) -> Path:
    """The file Application Default Credentials use: $GOOGLE_APPLICATION_CREDENTIALS, else
    gcloud's application-default login."""
    named = environ.get("GOOGLE_APPLICATION_CREDENTIALS", "").strip()
    if named:
        return Path(named).expanduser()
    base = environ.get("CLOUDSDK_CONFIG") or str(Path(environ.get("HOME", "~")) / ".config/gcloud")
    return Path(base).expanduser() / ADC_FILE


def emulated(environ: Mapping[str, str]) -> bool:
    """SHEETS_EMULATOR_HOST is set: requests go to the emulator, signed in as nobody."""
    return bool(environ.get(EMULATOR_ENV, "").strip())


def needed_scope() -> str:
    return READ_WRITE_SCOPES[0]


def writable_folder(folder: Path) -> bool:
    return os.access(folder, os.W_OK | os.X_OK)


def lock_free(lock_path: Path) -> tuple[bool, str]:
    """(True, "") when no run holds the lock and it can be taken; else (False, why), "held"
    when another run holds it now. Creates no lock file."""
    if not lock_path.exists():
        return True, ""
    lock = FileLock(lock_path, timeout=0, mode=LOCK_FILE_MODE)
    try:
        lock.acquire()
    except Timeout:
        return False, "held"
    except OSError as exc:
        return False, exc.strerror or type(exc).__name__
    lock.release()
    return True, ""


@dataclass(frozen=True)
class Reach:
    """One request for the spreadsheet's title and tabs, and what Google answered."""

    title: str = ""
    tabs: tuple[str, ...] = ()
    code: int = 0  # the HTTP status of a refusal; 0 when it answered or never did
    reason: str = ""  # ErrorInfo reason or error reason (SERVICE_DISABLED, accessNotConfigured)
    message: str = ""  # Google's message of a refusal, or what went wrong on the way
    project: str = ""  # the Cloud project a disabled API names

    @property
    def ok(self) -> bool:
        return not self.code and not self.message

    @property
    def api_disabled(self) -> bool:
        return self.code == 403 and (
            self.reason in ("SERVICE_DISABLED", "accessNotConfigured")
            or "has not been used in project" in self.message
        )


def reach(
    sheet: SheetConfig, key: str, environ: Mapping[str, str], *, read_only: bool = True
) -> Reach:
    """GET the spreadsheet's title and tab titles: one request. Raises the UsageError
    `connect` raises for credentials it cannot use."""
    connection = connect(sheet, read_only=read_only, environ=environ)
    try:
        response = connection.client.request(
            "get",
            f"{SHEETS_API}/v4/spreadsheets/{key}",
            params={"fields": "properties.title,sheets.properties.title"},
        )
    except APIError as error:
        return _refusal(error)
    except (GaveUp, UncertainWrite) as error:
        return Reach(message=f"Google Sheets could not be reached ({error.reason})")
    except GoogleAuthError as error:
        return Reach(message=f"Google did not accept the credentials ({type(error).__name__})")
    book = response.json()
    tabs = tuple(s["properties"]["title"] for s in book.get("sheets", []))
    return Reach(title=str(book.get("properties", {}).get("title", "")), tabs=tabs)


def _refusal(error: APIError) -> Reach:
    body = error.error if isinstance(error.error, dict) else {}
    message = str(body.get("message", "")).strip()
    reasons = [d.get("reason", "") for d in body.get("details", []) if isinstance(d, dict)]
    reasons += [e.get("reason", "") for e in body.get("errors", []) if isinstance(e, dict)]
    reason = next((r for r in reasons if r), str(body.get("status", "")))
    found = _PROJECT.search(message)
    return Reach(
        code=error.code, reason=reason, message=message, project=found.group(1) if found else ""
    )
