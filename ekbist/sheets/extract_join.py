"""Several reports make one record: a case system's report that brings part of the records
another report brings, joined on the record's key.

A case system often lists applications in one report and their decisions in another, both
with the system's own id of the application. The decision report's rules file says which
fields it fills (``fills = ["decided", "decision", "amount"]``, :mod:`ekbist.sheets.extract_rules`);
its other fields (the case number, say) are only compared. The two may be imported in
either order:

- a row of the decision report whose application is in the store fills the application's
  decision (added, changed or unchanged as any imported row, each write audited);
- a row whose application is not in the store yet waits in ``import_pending`` (migration
  018) as stored values, listed by every import of the kind, until a door brings the
  application — any import (through a rules file or of ekbist's own sheet) or
  ``application add`` (:mod:`ekbist.waiting_parts`): in an import the waiting part is
  joined into that row before the declared checks, so the record is written once, whole,
  and checked whole. A decision whose application never comes is listed, never guessed
  into a record.

A field is brought by one report only: two reports that both read a field one of them
fills are refused before anything is written, so neither writes over the other. The fields
both read without filling (the case) must agree: a report whose value differs from the
record's, or from the waiting part's, is refused, naming the field and the row.
"""

from __future__ import annotations

import json
from typing import Any

from ekbist import waiting_parts
from ekbist.errors import EkbistError
from ekbist.i18n import _
from ekbist.sheets.declarations import Kind, kinds
from ekbist.sheets.import_context import Around, Context, Rules
from ekbist.sheets.import_sql import _q, classify, declared_checks


class Join(Around):
    """The join of one import (see the module's docstring). Through a rules file it is
    composed inside :class:`ekbist.sheets.source_memory.SourceMemory`, whose keys and months
    it reads when it writes (``memory``); an import of ekbist's own sheet runs it without a
    source (``source=None``) for every kind with waiting parts
    (:func:`ekbist.sheet_import.import_file`), so the parts join whatever door brings the
    records (:mod:`ekbist.waiting_parts`)."""

    def __init__(self, kind: str, *, source: str | None, fields: tuple[str, ...] = (),
                 fills: tuple[str, ...] = (), period: str | None = None,
                 inner: Rules | None = None):
        super().__init__(kind, inner)
        self.source = source          # None: an import of ekbist's own sheet
        self.fields = fields          # every field the report reads
        self.fills = fills            # those it fills into another report's records
        self.period = period
        self.memory: Any = None       # the SourceMemory around it
        self.pending: dict[str, dict[str, Any]] = {}   # key -> fields, rows that wait now
        self.months: dict[str, str] = {}
        self.stale: list[str] = []    # waiting rows of this source that no longer wait
        self.joined: list[tuple[str, str]] = []        # (source, key) joined by this import

    @property
    def part(self) -> bool:
        return bool(self.fills)

    def every_row(self, store: Any) -> bool:
        if super().every_row(store):
            return True
        if self.part:
            return False   # a row found as stored has its record: nothing of it waits
        # A waiting part joins a row of this import, which must not be left out as stored:
        # only a part whose record is in the store already can meet a row found as stored
        # (every door joins a part when it brings the record, so only a store written before
        # they did holds such a pair); a part that waits for a record not yet in the store
        # (a decision whose application never came) leaves the shortcut on.
        kind = kinds()[self.kind]
        column = _q(kind.column(kind.key[0]).column or kind.key[0])
        return store.scalar(
            f"SELECT 1 FROM import_pending AS p WHERE p.kind = ? AND EXISTS (SELECT 1 FROM "
            f"{_q(kind.table)} AS r WHERE r.{column} = p.key) LIMIT 1", [self.kind]) is not None

    def check(self, ctx: Context) -> None:
        super().check(ctx)
        self._one_report_per_field(ctx)
        kind = kinds()[self.kind]
        if self.part:
            self._check_part(ctx, kind)
        else:
            self._join(ctx, kind)

    def _one_report_per_field(self, ctx: Context) -> None:
        if self.source is None:
            return   # ekbist's own sheet: a field it brings is compared with the part
        mine, my_fills = set(self.fields), set(self.fills)
        for name, fields, fills in ctx.store.tuples(
                "SELECT name, fields, fills FROM import_source WHERE kind = ? AND name != ? "
                "ORDER BY name", [self.kind, self.source]):
            clash = (my_fills & set(fields.split())) | (mine & set(fills.split()))
            if clash:
                raise EkbistError(_(
                    "the reports '{one}' and '{other}' both read {field} of {kind}, which one "
                    "of them fills: a field is brought by one report only — put its column in "
                    "the ignore list of one rules file").format(
                    one=self.source, other=name, field=sorted(clash)[0], kind=self.kind))

    # -- a report of part of the records ----------------------------------------------------
    def _check_part(self, ctx: Context, kind: Kind) -> None:
        store, temp = ctx.store, kind.temp_table
        key = kind.key[0]
        columns = {c.key: c for c in kind.import_columns}
        compared = [columns[f] for f in self.fields
                    if f not in self.fills and f != key and columns[f].sql is not None]
        for column in compared:
            q = _q(column.key)
            for src, row, value, stored in store.tuples(
                    f"SELECT s._src, s._row, s.{q}, {column.sql} FROM {temp} AS s, "
                    f"{kind.export_from} WHERE t.rowid = s._rowid AND s.{q} IS NOT NULL "
                    f"AND ({column.sql}) IS NOT NULL AND NOT (({column.sql}) IS s.{q})"):
                ctx.problem_at(src, row, column.key, value, _(
                    "{field} differs from the record in the store ('{stored}'): the two "
                    "reports disagree").format(field=column.header(), stored=stored))
            # An empty cell says nothing: the record keeps its value.
            store.execute(f"UPDATE {temp} AS s SET {q} = (SELECT {column.sql} FROM "
                          f"{kind.export_from} WHERE t.rowid = s._rowid) "
                          f"WHERE s._rowid IS NOT NULL AND s.{q} IS NULL")
        read = [f for f in self.fields if f != key]
        month = f"coalesce(substr(s.{_q(self.period)}, 1, 7), '')" if self.period else "''"
        for key_value, row_month, *values in store.tuples(
                f"SELECT s.{_q(key)}, {month}{''.join(', s.' + _q(f) for f in read)} "
                f"FROM {temp} AS s WHERE s._rowid IS NULL ORDER BY s.rowid"):
            self.pending[key_value] = {f: v for f, v in zip(read, values, strict=True)
                                       if v is not None}
            self.months[key_value] = row_month
        # Rows whose record is not in the store wait; they are neither added nor written.
        store.execute(f"DELETE FROM {temp} WHERE _rowid IS NULL")
        classify(ctx, kind)

    # -- a report of whole records: the parts waiting for them ------------------------------
    def _join(self, ctx: Context, kind: Kind) -> None:
        if self.kind not in ctx.batches:
            return
        store, temp = ctx.store, kind.temp_table
        key = kind.key[0]
        # Each waiting part with its row of this import, read in one query.
        waiting = store.query(
            f"SELECT p.source AS _source, p.key AS _key, p.fields AS _fields, "
            f"s.rowid AS _rowid_here, s.* FROM import_pending AS p JOIN {temp} AS s "
            f"ON s.{_q(key)} = p.key WHERE p.kind = ? ORDER BY s.rowid, p.source", [self.kind])
        if not waiting:
            return
        fills_of = waiting_parts.fills_of(store, self.kind)
        columns = {c.key: c for c in kind.import_columns}
        for current in waiting:
            source, key_value = current["_source"], current["_key"]
            rowid, src, row = current["_rowid_here"], current["_src"], current["_row"]
            part = waiting_parts.Part(source, key_value, json.loads(current["_fields"]),
                                      fills_of.get(source, frozenset()))
            record = {field: current[field] for field in columns if field in current}
            sets, clashes = waiting_parts.merge(part, record, key)
            for field, value in clashes:
                ctx.problem_at(src, row, field, current[field], _(
                    "{field} differs from '{value}' in the report '{source}', whose part "
                    "of this record waits for it: the two reports disagree").format(
                    field=columns[field].header(), value=value, source=source))
            if sets:
                store.execute(f"UPDATE {temp} SET {', '.join(f'{_q(f)} = ?' for f in sets)} "
                              "WHERE rowid = ?", [*sets.values(), rowid])
            self.joined.append((source, key_value))
        classify(ctx, kind)
        # The joined record is checked whole (a decision before the day received …).
        declared_checks(ctx, kind)

    # -- report and write ----------------------------------------------------------------------
    def report(self, ctx: Context) -> None:
        super().report(ctx)
        if self.source is None and self.kind not in ctx.batches:
            return   # a file without the kind's rows says nothing of its waiting parts
        store = ctx.store
        waiting: dict[str, list[str]] = {}
        if self.part:
            keys, covered = self.memory.keys, set(self.memory.covered)
            self.stale = []
            left = []
            for key_value, month in store.tuples(
                    "SELECT key, month FROM import_pending WHERE source = ? ORDER BY key",
                    [self.source]):
                if key_value in self.pending:
                    continue
                if key_value in keys or month in covered:
                    self.stale.append(key_value)   # its record came, or the report dropped it
                else:
                    left.append(key_value)
            mine = sorted({*self.pending, *left})
            if mine:
                waiting[self.source] = mine
        else:
            joined = set(self.joined)
            for source, key_value in store.tuples(
                    "SELECT source, key FROM import_pending WHERE kind = ? ORDER BY source, key",
                    [self.kind]):
                if (source, key_value) not in joined:
                    waiting.setdefault(source, []).append(key_value)
        counts: dict[str, int] = {}
        for source, _key in self.joined:
            counts[source] = counts.get(source, 0) + 1
        ctx.report.parts = {"kind": self.kind, "fills": list(self.fills),
                            "waiting": waiting, "joined": counts}

    def write(self, ctx: Context) -> None:
        super().write(ctx)
        store = ctx.store
        waiting_parts.drop(store, self.joined)
        if not self.part:
            return
        for key_value in self.stale:
            store.execute("DELETE FROM import_pending WHERE source = ? AND key = ?",
                          [self.source, key_value])
        # Written only when it differs: the same report again writes (and audits) nothing.
        store.executemany(
            "INSERT INTO import_pending (source, kind, key, month, fields) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (source, key) DO UPDATE SET month = excluded.month, "
            "fields = excluded.fields WHERE month IS NOT excluded.month "
            "OR fields IS NOT excluded.fields",
            [(self.source, self.kind, key_value, self.months[key_value],
              json.dumps(fields, ensure_ascii=False, sort_keys=True))
             for key_value, fields in self.pending.items()])


__all__ = ["Join"]
