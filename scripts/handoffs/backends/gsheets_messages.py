"""What the Google Sheets backend says when a call fails: what happened, whether anything was
written, and what to do. Never the libraries' own text, which can quote token replies."""

from __future__ import annotations

from google.auth.exceptions import GoogleAuthError
from gspread.exceptions import APIError

from handoffs.backends.google_http import NOT_GOOGLE, GaveUp
from handoffs.model.errors import BackendError

NOTHING_WRITTEN = "Nothing was written."


def gave_up(error: GaveUp, uncertain: bool) -> str:
    """The retry budget ran out; `uncertain`: an earlier attempt of this write broke after it
    was sent, so "nothing was written" may not be true any more."""
    outcome = NOTHING_WRITTEN
    if uncertain:
        outcome = (
            "A batch update is all or nothing: the tabs are either as they were or fully written."
        )
    advice = "Try again later, or raise [sheet] retry_seconds."
    if error.reason.startswith("429"):
        advice = "The Sheets API allows 60 requests a minute per user; wait a minute and run again."
    if error.reason.startswith(NOT_GOOGLE):
        advice = (
            "A network sign-in page or a proxy answered in Google's place: sign in to the "
            "network (open any web page in a browser), or ask for the proxy to let "
            "sheets.googleapis.com through, then run again."
        )
    return (
        f"Google Sheets kept failing ({error.reason}) for {error.seconds:.1f} s over "
        f"{error.attempts} attempt{'' if error.attempts == 1 else 's'}; gave up. "
        f"{outcome} {advice}"
    )


def refused(error: APIError, *, key: str, location: str, identity: str, read_only: bool) -> str:
    """Google answered with an error that retrying will not change."""
    message = str(error.error.get("message", "")).strip()
    status = error.error.get("status", "")
    if error.code == 404:
        return (
            f"There is no spreadsheet with the key {key} (404 NOT_FOUND). Check "
            "[sheet] spreadsheet: copy the URL from the browser's address bar."
        )
    if error.code == 403:
        role = "Viewer" if read_only else "Editor"
        return (
            f"Google Sheets refused access to {location} (403 {status}: {message}). "
            f"Share the sheet with {identity} as {role} (Share button, top right). "
            f"{NOTHING_WRITTEN}"
        )
    if error.code == 401:
        return (
            f"Google Sheets did not accept the credentials of {identity} (401 {status}); "
            f"check [sheet] credentials. {NOTHING_WRITTEN}"
        )
    return (
        f"Google Sheets refused the request ({error.code} {status}: {message}). {NOTHING_WRITTEN}"
    )


def credentials_rejected(error: GoogleAuthError) -> str:
    # Never echo the library's text: it can quote token endpoint replies.
    return (
        f"Google did not accept the credentials ({type(error).__name__}); check "
        '[sheet] credentials (with "oauth", delete ~/.config/handoffs/authorized_user'
        f"*.json to sign in again). {NOTHING_WRITTEN}"
    )


def uncertain_write(what: str, advice: str) -> BackendError:
    """A write whose connection broke after it was sent."""
    return BackendError(
        f"The connection to Google Sheets broke while sending {what}; Google may or may "
        f"not have applied them. {advice}"
    )
