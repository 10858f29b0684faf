"""Notices end to end (docs/notices.md) on both backends, delivered to real servers in the test
process: a webhook (Apprise json://) for the team digest and an SMTP server for personal
notices. Sent once, recorded in the Notices tab, re-sent after a failed delivery, and no secret
ever shows."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import socket
import time
import tomllib
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest
from click.testing import Result

from handoffs.app.notify import Channels
from handoffs.config import parse_config
from tests import ROOT
from tests.conftest import Spreadsheet
from tests.support.notify_servers import MailServer, Webhook, mail_server, webhook

__all__ = ["mail_server", "webhook"]  # fixtures

PASSWORD = "Pw-7qZ-notify-Secret"  # distinctive: searched for in every output
HOOK_PASSWORD = "Hook-5xV-token-Secret"
HANDOFFS = [
    ["Handoff ID", "Workflow", "Step", "From role", "To role", "Artifact", "Status"],
    ["RPT-01", "Report", 1, "Analyst", "Writer", "Draft report", "active"],
    ["RPT-02", "Report", 2, "Writer", "Lead", "Final report", "active"],
]
CONTRACTS = [
    ["Handoff ID", "Deliverable contains", "Format", "Sender includes", "Receiver checks",
     "Contact if unclear", "Status", "Trial started", "Last reviewed", "Owner"],
    ["RPT-01", "draft", "docx", "assumptions", "figures", "Ana", "active", None,
     dt.date(2026, 6, 1), "ana lima"],
    ["RPT-02", "final", "pdf", "limitations", "tone", "Ben", "active", None,
     dt.date(2026, 11, 1), "Ben Ode"],
]  # fmt: skip
FLAG_HEADER = ["Timestamp", "Flagged by", "Handoff ID", "What went wrong", "Suggested fix",
               "Status", "Reviewed on"]  # fmt: skip
FLAGS = [
    FLAG_HEADER,
    [dt.datetime(2026, 11, 20, 9, 30), "Ben Ode", "RPT-02",
     "Totals changed\n@channel <!everyone> *why*", "Send a changelog", "new", None],
    [dt.datetime(2026, 10, 2, 14, 0), "ANA LIMA", "RPT-01", "No assumptions section", None,
     "done", dt.date(2026, 10, 15)],
]  # fmt: skip
REVIEWS = [
    ["Quarter", "Handoff ID", "Failure case", "Fix type", "Fix", "Owner", "Deadline", "Status"],
    ["2026-Q3", "RPT-01", "figures untraceable", "format change", "Add an assumptions section",
     "Cy Noone", dt.date(2026, 11, 28), "planned"],
]  # fmt: skip
TEAM = [
    ["Person", "Role", "Manager", "E-mail"],
    ["Ana Lima", "Analyst", False, "ana@example.org"],
    ["Ben Ode", "Writer", False, "ben@example.org"],
    ["Di Park", "Lead", True, None],
]
HEALTH = [["Month", "Handoff ID", "Rework requests", "Format translation (min)", "Delays (days)"]]
TABS = {"Handoffs": HANDOFFS, "Contracts": CONTRACTS, "Health": HEALTH, "Flags": FLAGS,
        "Reviews": REVIEWS, "Team": TEAM}  # fmt: skip

DIGEST_TITLE = (
    "Handoffs: 1 new flag, 1 contract needs review, 1 action due and the maturity level is not "
    "yet Developing"
)


def digest_body(where: Callable[[str], str], *, skipped: bool = True) -> str:
    """The first digest; `skipped=False`: as a later run sends it (people who cannot be
    written to are counted once, in the first digest that was due)."""
    body = (
        "New flags (1):\n"
        "- RPT-02 (Writer → Lead): “Totals changed ＠channel ‹!everyone› *why*”; suggested fix: "
        "“Send a changelog”; flagged by Ben Ode\n"
        f"See the Flags tab: {where('Flags')}\n\n"
        "Contracts to review (1):\n"
        "- RPT-01 (Analyst → Writer): quarterly review overdue; last reviewed 177 days ago, "
        "86 days past the 91-day cycle; owner ana lima\n"
        f"See the Stale Reviews tab: {where('Stale Reviews')}\n\n"
        "Review actions due (1):\n"
        "- RPT-01 (Analyst → Writer): “Add an assumptions section” (format change, 2026-Q3 "
        "review); deadline 2026-11-28, due in 3 days; owner Cy Noone\n"
        f"See the Reviews tab: {where('Reviews')}\n\n"
        "Maturity (1):\n"
        "- Maturity level: not yet Developing\n"
        f"See the Summary tab: {where('Summary')}\n\n"
        "Personal notices not sent: 1 (1 not in the Team tab).\n"
    )
    return (
        body
        if skipped
        else body.replace("\nPersonal notices not sent: 1 (1 not in the Team tab).\n", "")
    )


def posted(body: str) -> str:
    """A webhook message as Apprise posts it: trailing whitespace trimmed."""
    return body.rstrip()


def ana_body(where: Callable[[str], str]) -> str:
    return (
        "Hello Ana Lima, these need you:\n\n"
        "Contracts to review (1):\n"
        "- RPT-01 (Analyst → Writer): quarterly review overdue; last reviewed 177 days ago, "
        "86 days past the 91-day cycle\n"
        f"See the Stale Reviews tab: {where('Stale Reviews')}\n\n"
        "Your flags (1):\n"
        "- RPT-01 (Analyst → Writer): your flag “No assumptions section” of 2026-10-02 is now "
        "done (reviewed on 2026-10-15)\n"
        f"See the Flags tab: {where('Flags')}\n"
    )


def configure(sheet: Spreadsheet, hook: Webhook, mail: MailServer, *team: str) -> None:
    urls = list(team) or [hook.url(userinfo=f"bot:{HOOK_PASSWORD}")]
    sheet.config.write_text(
        sheet.config.read_text()
        + "\n[notify]\n"
        + "team = [" + ", ".join(f'"{u}"' for u in urls) + "]\n"
        + f'email = "mailto://bot:${{SMTP_PASSWORD}}@127.0.0.1:{mail.port}'
        + '?from=handoffs@example.org"\n'
        + "retry_seconds = 1.0\n"
    )  # fmt: skip


@pytest.fixture
def team_sheet(
    backend: Spreadsheet, webhook: Webhook, mail_server: MailServer, monkeypatch: Any
) -> Spreadsheet:
    monkeypatch.setenv("SMTP_PASSWORD", PASSWORD)
    backend.seed(TABS)
    configure(backend, webhook, mail_server)
    return backend


def where_of(sheet: Spreadsheet) -> Callable[[str], str]:
    backend = sheet.open(read_only=True)
    backend.read(["Handoffs"])
    return backend.tab_url


def notices_rows(sheet: Spreadsheet) -> list[list[Any]]:
    return [row[1:3] for row in sheet.read("Notices")["Notices"][1:]]


def no_secret_in(*texts: str) -> None:
    for text in texts:
        assert PASSWORD not in text and HOOK_PASSWORD not in text


def test_first_run_sends_the_digest_and_personal_notices_and_records_them(
    team_sheet: Spreadsheet, webhook: Webhook, mail_server: MailServer, run: Any
) -> None:
    result = run("notify", config=team_sheet.config)
    assert result.stdout == (
        "Sent 1 team digest and 1 personal notice.\n"
        "Not written to: Cy Noone (not in the Team tab).\n"
    )
    where = where_of(team_sheet)
    assert [(p.path, p.json["title"], p.json["message"]) for p in webhook.posts] == [
        ("/hook", DIGEST_TITLE, posted(digest_body(where)))
    ]
    assert [(m.sender, m.recipients, m.subject, m.body) for m in mail_server.mails] == [
        (
            "handoffs@example.org",
            ["ana@example.org"],
            "Handoffs: 1 contract needs review and 1 flag you raised reviewed",
            ana_body(where),
        )
    ]
    assert mail_server.logins == [("bot", PASSWORD)]  # the secret reached only the server
    assert notices_rows(team_sheet) == [
        ["Cy Noone (not sent: not in the Team tab)",
         f"action|2026-Q3|RPT-01|{text_hash('Add an assumptions section')}|2026-11-28"],
        ["json (team 1)",
         f"flag|2026-11-20 09:30:00|RPT-02|{text_hash(FLAGS[1][3])}"],
        ["json (team 1)", "stale|RPT-01|quarterly review overdue|2026-06-01"],
        ["json (team 1)",
         f"action|2026-Q3|RPT-01|{text_hash('Add an assumptions section')}|2026-11-28"],
        ["json (team 1)", "maturity|not yet Developing"],
        ["Ana Lima", "stale|RPT-01|quarterly review overdue|2026-06-01"],
        ["Ana Lima",
         f"flag-done|2026-10-02 14:00:00|RPT-01|{text_hash('No assumptions section')}"],
    ]  # fmt: skip

    before = team_sheet.snapshot()
    again = run("notify", config=team_sheet.config)
    assert again.stdout == "Nothing new to notify.\n"
    assert (len(webhook.posts), len(mail_server.mails)) == (1, 1)
    assert team_sheet.snapshot() == before  # nothing new: nothing written either
    tabs = repr(team_sheet.read("Notices", *TABS))
    no_secret_in(result.output, again.output, tabs)
    assert "127.0.0.1" not in tabs and "json://" not in tabs  # channels go by kind, never URL


def text_hash(text: str) -> str:
    """Keys carry user text as the start of its SHA-256, so a long flag keeps a short key."""
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def test_a_new_flag_goes_out_alone_on_the_next_run(
    team_sheet: Spreadsheet, webhook: Webhook, mail_server: MailServer, run: Any
) -> None:
    run("notify", config=team_sheet.config)
    run(
        "flag", "--handoff", "rpt-01", "--what", "Chart had no source", "--by", "Di Park",
        config=team_sheet.config,
    )  # fmt: skip
    run("notify", config=team_sheet.config)
    assert len(webhook.posts) == 2 and len(mail_server.mails) == 1
    latest = webhook.posts[-1].json
    assert latest["title"] == "Handoffs: 1 new flag"
    assert latest["message"].splitlines()[:2] == [
        "New flags (1):",
        "- RPT-01 (Analyst → Writer): “Chart had no source”; no fix suggested; flagged by Di Park",
    ]


def test_a_channel_that_is_down_exits_5_and_its_notices_go_out_when_it_is_back(
    team_sheet: Spreadsheet, webhook: Webhook, mail_server: MailServer, run: Any
) -> None:
    webhook.status = 503
    failed = run("notify", config=team_sheet.config, expect=5)
    assert webhook.answered >= 2  # retried within the budget
    assert failed.stderr == (
        "Error: Could not deliver notices to json (team 1) (HTTP 503: Servers are overloaded); "
        "they were not recorded as sent and go out on the next run.\n"
    )
    assert len(mail_server.mails) == 1  # the e-mail channel worked
    assert [row[0] for row in notices_rows(team_sheet)] == [
        "Cy Noone (not sent: not in the Team tab)",
        "Ana Lima",
        "Ana Lima",
    ]  # fmt: skip: nothing recorded for the digest

    webhook.status = 200
    run("notify", config=team_sheet.config)
    assert [p.json["title"] for p in webhook.posts] == [DIGEST_TITLE]
    assert len(mail_server.mails) == 1  # nobody hears twice
    no_secret_in(failed.output)


def test_a_mail_server_that_refuses_names_the_person_and_its_answer(
    team_sheet: Spreadsheet, webhook: Webhook, mail_server: MailServer, run: Any
) -> None:
    mail_server.refuse = True
    failed = run("notify", config=team_sheet.config, expect=5)
    assert failed.stderr == (
        "Error: Could not deliver notices to e-mail to Ana Lima (the mail server answered 451 "
        "Try again later); they were not recorded as sent and go out on the next run.\n"
    )  # the person is named, with the server's own answer
    assert len(webhook.posts) == 1
    no_secret_in(failed.output)


def test_dry_run_prints_each_message_and_sends_and_writes_nothing(
    team_sheet: Spreadsheet, webhook: Webhook, mail_server: MailServer, run: Any
) -> None:
    before = team_sheet.snapshot()
    result = run("notify", "--dry-run", config=team_sheet.config)
    where = where_of(team_sheet)
    assert result.stdout == (
        "Secrets (read from the environment when sending, never shown):\n"
        "- e-mail: ${SMTP_PASSWORD} as the password: set\n\n"
        f"=== json (team 1)\n{DIGEST_TITLE}\n\n{digest_body(where)}\n"
        "=== e-mail to Ana Lima\nHandoffs: 1 contract needs review and 1 flag you raised reviewed"
        f"\n\n{ana_body(where)}"
    )
    assert (webhook.posts, mail_server.mails, webhook.answered) == ([], [], 0)
    assert team_sheet.snapshot() == before
    no_secret_in(result.output)


def test_refresh_notify_writes_the_refresh_even_when_a_channel_fails(
    team_sheet: Spreadsheet, webhook: Webhook, run: Any
) -> None:
    webhook.status = 500
    result = run("refresh", "--quiet", "--notify", config=team_sheet.config, expect=5)
    assert result.stdout == ""
    tabs = team_sheet.read("Summary", "Stale Reviews", "Notices")
    assert tabs["Stale Reviews"][1][0] == "RPT-01"
    assert len(tabs["Notices"]) == 4  # header and the three e-mail rows, not the digest's


def test_refresh_strict_notify_says_5_when_a_notice_failed_even_with_data_errors(
    backend: Spreadsheet, webhook: Webhook, mail_server: MailServer, monkeypatch: Any, run: Any
) -> None:
    """Undelivered notices are the louder signal for cron: 5 wins over --strict's 1, as in a
    roll-up (docs/commands.md#exit-codes)."""
    monkeypatch.setenv("SMTP_PASSWORD", PASSWORD)
    backend.seed({**TABS, "Health": [*HEALTH, ["2026-11", "RPT-01", "lots", 10, 0]]})
    configure(backend, webhook, mail_server)
    webhook.status = 500
    run("refresh", "--quiet", "--strict", "--notify", config=backend.config, expect=5)
    run("validate", config=backend.config, expect=1)  # the data error is there all the same


def test_refresh_notify_on_google_sheets_makes_at_most_four_requests(
    make_spreadsheet: Any, webhook: Webhook, mail_server: MailServer, run: Any, monkeypatch: Any
) -> None:
    sheet = make_spreadsheet("gsheets")
    monkeypatch.setenv("SMTP_PASSWORD", PASSWORD)
    sheet.seed(TABS)
    configure(sheet, webhook, mail_server)
    run("refresh", "--quiet", "--notify", config=sheet.config)
    made = [r.method_id for r in sheet.emulator.requests]
    assert len(made) <= 4, made
    assert len(webhook.posts) == 1 and len(mail_server.mails) == 1
    where = where_of(sheet)
    assert where("Stale Reviews").startswith(
        f"https://docs.google.com/spreadsheets/d/{sheet.key}/edit#gid="
    )
    assert webhook.posts[0].json["message"] == posted(digest_body(where))


@pytest.mark.parametrize(
    ("team", "message"),
    [
        (
            ["json://127.0.0.1:1/ok", "bogus://token@host"],
            'Error: [notify] team #2 is not a "bogus://" URL that Apprise can use: the scheme is '
            "unknown or the URL is malformed. Check it against "
            "https://github.com/caronc/apprise/wiki; nothing was sent.\n",
        ),
        (
            ["json://127.0.0.1:1/ok", "slack://${SLACK_TOKEN_UNSET}"],
            "Error: [notify] team #2 uses ${SLACK_TOKEN_UNSET}, but the environment variable "
            "SLACK_TOKEN_UNSET is not set; set it (export SLACK_TOKEN_UNSET=…) in the environment "
            "that runs handoffs.\n",
        ),
    ],
)
def test_a_bad_channel_is_a_configuration_error_before_anything_is_sent(
    team_sheet: Spreadsheet, webhook: Webhook, mail_server: MailServer, run: Any,
    team: list[str], message: str,
) -> None:  # fmt: skip
    team[0] = webhook.url()
    configure(team_sheet, webhook, mail_server, *team)
    team_sheet.config.write_text(  # the second [notify] table replaces nothing: keep one
        team_sheet.config.read_text().split("\n[notify]\n")[0]
        + "\n[notify]\n"
        + team_sheet.config.read_text().split("\n[notify]\n")[-1]
    )
    before = team_sheet.snapshot()
    result: Result = run("notify", config=team_sheet.config, expect=2)
    assert result.stderr == message
    assert (webhook.answered, mail_server.mails) == (0, [])
    assert team_sheet.snapshot() == before


def test_an_edited_or_deleted_notices_tab_means_at_most_one_more_message(
    team_sheet: Spreadsheet, webhook: Webhook, mail_server: MailServer, run: Any
) -> None:
    run("notify", config=team_sheet.config)
    team_sheet.edit("Notices", "C1", "What")  # someone renamed the Key column: rows unreadable
    run("notify", config=team_sheet.config)
    assert (len(webhook.posts), len(mail_server.mails)) == (2, 2)
    team_sheet.seed(TABS)  # someone deleted the Notices tab
    run("notify", config=team_sheet.config)
    run("notify", config=team_sheet.config)
    assert (len(webhook.posts), len(mail_server.mails)) == (3, 3)


@pytest.fixture
def workbook(
    make_spreadsheet: Any, webhook: Webhook, mail_server: MailServer, monkeypatch: Any
) -> Spreadsheet:
    monkeypatch.setenv("SMTP_PASSWORD", PASSWORD)
    sheet = make_spreadsheet("xlsx")
    sheet.seed(TABS)
    return sheet


@pytest.mark.parametrize(
    ("fault", "cause"),
    [("timeout", "timed out: no complete answer within 0.5 s"), ("refused", "connection refused")],
)
def test_a_channel_that_times_out_or_refuses_is_retried_within_the_budget_then_exit_5(
    workbook: Spreadsheet, webhook: Webhook, mail_server: MailServer, run: Any, fault: str,
    cause: str,
) -> None:  # fmt: skip
    with socket.socket() as silent:  # "timeout": accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        if fault == "timeout":
            silent.listen(8)
        url = f"json://127.0.0.1:{silent.getsockname()[1]}/hook"
        configure(workbook, webhook, mail_server, url)
        started = time.monotonic()
        failed = run("notify", config=workbook.config, expect=5)
        assert time.monotonic() - started < 5  # retry_seconds = 1.0 bounds every wait
    assert failed.stderr == (
        f"Error: Could not deliver notices to json (team 1) ({cause}); they were not recorded "
        "as sent and go out on the next run.\n"
    )
    assert len(mail_server.mails) == 1  # the slow channel did not starve the e-mail


def test_people_who_cannot_be_written_to_are_counted_in_the_digest_once(
    workbook: Spreadsheet, webhook: Webhook, mail_server: MailServer, run: Any
) -> None:
    team = [*TEAM, ["ben ode", "Writer", False, "ben2@example.org"]]  # Ben twice
    reviews = [*REVIEWS, ["2026-Q3", "RPT-02", "x", "format change", "Shorter summary",
                          "di park", dt.date(2026, 11, 20), "in progress"]]  # fmt: skip
    flags = [*FLAGS, [dt.datetime(2026, 9, 1, 8, 0), "Ben Ode", "RPT-02", "Late", None,
                      "accepted", dt.date(2026, 9, 5)]]  # fmt: skip
    workbook.seed({**TABS, "Team": team, "Reviews": reviews, "Flags": flags})
    configure(workbook, webhook, mail_server)
    run("notify", config=workbook.config)
    assert (
        webhook.posts[0]
        .json["message"]
        .endswith(
            "Personal notices not sent: 3 (1 no E-mail in the Team tab, 1 not in the Team tab, "
            "1 the person appears twice in the Team tab)."
        )
    )
    assert [m.recipients for m in mail_server.mails] == [["ana@example.org"]]
    run("notify", config=workbook.config)
    assert len(webhook.posts) == 1  # skipped people alone are no news


def test_the_readme_channel_examples_are_urls_apprise_accepts() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    notices = readme[readme.index("## Notices") :]
    block = re.search(r"```toml\n(.*?)```", notices, re.DOTALL)
    assert block is not None
    config = parse_config(tomllib.loads(block.group(1)), Path("README.md"))
    names = set(re.findall(r"\$\{([A-Z_]+)\}", block.group(1)))
    channels = Channels.of(config, {name: "example" for name in names})
    assert [c.kind for c in channels.team] == ["slack", "workflows", "gchat"]
    assert channels.email is not None and channels.email.kind == "mailtos"


def test_each_channel_gets_the_digest_as_is_and_is_recorded_on_its_own(
    workbook: Spreadsheet, webhook: Webhook, mail_server: MailServer, run: Any
) -> None:
    """A Markdown channel (here json:// told its service reads Markdown, as Slack, Teams and
    Google Chat do) gets the text untouched, not backslash-escaped; a generic form:// webhook
    gets it as form fields. A failing channel does not hold back the others."""
    markdown = webhook.url(path="/markdown") + "?format=markdown"
    configure(workbook, webhook, mail_server, markdown, webhook.url("form", "/form"))
    webhook.status = 500
    run("notify", config=workbook.config, expect=5)
    webhook.status = 200
    run("notify", config=workbook.config)  # both channels failed first: both go now
    where = where_of(workbook)
    by_path = {post.path: post for post in webhook.posts}
    body = posted(digest_body(where, skipped=False))
    assert by_path["/markdown"].json["message"] == body
    form = dict(parse_qsl(by_path["/form"].body.decode()))
    assert (form["title"], form["message"]) == (DIGEST_TITLE, body)
    assert sorted(row[0] for row in notices_rows(workbook) if "team" in row[0]) == [
        *["form (team 2)"] * 4,
        *["json (team 1)"] * 4,
    ]


def test_refresh_notify_computes_the_figures_once_for_the_tabs_and_the_notices(
    team_sheet: Spreadsheet, run: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same figures feed the Summary and the notices: maturity, team share and stale
    reviews are worked out once (the pure figure functions are counted, still run for real)."""
    from handoffs.figures import team as team_module

    calls: Counter[str] = Counter()
    for name in ("assess", "team_share", "stale_reviews"):
        real = getattr(team_module, name)

        def counted(*args: Any, _real: Any = real, _name: str = name, **kwargs: Any) -> Any:
            calls[_name] += 1
            return _real(*args, **kwargs)

        monkeypatch.setattr(team_module, name, counted)
    run("refresh", "--dry-run", "--notify", config=team_sheet.config)
    assert calls == {"assess": 1, "team_share": 1, "stale_reviews": 1}


def test_the_notices_doc_channel_example_uses_workflows_and_apprise_accepts_it() -> None:
    """Microsoft retired the Office 365 connector webhooks (`msteams://`); Teams takes Workflows."""
    doc = (ROOT / "docs" / "notices.md").read_text(encoding="utf-8")
    channels_section = doc[doc.index("## Channels") :]
    block = re.search(r"\n    \[notify\]\n(.*?)\n\n", channels_section, re.DOTALL)
    assert block is not None
    text = "[notify]\n" + "\n".join(line[4:] for line in block.group(1).splitlines())
    config = parse_config(tomllib.loads(text), Path("docs/notices.md"))
    names = set(re.findall(r"\$\{([A-Z_]+)\}", text))
    channels = Channels.of(config, {name: "example" for name in names})
    assert [c.kind for c in channels.team] == ["slack", "workflows"]
    assert channels.email is not None and channels.email.kind == "mailto"
    assert "msteams://…" not in doc and '"msteams://' not in doc
