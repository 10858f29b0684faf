"""The local .xlsx workbook (the default backend): read by python-calamine (`xlsx_reader`),
written part by part (docs/spreadsheet.md#what-the-tool-owns).

A write changes only what the tool owns: the generated tabs' sheet parts with their drawings,
charts and notes (rendered by openpyxl into a scratch package, `xlsx_render`, and carried
across, `xlsx_carry`), rows appended to an input tab's sheet part (`xlsx_rows`), and the
entries that list parts (workbook, relationships, content types; styles only appended).
Every other part of the package is copied byte for byte, never parsed (`xlsx_package`): input
tabs, the team's own tabs, images, charts, macros, custom XML. A tab named like a generated tab
but not marked as one is the team's own and is refused. The file is replaced atomically,
keeping the previous version as `<name>.backup.xlsx` (backends/xlsx_file.py).
"""

from __future__ import annotations

import warnings
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
from handoffs.model.spreadsheet import (
    CellValue,
    NewTab,
    RawTab,
    TabContent,
    match_title,
)


class XlsxBackend:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    @property
    def location(self) -> str:
        return str(self.path)

    def tab_url(self, title: str) -> str:
        """Where people find a tab, for notices: the workbook's path (tabs have no address)."""
        return str(self.path)

    @property
    def lock_path(self) -> str:
        # Beside the file a symlink points to: one lock whichever path a run was given.
        target = xlsx_file.target_of(self.path)
        return str(target.with_name(f".{target.name}.lock"))

    @property
    def backup_path(self) -> Path:
        return xlsx_file.backup_of(self.path)

    # -- reading ---------------------------------------------------------------------------

    def read(
        self, titles: Sequence[str], *, missing_ok: bool = False, merges: bool = True
    ) -> dict[str, RawTab]:
        # Parsed once by calamine; merges come free with it, so `merges` changes nothing here.
        if missing_ok and not self.path.exists():
            return {}
        self._require_file()
        xlsx_file.check_file(self.path)
        with xlsx_file.opening(self.path), warnings.catch_warnings():
            # openpyxl (reading a formula calamine cannot) warns that it would drop the Excel
            # 2010 extensions of a tab on saving: never true here, since nothing it loads is
            # saved, so a person never sees it.
            warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")
            return read_tabs(self.path, titles)

    def require_existing(self) -> None:
        self._require_file()

    def _require_file(self) -> None:
        if not self.path.exists():
            raise UsageError(
                f"No workbook at {self.path}; run `handoffs init` to create it "
                "(or `handoffs init --demo` for a sample team)."
            )

    # -- writing ---------------------------------------------------------------------------

    def write_generated(self, tabs: Sequence[TabContent]) -> None:
        self._require_file()
        with self._editing() as package:
            parts = package.sheet_parts()
            titles: dict[str, str] = {}  # each tab's title in the workbook
            for tab in tabs:  # all checked before any is changed
                existing = match_title(list(parts), tab.title)  # a renamed `summary` stays so
                if existing is not None and not self._is_generated(package, parts, existing, tab):
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
        self, package: Package, parts: dict[str, str], title: str, tab: TabContent
    ) -> bool:
        """Marked by the tool (its note on A1), or holding nothing but the tab's header: a tab
        an older `init` created unmarked. Anything else is the team's own tab."""
        if has_generated_mark(package, parts[title]):
            return True
        rows = read_tabs(self.path, [title]).get(title, RawTab(title, []))
        return holds_only(rows.rows, tab.header)

    def append_rows(self, title: str, rows: Sequence[Sequence[CellValue]]) -> None:
        self._require_file()
        with self._editing() as package:
            parts = package.sheet_parts()
            existing = match_title(list(parts), title)
            if existing is None:
                raise UsageError(f"The workbook has no {title} tab; run `handoffs init` first.")
            with _styles(package) as styles:
                append(package, styles, parts[existing], rows)

    def initialize(self, tabs: Sequence[NewTab]) -> None:
        if not self.path.exists():
            self._refuse_if_open_elsewhere()
            content = render(added={tab.title: tab for tab in tabs})
            xlsx_file.replace(self.path, content, previous=None)
            return
        with self._editing() as package:
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
    def _editing(self) -> Iterator[Package]:
        """The current file as a package for the caller to change; then, if anything changed,
        the file is replaced atomically (the version it replaces kept as the backup)."""
        self._refuse_if_open_elsewhere()
        xlsx_file.check_file(self.path)
        xlsx_file.require_writable(self.path)
        with xlsx_file.opening(self.path):
            previous = xlsx_file.target_of(self.path).read_bytes()
            package = Package(previous)
            yield package
            if not package.changed:
                return
            content = package.save()
        xlsx_file.replace(self.path, content, previous=previous)

    def _refuse_if_open_elsewhere(self) -> None:
        for path in {self.path, xlsx_file.target_of(self.path)}:
            for lock in (f"~${path.name}", f".~lock.{path.name}#"):
                if (path.parent / lock).exists():
                    raise BackendError(
                        f"{self.path} is open in Excel or LibreOffice (lock file {lock}); "
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
