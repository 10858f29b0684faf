"""Shared fixtures: a safe environment, a pinned date, a CLI runner and workbook builders."""

from __future__ import annotations

import datetime as dt
import functools
import socket
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from click.testing import CliRunner, Result

from handoffs.cli import cli
from tests import TESTS

TODAY = dt.date(2026, 11, 25)
_LOOPBACK = ("127.0.0.1", "::1", "localhost")
_SCRUBBED = (
    "HANDOFFS_CONFIG",
    "GOOGLE_APPLICATION_CREDENTIALS",
    "SHEETS_EMULATOR_HOST",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
    "NO_COLOR",
)


# -- the fast loop ---------------------------------------------------------------------------

# What `pytest -m "not slow"`, the fast loop, leaves out (docs/architecture.md#tests), measured
# with --durations=0: every test under these paths gets the `slow` mark and this reason.
SLOW = {
    TESTS / "e2e": "runs commands against a workbook, the emulator, mail servers, LibreOffice",
    TESTS / "emulator": "the Sheets emulator's own tests: servers and recorded cassettes",
    TESTS / "unit" / "checks" / "test_properties.py": (
        "hypothesis: each property validates many drawn sheets (nearly half the unit tests' time)"
    ),
}


def fast_loop(config: pytest.Config) -> bool:
    """Run as exactly `-m "not slow"` (any other selection is treated as a full run)."""
    return " ".join(config.getoption("markexpr", "").split()) == "not slow"


def pytest_configure(config: pytest.Config) -> None:
    if fast_loop(config):
        # No hypothesis test runs in the fast loop, yet its plugin imports hypothesis (about a
        # second, in every process) to end the run with its summary.
        config.pluginmanager.set_blocked("hypothesispytest")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        for path, reason in SLOW.items():
            if item.path == path or path in item.path.parents:
                item.add_marker(pytest.mark.slow(reason=reason))
    if getattr(config.option, "loadgroup", False):  # set on an xdist worker under loadgroup
        _honour_xdist_groups(items)


def _honour_xdist_groups(items: list[pytest.Item]) -> None:
    """Tests marked `xdist_group` run on one worker, so an expensive module fixture they share
    (LibreOffice converting workbooks) is built once. pytest-xdist groups by a `@group` suffix
    it adds to each node id, but under pytest 9 its assignment to `item._nodeid` no longer
    changes the id (kept in `item._id`), so every test was scheduled on its own: the suffix is
    added here when it is missing."""
    for item in items:
        groups = sorted({str(m.args[0] if m.args else m.kwargs.get("name", "default"))
                         for m in item.iter_markers("xdist_group")})  # fmt: skip
        suffix = f"@{'_'.join(groups)}"
        if groups and not item.nodeid.endswith(suffix) and hasattr(item, "_id"):
            item._id = type(item._id).parse(item.nodeid + suffix)


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """Under exactly `-m "not slow"`, the slow paths are not even imported: each xdist worker
    would spend about a second importing tests (and hypothesis) that it then deselects. Any
    other selection collects them and lets the mark decide."""
    return True if fast_loop(config) and collection_path in SLOW else None


@pytest.fixture(autouse=True)
def safe_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """No config, credentials or proxies leak in; HOME and cwd are the test's own folder;
    any connection beyond loopback fails loudly, and so does looking up any other host name
    (at once, as a resolver without the name answers: a real lookup here can wait out the
    resolver's 5 s timeout)."""
    for name in _SCRUBBED:
        monkeypatch.delenv(name, raising=False)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.chdir(tmp_path)
    real_connect = socket.socket.connect

    def loopback_only(self: socket.socket, address: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6) and address[0] not in _LOOPBACK:
            raise ConnectionRefusedError(f"tests may not reach {address[0]}: loopback only")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", loopback_only)
    real_getaddrinfo = socket.getaddrinfo

    def loopback_names_only(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else host
        if name is None or name in _LOOPBACK or _is_address(name):
            return real_getaddrinfo(host, *args, **kwargs)
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", loopback_names_only)
    yield


def _is_address(name: str) -> bool:
    """An IP address rather than a name: no lookup (`connect` decides)."""
    import ipaddress

    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


@pytest.fixture
def run(tmp_path: Path) -> Callable[..., Result]:
    """Invoke the CLI with --today pinned; shows all output when the exit code is unexpected."""

    def invoke(*args: str, expect: int = 0, config: Path | None = None) -> Result:
        options = ["--today", TODAY.isoformat()]
        if config is not None:
            options += ["--config", str(config)]
        result = CliRunner().invoke(cli, [*options, *args], catch_exceptions=False)
        assert result.exit_code == expect, (
            f"exit {result.exit_code}, expected {expect}\n"
            f"--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"
        )
        return result

    return invoke


def write_workbook(path: Path, tabs: Mapping[str, Sequence[Sequence[Any]]]) -> Path:
    """A workbook built directly with openpyxl, the way a person's file would be."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in tabs.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
    workbook.save(path)
    return path


@pytest.fixture
def demo_workbook(tmp_path: Path) -> Path:
    """The sample team as `handoffs init --demo` writes it, at ./handoffs.xlsx."""
    from handoffs.app.init import initialize
    from handoffs.config import Config, SheetConfig

    path = tmp_path / "handoffs.xlsx"
    initialize(Config(sheet=SheetConfig(path=path)), TODAY, demo=True)
    return path


# -- one suite, two backends ---------------------------------------------------------------------

BACKENDS = ("xlsx", "gsheets")
_EPOCH = dt.datetime(1899, 12, 30)


def serial_number(value: dt.date | dt.datetime) -> float:
    """Days since 1899-12-30, the way Sheets stores a date (for comparing backends)."""
    moment = value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())
    delta = moment.replace(tzinfo=None) - _EPOCH
    return delta.days + delta.seconds / 86400


def _comparable(value: Any) -> Any:
    """One cell as both backends can agree on it: dates as serials, numbers as floats, a link
    as its label (xlsx keeps the HYPERLINK formula unevaluated), blanks as None."""
    import re

    from handoffs.model.spreadsheet import FormulaWithoutValue

    if isinstance(value, FormulaWithoutValue):
        value = value.formula
    if isinstance(value, dt.date):
        return round(serial_number(value), 6)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return round(float(value), 9)
    if isinstance(value, str):
        link = re.fullmatch(r'=HYPERLINK\(.*, ?"((?:[^"]|"")*)"\)', value)  # its last argument
        return link.group(1).replace('""', '"') if link else (value or None)
    return value


def comparable_rows(rows: Sequence[Sequence[Any]]) -> list[list[Any]]:
    """Rows with comparable cells, trailing blank cells and rows dropped."""
    return trimmed_rows(rows, _comparable)


def trimmed_rows(rows: Sequence[Sequence[Any]], cell: Callable[[Any], Any]) -> list[list[Any]]:
    """Each value through `cell`, then trailing blank (None) cells and rows dropped."""
    out = []
    for row in rows:
        cells = [cell(value) for value in row]
        while cells and cells[-1] is None:
            cells.pop()
        out.append(cells)
    while out and not out[-1]:
        out.pop()
    return out


@functools.cache
def _demo_tabs() -> dict[str, list[list[Any]]]:
    from handoffs.app.sample_team import demo_rows
    from handoffs.model.schema import input_schemas

    rows = demo_rows(TODAY)
    return {s.title: [list(s.header), *rows[name]] for name, s in input_schemas().items()}


def demo_tabs() -> dict[str, list[list[Any]]]:
    """The sample team of `init --demo` as input tabs (header + rows), for `Spreadsheet.seed`."""
    return {title: [list(row) for row in rows] for title, rows in _demo_tabs().items()}


class Spreadsheet:
    """A spreadsheet in one backend, driven the way the CLI and a person would.

    * `kind`: "xlsx" or "gsheets"; `config`: a handoffs.toml pointing at it, for
      `run(..., config=sheet.config)`; `emulator`: the SheetsEmulator (gsheets only, else None),
      whose `requests` log starts empty after `seed`.
    * `seed({"Team": [["Person", "Role"], ["Ana", "Analyst"]]})`: the spreadsheet then holds
      exactly these tabs, each value stored as a person would have typed it as that type
      (str always text, even '=2+2' or '007'; int/float/bool; date/datetime as real dates).
    * `read("Summary", ...)`: title -> raw rows through the product backend's own `read`.
      `comparable("Summary", ...)`: the same rows normalised so both backends agree (dates as
      serial numbers, numbers as floats, links as their label, trailing blanks dropped).
    * `edit("Health", "C3", 7)`: a person changing one cell (not through handoffs).
    * `snapshot()`: the whole stored state, for "nothing changed" assertions.
    * `open(read_only=False)`: the product Backend for it, for stepping through a use case.
    """

    def __init__(self, kind: str, folder: Path, emulator: Any = None, retry: float = 0.3) -> None:
        self.kind, self.folder, self.emulator = kind, folder, emulator
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / "handoffs.xlsx"
        self.key = ""
        self.config = folder / "handoffs.toml"
        if kind == "xlsx":
            self.config.write_text('[sheet]\nbackend = "xlsx"\npath = "handoffs.xlsx"\n')
        else:
            self.key = emulator.create_spreadsheet(title="Team handoffs")
            self.config.write_text(
                '[sheet]\nbackend = "gsheets"\n'
                f'spreadsheet = "https://docs.google.com/spreadsheets/d/{self.key}/edit#gid=0"\n'
                f"retry_seconds = {retry}\n"
            )

    def open(self, read_only: bool = False) -> Any:
        from handoffs.backends import open_backend
        from handoffs.config import load_config

        return open_backend(load_config(str(self.config)), read_only=read_only)

    def seed(self, tabs: Mapping[str, Sequence[Sequence[Any]]]) -> None:
        if self.kind == "xlsx":
            _seed_workbook(self.path, tabs)
        else:
            _seed_google_sheet(self.emulator, self.key, tabs)
            self.emulator.clear_log()

    def read(self, *titles: str) -> dict[str, list[list[Any]]]:
        return {title: tab.rows for title, tab in self.open(read_only=True).read(titles).items()}

    def comparable(self, *titles: str) -> dict[str, list[list[Any]]]:
        return {title: comparable_rows(rows) for title, rows in self.read(*titles).items()}

    def edit(self, title: str, cell: str, value: Any) -> None:
        if self.kind == "xlsx":
            from openpyxl import load_workbook

            workbook = load_workbook(self.path)
            workbook[title][cell] = value
            workbook.save(self.path)
        else:
            target = "'" + title.replace("'", "''") + "'!" + cell
            _emulator_call(
                self.emulator,
                "PUT",
                f"{self.key}/values/{quote(target, safe='')}?valueInputOption=RAW",
                {"values": [[value]]},
            )

    def snapshot(self) -> Any:
        if self.kind == "xlsx":
            return self.path.read_bytes() if self.path.exists() else None
        return self.emulator.snapshot(self.key)


def _seed_workbook(path: Path, tabs: Mapping[str, Sequence[Sequence[Any]]]) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in tabs.items():
        sheet = workbook.create_sheet(title)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is None:
                    continue
                cell = sheet.cell(row=r, column=c, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # text stays text, as a person typing '=2+2 would get
    workbook.save(path)


def _seed_cell(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if isinstance(value, str):
        return {"userEnteredValue": {"stringValue": value}}
    if isinstance(value, bool):
        return {"userEnteredValue": {"boolValue": value}}
    if isinstance(value, int | float):
        return {"userEnteredValue": {"numberValue": value}}
    kind = "DATE_TIME" if isinstance(value, dt.datetime) else "DATE"
    return {
        "userEnteredValue": {"numberValue": serial_number(value)},
        "userEnteredFormat": {"numberFormat": {"type": kind, "pattern": "yyyy-mm-dd"}},
    }


def _seed_google_sheet(
    emulator: Any, key: str, tabs: Mapping[str, Sequence[Sequence[Any]]]
) -> None:
    """Replace every tab of the spreadsheet by `tabs`, through the API as another client would."""
    old = _emulator_call(emulator, "GET", key)["sheets"]
    # A spreadsheet must keep one tab: a placeholder stands in while the old tabs go.
    requests: list[dict[str, Any]] = [{"addSheet": {"properties": {"sheetId": 999, "title": "-"}}}]
    requests += [{"deleteSheet": {"sheetId": s["properties"].get("sheetId", 0)}} for s in old]
    for index, (title, rows) in enumerate(tabs.items()):
        sheet_id = 1000 + index
        width = max([len(row) for row in rows] + [26])
        grid = {"rowCount": max(1000, len(rows) + 1), "columnCount": width}
        requests.append(
            {
                "addSheet": {
                    "properties": {"sheetId": sheet_id, "title": title, "gridProperties": grid}
                }
            }
        )
        data = [{"values": [_seed_cell(value) for value in row]} for row in rows]
        start = {"sheetId": sheet_id, "rowIndex": 0, "columnIndex": 0}
        requests.append(
            {
                "updateCells": {
                    "start": start,
                    "rows": data,
                    "fields": "userEnteredValue,userEnteredFormat",
                }
            }
        )
    requests.append({"deleteSheet": {"sheetId": 999}})
    _emulator_call(emulator, "POST", f"{key}:batchUpdate", {"requests": requests})


def _emulator_call(emulator: Any, method: str, path: str, body: Any = None) -> Any:
    """A plain HTTP call to the emulator, as a person's other tools would make (not our client)."""
    import requests

    with requests.Session() as session:
        session.trust_env = False
        url = f"http://{emulator.host}/v4/spreadsheets/{path}"
        response = session.request(method, url, json=body, timeout=30)
    assert response.ok, response.text
    return response.json()


@pytest.fixture(scope="session")
def sheets_emulator_server() -> Iterator[Any]:
    """One emulator per test session (per xdist worker); tests use `emulator`, which resets it."""
    from tests.sheets_emulator import SheetsEmulator

    with SheetsEmulator() as server:
        yield server


@pytest.fixture
def emulator(sheets_emulator_server: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The emulator, emptied, with SHEETS_EMULATOR_HOST pointing at it for this test."""
    sheets_emulator_server.reset()
    sheets_emulator_server.latency = 0.0
    monkeypatch.setenv("SHEETS_EMULATOR_HOST", sheets_emulator_server.host)
    return sheets_emulator_server


@pytest.fixture
def make_spreadsheet(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Callable[[str], Spreadsheet]:
    """`make_spreadsheet("xlsx")` / `("gsheets")`: a fresh, empty Spreadsheet (see its doc);
    `retry`: a Google Sheet's `retry_seconds`, short by default."""
    count = iter(range(1000))

    def make(kind: str, retry: float = 0.3) -> Spreadsheet:
        emulator = request.getfixturevalue("emulator") if kind == "gsheets" else None
        return Spreadsheet(kind, tmp_path / f"{kind}-{next(count)}", emulator, retry)

    return make


@pytest.fixture(params=BACKENDS)
def backend(
    request: pytest.FixtureRequest, make_spreadsheet: Callable[[str], Spreadsheet]
) -> Spreadsheet:
    """The same test against a local workbook and a Google Sheet in the emulator.

    Yields an empty `Spreadsheet` (see its docstring): `backend.seed({...})` fills input tabs
    from Python rows, `run("refresh", config=backend.config)` points the CLI at it,
    `backend.read("Summary")` / `backend.comparable("Summary")` read tabs back through the
    backend itself, and `backend.emulator` (gsheets only) counts requests and injects faults.
    """
    return make_spreadsheet(request.param)
