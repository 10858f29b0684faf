"""Problems are values: every finding names tab, cell, column, value and what to type instead."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from handoffs.model.spreadsheet import column_letter

ERROR = "error"
WARNING = "warning"
# The Problems tab and the terminal list at most this many cells per problem (a tab's column,
# severity and message, its cell's value and numbers aside), then one line counting the rest:
# 200,000 copies of a row must not make a 200,000-row tab (docs/spreadsheet.md#generated-tabs).
LISTED_PER_PROBLEM = 100
_COLUMNS = ["severity", "tab", "row", "col", "column", "value", "message"]


@dataclass(frozen=True)
class Problem:
    severity: str
    tab: str
    cell: str  # A1 cell or range; "" when the whole tab is concerned
    column: str
    value: str
    message: str
    more: int = 0  # a line counting the cells of a problem left unlisted (Report.listed)

    def __str__(self) -> str:
        where = f"{self.tab}!{self.cell}" if self.cell else self.tab
        seen = f" [{self.value}]" if self.value else ""
        return f"{self.severity}: {where} {self.column}{seen}: {self.message}".replace("  ", " ")


class ProblemLog:
    """Collects problems column by column as frames, so large tabs stay vectorised."""

    def __init__(self) -> None:
        self._parts: list[pd.DataFrame] = []

    def add_cells(
        self,
        tab: str,
        rows: pd.Series,
        col: int,
        column: str,
        values: pd.Series,
        severity: str,
        message: str | pd.Series,
    ) -> None:
        """One problem per row of `rows` (sheet row numbers, indexed like `values`)."""
        if rows.empty:
            return
        if not isinstance(message, str):
            message = message.reindex(rows.index)
        self._parts.append(
            pd.DataFrame(
                {
                    "severity": severity,
                    "tab": tab,
                    "row": rows.to_numpy(),
                    "col": col,
                    "column": column,
                    "value": values.reindex(rows.index).to_numpy(),
                    "message": message if isinstance(message, str) else message.to_numpy(),
                }
            )
        )

    def add_at(
        self,
        tab: str,
        rows: Sequence[int] | np.ndarray,
        col: int,
        column: str,
        values: Sequence[str],
        severity: str,
        message: str | Sequence[str] | np.ndarray,
    ) -> None:
        """One problem per sheet row of `rows`, with the value seen and the message (one for
        all, or one per row) in the same order."""
        if not len(rows):
            return
        self._parts.append(
            pd.DataFrame(
                {
                    "severity": severity,
                    "tab": tab,
                    "row": np.asarray(rows),
                    "col": col,
                    "column": column,
                    "value": np.asarray(values, dtype=object),
                    "message": message if isinstance(message, str) else np.asarray(message),
                }
            )
        )

    def add(
        self,
        severity: str,
        tab: str,
        message: str,
        *,
        row: int = 0,
        col: int = 0,
        column: str = "",
        value: str = "",
        cell: str = "",
    ) -> None:
        """One problem about a tab, a header cell or a range (`cell` overrides row/col)."""
        frame = pd.DataFrame([[severity, tab, row, col, column, value, message]], columns=_COLUMNS)
        frame["cell"] = cell
        self._parts.append(frame)

    def frame(self, tab_order: list[str]) -> pd.DataFrame:
        """All problems sorted by tab (sheet order), row, column; with an A1 `cell`."""
        if not self._parts:
            return pd.DataFrame(columns=[*_COLUMNS, "cell"])
        frame = pd.concat(self._parts, ignore_index=True)
        if "cell" not in frame:
            frame["cell"] = pd.NA
        letters = frame["col"].map({c: column_letter(c) for c in frame["col"].unique()})
        a1 = letters + frame["row"].astype(str)
        a1 = a1.where(frame["row"] > 0, letters.where(frame["col"] > 0, "") + "1")
        a1 = a1.where(frame["col"] > 0, "")
        frame["cell"] = frame["cell"].where(frame["cell"].notna() & frame["cell"].ne(""), a1)
        order = {tab: i for i, tab in enumerate(tab_order)}
        frame["_tab"] = frame["tab"].map(order).fillna(len(order))
        frame["_sev"] = frame["severity"].ne(ERROR)
        frame = frame.sort_values(["_tab", "row", "col", "_sev"], kind="stable")
        return frame.drop(columns=["_tab", "_sev"]).reset_index(drop=True)


@dataclass
class Report:
    """The problems of one run, and the exit code they imply."""

    frame: pd.DataFrame

    @property
    def errors(self) -> int:
        return int((self.frame["severity"] == ERROR).sum())

    @property
    def warnings(self) -> int:
        return int((self.frame["severity"] == WARNING).sum())

    def __len__(self) -> int:
        return len(self.frame)

    def __iter__(self) -> Iterator[Problem]:
        return _problems(self.frame)

    def listed_problems(self) -> Iterator[Problem]:
        """`listed()` as Problems, for the terminal."""
        return _problems(self.listed())

    def counts(self, tab: str) -> tuple[int, int]:
        """(errors, warnings) of one tab, every problem counted, listed or not."""
        severity = self.frame.loc[self.frame["tab"] == tab, "severity"]
        errors = int((severity == ERROR).sum())
        return errors, len(severity) - errors

    def listed(self) -> pd.DataFrame:
        """The problems to show: at most LISTED_PER_PROBLEM cells of each problem, then, at
        the end of its tab's block, one row counting the rest (`more` > 0, no cell)."""
        frame = self.frame.assign(more=0)
        if len(frame) <= LISTED_PER_PROBLEM:
            return frame
        messages, values = frame["message"].astype(str), frame["value"].fillna("").astype(str)
        kind = pd.Series(
            [m.replace(v, "") if v else m for m, v in zip(messages, values, strict=True)],
            index=frame.index,
        ).str.replace(r"[0-9]+", "", regex=True)
        groups = frame.groupby([frame["tab"], frame["col"], frame["severity"], kind], sort=False)
        nth, size = groups.cumcount(), groups["tab"].transform("size")
        last = frame[(nth == LISTED_PER_PROBLEM - 1) & (size > LISTED_PER_PROBLEM)]
        more = size[last.index] - LISTED_PER_PROBLEM
        counted = last.assign(
            more=more,
            cell="",
            value="",
            message=[
                f"{n:,} more like {cell}: only the first {LISTED_PER_PROBLEM} cells with each "
                "problem are listed; fix these and run again to see the rest."
                for n, cell in zip(more, last["cell"], strict=True)
            ],
        )
        shown = pd.concat([frame[nth < LISTED_PER_PROBLEM], counted], ignore_index=True)
        shown["_block"] = pd.factorize(shown["tab"])[0]  # the tabs in their order
        shown["_counted"] = shown["more"] > 0
        shown = shown.sort_values(["_block", "_counted"], kind="stable")
        return shown.drop(columns=["_block", "_counted"]).reset_index(drop=True)

    def error_rows(self, tab: str) -> pd.Series:
        """Sheet row numbers of `tab` that have an error (left out of every figure)."""
        mask = (self.frame["tab"] == tab) & (self.frame["severity"] == ERROR)
        return self.frame.loc[mask, "row"]


def _problems(frame: pd.DataFrame) -> Iterator[Problem]:
    for row in frame.itertuples(index=False):
        yield Problem(
            severity=row.severity,
            tab=row.tab,
            cell=row.cell,
            column=row.column,
            value=row.value,
            message=row.message,
            more=getattr(row, "more", 0),
        )
