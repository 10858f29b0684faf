"""`${NAME}` in a channel's URL (docs/notices.md#channels): each value read from the environment
and percent-encoded for the part of the URL it lands in, so a secret holding `@`, `:`, `/`, `?`,
`&` or `#` stays one user name, password, host, path segment or query value and can never move
the login to another server. Secrets are remembered so that every message can mask them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote

from handoffs.model.errors import UsageError

_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_SCHEME_END = "://"
MASK = "****"
# How each part is called in messages, and what may stay unencoded in it (a host keeps its
# port separator and IPv6 brackets; everything else is encoded, even `/` in a path segment).
_SAFE = {"user": "", "password": "", "host": ":[]", "path": "", "query": "", "fragment": ""}
_WHERE = {
    "user": "as the user name",
    "password": "as the password",
    "host": "as the host",
    "path": "in the path",
    "query": "in the query",
    "fragment": "after the #",
}


@dataclass(frozen=True)
class SecretUse:
    """One `${NAME}` in a URL: where it goes, and whether the environment sets it."""

    name: str
    part: str  # user, password, host, path, query, fragment
    is_set: bool

    def __str__(self) -> str:
        state = "set" if self.is_set else f"NOT SET (export {self.name}=… before sending)"
        return f"${{{self.name}}} {_WHERE[self.part]}: {state}"


def _part_at(template: str, position: int) -> str:
    """The URL part the character at `position` belongs to. A `${NAME}` holds none of the
    characters that separate parts, so the template's own separators decide."""
    start = template.find(_SCHEME_END)
    start = 0 if start < 0 else start + len(_SCHEME_END)
    fragment = template.find("#", start)
    if 0 <= fragment < position:
        return "fragment"
    query = template.find("?", start)
    if 0 <= query < position and (fragment < 0 or query < fragment):
        return "query"
    ends = [i for i in (template.find(c, start) for c in "/?#") if i >= 0]
    authority_end = min(ends) if ends else len(template)
    if position >= authority_end:
        return "path"
    at = template.rfind("@", start, authority_end)
    if position > at >= 0:
        return "host"
    if at < 0:
        return "host"
    colon = template.find(":", start, at)
    return "password" if 0 <= colon < position else "user"


def secret_uses(template: str, environ: Mapping[str, str]) -> list[SecretUse]:
    """Every `${NAME}` of a configured URL, in order, with the part it lands in."""
    return [
        SecretUse(m.group(1), _part_at(template, m.start()), bool(environ.get(m.group(1))))
        for m in _VARIABLE.finditer(template)
    ]


def expand(
    template: str, label: str, environ: Mapping[str, str], *, placeholder: str | None = None
) -> tuple[str, tuple[str, ...]]:
    """The URL with each `${NAME}` replaced by its value, percent-encoded for its part, and
    the values (to mask). An unset variable is a UsageError naming only the variable and the
    key, unless `placeholder` stands in for it (a dry run, which sends nothing)."""
    secrets: list[str] = []

    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        value = environ.get(name, "")
        if not value:
            if placeholder is None:
                raise UsageError(
                    f"{label} uses ${{{name}}}, but the environment variable {name} is not set; "
                    f"set it (export {name}=…) in the environment that runs handoffs."
                )
            value = placeholder
        else:
            secrets.append(value)
        return quote(value, safe=_SAFE[_part_at(template, match.start())])

    return _VARIABLE.sub(one, template), tuple(secrets)


def mask(text: str, secrets: tuple[str, ...]) -> str:
    """`text` with every secret, as typed and as encoded in a URL, replaced by ****."""
    for secret in sorted(secrets, key=len, reverse=True):
        for form in {secret, quote(secret, safe=""), quote(secret)}:
            text = text.replace(form, MASK)
    return text
