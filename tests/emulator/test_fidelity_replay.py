"""Replay real Google Sheets traffic (gspread's recorded cassettes) and compare the emulator's answers.

Each cassette holds one gspread test recorded twice against two throwaway spreadsheets. Every run
is replayed on its own: the emulator creates the spreadsheet where the recording's Drive call did,
then each Sheets API request is sent as recorded and the status and JSON body must equal Google's.

The only differences forgiven are values that differ between two honest runs against Google
itself, each named in NORMALISATIONS below; everything else is compared exactly.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.sheets_emulator import SheetsEmulator

CASSETTES = Path(__file__).resolve().parents[3] / "shared" / "reference" / "gspread-cassettes"
DRIVE = "https://www.googleapis.com/drive/"

NORMALISATIONS = {
    "spreadsheet id": "Google names each new spreadsheet at random; the emulator's id replaces the "
    "recorded one wherever it appears (URLs, spreadsheetId, spreadsheetUrl).",
    "sheetId / protectedRangeId / chartId": "Google picks these at random; the first time a recorded "
    "id meets the emulator's at the same place in a reply they are paired, and every later request "
    "and reply uses the pair (so a wrong id later on still fails).",
    "the recording account": "a protected range lists the caller among its editors; the recording used "
    "gspread's service account, the emulator calls its caller `SheetsEmulator.account_email`.",
}
VOLATILE_IDS = ("sheetId", "protectedRangeId", "chartId")
SERVICE_ACCOUNT = re.compile(r"^[^@\s]+@[\w-]+\.iam\.gserviceaccount\.com$")


@dataclass
class Run:
    """One recording of a cassette's test: the spreadsheet it created and its Sheets API calls."""

    title: str
    recorded_id: str
    interactions: list[dict[str, Any]] = field(default_factory=list)


def load_runs(path: Path) -> list[Run]:
    runs: list[Run] = []
    for interaction in json.loads(path.read_text(encoding="utf-8"))["interactions"]:
        request = interaction["request"]
        if not request["uri"].startswith(DRIVE):
            runs[-1].interactions.append(interaction)
        elif request["method"] == "POST":
            created = json.loads(interaction["response"]["body"]["string"])
            runs.append(Run(json.loads(request["body"])["name"], created["id"]))
    return runs


def require_cassettes() -> None:
    """Outside CI the cassettes may be absent (they live in shared/, beside the clone): skip.
    CI sets HANDOFFS_REQUIRE_CASSETTES (.ci/run), so there the fidelity check can never
    quietly vanish."""
    if CASSETTES.is_dir():
        return
    reason = (
        f"the recorded cassettes are not at {CASSETTES} (shared/ must sit beside the repository)"
    )
    if os.environ.get("HANDOFFS_REQUIRE_CASSETTES"):
        pytest.fail(reason)
    pytest.skip(reason)


def replay_params() -> list[Any]:
    if not CASSETTES.is_dir():
        return [pytest.param(None, None, id="no-cassettes")]
    return [
        pytest.param(path, index, id=f"{path.stem}[run {index + 1}]")
        for path in sorted(CASSETTES.glob("*.json"))
        for index in range(len(load_runs(path)))
    ]


class Replay:
    """Sends recorded requests to the emulator and turns recorded replies into what it should say."""

    def __init__(self, emulator: SheetsEmulator, session: requests.Session, run: Run) -> None:
        self.emulator, self.session, self.run = emulator, session, run
        self.spreadsheet_id = emulator.create_spreadsheet(run.title)
        self.ids: dict[Any, Any] = {0: 0}

    def send(self, recorded: dict[str, Any]) -> requests.Response:
        body = recorded["body"]
        if body is not None:
            body = json.dumps(self._translate(json.loads(body)))
        headers = (
            {"Content-Type": recorded["headers"]["Content-Type"][0]} if body is not None else {}
        )
        url = recorded["uri"].replace(self.run.recorded_id, self.spreadsheet_id)
        return self.session.request(recorded["method"], url, data=body, headers=headers)

    def learn(self, recorded: Any, actual: Any) -> None:
        """Pair the random ids of Google's reply with the emulator's, where both stand side by side."""
        if isinstance(recorded, dict) and isinstance(actual, dict):
            for key, value in recorded.items():
                if key in VOLATILE_IDS and key in actual:
                    self.ids.setdefault(value, actual[key])
                elif key in actual:
                    self.learn(value, actual[key])
        elif isinstance(recorded, list) and isinstance(actual, list):
            for recorded_item, actual_item in zip(recorded, actual, strict=False):
                self.learn(recorded_item, actual_item)

    def _translate(self, value: Any, key: str = "") -> Any:
        if isinstance(value, dict):
            return {
                k: (self.ids.get(v, v) if k in VOLATILE_IDS else self._translate(v, k))
                for k, v in value.items()
            }
        if isinstance(value, list):
            return [self._translate(item, key) for item in value]
        if isinstance(value, str) and key == "users" and SERVICE_ACCOUNT.match(value):
            return self.emulator.account_email
        if isinstance(value, str):
            return value.replace(self.run.recorded_id, self.spreadsheet_id)
        return value

    def expected(self, recorded_reply: Any, actual_reply: Any) -> Any:
        self.learn(recorded_reply, actual_reply)
        return self._translate(recorded_reply)


@pytest.mark.parametrize(("path", "index"), replay_params())
def test_emulator_answers_like_the_recording(
    emulator: SheetsEmulator, session: requests.Session, path: Path, index: int
) -> None:
    require_cassettes()
    run = load_runs(path)[index]
    replay = Replay(emulator, session, run)
    for number, interaction in enumerate(run.interactions):
        recorded = interaction["response"]
        response = replay.send(interaction["request"])
        where = f"{path.name} run {index + 1}, Sheets call {number + 1}: {interaction['request']['method']} {interaction['request']['uri']}"
        assert response.status_code == recorded["status"]["code"], f"{where}\n{response.text}"
        assert response.headers["Content-Type"] == "application/json; charset=UTF-8", where
        recorded_reply = json.loads(recorded["body"]["string"])
        actual_reply = response.json()
        assert actual_reply == replay.expected(recorded_reply, actual_reply), where


def test_every_cassette_run_is_replayed() -> None:
    """Guard against a silent shrink of the replay: 12 cassettes, 19 recorded runs."""
    require_cassettes()
    assert len(sorted(CASSETTES.glob("*.json"))) == 12
    assert sum(len(load_runs(path)) for path in CASSETTES.glob("*.json")) == 19
