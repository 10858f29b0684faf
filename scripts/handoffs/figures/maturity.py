"""docs/figures.md#maturity: Developing → Proficient → Mastered, each criterion met or not, with the
rows that prove it or what is missing. Every rule of every level is in this module.

Windows, relative to today: Health is monthly, so "the last three months" are the three whole
months before the current one; flags carry timestamps, so theirs are the three months up to
today (`review_loop.team_share`); "last quarter's review" is the latest review whose improvement
can be measured: the actions recorded for the quarter before the last ended quarter.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TypeAlias

import pandas as pd

from handoffs.checks.notes import NoteCheck, summarise
from handoffs.config import Config
from handoffs.figures.columns import Columns, blank, columns
from handoffs.figures.health_sums import rework_and_hours
from handoffs.figures.review_loop import TeamShare, quarter_actions, worst_handoffs
from handoffs.figures.stale import missing_of
from handoffs.model.dataset import Dataset
from handoffs.model.periods import Period, months_between, recent_months
from handoffs.model.vocabulary import ACTIVE, DRAFT, DROPPED_ACTION, IN_FORCE, UNMEASURED
from handoffs.model.words import agrees, counted, rows_of

LEVELS = ("Developing", "Proficient", "Mastered")
NEW_MEMBER_MONTHS = 6
_CONTEXT = ("Context that travels", "What gets lost")
_ACTIVE = ("handoff_id", "row", "context_travels", "context_lost", "split_reason", "decision_note")
_ACTION = ("handoff_id", "status", "row", "owner", "deadline")  # a Reviews row's, in order
Month: TypeAlias = pd.Timestamp  # the first day of a month
_SHOWN = 5  # items named in an evidence sentence before "and N more"


@dataclass(frozen=True)
class Criterion:
    level: str
    key: str
    title: str
    met: bool
    evidence: str  # which rows prove it, or what is missing
    rows: dict[str, tuple[int, ...]] = field(default_factory=dict)  # tab title -> sheet rows


@dataclass(frozen=True)
class Maturity:
    criteria: tuple[Criterion, ...]

    def of(self, level: str) -> list[Criterion]:
        return [c for c in self.criteria if c.level == level]

    @property
    def level(self) -> str | None:
        """The highest level whose criteria, and those of every level below, are all met."""
        reached = None
        for name in LEVELS:
            if not all(c.met for c in self.of(name)):
                break
            reached = name
        return reached

    @property
    def label(self) -> str:
        return self.level or "not yet Developing"

    @property
    def next_level(self) -> str | None:
        index = LEVELS.index(self.level) + 1 if self.level else 0
        return LEVELS[index] if index < len(LEVELS) else None

    @property
    def next_step(self) -> str:
        """'next: Proficient (1 of 3 criteria met)' or 'every criterion is met'."""
        if self.next_level is None:
            return "every criterion of every level is met"
        criteria = self.of(self.next_level)
        met = sum(c.met for c in criteria)
        return f"next: {self.next_level} ({met} of {counted(len(criteria), 'criterion')} met)"


def listing(items: Sequence[str], limit: int = _SHOWN) -> str:
    shown = "; ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _all(count: int, noun: str, many: str | None = None) -> str:
    """'all 3 active handoffs', 'the one active handoff'."""
    return f"the one {noun}" if count == 1 else f"all {counted(count, noun, many)}"


def _of(part: int, whole: int, noun: str, many: str | None = None) -> str:
    """'2 of 5 active handoffs', 'the one active handoff'."""
    return f"the one {noun}" if whole == 1 else f"{part} of {counted(whole, noun, many)}"


def _span(months: list[Month]) -> str:
    return f"{months[0]:%Y-%m} … {months[-1]:%Y-%m}"


def assess(
    ds: Dataset,
    config: Config,
    share: TeamShare,
    notes: Sequence[NoteCheck] | None,
    notes_folder: str | None = None,
) -> Maturity:
    """Every criterion of every level. `notes` are the checked notes of `[templates]
    notes_folder` (None when no folder is configured)."""
    handoffs = ds["handoffs"]
    is_active = [status == ACTIVE for status in handoffs["status"].tolist()]
    active = columns(handoffs, _ACTIVE, is_active)
    months, ids = recent_months(ds.today), set(active["handoff_id"])
    # Health rows of the active handoffs in the last three months, with their hours lost
    recent = months_between(ds["health"], months[0], months[-1])
    of_active = [handoff in ids for handoff in recent["handoff_id"].tolist()]
    recent = columns(recent, ("handoff_id", "month", "row", "rework_requests", "hours"), of_active)
    return Maturity(
        (
            _workflow_map(active),
            _contract_for_most_rework(ds, recent, months),
            _template_in_use(notes, notes_folder),
            _contracts_complete(ds, active["handoff_id"], config),
            _split_reasons(active),
            _health_rows(active["handoff_id"], recent, months),
            _review_loop(ds),
            _onboarding(ds),
            _team_driven(share),
        )
    )


def _no_map(level: str, key: str, title: str) -> Criterion:
    return Criterion(
        level, key, title, False,
        "no active handoff on the workflow map yet: add one row per red dot to the Handoffs tab",
    )  # fmt: skip


def _workflow_map(active: Columns) -> Criterion:
    title = "Workflow map with what travels and what gets lost"
    count = len(active["handoff_id"])
    if not count:
        return _no_map("Developing", "workflow_map", title)
    blanks = zip(blank(active["context_travels"]), blank(active["context_lost"]), strict=True)
    items = [
        f"{handoff} ({' and '.join(n for n, b in zip(_CONTEXT, gaps, strict=True) if b)}, row {row})"
        for handoff, gaps, row in zip(active["handoff_id"], blanks, active["row"], strict=True)
        if any(gaps)
    ]
    if not items:
        what = "Context that travels and What gets lost"
        return _every_active(
            "Developing", "workflow_map", title, count, what, "Handoffs", active["row"]
        )
    who = _of(len(items), count, "active handoff")
    evidence = f"{who} {agrees(len(items), 'misses')} context: {listing(items)}"
    return Criterion("Developing", "workflow_map", title, False, evidence)


def _contract_for_most_rework(ds: Dataset, window: Columns, months: list[Month]) -> Criterion:
    title = "A contract (trial or active) for the handoff with the most rework"
    if not window["handoff_id"]:
        evidence = f"no Health rows for active handoffs in {_span(months)}, so the handoff with the most rework is unknown"
        return Criterion("Developing", "contract_most_rework", title, False, evidence)
    ids = window["handoff_id"]
    totals = rework_and_hours(ids, window["rework_requests"], window["hours"])
    handoff = min(totals, key=lambda h: (-totals[h][0], -totals[h][1], h))
    lead = (
        f"{handoff} has the most rework ({counted(totals[handoff][0], 'request')} in "
        f"{_span(months)})"
    )
    contracts = ds["contracts"]
    columns = (contracts[name].tolist() for name in ("handoff_id", "status", "row"))
    own = [(status, row) for h, status, row in zip(*columns, strict=True) if h == handoff]
    health_rows = tuple(int(r) for h, r in zip(ids, window["row"], strict=True) if h == handoff)
    in_force = [(status, row) for status, row in own if status in IN_FORCE]
    if in_force:
        status, row = in_force[0]
        evidence = f"{lead} and its contract is {status} (Contracts row {row})"
        found = {"Health": health_rows, "Contracts": (int(row),)}
        return Criterion("Developing", "contract_most_rework", title, True, evidence, found)
    drafts = [row for status, row in own if status == DRAFT]
    fix = (
        f"its contract is a draft (Contracts row {drafts[0]}): start the two-week trial"
        if drafts
        else "but no contract: write one in the Contracts tab and trial it for two weeks"
    )
    return Criterion("Developing", "contract_most_rework", title, False, f"{lead}; {fix}")


def _template_in_use(notes: Sequence[NoteCheck] | None, folder: str | None) -> Criterion:
    title = "An artifact template in use (notes that pass `handoffs check`)"
    if notes is None:
        evidence = (
            "no notes folder: set [templates] notes_folder in the config to where filled "
            "handoff notes are kept"
        )
        return Criterion("Developing", "template_in_use", title, False, evidence)
    where = folder or "the notes folder"
    complete, incomplete = summarise(notes)
    if complete:
        which = f"{_of(len(complete), len(notes), 'note')} in {where}"
        evidence = (
            f"{which} {agrees(len(complete), 'passes')} `handoffs check`: {listing(complete)}"
        )
        return Criterion("Developing", "template_in_use", title, True, evidence)
    if not notes:
        evidence = f"no notes in {where} yet: start one with `handoffs template --handoff ID`"
    else:
        which = "the one note" if len(notes) == 1 else f"none of the {len(notes)} notes"
        verb = agrees(len(notes), "fails") if len(notes) == 1 else "passes"
        evidence = f"{which} in {where} {verb} `handoffs check`: {listing(incomplete)}"
    return Criterion("Developing", "template_in_use", title, False, evidence)


def _contracts_complete(ds: Dataset, active: list[Any], config: Config) -> Criterion:
    title = "Every active handoff has a complete contract, reviewed within the quarter"
    if not active:
        return _no_map("Proficient", "contracts_complete", title)
    contracts = ds["contracts"]
    since = pd.Timestamp(ds.today) - pd.Timedelta(days=config.review.every_days)
    missing = missing_of(contracts)
    reviewed, row = contracts["last_reviewed"].tolist(), contracts["row"].tolist()
    found: dict[str, list[int | None]] = {}  # handoff id -> its contracts in force, in order
    for position, (handoff, status) in enumerate(
        zip(contracts["handoff_id"].tolist(), contracts["status"].tolist(), strict=True)
    ):
        if status in IN_FORCE:
            found.setdefault(handoff, []).append(position)
    late = f", more than {counted(config.review.every_days, 'day')} ago"
    table: list[tuple[str, int | None, str]] = []  # each active handoff x its contracts
    for handoff in active:
        for i in found.get(handoff, [None]):
            if i is None:
                reason = "no trial or active contract"
            elif missing[i]:
                reason = f"missing {missing[i]}"
            elif pd.isna(reviewed[i]):
                reason = "never reviewed"
            else:
                reason = (
                    "" if reviewed[i] >= since else f"last reviewed {reviewed[i]:%Y-%m-%d}{late}"
                )
            table.append((handoff, i, reason))
    bad = [f"{handoff}: {reason}" for handoff, _, reason in table if reason]
    if not bad:
        rows = tuple(int(row[i]) for _, i, _ in table if i is not None)
        evidence = (
            f"{_all(len(table), 'active handoff')} {agrees(len(table), 'has')} a complete contract "
            f"reviewed since {since:%Y-%m-%d} ({rows_of('Contracts', rows)})"
        )
        return Criterion(
            "Proficient", "contracts_complete", title, True, evidence, {"Contracts": rows}
        )
    who = _of(len(bad), len(table), "active handoff")
    evidence = f"{who} {agrees(len(bad), 'falls')} short: {listing(bad)}"
    return Criterion("Proficient", "contracts_complete", title, False, evidence)


def _split_reasons(active: Columns) -> Criterion:
    title = "Every handoff has a split reason other than unknown, with a decision note"
    count = len(active["handoff_id"])
    if not count:
        return _no_map("Proficient", "split_reasons", title)
    items = [
        f"{handoff}: split reason unknown, row {row}"
        if reason == "unknown"
        else f"{handoff}: no decision note for {reason}, row {row}"
        for handoff, reason, blank, row in zip(
            *(active[name] for name in ("handoff_id", "split_reason")),
            blank(active["decision_note"]),
            active["row"],
            strict=True,
        )
        if reason == "unknown" or blank
    ]
    if not items:
        what = "a split reason and a decision note"
        return _every_active(
            "Proficient", "split_reasons", title, count, what, "Handoffs", active["row"]
        )
    evidence = f"{_of(len(items), count, 'active handoff')}: {listing(items)}"
    return Criterion("Proficient", "split_reasons", title, False, evidence)


def _health_rows(active: list[Any], window: Columns, months: list[Month]) -> Criterion:
    title = "Health rows for every active handoff in each of the last three months"
    if not active:
        return _no_map("Proficient", "health_rows", title)
    present = set(zip(window["handoff_id"], window["month"], strict=True))
    gaps = [(h, m) for h in active for m in months if (h, m) not in present]
    if not gaps:
        what = f"a row for each month of {_span(months)}"
        return _every_active(
            "Proficient", "health_rows", title, len(active), what, "Health", window["row"]
        )
    items = [f"{handoff} {month:%Y-%m}" for handoff, month in gaps]
    evidence = f"{counted(len(gaps), 'Health row')} missing for {_span(months)}: {listing(items)}"
    return Criterion("Proficient", "health_rows", title, False, evidence)


def _review_loop(ds: Dataset) -> Criterion:
    title = "Last quarter's review acted on its two worst handoffs and measured the improvement"
    reviewed = Period.quarter_of(ds.today).previous().previous()
    worst = worst_handoffs(ds, reviewed, 2)
    if not worst:
        evidence = f"no Health data for {reviewed}, so its two worst handoffs are unknown"
        return Criterion("Mastered", "review_loop", title, False, evidence)
    positions, measured = quarter_actions(ds, reviewed)
    handoff_of, status, row, owner, deadline = columns(ds["reviews"], _ACTION).values()
    kept = [(i, m) for i, m in zip(positions, measured, strict=True) if status[i] != DROPPED_ACTION]
    found, short = [], []
    rows: list[int] = []
    for handoff in worst:
        own = [(i, m) for i, m in kept if handoff_of[i] == handoff]
        if not own:
            short.append(f"{handoff} has no action for {reviewed} in the Reviews tab")
            continue
        first, improvement = own[0]
        rows += [int(row[i]) for i, _ in own]
        if improvement.result in UNMEASURED:
            short.append(f"{handoff}: improvement {improvement.result} (Reviews row {row[first]})")
            continue
        found.append(
            f"{handoff} (Reviews row {row[first]}, owner {owner[first]}, deadline "
            f"{deadline[first]:%Y-%m-%d}: {improvement.avg_before:.1f} → "
            f"{improvement.avg_after:.1f} h a month)"
        )
    names = " and ".join(worst)
    if short:
        evidence = f"the two worst handoffs of {reviewed} were {names}; " + "; ".join(short)
        return Criterion("Mastered", "review_loop", title, False, evidence)
    evidence = (
        f"the two worst handoffs of {reviewed} have actions measured on {reviewed.next()}: "
        + "; ".join(found)
    )
    return Criterion("Mastered", "review_loop", title, True, evidence, {"Reviews": tuple(rows)})


def _onboarding(ds: Dataset) -> Criterion:
    title = "Every member who joined in the last six months has an Onboarded date"
    today = pd.Timestamp(ds.today)
    since = today - pd.DateOffset(months=NEW_MEMBER_MONTHS)
    team = ds["team"]
    joined_lately = [since < joined <= today for joined in team["joined"].tolist()]
    new = columns(team, ("person", "joined", "onboarded", "row"), joined_lately)
    if not new["row"]:
        evidence = f"nobody joined since {since:%Y-%m-%d}, so there is nobody to onboard"
        return Criterion("Mastered", "onboarding", title, True, evidence)
    items = [
        f"{person} (joined {joined:%Y-%m-%d}, row {row})"
        for person, joined, blank, row in zip(
            new["person"], new["joined"], blank(new["onboarded"]), new["row"], strict=True
        )
        if blank
    ]
    if not items:
        who = _all(len(new["row"]), "member who joined", "members who joined")
        evidence = (
            f"{who} since {since:%Y-%m-%d} {agrees(len(new['row']), 'is')} onboarded "
            f"({rows_of('Team', new['row'])})"
        )
        rows = {"Team": tuple(int(row) for row in new["row"])}
        return Criterion("Mastered", "onboarding", title, True, evidence, rows)
    joined = _of(len(items), len(new["row"]), "member who joined", "members who joined")
    evidence = (
        f"{joined} since {since:%Y-%m-%d} {agrees(len(items), 'has')} no Onboarded date: "
        f"{listing(items)}"
    )
    return Criterion("Mastered", "onboarding", title, False, evidence)


def _team_driven(share: TeamShare) -> Criterion:
    title = "Over the last three months most flags came from non-managers and carry a suggested fix"
    if not share.flags:
        evidence = f"no flags between {share.since} and {share.until}"
        return Criterion("Mastered", "team_driven", title, False, evidence)
    met = 2 * share.by_non_managers > share.flags and 2 * share.with_fix > share.flags
    evidence = (
        f"of {counted(share.flags, 'flag')} since {share.since}, {share.by_non_managers} came "
        f"from non-managers and {share.with_fix} {agrees(share.with_fix, 'carries')} "
        "a suggested fix"
        + ("" if met else " (each must be more than half)")
        + f" ({rows_of('Flags', share.rows)})"
    )
    rows = {"Flags": share.rows} if met else {}
    return Criterion("Mastered", "team_driven", title, met, evidence, rows)


def _every_active(
    level: str, key: str, title: str, active: int, what: str, tab: str, rows: list[Any]
) -> Criterion:
    """A criterion met by every active handoff: its evidence names the rows that show it."""
    evidence = (
        f"{_all(active, 'active handoff')} {agrees(active, 'has')} {what} ({rows_of(tab, rows)})"
    )
    return Criterion(level, key, title, True, evidence, {tab: tuple(int(row) for row in rows)})
