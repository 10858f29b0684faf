"""Dates as people type them (docs/spreadsheet.md#conventions); the properties over any date
are in test_properties.py, the typed cases in tests/cases/."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from openpyxl.utils.datetime import to_excel

from handoffs.checks.dates import SERIAL_EPOCH


def test_serial_epoch_is_the_sheets_day_zero() -> None:
    assert pd.Timestamp(1899, 12, 30) == SERIAL_EPOCH
    assert to_excel(dt.date(2026, 11, 5)) == 46331  # as Excel and Sheets number that day
