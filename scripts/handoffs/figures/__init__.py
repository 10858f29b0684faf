"""A team's figures from its validated dataset (docs/figures.md): hours lost and rankings,
stale reviews, the review loop (measured improvement, role compression, team-driven share),
maturity, and the figures as plain values for every renderer (`records`). A team's sheet is
checked in one place (`sheet`), and its figures for a period are held by one object that
computes each at most once (`team.TeamFigures`): every reader takes them from there.

May import: `model`, `checks`, `config`.
"""
