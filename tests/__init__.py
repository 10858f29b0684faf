"""The test suite: `unit/` (the pure stages, folder by folder as in the package), `e2e/` (the
commands run against a workbook, the Sheets emulator and local mail and webhook servers),
`emulator/` (the emulator's own fidelity tests), with `support/` helpers and `sheets_emulator/`.
"""

from pathlib import Path

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent  # the repository
