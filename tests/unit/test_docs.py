"""Docs that cannot rot: the README's two commands, CI, and the config example."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from handoffs.config import parse_config
from tests import ROOT

ROOT = ROOT


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


SOURCES = sorted(
    [
        *(ROOT / "scripts").rglob("*.py"),
        *(ROOT / "tests").rglob("*.py"),
        *(ROOT / "benchmarks").glob("*.py"),
    ]
)


def test_code_points_to_the_repositorys_own_docs_not_outside_it() -> None:
    """A fresh clone must be able to follow every reference: rules live in docs/."""
    outside = re.compile(r"DESIGN(\.md)? ?§|STYLE(\.md)?|field[ -]notes")
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in SOURCES
        if path != Path(__file__).resolve()  # this test names the patterns it looks for
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if outside.search(line)
    ]
    assert offenders == []


def test_every_docs_reference_in_code_and_docs_resolves() -> None:
    """`docs/figures.md#rankings` in a docstring, or a link between docs pages, names a page
    that exists and a heading on it."""
    cited = re.compile(r"docs/([a-z_-]+\.md)(?:#([a-z0-9-]+))?")
    texts = [path.read_text(encoding="utf-8") for path in SOURCES]
    texts += [page.read_text(encoding="utf-8") for page in (ROOT / "docs").glob("*.md")]
    texts.append((ROOT / "README.md").read_text(encoding="utf-8"))
    linked = re.compile(r"\]\(([a-z_-]+\.md)(?:#([a-z0-9-]+))?\)")
    for page in (ROOT / "docs").glob("*.md"):
        for name, anchor in linked.findall(page.read_text(encoding="utf-8")):
            texts.append(f"docs/{name}" + (f"#{anchor}" if anchor else ""))
    for text in texts:
        for name, anchor in cited.findall(text):
            page = ROOT / "docs" / name
            assert page.is_file(), f"docs/{name} does not exist"
            if anchor:
                headings = re.findall(r"(?m)^#+ (.+)$", page.read_text(encoding="utf-8"))
                slugs = {re.sub(r"[^a-z0-9 -]", "", h.lower()).replace(" ", "-") for h in headings}
                assert anchor in slugs, f"docs/{name} has no heading #{anchor}"


PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").glob("*.md")])
# `scripts/handoffs/checks/cells.py`, `tests/e2e/` … anywhere; in the pages also a path inside
# the package, `checks/cells.py` or `figures/`, as docs/architecture.md writes them
REPO_PATH = re.compile(r"(?<![\w./-])((?:scripts/handoffs|tests)/[\w./-]*\w)")
PACKAGE_PATH = re.compile(
    r"`((?:model|checks|figures|documents|tabs|notices|rollup|backends|app|cli)/[\w./-]*)`"
)


def test_every_path_the_docs_name_exists() -> None:
    """A module or test file named in the README or docs/ (or a code comment) exists: a file
    moved or renamed must take its mentions along."""
    missing = []
    for path in [*PAGES, *SOURCES]:
        text = path.read_text(encoding="utf-8")
        named = [ROOT / found for found in REPO_PATH.findall(text)]
        if path in PAGES:
            named += [ROOT / "scripts" / "handoffs" / found for found in PACKAGE_PATH.findall(text)]
        missing += [
            f"{path.relative_to(ROOT)}: {target.relative_to(ROOT)}"
            for target in named
            if not target.exists()
        ]
    assert missing == []


# -- the README's tables against the CLI and the schemas ----------------------------------------


def readme_section(title: str) -> str:
    """The README's text from the heading `title` to the next heading of the same level."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    heading = re.search(rf"(?m)^(#+) {re.escape(title)}\n", readme)
    assert heading, f"README has no heading {title!r}"
    rest = readme[heading.end() :]
    following = re.search(rf"(?m)^{heading.group(1)} ", rest)
    return rest[: following.start()] if following else rest


def table_rows(text: str) -> list[list[str]]:
    """The cells of every Markdown table row in `text`, header and rule rows left out."""
    rows = [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in text.splitlines()
        if line.startswith("|") and not line.startswith("|---")
    ]
    return [row for row in rows if row[0] not in ("command", "tab", "spreadsheet")]


def test_the_readme_command_table_names_every_command_with_every_option() -> None:
    """Each command of the CLI has a row in README "Commands" naming each of its options, and
    every row is a real command."""
    import click

    from handoffs.cli import cli

    usages = [row[0] for row in table_rows(readme_section("Commands"))]
    named = {m for usage in usages for m in re.findall(r"`handoffs ([a-z-]+)", usage)}
    assert named == set(cli.commands)
    missing = []
    for name, command in cli.commands.items():
        usage = " ".join(u for u in usages if re.search(rf"`handoffs {name}\b", u))
        for param in command.params:
            if isinstance(param, click.Option):
                missing += [f"{name} {opt}" for opt in param.opts if opt not in usage]
    assert missing == []


def test_the_readme_tab_tables_match_the_schemas() -> None:
    """The input tabs' columns, the generated tabs and the organisation's tabs the README lists
    are the schemas' (sheet_schema/*.json), in the same order."""
    from handoffs.model.schema import generated_layouts, input_schemas, org_layouts

    spreadsheet = readme_section("The spreadsheet")
    listed = {row[0]: row[2].split(", ") for row in table_rows(spreadsheet)}
    assert listed == {s.title: list(s.header) for s in input_schemas().values()}
    generated = spreadsheet[spreadsheet.index("Generated tabs") :]
    titles = re.findall(r"(?m)^\* \*\*([^*]+)\*\*:", generated)
    assert titles == [layout.title for layout in generated_layouts().values()]
    organisation = readme_section("Organisation roll-up")
    org_titles = re.findall(r"(?m)^\* \*\*([^*]+)\*\*:", organisation)
    assert org_titles == [layout.title for layout in org_layouts().values()]


def test_the_readme_and_the_command_docs_say_the_same_failure_cases() -> None:
    """The quarterly review shows every open flag of a worst handoff up to today, not only the
    flags raised in the quarter (documents/quarterly_review.py); both docs say so."""
    for doc in (ROOT / "README.md", ROOT / "docs" / "commands.md"):
        text = " ".join(doc.read_text(encoding="utf-8").split())
        assert "failure cases (every open flag up to today, its flags and Health notes" in text
