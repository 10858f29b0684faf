"""One input tab after its columns are checked: the typed rows, where each field was found,
and the cells and values of the key fields that the rules across rows and tabs (`keys`)
compare."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from handoffs.checks.cells import Cells
from handoffs.model.schema import TabSchema


@dataclass
class CheckedTab:
    """One input tab after validation."""

    schema: TabSchema
    present: bool
    frame: pd.DataFrame  # every non-blank row, typed, with ROW
    columns: dict[str, int] = field(default_factory=dict)  # field name -> 0-based column
    header: list[str] = field(default_factory=list)  # the header text as found
    cells: dict[str, Cells] = field(default_factory=dict)  # key fields' cells, as read
    # the values of the key fields (and of the field a unique-unless rule reads) for the
    # frame's rows as parsed (numpy; text as objects, None for a blank): the rules across rows
    # compare these, cheaper to read than the frame's columns; `keys._respelled` rewrites an
    # id in both
    values: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def readable(self) -> bool:
        """The tab is there with every required column, so its ids can be looked up."""
        required = [f for f in self.schema.fields if f.required or f.required_when]
        return self.present and all(f.name in self.columns for f in required)
