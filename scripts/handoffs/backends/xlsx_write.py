"""Writing the local workbook, part by part (docs/spreadsheet.md#what-the-tool-owns): imported
by `XlsxBackend` only when a command writes, so `validate` and a roll-up never load openpyxl,
which renders the generated tabs (`xlsx_render`) and takes 0.1 s to import.

A write changes only what the tool owns: the generated tabs' sheet parts with their drawings,
charts and notes (rendered by openpyxl into a scratch package, `xlsx_render`, and carried
across, `xlsx_carry`), rows appended to an input tab's sheet part (`xlsx_rows`), and the
entries that list parts (workbook, relationships, content types; styles only appended).
Every other part of the package is copied byte for byte, never parsed (`xlsx_package`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from handoffs.backends import foreign_tab, holds_only, xlsx_file
from handoffs.backends.xlsx_carry import Carrier, has_generated_mark
from handoffs.backends.xlsx_package import STYLES_TYPE, WORKBOOK, Package
from handoffs.backends.xlsx_reader import read_tabs
from handoffs.backends.xlsx_render import link_labels, render
from handoffs.backends.xlsx_rows import append
from handoffs.backends.xlsx_styles import Styles
from handoffs.model.errors import BackendError, UsageError
from handoffs.model.spreadsheet import CellValue, NewTab, RawTab, TabContent, match_title


def write_generated(path: Path, tabs: Sequence[TabContent]) -> None:
    with _editing(path) as package:
        parts = package.sheet_parts()
        titles: dict[str, str] = {}  # each tab's title in the workbook
        for tab in tabs:  # all checked before any is changed
            existing = match_title(list(parts), tab.title)  # a renamed `summary` stays so
            if existing is not None and not _is_generated(path, package, parts, existing, tab):
                raise foreign_tab(existing)
            titles[tab.title] = existing or tab.title
        scratch = render(generated={titles[tab.title]: tab for tab in tabs})
        with _styles(package) as styles:
            carrier = Carrier(package, styles, scratch)
            for tab in tabs:
                title = titles[tab.title]
                carrier.place(title, title, parts.get(title), link_labels(tab))
        package.recalculate_on_open()


def _is_generated(
    path: Path, package: Package, parts: dict[str, str], title: str, tab: TabContent
) -> bool:
    """Marked by the tool (its note on A1), or holding nothing but the tab's header: a tab
    an older `init` created unmarked. Anything else is the team's own tab."""
    if has_generated_mark(package, parts[title]):
        return True
    rows = read_tabs(path, [title]).get(title, RawTab(title, []))
    return holds_only(rows.rows, tab.header)


def append_rows(path: Path, title: str, rows: Sequence[Sequence[CellValue]]) -> None:
    with _editing(path) as package:
        parts = package.sheet_parts()
        existing = match_title(list(parts), title)
        if existing is None:
            raise UsageError(f"The workbook has no {title} tab; run `handoffs init` first.")
        with _styles(package) as styles:
            append(package, styles, parts[existing], rows)


def initialize(path: Path, tabs: Sequence[NewTab]) -> None:
    if not path.exists():
        _refuse_if_open_elsewhere(path)
        content = render(added={tab.title: tab for tab in tabs})
        xlsx_file.replace(path, content, previous=None)
        return
    with _editing(path) as package:
        parts = package.sheet_parts()
        added = {tab.title: tab for tab in tabs if not tab.exists}
        with _styles(package) as styles:
            for tab in tabs:
                if tab.exists:
                    part = parts[match_title(list(parts), tab.title) or tab.title]
                    append(package, styles, part, tab.rows)
            if added:
                carrier = Carrier(package, styles, render(added=added))
                for title in added:
                    carrier.place(title, title, None, {})


@contextmanager
def _editing(path: Path) -> Iterator[Package]:
    """The current file as a package for the caller to change; then, if anything changed,
    the file is replaced atomically (the version it replaces kept as the backup)."""
    _refuse_if_open_elsewhere(path)
    xlsx_file.check_file(path)
    xlsx_file.require_writable(path)
    with xlsx_file.opening(path):
        previous = xlsx_file.target_of(path).read_bytes()
        package = Package(previous)
        yield package
        if not package.changed:
            return
        content = package.save()
    xlsx_file.replace(path, content, previous=previous)


def _refuse_if_open_elsewhere(path: Path) -> None:
    for each in {path, xlsx_file.target_of(path)}:
        for lock in (f"~${each.name}", f".~lock.{each.name}#"):
            if (each.parent / lock).exists():
                raise BackendError(
                    f"{path} is open in Excel or LibreOffice (lock file {lock}); "
                    "close it there and run again. Nothing was written."
                )


@contextmanager
def _styles(package: Package) -> Iterator[Styles]:
    """The workbook's styles part, saved back when cells written needed formats added."""
    part = next(
        (r["Target"] for r in package.relationships(WORKBOOK) if r.get("Type") == STYLES_TYPE),
        None,
    )
    if part is None or part not in package:  # read as a damaged workbook: a message, exit 3
        raise KeyError(f"{WORKBOOK} names no styles part")
    styles = Styles(package.read(part))
    yield styles
    if styles.changed:
        package.write(part, styles.save())
