"""Delivery of notices through Apprise URLs (docs/notices.md#channels): the I/O side.

A channel is known to people by its kind (the URL's scheme: slack, workflows, mailto, json …)
and its place in the config; its URL, password and token are never printed, logged or
written anywhere. `${NAME}` in a URL is read from the environment when notices are sent and
percent-encoded for its part of the URL (`channel_urls`), so commands that send nothing never
need the secrets, and a secret can never change where a message goes.

Time: one budget for the whole run (`[notify] retry_seconds`) covers connecting, sending,
reading every answer and the retries; one message on one channel takes at most
`[notify] timeout_seconds` of it, and at most its fair share of what is left, so a slow channel
never starves the others. Each attempt runs in a worker thread that is abandoned at its
deadline: a server that trickles its answer a byte a second cannot hold the run (and its lock).
A failed attempt is retried with exponential backoff and full jitter within the same bounds.
Why an attempt failed comes from Apprise's log lines of that attempt (`channel_causes`).
"""

from __future__ import annotations

import logging
import os
import random
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from handoffs.backends.channel_causes import cause, timed_out
from handoffs.backends.channel_urls import SecretUse, expand, mask, secret_uses
from handoffs.config import NotifyConfig
from handoffs.model.errors import UsageError

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
EMAIL_SCHEMES = ("mailto", "mailtos")
DRY_RUN_PLACEHOLDER = "unset"
MIN_ATTEMPT_SECONDS = 0.05  # less than this left for a message: not worth an attempt
APPRISE_WIKI = "https://github.com/caronc/apprise/wiki"

# Apprise logs URLs (partly masked) and server replies; none of it may reach a terminal or a
# host application's log handlers. Its lines are read per attempt by `_Capture` only.
_APPRISE_LOG = logging.getLogger("apprise")
_APPRISE_LOG.propagate = False
_APPRISE_LOG.addHandler(logging.NullHandler())


@dataclass(frozen=True)
class Channel:
    label: str  # "slack (team 1)": what messages, the Notices tab and errors call it
    kind: str  # the URL scheme
    url: str = field(repr=False)  # secrets expanded and encoded: never printed
    secrets: tuple[str, ...] = field(default=(), repr=False)  # to mask in every message
    uses: tuple[SecretUse, ...] = ()  # each ${NAME}: where it goes, whether it is set
    checked: bool = True  # False: a dry run could not check it (a secret is unset)

    def mask(self, text: str) -> str:
        return mask(text, self.secrets)


def _checked(raw: str, label: str, environ: Mapping[str, str], dry_run: bool) -> Channel:
    template = raw.strip()
    uses = tuple(secret_uses(template, environ))
    url, secrets = expand(
        template, label, environ, placeholder=DRY_RUN_PLACEHOLDER if dry_run else None
    )
    found = _SCHEME.match(url)
    kind = found.group(1).lower() if found else ""
    if _plugin(url) is None:
        if dry_run and not all(use.is_set for use in uses):
            return Channel(label, kind, url, secrets, uses, checked=False)
        what = f'a "{kind}://" URL' if kind else "a URL (it has no scheme:// at the start)"
        raise UsageError(
            f"{label} is not {what} that Apprise can use: the scheme is unknown or the URL is "
            f"malformed. Check it against {APPRISE_WIKI}; nothing was sent."
        )
    return Channel(label, kind, url, secrets, uses)


def team_channels(
    notify: NotifyConfig, environ: Mapping[str, str] | None = None, *, dry_run: bool = False
) -> list[Channel]:
    """The digest's channels, each checked; a UsageError names the first bad one's position.
    `dry_run`: an unset `${NAME}` is allowed (nothing will be sent) and shown as unset."""
    env = os.environ if environ is None else environ
    channels = []
    for position, raw in enumerate(notify.team, start=1):
        channel = _checked(raw, f"[notify] team #{position}", env, dry_run)
        label = f"{channel.kind} (team {position})"
        channels.append(Channel(label, channel.kind, channel.url, channel.secrets, channel.uses,
                                channel.checked))  # fmt: skip
    return channels


def email_channel(
    notify: NotifyConfig, environ: Mapping[str, str] | None = None, *, dry_run: bool = False
) -> Channel | None:
    """The mail server for personal notices, or None when `[notify] email` is not set."""
    if not notify.email.strip():
        return None
    env = os.environ if environ is None else environ
    channel = _checked(notify.email, "[notify] email", env, dry_run)
    if channel.kind not in EMAIL_SCHEMES:
        raise UsageError(
            f'[notify] email must be a "mailto://" or "mailtos://" URL naming the mail server '
            f'and sender; it is a "{channel.kind}://" URL.'
        )
    return Channel(
        "e-mail", channel.kind, channel.url, channel.secrets, channel.uses, channel.checked
    )


def addressed(url: str, address: str) -> str:
    """The mail URL with its recipient set to `address` (any `to=` in it replaced)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "to"]
    return urlunsplit(parts._replace(query=urlencode([*query, ("to", address)])))


def _plugin(url: str) -> Any:
    # Apprise is imported where a message is built, not at the top: `refresh` and `validate`
    # load this module and most runs send nothing, and Apprise takes 0.2 s to import.
    import apprise

    return apprise.Apprise.instantiate(url)


def limits(channel: Channel) -> tuple[int, int]:
    """(body characters, title characters) the channel accepts; title 0: it has none. A
    channel a dry run could not check gets Apprise's usual limits."""
    plugin = _plugin(channel.url)
    if plugin is None:
        return 32768, 250
    return int(plugin.body_maxlen), int(plugin.title_maxlen)


@dataclass(frozen=True)
class Sent:
    """What became of one message: delivered, or why not (secrets masked)."""

    delivered: bool
    cause: str = ""

    def __bool__(self) -> bool:
        return self.delivered


def _causes(causes: list[str]) -> str:
    """What the attempts met, in order: "HTTP 503 (…), then timed out: …"."""
    return ", then ".join(causes)


class _Capture(logging.Handler):
    """The `apprise` log lines written by one worker thread (an abandoned attempt may still
    log from its own thread: its lines never reach another attempt's capture)."""

    def __init__(self, thread: int) -> None:
        super().__init__(logging.DEBUG)
        self.thread = thread
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self.thread:
            self.lines.append(record.getMessage())


def _notify(url: str, kind: str, title: str, body: str, timeout: float) -> bool:
    """One attempt through Apprise, in the calling (worker) thread."""
    import apprise

    plugin = _plugin(url)
    plugin.socket_connect_timeout = plugin.socket_read_timeout = max(timeout, 0.05)
    # Messages are written to read the same as plain text and as Markdown. Declared as
    # Markdown, chat services show them as they are (declared as text, Apprise would
    # backslash-escape every parenthesis and dot for them); e-mail stays plain text.
    body_format = apprise.NotifyFormat.MARKDOWN
    if kind in EMAIL_SCHEMES:
        body_format = plugin.notify_format = apprise.NotifyFormat.TEXT
    return bool(plugin.notify(body=body, title=title, body_format=body_format))


@dataclass
class Sender:
    """Sends messages through Apprise within the run's time budget (see the module docstring).
    `expect(n)` tells it how many messages are still to go, for each one's fair share."""

    budget_seconds: float
    channel_seconds: float = 10.0
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    rng: Callable[[], float] = random.random
    attempts: int = 0
    to_go: int = 1
    _started: float | None = None

    @property
    def remaining(self) -> float:
        if self._started is None:
            self._started = self.clock()
        return self.budget_seconds - (self.clock() - self._started)

    def expect(self, messages: int) -> None:
        self.to_go = max(messages, 1)

    def send(self, channel: Channel, title: str, body: str, address: str | None = None) -> Sent:
        """Delivered once the channel accepted the message; else the last attempt's cause."""
        url = addressed(channel.url, address) if address else channel.url
        share = min(self.channel_seconds, self.remaining / max(self.to_go, 1))
        self.to_go = max(self.to_go - 1, 1)
        deadline = self.clock() + share
        first_delay = min(0.5, max(share, 0.01) / 10)
        cap = min(32.0, max(first_delay, share / 4))
        attempt, causes = 0, list[str]()
        while True:
            left = deadline - self.clock()
            if left < MIN_ATTEMPT_SECONDS:
                return Sent(False, _causes(causes) or "not tried: the run's time budget was spent")
            self.attempts += 1
            result = self._attempt(channel, url, title, body, left)
            if result:
                return result
            cut_short = result.cause.startswith("timed out") and causes  # by the deadline
            if result.cause not in causes and not cut_short:
                causes.append(result.cause)
            delay = self.rng() * min(cap, first_delay * 2**attempt)
            if self.clock() + delay + MIN_ATTEMPT_SECONDS >= deadline:
                return Sent(False, _causes(causes))
            self.sleep(delay)
            attempt += 1

    def _attempt(self, channel: Channel, url: str, title: str, body: str, seconds: float) -> Sent:
        outcome: list[bool] = []
        lines: list[str] = []

        def work() -> None:
            capture = _Capture(threading.get_ident())
            _APPRISE_LOG.addHandler(capture)
            ok = False
            try:
                ok = _notify(url, channel.kind, title, body, seconds)
            except Exception as error:  # an Apprise plugin's own bug: a failed attempt
                capture.lines.append(f"{type(error).__name__}: {error}")
            finally:
                _APPRISE_LOG.removeHandler(capture)
                lines.extend(capture.lines)
                outcome.append(ok)  # last: the caller reads `lines` once this is set

        if _APPRISE_LOG.level == logging.NOTSET or _APPRISE_LOG.level > logging.DEBUG:
            _APPRISE_LOG.setLevel(logging.DEBUG)  # the causes are in its debug lines
        worker = threading.Thread(target=work, name="handoffs-notice", daemon=True)
        worker.start()
        worker.join(seconds)
        if not outcome:  # still connecting or reading: abandoned, the run goes on
            return Sent(False, timed_out(seconds))
        if outcome[0]:
            return Sent(True)
        return Sent(False, channel.mask(cause(lines, channel.mask, seconds)))
