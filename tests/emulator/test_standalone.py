"""`python -m tests.sheets_emulator` as a separate process, the way a developer or CI would run it."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.sheets_emulator.client import gspread_client

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_standalone_prints_the_bound_port_serves_and_stops_on_a_signal(
    stop_signal: signal.Signals,
) -> None:
    command = [sys.executable, "-m", "tests.sheets_emulator", "--port", "0", "--latency", "0"]
    with subprocess.Popen(
        command, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        assert process.stdout is not None
        host = process.stdout.readline().strip()
        try:
            match = re.fullmatch(r"127\.0\.0\.1:(\d+)", host)
            assert match is not None and int(match.group(1)) > 0, host
            client = gspread_client(host)
            try:
                created = client.http_client.request(
                    "post",
                    "https://sheets.googleapis.com/v4/spreadsheets",
                    json={"properties": {"title": "Standalone"}},
                ).json()
            finally:
                client.http_client.session.close()
            assert created["properties"]["title"] == "Standalone"
            assert [sheet["properties"]["title"] for sheet in created["sheets"]] == ["Sheet1"]
        finally:
            process.send_signal(stop_signal)
            _, errors = process.communicate(timeout=10)
    assert process.returncode == 0, errors
