"""One notify run (docs/notices.md): what is new for each channel and person, the messages,
their delivery, and the Notices tab that records what was sent.

Recorded as pending, then sent, then recorded as sent: the Notices tab is written (with this
run's messages marked as sending) before anything goes out, so a spreadsheet that refuses the
write (a workbook open in Excel or read-only, a Viewer-only share, the team's own tab named
Notices) stops the run before a single message is sent, instead of sending the same messages
on every run. A pending row never counts as sent: a run that fails between sending and the
second write may send a notice twice, never lose one, and says which messages went out. A
message that could not be delivered is not recorded, so the next run sends it again.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from handoffs.backends.channels import Channel, Sender, email_channel, limits, team_channels
from handoffs.config import Config
from handoffs.figures.team import TeamFigures
from handoffs.model.dataset import Dataset
from handoffs.model.errors import DeliveryError, HandoffsError, UsageError
from handoffs.model.spreadsheet import Backend, RawTab, TabContent
from handoffs.notices.facts import (
    PENDING,
    Findings,
    Ledger,
    SentRow,
    find_facts,
    new_for,
    notices_tab,
    people,
    read_sent,
)
from handoffs.notices.notice import Notice
from handoffs.notices.text import Message, compose, plural, quoted, skipped_line


@dataclass(frozen=True)
class Channels:
    team: list[Channel]
    email: Channel | None

    @classmethod
    def of(
        cls, config: Config, environ: Mapping[str, str] | None = None, *, dry_run: bool = False
    ) -> Channels:
        """Every configured URL expanded and checked: a UsageError before anything is sent.
        `dry_run`: unset `${NAME}` variables are allowed and shown as unset."""
        return cls(
            team_channels(config.notify, environ, dry_run=dry_run),
            email_channel(config.notify, environ, dry_run=dry_run),
        )

    @property
    def every(self) -> list[Channel]:
        return [*self.team, *([self.email] if self.email else [])]


def notify_channels(config: Config, *, dry_run: bool = False) -> Channels:
    """The configured channels, checked before anything is read or sent (exit 2 otherwise)."""
    channels = Channels.of(config, dry_run=dry_run)
    if not channels.team and channels.email is None:
        raise UsageError(
            'Nothing to notify: add [notify] team = ["<Apprise URL>", …] and/or '
            'email = "mailto://…" to the config (see config.example.toml).'
        )
    return channels


@dataclass
class Delivery:
    """One message to one channel or person."""

    to: str  # the channel's label or the person's name, as recorded in the Notices tab
    channel: Channel
    message: Message
    address: str = ""  # a personal notice's e-mail address; "" for a team channel
    delivered: bool | None = None  # None: not attempted (dry run)
    cause: str = ""  # why it was not delivered (secrets masked)

    @property
    def who(self) -> str:
        return f"e-mail to {self.to}" if self.address else self.to


@dataclass
class NoticeOutcome:
    deliveries: list[Delivery] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)  # reason -> people
    tab: TabContent | None = None  # the Notices tab written, None when nothing changed
    secrets: list[str] = field(default_factory=list)  # dry run: where each ${NAME} goes
    record_error: str = ""  # messages went out, but the Notices tab could not be written
    not_written_to: list[tuple[str, str]] = field(default_factory=list)  # (person, why), new

    @property
    def failed(self) -> list[Delivery]:
        return [d for d in self.deliveries if d.delivered is False]

    @property
    def sent(self) -> list[Delivery]:
        return [d for d in self.deliveries if d.delivered]

    @property
    def exit_code(self) -> int:
        """5 when a message could not be delivered or recorded (docs/commands.md#exit-codes)."""
        return DeliveryError.exit_code if self.failed or self.record_error else 0

    def error(self) -> DeliveryError | None:
        """Exit 5 naming each failed channel by its kind (never its URL) and each person, with
        the cause; or naming the messages that went out but could not be recorded."""
        parts = []
        if self.failed:
            names = ", ".join(f"{d.who} ({d.cause or 'no cause given'})" for d in self.failed)
            parts.append(
                f"Could not deliver notices to {names}; they were not recorded as sent and go "
                "out on the next run."
            )
        if self.record_error:
            names = ", ".join(d.who for d in self.sent)
            parts.append(
                f"Notices WERE SENT to {names}, but recording them in the Notices tab failed: "
                f"{self.record_error} Until the tab can be written, each run sends them again."
            )
        return DeliveryError(" ".join(parts)) if parts else None


def run_notices(
    figures: TeamFigures,
    notices: RawTab | None,
    channels: Channels,
    backend: Backend,
    now: dt.datetime,
    *,
    dry_run: bool = False,
    sender: Sender | None = None,
    also: Sequence[TabContent] = (),
) -> NoticeOutcome:
    """Work out the messages from the team's figures (those `refresh` writes to the tabs in the
    same run); unless `dry_run`, write `also` (refresh's tabs) with the Notices tab marking
    them pending, send them, and write the Notices tab again with what was delivered."""
    facts = find_facts(figures)
    previous = read_sent(notices)
    plan = _Plan(figures.dataset, facts, Ledger(previous), channels, backend.tab_url, now)
    _plan(plan)
    outcome, records = plan.outcome, plan.records
    if dry_run:
        outcome.secrets = [f"{c.label}: {use}" for c in channels.every for use in c.uses]
        return outcome
    pending = [
        SentRow(now, d.to + PENDING, n.key, n.line) for d in outcome.deliveries
        for n in d.message.notices
    ]  # fmt: skip
    first = notices_tab(previous, facts, [*records, *pending])
    changed = bool(records or pending) or len(first.rows) != len(previous)
    _write_first(backend, [*also, *([first] if changed else [])], bool(pending))
    outcome.tab = first if changed else None
    if not pending:
        return outcome
    sender = sender or Sender(figures.config.notify.retry_seconds,
                              figures.config.notify.timeout_seconds)  # fmt: skip
    sender.expect(len(outcome.deliveries))
    for delivery in outcome.deliveries:
        sent = sender.send(
            delivery.channel, delivery.message.title, delivery.message.body, delivery.address
        )
        delivery.delivered, delivery.cause = sent.delivered, sent.cause
        if sent.delivered:
            records += [SentRow(now, delivery.to, n.key, n.line) for n in delivery.message.notices]
    outcome.tab = notices_tab(previous, facts, records)
    try:
        backend.write_generated([outcome.tab])
    except HandoffsError as error:
        outcome.record_error = str(error)
    return outcome


def _write_first(backend: Backend, tabs: list[TabContent], sending: bool) -> None:
    """The write before anything is sent: if the spreadsheet refuses it, nothing goes out."""
    if not tabs:
        return
    try:
        backend.write_generated(tabs)
    except HandoffsError as error:
        if not sending:
            raise
        stopped = type(error)(
            f"{error} No notice was sent: the Notices tab must be writable first, or the same "
            "messages would go out on every run."
        )
        stopped.silent = error.silent
        raise stopped from error


@dataclass
class _Plan:
    """What planning a run reads, and what it fills in: the outcome's deliveries and the rows
    to record for people who cannot be written to."""

    ds: Dataset
    facts: Findings
    ledger: Ledger
    channels: Channels
    where: Callable[[str], str]
    now: dt.datetime
    outcome: NoticeOutcome = field(default_factory=NoticeOutcome)
    records: list[SentRow] = field(default_factory=list)


def _plan(plan: _Plan) -> None:
    """The messages of this run, personal ones first worked out (the digest counts people
    who cannot be written to)."""
    facts, ledger, channels, where, outcome = (
        plan.facts, plan.ledger, plan.channels, plan.where, plan.outcome
    )  # fmt: skip
    personal = _personal(plan)
    footer = [skipped_line(outcome.skipped)] if outcome.skipped else []
    for channel in channels.team:
        fresh = new_for(channel.label, facts.team, ledger)
        if fresh:
            body_limit, title_limit = limits(channel)
            message = compose(
                fresh, where, footer=footer, body_limit=body_limit, title_limit=title_limit
            )
            outcome.deliveries.append(Delivery(channel.label, channel, message))
    outcome.deliveries += personal


def _personal(plan: _Plan) -> list[Delivery]:
    """At most one message per person; people who cannot be written to are counted by reason
    and recorded as not sent, so the digest mentions them once."""
    channels, ledger, outcome, now = plan.channels, plan.ledger, plan.outcome, plan.now
    if channels.email is None:
        return []
    book = people(plan.ds)
    by_person: dict[str, list[Notice]] = defaultdict(list)
    names: dict[str, str] = {}
    for notice in plan.facts.personal:
        folded = " ".join(notice.person.split()).casefold()
        by_person[folded].append(notice)
        names.setdefault(folded, " ".join(notice.person.split()))
    deliveries: list[Delivery] = []
    reasons: Counter[str] = Counter()
    body_limit, title_limit = limits(channels.email)
    for folded, notices in by_person.items():
        person, reason = book.find(folded)
        if person is None:
            name = book.undeliverable.get(folded, names[folded])  # as the Team tab spells it
            to = f"{name} (not sent: {reason})"
            fresh = new_for(to, notices, ledger)
            if fresh:
                reasons[reason] += 1
                outcome.not_written_to.append((name, reason))
                plan.records += [SentRow(now, to, n.key, n.line) for n in fresh]
            continue
        fresh = new_for(person.name, notices, ledger)
        if fresh:
            message = compose(
                fresh,
                plan.where,
                greeting=f"Hello {quoted(person.name, 60, marks=False)}, these need you:",
                body_limit=body_limit,
                title_limit=title_limit,
            )
            deliveries.append(Delivery(person.name, channels.email, message, address=person.email))
    outcome.skipped = dict(reasons)
    return deliveries


def dry_run_text(outcome: NoticeOutcome) -> str:
    """Where each secret would be used, then exactly the messages that would go out, per
    channel and per person."""
    parts = []
    if outcome.secrets:
        lines = "\n".join(f"- {line}" for line in outcome.secrets)
        parts.append(f"Secrets (read from the environment when sending, never shown):\n{lines}\n")
    if not outcome.deliveries:
        return "\n".join([*parts, "Nothing new to notify.\n"])
    for delivery in outcome.deliveries:
        message = delivery.message
        parts.append(f"=== {delivery.who}\n{message.title}\n\n{message.body}")
    return "\n".join(parts)


def sent_text(outcome: NoticeOutcome) -> str:
    """One line for people running it by hand: what went out."""
    sent = outcome.sent
    if not outcome.deliveries:
        return "Nothing new to notify."
    mail = sum(1 for d in sent if d.address)
    team = len(sent) - mail
    skipped = "; ".join(f"{person} ({why})" for person, why in outcome.not_written_to)
    return (
        f"Sent {plural(team, 'team digest')} and {plural(mail, 'personal notice')}"
        + (f"; {len(outcome.failed)} could not be delivered" if outcome.failed else "")
        + "."
        + (f"\nNot written to: {skipped}." if skipped else "")
    )
