"""Every text the tool generates says "1 flag", never "1 flags": counted nouns go through
`model.words.counted` (docs/architecture.md#the-folders). A sweep of the terminal output of each
command, every generated tab, the review-prep Markdown and the notices, for the sample team and
for a team with exactly one of everything, and the organisation tabs of a roll-up of both.

The only allowed hits are a count of one followed by a verb ("row 1 has"), taken out first."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook

from handoffs.cli import cli as main_cli
from tests.conftest import TODAY, write_workbook
from tests.support.builders import contract, flag, grids, handoff, health, member, review
from tests.support.rollup_helpers import TEAMS_HEADER

ONE_COUNTED_AS_MANY = re.compile(
    r"\b1 \w+s\b"  # "1 flags"
    r"|\b1 (active|open|new|more|data|personal|Health|Sheets read) \w+s\b"  # "1 open flags"
    r"|\ball 1\b"  # "all 1 active handoffs"
    r"|\brows \d+\)"  # "(Flags rows 2)": one row
    r"|\bat not yet\b"  # "Teams at not yet Developing"
)
# "1 has", "row 1 is": a count of one followed by a verb, not a noun (the only allowed hits).
# The first pattern is the rule; the others catch what it cannot see ("1 open flags").
VERBS = re.compile(r"\b1 (has|is|was|does|passes|carries|needs)\b")
NOTIFY = (
    '\n[notify]\nteam = ["json://127.0.0.1:9/hook"]\n'
    'email = "mailto://bot:pw@127.0.0.1:9?from=handoffs@example.org"\n'
)


def one_of_everything(folder: Path) -> Path:
    """A team with one of each thing a text counts: one active handoff (a role-compression
    candidate whose contract is overdue), one month of Health data a month, one flag (reviewed),
    one review action (due), one new member not yet onboarded, one error and one warning."""
    folder.mkdir()
    tabs = grids(
        handoffs=[handoff("RPT-01", split_reason="historical", decision_note=None)],
        contracts=[contract("RPT-01", last_reviewed=dt.date(2026, 5, 2), owner="Ana Lima")],
        health=[health(month, "RPT-01", 9) for month in ("2026-08", "2026-09", "2026-10")]
        + [health("2026-11", "RPT-01", 0, rework_requests=-2)],
        flags=[flag("RPT-01", "Ana Lima", dt.datetime(2026, 11, 20, 9), status="done",
                    reviewed_on=dt.date(2026, 11, 21))],
        reviews=[review("2026-Q3", "RPT-01", status="planned", owner="Ana Lima",
                        deadline=dt.date(2026, 11, 30))],
        team=[member("Ana Lima", "Analyst", joined=dt.date(2026, 10, 1),
                     email="ana.lima@example.org")],
    )  # fmt: skip
    tabs["Team"][0].append("Joined")  # a column that appears twice: the one warning
    write_workbook(folder / "handoffs.xlsx", tabs)
    config = folder / "handoffs.toml"
    config.write_text('[sheet]\nbackend = "xlsx"\npath = "handoffs.xlsx"\n' + NOTIFY)
    return config


def cli(*args: str, config: Path | None = None) -> str:
    """What a command printed (stdout and stderr), whatever its exit code."""
    options = ["--today", TODAY.isoformat(), *(["--config", str(config)] if config else [])]
    result = CliRunner().invoke(main_cli, [*options, *args], catch_exceptions=False)
    assert result.exit_code in (0, 1, 5), result.output
    return result.output


def demo_team(folder: Path) -> tuple[Path, str]:
    """The sample team `handoffs demo` builds, and the tour it printed."""
    folder.mkdir()
    cwd = Path.cwd()
    os.chdir(folder)
    try:
        tour = cli("demo")
    finally:
        os.chdir(cwd)
    config = folder / "handoffs-demo.toml"
    config.write_text(config.read_text() + NOTIFY)
    return config, tour


def team_texts(config: Path) -> Iterator[tuple[str, str]]:
    """(where, text) for every command's output on one team and every tab it generates."""
    note = config.parent / "note.md"
    note.write_text(cli("template", "--handoff", "RPT-01", config=config))
    yield "check", cli("check", str(note), "--handoff", "RPT-01", config=config)
    yield "init", cli("init", config=config)
    yield "validate", cli("validate", config=config)
    yield "refresh", cli("refresh", "--force", config=config)
    yield "refresh --dry-run", cli("refresh", "--dry-run", "--force", config=config)
    yield "review-prep monthly", cli("review-prep", config=config)
    yield "review-prep quarterly", cli("review-prep", "--quarterly", config=config)
    yield "review-prep Q4", cli("review-prep", "--quarter", "2026-Q4", "--no-write", config=config)
    yield "notify --dry-run", cli("notify", "--dry-run", config=config)
    yield "onboard", cli("onboard", "--role", "Analyst", config=config)
    yield "flag", cli("flag", "--handoff", "RPT-01", "--what", "late", config=config)
    yield from tab_texts(config)


def workbook_of(config: Path) -> Path:
    demo = config.parent / "handoffs-demo.xlsx"
    return demo if demo.exists() else config.parent / "handoffs.xlsx"


def tab_texts(config: Path) -> Iterator[tuple[str, str]]:
    path = workbook_of(config)
    for sheet in load_workbook(path).worksheets:
        for row in sheet.iter_rows(values_only=True):
            yield f"{path.name} {sheet.title}", " | ".join(str(v) for v in row if v is not None)


def org_texts(folder: Path, *teams: Path) -> Iterator[tuple[str, str]]:
    """The roll-up of these teams: its terminal output and the organisation's tabs."""
    folder.mkdir()
    rows = [
        [f"Team {i + 1}", str(workbook_of(team)), "Ana Lima", "active"]
        for i, team in enumerate(teams)
    ]
    write_workbook(folder / "handoffs.xlsx", {"Teams": [TEAMS_HEADER, *rows]})
    config = folder / "org.toml"
    config.write_text(
        '[sheet]\nbackend = "xlsx"\npath = "handoffs.xlsx"\n[rollup]\nconcurrency = 1\n'
    )
    yield "rollup", cli("rollup", config=config)
    yield from tab_texts(config)


def hits(texts: Iterable[tuple[str, str]]) -> list[str]:
    found = []
    for where, text in texts:
        for line in text.splitlines():
            for match in ONE_COUNTED_AS_MANY.finditer(VERBS.sub("", line)):
                found.append(f"{where}: {match.group()!r} in {line.strip()[:160]!r}")
    return found


def test_no_generated_text_counts_one_thing_in_the_plural(tmp_path: Path) -> None:
    demo, tour = demo_team(tmp_path / "demo")
    one = one_of_everything(tmp_path / "one")
    texts: list[tuple[str, str]] = [("demo tour", tour)]
    for name, config in (("demo", demo), ("one", one)):
        texts += [(f"{name} {where}", text) for where, text in team_texts(config)]
    texts += org_texts(tmp_path / "org", one)
    texts += [(f"two teams {w}", t) for w, t in org_texts(tmp_path / "org2", one, demo)]
    assert hits(texts) == []
