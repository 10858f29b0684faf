"""Channels under attack and under strain, against real servers in the test process: secrets
that hold URL syntax, a webhook that trickles its answer, channels that fail in words, a dry run
without the secrets, addresses the mail channel cannot deliver to, and links in user text."""

from __future__ import annotations

import base64
import datetime as dt
import json
import time
from typing import Any
from urllib.parse import unquote

import pytest

from tests.conftest import Spreadsheet
from tests.e2e.test_notify_e2e import FLAG_HEADER, FLAGS, TABS, TEAM, configure
from tests.support.notify_servers import (
    MailServer,
    Trickle,
    Webhook,
    mail_server,
    running_mail_server,
    trickle,
    webhook,
)

__all__ = ["mail_server", "trickle", "webhook"]  # fixtures

# Each secret holds every character that separates the parts of a URL.
RESERVED = "@:/?#&=+%[] "
SMTP_USER = "bot@team:" + RESERVED
SMTP_PASSWORD = "s3cret@127.0.0.1:1/x?to=evil@example.org&y#" + RESERVED
HOOK_USER = "hook@127.0.0.1/#?"  # no ':' here: HTTP Basic cannot carry one in a user name
HOOK_PASSWORD = "pw:@127.0.0.1:9/evil?x=1#" + RESERVED
PATH_TOKEN = "a/b?c#d@e:f%20"
HEADER_TOKEN = "t&to=evil@example.org#x+y=z"  # Apprise decodes a header value twice: no %


@pytest.fixture
def workbook(make_spreadsheet: Any) -> Spreadsheet:
    sheet = make_spreadsheet("xlsx")
    sheet.seed(TABS)
    return sheet


def settings(sheet: Spreadsheet, team: list[str], email: str, **keys: float) -> None:
    """Replace the config's [notify] section."""
    base = sheet.config.read_text().split("\n[notify]\n")[0]
    lines = ["team = [" + ", ".join(json.dumps(u) for u in team) + "]"]
    lines += [f"email = {json.dumps(email)}"] if email else []
    lines += [f"{key} = {value}" for key, value in keys.items()]
    sheet.config.write_text(base + "\n[notify]\n" + "\n".join(lines) + "\n")


def test_secrets_holding_url_syntax_reach_only_the_configured_server_as_typed(
    workbook: Spreadsheet, webhook: Webhook, mail_server: MailServer, run: Any, monkeypatch: Any
) -> None:
    """`mailto://${SMTP_USER}:${SMTP_PASSWORD}@host` with `@`, `:`, `/`, `?`, `#`, `&`, `%` in
    the secrets: the login goes to the configured server with the values as typed, and each
    webhook secret stays in its part (user, password, path segment, query value)."""
    for name, value in [("SMTP_USER", SMTP_USER), ("SMTP_PASSWORD", SMTP_PASSWORD),
                        ("HOOK_USER", HOOK_USER), ("HOOK_PASSWORD", HOOK_PASSWORD),
                        ("PATH_TOKEN", PATH_TOKEN), ("HEADER_TOKEN", HEADER_TOKEN)]:  # fmt: skip
        monkeypatch.setenv(name, value)
    hook = (
        f"json://${{HOOK_USER}}:${{HOOK_PASSWORD}}@127.0.0.1:{webhook.port}/hook/${{PATH_TOKEN}}"
        "?+X-Token=${HEADER_TOKEN}"
    )
    mail = (
        f"mailto://${{SMTP_USER}}:${{SMTP_PASSWORD}}@127.0.0.1:{mail_server.port}"
        "?from=handoffs@example.org"
    )
    settings(workbook, [hook], mail, retry_seconds=2.0)
    result = run("notify", config=workbook.config)
    assert result.stdout == (
        "Sent 1 team digest and 1 personal notice.\n"
        "Not written to: Cy Noone (not in the Team tab).\n"
    )
    assert mail_server.logins == [(SMTP_USER, SMTP_PASSWORD)]
    assert [m.recipients for m in mail_server.mails] == [["ana@example.org"]]
    [post] = webhook.posts
    assert unquote(post.path) == f"/hook/{PATH_TOKEN}"
    assert post.headers["X-Token"] == HEADER_TOKEN
    basic = base64.b64decode(post.headers["Authorization"].split()[1]).decode()
    assert basic == f"{HOOK_USER}:{HOOK_PASSWORD}"
    for secret in (SMTP_PASSWORD, HOOK_PASSWORD, PATH_TOKEN, HEADER_TOKEN):
        assert secret not in result.output


def test_a_webhook_that_trickles_its_answer_cannot_hold_the_run_past_its_budget(
    workbook: Spreadsheet, trickle: Trickle, mail_server: MailServer, run: Any, monkeypatch: Any
) -> None:
    """It answers 200, then a byte every 0.1 s for minutes: no read ever times out, so only the
    run's one budget (retry_seconds) ends the wait; the e-mail still goes, the lock is freed."""
    monkeypatch.setenv("SMTP_PASSWORD", "pw")
    mail = f"mailto://bot:${{SMTP_PASSWORD}}@127.0.0.1:{mail_server.port}?from=h@example.org"
    settings(workbook, [trickle.url()], mail, retry_seconds=2.0, timeout_seconds=1.0)
    run("notify", "--dry-run", config=workbook.config)  # imports done: time only the run
    started = time.monotonic()
    failed = run("notify", config=workbook.config, expect=5)
    took = time.monotonic() - started
    # The budget, plus reading the workbook and writing it twice on a busy machine; the
    # trickle alone would last 100,000 bytes × 0.1 s.
    assert took < 2.0 + 4.0, took
    assert trickle.connections >= 1
    assert failed.stderr == (
        "Error: Could not deliver notices to json (team 1) (timed out: no complete answer "
        "within 1.0 s); they were not recorded as sent and go out on the next run.\n"
    )
    assert len(mail_server.mails) == 1
    started = time.monotonic()
    run("refresh", "--quiet", config=workbook.config)  # the lock was released
    assert time.monotonic() - started < 10


@pytest.mark.parametrize(
    ("fault", "cause"),
    [
        ("401", "authentication failed: HTTP 401: Verification Failed"),
        ("tls", "TLS failed (wrong version number)"),
        ("login", "authentication failed: the mail server answered 535 5.7.8 Authentication "
                  "credentials invalid"),
        ("no host", "host not found"),
    ],
)  # fmt: skip
def test_each_undelivered_notice_names_its_cause_and_never_a_secret(
    workbook: Spreadsheet, webhook: Webhook, mail_server: MailServer, run: Any, monkeypatch: Any,
    fault: str, cause: str,
) -> None:  # fmt: skip
    monkeypatch.setenv("SMTP_PASSWORD", SMTP_PASSWORD)
    monkeypatch.setenv("HOOK_PASSWORD", HOOK_PASSWORD)
    hook = webhook.url(userinfo="bot:${HOOK_PASSWORD}")
    mail = f"mailto://bot:${{SMTP_PASSWORD}}@127.0.0.1:{mail_server.port}?from=h@example.org"
    if fault == "401":
        webhook.status = 401
    elif fault == "tls":
        hook = webhook.url("jsons", userinfo="bot:${HOOK_PASSWORD}")  # TLS to a plain server
    elif fault == "no host":
        hook = "json://bot:${HOOK_PASSWORD}@no-such-host.invalid/hook"
    else:
        mail_server.reject_login = True
    settings(workbook, [hook], mail, retry_seconds=1.0)
    failed = run("notify", config=workbook.config, expect=5)
    who = {"login": "e-mail to Ana Lima", "tls": "jsons (team 1)"}.get(fault, "json (team 1)")
    assert f"Could not deliver notices to {who} ({cause});" in failed.stderr
    for secret in (SMTP_PASSWORD, HOOK_PASSWORD, "Pw"):
        assert secret not in failed.output


def test_dry_run_needs_no_secrets_and_shows_where_each_would_be_used(
    workbook: Spreadsheet, webhook: Webhook, mail_server: MailServer, run: Any, monkeypatch: Any
) -> None:
    monkeypatch.delenv("SMTP_PASSWORD", raising=False)
    monkeypatch.delenv("SLACK_TOKEN", raising=False)
    monkeypatch.setenv("HOOK_PASSWORD", HOOK_PASSWORD)
    settings(
        workbook,
        ["slack://T1JJ3T3L2/A1BRTD4JD/${SLACK_TOKEN}", webhook.url(userinfo="b:${HOOK_PASSWORD}")],
        f"mailto://bot:${{SMTP_PASSWORD}}@127.0.0.1:{mail_server.port}?from=h@example.org",
    )
    before = workbook.snapshot()
    result = run("notify", "--dry-run", config=workbook.config)
    assert result.stdout.startswith(
        "Secrets (read from the environment when sending, never shown):\n"
        "- slack (team 1): ${SLACK_TOKEN} in the path: NOT SET (export SLACK_TOKEN=… before "
        "sending)\n"
        "- json (team 2): ${HOOK_PASSWORD} as the password: set\n"
        "- e-mail: ${SMTP_PASSWORD} as the password: NOT SET (export SMTP_PASSWORD=… before "
        "sending)\n\n"
        "=== slack (team 1)\n"
    )
    assert "=== e-mail to Ana Lima\n" in result.stdout
    assert HOOK_PASSWORD not in result.output
    assert (webhook.answered, mail_server.mails, workbook.snapshot()) == (0, [], before)
    sending = run("notify", config=workbook.config, expect=2)  # a real run still needs them
    assert "the environment variable SLACK_TOKEN is not set" in sending.stderr


def test_an_address_the_mail_channel_cannot_deliver_names_the_person_and_costs_no_retry(
    workbook: Spreadsheet, webhook: Webhook, mail_server: MailServer, run: Any, monkeypatch: Any
) -> None:
    monkeypatch.setenv("SMTP_PASSWORD", "pw")
    team = [TEAM[0], ["Ana Lima", "Analyst", False, "anä@exämple.org"], *TEAM[2:]]
    workbook.seed({**TABS, "Team": team})
    configure(workbook, webhook, mail_server)
    result = run("notify", config=workbook.config)
    assert result.stdout == (
        "Sent 1 team digest and 0 personal notices.\n"
        "Not written to: Ana Lima (E-mail the mail channel cannot deliver to (plain ASCII only, "
        "e.g. ana@example.org)); Cy Noone (not in the Team tab).\n"
    )
    assert (mail_server.logins, mail_server.mails) == ([], [])  # not one attempt
    digest = webhook.posts[0].json["message"]
    assert digest.endswith(
        "Personal notices not sent: 2 (1 E-mail the mail channel cannot deliver to (plain ASCII "
        "only, e.g. ana@example.org), 1 not in the Team tab)."
    )
    recorded = [row[1] for row in workbook.read("Notices")["Notices"][1:]]
    assert (
        "Ana Lima (not sent: E-mail the mail channel cannot deliver to (plain ASCII only, "
        "e.g. ana@example.org))"
    ) in recorded  # named as the Team tab spells her


def test_a_markdown_link_in_a_flag_reaches_chat_as_text_not_as_a_disguised_link(
    workbook: Spreadsheet, webhook: Webhook, mail_server: MailServer, run: Any, monkeypatch: Any
) -> None:
    monkeypatch.setenv("SMTP_PASSWORD", "pw")
    flags = [FLAG_HEADER, [dt.datetime(2026, 11, 20, 9, 30), "Ben Ode", "RPT-02",
             "Use [the fixed sheet](https://evil.example/login) now", None, "new", None]]  # fmt: skip
    workbook.seed({**TABS, "Flags": flags})
    configure(workbook, webhook, mail_server)
    run("notify", config=workbook.config)
    message = webhook.posts[0].json["message"]
    assert "“Use ［the fixed sheet］(https://evil.example/login) now”" in message
    assert "](" not in message and len(FLAGS) == 3


def test_a_password_holding_an_address_cannot_send_the_login_to_that_server(
    workbook: Spreadsheet, webhook: Webhook, mail_server: MailServer, run: Any, monkeypatch: Any
) -> None:
    """The reported attack: `SMTP_PASSWORD='s3cret@127.0.0.1:<port>'` used to make Apprise read
    the host from the password, so the login and every e-mail went to that other server."""
    with running_mail_server() as elsewhere:
        password = f"s3cret@127.0.0.1:{elsewhere.port}"
        monkeypatch.setenv("SMTP_PASSWORD", password)
        configure(workbook, webhook, mail_server)
        run("notify", config=workbook.config)
        assert (elsewhere.logins, elsewhere.mails) == ([], [])
    assert mail_server.logins == [("bot", password)]
    assert [m.recipients for m in mail_server.mails] == [["ana@example.org"]]


def test_a_name_in_the_team_tab_is_quoted_as_text_in_the_greeting_too(
    workbook: Spreadsheet, webhook: Webhook, mail_server: MailServer, run: Any, monkeypatch: Any
) -> None:
    monkeypatch.setenv("SMTP_PASSWORD", "pw")
    team = [TEAM[0], ["Ana Lima [sign in](https://evil.example) <b>", "Analyst", False,
                      "ana@example.org"], *TEAM[2:]]  # fmt: skip
    contracts = [row[:] for row in TABS["Contracts"]]
    contracts[1][9] = team[1][0]
    workbook.seed({**TABS, "Team": team, "Contracts": contracts})
    configure(workbook, webhook, mail_server)
    run("notify", config=workbook.config)
    [mail] = mail_server.mails
    assert mail.body.startswith(
        "Hello Ana Lima ［sign in］(https://evil.example) ‹b›, these need you:\n"
    )
