"""The HTTP side of the Google Sheets backend: credentials, scopes, the emulator seam, retries.

`connect()` is the one factory that turns `[sheet]` configuration and the environment into a
gspread HTTP client. `SHEETS_EMULATOR_HOST=host:port` (after Google's `*_EMULATOR_HOST`
convention) sends every Sheets call to `http://host:port` with anonymous credentials, so the
tests run the very code path production runs.

Retries: gspread's BackOffHTTPClient retries forever, without jitter and never on connection
errors, so `RetryingHTTPClient` does its own: exponential backoff with full jitter, bounded by a
time budget (`retry_seconds`) shared by every request of the run.
"""

from __future__ import annotations

import json
import logging
import os
import random
import time
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gspread
import requests
from google.auth.credentials import AnonymousCredentials, Credentials
from google.auth.exceptions import DefaultCredentialsError, TransportError
from google.auth.transport.requests import AuthorizedSession
from gspread.http_client import FileType, ParamsType
from urllib3.exceptions import NewConnectionError

from handoffs.config import SheetConfig
from handoffs.model.errors import UsageError

log = logging.getLogger("handoffs")

SHEETS_API = "https://sheets.googleapis.com"
EMULATOR_ENV = "SHEETS_EMULATOR_HOST"
READ_ONLY_SCOPES = ("https://www.googleapis.com/auth/spreadsheets.readonly",)
READ_WRITE_SCOPES = ("https://www.googleapis.com/auth/spreadsheets",)
# 408 and 5xx are the server's own "try again"; 429 is the per-minute quota (Google's usage limits: 60 read requests a minute per user).
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})


def scopes_for(read_only: bool) -> tuple[str, ...]:
    """The narrowest scope: `validate` reads only; nothing ever needs Drive."""
    return READ_ONLY_SCOPES if read_only else READ_WRITE_SCOPES


# -- retries ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RetryPolicy:
    """How long to keep trying. The budget covers failed attempts and waits, for the whole run."""

    budget_seconds: float = 60.0
    connect_timeout: float = 10.0
    read_timeout: float = 120.0
    # Each attempt may wait at least this long for an answer, even with a tiny or spent budget:
    # retry_seconds is about retrying, and a large write can take Google a few seconds.
    min_timeout: float = 5.0

    def timeout(self, spent: float) -> tuple[float, float]:
        """(connect, read) timeouts for the next attempt: never beyond what is left of the
        budget, so a server that accepts the connection and never answers costs no more than
        `retry_seconds` (rather than two minutes per request)."""
        left = max(self.budget_seconds - spent, self.min_timeout)
        return min(self.connect_timeout, left), min(self.read_timeout, left)

    @property
    def first_delay(self) -> float:
        # Scaled down for small budgets so that a test budget of 0.5 s still allows retries.
        return min(0.5, self.budget_seconds / 10)

    @property
    def max_delay(self) -> float:
        return min(32.0, max(self.first_delay, self.budget_seconds / 4))

    def delay(self, attempt: int, rng: Callable[[], float]) -> float:
        """Full jitter (AWS architecture blog): uniform in [0, min(cap, base * 2**attempt)]."""
        return rng() * min(self.max_delay, self.first_delay * 2**attempt)


class GaveUp(Exception):
    """The retry budget ran out; `reason` says what kept failing."""

    def __init__(self, reason: str, attempts: int, seconds: float) -> None:
        super().__init__(reason)
        self.reason, self.attempts, self.seconds = reason, attempts, seconds


class UncertainWrite(Exception):
    """A write whose connection broke after it was sent: Google may or may not have applied it.

    Replaying it blindly could apply it twice (a duplicated flag), so the client never does;
    the backend decides, from fresh metadata, whether and how to try again.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _network_failure(error: Exception) -> tuple[str, bool]:
    """(what happened, whether the request may have reached Google)."""
    if isinstance(error, TransportError):  # fetching an access token failed; our call never left
        return "the sign-in server could not be reached", False
    if isinstance(error, requests.ConnectTimeout):
        return "the connection timed out", False
    if isinstance(error, requests.exceptions.SSLError | requests.exceptions.ProxyError):
        return f"the connection failed ({type(error).__name__})", False
    if isinstance(error, requests.ReadTimeout):
        return "no answer in time", True
    if isinstance(error, requests.ConnectionError):
        cause = getattr(error.args[0], "reason", None) if error.args else None
        if isinstance(cause, NewConnectionError):  # refused or unresolvable: nothing was sent
            return "the server could not be reached", False
        return "the connection dropped", True
    return f"a network error ({type(error).__name__})", True


def _error_status(response: requests.Response) -> str:
    try:
        status = response.json()["error"]["status"]
    except (ValueError, KeyError, TypeError):
        status = response.reason or ""
    return f"{response.status_code} {status}".strip()


def _retry_after(response: requests.Response) -> float:
    try:
        return max(0.0, float(response.headers.get("Retry-After", "0")))
    except ValueError:  # an HTTP date: rare from Google, and the jittered delay still applies
        return 0.0


class RetryingHTTPClient(gspread.HTTPClient):
    """gspread's HTTP client with bounded, jittered retries and an optional API base rewrite.

    Reads are retried on 408/429/5xx, connection errors and timeouts. Writes are retried when
    Google answered with one of those statuses (a rejected batchUpdate changed nothing) or when
    the connection failed before anything was sent; a write that broke after being sent raises
    UncertainWrite instead of being replayed.
    """

    def __init__(
        self,
        session: requests.Session,
        *,
        api_base: str = SHEETS_API,
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: Callable[[], float] = random.random,
    ) -> None:
        super().__init__(auth=None, session=session)  # type: ignore[arg-type]
        self.api_base = api_base.rstrip("/")
        self.policy = policy or RetryPolicy()
        self._sleep, self._clock, self._rng = sleep, clock, rng
        self.spent = 0.0  # seconds lost to failures and waits so far in this run
        # Called before every attempt (a roll-up's shared pacer waits there; docs/rollup.md);
        # its own wait is pacing, not failure, so it is not counted in `spent`.
        self.before_attempt: Callable[[], None] = lambda: None
        # Called with the status of every answer to retry (a roll-up's pacer learns of a 429).
        self.on_retry_status: Callable[[int], None] = lambda status: None
        # Called after every attempt, answered or not (the pacer counts the request from then).
        self.after_attempt: Callable[[], None] = lambda: None

    def request(
        self,
        method: str,
        endpoint: str,
        params: ParamsType | None = None,
        data: bytes | None = None,
        json: Mapping[str, Any] | None = None,
        files: FileType = None,
        headers: MutableMapping[str, str] | None = None,
    ) -> requests.Response:
        if endpoint.startswith(SHEETS_API):
            endpoint = self.api_base + endpoint[len(SHEETS_API) :]
        attempt = 0
        while True:
            self.before_attempt()
            started = self._clock()
            wait_at_least = 0.0
            try:
                try:
                    response = self.session.request(
                        method=method,
                        url=endpoint,
                        params=params,
                        data=data,
                        json=json,
                        files=files,
                        headers=headers,
                        timeout=self.policy.timeout(self.spent),
                    )
                finally:
                    self.after_attempt()
            except (requests.RequestException, TransportError) as error:
                reason, sent = _network_failure(error)
                if sent and method.upper() != "GET":
                    self.spent += self._clock() - started
                    raise UncertainWrite(reason) from error
            else:
                if response.ok:
                    return response
                if response.status_code not in RETRY_STATUSES:
                    raise gspread.exceptions.APIError(response)
                self.on_retry_status(response.status_code)
                reason, wait_at_least = _error_status(response), _retry_after(response)
            self.spent += self._clock() - started
            self.backoff(reason, attempt, wait_at_least)
            attempt += 1

    def backoff(self, reason: str, attempt: int, wait_at_least: float = 0.0) -> None:
        """Wait before attempt `attempt + 1`, or raise GaveUp when the budget would run out."""
        wait = max(wait_at_least, self.policy.delay(attempt, self._rng))
        if self.spent + wait > self.policy.budget_seconds:
            raise GaveUp(reason, attempt + 1, self.spent)
        log.debug("Google Sheets: %s; retrying in %.2f s", reason, wait)
        self._sleep(wait)
        self.spent += wait


# -- credentials -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Connection:
    """A ready client, and who it acts as (for "share the sheet with …" messages)."""

    client: RetryingHTTPClient
    identity: str


def connect(
    sheet: SheetConfig, *, read_only: bool, environ: Mapping[str, str] | None = None
) -> Connection:
    """The client for this configuration and environment. Reads key files, never the network."""
    env = os.environ if environ is None else environ
    policy = RetryPolicy(budget_seconds=sheet.retry_seconds)
    emulator = env.get(EMULATOR_ENV, "").strip()
    if emulator:
        session = AuthorizedSession(AnonymousCredentials())
        session.trust_env = False  # proxy variables must not divert loopback traffic
        return Connection(
            RetryingHTTPClient(session, api_base=f"http://{emulator}", policy=policy),
            f"the emulator at {emulator}",
        )
    credentials, identity = load_credentials(sheet.credentials, scopes_for(read_only), env)
    return Connection(RetryingHTTPClient(AuthorizedSession(credentials), policy=policy), identity)


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
    from google.oauth2 import service_account

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
    import google.auth

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
    from google.oauth2.credentials import Credentials as UserCredentials

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
    from gspread.auth import local_server_flow

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
