"""`${NAME}` in a channel URL lands in one part of it, percent-encoded for that part, and every
message can mask it (docs/notices.md#channels). Pure string work: delivery is tested end to end
in tests/e2e/test_notify_channels.py."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

import pytest

from handoffs.backends.channel_causes import cause
from handoffs.backends.channel_urls import expand, mask, secret_uses
from handoffs.model.errors import UsageError

TEMPLATE = "json://${USER}:${PW}@${HOST}:8080/hook/${SEGMENT}?token=${QUERY}&x=1#${FRAGMENT}"
HOSTILE = "s3cret@127.0.0.1:25/x?y=z&w=v#f% +"


def test_each_variable_is_told_by_the_part_of_the_url_it_lands_in() -> None:
    uses = secret_uses(TEMPLATE, {"PW": "x"})
    assert [(u.name, u.part, u.is_set) for u in uses] == [
        ("USER", "user", False), ("PW", "password", True), ("HOST", "host", False),
        ("SEGMENT", "path", False), ("QUERY", "query", False), ("FRAGMENT", "fragment", False),
    ]  # fmt: skip
    assert [u.part for u in secret_uses("slack://${A}/${B}", {})] == ["host", "path"]
    assert [u.part for u in secret_uses("mailto://${U}@smtp.example.org", {})] == ["user"]


def test_a_secret_holding_url_syntax_stays_inside_its_part() -> None:
    environ = {name: HOSTILE for name in ("USER", "PW", "SEGMENT", "QUERY", "FRAGMENT")}
    url, secrets = expand(TEMPLATE, "[notify] team #1", {**environ, "HOST": "hooks.example.org"})
    parts = urlsplit(url)
    assert (parts.hostname, parts.port) == ("hooks.example.org", 8080)
    assert (unquote(parts.username or ""), unquote(parts.password or "")) == (HOSTILE, HOSTILE)
    assert [unquote(s) for s in parts.path.split("/")] == ["", "hook", HOSTILE]
    assert [unquote(p.split("=", 1)[1]) for p in parts.query.split("&")] == [HOSTILE, "1"]
    assert unquote(parts.fragment) == HOSTILE
    assert secrets == (HOSTILE, HOSTILE, "hooks.example.org", HOSTILE, HOSTILE, HOSTILE)


def test_an_unset_variable_is_named_unless_a_dry_run_stands_in_for_it() -> None:
    with pytest.raises(UsageError, match=r"\[notify\] email uses \$\{PW\}, but .* PW is not set"):
        expand("mailto://u:${PW}@smtp.example.org", "[notify] email", {})
    url, secrets = expand("mailto://u:${PW}@smtp.example.org", "x", {}, placeholder="unset")
    assert (url, secrets) == ("mailto://u:unset@smtp.example.org", ())


def test_secrets_are_masked_as_typed_and_as_encoded() -> None:
    text = f"login {HOSTILE} failed for json://u:{HOSTILE.replace('@', '%40')}@h"
    assert HOSTILE not in mask(text, (HOSTILE,))
    assert "s3cret" not in mask(f"x {'s3cret%40127.0.0.1%3A25%2Fx%3Fy%3Dz%26w%3Dv%23f%25%20%2B'}",
                                (HOSTILE,))  # fmt: skip


@pytest.mark.parametrize(
    ("lines", "words"),
    [
        (["Socket Exception: … [Errno 111] Connection refused"], "connection refused"),
        (["Failed to send JSON POST notification: Servers are overloaded., error=503."],
         "HTTP 503: Servers are overloaded"),
        (["Failed to send JSON POST notification: Unauthorized., error=401."],
         "authentication failed: HTTP 401: Unauthorized"),
        (["Socket Exception: (451, b'Try again later')"], "the mail server answered 451 Try again later"),
        (["Caused by SSLError(SSLError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed (_ssl.c:1006)'))"],
         "TLS failed (certificate verify failed)"),
        (["Read timed out. (read timeout=2.0)"], "timed out: no complete answer within 2.0 s"),
        (["Failed to resolve 'x.invalid' ([Errno -2] Name or service not known)"], "host not found"),
        (["Dropped invalid To email (zoé@b.org) specified."],
         "the mail channel cannot deliver to this address"),
        ([], "the service did not accept it (Apprise gave no reason)"),
    ],
)  # fmt: skip
def test_a_failed_attempt_is_told_in_words(lines: list[str], words: str) -> None:
    assert cause(lines, lambda text: text, 2.0) == words
