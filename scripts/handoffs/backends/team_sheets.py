"""Reading many team spreadsheets for a roll-up (docs/rollup.md), read-only, in parallel.

Google Sheets: one `values.batchGet` of the six input tabs by title per team (unformatted,
dates as serial numbers, exactly as a refresh reads them); only when Google refuses a range
(a tab is missing) one metadata request to name the missing tabs: at most 2 reads per team.
Several teams are read at once (`[rollup] concurrency` threads), every attempt paced by one
shared `Pacer` so that no minute exceeds `[rollup] reads_per_minute`; a 429 that happens anyway
makes the pacer hold everyone until the window frees, and the request is retried.

Workbooks: `backends.team_workbooks`.

A reader hands back each team's raw tabs, or why they could not be read: what a team is and
what its figures are belong to the roll-up, not here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

from google.auth.exceptions import GoogleAuthError
from gspread.exceptions import APIError
from gspread.http_client import ParamsType
from gspread.utils import absolute_range_name

from handoffs.backends.google_http import Connection, GaveUp
from handoffs.backends.gsheets_requests import value_rows
from handoffs.backends.pacer import Pacer
from handoffs.backends.team_workbooks import TeamTabs, missing_tabs
from handoffs.model.errors import HandoffsError
from handoffs.model.spreadsheet import RawTab
from handoffs.model.words import counted

VALUE_PARAMS: ParamsType = {
    "valueRenderOption": "UNFORMATTED_VALUE",
    "dateTimeRenderOption": "SERIAL_NUMBER",
    "majorDimension": "ROWS",
}
_UNKNOWN_RANGE = "Unable to parse range"


def no_credentials(error: HandoffsError, credentials: str) -> str:
    """Why no Google team can be read when the organisation's config gives no usable
    credentials (an organisation on a workbook may list Google Sheets teams)."""
    if not credentials:
        return (
            'no credentials for Google Sheets: add credentials = "<service-account key file>" '
            "to the [sheet] section of the organisation's config, and share this team's sheet "
            "with that account as Viewer"
        )
    return f"no credentials for Google Sheets: {error}"


class GoogleTeamReader:
    """Reads team spreadsheets through the Sheets API, one connection per thread.
    `credentials`: the config's `[sheet] credentials`, to say what is missing when the
    connector refuses (then every Google team is unreachable, the others still read)."""

    def __init__(
        self, connector: Callable[[], Connection], pacer: Pacer, credentials: str = ""
    ) -> None:
        self._connector, self._pacer, self._credentials = connector, pacer, credentials
        self._local = threading.local()
        self._refused: str | None = None

    def _connection(self) -> Connection:
        connection: Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._connector()
            connection.client.before_attempt = self._pacer.acquire
            connection.client.on_retry_status = self._pacer.exhausted
            connection.client.after_attempt = self._pacer.finish
            self._local.connection = connection
        return connection

    def read(self, key: str, titles: Sequence[str]) -> TeamTabs:
        """The tabs of one team's spreadsheet; 1 request, 2 when a tab is missing."""
        if self._refused is not None:
            return TeamTabs(None, self._refused)
        try:
            connection = self._connection()
        except HandoffsError as error:  # no credentials, or a key file that cannot be used
            self._refused = no_credentials(error, self._credentials)
            return TeamTabs(None, self._refused)
        client = connection.client
        client.spent = 0.0  # each team has the whole retry budget of [sheet] retry_seconds
        ranges = [absolute_range_name(title) for title in titles]
        try:
            try:
                reply = client.values_batch_get(key, ranges, params=VALUE_PARAMS)
            except APIError as error:
                if error.code != 400 or _UNKNOWN_RANGE not in str(error):
                    raise
                params: ParamsType = {"fields": "sheets.properties.title"}
                book = client.fetch_sheet_metadata(key, params=params)
                found = [s["properties"]["title"] for s in book.get("sheets", [])]
                return missing_tabs(titles, found)
        except APIError as error:
            return TeamTabs(None, refusal(error, key, connection.identity))
        except GaveUp as error:
            return TeamTabs(
                None,
                f"Google Sheets kept failing ({error.reason}) for {error.seconds:.1f} s over "
                f"{counted(error.attempts, 'attempt')}",
            )
        except GoogleAuthError as error:
            return TeamTabs(None, f"Google did not accept the credentials ({type(error).__name__})")
        ranges_read = reply.get("valueRanges", [])
        return TeamTabs(
            {
                title: RawTab(title, value_rows(vr.get("values", ())))
                for title, vr in zip(titles, ranges_read, strict=True)
            }
        )


def refusal(error: APIError, key: str, identity: str) -> str:
    """Why Google refused a team's spreadsheet, and what to do about it."""
    status = error.error.get("status", "")
    if error.code == 404:
        return (
            f"there is no spreadsheet with the key {key} (404 NOT_FOUND); "
            "check the Spreadsheet cell of the Teams tab"
        )
    if error.code == 403:
        return (
            f"the spreadsheet is not shared with {identity} (403 {status}); share it with "
            f"{identity} as Viewer"
        )
    message = str(error.error.get("message", "")).strip()
    return f"Google Sheets refused the request ({error.code} {status}: {message})"
