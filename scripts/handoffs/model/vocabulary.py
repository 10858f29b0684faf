"""The words of the status columns and what each group of them means to the figures
(docs/spreadsheet.md for the tabs, docs/figures.md for the rules). The allowed values of each
column are in `sheet_schema/`; this module says which of them count for what.
"""

from __future__ import annotations

# Handoffs.Status
ACTIVE = "active"  # a handoff that still happens; retired and consolidated ones do not count
SPECIALIZATION = "specialization"  # the split reason that keeps a handoff out of compression

# Contracts.Status
DRAFT = "draft"
TRIAL = "trial"
IN_FORCE = ("trial", "active")  # a contract people work by: reviewed on a cycle
IN_USE = ("draft", *IN_FORCE)  # a contract that counts as the handoff's contract

# Flags.Status
NEW_FLAG = "new"  # what `flag` writes, and what the monthly check always shows
OPEN_FLAG = ("new", "discussed", "accepted")  # not yet rejected or done

# Reviews.Status
OPEN_ACTION = ("planned", "in progress")
DROPPED_ACTION = "dropped"

# The five elements of a contract: column name -> title in the Contracts tab
ELEMENTS = {
    "deliverable": "Deliverable contains",
    "format": "Format",
    "sender_context": "Sender includes",
    "receiver_checks": "Receiver checks",
    "contact": "Contact if unclear",
}

# Stale Reviews reasons (docs/figures.md#stale-reviews); the first three are "stale" proper and
# come up at the monthly check, the others are gaps listed in the Stale Reviews tab.
NEVER_REVIEWED = "never reviewed"
REVIEW_OVERDUE = "quarterly review overdue"
TRIAL_ENDED = "trial ended, adjust the contract"
INCOMPLETE = "incomplete"
NO_CONTRACT = "active handoff without a contract"
CONTRACT_ROW_ERROR = "contract row has an error"
STALE_REASONS = (NEVER_REVIEWED, REVIEW_OVERDUE, TRIAL_ENDED)

# Measured improvement results (docs/figures.md#measured-improvement): the three that carry no
# measurement, then the three that do ("improved", "worse", "unchanged").
NOT_YET_MEASURABLE = "not yet measurable"
NO_DATA_RESULT = "no data"
NOT_COMPARABLE = "not comparable"  # a quarter with fewer than two months of Health data
UNMEASURED = (NOT_YET_MEASURABLE, NO_DATA_RESULT, NOT_COMPARABLE)

# A handoff or team without Health data for the period: listed last, never shown as zero.
NO_DATA = "no data"
