"""The local .xlsx workbook (the default backend): read by python-calamine (`xlsx_reader`),
written part by part (docs/spreadsheet.md#what-the-tool-owns).

A write changes only what the tool owns: the generated tabs' sheet parts with their drawings,
charts and notes (rendered by openpyxl into a scratch package, `xlsx_render`, and carried
across, `xlsx_carry`), rows appended to an input tab's sheet part (`xlsx_rows`), and the
entries that list parts (workbook, relationships, content types; styles only appended).
Every other part of the package is copied byte for byte, never parsed (`xlsx_package`): input
tabs, the team's own tabs, images, charts, macros, custom XML. A tab named like a generated tab
but not marked as one is the team's own and is refused. The file is replaced atomically,
keeping the previous version as `<name>.backup.xlsx` (backends/xlsx_file.py). The writing
lives in `xlsx_write`, imported only when a command writes: reading never loads openpyxl.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path

from handoffs.backends import xlsx_file
from handoffs.backends.xlsx_reader import read_tabs
from handoffs.model.errors import UsageError
from handoffs.model.spreadsheet import CellValue, NewTab, RawTab, TabContent


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

    # -- writing (imported here, so that a command that only reads never loads openpyxl) -----

    def write_generated(self, tabs: Sequence[TabContent]) -> None:
        from handoffs.backends import xlsx_write

        self._require_file()
        xlsx_write.write_generated(self.path, tabs)

    def append_rows(self, title: str, rows: Sequence[Sequence[CellValue]]) -> None:
        from handoffs.backends import xlsx_write

        self._require_file()
        xlsx_write.append_rows(self.path, title, rows)

    def initialize(self, tabs: Sequence[NewTab]) -> None:
        from handoffs.backends import xlsx_write

        xlsx_write.initialize(self.path, tabs)
