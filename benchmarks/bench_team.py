"""Benchmark: one team of the size teams have (40 handoffs x 24 months of Health), side by side.

* **in process**: the team's workbook read once, then `check_sheet` (validate + hours lost) and
  every figure a roll-up and a refresh read (`TeamFigures`), the median of `--repeat` runs;
* **as a command**: `handoffs validate` on that workbook in a fresh process, against
  `python -c "import pandas"` plus reading the same workbook with python-calamine in that
  process (the floor: starting Python, importing pandas, reading the file), median of
  `--starts` runs each, alternated so that other load on the machine falls on both sides; each
  package timed is compiled first, as `pip install` leaves it (pandas is).

    PYTHONPATH=scripts:. python benchmarks/bench_team.py
    PYTHONPATH=scripts:. python benchmarks/bench_team.py --handoffs 60 --repeat 50
    PYTHONPATH=scripts:. python benchmarks/bench_team.py --before /tmp/old/scripts  # side by side

`--before` names the `scripts` folder of another checkout (`git archive REV | tar -x -C
/tmp/old`): its `handoffs validate` is started in turn with this one's and the floor's.
"""

from __future__ import annotations

import argparse
import compileall
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # `tests`, `benchmarks`

TODAY = dt.date(2026, 11, 25)
FIGURES = (
    "ranked", "hours", "previous", "stale", "open_flags", "share", "maturity", "compression",
)  # fmt: skip
# the floor `handoffs validate` is compared with: start Python, import pandas, read every tab
_FLOOR = (
    "import sys, pandas; from python_calamine import CalamineWorkbook; "
    "book = CalamineWorkbook.from_path(sys.argv[1]); "
    "[book.get_sheet_by_name(n).to_python() for n in book.sheet_names]"
)


def workbook(folder: Path, handoffs: int) -> Path:
    """A team workbook as `bench_rollup.py` makes them: `handoffs` x 24 months of Health."""
    from benchmarks.bench_rollup import team_tabs
    from tests.conftest import _seed_workbook

    path = folder / "team.xlsx"
    _seed_workbook(path, team_tabs(handoffs, seed=7))
    return path


def in_process(path: Path, repeat: int) -> tuple[list[float], list[float], int]:
    """Wall and CPU seconds of check + figures per run (the workbook read once, before the
    clock), and the Health rows. CPU time is this process's own, so other load on the machine
    moves it less than the wall time."""
    from handoffs.backends.xlsx_reader import read_tabs
    from handoffs.config import Config
    from handoffs.figures.sheet import check_sheet
    from handoffs.figures.team import team_figures
    from handoffs.model.periods import default_period
    from handoffs.model.schema import input_schemas

    config = Config()
    raw = read_tabs(path, [s.title for s in input_schemas().values()])
    times, cpu = [], []
    for _ in range(repeat + 1):  # the first run warms caches (regexes, schemas) and is dropped
        start, start_cpu = time.perf_counter(), time.process_time()
        sheet = check_sheet(raw, TODAY, config.scoring)
        period = default_period(sheet.dataset)
        team_figures(sheet.dataset, period, config, contract_errors=sheet.contract_errors).computed(
            *FIGURES
        )
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    assert not sheet.dataset.report.errors, "the benchmark team should be clean"
    return times[1:], cpu[1:], len(sheet.dataset["health"])


def as_command(
    path: Path, folder: Path, starts: int, before: Path | None = None
) -> tuple[list[float], list[float], list[float]]:
    """Wall seconds of `handoffs validate`, of the floor and (with `before`, the `scripts`
    folder of another checkout) of that checkout's `handoffs validate`, alternated, `starts`
    each."""
    config = folder / "team.toml"
    config.write_text(f'[sheet]\npath = "{path.name}"\n')
    import handoffs

    # as `pip install` leaves a package (and pandas beside it): its bytecode compiled once, so
    # that no start compiles our modules again (PYTHONDONTWRITEBYTECODE would make each one)
    for package in (Path(handoffs.__file__).parent, before and before / "handoffs"):
        if package:
            compileall.compile_dir(package, quiet=1)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    ours = [sys.executable, "-m", "handoffs", "--today", TODAY.isoformat(), "--config",
            str(config), "validate"]  # fmt: skip
    floor = [sys.executable, "-c", _FLOOR, str(path)]
    validate_s: list[float] = []
    floor_s: list[float] = []
    before_s: list[float] = []
    runs = [(ours, validate_s, env), (floor, floor_s, env)]
    if before is not None:
        runs.append((ours, before_s, {**env, "PYTHONPATH": str(before.resolve())}))
    for _ in range(starts):
        for command, times, environment in runs:
            start = time.perf_counter()
            subprocess.run(command, env=environment, capture_output=True, check=True)
            times.append(time.perf_counter() - start)
    return validate_s, floor_s, before_s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--handoffs", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=20, help="in-process runs (median shown)")
    parser.add_argument("--starts", type=int, default=10, help="fresh processes per command")
    parser.add_argument("--before", type=Path, help="another checkout's scripts folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = workbook(folder, args.handoffs)
        times, cpu, rows = in_process(path, args.repeat)
        median = statistics.median(times)
        print(f"# One team: {args.handoffs} handoffs x 24 months = {rows} Health rows\n")
        print(f"check + figures in process: median {median * 1000:.1f} ms of {args.repeat} "
              f"(fastest {min(times) * 1000:.1f} ms, slowest {max(times) * 1000:.1f} ms); "
              f"CPU median {statistics.median(cpu) * 1000:.1f} ms")  # fmt: skip
        if args.starts:
            ours, floor, before = as_command(path, folder, args.starts, args.before)
            ours_m, floor_m = statistics.median(ours), statistics.median(floor)
            print(f"`handoffs validate`: median {ours_m:.2f} s of {args.starts} fresh starts; "
                  f"`import pandas` + calamine read of every tab: {floor_m:.2f} s; "
                  f"ratio {ours_m / floor_m:.2f}x")  # fmt: skip
            if before:
                before_m = statistics.median(before)
                print(f"`handoffs validate` of {args.before}: median {before_m:.2f} s; "
                      f"ratio {before_m / floor_m:.2f}x")  # fmt: skip
    print(f"\n{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at the end.")


if __name__ == "__main__":
    main()
