"""Benchmark: the whole run a person waits for, on a local .xlsx of N handoffs x M months.

Builds the workbook, refreshes it once, then times in one run, side by side (each figure the
median of --repeat fresh processes of the real command, start-up included):

* `handoffs validate` against frictionless validating the same file's Health tab (it reads the
  .xlsx itself; the health schema without our x- properties, the columns named by their
  titles) and against a previous version of handoffs (a git worktree of --baseline, run
  with PYTHONPATH at its scripts/);
* `handoffs refresh` right after a refresh (nothing changed) against the previous version,
  and whether the file's bytes and modification time stayed the same;
* where the time goes: read, checks, figures, compare, write, timed in one process by calling
  the same backend and core functions the commands call.

    python benchmarks/bench_run.py                     # 1,000 handoffs x 100 months
    python benchmarks/bench_run.py --months 20 --months 100 --baseline main
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TODAY = dt.date(2026, 11, 25)
ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "scripts"


def build_workbook(path: Path, handoffs: int, months: int) -> None:
    """Every input tab; Handoffs and Health filled (months as ISO text, as frictionless needs)."""
    from openpyxl import Workbook

    from handoffs.model.schema import input_schemas

    rng = random.Random(1)
    ids = [f"H-{i:06d}" for i in range(handoffs)]
    last = TODAY.year * 12 + TODAY.month - 2  # the month before today's
    labels = [f"{m // 12:04d}-{m % 12 + 1:02d}" for m in range(last - months + 1, last + 1)]
    workbook = Workbook(write_only=True)
    for name, schema in input_schemas().items():
        sheet = workbook.create_sheet(schema.title)
        sheet.append(list(schema.header))
        if name == "handoffs":
            for i, hid in enumerate(ids):
                sheet.append(
                    [hid, f"Workflow {i % 50}", i % 9 + 1, f"Role {i % 13}",
                     f"Role {(i + 1) % 13}", "Draft report", "format", "assumptions",
                     "historical", "kept for now", "active"]
                )  # fmt: skip
        if name == "health":
            for label in labels:
                for hid in ids:
                    sheet.append(
                        [label, hid, rng.randint(0, 6), rng.randrange(0, 120, 5),
                         rng.randrange(0, 8) / 2, ""]
                    )  # fmt: skip
    workbook.save(path)


def command(scripts: Path, config: Path, *args: str) -> tuple[list[str], dict[str, str]]:
    env = {**os.environ, "PYTHONPATH": str(scripts)}
    argv = [sys.executable, "-m", "handoffs", "--config", str(config), "--today", str(TODAY)]
    return [*argv, *args], env


def timed(argv: list[str], env: dict[str, str] | None, repeat: int) -> float:
    """Median wall time of `argv` in fresh processes; fails loudly on a usage/backend error."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        done = subprocess.run(argv, env=env, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        if done.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(argv)} exited {done.returncode}:\n{done.stderr}")
    return statistics.median(times)


def frictionless_child(path: str) -> None:
    """Validate the workbook's Health tab with frictionless, reading the .xlsx itself."""
    import frictionless
    from frictionless.formats import ExcelControl

    from handoffs.model.schema import descriptors

    descriptor = {k: v for k, v in descriptors()["health"].items() if not k.startswith("x-")}
    descriptor.pop("foreignKeys", None)
    fields = [{k: v for k, v in f.items() if not k.startswith("x-")} for f in descriptor["fields"]]
    titles = {f["name"]: f["title"] for f in fields}
    descriptor["fields"] = [{**f, "name": f["title"]} for f in fields]
    descriptor["primaryKey"] = [titles[name] for name in descriptor["primaryKey"]]
    resource = frictionless.Resource(
        path=Path(path).name,
        basepath=str(Path(path).parent),
        control=ExcelControl(sheet="Health"),
        schema=frictionless.Schema.from_descriptor(descriptor),
    )
    report = resource.validate()
    print(json.dumps({"valid": report.valid, "rows": report.tasks[0].stats["rows"]}))


def breakdown_child(config_path: str) -> None:
    """validate and refresh step by step, timed, through the functions the commands call."""
    from handoffs.app.load import input_titles, refreshed_titles
    from handoffs.backends import open_backend
    from handoffs.checks.validate import validate
    from handoffs.config import load_config
    from handoffs.figures.sheet import check_sheet
    from handoffs.figures.team import team_figures
    from handoffs.model.periods import default_period
    from handoffs.model.schema import generated_layouts
    from handoffs.model.spreadsheet import RawTab
    from handoffs.tabs.compare import tabs_unchanged
    from handoffs.tabs.team_tabs import team_tabs

    config = load_config(config_path)
    backend = open_backend(config)
    summary = generated_layouts()["summary"].title
    steps: dict[str, float] = {}

    def step(name: str, start: float) -> float:
        now = time.perf_counter()
        steps[name] = round(now - start, 2)
        return now

    start = time.perf_counter()
    warm_up_tabs = {title: RawTab(title, [["Month"], ["2026-01"]]) for title in input_titles()}
    validate(warm_up_tabs, TODAY)  # pandas loads pyarrow and its date parsers on first use
    start = step("start-up: pandas' first use (any size)", start)
    raw = backend.read([*input_titles(), summary])
    start = step("validate: read", start)
    check_sheet(raw, TODAY, config.scoring, with_summary=True)
    start = step("validate: checks", start)
    raw = backend.read(list(dict.fromkeys([*input_titles(), summary, *refreshed_titles()])))
    start = step("refresh: read", start)
    sheet = check_sheet(raw, TODAY, config.scoring, with_summary=True)
    dataset = sheet.dataset
    start = step("refresh: checks", start)
    figures = team_figures(
        dataset, default_period(dataset), config, contract_errors=sheet.contract_errors
    )
    tabs = team_tabs(figures, dt.datetime.now(), flags_header=sheet.flags_header)
    start = step("refresh: figures and tabs", start)
    same = tabs_unchanged(tabs, raw)
    start = step("refresh: compare", start)
    backend.write_generated(tabs)
    step("refresh: write (when something changed)", start)
    print(json.dumps({"steps": steps, "unchanged": same}))


def child(flag: str, value: str) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, flag, value],
        env={**os.environ, "PYTHONPATH": str(SCRIPTS)},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def baseline_worktree(ref: str, folder: Path) -> Path:
    target = folder / "baseline"
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(target), ref],
        check=True,
        capture_output=True,
    )
    return target


def refreshed_workbook(folder: Path, handoffs: int, months: int) -> tuple[Path, Path]:
    """The benchmark workbook and its config in `folder`, refreshed once (its generated tabs
    written), as a team's workbook is between cron runs."""
    ours = folder / f"ours-{months}.xlsx"
    build_workbook(ours, handoffs, months)
    config = folder / f"ours-{months}.toml"
    config.write_text(f'[sheet]\nbackend = "xlsx"\npath = "{ours.name}"\n', encoding="utf-8")
    argv, env = command(SCRIPTS, config, "refresh", "--quiet")
    subprocess.run(argv, env=env, check=True, capture_output=True)
    return ours, config


def bench(
    size: tuple[int, int], baseline: Path | None, ref: str, repeat: int, folder: Path
) -> None:
    handoffs, months = size
    rows = handoffs * months
    ours, config = refreshed_workbook(folder, handoffs, months)

    validate_s = timed(*command(SCRIPTS, config, "validate"), repeat)
    before = (ours.read_bytes(), ours.stat().st_mtime_ns)
    noop_s = timed(*command(SCRIPTS, config, "refresh", "--quiet"), repeat)
    untouched = (ours.read_bytes(), ours.stat().st_mtime_ns) == before
    force_s = timed(*command(SCRIPTS, config, "refresh", "--quiet", "--force"), repeat)
    friction = [sys.executable, __file__, "--frictionless-child", str(ours)]
    friction_env = {**os.environ, "PYTHONPATH": str(SCRIPTS)}
    friction_s = timed(friction, friction_env, repeat)
    checked = child("--frictionless-child", str(ours))
    assert checked["rows"] == rows, checked

    old_validate = old_refresh = None
    if baseline is not None:
        old = folder / f"baseline-{months}.xlsx"
        old.write_bytes(ours.read_bytes())
        old_config = folder / f"baseline-{months}.toml"
        old_config.write_text(f'[sheet]\nbackend = "xlsx"\npath = "{old.name}"\n', "utf-8")
        old_scripts = baseline / "scripts"
        old_validate = timed(*command(old_scripts, old_config, "validate"), repeat)
        argv, env = command(old_scripts, old_config, "refresh", "--quiet")
        subprocess.run(argv, env=env, check=False, capture_output=True)  # its tabs, as ours
        old_refresh = timed(*command(old_scripts, old_config, "refresh", "--quiet"), repeat)

    parts = child("--breakdown-child", str(config))["steps"]
    size_mb = ours.stat().st_size / 1e6
    print(
        f"\n### {handoffs:,} handoffs × {months} months = {rows:,} Health rows ({size_mb:.1f} MB)\n"
    )
    print(f"Median of {repeat} fresh processes each, start-up included.\n")
    print("| command | handoffs s | previous (" + ref + ") s | frictionless s | faster than |")
    print("|---|---:|---:|---:|---|")

    def ratio(theirs: float | None, mine: float) -> str:
        return "—" if theirs is None else f"{theirs / mine:.1f}×"

    print(f"| validate | {validate_s:.2f} | {_s(old_validate)} | {friction_s:.2f} | "
          f"{ratio(friction_s, validate_s)} frictionless, {ratio(old_validate, validate_s)} previous |")  # fmt: skip
    print(f"| refresh, nothing changed | {noop_s:.2f} | {_s(old_refresh)} | — | "
          f"{ratio(old_refresh, noop_s)} previous |")  # fmt: skip
    print(f"| refresh --force (writes) | {force_s:.2f} | {_s(old_refresh)} | — | "
          f"{ratio(old_refresh, force_s)} previous |")  # fmt: skip
    print(f"\nrefresh with nothing changed left the file's bytes and modification time "
          f"{'unchanged' if untouched else 'CHANGED'}.")  # fmt: skip
    print("\nWhere the time goes (one process, the functions the commands call):\n")
    print("| step | s |")
    print("|---|---:|")
    for name, seconds in parts.items():
        print(f"| {name} | {seconds:.2f} |")
    share = parts["validate: checks"] / validate_s
    print(f"\nChecks are {share:.0%} of `handoffs validate` end to end "
          f"({parts['validate: checks']:.2f} of {validate_s:.2f} s).")  # fmt: skip


def _s(seconds: float | None) -> str:
    return "—" if seconds is None else f"{seconds:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--handoffs", type=int, default=1000)
    parser.add_argument("--months", type=int, action="append", help="default: 100")
    parser.add_argument("--repeat", type=int, default=3, help="fresh processes per figure")
    parser.add_argument("--baseline", default="0a27d0e", help="git ref of the previous version")
    parser.add_argument("--no-baseline", action="store_true", help="skip the previous version")
    parser.add_argument("--frictionless-child", help=argparse.SUPPRESS)
    parser.add_argument("--breakdown-child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.frictionless_child:
        frictionless_child(args.frictionless_child)
        return
    if args.breakdown_child:
        breakdown_child(args.breakdown_child)
        return
    with tempfile.TemporaryDirectory(prefix="handoffs-bench-") as temporary:
        folder = Path(temporary)
        baseline = None if args.no_baseline else baseline_worktree(args.baseline, folder)
        try:
            for months in args.months or [100]:
                bench((args.handoffs, months), baseline, args.baseline, args.repeat, folder)
        finally:
            if baseline is not None:
                subprocess.run(
                    ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(baseline)],
                    check=False,
                    capture_output=True,
                )


if __name__ == "__main__":
    sys.path.insert(0, str(SCRIPTS))
    main()
