"""Which spreadsheets a roll-up may read (docs/rollup.md#the-teams-tab): a team it cannot reach
for want of credentials leaves the others rolled up, an organisation on Google Sheets never
reads the cron host's files, local workbooks stay inside the folder the config allows, and the
same workbook named twice counts once."""

from __future__ import annotations

from pathlib import Path

from tests.support.rollup_helpers import org, team, where

GOOGLE_KEY = "1TeamOnGoogleSheets000000000000000000000"


def test_a_google_team_in_a_workbook_organisation_without_credentials_is_unreachable_alone(
    run, make_spreadsheet
) -> None:
    local = team(make_spreadsheet, "xlsx")
    organisation = org(
        make_spreadsheet, "xlsx",
        [["On Google", GOOGLE_KEY, "", ""], ["Local", where(local), "", ""],
         ["Also Google", f"https://docs.google.com/spreadsheets/d/{GOOGLE_KEY}x/edit", "", ""]],
    )  # fmt: skip

    result = run("rollup", config=organisation.config, expect=5)

    reason = (
        'no credentials for Google Sheets: add credentials = "<service-account key file>" to '
        "the [sheet] section of the organisation's config, and share this team's sheet with "
        "that account as Viewer"
    )
    rankings = organisation.comparable("Team Rankings")["Team Rankings"][1:]
    assert [(r[1], r[-1]) for r in rankings] == [
        ("Local", "ok"),
        ("Also Google", f"unreachable: {reason}"),
        ("On Google", f"unreachable: {reason}"),
    ]
    assert "2 of 3 teams could not be read" in result.stderr
