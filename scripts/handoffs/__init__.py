"""handoffs: keep a team's handoff spreadsheet honest and useful."""

__version__ = "0.1.0"
