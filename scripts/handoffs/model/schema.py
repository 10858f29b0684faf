"""The declarative schemas of sheet_schema/ (Frictionless Table Schema plus `x-` extensions).

Every rule of docs/spreadsheet.md is data in those files; `checks.validate` interprets them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

INPUT_TABS = ("handoffs", "contracts", "health", "flags", "reviews", "team")
ORG_TABS = ("teams",)  # input tabs of an organisation's spreadsheet (docs/rollup.md)

TYPE_HINTS = {
    "string": "text",
    "integer": "a whole number, e.g. 3",
    "number": "a number, e.g. 2.5",
    "date": "a date as YYYY-MM-DD, e.g. 2026-11-05",
    "yearmonth": "a month as YYYY-MM, e.g. 2026-11",
    "datetime": "a date and time as YYYY-MM-DD HH:MM, e.g. 2026-11-05 14:30",
    "boolean": "TRUE or FALSE (yes and no work too)",
}


@dataclass(frozen=True)
class Field:
    name: str
    title: str
    type: str
    required: bool = False
    unique: bool = False
    enum: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    pattern: str | None = None
    default: Any = None
    hint: str = ""
    aliases: tuple[str, ...] = ()
    required_when: tuple[str, str] | None = None  # (field, value)
    not_after_today: bool = False
    element: int | None = None  # contract element number, 1-5
    true_values: tuple[str, ...] = ()
    false_values: tuple[str, ...] = ()

    @property
    def type_hint(self) -> str:
        if self.hint:
            return self.hint
        if self.enum:
            return "one of " + ", ".join(self.enum)
        return TYPE_HINTS[self.type]


@dataclass(frozen=True)
class ForeignKey:
    field: str
    tab: str
    ref_field: str
    severity: str = "error"


@dataclass(frozen=True)
class UniqueUnless:
    """Fields unique among rows whose `field` is not `equals` (e.g. non-retired contracts)."""

    fields: tuple[str, ...]
    field: str
    equals: str
    message: str


@dataclass(frozen=True)
class TabSchema:
    name: str
    title: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()
    unique_unless: UniqueUnless | None = None

    def field(self, name: str) -> Field:
        for candidate in self.fields:
            if candidate.name == name:
                return candidate
        raise KeyError(name)

    @property
    def header(self) -> list[str]:
        return [f.title for f in self.fields]

    @property
    def key_fields(self) -> frozenset[str]:
        """Fields whose values identify rows: primary key, unique, foreign key, unique-unless."""
        keys = {*self.primary_key, *(f.name for f in self.fields if f.unique)}
        keys |= {key.field for key in self.foreign_keys}
        if self.unique_unless:
            keys |= set(self.unique_unless.fields)
        return frozenset(keys)


@dataclass(frozen=True)
class TabLayout:
    name: str
    title: str
    columns: tuple[str, ...]


def schema_dir() -> Path:
    """sheet_schema/ inside an installed wheel, or at the root of a source checkout."""
    packaged = Path(str(resources.files("handoffs"))) / "sheet_schema"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "sheet_schema"


def _field(spec: dict[str, Any]) -> Field:
    constraints = spec.get("constraints", {})
    when = spec.get("x-required-when")
    return Field(
        name=spec["name"],
        title=spec.get("title", spec["name"]),
        type=spec.get("type", "string"),
        required=bool(constraints.get("required", False)),
        unique=bool(constraints.get("unique", False)),
        enum=tuple(constraints.get("enum", ())),
        minimum=constraints.get("minimum"),
        maximum=constraints.get("maximum"),
        pattern=constraints.get("pattern"),
        default=spec.get("x-default"),
        hint=spec.get("x-hint", ""),
        aliases=tuple(spec.get("x-aliases", ())),
        required_when=(when["field"], when["equals"]) if when else None,
        not_after_today=spec.get("x-not-after") == "today",
        element=spec.get("x-element"),
        true_values=tuple(spec.get("trueValues", ())),
        false_values=tuple(spec.get("falseValues", ())),
    )


def _tab(descriptor: dict[str, Any], titles: dict[str, str]) -> TabSchema:
    keys = tuple(
        ForeignKey(
            field=fk["fields"][0],
            tab=titles[fk["reference"]["resource"]],
            ref_field=fk["reference"]["fields"][0],
            severity=fk.get("x-severity", "error"),
        )
        for fk in descriptor.get("foreignKeys", ())
    )
    unless = descriptor.get("x-unique-unless")
    return TabSchema(
        name=descriptor["name"],
        title=descriptor["title"],
        fields=tuple(_field(spec) for spec in descriptor["fields"]),
        primary_key=tuple(descriptor.get("primaryKey", ())),
        foreign_keys=keys,
        unique_unless=UniqueUnless(
            fields=tuple(unless["fields"]),
            field=unless["field"],
            equals=unless["equals"],
            message=unless["message"],
        )
        if unless
        else None,
    )


@cache
def descriptors() -> dict[str, dict[str, Any]]:
    """The raw Table Schema descriptors of the input tabs, by tab name."""
    folder = schema_dir()
    return {
        name: json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
        for name in INPUT_TABS
    }


@cache
def input_schemas() -> dict[str, TabSchema]:
    """The input tabs in sheet order, by name."""
    raw = descriptors()
    titles = {name: d["title"] for name, d in raw.items()}
    return {name: _tab(raw[name], titles) for name in INPUT_TABS}


@cache
def generated_layouts() -> dict[str, TabLayout]:
    """The generated tabs in sheet order, by name."""
    layout = json.loads((schema_dir() / "generated.json").read_text(encoding="utf-8"))
    return {
        t["name"]: TabLayout(t["name"], t["title"], tuple(t["columns"])) for t in layout["tabs"]
    }


@cache
def org_schemas() -> dict[str, TabSchema]:
    """The input tabs of an organisation's spreadsheet (the Teams tab), by name."""
    folder = schema_dir()
    raw = {
        name: json.loads((folder / f"{name}.json").read_text(encoding="utf-8")) for name in ORG_TABS
    }
    titles = {name: d["title"] for name, d in raw.items()}
    return {name: _tab(raw[name], titles) for name in ORG_TABS}


@cache
def org_layouts() -> dict[str, TabLayout]:
    """The tabs `rollup` writes to an organisation's spreadsheet, in sheet order, by name."""
    layout = json.loads((schema_dir() / "generated.json").read_text(encoding="utf-8"))
    return {
        t["name"]: TabLayout(t["name"], t["title"], tuple(t["columns"])) for t in layout["org_tabs"]
    }
