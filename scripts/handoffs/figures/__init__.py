"""A team's figures from its validated dataset (docs/figures.md): hours lost and rankings,
stale reviews, the review loop (measured improvement, role compression, team-driven share),
maturity, and the figures as plain values for every renderer (`records`).

May import: `model`, `checks`, `config`.
"""
