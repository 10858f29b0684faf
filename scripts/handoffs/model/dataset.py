"""The validated spreadsheet: typed frames of the rows every figure may use, and the problems.

`checks.validate` builds it from raw tabs; every later stage reads it.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field

import pandas as pd

from handoffs.model.problems import Report
from handoffs.model.schema import TabSchema

ROW = "row"  # the sheet row number each typed row came from


_DTYPES = {
    "string": "str",
    "integer": "Int64",
    "number": "float64",
    "boolean": "boolean",
    "date": "datetime64[ns]",
    "datetime": "datetime64[ns]",
    "yearmonth": "datetime64[ns]",
}


def empty_frame(schema: TabSchema) -> pd.DataFrame:
    """A tab with no usable rows, typed like a full one so figures need no special case."""
    return _empty(schema).copy()


@functools.cache
def _empty(schema: TabSchema) -> pd.DataFrame:
    columns = {f.name: pd.Series(dtype=_DTYPES[f.type]) for f in schema.fields}
    return pd.DataFrame({ROW: pd.Series(dtype="int64"), **columns})


@dataclass
class Dataset:
    """The validated spreadsheet: rows fit for figures, plus the problems found."""

    frames: dict[str, pd.DataFrame]  # tab name -> rows without errors
    report: Report
    today: dt.date
    headers: dict[str, list[str]]
    present: dict[str, bool]
    # tab name -> sheet rows left out for an error (an error in an optional column keeps its row)
    left_out: dict[str, frozenset[int]] = field(default_factory=dict)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.frames[name]
