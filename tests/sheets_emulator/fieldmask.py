"""Field masks: the `fields` query parameter on replies and the `fields` of update requests.

Both `a.b` and `a/b` separate path parts, and `a(b,c)` groups, as Google accepts them
(`sheets(properties,merges)`, `userEnteredFormat(backgroundColor,textFormat)`, `*`).
"""

from __future__ import annotations

import copy
from typing import Any, Optional

MaskTree = dict[str, Optional["MaskTree"]]
"""Selected fields; None selects a field's whole subtree."""


class MaskError(ValueError):
    """A mask that does not parse."""


def _merge(tree: MaskTree, key: str, sub: MaskTree | None) -> None:
    if key in tree and (tree[key] is None or sub is None):
        tree[key] = None
    elif key in tree:
        existing = tree[key]
        assert existing is not None and sub is not None
        for child, grand in sub.items():
            _merge(existing, child, grand)
    else:
        tree[key] = sub


def parse_mask(text: str) -> MaskTree:
    """`sheets.data.rowData.values.note,sheets(properties/title)` -> nested dict of selections."""
    tree, pos = _parse_list(text.replace(" ", ""), 0)
    if pos != len(text.replace(" ", "")):
        raise MaskError(text)
    return tree


def _parse_list(text: str, pos: int) -> tuple[MaskTree, int]:
    tree: MaskTree = {}
    while True:
        path: list[str] = []
        while True:
            start = pos
            while pos < len(text) and text[pos] not in ".,/()":
                pos += 1
            if pos == start:
                raise MaskError(text)
            path.append(text[start:pos])
            if pos < len(text) and text[pos] in "./":
                pos += 1
                continue
            break
        sub: MaskTree | None = None
        if pos < len(text) and text[pos] == "(":
            sub, pos = _parse_list(text, pos + 1)
            if pos >= len(text) or text[pos] != ")":
                raise MaskError(text)
            pos += 1
        for key in reversed(path[1:]):
            sub = {key: sub}
        _merge(tree, path[0], sub)
        if pos < len(text) and text[pos] == ",":
            pos += 1
            continue
        return tree, pos


def apply_mask(value: Any, tree: MaskTree | None) -> Any:
    """Keep only the selected fields; list items that end up empty stay as `{}`, as Google sends."""
    if tree is None or "*" in tree or not isinstance(value, (dict, list)):
        return value
    if isinstance(value, list):
        return [apply_mask(item, tree) for item in value]
    return {key: apply_mask(value[key], sub) for key, sub in tree.items() if key in value}


def selects(tree: MaskTree | None, path: list[str]) -> bool:
    """Whether the mask asks for anything at or below `path` (e.g. sheets.data for grid data)."""
    for key in path:
        if tree is None or "*" in tree:
            return True
        if key not in tree:
            return False
        tree = tree[key]
    return True


def apply_update(target: dict[str, Any], source: dict[str, Any], tree: MaskTree) -> None:
    """Copy the masked fields of `source` into `target`; masked fields absent from `source` are
    cleared, which is how an update request with `fields` resets a value to its default."""
    if "*" in tree:
        target.clear()
        target.update(copy.deepcopy(source))
        return
    for key, sub in tree.items():
        if sub is None:
            if key in source:
                target[key] = copy.deepcopy(source[key])
            else:
                target.pop(key, None)
            continue
        child = target.get(key)
        child = child if isinstance(child, dict) else {}
        given = source.get(key)
        apply_update(child, given if isinstance(given, dict) else {}, sub)
        if child:
            target[key] = child
        else:
            target.pop(key, None)
