"""One notify run (docs/notices.md): what is new for each channel and person, the messages,
their delivery, and the Notices tab that records what was sent. Sent first, recorded after:
a run that fails in between may send a notice twice, never lose one; a message that could not
be delivered is not recorded, so the next run sends it again.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from handoffs.backends.channels import Channel, Sender, email_channel, limits, team_channels
from handoffs.config import Config
from handoffs.figures.team import TeamFigures
from handoffs.model.dataset import Dataset
from handoffs.model.errors import DeliveryError, UsageError
from handoffs.model.spreadsheet import RawTab, TabContent
from handoffs.notices.facts import (
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
from handoffs.notices.text import Message, compose, plural, skipped_line


@dataclass(frozen=True)
class Channels:
    team: list[Channel]
    email: Channel | None

    @classmethod
    def of(cls, config: Config, environ: Mapping[str, str] | None = None) -> Channels:
        """Every configured URL expanded and checked: a UsageError before anything is sent."""
        return cls(team_channels(config.notify, environ), email_channel(config.notify, environ))


def notify_channels(config: Config) -> Channels:
    """The configured channels, checked before anything is read or sent (exit 2 otherwise)."""
    channels = Channels.of(config)
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


@dataclass
class NoticeOutcome:
    deliveries: list[Delivery] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)  # reason -> people
    tab: TabContent | None = None  # the Notices tab to write, None when nothing changed

    @property
    def failed(self) -> list[Delivery]:
        return [d for d in self.deliveries if d.delivered is False]

    @property
    def exit_code(self) -> int:
        """5 when a message could not be delivered (docs/commands.md#exit-codes)."""
        return DeliveryError.exit_code if self.failed else 0

    def error(self) -> DeliveryError | None:
        """Exit 5 naming each failed channel by its kind, never its URL."""
        if not self.failed:
            return None
        team = [d.to for d in self.failed if not d.address]
        mail = [d for d in self.failed if d.address]
        names = team + (
            [f"{mail[0].channel.kind} ({plural(len(mail), 'personal notice')})"] if mail else []
        )
        return DeliveryError(
            f"Could not deliver notices to {', '.join(names)} after retrying; they were not "
            "recorded as sent and go out on the next run."
        )


def run_notices(
    figures: TeamFigures,
    notices: RawTab | None,
    channels: Channels,
    where: Callable[[str], str],
    now: dt.datetime,
    *,
    dry_run: bool = False,
    sender: Sender | None = None,
) -> NoticeOutcome:
    """Work out the messages from the team's figures (those `refresh` writes to the tabs in the
    same run), send them (unless `dry_run`) and build the Notices tab."""
    ds = figures.dataset
    facts = find_facts(figures)
    previous = read_sent(notices)
    ledger = Ledger(previous)
    outcome = NoticeOutcome()
    records: list[SentRow] = []
    personal = _personal(ds, facts, ledger, channels, where, outcome, records, now)
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
    if dry_run:
        return outcome
    sender = sender or Sender(figures.config.notify.retry_seconds)
    for delivery in outcome.deliveries:
        delivery.delivered = sender.send(
            delivery.channel, delivery.message.title, delivery.message.body, delivery.address
        )
        if delivery.delivered:
            records += [SentRow(now, delivery.to, n.key, n.line) for n in delivery.message.notices]
    tab = notices_tab(previous, facts, records)
    if records or len(tab.rows) != len(previous):
        outcome.tab = tab
    return outcome


def _personal(
    ds: Dataset,
    facts: Findings,
    ledger: Ledger,
    channels: Channels,
    where: Callable[[str], str],
    outcome: NoticeOutcome,
    records: list[SentRow],
    now: dt.datetime,
) -> list[Delivery]:
    """At most one message per person; people who cannot be written to are counted by reason
    and recorded as not sent, so the digest mentions them once."""
    if channels.email is None:
        return []
    book = people(ds)
    by_person: dict[str, list[Notice]] = defaultdict(list)
    names: dict[str, str] = {}
    for notice in facts.personal:
        folded = " ".join(notice.person.split()).casefold()
        by_person[folded].append(notice)
        names.setdefault(folded, " ".join(notice.person.split()))
    deliveries: list[Delivery] = []
    reasons: Counter[str] = Counter()
    body_limit, title_limit = limits(channels.email)
    for folded, notices in by_person.items():
        person, reason = book.find(folded)
        if person is None:
            to = f"{names[folded]} (not sent: {reason})"
            fresh = new_for(to, notices, ledger)
            if fresh:
                reasons[reason] += 1
                records += [SentRow(now, to, n.key, n.line) for n in fresh]
            continue
        fresh = new_for(person.name, notices, ledger)
        if fresh:
            message = compose(
                fresh,
                where,
                greeting=f"Hello {person.name}, these need you:",
                body_limit=body_limit,
                title_limit=title_limit,
            )
            deliveries.append(Delivery(person.name, channels.email, message, address=person.email))
    outcome.skipped = dict(reasons)
    return deliveries


def dry_run_text(outcome: NoticeOutcome) -> str:
    """Exactly the messages that would go out, per channel and per person."""
    if not outcome.deliveries:
        return "Nothing new to notify.\n"
    parts = []
    for delivery in outcome.deliveries:
        who = f"e-mail to {delivery.to}" if delivery.address else delivery.to
        message = delivery.message
        parts.append(f"=== {who}\n{message.title}\n\n{message.body}")
    return "\n".join(parts)


def sent_text(outcome: NoticeOutcome) -> str:
    """One line for people running it by hand: what went out."""
    sent = [d for d in outcome.deliveries if d.delivered]
    if not outcome.deliveries:
        return "Nothing new to notify."
    mail = sum(1 for d in sent if d.address)
    team = len(sent) - mail
    return (
        f"Sent {plural(team, 'team digest')} and {plural(mail, 'personal notice')}"
        + (f"; {len(outcome.failed)} could not be delivered" if outcome.failed else "")
        + "."
    )
