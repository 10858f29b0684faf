"""HTTP front end: routing, Google's error bodies, scripted faults and the request log."""

from __future__ import annotations

import contextlib
import json
import re
import socket
import sys
import time
import traceback
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, unquote, urlsplit

from . import batch_update, discovery, spreadsheets, values
from .api import ApiError, Call, bad_request
from .fieldmask import MaskError, MaskTree, apply_mask, parse_mask
from .model import Store

if TYPE_CHECKING:
    from .emulator import Fault, SheetsEmulator

Handler = Callable[[Store, Call], dict[str, Any]]
_ID = r"(?P<id>[^/:]+)"
_ROUTES: list[tuple[str, re.Pattern[str], str, Handler]] = [
    ("POST", re.compile(r"/v4/spreadsheets"), "sheets.spreadsheets.create", spreadsheets.create),
    ("GET", re.compile(rf"/v4/spreadsheets/{_ID}"), "sheets.spreadsheets.get", spreadsheets.get),
    (
        "POST",
        re.compile(rf"/v4/spreadsheets/{_ID}:batchUpdate"),
        "sheets.spreadsheets.batchUpdate",
        batch_update.batch_update,
    ),
    (
        "GET",
        re.compile(rf"/v4/spreadsheets/{_ID}/values:batchGet"),
        "sheets.spreadsheets.values.batchGet",
        values.batch_get,
    ),
    (
        "POST",
        re.compile(rf"/v4/spreadsheets/{_ID}/values:batchUpdate"),
        "sheets.spreadsheets.values.batchUpdate",
        values.batch_update,
    ),
    (
        "POST",
        re.compile(rf"/v4/spreadsheets/{_ID}/values:batchClear"),
        "sheets.spreadsheets.values.batchClear",
        values.batch_clear,
    ),
    (
        "POST",
        re.compile(rf"/v4/spreadsheets/{_ID}/values/(?P<range>.+):append"),
        "sheets.spreadsheets.values.append",
        values.append,
    ),
    (
        "POST",
        re.compile(rf"/v4/spreadsheets/{_ID}/values/(?P<range>.+):clear"),
        "sheets.spreadsheets.values.clear",
        values.clear,
    ),
    (
        "GET",
        re.compile(rf"/v4/spreadsheets/{_ID}/values/(?P<range>.+)"),
        "sheets.spreadsheets.values.get",
        values.get,
    ),
    (
        "PUT",
        re.compile(rf"/v4/spreadsheets/{_ID}/values/(?P<range>.+)"),
        "sheets.spreadsheets.values.update",
        values.update,
    ),
]
JSON_TYPE = "application/json; charset=UTF-8"
# Google counts quota per user; the emulator sees anonymous requests, so it counts per emulator,
# or per the value of this header when a test client sends it (another tool sharing a quota).
QUOTA_USER_HEADER = "X-Emulator-Quota-User"
HTML_TYPE = "text/html; charset=UTF-8"
_GFE_PAGE = (
    "<!DOCTYPE html>\n<html lang=en>\n  <meta charset=utf-8>\n  <title>Error {code} ({title})!!1</title>\n"
    "  <p><b>{code}.</b> <ins>That\u2019s an error.</ins>\n  <p>{text}  <ins>That\u2019s all we know.</ins>\n"
)
_FAULT_ERRORS = {
    "403": ApiError(403, "The caller does not have permission"),
    "500": ApiError(500, "Internal error encountered."),
    "503": ApiError(503, "The service is currently unavailable."),
    "504": ApiError(504, "Deadline expired before operation could complete."),
}


DISABLED_PROJECT = "704566982728"


def api_disabled_error(project: str = DISABLED_PROJECT) -> ApiError:
    """The 403 Google sends when the caller's Cloud project has not enabled the Sheets API, as
    users have pasted it (the project number is theirs): PERMISSION_DENIED with an ErrorInfo
    whose reason is SERVICE_DISABLED (older clients log it as accessNotConfigured)."""
    activation = f"https://console.developers.google.com/apis/api/sheets.googleapis.com/overview?project={project}"
    message = (
        f"Google Sheets API has not been used in project {project} before or it is disabled. "
        f"Enable it by visiting {activation} then retry. If you enabled this API recently, wait a "
        "few minutes for the action to propagate to our systems and retry."
    )
    return ApiError(
        403,
        message,
        [
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "SERVICE_DISABLED",
                "domain": "googleapis.com",
                "metadata": {
                    "consumer": f"projects/{project}",
                    "service": "sheets.googleapis.com",
                    "activationUrl": activation,
                    "serviceTitle": "Google Sheets API",
                    "containerInfo": project,
                },
            },
            {
                "@type": "type.googleapis.com/google.rpc.LocalizedMessage",
                "locale": "en-US",
                "message": message,
            },
            {
                "@type": "type.googleapis.com/google.rpc.Help",
                "links": [
                    {"description": "Google developers console API activation", "url": activation}
                ],
            },
        ],
    )


def quota_error(method: str, limit: int = 60) -> ApiError:
    """The 429 Google sends when the per-minute read or write quota is used up, as users have
    recorded it (the consumer number is theirs)."""
    kind, metric = ("Read", "read_requests") if method == "GET" else ("Write", "write_requests")
    return ApiError(
        429,
        f"Quota exceeded for quota metric '{kind} requests' and limit '{kind} requests per minute per user' "
        "of service 'sheets.googleapis.com' for consumer 'project_number:704566982728'.",
        [
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "RATE_LIMIT_EXCEEDED",
                "domain": "googleapis.com",
                "metadata": {
                    "quota_location": "global",
                    "quota_limit_value": str(limit),
                    "service": "sheets.googleapis.com",
                    "consumer": "projects/704566982728",
                    "quota_metric": f"sheets.googleapis.com/{metric}",
                    "quota_limit": f"{kind}RequestsPerMinutePerUser",
                },
            },
            {
                "@type": "type.googleapis.com/google.rpc.Help",
                "links": [
                    {
                        "description": "Request a higher quota limit.",
                        "url": "https://cloud.google.com/docs/quota#requesting_higher_quota",
                    }
                ],
            },
        ],
    )


def route(method: str, raw_path: str) -> tuple[str, Handler, dict[str, str]] | None:
    """(discovery method id, handler, decoded path parameters) for a request, None if unserved."""
    for verb, pattern, method_id, handler in _ROUTES:
        match = pattern.fullmatch(raw_path)
        if match and verb == method:
            return (
                method_id,
                handler,
                {key: unquote(value) for key, value in match.groupdict().items()},
            )
    return None


class EmulatorServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], emulator: SheetsEmulator) -> None:
        super().__init__(address, RequestHandler)
        self.emulator = emulator

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up (its timeout, a dropped socket) is expected; report anything else."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class RequestHandler(BaseHTTPRequestHandler):
    """One request: read it, maybe fault it, route it, answer with Google's JSON, log it."""

    protocol_version = "HTTP/1.1"
    # Headers and body leave in one segment: separate small writes meet delayed ACKs (+40 ms each).
    wbufsize = 1 << 16
    disable_nagle_algorithm = True
    server: EmulatorServer

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default per-request stderr line; the emulator keeps its own log."""

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_PUT(self) -> None:
        self._handle()

    def do_PATCH(self) -> None:
        self._handle()

    def do_DELETE(self) -> None:
        self._handle()

    def _handle(self) -> None:
        arrived = time.monotonic()  # what a quota counts: when the request came in
        emulator = self.server.emulator
        split = urlsplit(self.path)
        path = unquote(split.path)
        query = parse_qs(split.query, keep_blank_values=True)
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            body = json.loads(raw) if raw.strip() else None
            malformed = False
        except ValueError:
            body, malformed = raw.decode("utf-8", "replace"), True
        fault = emulator.take_fault(self.command, path)
        if emulator.latency:
            time.sleep(emulator.latency)
        served = route(self.command, split.path)
        method_id = served[0] if served else None
        if (
            fault is None
            and served is not None
            and not emulator.within_quota(
                self.command, self.headers.get(QUOTA_USER_HEADER, ""), arrived
            )
        ):
            error = quota_error(self.command, emulator.read_quota or 0)
            emulator.record(self.command, path, query, body, 429, method_id, error.body(), arrived)
            self._send(429, json.dumps(error.body(), indent=2).encode(), JSON_TYPE)
            return
        if fault is not None and fault.kind == "drop":
            emulator.record(self.command, path, query, body, "dropped", method_id, None)
            self._drop()
            return
        if fault is not None and fault.kind == "slow":
            time.sleep(fault.delay)
        elif fault is not None:
            self._send_fault(fault, path, query, body, method_id)
            return
        if served is None:
            page = _GFE_PAGE.format(
                code=404, title="Not Found", text="The requested URL was not found on this server."
            )
            emulator.record(self.command, path, query, body, 404, None, None)
            self._send(404, page.encode(), HTML_TYPE)
            return
        status, payload = self._answer(served, query, body, malformed)
        emulator.record(self.command, path, query, body, status, method_id, payload, arrived)
        self._send(status, json.dumps(payload, ensure_ascii=False, indent=2).encode(), JSON_TYPE)

    def _answer(
        self,
        served: tuple[str, Handler, dict[str, str]],
        query: dict[str, list[str]],
        body: Any,
        malformed: bool,
    ) -> tuple[int, dict[str, Any]]:
        method_id, handler, params = served
        emulator = self.server.emulator
        try:
            if malformed:
                raise bad_request("Invalid JSON payload received. Unexpected token.")
            typed = discovery.parse_query(method_id, query)
            mask = self._mask(method_id, typed.get("fields"))
            checked = discovery.validate_body(method_id, {} if body is None else body)
            call = Call(params.get("id", ""), params.get("range", ""), typed, checked)
            with emulator.store.lock:
                result = handler(emulator.store, call)
            return 200, apply_mask(result, mask)
        except ApiError as error:
            return error.code, error.body()
        except (
            Exception
        ):  # an emulator bug must not look like a Google answer: keep it for the tests
            emulator.crashes.append(traceback.format_exc())
            print(emulator.crashes[-1], file=sys.stderr)
            return 500, ApiError(500, "Internal error encountered.").body()

    @staticmethod
    def _mask(method_id: str, fields: str | None) -> MaskTree | None:
        if not fields:
            return None
        try:
            tree = parse_mask(fields)
        except MaskError:
            raise bad_request(f"Invalid field selection {fields}") from None
        response = discovery.methods()[method_id]["response"]["$ref"]
        problems = discovery.mask_problems(response, tree)
        if problems:
            raise bad_request(f"Invalid field selection {problems[0]}")
        return tree

    def _send_fault(
        self, fault: Fault, path: str, query: dict[str, list[str]], body: Any, method_id: str | None
    ) -> None:
        emulator = self.server.emulator
        if fault.kind == "portal":
            page = b"<html><head><title>Sign in to the network</title></head><body>Sign in</body></html>"
            emulator.record(self.command, path, query, body, 200, method_id, None)
            self._send(200, page, HTML_TYPE)
            return
        code = 403 if fault.kind == "disabled" else int(fault.kind)
        if fault.kind == "502":
            text = "The server encountered a temporary error and could not complete your request.<p>Please try again in 30 seconds."
            emulator.record(self.command, path, query, body, 502, method_id, None)
            self._send(
                502, _GFE_PAGE.format(code=502, title="Server Error", text=text).encode(), HTML_TYPE
            )
            return
        if fault.kind == "disabled":
            error = api_disabled_error()
        else:
            error = quota_error(self.command) if fault.kind == "429" else _FAULT_ERRORS[fault.kind]
        emulator.record(self.command, path, query, body, code, method_id, error.body())
        self._send(code, json.dumps(error.body(), indent=2).encode(), JSON_TYPE)

    def _send(self, status: int, payload: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _drop(self) -> None:
        """Close the socket without a byte of answer: the client sees a connection error."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)
