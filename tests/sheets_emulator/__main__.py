"""`python -m tests.sheets_emulator --port PORT`: print "127.0.0.1:PORT", serve until SIGINT/SIGTERM."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from types import FrameType

from .emulator import SheetsEmulator


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.sheets_emulator",
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
    args = parser.parse_args(argv)
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
        print(emulator.host, flush=True)
        stop.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
