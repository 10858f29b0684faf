"""The values every stage shares: what crosses the backend seam (`spreadsheet`), the tab
schemas of sheet_schema/, the validated dataset, problems, periods, the status vocabulary,
header and cell lookup, and the small document model that agendas and packs are built from.

May import: the standard library, pandas, `handoffs.model.errors`. Nothing else of the package.
"""
