"""Docs that cannot rot: the README's two commands, CI, and the config example."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from handoffs.config import parse_config

ROOT = Path(__file__).resolve().parents[1]


def readme_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = re.search(r"```sh\n(.*?)```", readme, re.DOTALL)
    assert first_block and readme.index(first_block.group(0)) < 200, "commands must open the README"
    return first_block.group(1).strip().splitlines()


def test_readme_opens_with_the_demo_and_the_test_command() -> None:
    demo, tests = readme_commands()
    assert demo.endswith("handoffs demo")
    assert "pytest" in tests


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert readme_commands()[1] in ci.splitlines()


def test_config_example_sets_every_key_and_parses() -> None:
    example = ROOT / "config.example.toml"
    text = example.read_text(encoding="utf-8")
    uncommented = re.sub(r"(?m)^# ?([a-z_]+ = )", r"\1", text)
    config = parse_config(tomllib.loads(uncommented), example)
    assert config.sheet.backend == "xlsx"
    assert config.review.every_days == 91
    for section in ("sheet", "review", "scoring", "compression", "templates"):
        assert f"[{section}]" in text
