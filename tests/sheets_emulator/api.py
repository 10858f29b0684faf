"""Google's request and error envelopes, shared by every handler."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

_STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}

BAD_REQUEST_TYPE = "type.googleapis.com/google.rpc.BadRequest"


class ApiError(Exception):
    """An error answered as `{"error": {"code", "message", "status"[, "details"]}}`."""

    def __init__(
        self,
        code: int,
        message: str,
        details: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details
        self.status = _STATUS_NAMES[code]

    def body(self) -> dict[str, Any]:
        """The JSON body Google sends for this error."""
        error: dict[str, Any] = {"code": self.code, "message": self.message, "status": self.status}
        if self.details:
            error["details"] = self.details
        return {"error": error}


def bad_request(message: str) -> ApiError:
    """400 INVALID_ARGUMENT with a plain message (Google adds no details for semantic errors)."""
    return ApiError(400, message)


def not_found() -> ApiError:
    """The 404 Google answers for an unknown spreadsheet id."""
    return ApiError(404, "Requested entity was not found.")


def unparsable_range(text: str) -> ApiError:
    """Google's answer to a malformed range or an unknown sheet title."""
    return bad_request(f"Unable to parse range: {text}")


@dataclass(frozen=True)
class Call:
    """One API call after routing and validation: path parameters, typed query, JSON body."""

    spreadsheet_id: str = ""
    range: str = ""
    query: dict[str, Any] = field(default_factory=dict)
    body: Any = None
