"""The morning check's integrity probe: every page of the file read and accounted for.

SQLite's ``quick_check`` also reads every row of every table (it checks the NOT NULL
columns) and every cell of every page: on a city's store (465 MB) that is about a second of
CPU, as long as the check's own queries. This probe asks less and reads the same pages:

- every page of every table and index is reached from its root, and its header must be a
  b-tree page's (SQLite's ``dbstat`` table: a page overwritten by a bad sector, zeroed or
  cut short reads as ``corrupted``; a child pointer into garbage stops the walk);
- every page is counted once: the pages reached, the free list (from the file's header) and
  the lock-byte page add up to the file's page count, so a page no table reaches any more
  (a damaged interior page loses its children) or one reached twice is damage too.

What it does not read, ``ekbist info --check`` (the full ``integrity_check``) does: the
content of each cell and the free list's own pages. A write that meets such a page is
refused as damage all the same (SQLite checks the pages it changes).

A probe of some tables only (``tables``: the ones a ``check --only`` reads) walks just their
b-trees and their indexes' (and the schema's): a damaged page there, a pointer past the end
of the file, a page reached twice among them. Whether every page of the whole file is
accounted for it cannot say; that is the whole probe's question.

The probe runs in one read transaction, so a writer committing meanwhile is never taken for
damage. ``None`` means this SQLite cannot answer (no ``dbstat``) or the file keeps pointer
maps (auto-vacuum): the caller then asks ``quick_check``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection

from ekbist.i18n import _, ngettext

# SQLite never uses the page that holds the byte at 1 GiB (its lock bytes).
_LOCK_BYTE = 0x40000000
# At most this many damaged pages are named in the one line of the refusal.
_NAMED = 3

_PAGES = """
    SELECT count(*), count(DISTINCT pageno), coalesce(max(pageno), 0),
           count(*) FILTER (WHERE pageno > :last),
           group_concat(CASE WHEN pagetype = 'corrupted' THEN pageno || char(9) || name END,
                        char(10))
    FROM dbstat
"""
# Only the b-trees of some tables: theirs, their indexes' and the schema's (dbstat walks
# just the trees it is asked for by name).
_SOME = """
    WHERE name IN (SELECT name FROM sqlite_schema
                   WHERE tbl_name IN (SELECT value FROM json_each(:tables))
                   UNION ALL VALUES ('sqlite_schema'), ('sqlite_master'))
"""


def page_problems(conn: sqlite3.Connection,
                  tables: Collection[str] | None = None) -> list[str] | None:
    """What is wrong with the pages of ``conn``'s main file (of ``tables`` and their indexes
    only, when given): an empty list when sound, None when this probe cannot tell (see the
    module's docstring)."""
    try:
        conn.execute("BEGIN")
        try:
            return _problems(conn, tables)
        finally:
            conn.execute("ROLLBACK")
    except sqlite3.OperationalError as exc:
        if "dbstat" in str(exc):
            return None
        return [str(exc)]
    except sqlite3.DatabaseError as exc:
        return [str(exc)]


def _problems(conn: sqlite3.Connection, tables: Collection[str] | None) -> list[str] | None:
    if conn.execute("PRAGMA auto_vacuum").fetchone()[0] != 0:
        return None  # pointer-map pages belong to no table: quick_check counts them
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    page_count = conn.execute("PRAGMA page_count").fetchone()[0]
    free = conn.execute("PRAGMA freelist_count").fetchone()[0]
    if tables is None:
        sql, params = _PAGES, {"last": page_count}
    else:
        sql, params = _PAGES + _SOME, {"last": page_count, "tables": json.dumps(sorted(tables))}
    reached, distinct, highest, beyond, damaged = conn.execute(sql, params).fetchone()
    problems = []
    pages = damaged.split("\n") if damaged else []
    for line in pages[:_NAMED]:
        page, name = line.split("\t", 1)
        problems.append(_("page {page} of {name} cannot be read").format(
            page=page, name=name))
    if len(pages) > _NAMED:
        problems.append(ngettext("{n} damaged page in all", "{n} damaged pages in all",
                                 len(pages)).format(n=len(pages)))
    if highest > page_count:
        problems.append(_("a table points to page {page}, past the file's last page {last}")
                        .format(page=highest, last=page_count))
    if distinct != reached:
        problems.append(ngettext("{n} page is reached twice", "{n} pages are reached twice",
                                 reached - distinct).format(n=reached - distinct))
    if tables is not None:
        return problems  # the pages of the other tables are not counted: none can be lost
    lock_byte = 1 if page_count > _LOCK_BYTE // page_size else 0
    lost = page_count - free - lock_byte - (distinct - beyond)
    if lost > 0:
        problems.append(ngettext("{n} page belongs to no table and is not free",
                                 "{n} pages belong to no table and are not free",
                                 lost).format(n=lost))
    elif lost < 0:
        problems.append(ngettext("{n} page is both free and used by a table",
                                 "{n} pages are both free and used by a table",
                                 -lost).format(n=-lost))
    return problems
