"""Who the Google Sheets backend acts as (docs/configuration.md#google-sheets): a service-account
key file, Application Default Credentials, or the user's own sign-in through a desktop OAuth
client, its token kept in the user's config folder; always the narrowest scope a command needs.

Key files and tokens hold secrets: messages name the file, never quote it.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import google.auth
from google.auth.credentials import Credentials
from google.auth.exceptions import DefaultCredentialsError
from google.oauth2 import service_account
from google.oauth2.credentials import Credentials as UserCredentials
from gspread.auth import local_server_flow

from handoffs.model.errors import UsageError

log = logging.getLogger("handoffs")

READ_ONLY_SCOPES = ("https://www.googleapis.com/auth/spreadsheets.readonly",)
READ_WRITE_SCOPES = ("https://www.googleapis.com/auth/spreadsheets",)


def scopes_for(read_only: bool) -> tuple[str, ...]:
    """The narrowest scope: `validate` reads only; nothing ever needs Drive."""
    return READ_ONLY_SCOPES if read_only else READ_WRITE_SCOPES


def load_credentials(
    spec: str, scopes: Sequence[str], environ: Mapping[str, str]
) -> tuple[Credentials, str]:
    """Credentials for `[sheet] credentials`: a key file path, "oauth" or "adc"."""
    if spec == "adc":
        return _application_default(scopes)
    if spec == "oauth":
        return _user_sign_in(scopes, environ)
    if not spec:
        raise UsageError(
            '[sheet] backend = "gsheets" needs credentials = "<service-account key file>" '
            '(or "oauth" to sign in as yourself, or "adc" for Application Default Credentials).'
        )
    return _service_account(Path(spec).expanduser(), scopes)


def _service_account(path: Path, scopes: Sequence[str]) -> tuple[Credentials, str]:
    if not path.is_file():
        raise UsageError(
            f"[sheet] credentials: there is no key file at {path}. Download a JSON key for the "
            "service account (Google Cloud console > IAM > Service accounts > Keys)."
        )
    if os.name == "posix" and path.stat().st_mode & 0o077:
        log.warning(
            "handoffs: %s can be read by other users of this computer; run `chmod 600 %s`.",
            path,
            path,
        )
    info = _json_object(path, "[sheet] credentials")
    kind = info.get("type") if info is not None else None
    if kind == "authorized_user":
        raise UsageError(
            f'[sheet] credentials: {path} is a user sign-in token ("type": "authorized_user"), '
            'not a service-account key. To sign in as yourself use credentials = "oauth"; for '
            'cron, download a service-account key ("type": "service_account").'
        )
    try:
        if info is None or kind != "service_account":
            raise ValueError(kind)
        credentials = service_account.Credentials.from_service_account_info(
            info, scopes=list(scopes)
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        # The library's message may quote the file; say what is wrong without echoing it.
        raise UsageError(
            f'[sheet] credentials: {path} is not a service-account key (a JSON file with "type": '
            '"service_account"). For your own Google account use credentials = "oauth".'
        ) from None
    return credentials, f"the service account {credentials.service_account_email}"


def _json_object(path: Path, what: str) -> dict[str, Any] | None:
    """The JSON object in a credentials file; None when it is not JSON or not an object.
    Never echoes the content: it holds secrets."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None
    except OSError as exc:
        raise UsageError(
            f"{what}: cannot read {path} ({exc.strerror or type(exc).__name__}); check the "
            "file's permissions (the user running handoffs must be able to read it)."
        ) from None
    try:
        info = json.loads(text)
    except ValueError:
        return None
    return info if isinstance(info, dict) else None


def _application_default(scopes: Sequence[str]) -> tuple[Credentials, str]:
    try:
        credentials, _ = google.auth.default(scopes=list(scopes))
    except (DefaultCredentialsError, ValueError, KeyError, TypeError, AttributeError):
        named = os.environ.get("GOOGLE_APPLICATION_CREDENTIALS")
        if named and Path(named).is_file():
            raise UsageError(
                f'credentials = "adc": GOOGLE_APPLICATION_CREDENTIALS points at {named}, which '
                "is not a service-account key or an application-default login; fix the "
                "variable or unset it."
            ) from None
        # One sign-in serves every command: the read-write scope, even when `validate` (which
        # asks for read-only) is the first to need it; a read-only login would fail `refresh`.
        raise UsageError(
            'credentials = "adc" found no Application Default Credentials; run '
            "`gcloud auth application-default login --scopes="
            f"{','.join(READ_WRITE_SCOPES)},https://www.googleapis.com/auth/cloud-platform` "
            "or set GOOGLE_APPLICATION_CREDENTIALS."
        ) from None
    email = getattr(credentials, "service_account_email", None)
    return credentials, f"the account {email}" if email else "your Application Default Credentials"


def config_folder(environ: Mapping[str, str]) -> Path:
    """Where handoffs keeps the OAuth client and tokens: the user's config folder."""
    if os.name == "nt" and environ.get("APPDATA"):
        return Path(environ["APPDATA"]) / "handoffs"
    base = environ.get("XDG_CONFIG_HOME") or str(Path(environ.get("HOME", "~")) / ".config")
    return Path(base).expanduser() / "handoffs"


def token_path(scopes: Sequence[str], environ: Mapping[str, str]) -> Path:
    """One cached token per scope set, so `validate` never holds write access it did not ask for."""
    name = (
        "authorized_user.readonly.json"
        if tuple(scopes) == READ_ONLY_SCOPES
        else "authorized_user.json"
    )
    return config_folder(environ) / name


def _user_sign_in(scopes: Sequence[str], environ: Mapping[str, str]) -> tuple[Credentials, str]:
    token = token_path(scopes, environ)
    if token.is_file():
        try:
            return UserCredentials.from_authorized_user_file(
                str(token), list(scopes)
            ), "your Google account"
        except (ValueError, KeyError, TypeError, AttributeError):
            log.warning(
                "handoffs: ignoring the unreadable sign-in token %s; signing in again.", token
            )
    secret = config_folder(environ) / "client_secret.json"
    if not secret.is_file():
        raise UsageError(
            f'credentials = "oauth" needs an OAuth client ID: create one of type "Desktop app" '
            f"in the Google Cloud console (APIs & Services > Credentials), download its JSON to "
            f"{secret}, and run again."
        )
    client_config = _json_object(secret, 'credentials = "oauth"')
    if client_config is None or not ({"installed", "web"} & set(client_config)):
        raise UsageError(
            f'credentials = "oauth": {secret} is not an OAuth client ID file; download the JSON '
            'of a "Desktop app" client from the Google Cloud console (APIs & Services > '
            "Credentials) to that path."
        )
    credentials = local_server_flow(client_config, list(scopes))  # opens the browser once
    token.parent.mkdir(parents=True, exist_ok=True)
    # The refresh token is a password: create the file private rather than chmod it afterwards.
    handle = os.open(token, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        stream.write(credentials.to_json(strip=["token"]))
    return credentials, "your Google account"
