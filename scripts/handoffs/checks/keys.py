"""Rules across rows and tabs: unique keys, one contract in use, ids that must exist.

docs/spreadsheet.md gives each tab's keys. Text keys compare ignoring case (RPT-01 and rpt-01
are one handoff); a row whose key is blank is never a copy of another (its blank is reported
as required instead). Every copy of a duplicate is an error, so none of them is counted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from handoffs.model.dataset import ROW
from handoffs.model.lookup import did_you_mean, shown
from handoffs.model.problems import WARNING, ProblemLog

if TYPE_CHECKING:
    from handoffs.checks.checked import CheckedTab


# a suggestion compares a value with every id: for a tab of unknown ids, the first few hundred
# distinct values get one, which is plenty to show what went wrong
_MAX_SUGGESTED = 500
# a copy's message names at most this many rows it shares its key with, then how many more:
# listing them all costs each of n copies n row numbers (20,000 copies took 12 GB)
LISTED_COPIES = 10


def duplicates(
    frame: pd.DataFrame,
    key: Sequence[str],
    among: np.ndarray | None = None,
    columns: Sequence[Any] | None = None,
) -> tuple[pd.Series, pd.Series] | None:
    """Rows (among `among`, default all) whose key repeats, every copy; and for each copy
    the rows it shares its key with, as '3, 9' (the first LISTED_COPIES, then 'and 7 more').
    None when no key repeats, found before any Series is built (from `columns`, the key's
    values for the frame's rows as arrays, when the caller holds them)."""
    if columns is None:
        columns = [frame[name].array for name in key]
    if not _may_repeat(columns, among):
        return None
    values = pd.DataFrame({name: _folded(frame[name]) for name in key})
    candidates = values.notna().all(axis=1)
    if among is not None:
        candidates &= among
    repeated = values[candidates].duplicated(keep=False)
    dupes = repeated.reindex(frame.index, fill_value=False).astype(bool)
    if not dupes.any():
        return None
    copies = frame.loc[dupes, ROW].astype(str)
    groups = [values.loc[dupes, name] for name in key]
    row_lists = copies.groupby(groups, sort=False).transform(_row_list)
    return dupes, row_lists.reindex(frame.index, fill_value="")


def _may_repeat(columns: Sequence[Any], among: np.ndarray | None) -> bool:
    """Whether any two rows (among `among`) share a key, decided in a few array passes before
    anything is built for the message: each key column as codes, the codes combined."""
    n = len(columns[0])
    if n < 2:
        return False
    combined = np.zeros(n, dtype=np.int64)
    usable = np.ones(n, dtype=bool) if among is None else among.copy()
    for values in columns:
        codes, distinct = _folded_codes(values)
        usable &= codes >= 0
        combined = combined * (distinct + 1) + codes
    kept = combined[usable]
    if len(kept) < 2:
        return False
    if kept.max() < 4 * len(kept) + 1024:  # codes this dense: count them
        return bool(np.bincount(kept).max() > 1)
    kept = np.sort(kept)
    return bool((kept[1:] == kept[:-1]).any())


def _folded_codes(values: Any) -> tuple[np.ndarray, int]:
    """One code per value as `_folded` compares them (-1 for a blank), and how many distinct:
    the values factorized, then their distinct texts lowered and numbered."""
    codes, uniques = pd.factorize(values)
    if not (len(uniques) and isinstance(uniques[0], str)):  # no text: compared as they are
        return codes, len(uniques)
    distinct: dict[str, int] = {}  # each lowered text's code, in order of first appearance
    folded = [distinct.setdefault(text, len(distinct)) for text in lowered(list(uniques))]
    return np.where(codes >= 0, np.array(folded, dtype=np.int64)[codes], -1), len(distinct)


def lowered(texts: list[str]) -> list[str]:
    """Each text lowered as pandas' `.str.lower()` lowers it (pyarrow's utf8_lower, which maps
    İ to i where Python's str.lower gives i + a dot): ASCII text, nearly all, by str.lower,
    which lowers it the same."""
    other = [text for text in texts if not text.isascii()]
    if not other:
        return [text.lower() for text in texts]
    low = dict(
        zip(other, pc.utf8_lower(pa.array(other, type=pa.large_string())).to_pylist(), strict=True)
    )
    return [text.lower() if text.isascii() else low[text] for text in texts]


def _row_list(rows: pd.Series) -> str:
    listed = ", ".join(rows.iloc[:LISTED_COPIES])
    rest = len(rows) - LISTED_COPIES
    return f"{listed} and {rest:,} more" if rest > 0 else listed


def _folded(values: pd.Series) -> pd.Series:
    """Text compared case-insensitively; other values as they are."""
    return values.str.lower() if pd.api.types.is_string_dtype(values.dtype) else values


def check_unique(tab: CheckedTab, log: ProblemLog) -> None:
    """The primary key and each unique field: no two rows share a value."""
    schema, frame = tab.schema, tab.frame
    unique = {tuple(schema.primary_key)} if schema.primary_key else set()
    unique |= {(spec.name,) for spec in schema.fields if spec.unique}
    for key in sorted(unique):
        found = duplicates(frame, key, columns=[tab.values[name] for name in key])
        if found is None:
            continue
        dupes, row_lists = found
        last = schema.field(key[-1])
        if len(key) == 1:
            message = (
                f"{last.title} "
                + frame.loc[dupes, key[0]].astype(str)
                + " is used more than once (rows "
                + row_lists
                + f"); each {last.title} must be unique, so change or delete the copies."
            )
        else:
            titles = " and ".join(schema.field(k).title for k in key)
            message = (
                f"The same {titles} appear more than once (rows "
                + row_lists
                + "); none of the copies is counted, keep one row and delete the others."
            )
        log.add_cells(
            schema.title,
            frame.loc[dupes, ROW],
            tab.columns.get(key[-1], -1) + 1,
            last.title,
            pd.Series(
                [shown(v) for v in tab.cells[key[-1]].raw[frame.index[dupes]]],
                index=frame.index[dupes],
            ),
            "error",
            message,
        )


def check_unique_unless(tab: CheckedTab, log: ProblemLog) -> None:
    """At most one row per key among rows not in the excepted state (one contract in use per
    handoff: the retired ones do not count)."""
    rule, frame = tab.schema.unique_unless, tab.frame
    if rule is None or frame.empty:
        return
    found = duplicates(
        frame,
        rule.fields,
        tab.values[rule.field] != rule.equals,  # a blank status is not the excepted one
        [tab.values[name] for name in rule.fields],
    )
    if found is None:
        return
    dupes, row_lists = found
    key = tab.schema.field(rule.fields[-1])
    values = frame.loc[dupes, key.name].astype(str)
    log.add_cells(
        tab.schema.title,
        frame.loc[dupes, ROW],
        tab.columns.get(key.name, -1) + 1,
        key.title,
        values,
        "error",
        values
        + " has more than one contract in use (rows "
        + row_lists
        + f"); {rule.message}: set the old one's {tab.schema.field(rule.field).title} "
        f"to {rule.equals}.",
    )


def check_foreign_keys(tab: CheckedTab, tabs: Mapping[str, CheckedTab], log: ProblemLog) -> None:
    """Each id must be one of the referenced tab's ids, matched ignoring case as everywhere else
    (a blank is reported as required instead). An id typed in another case is a warning naming
    the id as that tab spells it, and the row counts under that id. When the referenced tab or
    its id column is missing, its ids are unknown and that is reported once, not for every row
    here."""
    for key in tab.schema.foreign_keys:
        target = tabs[key.tab]
        if not target.readable or tab.frame.empty:
            continue
        typed_ids = {value for value in set(tab.values[key.field]) if not pd.isna(value)}
        if _known_ids(target, key.ref_field).issuperset(typed_ids):
            continue  # every id is known as typed: nothing to build
        known = pd.Series(target.frame[key.ref_field].dropna().astype(str).tolist(), dtype=object)
        values = tab.frame[key.field]
        unknown = values.notna() & ~values.isin(known)
        spelled = {value.casefold(): value for value in reversed(known.tolist())}  # the first
        canonical = values[unknown].astype(str).str.casefold().map(spelled)
        _respelled(tab, key.field, key.tab, canonical.dropna(), log)
        unknown &= canonical.reindex(values.index).isna()
        if not unknown.any():
            continue
        choices = list(known.unique())
        typed = values[unknown].astype(str)
        hints = {value: did_you_mean(value, choices) for value in typed.unique()[:_MAX_SUGGESTED]}
        spec = tab.schema.field(key.field)
        consequence = (
            "it is kept, but counts for no handoff"
            if key.severity == WARNING
            else "the row is left out"
        )
        log.add_cells(
            tab.schema.title,
            tab.frame.loc[unknown, ROW],
            tab.columns.get(key.field, -1) + 1,
            spec.title,
            typed,
            key.severity,
            f"Not a {spec.title} in the {key.tab} tab"
            + typed.map(hints).fillna("")
            + f" ({consequence}); type an id from the {key.tab} tab, or add the handoff there first.",
        )


def _known_ids(tab: CheckedTab, name: str) -> set[object]:
    """The ids `tab` holds in field `name`, as text (blanks left out): from its parsed values
    when it keeps them (a key field of text), else from its frame."""
    if name in tab.values and tab.schema.field(name).type == "string":
        return {value for value in set(tab.values[name]) if value is not None}
    return set(tab.frame[name].dropna().astype(str).tolist())


def _respelled(
    tab: CheckedTab, name: str, other: str, canonical: pd.Series, log: ProblemLog
) -> None:
    """Ids typed in another case than `other` tab spells them: a warning naming that spelling;
    the row counts under it (ids match ignoring case everywhere: uniqueness, `flag --handoff`)."""
    if canonical.empty:
        return
    spec = tab.schema.field(name)
    typed = tab.frame.loc[canonical.index, name].astype(str)
    log.add_cells(
        tab.schema.title,
        tab.frame.loc[canonical.index, ROW],
        tab.columns.get(name, -1) + 1,
        spec.title,
        typed,
        WARNING,
        f"The {other} tab spells this {spec.title} "
        + canonical
        + "; the row counts for "
        + canonical
        + ", type "
        + canonical
        + " to match.",
    )
    tab.frame.loc[canonical.index, name] = canonical
    tab.values[name][tab.frame.index.get_indexer(canonical.index)] = canonical.to_numpy(object)
