"""The checklist `handoffs doctor` prints (docs/commands.md#doctor): each check passed or failed,
what was found and the one fix to make, in the order they ran; the run's exit code is that of
the first failure's kind (docs/commands.md#exit-codes)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Check:
    name: str  # what was checked: "config", "credentials", "Handoffs tab", "[notify] team #1"
    ok: bool
    detail: str  # what was found
    fix: str = ""  # the one thing to do; "" when ok
    exit_code: int = 0  # of the failure's kind (2 usage, 3 spreadsheet, 4 locked, 1 data)


def passed(name: str, detail: str) -> Check:
    return Check(name, True, detail)


def failed(name: str, detail: str, fix: str, exit_code: int) -> Check:
    return Check(name, False, detail, fix, exit_code)


@dataclass
class Checklist:
    checks: list[Check] = field(default_factory=list)

    def add(self, check: Check) -> bool:
        """Add `check`; whether it passed."""
        self.checks.append(check)
        return check.ok

    @property
    def failures(self) -> list[Check]:
        return [c for c in self.checks if not c.ok]

    @property
    def exit_code(self) -> int:
        """0 when every check passed, else the exit code of the first failure."""
        return next((c.exit_code for c in self.checks if not c.ok), 0)
