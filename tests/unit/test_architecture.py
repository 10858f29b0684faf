"""How the package is laid out (docs/architecture.md): folders that follow the flow of a run,
each declaring in its docstring what it may import; no circles, nothing importing back up, a
short stack; small modules and functions; a pure core that loads no I/O library."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

import handoffs

PACKAGE = Path(handoffs.__file__).resolve().parent
CORE = ("model", "checks", "figures", "documents", "tabs", "notices", "rollup")
SHELL = ("backends", "app", "cli")
IO_LIBRARIES = (
    "click",
    "openpyxl",
    "gspread",
    "google.auth",
    "requests",
    "python_calamine",
    "apprise",
)
MAX_TOP_LEVEL = 14
MAX_FLOORS = 8
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
# The only imports of the package made inside functions, module -> what it loads there: a
# command loads the use case it runs (and `check` the note rules, which load the schemas;
# `rollup` first starts its workers' fork server, so that their imports overlap its own), and
# `open_backend` the backend a config names, so `handoffs --help` and `flag` start light.
LAZY_BOUNDARY = {
    "handoffs.cli.team_commands": ("handoffs.app.",),
    "handoffs.cli.habit_commands": ("handoffs.app.", "handoffs.checks.notes"),
    "handoffs.cli.org_commands": ("handoffs.app.", "handoffs.backends.worker_server"),
    "handoffs.backends": ("handoffs.backends.",),
    "handoffs.backends.xlsx": ("handoffs.backends.xlsx_write",),
}
# The only libraries of other projects imported inside a function: (module, library) -> why.
LAZY_LIBRARIES = {
    ("handoffs.backends.channels", "apprise"): (
        "refresh and validate load the module (through app.notify) and send nothing; "
        "Apprise takes 0.2 s to import"
    ),
    ("handoffs.backends.xlsx_reader", "openpyxl"): (
        "validate reads with calamine; openpyxl only for formula text calamine cannot give, "
        "and it takes 0.1 s to import"
    ),
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, ast.Module]:
    return {module_name(p): ast.parse(p.read_text("utf-8")) for p in sorted(PACKAGE.rglob("*.py"))}


def entry(module: str) -> str:
    """The top-level entry a module belongs to: `handoffs.checks.cells` -> `checks`."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def resolve(name: str) -> str:
    """The module an import names: a module itself, or the package or module it imports from."""
    while name not in modules() and "." in name:
        name = name.rsplit(".", 1)[0]
    return name


def imports(module: str) -> Iterator[tuple[str, ast.stmt, bool]]:
    """(imported module of the package, the statement, whether it sits at the top level)."""
    tree = modules()[module]
    top = set(map(id, tree.body))
    for node in tree.body:
        if isinstance(
            node, ast.If
        ):  # `if TYPE_CHECKING:` imports count: a circle over a type is one
            top |= set(map(id, node.body))
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("handoffs"):
            names = [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names if a.name.startswith("handoffs")]
        for name in names:
            target = resolve(name)
            if target != module:
                yield target, node, id(node) in top


def graph(level: str | None) -> dict[str, set[str]]:
    """Import edges between the top-level entries (level None), or between the modules of one
    folder."""
    edges: dict[str, set[str]] = {}
    for module in modules():
        if level is None:
            source = entry(module)
        elif entry(module) == level and module != f"handoffs.{level}":
            source = module
        else:
            continue
        edges.setdefault(source, set())
        for target, _, _ in imports(module):
            if level is None and entry(target) not in (source, "__init__"):
                edges[source].add(entry(target))
            elif level is not None and entry(target) == level and target != f"handoffs.{level}":
                edges[source].add(target)
    return edges


def floors(edges: dict[str, set[str]]) -> dict[str, int]:
    """Each node's floor: 1 for what imports nothing here, else one above its highest import.
    Raises on a circle, naming it."""
    found: dict[str, int] = {}

    def floor(node: str, path: tuple[str, ...]) -> int:
        if node in path:
            raise AssertionError("import circle: " + " -> ".join([*path[path.index(node) :], node]))
        if node not in found:
            found[node] = 1 + max((floor(t, (*path, node)) for t in edges.get(node, ())), default=0)
        return found[node]

    for node in edges:
        floor(node, ())
    return found


def folders() -> list[str]:
    return sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists())


def test_the_package_top_level_is_a_few_folders_and_modules() -> None:
    entries = [p.name for p in PACKAGE.iterdir() if p.name != "__pycache__"]
    assert len(entries) <= MAX_TOP_LEVEL, sorted(entries)
    assert set(CORE + SHELL) <= set(folders())


def test_no_circles_and_a_short_stack_at_the_top_level() -> None:
    stack = floors(graph(None))
    assert max(stack.values()) <= MAX_FLOORS, stack


@pytest.mark.parametrize("folder", folders())
def test_no_circles_and_a_short_stack_inside_each_folder(folder: str) -> None:
    stack = floors(graph(folder))
    assert max(stack.values(), default=0) <= MAX_FLOORS, stack


def declared_imports(folder: str) -> set[str]:
    """What a folder's docstring says it may import: its `May import:` line."""
    doc = ast.get_docstring(modules()[f"handoffs.{folder}"]) or ""
    found = re.search(r"May import: (.*?)(?:\.\s*$|\.\s+[A-Z])", doc, re.DOTALL | re.MULTILINE)
    assert found, f"handoffs/{folder}/__init__.py does not say what it may import"
    if "every package" in found.group(1):
        return set(folders()) | {"config", "errors"}
    return set(re.findall(r"`(\w+)`", found.group(1)))


@pytest.mark.parametrize("folder", folders())
def test_each_folder_imports_only_what_its_docstring_allows(folder: str) -> None:
    allowed = declared_imports(folder) | {folder, "__init__"}
    if "every package but `cli`" in (ast.get_docstring(modules()[f"handoffs.{folder}"]) or ""):
        allowed -= {"cli"}
    wrong = {
        f"{module} imports {target}"
        for module in modules()
        if entry(module) == folder
        for target, _, _ in imports(module)
        if entry(target) not in allowed
    }
    assert not wrong


def test_nothing_imports_back_up_the_flow() -> None:
    """The core stages import only stages before them, in the order of a run: model, checks,
    figures, documents, tabs, notices, rollup."""
    order = {name: i for i, name in enumerate(CORE)}
    back = {
        f"{module} imports {target}"
        for module in modules()
        if entry(module) in order
        for target, _, _ in imports(module)
        if entry(target) in order and order[entry(target)] > order[entry(module)]
    }
    assert not back


def test_imports_sit_at_the_top_except_at_the_lazy_boundary() -> None:
    inside = {
        f"{module}:{node.lineno}"
        for module in modules()
        for target, node, at_top in imports(module)
        if not at_top and not target.startswith(LAZY_BOUNDARY.get(module, ()))
    }
    assert not inside


def libraries_imported_in_functions(module: str) -> Iterator[tuple[str, int]]:
    """(top-level name of a library that is neither the standard library's nor ours, line) for
    each import inside a function of `module`."""
    for function in ast.walk(modules()[module]):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top != "handoffs" and top not in sys.stdlib_module_names:
                    yield top, node.lineno


def test_libraries_are_imported_at_the_top_except_a_short_explicit_list() -> None:
    found = {
        (module, library): line
        for module in modules()
        for library, line in libraries_imported_in_functions(module)
    }
    assert not {
        f"{module}:{line} imports {lib}"
        for (module, lib), line in found.items()
        if (module, lib) not in LAZY_LIBRARIES
    }
    assert set(found) >= set(LAZY_LIBRARIES), "an entry of LAZY_LIBRARIES is no longer needed"


def test_no_module_is_longer_than_a_reader_holds() -> None:
    long = {
        module: len(path.read_text("utf-8").splitlines())
        for path in PACKAGE.rglob("*.py")
        if len(path.read_text("utf-8").splitlines()) > MAX_MODULE_LINES
        for module in [module_name(path)]
    }
    assert not long


def logic_lines(node: ast.FunctionDef | ast.AsyncFunctionDef, source: list[str]) -> int:
    """Lines of a function that hold code: no docstring, comment or blank line."""
    body = node.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    if not body:
        return 0
    lines = source[body[0].lineno - 1 : node.end_lineno]
    return sum(1 for line in lines if line.strip() and not line.strip().startswith("#"))


def test_no_function_is_longer_than_a_screen_of_logic() -> None:
    long = {}
    for path in PACKAGE.rglob("*.py"):
        source = path.read_text("utf-8").splitlines()
        for node in ast.walk(ast.parse("\n".join(source))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                size = logic_lines(node, source)
                if size > MAX_FUNCTION_LINES:
                    long[f"{module_name(path)}.{node.name}"] = size
    assert not long


def loaded_after_importing(names: list[str]) -> list[str]:
    """The I/O libraries in sys.modules after importing `names` in a fresh interpreter."""
    code = (
        f"import sys, importlib; [importlib.import_module(m) for m in {names!r}]; "
        f"print(sorted(m for m in {IO_LIBRARIES!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return ast.literal_eval(out.stdout.strip())


def test_the_core_loads_no_io_or_command_line_library() -> None:
    """Every module of the core folders in one interpreter; when one loads a forbidden
    library, each is imported alone to name it."""
    core = [m for m in modules() if entry(m) in CORE]
    if loaded_after_importing(core):
        culprits = {module: loaded_after_importing([module]) for module in core}
        pytest.fail(f"core modules loading I/O: { {m: f for m, f in culprits.items() if f} }")


def test_commands_return_outcomes_and_exit_codes_are_mapped_in_one_place() -> None:
    """No command exits by itself: the exit code comes from the outcome it returns, or from a
    HandoffsError, both mapped by `HandoffsGroup.invoke` (docs/commands.md#exit-codes)."""
    source = "\n".join(
        (PACKAGE / "cli" / p).read_text("utf-8")
        for p in sorted(p.name for p in (PACKAGE / "cli").glob("*.py"))
    )
    assert "sys.exit" not in source
    assert source.count("ctx.exit(") == 1


# The functions that compute a team's figures, each in its own module: every reader (tabs,
# documents, notices, rollup, app) takes them from one `figures.team.TeamFigures`.
FIGURE_FUNCTIONS = {
    "rankings": "handoffs.figures.rankings",
    "stale_reviews": "handoffs.figures.stale",
    "team_share": "handoffs.figures.review_loop",
    "compression_candidates": "handoffs.figures.review_loop",
    "assess": "handoffs.figures.maturity",
}
TEAM_FIGURES = "handoffs.figures.team"


def callers(name: str) -> set[str]:
    """The modules of the package that call a function named `name` (by name or attribute)."""
    return {
        module
        for module, tree in modules().items()
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and (
            (isinstance(node.func, ast.Name) and node.func.id == name)
            or (isinstance(node.func, ast.Attribute) and node.func.attr == name)
        )
    }


def previous_period_totals() -> set[str]:
    """The modules that sum the period before: `period_totals(…, <period>.previous())`."""
    return {
        module
        for module, tree in modules().items()
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "period_totals"
        and any(
            isinstance(inner, ast.Call)
            and isinstance(inner.func, ast.Attribute)
            and inner.func.attr == "previous"
            for arg in node.args
            for inner in ast.walk(arg)
        )
    }


@pytest.mark.parametrize("name", sorted(FIGURE_FUNCTIONS))
def test_a_teams_figures_are_built_in_exactly_one_place(name: str) -> None:
    """Rankings (with the rule for a run without a period), stale reviews, team-driven share,
    role-compression candidates and maturity are computed by `figures.team` only: the tabs,
    the review prep, the notices and the roll-up read them from there."""
    assert callers(name) - {FIGURE_FUNCTIONS[name]} == {TEAM_FIGURES}


def test_this_period_against_the_last_is_computed_in_one_place() -> None:
    """The period before's hours lost per handoff are the rankings' (`previous_hours`, and the
    change since); the team's totals of both periods are `TeamFigures.hours` and `previous`."""
    assert previous_period_totals() == {"handoffs.figures.rankings"}
    readers = {
        module
        for module, tree in modules().items()
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and node.value == "previous_hours"
    }
    assert readers == {"handoffs.figures.rankings", TEAM_FIGURES}


def test_a_team_sheet_is_loaded_in_one_place() -> None:
    """Validation, hours lost and the rows left out for an error: one pure function for a
    team's own sheet and for each team of a roll-up alike."""
    assert callers("with_hours") - {"handoffs.figures.rankings"} == {"handoffs.figures.sheet"}
    assert callers("errors_by_handoff") - {"handoffs.checks.error_rows"} == {
        "handoffs.figures.sheet"
    }
    assert callers("check_sheet") == {"handoffs.app.load", "handoffs.rollup.team_results"}
