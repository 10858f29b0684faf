"""`flag`: one friction flag appended below the Flags rows, touching nothing else. Starts
without pandas: a flag arrives at any moment, from people and from cron-less tools."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from handoffs.app.sheet_kind import refuse_other_kind, team_backend
from handoffs.backends.lock import flag_wait, run_lock
from handoffs.checks.flags import flag_row, handoff_ids, resolve_handoff
from handoffs.config import Config
from handoffs.model.errors import UsageError
from handoffs.model.schema import input_schemas, org_schemas
from handoffs.model.spreadsheet import XLSX_CELL_LIMIT


@dataclass
class FlagOutcome:
    location: str
    handoff_id: str
    flagged_at: dt.datetime


def add_flag(
    config: Config,
    at: dt.datetime,
    *,
    handoff: str,
    what: str,
    fix: str | None = None,
    by: str | None = None,
) -> FlagOutcome:
    """Append one friction flag (status new) below the Flags rows; nothing else is touched."""
    what, fix, by = what.strip(), (fix or "").strip() or None, (by or "").strip() or None
    if not what:
        raise UsageError("--what is empty; say in one sentence what went wrong at the handoff.")
    for option, text in (("--what", what), ("--fix", fix), ("--by", by)):
        if text is not None and len(text) > XLSX_CELL_LIMIT:  # a cell would cut it short
            raise UsageError(
                f"{option} is {len(text):,} characters; a spreadsheet cell holds at most "
                f"{XLSX_CELL_LIMIT:,}. Shorten it, and put long details in a document it names."
            )
    schemas = input_schemas()
    titles = (schemas["handoffs"].title, schemas["flags"].title)
    org_title = org_schemas()["teams"].title
    backend = team_backend(config, "flag")
    with run_lock(backend, wait=flag_wait()):
        tabs = backend.read(titles, merges=False)  # nothing is validated here
        for title in titles:
            if title not in tabs:
                refuse_other_kind(backend.read([org_title]), backend.location, organisation=False)
                raise UsageError(
                    f"The spreadsheet has no {title} tab; run `handoffs init` to add it."
                )
        handoff_id = resolve_handoff(handoff, handoff_ids(tabs[titles[0]]))
        row = flag_row(tabs[titles[1]], at=at, handoff_id=handoff_id, what=what, fix=fix, by=by)
        backend.append_rows(tabs[titles[1]].title, [row])  # the tab as named, whatever its case
    return FlagOutcome(backend.location, handoff_id, at)
