"""Which spreadsheet a command is for: a team command on an organisation's config or
spreadsheet, or `rollup` on a team's, is a usage error that names the command that fits
(docs/rollup.md#the-organisations-config). Light on imports, so `flag` starts without pandas."""

from __future__ import annotations

from handoffs.backends import open_backend
from handoffs.config import Config
from handoffs.model.errors import UsageError
from handoffs.model.schema import input_schemas, org_schemas
from handoffs.model.spreadsheet import Backend, RawTab


def team_backend(config: Config, command: str, *, read_only: bool = False) -> Backend:
    """The backend of a team command; an organisation's config (a [rollup] section) is a usage
    error that names the commands that fit, before anything is read or written."""
    if config.organisation:
        raise UsageError(
            f"{config.source} is an organisation's config (it has a [rollup] section), and "
            f"`{command}` works on a team's spreadsheet. On the organisation's, run `handoffs "
            f"--config {config.source} rollup` (or `validate`, `init`); for a team, run "
            f"`{command}` with that team's config. Nothing was written."
        )
    return open_backend(config, read_only=read_only)


def refuse_other_kind(tabs: dict[str, RawTab], location: str, organisation: bool) -> None:
    """A team command on an organisation's spreadsheet (a Teams tab, no Handoffs tab), or an
    organisation's command on a team's (the other way round), is a usage error."""
    teams, handoffs = org_schemas()["teams"].title, input_schemas()["handoffs"].title
    if organisation and handoffs in tabs and teams not in tabs:
        raise UsageError(
            f"{location} is a team's spreadsheet (it has a {handoffs} tab and no {teams} tab): "
            "point this config's [sheet] at the organisation's spreadsheet, or remove its "
            "[rollup] section to run the team commands (`refresh`) on it. Nothing was written."
        )
    if not organisation and teams in tabs and handoffs not in tabs:
        raise UsageError(
            f"{location} is an organisation's spreadsheet (it has a {teams} tab and no "
            f"{handoffs} tab): add a [rollup] section to its config and run `rollup` (or "
            "`validate`, `init`), or point [sheet] at a team's spreadsheet. Nothing was written."
        )
