"""Fixtures: one emulator per test process, reset for each test, its replies held to the discovery doc."""

from __future__ import annotations

from collections.abc import Iterator

import gspread
import pytest
import requests

from tests.sheets_emulator import SheetsEmulator, check_response
from tests.sheets_emulator.client import emulator_session, gspread_client


def assert_replies_fit_discovery(emulator: SheetsEmulator) -> None:
    """Every successful JSON reply logged so far must fit its method's response schema."""
    for entry in emulator.requests:
        if entry.status == 200 and entry.method_id is not None:
            check_response(entry.method_id, entry.response)


@pytest.fixture(scope="session")
def running_emulator() -> Iterator[SheetsEmulator]:
    with SheetsEmulator() as emulator:
        yield emulator


@pytest.fixture
def emulator(running_emulator: SheetsEmulator) -> Iterator[SheetsEmulator]:
    """A clean emulator; afterwards its replies must fit the discovery doc and it must not have crashed."""
    running_emulator.reset()
    running_emulator.latency = 0.0
    yield running_emulator
    assert_replies_fit_discovery(running_emulator)
    assert running_emulator.crashes == []


@pytest.fixture
def session(emulator: SheetsEmulator) -> Iterator[requests.Session]:
    """A raw requests session aimed at https://sheets.googleapis.com/ and rerouted to the emulator."""
    with emulator_session(emulator.host) as raw:
        yield raw


@pytest.fixture
def gc(emulator: SheetsEmulator) -> Iterator[gspread.Client]:
    client = gspread_client(emulator.host)
    yield client
    client.http_client.session.close()
