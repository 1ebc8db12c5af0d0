"""The import's SQL phase: the rows in temporary tables, matched with the store, checked,
reported and written.

Inside the import's one transaction (see :mod:`ekbist.sheets.importer`), every kind's
rows go into ``temp."sheet_<kind>"``; each is matched with the stored record of the
same key (added, changed or unchanged), the declared checks of ``schemas/sheets`` run
as SQL over the whole set, and the added and changed rows are written with one
``INSERT … SELECT`` and one ``UPDATE … FROM`` per kind, so the store's triggers audit
each row and unchanged rows are not touched.
"""

from __future__ import annotations

from typing import Any

from ekbist.sheets.declarations import Column, Kind, kinds
from ekbist.sheets.import_context import Context, Origin

MAX_LISTED_ADDED = 20

SQL_TYPES = {"text": "TEXT", "date": "TEXT", "month": "TEXT", "code": "TEXT",
             "integer": "INTEGER", "money": "INTEGER", "boolean": "INTEGER", "number": "REAL"}


def kinds_in_file(ctx: Context) -> list[Kind]:
    return [k for k in kinds().values() if k.name in ctx.batches]


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _expand(sql: str, kind: Kind) -> str:
    text = sql.replace("{self}", kind.temp_table)
    for other in kinds().values():
        text = text.replace("{sheet:" + other.name + "}", other.temp_table)
    return text


def load_temp_tables(ctx: Context) -> None:
    store = ctx.store
    for kind in kinds().values():
        if not kind.importable:
            continue
        cols = ", ".join(f"{_q(c.key)} {SQL_TYPES[c.type]}" for c in kind.import_columns)
        store.execute(f"DROP TABLE IF EXISTS {kind.temp_table}")
        store.execute(f"CREATE TEMP TABLE {_q('sheet_' + kind.name)} (_src INTEGER, _row INTEGER, "
                      f"{cols}, _rowid INTEGER, _status TEXT)")
        batch = ctx.batches.get(kind.name)
        if not batch:
            continue
        keys = [c.key for c in kind.import_columns]
        origin = batch.origin
        srcs = origin.sources() if isinstance(origin, Origin) else (o[0] for o in origin)
        rows = origin.positions() if isinstance(origin, Origin) else (o[1] for o in origin)
        placeholders = ", ".join("?" * (len(keys) + 2))
        store.executemany(
            f"INSERT INTO {kind.temp_table} (_src, _row, {', '.join(map(_q, keys))}) "
            f"VALUES ({placeholders})",
            zip(srcs, rows, *(batch.values[k] for k in keys), strict=True),
        )
        key_cols = ", ".join(_q(k) for k in kind.key)
        store.execute(f"CREATE INDEX {_q('temp_sheet_' + kind.name + '_key')} "
                      f"ON {_q('sheet_' + kind.name)} ({key_cols})")


def drop_temp_tables(ctx: Context) -> None:
    for kind in kinds().values():
        if kind.importable:
            try:
                ctx.store.execute(f"DROP TABLE IF EXISTS {kind.temp_table}")
            except Exception:  # noqa: BLE001 - cleaning up must not hide the real error
                pass


def _compared(kind: Kind) -> list[Column]:
    """Columns whose stored value decides 'changed': written, not part of the key."""
    return [c for c in kind.import_columns if c.written and c.key not in kind.key]


def match_stored(ctx: Context, kind: Kind) -> None:
    """Find each row's stored record (by key), fill absent columns, classify the row."""
    store, temp = ctx.store, kind.temp_table
    where = f"({kind.export_where}) AND " if kind.export_where else ""
    match = " AND ".join(f"{kind.column(k).sql} = s.{_q(k)}" for k in kind.key)
    if store.scalar(f'SELECT 1 FROM "{kind.table}" LIMIT 1') is not None:
        store.execute(f"UPDATE {temp} AS s SET _rowid = "
                      f"(SELECT t.rowid FROM {kind.export_from} WHERE {where}{match} LIMIT 1)")
    # Columns a sheet leaves out keep their stored values.
    for source in ctx.sources:
        if source.kind is not kind or source.cells is not None:
            continue
        for column in _compared(kind):
            if column.key not in source.columns:
                store.execute(
                    f"UPDATE {temp} AS s SET {_q(column.key)} = (SELECT {column.sql} FROM "
                    f"{kind.export_from} WHERE t.rowid = s._rowid) "
                    "WHERE s._src = ? AND s._rowid IS NOT NULL", (source.index,))
    classify(ctx, kind)


def classify(ctx: Context, kind: Kind) -> None:
    """Each row added, changed or the same as its stored record (again, after rules that
    change rows in the temporary table, such as a report's part of a record joined in)."""
    compared = _compared(kind)
    differs = " OR ".join(f"NOT ({c.sql} IS s.{_q(c.key)})" for c in compared) or "0"
    ctx.store.execute(
        f"UPDATE {kind.temp_table} AS s SET _status = CASE WHEN s._rowid IS NULL THEN 'added' "
        f"WHEN EXISTS (SELECT 1 FROM {kind.export_from} WHERE t.rowid = s._rowid AND ({differs})) "
        "THEN 'changed' ELSE 'same' END"
    )


def declared_checks(ctx: Context, kind: Kind) -> None:
    if not kind.checks:
        return
    columns = [c.key for c in kind.import_columns]
    today = f"'{ctx.today.isoformat()}'"
    conditions = [f"coalesce(({_expand(check.when, kind).replace('{today}', today)}), 0)"
                  for check in kind.checks]
    select = ", ".join(f"{cond} AS c{i}" for i, cond in enumerate(conditions))
    rows = ctx.store.tuples(
        f"SELECT s._src, s._row, {', '.join('s.' + _q(c) for c in columns)}, {select} "
        f"FROM {kind.temp_table} AS s WHERE {' OR '.join(conditions)}"
    ).fetchall()
    for row in rows:
        values = dict(zip(columns, row[2:2 + len(columns)], strict=True))
        flags = row[2 + len(columns):]
        for check, flag in zip(kind.checks, flags, strict=True):
            if flag and (row[0], row[1], check.cell) not in ctx.bad_cells:
                shown = {k: ("" if v is None else v) for k, v in values.items()}
                ctx.problem_at(row[0], row[1], check.cell, values[check.cell],
                               check.message().format(**shown))


# -- report and write -----------------------------------------------------------------------------------
def _key_dict(kind: Kind, values: tuple) -> dict[str, Any]:
    return dict(zip(kind.key, values, strict=True))


def report_kind(ctx: Context, kind: Kind) -> None:
    store, temp = ctx.store, kind.temp_table
    report = ctx.report.kind(kind.name)
    counts = dict(store.tuples(f"SELECT _status, count(*) FROM {temp} GROUP BY _status").fetchall())
    report.added += counts.get("added", 0)
    report.unchanged += counts.get("same", 0)
    keys = ", ".join(f"s.{_q(k)}" for k in kind.key)
    for row in store.tuples(
        f"SELECT {keys} FROM {temp} AS s WHERE _status = 'added' ORDER BY s.rowid LIMIT {MAX_LISTED_ADDED}"
    ):
        report.added_keys.append(_key_dict(kind, row))
    compared = _compared(kind)
    if counts.get("changed"):
        olds = ", ".join(f"{c.sql}" for c in compared)
        news = ", ".join(f"s.{_q(c.key)}" for c in compared)
        for row in store.tuples(
            f"SELECT s._src, s._row, {keys}, {olds}, {news} FROM {temp} AS s, {kind.export_from} "
            f"WHERE t.rowid = s._rowid AND s._status = 'changed' ORDER BY s.rowid"
        ):
            nk = len(kind.key)
            old = row[2 + nk:2 + nk + len(compared)]
            new = row[2 + nk + len(compared):]
            fields = {c.key: {"old": o, "new": n} for c, o, n in zip(compared, old, new, strict=True)
                      if o != n or (o is None) != (n is None)}
            _order, where = ctx.sources[row[0]].cell(row[1], kind.key[0])
            report.changes.append({"key": _key_dict(kind, row[2:2 + nk]), "cell": where,
                                   "fields": fields})


def write_kind(ctx: Context, kind: Kind) -> None:
    store, temp, table = ctx.store, kind.temp_table, _q(kind.table)
    written = [c for c in kind.import_columns if c.written]
    names = [_q(c.column) for c in written] + [_q(name) for name in kind.write]
    exprs = [f"s.{_q(c.key)}" for c in written] + [_expand(e, kind) for e in kind.write.values()]
    changed = [c for c in _compared(kind)]
    if changed or kind.write:
        sets = [f"{_q(c.column)} = s.{_q(c.key)}" for c in changed]
        sets += [f"{_q(name)} = {_expand(expr, kind)}" for name, expr in kind.write.items()]
        store.execute(
            f"UPDATE {table} SET {', '.join(sets)} FROM {temp} AS s "
            f"WHERE {table}.rowid = s._rowid AND s._status = 'changed'"
        )
    store.execute(
        f"INSERT INTO {table} ({', '.join(names)}) SELECT {', '.join(exprs)} "
        f"FROM {temp} AS s WHERE s._status = 'added' ORDER BY s.rowid"
    )
