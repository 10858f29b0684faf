"""A faithful in-memory Google Sheets API v4 emulator for tests (stdlib only at run time).

The real gspread client talks to it over HTTP on 127.0.0.1; see `client.py` for a session
that sends https://sheets.googleapis.com/ traffic there, and `python -m tests.sheets_emulator`
for a standalone server.
"""

from .discovery import ResponseMismatch, check_response
from .emulator import Fault, LoggedRequest, SheetsEmulator

__all__ = ["Fault", "LoggedRequest", "ResponseMismatch", "SheetsEmulator", "check_response"]
