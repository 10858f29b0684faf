"""What a new spreadsheet looks like, copied from Google's recorded replies (gspread cassettes)."""

from __future__ import annotations

import copy
from typing import Any

ROWS, COLUMNS = 1000, 26
ROW_PIXELS, COLUMN_PIXELS = 21, 100
CELL_LIMIT = 10_000_000
CELL_LIMIT_MESSAGE = f"This action would increase the number of cells in the workbook above the limit of {CELL_LIMIT} cells."
# Google refuses a write putting more text than this in one cell (values or CellData), whole.
CELL_TEXT_LIMIT = 50_000
CELL_TEXT_LIMIT_MESSAGE = (
    f"Your input contains more than the maximum of {CELL_TEXT_LIMIT} characters in a single cell."
)
ACCOUNT_EMAIL = "emulator-user@example.com"

_WHITE = {"red": 1, "green": 1, "blue": 1}
_THEME = [
    ("TEXT", {}),
    ("BACKGROUND", _WHITE),
    ("ACCENT1", {"red": 0.25882354, "green": 0.52156866, "blue": 0.95686275}),
    ("ACCENT2", {"red": 0.91764706, "green": 0.2627451, "blue": 0.20784314}),
    ("ACCENT3", {"red": 0.9843137, "green": 0.7372549, "blue": 0.015686275}),
    ("ACCENT4", {"red": 0.20392157, "green": 0.65882355, "blue": 0.3254902}),
    ("ACCENT5", {"red": 1, "green": 0.42745098, "blue": 0.003921569}),
    ("ACCENT6", {"red": 0.27450982, "green": 0.7411765, "blue": 0.7764706}),
    ("LINK", {"red": 0.06666667, "green": 0.33333334, "blue": 0.8}),
]
_PROPERTIES: dict[str, Any] = {
    "locale": "en_US",
    "autoRecalc": "ON_CHANGE",
    "timeZone": "Etc/GMT",
    "defaultFormat": {
        "backgroundColor": _WHITE,
        "padding": {"top": 2, "right": 3, "bottom": 2, "left": 3},
        "verticalAlignment": "BOTTOM",
        "wrapStrategy": "OVERFLOW_CELL",
        "textFormat": {
            "foregroundColor": {},
            "fontFamily": "arial,sans,sans-serif",
            "fontSize": 10,
            "bold": False,
            "italic": False,
            "strikethrough": False,
            "underline": False,
            "foregroundColorStyle": {"rgbColor": {}},
        },
        "backgroundColorStyle": {"rgbColor": _WHITE},
    },
    "spreadsheetTheme": {
        "primaryFontFamily": "Arial",
        "themeColors": [{"colorType": kind, "color": {"rgbColor": rgb}} for kind, rgb in _THEME],
    },
}


def spreadsheet_properties(title: str) -> dict[str, Any]:
    """A fresh copy of the properties Google gives a new spreadsheet (locale en_US, Etc/GMT)."""
    return {"title": title, **copy.deepcopy(_PROPERTIES)}
