"""Benchmark: `handoffs rollup` over many team spreadsheets, side by side in one run.

Teams of realistic size: 10-60 handoffs each (the demo team's handoffs copied), 24 months of
Health per handoff, the demo's contracts, flags, reviews and team (fixed seed).

* **Google Sheets** (the emulator, `--latency` added to every request, Google's per-user read
  quota enforced by the emulator, 60 a minute unless lifted): the roll-up at the default quota
  and concurrency (requests, the largest count in any 60-second window, wall time and its ratio
  to the floor the quota allows), then with the quota lifted at several concurrencies;
* **straightforward**: the same teams read the way most scripts do (gspread `open_by_key`, then
  `worksheet(title).get_all_values()` per tab, one team after the other), quota lifted, on the
  first `--naive-teams` teams (the same validation and figures): requests and wall time;
* **local**: the same teams as .xlsx workbooks in a folder, `rollup` as a command, read in
  parallel (default concurrency) and one by one (concurrency 1): wall time and peak memory of
  the whole process tree (sampled from /proc every 20 ms), each against the time a fresh
  Python process takes to read every tab of every workbook with python-calamine and nothing
  else (the floor: `--only-local` runs just this side by side).

    PYTHONPATH=scripts:. python benchmarks/bench_rollup.py                # 300 teams, ~15 min
    PYTHONPATH=scripts:. python benchmarks/bench_rollup.py --teams 40 --skip-quota
    PYTHONPATH=scripts:. python benchmarks/bench_rollup.py --only-local      # 300 local teams
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # `tests.sheets_emulator`

TODAY = dt.date(2026, 11, 25)
MONTHS = 24
TEMPLATES = 24  # distinct team layouts; teams reuse them round-robin (sizes 10-60 handoffs)


def team_tabs(handoffs: int, seed: int) -> dict[str, list[list[Any]]]:
    """One team's input tabs as people type them (text, numbers, ISO dates)."""
    from handoffs.app.sample_team import demo_rows
    from handoffs.model.schema import input_schemas

    rng = random.Random(seed)
    demo = demo_rows(TODAY)
    schemas = input_schemas()
    rows: dict[str, list[list[Any]]] = {name: [list(r) for r in demo[name]] for name in schemas}
    base = demo["handoffs"]
    extra, contracts, health = [], [], []
    for n in range(len(base), handoffs):
        row = list(base[n % len(base)])
        row[0] = f"{row[0]}-{n}"
        extra.append(row)
        source = next((c for c in demo["contracts"] if c[0] == base[n % len(base)][0]), None)
        if source is not None:
            contracts.append([row[0], *source[1:]])
    rows["handoffs"] = [list(r) for r in base][:handoffs] + extra
    rows["contracts"] = rows["contracts"] + contracts
    for back in range(MONTHS, 0, -1):
        year, month = divmod(TODAY.year * 12 + TODAY.month - 1 - back, 12)
        for row in rows["handoffs"]:
            rework = rng.randrange(6)
            health.append(
                [f"{year}-{month + 1:02d}", row[0], rework, rework * 10, rng.randrange(3), None]
            )
    rows["health"] = health

    def typed(value: Any) -> Any:
        if isinstance(value, dt.datetime):
            return value.strftime("%Y-%m-%d %H:%M")
        if isinstance(value, dt.date):
            return value.isoformat()
        return value

    return {
        schemas[name].title: [
            list(schemas[name].header),
            *([typed(v) for v in r] for r in rows[name]),
        ]
        for name in schemas
    }


def templates() -> list[dict[str, list[list[Any]]]]:
    rng = random.Random(20261125)
    return [team_tabs(rng.randint(10, 60), seed) for seed in range(TEMPLATES)]


def org_config(folder: Path, sheet: str, **rollup: Any) -> Path:
    path = folder / f"org-{time.monotonic_ns()}.toml"
    keys = "".join(f"{key} = {value}\n" for key, value in rollup.items())
    path.write_text(f"{sheet}retry_seconds = 120.0\n[rollup]\n{keys}")
    return path


def google_rollup(
    emulator: Any, org: str, folder: Path, window: float = 60.0, **rollup: Any
) -> dict[str, Any]:
    from handoffs.app.rollup import rollup as run_rollup
    from handoffs.config import load_config

    config = org_config(folder, f'[sheet]\nbackend = "gsheets"\nspreadsheet = "{org}"\n', **rollup)
    emulator.clear_log()
    start = time.perf_counter()
    outcome = run_rollup(load_config(str(config)), TODAY, window=window)
    wall = time.perf_counter() - start
    log = emulator.requests
    assert not emulator.crashes
    return {
        "wall": wall,
        "requests": len(log),
        "reads": sum(r.method == "GET" for r in log),
        "429": sum(r.status == 429 for r in log),
        "busiest": emulator.busiest_window(60.0),
        "ok": sum(r.failure is None for r in outcome.results),
    }


def straightforward(emulator: Any, keys: list[str]) -> dict[str, Any]:
    """Each team's tabs the way most scripts read them, then the same validation and figures."""
    from handoffs.config import Config
    from handoffs.model.periods import Period
    from handoffs.model.schema import input_schemas
    from handoffs.model.spreadsheet import RawTab
    from handoffs.rollup.team_results import roll_team
    from handoffs.rollup.teams_tab import GOOGLE, TeamSource
    from tests.sheets_emulator.client import gspread_client

    client = gspread_client(emulator.host)
    emulator.clear_log()
    start = time.perf_counter()
    for index, key in enumerate(keys):
        book = client.open_by_key(key)
        raw = {}
        for schema in input_schemas().values():
            raw[schema.title] = RawTab(schema.title, book.worksheet(schema.title).get_all_values())
        source = TeamSource(index + 2, f"Team {index}", None, GOOGLE, key)
        roll_team(source, raw, None, TODAY, Config(), Period.parse("2026-10"))
    wall = time.perf_counter() - start
    return {"wall": wall, "requests": len(emulator.requests), "teams": len(keys)}


def process_tree_rss(pid: int) -> int:
    """Resident bytes of a process and all its descendants, from /proc."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    stack += [int(c) for c in children.read().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


def local_rollup(config: Path) -> dict[str, Any]:
    """`handoffs rollup --quiet` as a command: wall time and peak memory of its process tree."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    command = [sys.executable, "-m", "handoffs", "--today", TODAY.isoformat(), "--config",
               str(config), "rollup", "--quiet"]  # fmt: skip
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = [0]

    def sample() -> None:
        while process.poll() is None:
            peak[0] = max(peak[0], process_tree_rss(process.pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    _, err = process.communicate()
    wall = time.perf_counter() - start
    sampler.join()
    assert process.returncode == 0, err.decode()
    return {"wall": wall, "peak_mb": peak[0] / 2**20}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teams", type=int, default=300)
    parser.add_argument("--latency", type=float, default=0.2, help="seconds added per request")
    parser.add_argument("--naive-teams", type=int, default=30)
    parser.add_argument(
        "--concurrency", type=int, action="append", help="quota lifted (repeatable)"
    )
    parser.add_argument("--skip-quota", action="store_true", help="skip the run at the quota")
    parser.add_argument(
        "--only-quota", action="store_true", help="only the Google Sheets run at the quota"
    )
    parser.add_argument("--only-local", action="store_true", help="only the local workbooks")
    args = parser.parse_args()
    from handoffs.app.rollup import rollup  # noqa: F401  (imports before any clock starts)
    from tests.sheets_emulator import SheetsEmulator

    layouts = templates()
    sizes = [len(t["Handoffs"]) - 1 for t in layouts]
    print(f"# Roll-up of {args.teams} teams ({min(sizes)}-{max(sizes)} handoffs, {MONTHS} months "
          f"of Health each), {args.latency * 1000:.0f} ms added to every Sheets request\n")  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp, SheetsEmulator() as emulator:
        folder = Path(tmp)
        os.environ["SHEETS_EMULATOR_HOST"] = emulator.host
        keys = [
            emulator.create_spreadsheet(f"Team {i}", layouts[i % TEMPLATES])
            for i in range(args.teams)
        ]
        header = ["Team", "Spreadsheet", "Lead", "Status"]
        teams = [[f"Team {i}", key, f"Lead {i}", "active"] for i, key in enumerate(keys)]
        org = emulator.create_spreadsheet("Org", {"Teams": [header, *teams]})
        emulator.latency = args.latency
        if args.only_local:
            local(args.teams, layouts, folder, header)
            return
        print("| Google Sheets run | concurrency | requests | reads | largest 60-s window "
              "| 429s | teams ok | wall s | vs floor |")  # fmt: skip
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        if not args.skip_quota:
            emulator.read_quota = 60
            r = google_rollup(emulator, org, folder)
            floor = 60.0 * ((r["reads"] - 1) // 60)
            print(f"| default quota (60 reads/min) | 8 | {r['requests']} | {r['reads']} | "
                  f"{r['busiest']} | {r['429']} | {r['ok']} | {r['wall']:.1f} | "
                  f"{r['wall'] / floor:.2f}× of {floor:.0f} s |", flush=True)  # fmt: skip
        if args.only_quota:
            return
        emulator.read_quota = None
        for concurrency in args.concurrency or [1, 8, 32]:
            r = google_rollup(
                emulator, org, folder, concurrency=concurrency, reads_per_minute=100000
            )
            print(f"| quota lifted | {concurrency} | {r['requests']} | {r['reads']} | "
                  f"{r['busiest']} | {r['429']} | {r['ok']} | {r['wall']:.1f} | |", flush=True)  # fmt: skip
        naive = straightforward(emulator, keys[: args.naive_teams])
        per_team = naive["requests"] / naive["teams"]
        print(f"\nStraightforward (gspread open_by_key + worksheet().get_all_values() per tab, one "
              f"team after the other, quota lifted), {naive['teams']} teams: {naive['requests']} "
              f"requests ({per_team:.1f} per team), {naive['wall']:.1f} s "
              f"({naive['wall'] / naive['teams']:.2f} s per team).", flush=True)  # fmt: skip
        emulator.latency = 0.0
        local(args.teams, layouts, folder, header)


def local(count: int, layouts: list[dict[str, Any]], folder: Path, header: list[str]) -> None:
    """The same teams as workbooks in a folder: `rollup` in parallel and one by one."""
    from tests.conftest import _seed_workbook

    teams_dir = folder / "teams"
    teams_dir.mkdir()
    for i in range(TEMPLATES):
        _seed_workbook(teams_dir / f"template-{i}.xlsx", layouts[i])
    rows = []
    for i in range(count):
        path = teams_dir / f"team-{i:03d}.xlsx"
        path.write_bytes((teams_dir / f"template-{i % TEMPLATES}.xlsx").read_bytes())
        rows.append([f"Team {i}", f"teams/{path.name}", f"Lead {i}", "active"])
    for i in range(TEMPLATES):
        (teams_dir / f"template-{i}.xlsx").unlink()
    _seed_workbook(folder / "org.xlsx", {"Teams": [header, *rows]})
    print("\n| Local workbooks | wall s | peak memory MB | × the calamine read |")
    print("|---|---:|---:|---:|")
    read = calamine_read(teams_dir)
    print(f"| python-calamine reads every tab of the {count} workbooks (one process) | "
          f"{read:.1f} | | 1.0 |", flush=True)  # fmt: skip
    for label, concurrency in (("`rollup`, parallel (default)", 8), ("`rollup`, one by one", 1)):
        config = folder / f"local-{concurrency}.toml"
        config.write_text(f'[sheet]\npath = "org.xlsx"\n[rollup]\nconcurrency = {concurrency}\n')
        r = local_rollup(config)
        print(f"| {label} | {r['wall']:.1f} | {r['peak_mb']:.0f} | {r['wall'] / read:.1f} |",
              flush=True)  # fmt: skip
    print(f"\n{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at the end.")


_READ_ALL = """
import sys
from pathlib import Path
from python_calamine import CalamineWorkbook
for path in sorted(Path(sys.argv[1]).glob("*.xlsx")):
    book = CalamineWorkbook.from_path(str(path))
    for name in book.sheet_names:
        book.get_sheet_by_name(name).to_python()
"""


def calamine_read(folder: Path) -> float:
    """Wall seconds of a fresh Python process that reads every tab of every workbook in
    `folder` with python-calamine and nothing else: the floor of a local roll-up."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", _READ_ALL, str(folder)], check=True)
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
