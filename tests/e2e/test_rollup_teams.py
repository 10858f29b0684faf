"""Which spreadsheets a roll-up may read (docs/rollup.md#the-teams-tab): a team it cannot reach
for want of credentials leaves the others rolled up, an organisation on Google Sheets never
reads the cron host's files, local workbooks stay inside the folder the config allows, and the
same workbook named twice counts once."""

from __future__ import annotations

from pathlib import Path

from tests.support.rollup_helpers import org, team, team_statuses, where

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
    assert team_statuses(organisation) == [
        ("Local", "ok"),
        ("Also Google", f"unreachable: {reason}"),
        ("On Google", f"unreachable: {reason}"),
    ]
    assert "2 of 3 teams could not be read" in result.stderr


def test_a_key_file_that_is_not_there_makes_the_google_teams_unreachable_not_the_run(
    run, make_spreadsheet
) -> None:
    local = team(make_spreadsheet, "xlsx")
    organisation = org(
        make_spreadsheet,
        "xlsx",
        [["On Google", GOOGLE_KEY, "", ""], ["Local", where(local), "", ""]],
    )
    text = organisation.config.read_text()
    organisation.config.write_text(text.replace("[rollup]", 'credentials = "gone.json"\n[rollup]'))

    run("rollup", config=organisation.config, expect=5)

    assert team_statuses(organisation) == [
        ("Local", "ok"),
        (
            "On Google",
            "unreachable: no credentials for Google Sheets: [sheet] credentials: there is no key "
            f"file at {organisation.folder / 'gone.json'}. Download a JSON key for the service "
            "account (Google Cloud console > IAM > Service accounts > Keys).",
        ),
    ]


def test_an_organisation_on_google_sheets_never_reads_a_file_of_the_machine_it_runs_on(
    run, make_spreadsheet, tmp_path: Path
) -> None:
    local = team(make_spreadsheet, "xlsx")
    on_google = team(make_spreadsheet, "gsheets")
    missing = tmp_path / "org" / "team_b.xlsx"
    rows = [
        ["Absolute", str(local.path), "", ""],
        ["Relative", "../../org/team_b.xlsx", "", ""],
        ["Missing", str(missing), "", ""],
        ["Google", where(on_google), "", ""],
    ]
    organisation = org(make_spreadsheet, "gsheets", rows)

    result = run("rollup", config=organisation.config)
    checked = run("validate", config=organisation.config, expect=1)

    refused = (
        "This organisation's spreadsheet is on Google Sheets, so its teams' must be too: a "
        "roll-up reads local workbooks only for an organisation kept in a local workbook. Paste "
        "the team's Google Sheets URL from the browser's address bar."
    )
    assert result.stdout.splitlines()[1:4] == [
        f"  error: Teams!B2 Spreadsheet [{local.path}]: {refused}",
        f"  error: Teams!B3 Spreadsheet [../../org/team_b.xlsx]: {refused}",
        f"  error: Teams!B4 Spreadsheet [{missing}]: {refused}",  # no probing: the same words
    ]
    assert "there is no workbook" not in result.stdout + checked.stdout
    assert checked.stdout.startswith("Teams: 3 errors, 0 warnings")
    assert team_statuses(organisation) == [("Google", "ok")]


def test_a_workbook_organisation_reads_team_workbooks_only_inside_the_configs_folder(
    run, make_spreadsheet, tmp_path: Path
) -> None:
    organisation = org(make_spreadsheet, "xlsx", [], workbook_folder=None)
    inside = organisation.folder / "teams" / "reporting.xlsx"
    inside.parent.mkdir()
    inside.write_bytes(team(make_spreadsheet, "xlsx").path.read_bytes())
    stranger = team(make_spreadsheet, "xlsx").path  # a sibling folder of the config's
    (organisation.folder / "teams" / "escape.xlsx").symlink_to(stranger)
    rows = [
        ["Reporting", "teams/reporting.xlsx", "", ""],
        ["Up and out", f"../{stranger.parent.name}/handoffs.xlsx", "", ""],
        ["Absolute", str(stranger), "", ""],
        ["Linked out", "teams/escape.xlsx", "", ""],
    ]
    organisation.seed({"Teams": [["Team", "Spreadsheet", "Lead", "Status"], *rows]})

    result = run("rollup", config=organisation.config)

    outside = (
        f"This workbook is outside {organisation.folder.resolve()}, the folder team workbooks "
        "must be in; move it there, or name the folder that holds the teams' workbooks in the "
        "organisation's config ([rollup] workbook_folder)."
    )
    assert result.stdout.splitlines()[1:4] == [
        f"  error: Teams!B3 Spreadsheet [../{stranger.parent.name}/handoffs.xlsx]: {outside}",
        f"  error: Teams!B4 Spreadsheet [{stranger}]: {outside}",
        f"  error: Teams!B5 Spreadsheet [teams/escape.xlsx]: {outside}",
    ]
    assert team_statuses(organisation) == [("Reporting", "ok")]

    text = organisation.config.read_text().replace(
        "[rollup]\n", '[rollup]\nworkbook_folder = ".."\n'
    )
    organisation.config.write_text(text)
    allowed = run("rollup", config=organisation.config)
    assert allowed.stdout.startswith("Rolled up 2 of 2 teams")  # the link: the same as Absolute


def test_the_same_workbook_named_twice_counts_once_and_the_copy_is_reported(
    run, make_spreadsheet
) -> None:
    organisation = org(make_spreadsheet, "xlsx", [], workbook_folder=None)
    teams = organisation.folder / "teams"
    teams.mkdir()
    first = teams / "reporting.xlsx"
    first.write_bytes(team(make_spreadsheet, "xlsx").path.read_bytes())
    (teams / "hard-link.xlsx").hardlink_to(first)
    (teams / "symlink.xlsx").symlink_to(first)
    rows = [
        ["Reporting", "teams/reporting.xlsx", "", ""],
        ["Hard link", "teams/hard-link.xlsx", "", ""],
        ["Symlink", "teams/symlink.xlsx", "", ""],
        ["Dots", "teams/../teams/reporting.xlsx", "", ""],
        ["Absolute", str(first), "", ""],
    ]
    organisation.seed({"Teams": [["Team", "Spreadsheet", "Lead", "Status"], *rows]})

    result = run("rollup", config=organisation.config)

    same = (
        "The same spreadsheet as row 2 (Reporting), which is rolled up; a team counts once, "
        "whatever path or link names it: correct this Spreadsheet cell or delete the row."
    )
    assert result.stdout.splitlines()[1:5] == [
        f"  error: Teams!B{row} Spreadsheet [{typed}]: {same}"
        for row, (_, typed, _, _) in enumerate(rows[1:], start=3)
    ]
    tabs = organisation.comparable("Team Rankings", "Org Summary")
    assert [(r[1], r[-1]) for r in tabs["Team Rankings"][1:]] == [("Reporting", "ok")]
    summary = {row[0]: row[1:] for row in tabs["Org Summary"][1:]}
    assert summary["Total hours lost"][0] == 12.7  # once, not five times


def test_the_same_google_spreadsheet_by_url_and_by_key_counts_once(make_spreadsheet, run) -> None:
    member = team(make_spreadsheet, "gsheets")
    rows = [["By URL", where(member), "", ""], ["By key", member.key, "", ""]]
    organisation = org(make_spreadsheet, "gsheets", rows)

    result = run("rollup", config=organisation.config)

    assert result.stdout.startswith("Rolled up 1 of 1 team ")
    assert "Teams!B3 Spreadsheet" in result.stdout
