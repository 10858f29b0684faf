"""A roll-up of Google Sheets teams (docs/rollup.md): what it costs, how it keeps to the
per-user read quota the emulator enforces like Google, and how each kind of failure of one team
leaves the others rolled up."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from handoffs.app.rollup import rollup
from handoffs.backends.google_http import Connection, RetryingHTTPClient
from handoffs.config import load_config
from tests.conftest import TODAY, _emulator_call
from tests.e2e.test_backends_e2e import small_team
from tests.sheets_emulator import Fault
from tests.support.rollup_helpers import org, team, team_statuses, where

GOOGLES_RECORDED_429 = {
    "error": {
        "code": 429,
        "message": "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per "
        "minute per user' of service 'sheets.googleapis.com' for consumer "
        "'project_number:704566982728'.",
        "status": "RESOURCE_EXHAUSTED",
        "details": [
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "RATE_LIMIT_EXCEEDED",
                "domain": "googleapis.com",
                "metadata": {
                    "quota_location": "global",
                    "quota_limit_value": "60",
                    "service": "sheets.googleapis.com",
                    "consumer": "projects/704566982728",
                    "quota_metric": "sheets.googleapis.com/read_requests",
                    "quota_limit": "ReadRequestsPerMinutePerUser",
                },
            },
            {
                "@type": "type.googleapis.com/google.rpc.Help",
                "links": [
                    {
                        "description": "Request a higher quota limit.",
                        "url": "https://cloud.google.com/docs/quota#requesting_higher_quota",
                    }
                ],
            },
        ],
    }
}


def google_teams(make_spreadsheet: Any, count: int) -> list[list[Any]]:
    return [[f"Team {i}", where(team(make_spreadsheet, "gsheets")), "", ""] for i in range(count)]


def roll(organisation: Any, **options: Any) -> Any:
    return rollup(load_config(str(organisation.config)), TODAY, **options)


def test_the_emulator_refuses_reads_beyond_its_quota_exactly_like_google(emulator) -> None:
    import requests

    key = emulator.create_spreadsheet("Team")
    emulator.read_quota = 2
    with requests.Session() as session:
        session.trust_env = False
        answers = [
            session.get(f"http://{emulator.host}/v4/spreadsheets/{key}", timeout=10)
            for _ in range(3)
        ]
        write = session.post(
            f"http://{emulator.host}/v4/spreadsheets/{key}:batchUpdate",
            json={
                "requests": [
                    {
                        "updateSpreadsheetProperties": {
                            "properties": {"title": "Renamed"},
                            "fields": "title",
                        }
                    }
                ]
            },
            timeout=10,
        )
    assert [a.status_code for a in answers] == [200, 200, 429]
    body = answers[2].json()
    body["error"]["details"][0]["metadata"]["quota_limit_value"] = "60"  # this emulator's: 2
    assert body == GOOGLES_RECORDED_429
    assert answers[2].headers["Content-Type"] == "application/json; charset=UTF-8"
    assert write.status_code == 200  # the read quota counts reads only


def test_a_google_rollup_reads_each_team_once_and_the_organisation_three_times(
    make_spreadsheet,
) -> None:
    organisation = org(make_spreadsheet, "gsheets", google_teams(make_spreadsheet, 4))
    organisation.emulator.clear_log()

    outcome = roll(organisation)

    log = organisation.emulator.requests
    methods = [r.method_id.rsplit(".", 2)[-2:] for r in log]
    own = [r for r in log if organisation.key in r.path]
    assert [m for r, m in zip(log, methods, strict=True) if r in own] == [
        ["spreadsheets", "get"], ["values", "batchGet"], ["spreadsheets", "batchUpdate"],
    ]  # fmt: skip
    team_reads = [r for r in log if r not in own]
    assert len(team_reads) == 4 and all(r.path.endswith("/values:batchGet") for r in team_reads)
    six_tabs = ["Handoffs", "Contracts", "Health", "Flags", "Reviews", "Team"]
    assert all(r.query["ranges"] == [f"'{t}'" for t in six_tabs] for r in team_reads)
    assert outcome.requests == 6  # reads: 4 teams + 2 for the organisation
    assert [r.status for r in outcome.results] == ["ok"] * 4


def test_a_missing_input_tab_costs_one_metadata_read_and_makes_the_team_unreachable(
    make_spreadsheet,
) -> None:
    tabs = small_team()
    del tabs["Reviews"]
    partial = team(make_spreadsheet, "gsheets", tabs)
    organisation = org(make_spreadsheet, "gsheets", [["Briefs", partial.key, "", ""]])

    outcome = roll(organisation)

    to_team = [r for r in organisation.emulator.requests if partial.key in r.path]
    assert [r.path.rsplit("/", 1)[-1] for r in to_team] == ["values:batchGet", partial.key]
    assert outcome.results[0].status == (
        "unreachable: missing input tabs: Reviews; run `handoffs init` on that spreadsheet"
    )


def test_a_spreadsheet_that_does_not_exist_is_unreachable_and_the_run_exits_5(
    run, make_spreadsheet
) -> None:
    ghost = "1NoSuchSpreadsheet0000000000000000000000"
    rows = [["Ghosts", ghost, "", ""], *google_teams(make_spreadsheet, 1)]
    organisation = org(make_spreadsheet, "gsheets", rows)

    result = run("rollup", config=organisation.config, expect=5)

    reason = (
        f"there is no spreadsheet with the key {ghost} (404 NOT_FOUND); check the Spreadsheet "
        "cell of the Teams tab"
    )
    assert f"(Ghosts: {reason})" in result.stderr
    assert team_statuses(organisation) == [
        ("Team 0", "ok"),
        ("Ghosts", f"unreachable: {reason}"),
    ]


def test_a_spreadsheet_not_shared_with_the_account_names_the_email_to_share_it_with(
    make_spreadsheet,
) -> None:
    private = team(make_spreadsheet, "gsheets")
    organisation = org(make_spreadsheet, "gsheets", [["Private", private.key, "", ""]])
    organisation.emulator.inject(Fault("403", times=None, match=private.key))
    from tests.sheets_emulator.client import emulator_session

    account = "the service account rollup-bot@org-handoffs.iam.gserviceaccount.com"
    session = emulator_session(organisation.emulator.host)
    connection = Connection(RetryingHTTPClient(session), account)

    outcome = roll(organisation, connector=lambda: connection)

    assert outcome.results[0].status == (
        f"unreachable: the spreadsheet is not shared with {account} (403 PERMISSION_DENIED); "
        f"share it with {account} as Viewer"
    )


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        ("503", "503 UNAVAILABLE"),
        # a network sign-in page or a proxy answering 200 with its own page, in Google's place
        ("portal", "an answer that is not Google's (text/html)"),
    ],
)
def test_a_team_that_keeps_failing_after_retries_is_unreachable(
    make_spreadsheet, kind: str, reason: str
) -> None:
    flaky = team(make_spreadsheet, "gsheets")
    rows = [["Flaky", flaky.key, "", ""], *google_teams(make_spreadsheet, 1)]
    organisation = org(make_spreadsheet, "gsheets", rows)
    organisation.emulator.inject(Fault(kind, times=None, match=flaky.key))

    outcome = roll(organisation)

    assert re.fullmatch(
        rf"unreachable: Google Sheets kept failing \({re.escape(reason)}\) for [0-9.]+ s over "
        r"\d+ attempts",
        outcome.results[0].status,
    )
    assert outcome.results[1].status == "ok"
    assert outcome.exit_code == 5


def test_the_pacer_keeps_every_window_within_the_quota_google_enforces(make_spreadsheet) -> None:
    organisation = org(
        make_spreadsheet, "gsheets", google_teams(make_spreadsheet, 6), reads_per_minute=4
    )
    emulator = organisation.emulator
    emulator.read_quota, emulator.quota_window = 4, 0.4

    seen: list[tuple[int, int, float | None]] = []
    outcome = roll(organisation, window=0.4, slack=0.1, progress=lambda *p: seen.append(p))

    assert [r.status for r in emulator.requests].count(429) == 0
    assert emulator.busiest_window(0.4) == 4
    assert [r.status for r in outcome.results] == ["ok"] * 6
    assert seen[0] == (0, 6, None) and seen[-1][:2] == (6, 6)
    assert any(left is not None for _, _, left in seen)  # the quota set the pace: time left shown


def test_without_pacing_the_same_quota_answers_429(make_spreadsheet) -> None:
    """The quota above is real: a roll-up allowed more reads than it meets Google's 429."""
    organisation = org(
        make_spreadsheet, "gsheets", google_teams(make_spreadsheet, 6), reads_per_minute=1000
    )
    organisation.emulator.read_quota, organisation.emulator.quota_window = 4, 30.0

    outcome = roll(organisation, window=0.2, slack=0.0)  # retries give up after 0.3 s

    assert [r.status for r in organisation.emulator.requests].count(429) > 0
    assert any(r.failure for r in outcome.results)


def test_a_429_from_another_tool_sharing_the_quota_is_waited_out_not_failed(
    make_spreadsheet, tmp_path: Path
) -> None:
    rows = google_teams(make_spreadsheet, 3)
    organisation = org(make_spreadsheet, "xlsx", rows, reads_per_minute=3)
    text = organisation.config.read_text().replace("[rollup]", "retry_seconds = 10.0\n[rollup]")
    organisation.config.write_text(text.replace('[sheet]\nbackend = "xlsx"\n', "[sheet]\n"))
    emulator = make_spreadsheet("gsheets").emulator
    roll(organisation)  # once before, so that the measured run starts without importing pandas
    # a window long enough that the roll-up starts inside it even on a busy machine (it starts
    # 10 to 40 ms after the other tool's first read)
    emulator.read_quota, emulator.quota_window = 3, 1.0
    key = rows[0][1].split("/d/")[1].split("/")[0]
    for _ in range(3):  # another tool uses the whole quota just before the roll-up starts
        _emulator_call(emulator, "GET", key)

    outcome = roll(organisation, window=1.0, slack=0.1)

    statuses = [r.status for r in emulator.requests]
    assert statuses.count(429) >= 1
    assert [r.status for r in outcome.results] == ["ok"] * 3
    refused = next(r for r in emulator.requests if r.status == 429)
    assert refused.response["error"]["details"][0]["reason"] == "RATE_LIMIT_EXCEEDED"


def test_a_429_is_retried_after_the_hold_and_the_team_is_read(make_spreadsheet) -> None:
    rows = google_teams(make_spreadsheet, 2)
    organisation = org(make_spreadsheet, "gsheets", rows)
    key = rows[0][1].split("/d/")[1].split("/")[0]
    organisation.emulator.inject(Fault("429", times=2, match=key))

    outcome = roll(organisation, window=0.4, slack=0.0)

    to_team = [r.status for r in organisation.emulator.requests if key in r.path]
    assert to_team == [429, 429, 200]
    assert [r.status for r in outcome.results] == ["ok", "ok"]


@pytest.mark.parametrize("key", ["reads_per_minute", "concurrency"])
def test_the_rollup_settings_must_allow_a_read(tmp_path: Path, key: str) -> None:
    from handoffs.model.errors import UsageError

    config = tmp_path / "org.toml"
    config.write_text(f"[rollup]\n{key} = 0\n")
    with pytest.raises(UsageError, match=r"\[rollup\] concurrency and reads_per_minute"):
        load_config(str(config))
