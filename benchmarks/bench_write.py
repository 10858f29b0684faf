"""Benchmark: what a write costs on a local .xlsx of N handoffs x M months, side by side.

Builds the workbook as bench_run.py does, refreshes it once, then times in one run (each figure
the median of --repeat fresh processes of the real command, start-up included) and measures
each command's peak memory (the child's ru_maxrss):

* `validate` (reads every input tab; the yardstick);
* `refresh` after one Health cell changed (reads, checks, writes the generated tabs);
* `flag` (reads Handoffs and Flags, appends one row);
* `refresh` with nothing changed, and whether the file's bytes and modification time stayed;
* the same `refresh` and `flag` by a previous version (--baseline, a git worktree), which
  loaded and re-saved the whole workbook with openpyxl;
* what copying the package costs: every unchanged part's compressed bytes copied as they are,
  against reading and recompressing each one.

Targets (docs/spreadsheet.md#what-the-tool-owns): refresh after a change <= 2x validate,
flag <= 1.5x validate, an unchanged refresh writes nothing, a write's peak memory no more
than a read's plus the generated tabs.

    python benchmarks/bench_write.py                   # 1,000 handoffs x 100 months
    python benchmarks/bench_write.py --months 20 --no-baseline
"""

from __future__ import annotations

import argparse
import io
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from bench_run import SCRIPTS, baseline_worktree, command, refreshed_workbook


def measured(argv: list[str], env: dict[str, str], repeat: int, before: Path | None = None,
             into: Path | None = None) -> tuple[float, float]:  # fmt: skip
    """(median seconds, largest peak memory in MB) of `argv` in fresh processes; `before` is
    copied over `into` ahead of each run (the same starting file every time)."""
    times, peaks = [], []
    for _ in range(repeat):
        if before is not None and into is not None:
            shutil.copyfile(before, into)
        with tempfile.TemporaryFile() as errors:
            start = time.perf_counter()
            child = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=errors)
            _, status, usage = os.wait4(child.pid, 0)
            times.append(time.perf_counter() - start)
            child.returncode = os.waitstatus_to_exitcode(status)
            if child.returncode not in (0, 1):
                errors.seek(0)
                raise SystemExit(f"{' '.join(argv)} exited {child.returncode}:\n{errors.read()}")
        peaks.append(usage.ru_maxrss / 1024)
    return statistics.median(times), max(peaks, default=float("nan"))


def changed_copy(source: Path, target: Path) -> None:
    """The workbook with one Health cell given another value: the rework requests of the last
    row, in the latest month, so the rankings and the Summary change."""
    from handoffs.backends.xlsx_package import Package

    package = Package(source.read_bytes())
    part = package.sheet_parts()["Health"]
    xml = package.read(part)
    cell = list(re.finditer(rb'<c r="C\d+"[^>]*>(?:<v>(\d+)</v>)?', xml))[-1]
    assert cell is not None and cell.group(1) is not None
    value = str(int(cell.group(1)) + 7).encode()
    xml = xml[: cell.start(1)] + value + xml[cell.end(1) :]
    package.write(part, xml)
    target.write_bytes(package.save())


def copy_costs(path: Path, repeat: int) -> tuple[float, float]:
    """(raw copy s, recompressing copy s) of the whole package, median of `repeat`."""
    from handoffs.backends.xlsx_package import Package

    data = path.read_bytes()

    def recompressed() -> None:
        out = io.BytesIO()
        with (
            zipfile.ZipFile(io.BytesIO(data)) as source,
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
        ):
            for info in source.infolist():
                target.writestr(info, source.read(info))

    def timed(work: object) -> float:
        runs = []
        for _ in range(repeat):
            start = time.perf_counter()
            work()  # type: ignore[operator]
            runs.append(time.perf_counter() - start)
        return statistics.median(runs)

    return timed(lambda: Package(data).save()), timed(recompressed)


def bench(handoffs: int, months: int, repeat: int, baseline: Path | None, folder: Path) -> None:
    rows = handoffs * months
    ours, config = refreshed_workbook(folder, handoffs, months)
    refreshed = folder / f"refreshed-{months}.xlsx"
    shutil.copyfile(ours, refreshed)
    changed = folder / f"changed-{months}.xlsx"
    changed_copy(refreshed, changed)
    flag = ("flag", "--handoff", "H-000001", "--what", "Totals moved")

    figures: dict[str, tuple[float, float]] = {}
    figures["validate"] = measured(*command(SCRIPTS, config, "validate"), repeat)
    before = (ours.read_bytes(), ours.stat().st_mtime_ns)
    figures["refresh, nothing changed"] = measured(
        *command(SCRIPTS, config, "refresh", "--quiet"), repeat
    )
    untouched = (ours.read_bytes(), ours.stat().st_mtime_ns) == before
    figures["refresh, one cell changed"] = measured(
        *command(SCRIPTS, config, "refresh", "--quiet"), repeat, changed, ours
    )
    wrote = ours.read_bytes() != changed.read_bytes()  # the generated tabs did change
    figures["flag (appends one row)"] = measured(
        *command(SCRIPTS, config, *flag), repeat, refreshed, ours
    )
    previous: dict[str, tuple[float, float]] = {}
    if baseline is not None:
        old_scripts = baseline / "scripts"
        previous["refresh, one cell changed"] = measured(
            *command(old_scripts, config, "refresh", "--quiet"), 1, changed, ours
        )
        previous["flag (appends one row)"] = measured(
            *command(old_scripts, config, *flag), 1, refreshed, ours
        )
    raw_s, recompress_s = copy_costs(refreshed, repeat)

    size_mb = ours.stat().st_size / 1e6
    print(
        f"\n### {handoffs:,} handoffs × {months} months = {rows:,} Health rows ({size_mb:.1f} MB)\n"
    )
    print(
        f"Median of {repeat} fresh processes each, start-up included; peak = largest ru_maxrss.\n"
    )
    print("| command | s | × validate | peak MB | previous version s | previous peak MB |")
    print("|---|---:|---:|---:|---:|---:|")
    base = figures["validate"][0]
    for name, (seconds, peak) in figures.items():
        old = previous.get(name)
        old_text = f"{old[0]:.2f} | {old[1]:.0f}" if old else "— | —"
        print(f"| {name} | {seconds:.2f} | {seconds / base:.2f}× | {peak:.0f} | {old_text} |")
    print(f"\nrefresh with nothing changed left the file's bytes and modification time "
          f"{'unchanged' if untouched else 'CHANGED'}.")  # fmt: skip
    print(f"refresh after the one-cell change {'wrote' if wrote else 'DID NOT WRITE'} its tabs.")
    print(f"\nCopying the whole package: compressed bytes as they are {raw_s:.2f} s, "
          f"read and recompressed {recompress_s:.2f} s.")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--handoffs", type=int, default=1000)
    parser.add_argument("--months", type=int, action="append", help="default: 100")
    parser.add_argument("--repeat", type=int, default=3, help="fresh processes per figure")
    parser.add_argument("--baseline", default="958f661", help="git ref of the previous version")
    parser.add_argument("--no-baseline", action="store_true", help="skip the previous version")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="handoffs-bench-write-") as temporary:
        folder = Path(temporary)
        baseline = None if args.no_baseline else baseline_worktree(args.baseline, folder)
        try:
            for months in args.months or [100]:
                bench(args.handoffs, months, args.repeat, baseline, folder)
        finally:
            if baseline is not None:
                subprocess.run(
                    ["git", "-C", str(SCRIPTS.parent), "worktree", "remove", "--force",
                     str(baseline)],
                    check=False,
                    capture_output=True,
                )  # fmt: skip


if __name__ == "__main__":
    sys.path.insert(0, str(SCRIPTS))
    main()
