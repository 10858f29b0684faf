"""A team's generated tabs (docs/spreadsheet.md#generated-tabs) as plain rows, and whether
they would change what the spreadsheet already shows.

May import: `documents`, `figures`, `checks`, `model`, `config`.
"""
