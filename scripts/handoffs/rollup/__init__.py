"""The organisation roll-up (docs/rollup.md): the Teams tab, each team's figures as its
own refresh computes them, and the four Org tabs. Pure: reading team sheets is
`backends.team_sheets` and `backends.team_workbooks`, a run is `app.rollup`.

May import: `figures`, `checks`, `model`, `config`.
"""
