"""Text from the spreadsheet as a terminal may show it (docs/commands.md).

A cell can hold an escape sequence (`\\x1b[2J` clears the screen, `\\x1b]8;;…` plants a link)
or a right-to-left override that makes a line read differently from what it is. Everything
printed that may contain cell text goes through `printable`, so such characters are shown as
visible escapes and never act.
"""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, C1 controls (\x9b is a one-byte CSI), and the
# invisible bidirectional marks and overrides.
_HIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str, *, json: bool = False) -> str:
    """`text` with every control character, escape and bidi override written out: `\\x1b`
    (`\\u001b` with `json=True`, so a JSON document stays valid JSON). Tabs and newlines stay."""
    if json:
        return _HIDDEN.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return _HIDDEN.sub(_escape, text)


def one_line(text: str) -> str:
    """`printable`, and newlines and tabs written out too: for text that must stay on its line."""
    return printable(text).replace("\n", "\\n").replace("\t", "\\t")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
