"""Shell completion (README, "Shell completion"): click's own mechanism, driven the way bash, zsh
and fish drive it, through the `_HANDOFFS_COMPLETE` variable of the real `handoffs` program."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests import ROOT


def completion(shell_mode: str, words: str, cword: str) -> str:
    """What `handoffs` answers a shell asking for completions (or for its script)."""
    env = {**os.environ, "_HANDOFFS_COMPLETE": shell_mode, "COMP_WORDS": words, "COMP_CWORD": cword}
    result = subprocess.run(
        [sys.executable, "-m", "handoffs"], env=env, capture_output=True, text=True, check=True
    )
    assert result.stderr == ""
    return result.stdout


@pytest.mark.parametrize(
    ("shell", "start"),
    [
        ("bash", "_handoffs_completion() {"),
        ("zsh", "#compdef handoffs"),
        ("fish", "function _handoffs_completion;"),
    ],
)
def test_each_shell_gets_a_script_to_source(shell: str, start: str) -> None:
    script = completion(f"{shell}_source", "", "")
    assert script.lstrip().startswith(start)
    assert "_HANDOFFS_COMPLETE" in script


def test_bash_completes_a_command_from_its_first_letters() -> None:
    assert completion("bash_complete", "handoffs rev", "1").splitlines() == ["plain,review-prep"]
    commands = completion("bash_complete", "handoffs ", "1").splitlines()
    assert {"plain,doctor", "plain,validate", "plain,refresh", "plain,rollup"} <= set(commands)


def test_bash_completes_a_commands_options_and_their_choices() -> None:
    assert completion("bash_complete", "handoffs refresh --dr", "2") == "plain,--dry-run\n"
    choices = completion("bash_complete", "handoffs validate --format ", "3").splitlines()
    assert choices == ["plain,text", "plain,json"]


def test_zsh_and_fish_complete_with_each_commands_help() -> None:
    assert completion("zsh_complete", "handoffs rev", "1").splitlines()[:2] == [
        "plain",
        "review-prep",
    ]
    fish = completion("fish_complete", "handoffs rev", "rev")
    assert fish.startswith("plain,review-prep\tPrepare the monthly alignment check")


def test_the_readme_shows_the_line_for_each_shell() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for shell in ("bash", "zsh", "fish"):
        assert f"_HANDOFFS_COMPLETE={shell}_source handoffs" in readme
