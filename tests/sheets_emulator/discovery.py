"""The Sheets v4 discovery document as the contract for requests and replies.

Request bodies and query parameters are checked the way Google's front end does (unknown
names and wrongly typed values are 400 INVALID_ARGUMENT, paths in snake_case, e.g.
`requests[0].add_sheet.properties`), and `check_response` holds the emulator's own replies to
the same schemas, so a reply can never carry a field or enum value Google does not define.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import re
from pathlib import Path
from typing import Any

from .api import BAD_REQUEST_TYPE, ApiError, bad_request
from .fieldmask import MaskTree

_BODY_FIELD = {
    "sheets.spreadsheets.create": "spreadsheet",
    "sheets.spreadsheets.values.update": "data",
    "sheets.spreadsheets.values.append": "data",
}
_ENUM_NAMES = {"majorDimension": "Dimension", "dimension": "Dimension"}
_PROTO_SCALARS = {
    "int32": "TYPE_INT32",
    "int64": "TYPE_INT64",
    "uint32": "TYPE_UINT32",
    "uint64": "TYPE_UINT64",
    "double": "TYPE_DOUBLE",
    "float": "TYPE_FLOAT",
}
_INTEGER_TEXT = re.compile(r"-?\d+")


class ResponseMismatch(AssertionError):
    """A reply that does not fit the discovery document's response schema."""


def _document_path() -> Path:
    spec = importlib.util.find_spec("googleapiclient")
    if spec is None or spec.origin is None:
        raise RuntimeError(
            "google-api-python-client is needed: it ships the Sheets v4 discovery document"
        )
    return Path(spec.origin).parent / "discovery_cache" / "documents" / "sheets.v4.json"


@functools.lru_cache(maxsize=1)
def document() -> dict[str, Any]:
    """The parsed sheets.v4.json, read once per process."""
    return json.loads(_document_path().read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@functools.lru_cache(maxsize=1)
def methods() -> dict[str, dict[str, Any]]:
    """Every method of the document by id, e.g. `sheets.spreadsheets.values.get`."""
    found: dict[str, dict[str, Any]] = {}

    def walk(resources: dict[str, Any]) -> None:
        for resource in resources.values():
            for method in resource.get("methods", {}).values():
                found[method["id"]] = method
            walk(resource.get("resources", {}))

    walk(document()["resources"])
    return found


def schema(name: str) -> dict[str, Any]:
    return document()["schemas"][name]  # type: ignore[no-any-return]


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _pascal(name: str) -> str:
    return _ENUM_NAMES.get(name, name[:1].upper() + name[1:])


def _type_name(prop: dict[str, Any], name: str) -> str:
    """The type Google names in "Invalid value at 'x' (TYPE), value"."""
    if "$ref" in prop:
        return f"type.googleapis.com/google.apps.sheets.v4.{prop['$ref']}"
    if "enum" in prop:
        return f"type.googleapis.com/google.apps.sheets.v4.{_pascal(name)}"
    kind = prop.get("type")
    if kind == "array":
        return "type.googleapis.com/google.protobuf.ListValue"
    if kind in ("any", "object"):
        return "type.googleapis.com/google.protobuf.Value"
    if kind == "boolean":
        return "TYPE_BOOL"
    return _PROTO_SCALARS.get(prop.get("format", ""), "TYPE_STRING")


def _shown(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class _Walker:
    """Walks a JSON value along a schema and collects (field, description) problems."""

    def __init__(self, response: bool) -> None:
        self.response = response
        self.problems: list[tuple[str, str]] = []

    def _path(self, path: str, key: str) -> str:
        name = key if self.response else _snake(key)
        return f"{path}.{name}" if path else name

    def unknown(self, key: str, path: str) -> None:
        where = f" at '{path}'" if path else ""
        self.problems.append(
            (
                path,
                f'Invalid JSON payload received. Unknown name "{key}"{where}: Cannot find field.',
            )
        )

    def invalid(self, path: str, prop: dict[str, Any], name: str, value: Any) -> None:
        self.problems.append(
            (path, f"Invalid value at '{path}' ({_type_name(prop, name)}), {_shown(value)}")
        )

    def message(self, value: dict[str, Any], schema_name: str, path: str) -> dict[str, Any]:
        props = schema(schema_name).get("properties", {})
        checked: dict[str, Any] = {}
        for key, item in value.items():
            if item is None and not self.response:
                continue
            if key not in props:
                self.unknown(key, path)
            else:
                checked[key] = self.value(item, props[key], key, self._path(path, key))
        return checked

    def value(
        self, value: Any, prop: dict[str, Any], name: str, path: str, element: bool = False
    ) -> Any:
        """Check one value and return it normalised; `element` marks a list item (a nested list
        is then a ListValue itself)."""
        if "$ref" in prop:
            if isinstance(value, dict):
                return self.message(value, prop["$ref"], path)
            self.invalid(path, prop, name, value)
            return value
        kind = prop.get("type")
        if kind == "array":
            if not isinstance(value, list):
                self.invalid(path, prop if element else prop["items"], name, value)
                return value
            return [
                self.value(item, prop["items"], name, f"{path}[{index}]", element=True)
                for index, item in enumerate(value)
            ]
        if kind == "object" and "additionalProperties" in prop:
            if not isinstance(value, dict):
                self.invalid(path, prop, name, value)
                return value
            return {
                key: self.value(item, prop["additionalProperties"], key, f"{path}[{key}]")
                for key, item in value.items()
            }
        if kind in ("any", "object"):
            return value
        if not self.scalar_ok(value, prop):
            self.invalid(path, prop, name, value)
            return value
        return value if self.response else _normalised(value, prop)

    def scalar_ok(self, value: Any, prop: dict[str, Any]) -> bool:
        kind = prop.get("type")
        if "enum" in prop:
            return value in prop["enum"] or (
                not self.response
                and type(value) is int  # a bool is not an enum number
                and 0 <= value < len(prop["enum"])
            )
        if kind == "boolean":
            return isinstance(value, bool)
        if kind == "string":
            return isinstance(value, str)
        if isinstance(value, bool):
            return False
        if kind == "integer":
            if isinstance(value, int):
                return True
            lenient = not self.response or prop.get("format") in ("int64", "uint64")
            return lenient and (
                (isinstance(value, float) and value.is_integer())
                or (isinstance(value, str) and bool(_INTEGER_TEXT.fullmatch(value)))
            )
        if kind == "number":
            if isinstance(value, (int, float)):
                return True
            return not self.response and isinstance(value, str) and _is_number_text(value)
        return True


def _normalised(value: Any, prop: dict[str, Any]) -> Any:
    """Proto3 JSON spellings as plain values: `"5"` -> 5 for integers, enum numbers -> names."""
    if "enum" in prop:
        return prop["enum"][value] if isinstance(value, int) else value
    if prop.get("type") == "integer":
        return int(value)
    if prop.get("type") == "number" and isinstance(value, str):
        return float(value)
    return value


def _is_number_text(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _raise_problems(problems: list[tuple[str, str]]) -> None:
    if not problems:
        return
    violations = [
        {"field": field, "description": text} if field else {"description": text}
        for field, text in problems
    ]
    raise ApiError(
        400,
        "\n".join(text for _, text in problems),
        [{"@type": BAD_REQUEST_TYPE, "fieldViolations": violations}],
    )


def validate_body(method_id: str, body: Any) -> Any:
    """Refuse a body Google would refuse (unknown names, wrongly typed values, all reported) and
    return it normalised: JSON nulls dropped from objects ("unset"), `"5"` read as 5."""
    request = methods()[method_id].get("request")
    if request is None:
        return body
    if not isinstance(body, dict):
        raise bad_request(
            'Invalid JSON payload received. Unknown name "": Root element must be a message.'
        )
    walker = _Walker(response=False)
    checked = walker.message(body, request["$ref"], _BODY_FIELD.get(method_id, ""))
    _raise_problems(walker.problems)
    return checked


def parse_query(method_id: str, query: dict[str, list[str]]) -> dict[str, Any]:
    """Typed query parameters; booleans accept True/False/true/false as Google does."""
    declared = {
        name: spec
        for name, spec in methods()[method_id].get("parameters", {}).items()
        if spec["location"] == "query"
    }
    declared.update(document()["parameters"])
    typed: dict[str, Any] = {}
    for name, texts in query.items():
        spec = declared.get(name)
        if spec is None:
            raise bad_request(
                f'Invalid JSON payload received. Unknown name "{name}": Cannot bind query parameter. '
                f"Field '{name}' could not be found in request message."
            )
        converted = [_query_value(name, spec, text) for text in texts]
        typed[name] = converted if spec.get("repeated") else converted[-1]
    return typed


def _query_value(name: str, spec: dict[str, Any], text: str) -> Any:
    if spec.get("type") == "boolean":
        if text.lower() not in ("true", "false"):
            raise bad_request(f"Invalid value at '{_snake(name)}' (TYPE_BOOL), {_shown(text)}")
        return text.lower() == "true"
    if "enum" in spec and text not in spec["enum"]:
        raise bad_request(
            f"Invalid value at '{_snake(name)}' ({_type_name(spec, name)}), {_shown(text)}"
        )
    return text


def check_response(method_id: str, body: Any) -> None:
    """Raise ResponseMismatch when a reply has a field, type or enum value the schema lacks."""
    response = methods()[method_id].get("response")
    if response is None:
        if body not in ({}, None):
            raise ResponseMismatch(f"{method_id} replies with an empty body, got {_shown(body)}")
        return
    if not isinstance(body, dict):
        raise ResponseMismatch(f"{method_id} must reply with an object, got {_shown(body)}")
    walker = _Walker(response=True)
    walker.message(body, response["$ref"], "")
    if walker.problems:
        raise ResponseMismatch(f"{method_id}: " + "\n".join(text for _, text in walker.problems))


def mask_problems(schema_name: str, tree: MaskTree) -> list[str]:
    """Names in a field mask that the schema does not have (for `fields` validation)."""
    problems: list[str] = []
    props = schema(schema_name).get("properties", {})
    for key, sub in tree.items():
        if key == "*":
            continue
        prop = props.get(key)
        if prop is None:
            problems.append(key)
            continue
        target = prop.get("items", prop) if prop.get("type") == "array" else prop
        if sub is None:
            continue
        if "$ref" not in target:
            problems.append(f"{key}.{next(iter(sub))}")
            continue
        problems.extend(f"{key}.{name}" for name in mask_problems(target["$ref"], sub))
    return problems
