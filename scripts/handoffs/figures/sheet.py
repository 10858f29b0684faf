"""A team's sheet as every figure reads it: its raw input tabs validated, each Health row with
its hours lost, and the rows left out for an error by the handoff they were about. The one load
path of a team's sheet: `refresh` and every other use case (through `app.load`) and each team of
a roll-up alike. Pure: raw tabs in, no I/O."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from handoffs.checks.error_rows import errors_by_handoff
from handoffs.checks.flags_header import FlagsHeader, track, with_header_warning
from handoffs.checks.validate import validate
from handoffs.config import ScoringConfig
from handoffs.figures.rankings import with_hours
from handoffs.model.dataset import Dataset
from handoffs.model.schema import generated_layouts
from handoffs.model.spreadsheet import RawTab


@dataclass
class TeamSheet:
    """A team's sheet, checked."""

    dataset: Dataset  # validated, with each Health row's hours lost
    flags_header: FlagsHeader | None  # the Flags header order to remember in the Summary
    contract_errors: dict[str, tuple[int, ...]]  # Contracts rows left out, by handoff id
    handoff_errors: dict[str, tuple[int, ...]]  # Handoffs rows left out, by handoff id


def summary_title() -> str:
    return generated_layouts()["summary"].title


def check_sheet(
    raw: Mapping[str, RawTab], today: dt.date, scoring: ScoringConfig, *, with_summary: bool = False
) -> TeamSheet:
    """Validate the input tabs of `raw`, add each Health row's hours lost, and find the
    Contracts and Handoffs rows left out for an error (by case-folded handoff id).

    `with_summary`: the Summary tab was asked for with them (it may be missing from `raw`: a
    first refresh): the Flags header is compared with the order it remembers, and a change is a
    warning (`checks.flags_header`). A roll-up reads no Summary: no Flags header state."""
    dataset = with_hours(validate(raw, today), scoring)
    state = (
        track(dataset.headers["flags"], raw.get(summary_title()), today) if with_summary else None
    )
    return TeamSheet(
        with_header_warning(dataset, state),
        state,
        errors_by_handoff(raw, dataset, "contracts"),
        errors_by_handoff(raw, dataset, "handoffs"),
    )
