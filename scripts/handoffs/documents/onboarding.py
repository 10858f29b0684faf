"""docs/commands.md `onboard`: the first-week pack for a new member or a role, as a document.

The handoff to shadow is the role's busiest handoff: the most hours lost over the last three
whole months of Health data (ties: more rework requests, then workflow order). Busy handoffs
are where a contract matters most and where a fresh eye finds the gaps.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence

import pandas as pd

from handoffs.config import Config
from handoffs.model.dataset import Dataset
from handoffs.model.document import Bullets, Code, Document, Heading, Paragraph, Table
from handoffs.model.errors import UsageError
from handoffs.model.lookup import close_matches
from handoffs.model.periods import months_between, recent_months
from handoffs.model.vocabulary import ACTIVE, ELEMENTS, IN_USE


def _fold(values: pd.Series) -> pd.Series:
    return values.astype(str).str.strip().str.casefold()


def _pick(typed: str, choices: Sequence[str], what: str, where: str) -> str:
    """The choice matching `typed` ignoring case; exit 2 with close matches otherwise."""
    folded: dict[str, str] = {}
    for choice in choices:  # the first spelling wins: the Handoffs tab's before the Team tab's
        folded.setdefault(choice.strip().casefold(), choice)
    if typed.strip().casefold() in folded:
        return folded[typed.strip().casefold()]
    close = close_matches(typed, choices)  # a first name, a last name, a typo
    hint = f" Did you mean {' or '.join(close)}?" if close else ""
    raise UsageError(f"There is no {what} '{typed.strip()}' in {where}.{hint}")


def pack(
    ds: Dataset, config: Config, *, person: str | None = None, role: str | None = None
) -> Document:
    """The pack for `person` (their role from the Team tab) or for `role`."""
    team = ds["team"]
    handoffs = ds["handoffs"]
    active = handoffs[handoffs["status"] == ACTIVE]
    member = None
    if person is not None:
        name = _pick(person, team["person"].astype(str).tolist(), "person", "the Team tab")
        member = team[team["person"] == name].iloc[0]
        role = str(member["role"])
    else:
        roles = pd.concat([active["from_role"], active["to_role"], team["role"]]).dropna()
        role = _pick(str(role), roles.astype(str).tolist(), "role", "the Handoffs or Team tabs")
    key = role.strip().casefold()
    sends = _fold(active["from_role"]).eq(key)
    receives = _fold(active["to_role"]).eq(key)
    own = active[sends | receives].sort_values(["workflow", "step", "handoff_id"], kind="stable")
    doc = Document()
    who = f"{member['person']}, {role}" if member is not None else role
    doc.add(Heading(f"First-week pack: {who}", 1), Paragraph(_intro(member, role, own)))
    if own.empty:
        doc.add(
            Paragraph(
                f"No active handoff on the workflow map involves the {role} role yet: ask your "
                "lead which red dots are yours and add them to the Handoffs tab."
            )
        )
        return doc
    _workflow_map(doc, active, own, key)
    _contracts(doc, ds, own, key)
    shadow = _shadow(doc, ds, config, own)
    _checklist(doc, ds, own, key, shadow, member)
    _gaps(doc, shadow, member)
    return doc


def _intro(member: pd.Series | None, role: str, own: pd.DataFrame) -> str:
    lead = (
        "During your first week, walk through the workflow map and every handoff contract that "
        f"involves the {role} role, then shadow one complete handoff cycle on a real "
        "deliverable. Your fresh perspective is valuable: note every gap that tenured members "
        "have learned to work around."
    )
    if member is None:
        return lead
    joined = member["joined"]
    onboarded = member["onboarded"]
    state = (
        f"Onboarded on {onboarded:%Y-%m-%d}." if not pd.isna(onboarded) else "Not onboarded yet."
    )
    since = f"Joined on {joined:%Y-%m-%d}. " if not pd.isna(joined) else ""
    return f"{since}{state} {lead}"


def _you(frame: pd.DataFrame, key: str) -> pd.Series:
    sends = _fold(frame["from_role"]).eq(key)
    receives = _fold(frame["to_role"]).eq(key)
    return (
        sends.map({True: "you send", False: ""})
        + (sends & receives).map({True: " and ", False: ""})
        + receives.map({True: "you receive", False: ""})
    )


def _workflow_map(doc: Document, active: pd.DataFrame, own: pd.DataFrame, key: str) -> None:
    doc.add(
        Heading("1. The workflow map around your role"),
        Paragraph(
            "Every workflow you take part in, step by step; each row is a red dot where work "
            "passes between people, and yours are marked."
        ),
    )
    for workflow in own["workflow"].unique():
        steps = active[active["workflow"] == workflow].sort_values(
            ["step", "handoff_id"], kind="stable"
        )
        you = _you(steps, key)
        doc.add(
            Heading(str(workflow), 3),
            Table(
                ["Step", "Handoff", "From → to", "Artifact", "Context that travels",
                 "What gets lost", "You"],
                [
                    [int(s.step), s.handoff_id, f"{s.from_role} → {s.to_role}", s.artifact,
                     _or(s.context_travels), _or(s.context_lost), mark]
                    for s, mark in zip(steps.itertuples(index=False), you, strict=True)
                ],
            ),
        )  # fmt: skip


def _or(value: object, missing: str = "not written down yet") -> str:
    return (
        missing if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)
    )  # type: ignore[call-overload]


def _contracts(doc: Document, ds: Dataset, own: pd.DataFrame, key: str) -> None:
    contracts = ds["contracts"]
    in_use = contracts[contracts["status"].isin(IN_USE)].drop_duplicates("handoff_id")
    in_use = in_use.set_index("handoff_id")
    doc.add(
        Heading("2. Your contracts"),
        Paragraph(
            "What must travel with each handoff you send or receive: the five elements. A "
            "missing element is a gap: ask about it, then flag it (section 5)."
        ),
    )
    for item, you in zip(own.itertuples(index=False), _you(own, key), strict=True):
        other = item.to_role if you.startswith("you send") else item.from_role
        doc.add(
            Heading(
                f"{item.handoff_id} · {item.from_role} → {item.to_role} · {you}: {item.artifact}", 3
            )
        )
        if item.handoff_id not in in_use.index:
            doc.add(
                Paragraph(
                    f"No contract yet. Ask the {other} what they need to receive, and flag the "
                    "gap so the team writes one."
                )
            )
            continue
        contract = in_use.loc[item.handoff_id]
        missing = [title for name, title in ELEMENTS.items() if pd.isna(contract[name])]
        reviewed = contract["last_reviewed"]
        doc.add(
            Paragraph(
                f"Contract {contract['status']}, "
                + (
                    f"last reviewed {reviewed:%Y-%m-%d}"
                    if not pd.isna(reviewed)
                    else "never reviewed"
                )
                + (f"; missing {', '.join(missing)}." if missing else "; all five elements filled.")
            ),
            Table(
                ["Element", "What the contract says"],
                [[title, _or(contract[name], "missing")] for name, title in ELEMENTS.items()],
            ),
        )


def _shadow(doc: Document, ds: Dataset, config: Config, own: pd.DataFrame) -> pd.Series:
    months = recent_months(ds.today)
    window = months_between(ds["health"], months[0], months[-1])
    totals = window.groupby("handoff_id")[["hours", "rework_requests"]].sum()
    table = own.assign(
        hours=own["handoff_id"].map(totals["hours"]),
        rework=own["handoff_id"].map(totals["rework_requests"]),
        order=range(len(own)),
    )
    busiest = table.sort_values(
        ["hours", "rework", "order"],
        ascending=[False, False, True],
        na_position="last",
        kind="stable",
    ).iloc[0]
    span = f"{months[0]:%Y-%m} … {months[-1]:%Y-%m}"
    why = (
        f"the busiest handoff you take part in: {busiest['hours']:.1f} hours lost in {span}"
        if not pd.isna(busiest["hours"])
        else f"the first in workflow order (no Health data for {span})"
    )
    doc.add(
        Heading("3. The handoff to shadow"),
        Paragraph(
            f"Shadow {busiest['handoff_id']} ({busiest['from_role']} → {busiest['to_role']}, "
            f"{busiest['workflow']}), {why}. Follow one real deliverable from the sender's "
            "handoff note to the receiver's checks, and note where you would have missed "
            "context without the contract."
        ),
    )
    return busiest


def _names(ds: Dataset, roles: set[str]) -> list[str]:
    team = ds["team"]
    return team.loc[_fold(team["role"]).isin(roles), "person"].astype(str).tolist()


def _checklist(
    doc: Document,
    ds: Dataset,
    own: pd.DataFrame,
    key: str,
    shadow: pd.Series,
    member: pd.Series | None,
) -> None:
    team = ds["team"]
    managers = (
        team.loc[team["is_manager"].fillna(False).astype(bool), "person"].astype(str).tolist()
    )
    others = {r.strip().casefold() for r in [*own["from_role"], *own["to_role"]]} - {key}
    partners = _names(ds, others)
    finish = (
        f"When the walk-through and the shadowed handoff are done, set Onboarded for "
        f"{member['person']} in the Team tab (row {member['row']})."
        if member is not None
        else "When the walk-through and the shadowed handoff are done, set Onboarded in the Team tab."
    )
    sent = own.loc[_fold(own["from_role"]).eq(key), "handoff_id"]
    items = [
        "Walk through the workflow map above with your lead"
        + (f" ({' or '.join(managers)})." if managers else "."),
        "Read each contract above with the people at the other end"
        + (f" ({', '.join(partners)})." if partners else "."),
        f"Shadow one complete handoff cycle of {shadow['handoff_id']} on a real deliverable; "
        "note where you would have missed context without the contract.",
    ]
    if not sent.empty:
        items.append(
            "Send your work with a handoff note from the template: "
            f"`handoffs template --handoff {sent.iloc[0]}`."
        )
    items += ["Record every contract gap you notice as a flag (section 5).", finish]
    doc.add(Heading("4. Checklist for the week"), Bullets(items, checklist=True))


def _gaps(doc: Document, shadow: pd.Series, member: pd.Series | None) -> None:
    by = (
        f" --by {shlex.quote(str(member['person']))}" if member is not None else " --by 'Your Name'"
    )
    doc.add(
        Heading("5. Record the contract gaps you notice"),
        Paragraph(
            "Each gap is a flag in the Flags tab: which handoff, what went wrong, and a "
            "suggested fix. Flags are reviewed at the monthly alignment check. Add one from the "
            "team's form or Slack workflow, or from the command line:"
        ),
        Code(
            f"handoffs flag --handoff {shadow['handoff_id']} "
            "--what 'The contract does not say which assumptions to list'"
            " --fix 'Add an assumptions line to Sender includes'" + by
        ),
    )
