"""The values every stage shares: what crosses the backend seam (`spreadsheet`), the tab
schemas of sheet_schema/, the validated dataset, problems, periods, the status vocabulary,
header and cell lookup, the small document model that agendas and packs are built from, the
checklist of `doctor`, and the one exception tree (`errors`).

May import: nothing else of the package (the standard library and pandas only).
"""
