"""Test-only clients that reach the emulator without touching gspread.

A requests session whose adapters rewrite https://sheets.googleapis.com/ (and Drive's
https://www.googleapis.com/, which the emulator answers with 404, so nothing leaks to Google) to
the emulator, with anonymous credentials (google-auth's documented choice for local emulators).
"""

from __future__ import annotations

from typing import Any

import gspread
from google.auth.credentials import AnonymousCredentials
from google.auth.transport.requests import AuthorizedSession
from requests import PreparedRequest, Response, Session
from requests.adapters import HTTPAdapter

SHEETS_ORIGIN = "https://sheets.googleapis.com/"
GOOGLE_APIS_ORIGIN = "https://www.googleapis.com/"


class EmulatorAdapter(HTTPAdapter):
    """Sends every `{origin}...` request to `http://{host}/...` instead."""

    def __init__(self, host: str, origin: str = SHEETS_ORIGIN) -> None:
        super().__init__()
        self.host, self.origin = host, origin

    def send(self, request: PreparedRequest, **kwargs: Any) -> Response:  # type: ignore[override]
        assert request.url is not None and request.url.startswith(self.origin)
        request.url = f"http://{self.host}/{request.url[len(self.origin) :]}"
        return super().send(request, **kwargs)


def emulator_session(host: str) -> Session:
    """An authorized session with anonymous credentials whose Google traffic goes to `host`.

    `trust_env` is off so proxy variables cannot divert 127.0.0.1 traffic.
    """
    session = AuthorizedSession(AnonymousCredentials())
    session.trust_env = False
    session.mount(SHEETS_ORIGIN, EmulatorAdapter(host))
    session.mount(GOOGLE_APIS_ORIGIN, EmulatorAdapter(host, GOOGLE_APIS_ORIGIN))
    return session


def gspread_client(host: str) -> gspread.Client:
    """The real gspread client, talking to the emulator at `host`."""
    return gspread.Client(auth=AnonymousCredentials(), session=emulator_session(host))
