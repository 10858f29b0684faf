"""What `handoffs doctor` prints: one line per check, ✔ or ✘, and under each failure the one
fix to make; or the `handoffs.doctor` JSON document (docs/json.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from handoffs.cli.json_output import document
from handoffs.cli.terminal import one_line

if TYPE_CHECKING:
    from handoffs.model.checklist import Checklist


def doctor_text(checklist: Checklist) -> str:
    lines = []
    for check in checklist.checks:
        lines.append(one_line(f"{'✔' if check.ok else '✘'} {check.name}: {check.detail}"))
        if not check.ok:
            lines.append(one_line(f"    fix: {check.fix}"))
    failures = checklist.failures
    if failures:
        lines.append(
            f"\n{len(failures)} of {len(checklist.checks)} checks failed; "
            f"fix them in this order, then run `handoffs doctor` again."
        )
    else:
        lines.append(f"\nAll {len(checklist.checks)} checks passed.")
    return "\n".join(lines)


def doctor_document(checklist: Checklist) -> dict[str, Any]:
    return document(
        "doctor",
        checklist.exit_code,
        passed=len(checklist.checks) - len(checklist.failures),
        failed=len(checklist.failures),
        checks=[
            {
                "name": c.name,
                "ok": c.ok,
                "detail": c.detail,
                "fix": c.fix,
                "exit_code": c.exit_code,
            }
            for c in checklist.checks
        ],
    )
