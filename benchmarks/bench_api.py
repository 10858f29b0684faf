"""Benchmark: `refresh` on Google Sheets, through the emulator with a per-request latency.

The sample team of `init --demo`, its Health tab scaled to N rows (more handoffs, five years of
months), is refreshed twice on fresh copies of the same spreadsheet:

* **handoffs**: our backend (one `spreadsheets.get` with a fields mask, one `batchUpdate`);
* **straightforward**: gspread + pandas as most scripts do it: `open_by_key`, then per input tab
  `worksheet()` + `get_all_records()` into a DataFrame, the same core computes the same tabs, and
  per generated tab `worksheet()` + `clear()` + `update()` (the gspread-dataframe style).

Both run the same validation and figures, so the difference is the API traffic. Prints a
Markdown table: HTTP requests and wall seconds of each, at each size.

    PYTHONPATH=. python benchmarks/bench_api.py                  # 100, 10,000, 200,000 rows
    PYTHONPATH=. python benchmarks/bench_api.py --rows 10000 --latency 0.2
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # `tests.sheets_emulator`

TODAY = dt.date(2026, 11, 25)
NOW = dt.datetime(2026, 11, 25, 6, 0)
MONTHS = 60


def scaled_demo(rows: int) -> dict[str, list[list[Any]]]:
    """The demo team's tabs with `rows` Health rows: the demo handoffs copied as needed, each
    with up to five years of monthly health (values as typed by people: text, numbers, dates)."""
    from handoffs.app.sample_team import demo_rows
    from handoffs.model.schema import input_schemas

    schemas = input_schemas()
    demo = demo_rows(TODAY)
    per_handoff = max(1, min(MONTHS, rows // len(demo["handoffs"])))
    copies = -(-rows // (per_handoff * len(demo["handoffs"])))  # ceiling
    handoffs, contracts, health = [], [], []
    for copy in range(copies):
        suffix = "" if copy == 0 else f"-{copy}"
        handoffs += [[row[0] + suffix, *row[1:]] for row in demo["handoffs"]]
        contracts += [[row[0] + suffix, *row[1:]] for row in demo["contracts"]]
        for back in range(per_handoff, 0, -1):
            year, month = divmod(TODAY.year * 12 + TODAY.month - 1 - back, 12)
            for index, row in enumerate(demo["handoffs"]):
                rework = (index * 7 + back * 3) % 6
                health.append(
                    [
                        f"{year}-{month + 1:02d}",
                        row[0] + suffix,
                        rework,
                        rework * 10,
                        back % 3,
                        None,
                    ]
                )
    tabs = {**demo, "handoffs": handoffs, "contracts": contracts, "health": health[:rows]}
    return {schemas[name].title: [list(schemas[name].header), *tabs[name]] for name in schemas}


def typed(value: Any) -> Any:
    """How a person would have typed a demo value into Sheets."""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def seed(emulator: Any, tabs: dict[str, list[list[Any]]]) -> str:
    sheets = {title: [[typed(v) for v in row] for row in rows] for title, rows in tabs.items()}
    return emulator.create_spreadsheet(title="Team handoffs", sheets=sheets)


def ours(emulator: Any, key: str, folder: Path) -> None:
    from handoffs.app.refresh import refresh
    from handoffs.config import load_config

    config = folder / "handoffs.toml"
    config.write_text(f'[sheet]\nbackend = "gsheets"\nspreadsheet = "{key}"\n')
    os.environ["SHEETS_EMULATOR_HOST"] = emulator.host
    refresh(load_config(str(config)), TODAY, now=NOW)


def straightforward(emulator: Any, key: str, folder: Path) -> None:
    """The same refresh written the way most gspread + pandas scripts are."""
    import gspread
    import pandas as pd

    from handoffs.checks.validate import validate
    from handoffs.config import Config
    from handoffs.figures.rankings import with_hours
    from handoffs.figures.team import team_figures
    from handoffs.model.periods import default_period
    from handoffs.model.schema import input_schemas
    from handoffs.model.spreadsheet import Link, RawTab
    from handoffs.tabs.team_tabs import team_tabs
    from tests.sheets_emulator.client import gspread_client

    book = gspread_client(emulator.host).open_by_key(key)
    raw = {}
    for schema in input_schemas().values():
        frame = pd.DataFrame(book.worksheet(schema.title).get_all_records())
        header = list(frame.columns) if len(frame.columns) else list(schema.header)
        rows = frame.astype(object).where(frame.notna(), None).values.tolist()
        raw[schema.title] = RawTab(schema.title, [header, *rows])
    dataset = with_hours(validate(raw, TODAY), Config().scoring)
    ids = {sheet.title: sheet.id for sheet in book.worksheets()}
    figures = team_figures(dataset, default_period(dataset), Config())
    for tab in team_tabs(figures, NOW):

        def cell(value: Any) -> Any:
            if isinstance(value, Link):
                return f'=HYPERLINK("#gid={ids[value.tab]}&range={value.cell}", "{value.label}")'
            if isinstance(value, dt.date):
                return value.isoformat()
            return "" if value is None else value

        values = [list(tab.header), *([cell(v) for v in row] for row in tab.rows)]
        try:
            sheet = book.worksheet(tab.title)
            sheet.clear()
        except gspread.WorksheetNotFound:
            width = max(len(row) for row in values)
            sheet = book.add_worksheet(tab.title, rows=len(values), cols=width)
        sheet.update(values, value_input_option="USER_ENTERED")


def measure(rows: int, latency: float, folder: Path) -> dict[str, Any]:
    from tests.sheets_emulator import SheetsEmulator

    for module in (
        "handoffs.app.refresh",
        "handoffs.tabs.team_tabs",
        "tests.sheets_emulator.client",
        "pandas",
    ):
        importlib.import_module(module)  # before the clock starts, for both runs

    tabs = scaled_demo(rows)
    result: dict[str, Any] = {"rows": rows}
    with SheetsEmulator() as emulator:
        for name, run in (("ours", ours), ("naive", straightforward)):
            key = seed(emulator, tabs)
            emulator.clear_log()
            emulator.latency = latency
            start = time.perf_counter()
            run(emulator, key, folder)
            result[f"{name}_s"] = time.perf_counter() - start
            result[f"{name}_requests"] = len(emulator.requests)
            emulator.latency = 0.0
            assert all(r.status == 200 for r in emulator.requests), emulator.requests[-1]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, action="append", help="Health rows (repeatable)")
    parser.add_argument("--latency", type=float, default=0.2, help="seconds added per request")
    args = parser.parse_args()
    import tempfile

    print(f"Refresh through the emulator, {args.latency * 1000:.0f} ms added per request.\n")
    print("| Health rows | handoffs: requests | handoffs: s | straightforward: requests "
          "| straightforward: s | speed-up |")  # fmt: skip
    print("|---:|---:|---:|---:|---:|---:|")
    for rows in args.rows or [100, 10_000, 200_000]:
        with tempfile.TemporaryDirectory() as folder:
            r = measure(rows, args.latency, Path(folder))
        print(
            f"| {rows:,} | {r['ours_requests']} | {r['ours_s']:.1f} | {r['naive_requests']} "
            f"| {r['naive_s']:.1f} | {r['naive_s'] / r['ours_s']:.1f}× |",
            flush=True,
        )


if __name__ == "__main__":
    main()
