"""Configuration: a TOML file found by --config, $HANDOFFS_CONFIG or ./handoffs.toml (docs/configuration.md)."""

from __future__ import annotations

import difflib
import math
import os
import stat
import tomllib
from dataclasses import Field, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from handoffs.model.errors import UsageError

DEFAULT_WORKBOOK = "handoffs.xlsx"
CONFIG_ENV = "HANDOFFS_CONFIG"
LOCAL_CONFIG = "handoffs.toml"
DEMO_CONFIG = "handoffs-demo.toml"  # what `handoffs demo` writes beside its workbook


@dataclass(frozen=True)
class SheetConfig:
    backend: str = "xlsx"
    path: Path = Path(DEFAULT_WORKBOOK)
    spreadsheet: str = ""
    credentials: str = ""
    retry_seconds: float = 60.0


@dataclass(frozen=True)
class ReviewConfig:
    every_days: int = 91
    trial_days: int = 14


@dataclass(frozen=True)
class ScoringConfig:
    rework_hours: float = 2.0
    delay_hours: float = 4.0


@dataclass(frozen=True)
class CompressionConfig:
    min_hours: float = 4.0


@dataclass(frozen=True)
class TemplatesConfig:
    notes_folder: Path | None = None


@dataclass(frozen=True)
class NotifyConfig:
    """Apprise URLs for notices (docs/notices.md); `${NAME}` is expanded only when sending."""

    team: tuple[str, ...] = ()
    email: str = ""
    worse_by_hours: float = 2.0
    retry_seconds: float = 30.0  # the run's time budget for sending, retries included
    timeout_seconds: float = 10.0  # the longest one message may wait on one channel


@dataclass(frozen=True)
class RollupConfig:
    """`[rollup]`: present only in an organisation's config (docs/rollup.md)."""

    concurrency: int = 8  # team spreadsheets read at once
    reads_per_minute: int = 60  # the Sheets API's per-user read quota
    top: int = 20  # rows of Org Worst Handoffs
    workbook_folder: Path | None = None  # team workbooks must be in it (default: the config's)


@dataclass(frozen=True)
class Config:
    sheet: SheetConfig = field(default_factory=SheetConfig)
    review: ReviewConfig = field(default_factory=ReviewConfig)
    scoring: ScoringConfig = field(default_factory=ScoringConfig)
    compression: CompressionConfig = field(default_factory=CompressionConfig)
    templates: TemplatesConfig = field(default_factory=TemplatesConfig)
    notify: NotifyConfig = field(default_factory=NotifyConfig)
    rollup: RollupConfig = field(default_factory=RollupConfig)
    organisation: bool = False  # a [rollup] section: the spreadsheet is an organisation's
    source: Path | None = None  # the file it came from, None for built-in defaults


_SECTIONS: dict[str, type] = {
    "sheet": SheetConfig,
    "review": ReviewConfig,
    "scoring": ScoringConfig,
    "compression": CompressionConfig,
    "templates": TemplatesConfig,
    "notify": NotifyConfig,
    "rollup": RollupConfig,
}
_BACKENDS = ("xlsx", "gsheets")
# Upper bounds for numbers: beyond them a value is a typo, and dates or waits overflow. A number
# key not listed here is still bounded by _ANY_NUMBER_MAX (and always finite, ≥ 0).
_NUMBER_MAX: dict[str, tuple[int, str]] = {
    "[sheet] retry_seconds": (3600, "seconds"),
    "[review] every_days": (3660, "days"),
    "[review] trial_days": (3660, "days"),
    "[scoring] rework_hours": (1000, "hours"),
    "[scoring] delay_hours": (1000, "hours"),
    "[compression] min_hours": (100_000, "hours"),
    "[notify] worse_by_hours": (1000, "hours"),
    "[notify] retry_seconds": (3600, "seconds"),
    "[notify] timeout_seconds": (3600, "seconds"),
}
_ANY_NUMBER_MAX = 1_000_000
_NOTIFY_MIN_SECONDS = 0.1  # [notify] waits: less could never deliver anything
NOTES_FOLDER = "handoff-notes"  # the default notes folder, used when it exists beside the config


def find_config_file(explicit: str | None, cwd: Path | None = None) -> Path | None:
    """The config file in docs/configuration.md order, or None to use the local workbook."""
    if explicit:
        path = Path(explicit).expanduser()
        if not path.is_file():
            raise UsageError(f"Config file {path} does not exist; check the --config path.")
        return path
    env = os.environ.get(CONFIG_ENV)
    if env:
        path = Path(env).expanduser()
        if not path.is_file():
            raise UsageError(f"${CONFIG_ENV} points at {path}, which does not exist.")
        return path
    local = (cwd or Path.cwd()) / LOCAL_CONFIG
    return local if local.is_file() else None


def load_config(explicit: str | None = None, cwd: Path | None = None) -> Config:
    """Read and check the configuration; relative paths are taken from the config's folder."""
    base = cwd or Path.cwd()
    path = find_config_file(explicit, base)
    if path is None:
        workbook = base / DEFAULT_WORKBOOK
        kind = special_file(workbook)
        if kind is not None:
            raise UsageError(
                f"{workbook} is {kind}, not a workbook file; handoffs reads and writes only a "
                "regular .xlsx file. Remove it, or run in another folder."
            )
        return Config(
            sheet=SheetConfig(path=workbook),
            templates=TemplatesConfig(notes_folder=_default_notes_folder(base)),
        )
    return parse_config(read_config_data(path), path)


def read_config_data(path: Path) -> dict[str, Any]:
    """The config file's TOML as a dict; a UsageError saying what is wrong with the file."""
    try:
        # utf-8-sig: Windows Notepad saves UTF-8 with a byte-order mark, which TOML rejects.
        return tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"Config file {path} is not UTF-8 text (byte {exc.start}); save it as UTF-8."
        ) from exc
    except OSError as exc:
        raise UsageError(f"Cannot read config file {path}: {exc.strerror or exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"Config file {path} is not valid TOML: {exc}") from exc


def _close_match(word: str, choices: Any) -> str:
    """The closest of `choices` to a mistyped `word`, or ""."""
    found = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return found[0] if found else ""


@dataclass(frozen=True)
class UnknownKey:
    """A section or key the config does not know, and the known one it is closest to."""

    label: str  # "[sheet] pth" or "[shet]"
    close: str  # "[sheet] path", or "" when nothing is close
    message: str  # the whole sentence, naming the file and what is known


def unknown_keys(data: dict[str, Any], path: Path) -> list[UnknownKey]:
    """Each section and key the config does not know, with its close match."""
    found = []
    for name in sorted(set(data) - set(_SECTIONS)):
        close = _close_match(name, _SECTIONS)
        sections = ", ".join(f"[{section}]" for section in _SECTIONS)
        message = f"{path}: unknown section [{name}]; the sections are {sections}"
        hint = f" Did you mean [{close}]?" if close else ""
        found.append(
            UnknownKey(
                f"[{name}]", close and f"[{close}]", f"{message} (see config.example.toml).{hint}"
            )
        )
    for name, cls in _SECTIONS.items():
        table = data.get(name)
        known = [f.name for f in fields(cls)]
        for key in table if isinstance(table, dict) else ():
            if key not in known:
                close = _close_match(key, known)
                hint = f" Did you mean {close}?" if close else ""
                message = f"{path}: unknown key [{name}] {key}; the keys are {', '.join(known)}."
                found.append(
                    UnknownKey(f"[{name}] {key}", close and f"[{name}] {close}", message + hint)
                )
    return found


def known_only(data: dict[str, Any]) -> dict[str, Any]:
    """`data` without the sections and keys `unknown_keys` names (doctor checks the rest)."""
    kept: dict[str, Any] = {}
    for name, table in data.items():
        if name not in _SECTIONS:
            continue
        known = {f.name for f in fields(_SECTIONS[name])}
        kept[name] = (
            {k: v for k, v in table.items() if k in known} if isinstance(table, dict) else table
        )
    return kept


def parse_config(data: dict[str, Any], path: Path) -> Config:
    """Build a Config from parsed TOML, naming the exact key on any mistake."""
    unknown = unknown_keys(data, path)
    if unknown:
        raise UsageError(unknown[0].message)
    sections: dict[str, Any] = {}
    for name, cls in _SECTIONS.items():
        table = data.get(name, {})
        if not isinstance(table, dict):
            raise UsageError(f"{path}: [{name}] must be a table of keys.")
        sections[name] = _build_section(cls, name, table, path)
    sheet: SheetConfig = sections["sheet"]
    if sheet.backend not in _BACKENDS:
        raise UsageError(
            f'{path}: [sheet] backend = "{sheet.backend}" is not known; use "xlsx" or "gsheets".'
        )
    if sheet.backend == "gsheets" and not sheet.spreadsheet:
        raise UsageError(
            f'{path}: [sheet] backend = "gsheets" needs spreadsheet = "<URL or key of the sheet>".'
        )
    folder = path.parent
    sections["sheet"] = replace(sheet, path=folder / sheet.path)
    if sections["sheet"].path.is_dir():
        raise UsageError(
            f'{path}: [sheet] path = "{sheet.path}" is a folder; name the workbook file in it, '
            'e.g. "handoffs.xlsx".'
        )
    kind = special_file(sections["sheet"].path)
    if kind is not None:
        raise UsageError(
            f'{path}: [sheet] path = "{sheet.path}" is {kind}, not a workbook file; name a '
            'regular .xlsx file, e.g. "handoffs.xlsx".'
        )
    if sheet.credentials not in ("", "oauth", "adc"):  # a key file, beside the config like path
        key_file = folder / Path(sheet.credentials).expanduser()
        sections["sheet"] = replace(sections["sheet"], credentials=str(key_file))
    notes = sections["templates"].notes_folder
    if notes is not None:
        sections["templates"] = replace(sections["templates"], notes_folder=folder / notes)
        _check_notes_folder(folder / notes, notes, path)
    elif "notes_folder" not in data.get("templates", {}):
        sections["templates"] = replace(
            sections["templates"], notes_folder=_default_notes_folder(folder)
        )
    notify: NotifyConfig = sections["notify"]
    for key in ("retry_seconds", "timeout_seconds"):
        if getattr(notify, key) < _NOTIFY_MIN_SECONDS:
            raise UsageError(
                f"{path}: [notify] {key} must be at least {_NOTIFY_MIN_SECONDS} seconds, or "
                f"nothing could be sent; got {getattr(notify, key)!r}."
            )
    rollup: RollupConfig = sections["rollup"]
    if rollup.workbook_folder is not None:
        rollup = replace(rollup, workbook_folder=folder / rollup.workbook_folder)
        sections["rollup"] = rollup
    if rollup.concurrency < 1 or rollup.reads_per_minute < 1:
        raise UsageError(f"{path}: [rollup] concurrency and reads_per_minute must be at least 1.")
    return Config(**sections, organisation="rollup" in data, source=path)


def special_file(path: Path) -> str | None:
    """What `path` is when it exists and is not a regular file (after links): "a folder", "a
    named pipe (FIFO)", "a device", "a socket"; None for a regular file or nothing. Opening
    such a path would hang (a FIFO) or read forever (/dev/zero), so it is refused unopened."""
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return None
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a socket" if stat.S_ISSOCK(mode) else "not a regular file"


def _check_notes_folder(notes: Path, typed: Path, path: Path) -> None:
    """A notes folder is read whole (every .md below it): not the root of a file system, and
    not a file."""
    real = Path(os.path.realpath(notes))
    if real == Path(real.anchor):
        raise UsageError(
            f'{path}: [templates] notes_folder = "{typed}" is the root of the file system '
            f"({real.anchor}), which handoffs would search whole; name the folder that holds "
            f'the team\'s handoff notes, e.g. "{NOTES_FOLDER}".'
        )
    kind = special_file(notes) or ("a regular file" if notes.exists() else "a folder")
    if kind != "a folder":
        raise UsageError(
            f'{path}: [templates] notes_folder = "{typed}" is {kind}, not a folder; name the '
            f'folder that holds the team\'s handoff notes, e.g. "{NOTES_FOLDER}".'
        )


def _default_notes_folder(folder: Path) -> Path | None:
    """`[templates] notes_folder` when unset: ./handoff-notes beside the config, if it exists."""
    candidate = folder / NOTES_FOLDER
    return candidate if candidate.is_dir() else None


def _build_section(cls: type, name: str, table: dict[str, Any], path: Path) -> Any:
    known = {f.name: f for f in fields(cls)}
    values: dict[str, Any] = {}
    for key, value in table.items():
        spec = known[key]  # parse_config refused unknown keys
        values[key] = _coerce(value, spec, f"[{name}] {key}", path)
    return cls(**values)


def _coerce(value: Any, spec: Field[Any], label: str, path: Path) -> Any:
    expected = str(spec.type)
    if "Path" in expected:
        example = spec.default if isinstance(spec.default, Path) else NOTES_FOLDER
        if not isinstance(value, str):
            raise UsageError(f'{path}: {label} must be a path in quotes, e.g. "{example}".')
        if not value.strip():
            raise UsageError(f'{path}: {label} is empty; type a path in quotes, e.g. "{example}".')
        if any(ord(ch) < 32 for ch in value):
            raise UsageError(
                f"{path}: {label} = {value!r} contains a control character; type the path "
                "without escapes such as \\u0000 or \\n."
            )
        return Path(value).expanduser()
    if expected.startswith("tuple[str"):  # a list of text, e.g. [notify] team
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise UsageError(f'{path}: {label} must be a list of text, e.g. ["slack://…"].')
        return tuple(value)
    if expected == "str":
        if not isinstance(value, str):
            raise UsageError(f"{path}: {label} must be text in quotes.")
        return value
    if expected in ("int", "float"):
        return _number(value, expected == "int", label, path, example=spec.default)
    raise AssertionError(f"unhandled config type {expected}")


def _number(value: Any, whole: bool, label: str, path: Path, example: Any) -> int | float:
    """A finite number between 0 and the key's upper bound; a whole one for int keys."""
    limit, unit = _NUMBER_MAX.get(label, (_ANY_NUMBER_MAX, ""))
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise UsageError(f"{path}: {label} must be a number ≥ 0, e.g. {example}; got {value!r}.")
    if not math.isfinite(value) or value > limit:
        within = f"{limit:,} {unit}".strip()
        raise UsageError(
            f"{path}: {label} must be a number from 0 to {within}, e.g. {example}; got {value!r}."
        )
    if whole:
        if not float(value).is_integer():
            raise UsageError(f"{path}: {label} must be a whole number; got {value!r}.")
        return int(value)
    return float(value)
