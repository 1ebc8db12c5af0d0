"""What each source of extracts has read: the monthly re-import without double entry.

A case-management system's report is exported every month, often overlapping the last
one. The import itself already adds new rows, updates changed ones and leaves the rest
(matched by the kind's key); this module adds what an extract cannot say by itself: a row
that was in the last import of the same source for the same months and is missing now.
Such rows are listed, never deleted silently; asked to (``delete_missing``), they are
deleted in the import's transaction, each delete audited by the store's triggers.

The store remembers, per source (the name its rules file gives), the key of every row it
read and the month the row belongs to (``import_source_row``, migration 016): the month of
the field the rules name as ``period``, else of the kind's own date (an application's
received day, a case's opening day), else one period for the whole source. An extract
covers the months its rows are in; the keys remembered for those months are replaced by
the extract's, and the other months are left as they were (hledger's ``.latest``, kept
per row in the store so an extract may come in any order and overlap any other).
"""

from __future__ import annotations

import json
from typing import Any

from ekbist.errors import EkbistError
from ekbist.i18n import _
from ekbist.sheets.declarations import Kind, kinds
from ekbist.sheets.import_context import Around, Context, Rules


def period_field(kind: Kind, named: str | None) -> str | None:
    """The field whose month places a row in a period: ``named`` (the rules' ``period``),
    else the kind's export date (``t.received`` is ``received``), else None (one period)."""
    if named is not None:
        return named
    expr = (kind.date_expr or "").removeprefix("t.")
    if not expr:
        return None
    return next((c.key for c in kind.import_columns if expr in (c.column, c.key)), None)


def _key_text(values: tuple) -> str:
    return values[0] if len(values) == 1 else json.dumps(list(values), ensure_ascii=False)


class SourceMemory(Around):
    """The hooks of one import of ``source`` (see the module's docstring); composed with the
    kind's own rules, if it has any, by :func:`ekbist.sheet_import.import_extract`."""

    def __init__(self, kind: str, *, source: str, file: str, period: str | None,
                 delete_missing: bool, inner: Rules | None = None,
                 fields: tuple[str, ...] = (), fills: tuple[str, ...] = ()):
        super().__init__(kind, inner)
        self.source = source
        # The fields the source's report reads, and those it fills into records another
        # report brings (ekbist.sheets.extract_join): such a report names no missing rows,
        # since the report that brings the records says which are gone.
        self.fields = " ".join(fields)
        self.fills = " ".join(fills)
        self.file = file
        self.period = period
        self.delete_missing = delete_missing
        self.keys: dict[str, str] = {}      # key text -> month, this extract's rows
        self.covered: list[str] = []        # the months of those rows, sorted
        self.missing: list[str] = []
        self.kept: dict[str, str] = {}
        self.known = False
        self.same = False   # the memory already holds what this import would write

    def check(self, ctx: Context) -> None:
        super().check(ctx)
        batch = ctx.batches.get(self.kind)
        store = ctx.store
        row = store.one("SELECT kind, last_file, months, rows, fields, fills FROM import_source "
                        "WHERE name = ?", [self.source])
        if row is not None and row["kind"] != self.kind:
            raise EkbistError(_("the source '{source}' has brought {kind} so far, not {other}: "
                                "give the rules file another source name").format(
                source=self.source, kind=row["kind"], other=self.kind))
        self.known = row is not None
        self.keys = {}
        if batch is not None:
            key_columns = [batch.values[k] for k in batch.kind.key]
            months = batch.values.get(self.period) if self.period else None
            for i, values in enumerate(zip(*key_columns, strict=True)):
                month = (months[i] or "")[:7] if months is not None else ""
                self.keys[_key_text(values)] = month
        self.keys.update(self._identical(ctx))
        self.covered = covered = sorted(set(self.keys.values()))
        self.same = row is not None and (row["last_file"], row["months"], row["rows"],
                                         row["fields"], row["fills"]) == (
            self.file, " ".join(covered), len(self.keys), self.fields, self.fills)
        if not self.keys:
            return
        kind = kinds()[self.kind]
        remembered = store.tuples(
            "SELECT key, month FROM import_source_row WHERE source = ? AND month IN "
            f"({','.join('?' * len(covered))}) ORDER BY month, key",
            [self.source, *covered]).fetchall()
        self.same = self.same and set(remembered) == set(self.keys.items())
        # A report of parts names no missing rows: the report of whole records does.
        gone = [] if self.fills else [(key, month) for key, month in remembered
                                      if key not in self.keys]
        table, key = kind.table, kind.key
        if gone and len(key) == 1:   # still in the store (not deleted by other means)
            column = kind.column(key[0]).column or key[0]
            stored = set()
            for start in range(0, len(gone), 500):
                part = [k for k, _month in gone[start:start + 500]]
                stored.update(k for (k,) in store.tuples(
                    f'SELECT "{column}" FROM "{table}" WHERE "{column}" IN '
                    f"({','.join('?' * len(part))})", part).fetchall())
            gone = [(k, month) for k, month in gone if k in stored]
        self.missing = [k for k, _month in gone]
        # Listed and not deleted, a missing row stays remembered: the next import of these
        # months lists it again, and deletes it when asked to.
        self.kept = {} if self.delete_missing else dict(gone)

    def _identical(self, ctx: Context) -> dict[str, str]:
        """Key text -> month of the rows found exactly as stored, which the import left out
        of its batch (:mod:`ekbist.sheets.unchanged`): each holds its stored values, so its
        month is the stored record's (when the extract maps the period's field at all)."""
        identical = ctx.unchanged_keys.get(self.kind)
        if not identical:
            return {}
        kind = kinds()[self.kind]
        mapped = any(self.period in source.columns for source in ctx.sources
                     if source.kind.name == self.kind) if self.period else False
        if not mapped:
            return dict.fromkeys(identical, "")
        key_sql = kind.column(kind.key[0]).sql
        where = f"({kind.export_where}) AND " if kind.export_where else ""
        found: dict[str, str] = {}
        keys = list(identical)
        for start in range(0, len(keys), 50_000):
            part = json.dumps(keys[start:start + 50_000], ensure_ascii=False)
            found.update((key, (month or "")[:7]) for key, month in ctx.store.tuples(
                f"SELECT {key_sql}, {kind.column(self.period).sql} FROM {kind.export_from} "
                f"WHERE {where}({key_sql}) IN (SELECT value FROM json_each(?))", [part]))
        return found

    def report(self, ctx: Context) -> None:
        super().report(ctx)
        ctx.report.missing = {"source": self.source, "kind": self.kind,
                              "months": [m for m in self.covered if m],
                              "keys": list(self.missing), "deleted": self.delete_missing}

    def write(self, ctx: Context) -> None:
        super().write(ctx)
        store = ctx.store
        done = ctx.report.kinds.get(self.kind)
        if self.same and not self.missing and (done is None or not (done.added or done.changed)):
            # The same extract again: the memory already holds what it would write, and an
            # import that changes nothing writes nothing, the audit included.
            return
        if self.missing and self.delete_missing:
            import sqlite3

            kind = kinds()[self.kind]
            column = kind.column(kind.key[0]).column or kind.key[0]
            for key in self.missing:
                try:
                    store.execute(f'DELETE FROM "{kind.table}" WHERE "{column}" = ?', [key])
                except sqlite3.IntegrityError:
                    raise EkbistError(_("cannot delete {kind} '{key}', missing from the extract: "
                                        "other records refer to it").format(
                        kind=kind.name, key=key)) from None
        covered = self.covered
        store.execute(
            "INSERT INTO import_source (name, kind, last_file, last_at, months, rows, fields, "
            "fills) VALUES (?, ?, ?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?, ?, ?, ?) "
            "ON CONFLICT (name) DO UPDATE SET last_file = excluded.last_file, "
            "last_at = excluded.last_at, months = excluded.months, rows = excluded.rows, "
            "fields = excluded.fields, fills = excluded.fills",
            [self.source, self.kind, self.file, " ".join(covered), len(self.keys), self.fields,
             self.fills])
        for start in range(0, len(covered), 500):
            part = covered[start:start + 500]
            store.execute("DELETE FROM import_source_row WHERE source = ? AND month IN "
                          f"({','.join('?' * len(part))})", [self.source, *part])
        store.executemany("INSERT OR REPLACE INTO import_source_row (source, key, month) "
                          "VALUES (?, ?, ?)",
                          [(self.source, key, month) for key, month in
                           [*self.keys.items(), *self.kept.items()]])
        store.audit_note("import_source", self.source, "update" if self.known else "insert",
                         json.dumps({"file": self.file, "months": covered,
                                     "rows": len(self.keys), "missing": self.missing,
                                     "deleted": self.delete_missing and bool(self.missing)},
                                    ensure_ascii=False))


__all__ = ["SourceMemory", "period_field"]
