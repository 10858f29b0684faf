"""What the tool writes for people to read: the review-prep agenda (the monthly alignment
check and the quarterly handoff review), the onboarding pack and the wording of the team's
habits, each built from figures as a `model.document.Document`.

May import: `figures`, `checks`, `model`, `config`.
"""
