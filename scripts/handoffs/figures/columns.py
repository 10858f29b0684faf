"""A few rows of a tab as plain Python values, column by column: a team has a few dozen
handoffs, contracts, members and reviews, and a pass over their cells costs less than the
frames a pandas filter builds for each question asked of them."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import compress
from typing import Any

import pandas as pd

Columns = dict[str, list[Any]]  # column name -> its values, one per row kept


def columns(
    frame: pd.DataFrame, names: Sequence[str], keep: Sequence[bool] | None = None
) -> Columns:
    """Columns `names` of `frame` as Python values; only the rows where `keep` is true."""
    if keep is None:
        return {name: frame[name].tolist() for name in names}
    return {name: list(compress(frame[name].tolist(), keep)) for name in names}


def blank(values: Sequence[Any]) -> list[bool]:
    """Which values are blank (None, NaN, NaT), as `Series.isna` says."""
    return [pd.isna(value) for value in values]
