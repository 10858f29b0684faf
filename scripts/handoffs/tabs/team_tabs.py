"""docs/spreadsheet.md#generated-tabs: the generated tabs, built as plain rows from figures (no I/O here)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from handoffs import __version__
from handoffs.checks import flags_header
from handoffs.checks.flags_header import FlagsHeader
from handoffs.documents import habit_words
from handoffs.figures.rankings import hours_grid
from handoffs.figures.records import cell_rows, compression_records, maturity_record, share_record
from handoffs.figures.stale import STALE_COLUMNS
from handoffs.figures.team import TeamFigures
from handoffs.model.dataset import Dataset
from handoffs.model.periods import TREND_MONTHS, months_ending
from handoffs.model.schema import generated_layouts
from handoffs.model.spreadsheet import CellValue, Chart, Link, TabContent
from handoffs.model.vocabulary import NO_DATA
from handoffs.model.words import counted
from handoffs.tabs.compare import LAST_CHANGED

CHART_HANDOFFS = 5
# Item, Value, Detail: wide enough for a label, an id or a count, a sentence per two lines;
# narrow enough that the chart beside them is seen on a laptop screen without scrolling.
SUMMARY_WIDTHS = (28, 18, 40)
COMPRESSION_SHOWN = 10


def rankings_tab(table: pd.DataFrame) -> TabContent:
    layout = generated_layouts()["rankings"]
    hours = table["hours"].round(1).astype(object).where(table["has_data"], NO_DATA)
    shown = pd.DataFrame(
        {
            "rank": table["rank"],
            "handoff_id": table["handoff_id"],
            "workflow": table["workflow"],
            "route": table["from_role"] + " → " + table["to_role"],
            "hours": hours,
            "rework_requests": table["rework_requests"],
            "format_minutes": table["format_minutes"],
            "delay_days": table["delay_days"],
            "change": table["change"],
            "trend": table["trend"],
            "contract_status": table["contract_status"],
            "open_flags": table["open_flags"],
        }
    )
    return TabContent(layout.title, layout.columns, cell_rows(shown))


def stale_tab(table: pd.DataFrame) -> TabContent:
    layout = generated_layouts()["stale_reviews"]
    rows = cell_rows(table[list(STALE_COLUMNS)])
    if not rows:
        rows = [["", "", "", "", None, "Every contract is reviewed and complete.", ""]]
    return TabContent(layout.title, layout.columns, rows)


def problems_tab(ds: Dataset) -> TabContent:
    layout = generated_layouts()["problems"]
    frame = ds.report.listed()  # at most LISTED_PER_PROBLEM cells per problem, the rest counted
    cells: list[CellValue] = [
        Link(tab, cell, f"{tab}!{cell}") if cell else ""
        for tab, cell in zip(frame["tab"], frame["cell"], strict=True)
    ]
    rows: list[list[CellValue]] = [
        [severity, tab, link, column, value, message]
        for severity, tab, link, column, value, message in zip(
            frame["severity"], frame["tab"], cells, frame["column"], frame["value"],
            frame["message"], strict=True,
        )
    ]  # fmt: skip
    if not rows:
        rows = [["", "", "", "", "", "No problems: every row is valid."]]
    return TabContent(layout.title, layout.columns, rows)


def summary_rows(figures: TeamFigures, refreshed_at: dt.datetime) -> list[list[CellValue]]:
    report, period = figures.dataset.report, figures.period
    rows: list[list[CellValue]] = [
        [LAST_CHANGED, refreshed_at.replace(microsecond=0),
         f"handoffs {__version__}; the last refresh that changed these tabs (a refresh that "
         "would change nothing writes nothing)"],
        ["Period", period.label if period else NO_DATA, "latest month with Health data"
         + ("; still running: figures so far" if period and figures.today < period.end.date() else "")],
        ["Problems", f"{counted(report.errors, 'error')}, {counted(report.warnings, 'warning')}",
         "rows with errors are left out of every figure; see the Problems tab"],
        ["Active handoffs", len(figures.ranked), "red dots on the workflow map with status active"],
    ]  # fmt: skip
    worst = figures.with_data.head(2)
    for label, item in zip(
        ("Worst handoff", "Second worst handoff"), worst.itertuples(), strict=False
    ):
        rows.append(
            [
                label,
                item.handoff_id,
                f"{item.hours:.1f} hours lost ({item.from_role} → {item.to_role}, {item.workflow})",
            ]
        )
    rows += [
        ["Contracts needing attention", figures.contracts_needing_attention,
         "see the Stale Reviews tab"],
        ["Open flags", figures.open_flags, "status new, discussed or accepted"],
    ]  # fmt: skip
    return rows


def team_tabs(
    figures: TeamFigures,
    refreshed_at: dt.datetime,
    *,
    flags_header: FlagsHeader | None = None,
) -> list[TabContent]:
    """Summary, Rankings, Stale Reviews and Problems for one refresh, from the team's figures
    for the refresh's period. `flags_header`: the Flags header order to remember (see
    `checks.flags_header`)."""
    layout = generated_layouts()
    rows = summary_rows(figures, refreshed_at)
    rows += habit_rows(figures)
    rows += flags_summary_rows(flags_header)
    chart_rows, chart = chart_block(figures, rows_before=len(rows))
    summary = TabContent(
        layout["summary"].title,
        layout["summary"].columns,
        rows + chart_rows,
        chart=chart,
        wrap_widths=SUMMARY_WIDTHS,
    )
    return [
        summary,
        rankings_tab(figures.ranked),
        stale_tab(figures.stale),
        problems_tab(figures.dataset),
    ]


def habit_rows(figures: TeamFigures) -> list[list[CellValue]]:
    """Team-driven share, role-compression candidates and the maturity level with its evidence:
    the records the quarterly agenda shows, in the same words (`documents.habit_words`)."""
    shared = share_record(figures.share)
    facts = habit_words.share_facts(shared)
    rows: list[list[CellValue]] = [
        [
            "Team-driven share",
            habit_words.share_headline(shared),
            "; ".join(f"{label}: {value}" for label, value in facts),
        ]
    ]
    if figures.compression is not None:
        candidates = compression_records(figures.compression)
        window = figures.compression_window
        rows.append(
            [
                "Role-compression candidates",
                len(candidates),
                f"active, split reason not specialization, at least "
                f"{figures.config.compression.min_hours:g} hours lost a month in "
                f"{window[0]:%Y-%m} … {window[-1]:%Y-%m}; record the decision in the Handoffs "
                "tab (Split reason, Decision note, Status)",
            ]
        )
        rows += [
            ["Compression candidate", item["handoff_id"], habit_words.compression_detail(item)]
            for item in candidates[:COMPRESSION_SHOWN]
        ]
        if len(candidates) > COMPRESSION_SHOWN:
            rows.append(
                ["Compression candidate", f"and {len(candidates) - COMPRESSION_SHOWN} more", ""]
            )
    maturity = maturity_record(figures.maturity)
    rows.append(["Maturity level", maturity["label"], maturity["next"]])
    rows += [
        [f"{level['name']}: {c['title']}", "met" if c["met"] else "not met", c["evidence"]]
        for level in maturity["levels"]
        for c in level["criteria"]
    ]
    return rows


def flags_summary_rows(state: FlagsHeader | None) -> list[list[CellValue]]:
    return [list(row) for row in flags_header.summary_rows(state)]


def chart_block(
    figures: TeamFigures, rows_before: int
) -> tuple[list[list[CellValue]], Chart | None]:
    """Hours lost per month over six months for the five worst handoffs, placed after
    `rows_before` Summary rows: a blank row, a title row, then the block the chart reads
    (month column + one column per handoff)."""
    period = figures.period
    worst = figures.with_data.head(CHART_HANDOFFS)["handoff_id"]
    if period is None or worst.empty:
        return [], None
    months = months_ending(period.last_month_by(figures.today), TREND_MONTHS)
    grid = hours_grid(figures.dataset["health"], pd.Index(worst), months)
    block: list[list[CellValue]] = [["Month", *worst]]
    hours = cell_rows(grid.T)  # a row per month, a column per handoff
    block += [[f"{month:%Y-%m}", *row] for month, row in zip(months, hours, strict=True)]
    title = f"Hours lost per month, five worst handoffs of {period.label}"
    first_row = rows_before + 4  # header row 1, the rows before, the blank and title rows
    chart = Chart(
        title=title,
        first_row=first_row,
        last_row=first_row + len(months),
        first_col=1,
        last_col=1 + len(worst),
        y_title="Hours lost",
        x_title="Month",
    )
    return [[None], [title], *block], chart
