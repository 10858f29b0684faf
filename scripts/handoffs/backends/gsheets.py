"""A Google Sheet as the spreadsheet (docs/configuration.md), through gspread's low-level HTTP calls.

API budget, whatever the data size (each item is one HTTP request, retries aside):

* read: a metadata `spreadsheets.get` (tab ids, grid sizes, merges, protections, charts; no
  cells), then one `values.batchGet` of every requested tab, unformatted, dates as serial
  numbers (compact: a grid-data `spreadsheets.get` would carry ~7x the bytes for the same
  cells). The metadata is kept for the next write. `read(..., merges=False)` skips it.
* write_generated / initialize: one `spreadsheets.batchUpdate`, atomic by the API's contract
  (plus the metadata request only when nothing was read before; its reply carries the tabs'
  metadata after the write, so a second write in the same run costs no metadata request).
* append_rows: one `values.append` (INSERT_ROWS, RAW): Google picks the row, so rows other
  people add at the same moment are never overwritten, and user text is never parsed.

So validate = 2, refresh = 3 (2 when nothing changed: the generated tabs it compares come in
the same batchGet), flag = 2, init ≤ 3. Tabs are found ignoring case, for reads and writes. Input tabs are never written except by
append_rows and init's sample rows.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from google.auth.exceptions import GoogleAuthError
from gspread.exceptions import APIError
from gspread.http_client import ParamsType
from gspread.urls import SPREADSHEET_BATCH_UPDATE_URL
from gspread.utils import absolute_range_name

from handoffs.backends import foreign_tab, holds_only
from handoffs.backends.google_http import (
    EMULATOR_ENV,
    Connection,
    GaveUp,
    RetryingHTTPClient,
    UncertainWrite,
    connect,
)
from handoffs.backends.gsheets_cells import raw_value
from handoffs.backends.gsheets_messages import (
    credentials_rejected,
    gave_up,
    refused,
    uncertain_write,
)
from handoffs.backends.gsheets_requests import (
    SheetInfo,
    generated_requests,
    init_requests,
    merge_a1,
    new_sheet_id,
    range_title,
    sheet_infos,
    value_rows,
)
from handoffs.backends.lock import private_folder
from handoffs.config import SheetConfig
from handoffs.model.errors import BackendError, UsageError
from handoffs.model.spreadsheet import CellValue, NewTab, RawTab, TabContent, match_title

T = TypeVar("T")
_SHEET_FIELDS = (
    "properties(sheetId,title,gridProperties(rowCount,columnCount)),"
    "protectedRanges(protectedRangeId,description),charts(chartId)"
)
METADATA_FIELDS = f"sheets({_SHEET_FIELDS},merges)"
_KEY = re.compile(r"^[A-Za-z0-9_-]{20,}$")
_URL_KEY = re.compile(r"/spreadsheets/d/([A-Za-z0-9_-]+)")
_UNKNOWN_RANGE = "Unable to parse range"  # Google's 400 for a range naming no existing tab


def spreadsheet_key(text: str) -> str:
    """The key from a spreadsheet URL (…/spreadsheets/d/<key>/edit…), or the key itself."""
    found = _URL_KEY.search(text)
    key = found.group(1) if found else text.strip()
    if not _KEY.match(key):
        raise UsageError(
            f"[sheet] spreadsheet = {text!r} is neither a Google Sheets URL nor a key; copy the "
            "URL from the browser's address bar (https://docs.google.com/spreadsheets/d/…)."
        )
    return key


class _MissingTab(Exception):
    """A values request named a tab the spreadsheet does not have."""


def _on_existing_tabs(
    build: Callable[[Sequence[Any], Mapping[str, SheetInfo]], list[dict[str, Any]]],
    tabs: Sequence[TabContent] | Sequence[NewTab],
    sheets: Mapping[str, SheetInfo],
) -> list[dict[str, Any]]:
    """`build` over tabs renamed to the existing tab each means, found ignoring case."""
    titles = list(sheets)
    named = [replace(tab, title=match_title(titles, tab.title) or tab.title) for tab in tabs]
    return build(named, sheets)


def _send_batch(client: RetryingHTTPClient, *, key: str, body: dict[str, Any]) -> Any:
    # The reply carries the tabs' metadata after the write, so a second write in the same run
    # (notify's record after sending) needs no metadata request of its own.
    params: ParamsType = {"fields": f"updatedSpreadsheet({METADATA_FIELDS})"}
    sent = {**body, "includeSpreadsheetInResponse": True, "responseIncludeGridData": False}
    return client.request(
        "post", SPREADSHEET_BATCH_UPDATE_URL % key, json=sent, params=params
    ).json()


class GoogleSheetsBackend:
    """The Backend protocol over the Sheets API v4. Constructing it does no I/O: the client
    (and any key file) is loaded on the first call, so every request of a run is countable."""

    def __init__(
        self,
        key: str,
        connector: Callable[[], Connection],
        *,
        lock_folder: Path,
        read_only: bool = False,
        endpoint: str = "",
    ) -> None:
        self.key = key
        self.read_only = read_only
        self._connector = connector
        self._connection: Connection | None = None
        self._lock_folder = lock_folder
        self._endpoint = endpoint
        # Tabs as of the last read or write: the next write needs sheet ids, grid sizes,
        # protections and charts, and re-fetching them would cost a request.
        self._sheets: dict[str, SheetInfo] | None = None

    @classmethod
    def from_config(
        cls,
        sheet: SheetConfig,
        *,
        read_only: bool = False,
        environ: Mapping[str, str] | None = None,
    ) -> GoogleSheetsBackend:
        env = dict(os.environ if environ is None else environ)
        cache = env.get("XDG_CACHE_HOME") or str(Path(env.get("HOME", "~")) / ".cache")
        return cls(
            spreadsheet_key(sheet.spreadsheet),
            partial(connect, sheet, read_only=read_only, environ=env),
            lock_folder=Path(cache).expanduser() / "handoffs" / "locks",
            read_only=read_only,
            endpoint=env.get(EMULATOR_ENV, ""),
        )

    @property
    def location(self) -> str:
        if self._endpoint:
            return f"spreadsheet {self.key} on the Sheets emulator at {self._endpoint}"
        return f"https://docs.google.com/spreadsheets/d/{self.key}"

    def tab_url(self, title: str) -> str:
        """The sheet's URL opened on this tab (`#gid=`), for notices; no request: the id comes
        from the last read, or is the stable id a write gives the tab it creates."""
        sheets = self._sheets or {}
        info = sheets.get(title)
        gid = info.sheet_id if info else new_sheet_id(title, {s.sheet_id for s in sheets.values()})
        return f"https://docs.google.com/spreadsheets/d/{self.key}/edit#gid={gid}"

    @property
    def lock_path(self) -> str:
        # Per user and spreadsheet; the emulator's address is part of the name so parallel
        # test workers, each with its own emulator, never share a lock.
        name = self.key
        if self._endpoint:
            name += "-" + hashlib.sha256(self._endpoint.encode()).hexdigest()[:8]
        return str(self._usable_lock_folder() / f"{name}.lock")

    def _usable_lock_folder(self) -> Path:
        """The per-user cache folder, or, when it cannot be made or written (a cron service
        user whose home is /nonexistent), a per-user folder in the system's temporary folder."""
        try:
            self._lock_folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            if os.access(self._lock_folder, os.W_OK | os.X_OK):
                return self._lock_folder
        except OSError:
            pass
        shared = Path(tempfile.gettempdir()) / f"handoffs-{os.getuid()}"
        try:
            return private_folder(shared)
        except OSError:
            return self._lock_folder  # taking the lock then says what is wrong

    def require_existing(self) -> None:
        """A Google Sheet's existence is checked by its first request."""

    # -- reading -------------------------------------------------------------------------------

    def read(
        self, titles: Sequence[str], *, missing_ok: bool = False, merges: bool = True
    ) -> dict[str, RawTab]:
        # missing_ok concerns a workbook file that does not exist yet; a Google Sheet must exist.
        if not merges:
            # Nothing to validate: skip the metadata and read the values straight away; only
            # a missing tab (Google refuses its range) sends us the long way round.
            try:
                rows = self._values(titles, tolerate_missing=True)
                return {title: RawTab(*rows[title]) for title in titles}
            except _MissingTab:
                pass
        book = self._book()
        found = {sheet["properties"]["title"]: sheet for sheet in book.get("sheets", [])}
        existing = {t: real for t in titles if (real := match_title(list(found), t)) is not None}
        rows = self._values(list(existing.values())) if existing else {}
        return {
            title: RawTab(
                real,
                rows[real][1],
                tuple(merge_a1(m) for m in found[real].get("merges", ())) if merges else (),
            )
            for title, real in existing.items()
        }

    def _values(
        self, titles: Sequence[str], tolerate_missing: bool = False
    ) -> dict[str, tuple[str, list[list[Any]]]]:
        """Every cell of these tabs in one values.batchGet: unformatted, dates as serials.
        Title asked for -> (the tab's own title, as Google names it in the reply; rows)."""
        params: ParamsType = {
            "valueRenderOption": "UNFORMATTED_VALUE",
            "dateTimeRenderOption": "SERIAL_NUMBER",
            "majorDimension": "ROWS",
        }
        ranges = [absolute_range_name(title) for title in titles]
        reply = self._call(
            lambda client: client.values_batch_get(self.key, ranges, params=params),
            tolerate_missing=tolerate_missing,
        )
        found = reply.get("valueRanges", [])
        return {
            title: (range_title(vr.get("range", ""), title), value_rows(vr.get("values", ())))
            for title, vr in zip(titles, found, strict=True)
        }

    def _book(self, uncertain: bool = False) -> Mapping[str, Any]:
        """The spreadsheet's metadata (no cell values); remembered for the next write."""
        params: ParamsType = {"fields": METADATA_FIELDS}
        book: Mapping[str, Any] = self._call(
            lambda client: client.fetch_sheet_metadata(self.key, params=params), uncertain
        )
        self._sheets = sheet_infos(book)
        return book

    def _metadata(self, uncertain: bool = False) -> dict[str, SheetInfo]:
        return sheet_infos(self._book(uncertain))

    # -- writing -------------------------------------------------------------------------------

    def write_generated(self, tabs: Sequence[TabContent]) -> None:
        if tabs:
            self._refuse_foreign_tabs(tabs)
            # Rebuilt from fresh metadata, the batch gives the same tabs whether or not an
            # attempt whose connection broke was applied: always safe to send again.
            build = partial(_on_existing_tabs, generated_requests, tabs)
            self._batch_update(build, settled=lambda sheets: False)

    def _refuse_foreign_tabs(self, tabs: Sequence[TabContent]) -> None:
        """A tab named like a generated one but without our protected-range mark is the team's,
        unless it holds nothing but the header (an older `init` left those unmarked): that
        costs one values request, only while such a tab exists."""
        sheets = self._sheets if self._sheets is not None else self._metadata()
        by_title = {title.casefold(): info for title, info in sheets.items()}
        unmarked = {
            info.title: tab.header
            for tab in tabs
            if (info := by_title.get(tab.title.casefold())) is not None and not info.protected
        }
        if unmarked:
            found = self._values(list(unmarked))
            for title, header in unmarked.items():
                if not holds_only(found[title][1], header):
                    raise foreign_tab(title)

    def initialize(self, tabs: Sequence[NewTab]) -> None:
        created = [tab.title for tab in tabs if not tab.exists]

        def settled(sheets: dict[str, SheetInfo]) -> bool:
            # The batch is atomic: one of its new tabs existing proves all of it was applied.
            if not created:
                raise uncertain_write("the new rows", "Check the tabs before running init again.")
            return any(title in sheets for title in created)

        if tabs:
            self._batch_update(partial(_on_existing_tabs, init_requests, tabs), settled=settled)

    def append_rows(self, title: str, rows: Sequence[Sequence[CellValue]]) -> None:
        if not rows:
            return
        params: ParamsType = {
            "valueInputOption": "RAW",
            "insertDataOption": "INSERT_ROWS",
            "includeValuesInResponse": False,
        }
        body = {"majorDimension": "ROWS", "values": [[raw_value(v) for v in row] for row in rows]}
        target = absolute_range_name(title, "A1")
        try:
            self._call(lambda client: client.values_append(self.key, target, params, body))
        except UncertainWrite:
            raise uncertain_write(
                f"the rows for {title}", f"Check the {title} tab before running it again."
            ) from None
        self._sheets = None  # grid sizes changed

    def _batch_update(
        self,
        build: Callable[[dict[str, SheetInfo]], list[dict[str, Any]]],
        settled: Callable[[dict[str, SheetInfo]], bool],
    ) -> None:
        """Send one batchUpdate; after a broken connection, look again and resend if needed."""
        attempt, uncertain = 0, False
        while True:
            sheets = self._sheets if self._sheets is not None else self._metadata(uncertain)
            if uncertain and settled(sheets):
                return
            body = {"requests": build(sheets)}
            self._sheets = None  # whatever happens next, what we knew is out of date
            try:
                reply = self._call(partial(_send_batch, key=self.key, body=body), uncertain)
                if isinstance(reply, dict) and "updatedSpreadsheet" in reply:
                    self._sheets = sheet_infos(reply["updatedSpreadsheet"])
                return
            except UncertainWrite as error:
                uncertain = True
                wait = partial(RetryingHTTPClient.backoff, reason=error.reason, attempt=attempt)
            self._call(wait, uncertain)
            attempt += 1

    # -- calls and errors ------------------------------------------------------------------------

    @property
    def _client(self) -> RetryingHTTPClient:
        if self._connection is None:
            self._connection = self._connector()
        return self._connection.client

    def _call(
        self,
        action: Callable[[RetryingHTTPClient], T],
        uncertain: bool = False,
        *,
        tolerate_missing: bool = False,
    ) -> T:
        """Run one API call, turning every failure into a BackendError that says what to do.

        `uncertain`: an earlier attempt of this write broke after it was sent, so "nothing was
        written" may not be true any more. `tolerate_missing`: a range naming a tab that does
        not exist raises _MissingTab instead."""
        try:
            return action(self._client)
        except GaveUp as error:
            raise BackendError(gave_up(error, uncertain)) from None
        except APIError as error:
            if tolerate_missing and error.code == 400 and _UNKNOWN_RANGE in str(error):
                raise _MissingTab from None
            identity = self._connection.identity if self._connection else "the configured account"
            raise BackendError(
                refused(
                    error,
                    key=self.key,
                    location=self.location,
                    identity=identity,
                    read_only=self.read_only,
                )
            ) from None
        except GoogleAuthError as error:
            raise BackendError(credentials_rejected(error)) from None
