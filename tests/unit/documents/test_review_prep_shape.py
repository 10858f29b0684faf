"""The review-prep JSON (README "review-prep JSON") is exactly what its TypedDicts declare:
the sample team's agendas (tests/golden, which the e2e golden test pins to `review_prep.build`'s
output) have every declared key, no other, in the declared order, each value of its declared
type; and the README names every key. So the types mypy checks, the JSON people read and the
documented shape cannot drift apart."""

from __future__ import annotations

import json
import re
import types
from collections.abc import Iterator
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints, is_typeddict

import pytest

from handoffs.documents.review_prep import MonthlyAgenda, QuarterlyAgenda
from tests import ROOT, TESTS

AGENDAS = {"monthly": MonthlyAgenda, "quarterly": QuarterlyAgenda}


def agenda(kind: str) -> Any:
    return json.loads((TESTS / "golden" / f"review-prep-{kind}.json").read_text(encoding="utf-8"))


def mismatches(value: Any, hint: Any, where: str, met: set[str]) -> Iterator[str]:
    """Where `value` is not of type `hint`; `met` collects the TypedDicts checked."""
    origin, args = get_origin(hint), get_args(hint)
    if is_typeddict(hint):
        met.add(hint.__name__)
        declared = get_type_hints(hint)
        if not isinstance(value, dict) or list(value) != list(declared):
            yield f"{where}: keys {list(value)}, {hint.__name__} declares {list(declared)}"
            return
        assert hint.__required_keys__ == set(declared), f"{hint.__name__}: every key is required"
        for key, key_hint in declared.items():
            yield from mismatches(value[key], key_hint, f"{where}.{key}", met)
    elif origin in (Union, types.UnionType):
        tried = []
        for arg in args:
            met_here: set[str] = set()
            tried.append(list(mismatches(value, arg, where, met_here)))
            if not tried[-1]:
                met |= met_here  # only the type the value is counts as met
                return
        yield min(tried, key=len)[0]
    elif origin is list:
        for i, item in enumerate(value if isinstance(value, list) else [None]):
            yield from mismatches(item, args[0], f"{where}[{i}]", met)
    elif origin is dict:
        for key, item in (value if isinstance(value, dict) else {None: None}).items():
            yield from mismatches(item, args[1], f"{where}[{key!r}]", met)
    elif origin is Literal:
        if value not in args:
            yield f"{where}: {value!r} is not one of {args}"
    elif hint is float:  # JSON numbers: mypy takes an int for a float too
        if not isinstance(value, int | float) or isinstance(value, bool):
            yield f"{where}: {value!r} is not a number"
    elif not isinstance(value, hint) or (hint is int and isinstance(value, bool)):
        yield f"{where}: {value!r} is not {getattr(hint, '__name__', hint)}"


def record_types(hint: Any) -> Iterator[Any]:
    """Every TypedDict `hint` holds, itself included."""
    if is_typeddict(hint):
        yield hint
        for key_hint in get_type_hints(hint).values():
            yield from record_types(key_hint)
    for arg in get_args(hint):
        yield from record_types(arg)


@pytest.mark.parametrize("kind", AGENDAS)
def test_the_sample_teams_agenda_has_exactly_the_declared_keys_and_types(kind: str) -> None:
    met: set[str] = set()
    content = agenda(kind)
    assert content["kind"] == kind
    assert list(mismatches(content, AGENDAS[kind], kind, met)) == []
    # every record type was met at least once, so none went unchecked behind an empty list
    assert met == {t.__name__ for t in record_types(AGENDAS[kind])}


def test_the_readme_names_every_declared_key() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("#### review-prep JSON") :]
    shape = re.search(r"```text\n(.*?)```", section, re.DOTALL)
    assert shape
    documented = set(re.findall(r"[a-z_]+", shape.group(1)))
    declared = {
        key
        for agenda_type in AGENDAS.values()
        for record in record_types(agenda_type)
        for key in get_type_hints(record)
    }
    assert declared - documented == set()
