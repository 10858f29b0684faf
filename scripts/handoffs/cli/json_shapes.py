"""The JSON documents `--format json` prints (docs/json.md), each described once, here.

A shape is a dict of key -> what its value is: a type (`str`, `int`, `float`, `bool`), a tuple
of types (`(str, None)`: text or null), a one-item list (`[PROBLEM]`: a list of those), a
nested dict (an object with exactly those keys), `MapOf(int)` (an object whose keys are free
text) or `Open({...})` (an object with at least those keys). `mismatches` checks a document
against its shape; the tests check every command's output with it, and that docs/json.md names
every key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

VERSION = 1  # of every document; it changes only when a key is removed or changes meaning


@dataclass(frozen=True)
class MapOf:
    """An object whose keys are free text (e.g. a reason), each value of `value`'s shape."""

    value: Any


@dataclass(frozen=True)
class Open:
    """An object with at least `keys` (review-prep's agenda: its README section lists the rest)."""

    keys: dict[str, Any]


HEAD: dict[str, Any] = {"format": str, "version": int, "exit_code": int}
PROBLEM = {
    "severity": str,
    "tab": str,
    "cell": str,
    "column": str,
    "value": str,
    "message": str,
}
TAB = {"title": str, "rows": int}
DELIVERY = {
    "to": str,
    "kind": str,
    "personal": bool,
    "title": str,
    "body": str,
    "delivered": (bool, None),
    "cause": (str, None),
    "notices": int,
}
NOTICES = {
    "dry_run": bool,
    "deliveries": [DELIVERY],
    "skipped": MapOf(int),
    "not_written_to": [{"person": str, "why": str}],
    "secrets": [str],
    "failed": int,
    "record_error": (str, None),
    "error": (str, None),
}
TEAM = {
    "team": str,
    "row": int,
    "kind": str,
    "status": str,
    "failure": (str, None),
    "errors": int,
}
CHECK = {"name": str, "ok": bool, "detail": str, "fix": str, "exit_code": int}

SHAPES: dict[str, Any] = {
    "handoffs.error": {**HEAD, "command": (str, None), "kind": str, "message": str},
    "handoffs.validate": {**HEAD, "errors": int, "warnings": int, "problems": [PROBLEM]},
    "handoffs.refresh": {
        **HEAD,
        "location": str,
        "period": (str, None),
        "dry_run": bool,
        "changed": bool,
        "written": bool,
        "tabs": [TAB],
        "errors": int,
        "warnings": int,
        "problems": [PROBLEM],
        "notices": (NOTICES, None),
    },
    "handoffs.notify": {**HEAD, **NOTICES},
    "handoffs.rollup": {
        **HEAD,
        "location": str,
        "period": (str, None),
        "written": bool,
        "requests": int,
        "teams": [TEAM],
        "teams_tab_problems": [PROBLEM],
        "tabs": [TAB],
    },
    "handoffs.flag": {**HEAD, "location": str, "handoff_id": str, "flagged_at": str},
    "handoffs.onboard": {
        **HEAD,
        "person": (str, None),
        "role": (str, None),
        "title": str,
        "markdown": str,
    },
    "handoffs.check": {
        **HEAD,
        "note": str,
        "handoff_id": str,
        "complete": bool,
        "sections": [{"section": str, "problem": str, "fix": str}],
    },
    "handoffs.doctor": {**HEAD, "passed": int, "failed": int, "checks": [CHECK]},
    "handoffs.review-prep": Open(
        {
            "format": str,
            "version": int,
            "kind": str,
            "period": str,
            "previous_period": str,
            "today": str,
            "headline": dict,
        }
    ),
}


def mismatches(value: Any, shape: Any, where: str = "$") -> list[str]:
    """Where `value` differs from `shape` (empty when it conforms), as JSON paths."""
    if isinstance(shape, Open):
        if not isinstance(value, dict):
            return [f"{where}: expected an object"]
        return [m for k, s in shape.keys.items() for m in _key(value, k, s, where)]
    if isinstance(shape, dict):
        if not isinstance(value, dict):
            return [f"{where}: expected an object"]
        extra = [f"{where}.{k}: not in the documented shape" for k in value if k not in shape]
        return extra + [m for k, s in shape.items() for m in _key(value, k, s, where)]
    if isinstance(shape, MapOf):
        if not isinstance(value, dict):
            return [f"{where}: expected an object"]
        return [m for k, v in value.items() for m in mismatches(v, shape.value, f"{where}.{k}")]
    if isinstance(shape, list):
        if not isinstance(value, list):
            return [f"{where}: expected a list"]
        return [m for i, v in enumerate(value) for m in mismatches(v, shape[0], f"{where}[{i}]")]
    if isinstance(shape, tuple):
        for option in shape:
            if (value is None) if option is None else not mismatches(value, option, where):
                return []
        return [f"{where}: {value!r} is none of the documented kinds"]
    if shape is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
    elif shape is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    else:
        ok = isinstance(value, shape)
    return [] if ok else [f"{where}: {value!r} is not {shape.__name__}"]


def _key(value: dict[str, Any], key: str, shape: Any, where: str) -> list[str]:
    if key not in value:
        return [f"{where}.{key}: missing"]
    return mismatches(value[key], shape, f"{where}.{key}")


def keys_of(shape: Any) -> set[str]:
    """Every key a shape names, at any depth (docs/json.md must name each)."""
    if isinstance(shape, Open):
        shape = shape.keys
    if isinstance(shape, dict):
        return set(shape) | {k for s in shape.values() for k in keys_of(s)}
    if isinstance(shape, MapOf):
        return keys_of(shape.value)
    if isinstance(shape, list | tuple):
        return {k for s in shape if s is not None for k in keys_of(s)}
    return set()
