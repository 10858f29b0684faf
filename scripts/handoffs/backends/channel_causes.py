"""Why a channel did not take a message, in words (docs/notices.md#when-a-channel-fails).

Apprise answers a send with True or False and says why only in its log (the `apprise` logger):
`channels.Sender` keeps the log lines of each attempt, and `cause` turns them into one short
phrase: connection refused, host not found, timed out, HTTP status, TLS, authentication, the
mail server's answer. Secrets are masked by the caller's `mask`; no URL is quoted.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

_HTTP_STATUS = re.compile(r"error=(\d{3})")
_SMTP_ANSWER = re.compile(r"\((\d{3}), b?['\"](.*?)['\"]\)")
_TLS = re.compile(r"\[SSL: [A-Z_]+\] ([^(]+)")
_AUTH_CODES = {"401", "403", "407", "530", "534", "535"}
_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"refused", re.I), "connection refused"),
    (
        re.compile(r"not known|getaddrinfo|Failed to resolve|nodename nor servname", re.I),
        "host not found",
    ),
    (re.compile(r"SSL|TLS|certificate", re.I), "TLS failed (the secure connection was refused)"),
    (re.compile(r"timed out|timeout", re.I), "timed out"),
    (
        re.compile(r"Dropped invalid|no Email recipients", re.I),
        "the mail channel cannot deliver to this address",
    ),
    (re.compile(r"authenticat|login|credential", re.I), "authentication failed"),
    (re.compile(r"Connection error|Socket Exception|connection", re.I), "the connection failed"),
)


def _http(code: str, lines: Sequence[str]) -> str:
    reason = next(
        (
            m.group(1).strip().rstrip(".")
            for line in lines
            if (m := re.search(r": (.+?), error=", line))
        ),
        "",
    )
    words = f"HTTP {code}" + (f": {reason}" if reason else "")
    return f"authentication failed: {words}" if code in _AUTH_CODES else words


def cause(lines: Sequence[str], mask: Callable[[str], str], seconds: float) -> str:
    """One phrase for what the channel's log said during a failed attempt of `seconds`."""
    text = "\n".join(lines)
    smtp = _SMTP_ANSWER.search(text)
    if smtp:
        code, answer = smtp.group(1), mask(smtp.group(2).strip())
        words = f"the mail server answered {code} {answer}".rstrip()
        return f"authentication failed: {words}" if code in _AUTH_CODES else words
    status = _HTTP_STATUS.search(text)
    if status:
        return _http(status.group(1), lines)
    tls = _TLS.search(text)
    if tls:
        return f"TLS failed ({tls.group(1).strip()})"
    for pattern, words in _RULES:
        if pattern.search(text):
            return timed_out(seconds) if words == "timed out" else words
    return "the service did not accept it (Apprise gave no reason)"


def timed_out(seconds: float) -> str:
    return f"timed out: no complete answer within {seconds:.1f} s"
