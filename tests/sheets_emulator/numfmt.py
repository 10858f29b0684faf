"""Numbers, dates and number formats as Sheets reads and shows them in the en_US locale."""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

EPOCH = datetime(1899, 12, 30)
DATE_KINDS = frozenset({"DATE", "TIME", "DATE_TIME"})
_DEFAULT_PATTERNS = {
    "DATE": "M/d/yyyy",
    "TIME": "h:mm:ss am/pm",
    "DATE_TIME": "M/d/yyyy H:mm:ss",
    "PERCENT": "0.00%",
    "CURRENCY": '"$"#,##0.00',
    "SCIENTIFIC": "0.00E+00",
}

_NUMBER = r"(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d*)?(?:[eE][+-]?\d+)?"
_PLAIN_NUMBER = re.compile(rf"[+-]?{_NUMBER}")
_PERCENT = re.compile(rf"([+-]?{_NUMBER})\s*%")
_CURRENCY = re.compile(rf"([+-]?)\$({_NUMBER})")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?")
_US_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?")
_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([AaPp][Mm]))?")
_DATE_TOKEN = re.compile(
    r'"[^"]*"|\\.|yyyy|yy|mmmmm|mmmm|mmm|mm|m|dddd|ddd|dd|d|hh|h|ss|s|am/pm|a/p|\.0+|.',
    re.IGNORECASE,
)

ParsedInput = tuple[dict[str, Any] | None, dict[str, str] | None]


def serial_from_datetime(moment: datetime) -> float:
    """Days since 1899-12-30, the fraction being the time of day (Sheets' SERIAL_NUMBER)."""
    delta = moment - EPOCH
    return delta.days + delta.seconds / 86400


def datetime_from_serial(serial: float) -> datetime:
    days = math.floor(serial)
    return EPOCH + timedelta(days=days, seconds=round((serial - days) * 86400))


def _to_float(text: str) -> float | None:
    if not any(char.isdigit() for char in text):
        return None
    return float(text.replace(",", ""))


def _moment(year: int, month: int, day: int, parts: tuple[str | None, ...]) -> datetime | None:
    hour, minute, second = (int(part) if part else 0 for part in parts)
    try:
        return datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None


def _parse_date(text: str) -> ParsedInput | None:
    iso, us = _ISO_DATE.fullmatch(text), _US_DATE.fullmatch(text)
    if iso:
        moment = _moment(int(iso[1]), int(iso[2]), int(iso[3]), (iso[4], iso[5], iso[6]))
        kind, pattern = ("DATE_TIME", "yyyy-mm-dd H:mm:ss") if iso[4] else ("DATE", "yyyy-mm-dd")
    elif us:
        moment = _moment(int(us[3]), int(us[1]), int(us[2]), (us[4], us[5], us[6]))
        kind, pattern = ("DATE_TIME", "M/d/yyyy H:mm:ss") if us[4] else ("DATE", "M/d/yyyy")
    else:
        return None
    if moment is None:
        return None
    return {"numberValue": serial_from_datetime(moment)}, {"type": kind, "pattern": pattern}


def _parse_time(text: str) -> ParsedInput | None:
    match = _TIME.fullmatch(text)
    if not match:
        return None
    hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
    if match[4]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if match[4].lower() == "pm" else 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    value = (hour * 3600 + minute * 60 + second) / 86400
    return {"numberValue": value}, {"type": "TIME", "pattern": "h:mm:ss am/pm"}


def parse_user_entered(text: str) -> ParsedInput:
    """Read a string "as if the user typed it": formulas, booleans, numbers, percentages, dates.

    Returns (userEnteredValue or None for an empty cell, the number format Sheets would pick or None).
    """
    if text == "":
        return None, None
    if text.startswith("=") and len(text) > 1:
        return {"formulaValue": text}, None
    if text.startswith("'"):
        return {"stringValue": text[1:]}, None
    stripped = text.strip()
    if stripped.upper() in ("TRUE", "FALSE"):
        return {"boolValue": stripped.upper() == "TRUE"}, None
    if _PLAIN_NUMBER.fullmatch(stripped) and (number := _to_float(stripped)) is not None:
        if "e" in stripped.lower():
            return {"numberValue": number}, {"type": "SCIENTIFIC", "pattern": "0.00E+00"}
        if "," in stripped:
            pattern = "#,##0.00" if "." in stripped else "#,##0"
            return {"numberValue": number}, {"type": "NUMBER", "pattern": pattern}
        return {"numberValue": number}, None
    percent = _PERCENT.fullmatch(stripped)
    if percent and (number := _to_float(percent[1])) is not None:
        pattern = "0.00%" if "." in percent[1] else "0%"
        return {"numberValue": number / 100}, {"type": "PERCENT", "pattern": pattern}
    currency = _CURRENCY.fullmatch(stripped)
    if currency and (number := _to_float(currency[2])) is not None:
        sign = -1 if currency[1] == "-" else 1
        return {"numberValue": sign * number}, {"type": "CURRENCY", "pattern": '"$"#,##0.00'}
    return _parse_date(stripped) or _parse_time(stripped) or ({"stringValue": text}, None)


def format_general(value: float) -> str:
    """Sheets' automatic format: `1` -> "1", `1.45` -> "1.45", huge or tiny numbers in E notation."""
    if value == 0:
        return "0"
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = f"{value:.15g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        return f"{mantissa}E{int(exponent):+03d}"
    return text


def format_number(value: float, number_format: dict[str, Any] | None) -> str:
    """Render a number under a cell's number format, the way FORMATTED_VALUE shows it."""
    kind = (number_format or {}).get("type")
    pattern = (number_format or {}).get("pattern") or _DEFAULT_PATTERNS.get(kind or "")
    if not pattern or kind == "TEXT":
        return format_general(value)
    if kind in DATE_KINDS:
        return format_datetime(value, pattern)
    return _format_with_pattern(value, pattern)


def format_datetime(serial: float, pattern: str) -> str:
    """Apply a date/time pattern (`yyyy-mm-dd`, `M/d/yyyy H:mm:ss`, `h:mm am/pm`, ...)."""
    moment = datetime_from_serial(serial)
    tokens, twelve_hour = _date_tokens(pattern)
    hour = (moment.hour % 12 or 12) if twelve_hour else moment.hour
    return "".join(_DATE_PARTS[text](moment, hour) if part else text for part, text in tokens)


@functools.lru_cache(maxsize=256)
def _date_tokens(pattern: str) -> tuple[tuple[tuple[bool, str], ...], bool]:
    """(is a date part, text) tokens of a pattern, and whether it shows a 12-hour clock.

    `m`/`mm` mean minutes right after an hour or right before seconds, months otherwise.
    """
    tokens = [
        (True, token.lower()) if token.lower() in _DATE_PARTS else (False, _literal(token))
        for token in _DATE_TOKEN.findall(pattern)
    ]
    names = [text if part else "" for part, text in tokens]
    for i, name in enumerate(names):
        if name in ("m", "mm"):
            before = [n for n in names[:i] if n]
            after = [n for n in names[i + 1 :] if n]
            if (before and before[-1] in ("h", "hh")) or (after and after[0] in ("s", "ss")):
                tokens[i] = (True, "minute" if name == "m" else "minutes")
    return tuple(tokens), any(name in ("am/pm", "a/p") for name in names)


def _literal(token: str) -> str:
    if token.startswith('"'):
        return token[1:-1]
    if token.startswith("\\"):
        return token[1:]
    return token


_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_DATE_PARTS: dict[str, Callable[[datetime, int], str]] = {
    "yyyy": lambda m, h: f"{m.year:04d}",
    "yy": lambda m, h: f"{m.year % 100:02d}",
    "mmmmm": lambda m, h: _MONTHS[m.month - 1][0],
    "mmmm": lambda m, h: _MONTHS[m.month - 1],
    "mmm": lambda m, h: _MONTHS[m.month - 1][:3],
    "mm": lambda m, h: f"{m.month:02d}",
    "m": lambda m, h: str(m.month),
    "minutes": lambda m, h: f"{m.minute:02d}",
    "minute": lambda m, h: str(m.minute),
    "dddd": lambda m, h: _DAYS[m.weekday()],
    "ddd": lambda m, h: _DAYS[m.weekday()][:3],
    "dd": lambda m, h: f"{m.day:02d}",
    "d": lambda m, h: str(m.day),
    "hh": lambda m, h: f"{h:02d}",
    "h": lambda m, h: str(h),
    "ss": lambda m, h: f"{m.second:02d}",
    "s": lambda m, h: str(m.second),
    "am/pm": lambda m, h: "AM" if m.hour < 12 else "PM",
    "a/p": lambda m, h: "A" if m.hour < 12 else "P",
}


def _split_sections(pattern: str) -> list[str]:
    sections, current, quoted = [], "", False
    for char in pattern:
        if char == '"':
            quoted = not quoted
        if char == ";" and not quoted:
            sections.append(current)
            current = ""
        else:
            current += char
    return [*sections, current]


def _format_with_pattern(value: float, pattern: str) -> str:
    """Number patterns: `0`, `0.00`, `#,##0.00`, `0%`, `"$"#,##0.00`, `0.00E+00`, `pos;neg;zero`."""
    sections = _number_sections(pattern)
    (prefix, spec, suffix), sign = sections[0], "-" if value < 0 else ""
    if value < 0 and len(sections) > 1:
        (prefix, spec, suffix), sign = sections[1], ""
    elif value == 0 and len(sections) > 2:
        prefix, spec, suffix = sections[2]
    number = abs(value) * (100 if "%" in prefix + suffix else 1)
    return f"{sign}{prefix}{_format_spec(number, spec)}{suffix}"


@functools.lru_cache(maxsize=256)
def _number_sections(pattern: str) -> tuple[tuple[str, str, str], ...]:
    """Each `;` section of a number pattern as (literal prefix, digit spec, literal suffix)."""
    return tuple(_parse_section(section) for section in _split_sections(pattern))


def _parse_section(section: str) -> tuple[str, str, str]:
    prefix, spec, suffix, i = "", "", "", 0
    while i < len(section):
        char = section[i]
        if char == '"':
            end = section.find('"', i + 1)
            end = len(section) if end < 0 else end
            literal, i = section[i + 1 : end], end + 1
        elif char == "\\" and i + 1 < len(section):
            literal, i = section[i + 1], i + 2
        elif char in "_*" and i + 1 < len(section):
            literal, i = (" " if char == "_" else ""), i + 2
        elif char in "0#?,." or (char in "Ee" and spec and section[i + 1 : i + 2] in ("+", "-")):
            step = 2 if char in "Ee" else 1
            spec, i = spec + section[i : i + step], i + step
            continue
        else:
            literal, i = char, i + 1
        if spec:
            suffix += literal
        else:
            prefix += literal
    return prefix, spec, suffix


def _format_spec(number: float, spec: str) -> str:
    if not spec:
        return ""
    mantissa_spec, _, exponent_spec = spec.upper().partition("E")
    exponent = 0
    if exponent_spec and number:
        exponent = math.floor(math.log10(number))
        number /= 10**exponent
    int_spec, _, frac_spec = mantissa_spec.partition(".")
    max_frac = sum(char in "0#?" for char in frac_spec)
    min_frac = frac_spec.count("0")
    rounded = Decimal(repr(number)).quantize(Decimal(1).scaleb(-max_frac), rounding=ROUND_HALF_UP)
    whole, _, frac = f"{rounded:f}".partition(".")
    frac = frac.rstrip("0").ljust(min_frac, "0") if max_frac else ""
    min_int = int_spec.count("0")
    whole = whole.lstrip("0").rjust(min_int, "0")
    if "," in int_spec and whole:
        whole = f"{int(whole):,}"
    text = whole + ("." + frac if "." in mantissa_spec and (frac or min_frac) else "")
    if exponent_spec:
        digits = len(exponent_spec) - 1
        text += f"E{'-' if exponent < 0 else '+'}{abs(exponent):0{digits}d}"
    return text
