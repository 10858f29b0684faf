"""Connecting to Google: which credentials, which scope per command, and no secret ever shown."""

from __future__ import annotations

import base64
import json
import logging
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
from google.auth.credentials import AnonymousCredentials

from handoffs.backends.google_credentials import (
    READ_ONLY_SCOPES,
    READ_WRITE_SCOPES,
    load_credentials,
    token_path,
)
from handoffs.backends.google_http import Connection, RetryingHTTPClient, connect
from handoffs.backends.gsheets import GoogleSheetsBackend, spreadsheet_key
from handoffs.config import SheetConfig
from handoffs.model.errors import BackendError, UsageError

KEY = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-xyz"
ACCESS_TOKEN = "ya29.secret-access-token-never-shown"


@pytest.fixture(scope="session")
def private_key_pem() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


class TokenServer(BaseHTTPRequestHandler):
    """A stand-in for oauth2.googleapis.com on loopback: records each JWT grant's claims."""

    grants: list[dict[str, Any]]
    refuse = False  # answer like Google does for a revoked or deleted key

    def do_POST(self) -> None:
        form = parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
        payload = form["assertion"][0].split(".")[1]
        self.grants.append(json.loads(base64.urlsafe_b64decode(payload + "==")))
        answer = (
            {"error": "invalid_grant", "error_description": f"Invalid JWT Signature {ACCESS_TOKEN}"}
            if self.refuse
            else {"access_token": ACCESS_TOKEN, "expires_in": 3600, "token_type": "Bearer"}
        )
        body = json.dumps(answer).encode()
        self.send_response(400 if self.refuse else 200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        """Quiet."""


@pytest.fixture
def token_server() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    grants: list[dict[str, Any]] = []
    handler = type("Handler", (TokenServer,), {"grants": grants})
    server = HTTPServer(("127.0.0.1", 0), handler)
    # a short poll: shutdown() waits up to one poll interval (0.5 s by default), per test
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/token", grants
    server.shutdown()
    server.server_close()


def write_key(path: Path, pem: str, token_uri: str = "https://oauth2.googleapis.com/token") -> Path:
    path.write_text(
        json.dumps(
            {
                "type": "service_account",
                "project_id": "team-handoffs",
                "private_key_id": "abc123",
                "private_key": pem,
                "client_email": "handoffs-bot@team-handoffs.iam.gserviceaccount.com",
                "client_id": "1234567890",
                "token_uri": token_uri,
            }
        )
    )
    path.chmod(0o600)
    return path


def gsheets_config(folder: Path, credentials: str) -> Path:
    config = folder / "handoffs.toml"
    config.write_text(
        f'[sheet]\nbackend = "gsheets"\nspreadsheet = "{KEY}"\n'
        f'credentials = "{credentials}"\nretry_seconds = 0.2\n'
    )
    return config


@pytest.mark.parametrize(
    ("command", "scope"),
    [
        (["validate"], "https://www.googleapis.com/auth/spreadsheets.readonly"),
        (["refresh"], "https://www.googleapis.com/auth/spreadsheets"),
        (["init"], "https://www.googleapis.com/auth/spreadsheets"),
        (
            ["flag", "--handoff", "RPT-01", "--what", "x"],
            "https://www.googleapis.com/auth/spreadsheets",
        ),
    ],
)
def test_each_command_asks_google_for_the_narrowest_scope_and_never_prints_secrets(
    run, tmp_path: Path, private_key_pem: str, token_server: Any, command: list[str], scope: str
) -> None:
    token_uri, grants = token_server
    write_key(tmp_path / "key.json", private_key_pem, token_uri)
    # Sign-in succeeds on the loopback token server; the Sheets call itself cannot leave
    # this machine, so the run ends with exit 3 after its (tiny) retry budget.
    result = run(*command, config=gsheets_config(tmp_path, "key.json"), expect=3)
    assert [grant["scope"] for grant in grants][:1] == [scope]
    assert "nothing was written" in result.stderr.lower()
    for secret in (ACCESS_TOKEN, "PRIVATE KEY", private_key_pem.splitlines()[1]):
        assert secret not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_a_refused_sign_in_exits_3_without_echoing_googles_reply(
    run, tmp_path: Path, private_key_pem: str, token_server: Any
) -> None:
    token_uri, grants = token_server
    TokenServer.refuse = True
    try:
        write_key(tmp_path / "key.json", private_key_pem, token_uri)
        result = run("validate", config=gsheets_config(tmp_path, "key.json"), expect=3)
    finally:
        TokenServer.refuse = False
    assert len(grants) == 1  # a refusal is final: no retry
    assert result.stderr.startswith(
        "Error: Google did not accept the credentials (RefreshError); check [sheet] credentials"
    )
    assert ACCESS_TOKEN not in result.stderr


def test_a_service_account_key_gets_the_scope_and_names_the_account(
    tmp_path: Path, private_key_pem: str
) -> None:
    key = write_key(tmp_path / "key.json", private_key_pem)
    credentials, identity = load_credentials(str(key), READ_ONLY_SCOPES, {})
    assert tuple(credentials.scopes) == READ_ONLY_SCOPES
    assert identity == "the service account handoffs-bot@team-handoffs.iam.gserviceaccount.com"


def test_application_default_credentials_get_the_scope(
    tmp_path: Path, private_key_pem: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = write_key(tmp_path / "adc.json", private_key_pem)
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key))
    credentials, identity = load_credentials("adc", READ_WRITE_SCOPES, {})
    assert tuple(credentials.scopes) == READ_WRITE_SCOPES
    assert "drive" not in " ".join(credentials.scopes)
    assert identity == "the account handoffs-bot@team-handoffs.iam.gserviceaccount.com"


def test_oauth_uses_the_cached_token_for_that_scope(tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    token = token_path(READ_ONLY_SCOPES, env)
    assert token == tmp_path / "config" / "handoffs" / "authorized_user.readonly.json"
    assert token_path(READ_WRITE_SCOPES, env).name == "authorized_user.json"
    token.parent.mkdir(parents=True)
    token.write_text(
        json.dumps(
            {
                "refresh_token": "r",
                "client_id": "c",
                "client_secret": "s",
                "type": "authorized_user",
            }
        )
    )
    credentials, identity = load_credentials("oauth", READ_ONLY_SCOPES, env)
    assert tuple(credentials.scopes) == READ_ONLY_SCOPES
    assert identity == "your Google account"


def test_oauth_without_a_client_id_says_where_to_put_it(tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path)}
    with pytest.raises(UsageError) as raised:
        load_credentials("oauth", READ_WRITE_SCOPES, env)
    secret = tmp_path / ".config" / "handoffs" / "client_secret.json"
    assert str(raised.value) == (
        'credentials = "oauth" needs an OAuth client ID: create one of type "Desktop app" in the '
        "Google Cloud console (APIs & Services > Credentials), download its JSON to "
        f"{secret}, and run again."
    )


def test_a_key_file_others_can_read_gets_a_warning(
    tmp_path: Path, private_key_pem: str, caplog: pytest.LogCaptureFixture
) -> None:
    key = write_key(tmp_path / "key.json", private_key_pem)
    with caplog.at_level(logging.WARNING, logger="handoffs"):
        load_credentials(str(key), READ_ONLY_SCOPES, {})
        assert caplog.messages == []
        key.chmod(0o644)
        load_credentials(str(key), READ_ONLY_SCOPES, {})
    assert caplog.messages == [
        f"handoffs: {key} can be read by other users of this computer; run `chmod 600 {key}`."
    ]


def test_a_file_that_is_not_a_key_is_refused_without_echoing_it(tmp_path: Path) -> None:
    oauth_client = tmp_path / "client.json"
    oauth_client.write_text(json.dumps({"installed": {"client_secret": "do-not-show-me"}}))
    oauth_client.chmod(0o600)
    with pytest.raises(UsageError) as raised:
        load_credentials(str(oauth_client), READ_ONLY_SCOPES, {})
    assert "is not a service-account key" in str(raised.value)
    assert "do-not-show-me" not in str(raised.value)


def test_a_missing_key_file_is_looked_for_beside_the_config(run, tmp_path: Path) -> None:
    folder = tmp_path / "team"
    folder.mkdir()
    result = run("validate", config=gsheets_config(folder, "nowhere.json"), expect=2)
    assert f"there is no key file at {folder / 'nowhere.json'}." in result.stderr


def test_permission_denied_says_whom_to_share_the_sheet_with(tmp_path: Path) -> None:
    import requests

    class Refusing(requests.Session):
        def request(self, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
            response = requests.Response()
            response.status_code = 403
            error = {"code": 403, "status": "PERMISSION_DENIED",
                     "message": "The caller does not have permission"}  # fmt: skip
            response._content = json.dumps({"error": error}).encode()
            return response

    connection = Connection(RetryingHTTPClient(Refusing()), "the service account bot@x.iam")
    backend = GoogleSheetsBackend(KEY, lambda: connection, lock_folder=tmp_path, read_only=True)
    with pytest.raises(BackendError) as raised:
        backend.read(["Team"])
    assert str(raised.value) == (
        f"Google Sheets refused access to https://docs.google.com/spreadsheets/d/{KEY} "
        "(403 PERMISSION_DENIED: The caller does not have permission). Share the sheet with "
        "the service account bot@x.iam as Viewer (Share button, top right). Nothing was written."
    )


def test_constructing_the_backend_does_no_io(tmp_path: Path) -> None:
    sheet = SheetConfig(backend="gsheets", spreadsheet=KEY, credentials=str(tmp_path / "none.json"))
    backend = GoogleSheetsBackend.from_config(sheet, environ={"HOME": str(tmp_path)})
    assert backend.location == f"https://docs.google.com/spreadsheets/d/{KEY}"
    assert backend.lock_path == str(tmp_path / ".cache" / "handoffs" / "locks" / f"{KEY}.lock")
    with pytest.raises(UsageError, match="there is no key file"):
        backend.read(["Team"])  # the key file is looked at only now


def test_the_emulator_variable_sends_anonymous_traffic_to_it_ignoring_proxies() -> None:
    sheet = SheetConfig(backend="gsheets", spreadsheet=KEY, credentials="key-never-read.json")
    connection = connect(sheet, read_only=True, environ={"SHEETS_EMULATOR_HOST": "127.0.0.1:8089"})
    session = connection.client.session
    assert isinstance(session.credentials, AnonymousCredentials)  # type: ignore[attr-defined]
    assert session.trust_env is False
    assert connection.client.api_base == "http://127.0.0.1:8089"
    assert connection.identity == "the emulator at 127.0.0.1:8089"


@pytest.mark.parametrize(
    "text",
    [
        f"https://docs.google.com/spreadsheets/d/{KEY}/edit#gid=0",
        f"https://docs.google.com/spreadsheets/d/{KEY}",
        f"  {KEY} ",
    ],
)
def test_the_spreadsheet_is_given_by_url_or_key(text: str) -> None:
    assert spreadsheet_key(text) == KEY


def test_a_spreadsheet_that_is_neither_url_nor_key_is_refused() -> None:
    with pytest.raises(UsageError) as raised:
        spreadsheet_key("Team handoffs")
    assert str(raised.value).startswith(
        "[sheet] spreadsheet = 'Team handoffs' is neither a Google Sheets URL nor a key"
    )


@pytest.mark.parametrize("content", ["[]", '"key"', "null", "{not json", b"\xff\xfe"], ids=str)
def test_a_key_file_that_is_not_a_json_object_is_refused(tmp_path: Path, content: Any) -> None:
    key = tmp_path / "key.json"
    key.write_bytes(content if isinstance(content, bytes) else content.encode())
    key.chmod(0o600)
    with pytest.raises(UsageError) as raised:
        load_credentials(str(key), READ_ONLY_SCOPES, {})
    assert str(raised.value) == (
        f'[sheet] credentials: {key} is not a service-account key (a JSON file with "type": '
        '"service_account"). For your own Google account use credentials = "oauth".'
    )


def test_a_user_sign_in_token_is_refused_as_the_message_says(
    tmp_path: Path, private_key_pem: str
) -> None:
    """Even with a service account's fields in it, a file whose type is not service_account
    is not one (the library alone would accept it)."""
    key = write_key(tmp_path / "key.json", private_key_pem)
    key.write_text(key.read_text().replace('"service_account"', '"authorized_user"'))
    with pytest.raises(UsageError) as raised:
        load_credentials(str(key), READ_ONLY_SCOPES, {})
    assert str(raised.value) == (
        f'[sheet] credentials: {key} is a user sign-in token ("type": "authorized_user"), not a '
        'service-account key. To sign in as yourself use credentials = "oauth"; for cron, '
        'download a service-account key ("type": "service_account").'
    )


@pytest.mark.skipif(not Path("/proc/self/mem").is_file(), reason="needs Linux /proc")
def test_a_key_file_that_cannot_be_read_says_so(run, tmp_path: Path) -> None:
    """/proc/self/mem is a file whose plain read fails (EIO), even for root."""
    result = run("validate", config=gsheets_config(tmp_path, "/proc/self/mem"), expect=2)
    assert result.stderr == (
        "Error: [sheet] credentials: cannot read /proc/self/mem (Input/output error); check the "
        "file's permissions (the user running handoffs must be able to read it).\n"
    )


def test_the_adc_sign_in_hint_gives_the_scope_every_command_can_use(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`validate` asks for read-only access, but the login it suggests must serve `refresh` too."""
    monkeypatch.setenv("NO_GCE_CHECK", "true")
    with pytest.raises(UsageError) as raised:
        load_credentials("adc", READ_ONLY_SCOPES, {})
    assert str(raised.value) == (
        'credentials = "adc" found no Application Default Credentials; run `gcloud auth '
        "application-default login --scopes=https://www.googleapis.com/auth/spreadsheets,"
        "https://www.googleapis.com/auth/cloud-platform` or set GOOGLE_APPLICATION_CREDENTIALS."
    )


@pytest.mark.parametrize("content", ["[]", "{not json"])
def test_adc_pointing_at_a_broken_file_names_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str
) -> None:
    broken = tmp_path / "adc.json"
    broken.write_text(content)
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(broken))
    with pytest.raises(UsageError) as raised:
        load_credentials("adc", READ_WRITE_SCOPES, {})
    assert str(raised.value) == (
        f'credentials = "adc": GOOGLE_APPLICATION_CREDENTIALS points at {broken}, which is not '
        "a service-account key or an application-default login; fix the variable or unset it."
    )


@pytest.mark.parametrize("content", ["[]", '{"other": {}}', "{not json"])
def test_oauth_with_a_broken_client_id_file_says_what_to_download(
    tmp_path: Path, content: str
) -> None:
    env = {"HOME": str(tmp_path)}
    secret = tmp_path / ".config" / "handoffs" / "client_secret.json"
    secret.parent.mkdir(parents=True)
    secret.write_text(content)
    with pytest.raises(UsageError) as raised:
        load_credentials("oauth", READ_WRITE_SCOPES, env)
    assert str(raised.value) == (
        f'credentials = "oauth": {secret} is not an OAuth client ID file; download the JSON of '
        'a "Desktop app" client from the Google Cloud console (APIs & Services > Credentials) '
        "to that path."
    )


def test_a_cached_token_that_is_not_a_json_object_is_ignored(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    env = {"HOME": str(tmp_path)}
    token = token_path(READ_WRITE_SCOPES, env)
    token.parent.mkdir(parents=True)
    token.write_text("[]")
    with caplog.at_level(logging.WARNING, logger="handoffs"), pytest.raises(UsageError):
        load_credentials("oauth", READ_WRITE_SCOPES, env)  # then asks for the client ID
    assert caplog.messages == [
        f"handoffs: ignoring the unreadable sign-in token {token}; signing in again."
    ]
