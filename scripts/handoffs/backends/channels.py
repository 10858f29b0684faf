"""Delivery of notices through Apprise URLs (docs/notices.md#channels): the I/O side.

A channel is known to people by its kind (the URL's scheme: slack, msteams, mailto, json …)
and its place in the config; its URL, password and token are never printed, logged or
written anywhere. `${NAME}` in a URL is read from the environment when notices are sent, so
commands that send nothing never need the secrets.

Retries: Apprise reports only success or failure, so every failure (timeout, refused
connection, a 4xx/5xx answer) is retried with exponential backoff and full jitter, bounded by
one time budget (`[notify] retry_seconds`) shared by every message of the run; each attempt's
connect and read timeouts are cut to what is left of the budget (but a message whose turn comes
after the budget ran out still gets one try of a couple of seconds).
"""

from __future__ import annotations

import logging
import os
import random
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from handoffs.config import NotifyConfig
from handoffs.model.errors import UsageError

_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
EMAIL_SCHEMES = ("mailto", "mailtos")
ATTEMPT_TIMEOUT = 10.0
LAST_TRY_TIMEOUT = 2.0  # a channel reached after the budget ran out still gets one fair try
APPRISE_WIKI = "https://github.com/caronc/apprise/wiki"

# Apprise logs URLs (partly masked) and server replies; none of it may reach a terminal or a
# host application's log handlers.
logging.getLogger("apprise").propagate = False
logging.getLogger("apprise").addHandler(logging.NullHandler())


@dataclass(frozen=True)
class Channel:
    label: str  # "slack (team 1)": what messages, the Notices tab and errors call it
    kind: str  # the URL scheme
    url: str = field(repr=False)  # secrets expanded: never printed


def expand(value: str, label: str, environ: Mapping[str, str]) -> str:
    """`${NAME}` replaced by the environment variable; an unset one is a UsageError naming
    only the variable and the key, never the rest of the value."""

    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in environ or environ[name] == "":
            raise UsageError(
                f"{label} uses ${{{name}}}, but the environment variable {name} is not set; "
                f"set it (export {name}=…) in the environment that runs handoffs."
            )
        return environ[name]

    return _VARIABLE.sub(one, value)


def _checked(raw: str, label: str, environ: Mapping[str, str]) -> Channel:
    url = expand(raw.strip(), label, environ)
    found = _SCHEME.match(url)
    kind = found.group(1).lower() if found else ""
    if _plugin(url) is None:
        what = f'a "{kind}://" URL' if kind else "a URL (it has no scheme:// at the start)"
        raise UsageError(
            f"{label} is not {what} that Apprise can use: the scheme is unknown or the URL is "
            f"malformed. Check it against {APPRISE_WIKI}; nothing was sent."
        )
    return Channel(label, kind, url)


def team_channels(notify: NotifyConfig, environ: Mapping[str, str] | None = None) -> list[Channel]:
    """The digest's channels, each checked; a UsageError names the first bad one's position."""
    env = os.environ if environ is None else environ
    channels = []
    for position, raw in enumerate(notify.team, start=1):
        channel = _checked(raw, f"[notify] team #{position}", env)
        channels.append(Channel(f"{channel.kind} (team {position})", channel.kind, channel.url))
    return channels


def email_channel(notify: NotifyConfig, environ: Mapping[str, str] | None = None) -> Channel | None:
    """The mail server for personal notices, or None when `[notify] email` is not set."""
    if not notify.email.strip():
        return None
    env = os.environ if environ is None else environ
    channel = _checked(notify.email, "[notify] email", env)
    if channel.kind not in EMAIL_SCHEMES:
        raise UsageError(
            f'[notify] email must be a "mailto://" or "mailtos://" URL naming the mail server '
            f'and sender; it is a "{channel.kind}://" URL.'
        )
    return Channel("e-mail", channel.kind, channel.url)


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
    """(body characters, title characters) the channel accepts; title 0: it has none."""
    plugin = _plugin(channel.url)
    return int(plugin.body_maxlen), int(plugin.title_maxlen)


@dataclass
class Sender:
    """Sends messages through Apprise with bounded retries (see the module docstring)."""

    budget_seconds: float
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    rng: Callable[[], float] = random.random
    attempts: int = 0
    _started: float | None = None

    @property
    def remaining(self) -> float:
        if self._started is None:
            self._started = self.clock()
        return self.budget_seconds - (self.clock() - self._started)

    def send(self, channel: Channel, title: str, body: str, address: str | None = None) -> bool:
        """True once the channel accepted the message; False when the budget ran out."""
        import apprise

        url = addressed(channel.url, address) if address else channel.url
        first_delay = min(0.5, self.budget_seconds / 10)
        cap = min(32.0, max(first_delay, self.budget_seconds / 4))
        attempt = 0
        while True:
            plugin = _plugin(url)
            floor = min(LAST_TRY_TIMEOUT, self.budget_seconds)
            timeout = min(ATTEMPT_TIMEOUT, max(floor, self.remaining))
            plugin.socket_connect_timeout = plugin.socket_read_timeout = timeout
            # Messages are written to read the same as plain text and as Markdown. Declared as
            # Markdown, chat services show them as they are (declared as text, Apprise would
            # backslash-escape every parenthesis and dot for them); e-mail stays plain text.
            text = apprise.NotifyFormat.TEXT
            body_format = text if channel.kind in EMAIL_SCHEMES else apprise.NotifyFormat.MARKDOWN
            if channel.kind in EMAIL_SCHEMES:
                plugin.notify_format = text
            self.attempts += 1
            if plugin.notify(body=body, title=title, body_format=body_format):
                return True
            delay = self.rng() * min(cap, first_delay * 2**attempt)
            if self.remaining - delay <= 0:
                return False
            self.sleep(delay)
            attempt += 1
