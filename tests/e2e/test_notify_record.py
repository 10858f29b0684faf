"""The Notices tab is written before anything is sent (docs/notices.md#sent-once-the-notices-tab):
a spreadsheet that refuses the write stops the run before a single message goes out, so the
same messages are not sent again on every run; and when the record after sending fails, the
run says which messages went out. Against a real workbook, the Sheets emulator, a webhook and an
SMTP server."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Spreadsheet
from tests.e2e.test_notify_e2e import PASSWORD, TABS, configure, notices_rows
from tests.sheets_emulator import Fault
from tests.support.notify_servers import MailServer, Webhook, mail_server, webhook

__all__ = ["mail_server", "webhook"]  # fixtures

NOT_SENT = (
    "No notice was sent: the Notices tab must be writable first, or the same messages would go "
    "out on every run."
)


@pytest.fixture
def sheet_of(
    make_spreadsheet: Any, webhook: Webhook, mail_server: MailServer, monkeypatch: Any
) -> Any:
    monkeypatch.setenv("SMTP_PASSWORD", PASSWORD)

    def make(kind: str, tabs: dict[str, Any] = TABS) -> Spreadsheet:
        sheet = make_spreadsheet(kind)
        sheet.seed(tabs)
        configure(sheet, webhook, mail_server)
        return sheet

    return make


def excel_has_it_open(sheet: Spreadsheet) -> None:
    (sheet.path.parent / f"~${sheet.path.name}").write_bytes(b"owner")


@pytest.mark.parametrize(
    ("kind", "refusal", "code", "said"),
    [
        ("xlsx", "open in Excel", 3, "is open in Excel or LibreOffice"),
        ("xlsx", "the team's own Notices tab", 2, "has its own tab named 'Notices'"),
        ("gsheets", "a Viewer-only share", 3, "The caller does not have permission"),
        ("gsheets", "the team's own Notices tab", 2, "has its own tab named 'Notices'"),
    ],
)
@pytest.mark.parametrize("command", [["notify"], ["refresh", "--quiet", "--notify"]])
def test_a_refused_record_sends_nothing_on_any_run(
    sheet_of: Any, webhook: Webhook, mail_server: MailServer, run: Any,
    kind: str, refusal: str, code: int, said: str, command: list[str],
) -> None:  # fmt: skip
    tabs = dict(TABS)
    if refusal == "the team's own Notices tab":
        tabs["Notices"] = [["Who", "What"], ["Ana", "call the client"]]
    sheet = sheet_of(kind, tabs)
    if refusal == "open in Excel":
        excel_has_it_open(sheet)
    elif refusal == "a Viewer-only share":
        sheet.emulator.inject(Fault("403", match=":batchUpdate", times=None))
    for _ in range(2):
        refused = run(*command, config=sheet.config, expect=code)
        assert said in refused.stderr and NOT_SENT in refused.stderr
    assert (webhook.answered, mail_server.logins, mail_server.mails) == (0, [], [])


@pytest.mark.parametrize("kind", ["xlsx", "gsheets"])
def test_when_the_record_after_sending_fails_the_run_says_what_went_out(
    sheet_of: Any, webhook: Webhook, mail_server: MailServer, run: Any, kind: str
) -> None:
    sheet = sheet_of(kind)
    if kind == "xlsx":
        webhook.on_post = lambda: excel_has_it_open(sheet)  # opened in Excel while sending
    else:
        sheet.emulator.inject(Fault("403", match=":batchUpdate", after=1))  # the second write
    failed = run("notify", config=sheet.config, expect=5)
    assert failed.stderr.startswith(
        "Error: Notices WERE SENT to json (team 1), e-mail to Ana Lima, but recording them in "
        "the Notices tab failed: "
    )
    assert failed.stderr.endswith(" Until the tab can be written, each run sends them again.\n")
    assert (len(webhook.posts), len(mail_server.mails)) == (1, 1)
    # What the first write left: this run's messages marked as pending, never counted as sent.
    assert {to for to, _ in notices_rows(sheet)} == {
        "Cy Noone (not sent: not in the Team tab)",
        "json (team 1) (sending, not confirmed)",
        "Ana Lima (sending, not confirmed)",
    }

    webhook.on_post = None
    if kind == "xlsx":
        (sheet.path.parent / f"~${sheet.path.name}").unlink()  # closed again
    run("notify", config=sheet.config)  # sent once more (never lost), now recorded
    assert (len(webhook.posts), len(mail_server.mails)) == (2, 2)
    assert not any("sending" in to for to, _ in notices_rows(sheet))
    again = run("notify", config=sheet.config)
    assert again.stdout == "Nothing new to notify.\n"
