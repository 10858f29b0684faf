"""docs/commands.md `onboard`: the first-week pack for a role that sends in one workflow and receives
in another."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from handoffs.config import Config
from handoffs.documents.onboarding import pack
from handoffs.model.document import to_markdown
from handoffs.model.errors import UsageError
from tests.support.builders import contract, dataset, handoff, health, member, workbook

TEAM = {
    "handoffs": [
        handoff(
            "RPT-01", "Researcher", "Analyst", workflow="Client report", step=1, artifact="Notes"
        ),
        handoff(
            "RPT-02", "Analyst", "Writer", workflow="Client report", step=2, artifact="Summary"
        ),
        handoff(
            "RPT-03",
            "Writer",
            "Editor",
            workflow="Client report",
            step=3,
            artifact="Draft",
            context_lost=None,
        ),
        handoff(
            "FC-01", "Data engineer", "Analyst", workflow="Forecast", step=1, artifact="Dataset"
        ),
        handoff("FC-02", "Finance lead", "Board", workflow="Forecast", step=2, artifact="Memo"),
        handoff(
            "OLD-1",
            "Analyst",
            "Reviewer",
            workflow="Forecast",
            step=3,
            artifact="Pack",
            status="retired",
        ),
    ],
    "contracts": [
        contract("RPT-02", format="Doc"),
        contract(
            "FC-01",
            format=None,
            contact=None,
            status="trial",
            trial_start=dt.date(2026, 11, 1),
            last_reviewed=None,
        ),
    ],
    "health": [
        health("2026-10", "RPT-02", 6),
        health("2026-09", "FC-01", 10),
        health("2026-10", "RPT-03", 40),  # not the Analyst's
        health("2026-07", "RPT-01", 50),  # before the last three months
    ],
    "team": [
        member("Priya", "Lead", manager=True),
        member("Tom Becker", "analyst", joined=dt.date(2026, 11, 2)),
        member("Lena", "Writer"),
        member("Dev", "Data engineer"),
    ],
}


def markdown(**who: str) -> str:
    return to_markdown(pack(dataset(**TEAM), Config(), **who))


def test_a_role_that_sends_in_one_workflow_and_receives_in_another() -> None:
    text = markdown(person="tom becker")
    assert text.startswith(
        "# First-week pack: Tom Becker, analyst\n\nJoined on 2026-11-02. Not onboarded yet."
    )
    assert (
        "### Client report\n\n"
        "| Step | Handoff | From → to | Artifact | Context that travels | What gets lost | You |\n"
        "|---|---|---|---|---|---|---|\n"
        "| 1 | RPT-01 | Researcher → Analyst | Notes | format, decisions | assumptions | you receive |\n"
        "| 2 | RPT-02 | Analyst → Writer | Summary | format, decisions | assumptions | you send |\n"
        "| 3 | RPT-03 | Writer → Editor | Draft | format, decisions | not written down yet |  |\n"
    ) in text
    assert (
        "### Forecast\n\n"
        "| Step | Handoff | From → to | Artifact | Context that travels | What gets lost | You |\n"
        "|---|---|---|---|---|---|---|\n"
        "| 1 | FC-01 | Data engineer → Analyst | Dataset | format, decisions | assumptions | you receive |\n"
        "| 2 | FC-02 | Finance lead → Board | Memo | format, decisions | assumptions |  |\n\n"
    ) in text
    assert "OLD-1" not in text  # retired handoffs are not on the map


def test_every_contract_the_role_sends_or_receives_with_its_missing_elements() -> None:
    text = markdown(role="Analyst")
    assert "### RPT-01 · Researcher → Analyst · you receive: Notes\n\nNo contract yet." in text
    assert (
        "### RPT-02 · Analyst → Writer · you send: Summary\n\nContract active, last reviewed 2026-11-15; all five elements filled."
        in text
    )
    assert (
        "### FC-01 · Data engineer → Analyst · you receive: Dataset\n\n"
        "Contract trial, never reviewed; missing Format, Contact if unclear.\n\n"
        "| Element | What the contract says |\n|---|---|\n"
        "| Deliverable contains | the draft |\n| Format | missing |\n"
    ) in text


def test_the_handoff_to_shadow_the_checklist_and_the_flag_command() -> None:
    text = markdown(person="Tom Becker")
    assert (
        "Shadow FC-01 (Data engineer → Analyst, Forecast), the busiest handoff you take part in: "
        "10.0 hours lost in 2026-08 … 2026-10."
    ) in text
    assert "- [ ] Walk through the workflow map above with your lead (Priya)." in text
    assert "- [ ] Read each contract above with the people at the other end (Lena, Dev)." in text
    assert (
        "- [ ] Send your work with a handoff note from the template: `handoffs template --handoff RPT-02`."
        in text
    )
    assert "set Onboarded for Tom Becker in the Team tab (row 3)." in text
    assert (
        "```sh\nhandoffs flag --handoff FC-01 --what 'The contract does not say which "
        "assumptions to list' --fix 'Add an assumptions line to Sender includes' --by 'Tom Becker'\n```"
    ) in text


def test_unknown_people_and_roles_are_named_with_close_matches() -> None:
    with pytest.raises(
        UsageError,
        match=r"There is no person 'Tom Beker' in the Team tab\. Did you mean Tom Becker\?",
    ):
        markdown(person="Tom Beker")
    with pytest.raises(
        UsageError, match=r"no role 'Analsyt' in the Handoffs or Team tabs\. Did you mean"
    ):
        markdown(role="Analsyt")


def test_a_role_with_no_handoff_yet() -> None:
    assert "No active handoff on the workflow map involves the Lead role yet" in markdown(
        role="Lead"
    )


def test_onboard_command(run, tmp_path: Path) -> None:
    workbook(tmp_path / "handoffs.xlsx", **TEAM)
    assert run("onboard", "Tom Becker").stdout == markdown(person="Tom Becker")
    run("onboard", "--role", "Analyst", "--output", "pack.md")
    assert (
        (tmp_path / "pack.md")
        .read_text(encoding="utf-8")
        .startswith("# First-week pack: Analyst\n")
    )
    both = run("onboard", "Tom Becker", "--role", "Analyst", expect=2)
    assert both.stderr == (
        "Error: Name a PERSON from the Team tab or give --role ROLE (one of them).\n"
    )
    run("onboard", expect=2)
    assert "Did you mean Tom Becker?" in run("onboard", "Tom", expect=2).stderr
