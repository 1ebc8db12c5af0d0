"""Parts of records that wait for their record, and the one rule by which such a part
joins the record when any door brings it.

A case system's report that brings part of the records another report brings (a rules
file's ``fills``, :mod:`ekbist.sheets.extract_join`) keeps a row whose record is not in the
store yet in ``import_pending`` (migration 018), under the record's key: an application's
id, which is the case system's own id of it. Whatever brings a record with that key joins
the waiting part in the same transaction, so the unit never has to import the decision
report again for a record typed by hand or imported from ekbist's own sheet:

- every import (through a rules file or of ekbist's own sheet): the importer runs
  :class:`ekbist.sheets.extract_join.Join` for every kind that has waiting parts, which
  joins them before the kind's declared checks;
- ``application add`` (:func:`ekbist.applications.add`), which checks the joined
  application with the checks every application passes.

Both merge a part into a record by :func:`merge`, here, and nowhere else: a field the part
fills is set when the record has it empty; any field the part read that the record has
otherwise is a disagreement, named, and the record is refused (never written over).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ekbist.store import Store


@dataclass(frozen=True)
class Part:
    """One waiting row: the source (the report's name), the record's key, the fields it
    read as stored values, and which of them it fills (the others it only compares)."""

    source: str
    key: str
    fields: dict[str, Any]
    fills: frozenset[str]


def kinds_waiting(store: Store) -> frozenset[str]:
    """The kinds that have parts waiting for their records (usually none)."""
    return frozenset(kind for (kind,) in store.tuples(
        "SELECT DISTINCT kind FROM import_pending"))


def fills_of(store: Store, kind: str) -> dict[str, frozenset[str]]:
    """The fields each source of ``kind`` fills into records another report brings."""
    return {name: frozenset(fills.split()) for name, fills in store.tuples(
        "SELECT name, fills FROM import_source WHERE kind = ?", [kind])}


def parts_for(store: Store, kind: str, key: str) -> list[Part]:
    """The parts waiting for the record of ``kind`` with ``key``, by source."""
    fills = fills_of(store, kind)
    return [Part(source, key, json.loads(fields), fills.get(source, frozenset()))
            for source, fields in store.tuples(
                "SELECT source, fields FROM import_pending WHERE kind = ? AND key = ? "
                "ORDER BY source", [kind, key])]


def merge(part: Part, record: Mapping[str, Any], key_field: str
          ) -> tuple[dict[str, Any], list[tuple[str, Any]]]:
    """What joining ``part`` into ``record`` (field -> stored value, None for empty) does:
    the fields to set on the record, and the fields on which the two disagree, each with
    the part's value. A field the record does not hold (or the key) is passed over."""
    sets: dict[str, Any] = {}
    clashes: list[tuple[str, Any]] = []
    for field, value in part.fields.items():
        if field == key_field or field not in record:
            continue
        have = record[field]
        if have is None:
            if field in part.fills:
                sets[field] = value
        elif have != value:
            clashes.append((field, value))
    return sets, clashes


def drop(store: Store, joined: Iterable[tuple[str, str]]) -> None:
    """The joined parts leave the store (each delete audited by the store's triggers); call
    inside the transaction that writes their records."""
    store.executemany("DELETE FROM import_pending WHERE source = ? AND key = ?", list(joined))


__all__ = ["Part", "drop", "fills_of", "kinds_waiting", "merge", "parts_for"]
