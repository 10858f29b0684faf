"""Benchmark: validate + rank + build the generated tabs on N handoffs x M months.

Each size runs in a fresh subprocess so peak memory (ru_maxrss) is that run's own.
The same Health rows are then validated by `frictionless` (the reference implementation
of Table Schema) on a subset, for a rows-per-second comparison; both sides are timed the
same way: the median of --repeat runs, each in a fresh process.

    python benchmarks/bench_core.py                       # the default sizes
    python benchmarks/bench_core.py --handoffs 10000 --months 100
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import subprocess
import sys
import time

TODAY = dt.date(2026, 11, 25)


def make_tabs(handoffs: int, months: int) -> dict:
    """Raw tabs as a backend hands them over: Sheets serial months, plain ints and floats."""
    import numpy as np

    from handoffs.model.schema import input_schemas
    from handoffs.model.spreadsheet import RawTab

    rng = np.random.default_rng(1)
    schemas = input_schemas()
    ids = [f"H-{i:06d}" for i in range(handoffs)]
    handoff_rows = [
        [hid, f"Workflow {i % 50}", i % 9 + 1, f"Role {i % 13}", f"Role {(i + 1) % 13}",
         "Draft report", "format", "assumptions", "historical", "", "active"]
        for i, hid in enumerate(ids)
    ]  # fmt: skip
    first = dt.date(TODAY.year, TODAY.month, 1)
    serials = []
    for back in range(months, 0, -1):
        year, month = divmod(first.year * 12 + first.month - 1 - back, 12)
        serials.append((dt.date(year, month + 1, 1) - dt.date(1899, 12, 30)).days)
    n = handoffs * months
    month_col = np.repeat(np.array(serials), handoffs).tolist()
    id_col = ids * months
    rework = rng.poisson(3, n).tolist()
    minutes = (rng.integers(0, 24, n) * 5).tolist()
    delays = (rng.integers(0, 8, n) / 2).tolist()
    health_rows = [list(r) for r in zip(month_col, id_col, rework, minutes, delays, strict=True)]
    tab = lambda name, rows: RawTab(schemas[name].title, [schemas[name].header, *rows])  # noqa: E731
    return {
        "Handoffs": tab("handoffs", handoff_rows),
        "Health": tab("health", health_rows),
        **{schemas[n].title: tab(n, []) for n in ("contracts", "flags", "reviews", "team")},
    }


def run_once(handoffs: int, months: int) -> dict:
    from handoffs.checks.validate import validate
    from handoffs.config import Config
    from handoffs.figures.rankings import with_hours
    from handoffs.figures.team import team_figures
    from handoffs.model.periods import default_period
    from handoffs.tabs.team_tabs import team_tabs

    tabs = make_tabs(handoffs, months)
    rows = handoffs * months
    start = time.perf_counter()
    dataset = with_hours(validate(tabs, TODAY), Config().scoring)
    validated = time.perf_counter()
    period = default_period(dataset)
    figures = team_figures(dataset, period, Config())
    generated = team_tabs(figures, dt.datetime(2026, 11, 25, 6, 0))
    done = time.perf_counter()
    return {
        "handoffs": handoffs,
        "months": months,
        "health_rows": rows,
        "validate_s": round(validated - start, 2),
        "rank_and_tabs_s": round(done - validated, 2),
        "total_s": round(done - start, 2),
        "rows_per_s": round(rows / (done - start)),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "problems": len(dataset.report),
        "tab_rows": {t.title: len(t.rows) for t in generated},
    }


def frictionless_rate(rows: int) -> dict:
    """Validate `rows` Health rows with frictionless against sheet_schema/health.json."""
    import frictionless

    from handoffs.model.schema import descriptors

    descriptor = dict(descriptors()["health"])
    descriptor.pop("foreignKeys", None)
    descriptor = {k: v for k, v in descriptor.items() if not k.startswith("x-")}
    descriptor["fields"] = [
        {k: v for k, v in f.items() if not k.startswith("x-")} for f in descriptor["fields"]
    ]
    header = [f["name"] for f in descriptor["fields"]]
    handoffs = max(1, min(1000, rows))  # fewer rows than 1,000 handoffs: one month of them
    months = -(-rows // handoffs)  # enough months for `rows` (the last one may be partial)
    data = [header]
    for m in range(months):
        month = f"{2026 - (m // 12):04d}-{m % 12 + 1:02d}"
        data += [[month, f"H-{i:06d}", 3, 45, 1.5, ""] for i in range(handoffs)]
    data = data[: rows + 1]
    resource_ = frictionless.Resource(
        data=data, schema=frictionless.Schema.from_descriptor(descriptor)
    )
    start = time.perf_counter()
    report = resource_.validate()
    seconds = time.perf_counter() - start
    return {"rows": len(data) - 1, "seconds": round(seconds, 2),
            "rows_per_s": round((len(data) - 1) / seconds), "valid": report.valid}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--handoffs", type=int, action="append")
    parser.add_argument("--months", type=int, action="append")
    parser.add_argument("--frictionless-rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7, help="runs per size; the median is shown")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--frictionless-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_once(args.handoffs[0], args.months[0])))
        return
    if args.frictionless_child:
        print(json.dumps(frictionless_rate(args.frictionless_rows)))
        return
    sizes = list(
        zip(args.handoffs or [1000, 10000, 10000], args.months or [12, 12, 100], strict=True)
    )
    print(f"Median of {args.repeat} runs per size, each in a fresh process.\n")
    print(
        "| handoffs | months | Health rows | validate s | rank + tabs s | total s | rows/s | peak MB |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    ours = {}
    for handoffs, months in sizes:
        runs = [
            json.loads(subprocess.run(
                [sys.executable, __file__, "--child", "--handoffs", str(handoffs), "--months", str(months)],
                capture_output=True, text=True, check=True,
            ).stdout)
            for _ in range(args.repeat)
        ]  # fmt: skip
        r = sorted(runs, key=lambda run: run["total_s"])[len(runs) // 2]  # the median run
        ours = r
        print(f"| {handoffs:,} | {months} | {r['health_rows']:,} | {r['validate_s']} | "
              f"{r['rank_and_tabs_s']} | {r['total_s']} | {r['rows_per_s']:,} | {r['peak_mb']:,} |")  # fmt: skip
    refs = [
        json.loads(subprocess.run(
            [sys.executable, __file__, "--frictionless-child",
             "--frictionless-rows", str(args.frictionless_rows)],
            capture_output=True, text=True, check=True,
        ).stdout)
        for _ in range(args.repeat)
    ]  # fmt: skip
    ref = sorted(refs, key=lambda run: run["seconds"])[len(refs) // 2]  # the median run
    print(f"\nfrictionless {frictionless_version()} (median of {args.repeat} runs, each in a fresh process): "
          f"{ref['rows']:,} Health rows in {ref['seconds']} s = {ref['rows_per_s']:,} rows/s")  # fmt: skip
    print(f"handoffs at {ours['health_rows']:,} rows: {ours['rows_per_s']:,} rows/s = "
          f"{ours['rows_per_s'] / ref['rows_per_s']:.0f}x frictionless")  # fmt: skip
    print(f"handoffs --help: {help_seconds():.2f} s (median of 10 fresh starts)")


def help_seconds(runs: int = 10) -> float:
    """Median wall time of `handoffs --help` in a fresh interpreter (start-up cost)."""
    import statistics

    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "handoffs", "--help"], capture_output=True, check=True
        )
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def frictionless_version() -> str:
    from importlib.metadata import version

    return version("frictionless")


if __name__ == "__main__":
    main()
