"""The emulator as a server of its own, from any folder:

    python path/to/checkout/tests/sheets_emulator --port PORT [--config FILE]
    python -m tests.sheets_emulator --port PORT            (from the checkout's root)

prints "127.0.0.1:PORT", then the path of a handoffs config for a new empty spreadsheet in it
(FILE, or handoffs.toml in a new temporary folder, removed when it stops: never the working
folder), and serves until SIGINT/SIGTERM.
"""

from __future__ import annotations

import argparse
import shutil
import signal
import sys
import tempfile
import threading
from pathlib import Path
from types import FrameType

if __package__:  # python -m tests.sheets_emulator
    from .emulator import SheetsEmulator
else:  # python path/to/tests/sheets_emulator: the checkout's root is two folders up
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from tests.sheets_emulator.emulator import SheetsEmulator


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python tests/sheets_emulator",
        description="Serve an in-memory Google Sheets API v4 on 127.0.0.1 (point SHEETS_EMULATOR_HOST at it).",
    )
    parser.add_argument(
        "--port", type=int, default=0, help="port to listen on; 0 picks a free one (default)"
    )
    parser.add_argument(
        "--latency", type=float, default=0.0, help="seconds added to every request (default 0)"
    )
    parser.add_argument(
        "--read-quota",
        type=int,
        default=None,
        help="refuse reads beyond this many per window with Google's 429 (default: no quota)",
    )
    parser.add_argument(
        "--quota-window", type=float, default=60.0, help="the quota window in seconds (default 60)"
    )
    parser.add_argument(
        "--config",
        type=Path,
        default=None,
        help="write a handoffs config for a new spreadsheet here "
        "(default: handoffs.toml in a new temporary folder); an existing file is never replaced",
    )
    args = parser.parse_args(argv)
    config = args.config or Path(tempfile.mkdtemp(prefix="handoffs-emulator-")) / "handoffs.toml"
    if config.exists():
        parser.error(f"{config} exists; give --config a new file")
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    with SheetsEmulator(
        args.port,
        latency=args.latency,
        read_quota=args.read_quota,
        quota_window=args.quota_window,
    ) as emulator:
        key = emulator.create_spreadsheet(title="Team handoffs")
        config.parent.mkdir(parents=True, exist_ok=True)
        config.write_text(
            f'[sheet]\nbackend = "gsheets"\nspreadsheet = "{key}"\n', encoding="utf-8"
        )
        print(emulator.host, config.resolve(), sep="\n", flush=True)
        stop.wait()
    if args.config is None:  # its spreadsheet lived in memory: the config means nothing now
        shutil.rmtree(config.parent, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
