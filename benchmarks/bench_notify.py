"""Benchmark: notices (docs/notices.md) against real local servers.

* **requests**: `refresh --notify` on Google Sheets (the emulator) with the sample team's Health
  tab scaled to N rows: the HTTP requests made to the Sheets API (the rule: at most 4).
* **notify time**: `notify` with 3 team channels (json:// webhooks on a local HTTP server) and
  50 personal notices (e-mails to a local SMTP server): wall seconds of the whole use case
  (read the workbook, work out what is new, send 53 messages, write the Notices tab), the
  median of fresh runs on a fresh copy of the workbook.

    PYTHONPATH=scripts python benchmarks/bench_notify.py
    PYTHONPATH=scripts python benchmarks/bench_notify.py --rows 10000 --people 50 --runs 5
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # `tests.*`, `benchmarks.*`

from benchmarks.bench_api import NOW, TODAY, scaled_demo, seed


def refresh_notify_requests(rows: int, folder: Path) -> tuple[int, list[str], int]:
    """Requests of one `refresh --notify` on the emulator, and the messages the webhook got."""
    from handoffs.app.refresh import refresh
    from handoffs.config import load_config
    from tests.sheets_emulator import SheetsEmulator
    from tests.support.notify_servers import running_webhook

    with SheetsEmulator() as emulator, running_webhook() as hook:
        key = seed(emulator, scaled_demo(rows))
        config = folder / "gsheets.toml"
        config.write_text(
            f'[sheet]\nbackend = "gsheets"\nspreadsheet = "{key}"\n'
            f'[notify]\nteam = ["{hook.url()}"]\n'
        )
        os.environ["SHEETS_EMULATOR_HOST"] = emulator.host
        emulator.clear_log()
        refresh(load_config(str(config)), TODAY, now=NOW, notify=True)
        made = [r.method_id for r in emulator.requests]
        assert all(r.status == 200 for r in emulator.requests)
        return len(made), made, len(hook.posts)


def team_of(people: int) -> dict[str, list[list[Any]]]:
    """`people` members, each the owner of one handoff whose contract review is overdue."""
    handoffs = [["Handoff ID", "Workflow", "Step", "From role", "To role", "Artifact", "Status"]]
    contracts = [["Handoff ID", "Deliverable contains", "Format", "Sender includes",
                  "Receiver checks", "Contact if unclear", "Status", "Trial started",
                  "Last reviewed", "Owner"]]  # fmt: skip
    team = [["Person", "Role", "E-mail"]]
    for i in range(people):
        hid, person = f"H-{i:03d}", f"Person {i:03d}"
        handoffs.append([hid, "Report", i + 1, "Analyst", "Writer", "draft", "active"])
        contracts.append([hid, "d", "f", "s", "r", "c", "active", None, dt.date(2026, 5, 1),
                          person])  # fmt: skip
        team.append([person, "Analyst", f"person{i:03d}@example.org"])
    health = [["Month", "Handoff ID", "Rework requests", "Format translation (min)",
               "Delays (days)"]]  # fmt: skip
    return {"Handoffs": handoffs, "Contracts": contracts, "Health": health, "Team": team}


def notify_seconds(people: int, runs: int, folder: Path) -> tuple[float, list[float], int, int]:
    from handoffs.app.refresh import notify
    from handoffs.config import load_config
    from tests.conftest import write_workbook
    from tests.support.notify_servers import running_mail_server, running_webhook

    times = []
    with running_webhook() as hook, running_mail_server() as mail:
        for run in range(runs):
            book = write_workbook(folder / f"notify-{run}.xlsx", team_of(people))
            config = folder / f"notify-{run}.toml"
            urls = ", ".join(f'"{hook.url(path=f"/channel-{c}")}"' for c in range(3))
            config.write_text(
                f'[sheet]\npath = "{book.name}"\n[notify]\nteam = [{urls}]\n'
                f'email = "mailto://127.0.0.1:{mail.port}?from=handoffs@example.org"\n'
            )
            loaded = load_config(str(config))
            start = time.perf_counter()
            outcome = notify(loaded, TODAY, now=NOW)
            times.append(time.perf_counter() - start)
            assert not outcome.failed
        return statistics.median(times), times, len(hook.posts) // runs, len(mail.mails) // runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rows", type=int, default=10_000, help="Health rows for the request count"
    )
    parser.add_argument("--people", type=int, default=50, help="personal notices for the timing")
    parser.add_argument("--runs", type=int, default=5, help="fresh runs; the median is reported")
    args = parser.parse_args()
    import apprise  # noqa: F401  (imported before any clock starts, like pandas below)
    import pandas  # noqa: F401

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        count, made, posts = refresh_notify_requests(args.rows, folder)
        seconds, times, digests, mails = notify_seconds(args.people, args.runs, folder)
    print("| measure | value |\n|---|---|")
    print(
        f"| `refresh --notify` requests at {args.rows:,} Health rows | {count} ({', '.join(made)}); "
        f"{posts} digest posted |"
    )
    print(
        f"| `notify`, 3 channels + {args.people} personal notices | {seconds:.2f} s median of "
        f"{args.runs} ({', '.join(f'{t:.2f}' for t in times)}); {digests} digests and {mails} "
        "e-mails per run |"
    )


if __name__ == "__main__":
    main()
