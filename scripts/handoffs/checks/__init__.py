"""Reading hand-edited rows: raw tabs in, a typed `Dataset` and its problems out
(docs/spreadsheet.md). Also what `flag` checks before it appends a row, and what a handoff note
must hold (`notes`).

May import: `model`, `config`.
"""
