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

**The sound file first, read as bytes.** ``dbstat`` decodes every cell of every page, and on
a city's store that is most of the probe's second. A sound file needs less to be proved
sound: :func:`pages_accounted` reads the file's own bytes (mapped, in the same read
transaction) and walks every b-tree from its root through the interior pages alone, checking
each page's header (its type is its tree's, its cell pointers inside the page) and marking
each page once; the free list is walked from the header. When every page of the file is so
reached exactly once — reached, free or the lock-byte page, none twice, none past the end,
none left over — the file is sound as far as this probe asks, and no overflow page can
exist either (it would be left over). Anything else, and any file it cannot read so (a
``-wal`` that holds pages the main file does not yet have, a cut file, pointer maps), goes
the ``dbstat`` way above, which names what is wrong: the fast way only ever says "sound".
"""

from __future__ import annotations

import json
import mmap
import os
import sqlite3
import struct
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
            if pages_accounted(conn):
                return []
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


# -- the sound file, read as bytes ---------------------------------------------------------
_TABLE_LEAF, _TABLE_INTERIOR, _INDEX_LEAF, _INDEX_INTERIOR = 0x0D, 0x05, 0x0A, 0x02
# A tree's leaf type for the type of its root page (a root is a leaf or an interior page).
_LEAF_OF = {_TABLE_LEAF: _TABLE_LEAF, _TABLE_INTERIOR: _TABLE_LEAF,
            _INDEX_LEAF: _INDEX_LEAF, _INDEX_INTERIOR: _INDEX_LEAF}


def pages_accounted(conn: sqlite3.Connection) -> bool:
    """Whether every page of ``conn``'s main file is, read from the file's bytes, a sound
    b-tree page reached once from its tree's root, a free page or the lock-byte page (see
    the module's docstring). False is no verdict: it means "ask ``dbstat``". ``conn`` must be
    inside a read transaction, which this function starts reading in."""
    try:
        roots = [row[0] for row in conn.execute(
            "SELECT rootpage FROM sqlite_schema WHERE rootpage > 0")]
        if conn.execute("PRAGMA auto_vacuum").fetchone()[0] != 0:
            return False
        path = next((row[2] for row in conn.execute("PRAGMA database_list")
                     if row[1] == "main"), "")
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        page_count = conn.execute("PRAGMA page_count").fetchone()[0]
        free = conn.execute("PRAGMA freelist_count").fetchone()[0]
        journal = str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower()
    except sqlite3.DatabaseError:
        return False
    if not path or page_count < 1:
        return False
    # A reader that began while the -wal was empty reads the main file alone, and no
    # checkpoint may write into it while that reader lasts; a -wal with frames may hold
    # newer pages of this snapshot than the file does.
    if journal == "wal":
        try:
            if os.stat(path + "-wal").st_size > 0:
                return False
        except FileNotFoundError:
            pass
        except OSError:
            return False
    try:
        with open(path, "rb") as fh:
            if os.fstat(fh.fileno()).st_size < page_count * page_size:
                return False
            return _accounted(fh, page_size, page_count, free, roots)
    except (OSError, ValueError, struct.error, IndexError, KeyError):
        return False


# The file is read in windows of this many bytes, in order, each mapped into memory and let
# go before the next (so a city's 465 MB never sit in the process at once, and no byte is
# copied): each page's header is read and checked, and the interior pages' child pointers
# are kept for the walk.
_WINDOW = 16 * 1024 * 1024
# A page's kind when its header is not a b-tree page's, or is one whose bounds fail.
_NOT_BTREE, _BROKEN = 0x00, 0xFF


def _headers(fh, page_size: int, page_count: int
             ) -> tuple[bytearray, dict[int, tuple[int, ...]], bytes]:
    """Every page's kind (its header's type byte, or _NOT_BTREE/_BROKEN), the children of
    every interior page, and the file's first 100 bytes."""
    kinds = bytearray(page_count + 1)
    children: dict[int, tuple[int, ...]] = {}
    per_window = max(1, _WINDOW // page_size)
    header = b""
    page = 1
    while page <= page_count:
        count = min(per_window, page_count - page + 1)
        with mmap.mmap(fh.fileno(), count * page_size, offset=(page - 1) * page_size,
                       access=mmap.ACCESS_READ) as buffer:
            if page == 1:
                header = buffer[:100]
            _window(buffer, page, count, page_size, kinds, children)
        page += count
    return kinds, children, header


def _window(buffer: mmap.mmap, page: int, count: int, page_size: int, kinds: bytearray,
            children: dict[int, tuple[int, ...]]) -> None:
    """The kinds and children of the ``count`` pages from ``page`` mapped in ``buffer``."""
    unpack = struct.unpack_from
    for index in range(count):
        base = index * page_size
        at = base + (100 if page + index == 1 else 0)
        kind, freeblock, cells, content, fragments = unpack(">BHHHB", buffer, at)
        if kind == _TABLE_LEAF or kind == _INDEX_LEAF:
            lowest = at - base + 8 + 2 * cells
        elif kind == _TABLE_INTERIOR or kind == _INDEX_INTERIOR:
            lowest = at - base + 12 + 2 * cells
            if not cells:
                kinds[page + index] = _BROKEN   # an interior page holds at least one cell
                continue
        else:
            continue   # _NOT_BTREE: free, lock-byte or overflow pages, or damage
        # The header's own bounds: the cell pointers, then the cells' area, inside the
        # page (the first free block in that area, at most 60 fragmented bytes): a page
        # of garbage that happens to begin with a b-tree type fails here.
        if (lowest > page_size or not lowest <= (content or 65536) <= page_size
                or (freeblock and not content <= freeblock <= page_size - 4)
                or fragments > 60):
            kinds[page + index] = _BROKEN
            continue
        if kind == _TABLE_INTERIOR or kind == _INDEX_INTERIOR:
            pointers = unpack(f">{cells}H", buffer, at + 12)
            if min(pointers) < lowest or max(pointers) > page_size - 4:
                kinds[page + index] = _BROKEN
                continue
            children[page + index] = (unpack(">I", buffer, at + 8)[0], *(
                unpack(">I", buffer, base + offset)[0] for offset in pointers))
        kinds[page + index] = kind


def _accounted(fh, page_size: int, page_count: int, free: int, roots: list[int]) -> bool:
    kinds, children, header = _headers(fh, page_size, page_count)
    seen = bytearray(page_count + 1)
    seen[0] = 1
    marked = 0
    lock_page = _LOCK_BYTE // page_size + 1
    if page_count >= lock_page:
        seen[lock_page] = 1
        marked += 1
    unpack = struct.unpack_from
    # The free list: trunk pages, each naming the next trunk and its leaves.
    trunk = unpack(">I", header, 32)[0]
    while trunk:
        if not 1 <= trunk <= page_count or seen[trunk]:
            return False
        seen[trunk] = 1
        marked += 1
        data = os.pread(fh.fileno(), page_size, (trunk - 1) * page_size)
        next_trunk, leaves = unpack(">II", data, 0)
        if leaves > page_size // 4 - 2:
            return False
        for leaf in unpack(f">{leaves}I", data, 8):
            if not 1 <= leaf <= page_count or seen[leaf]:
                return False
            seen[leaf] = 1
        marked += leaves
        trunk = next_trunk
    if marked - (1 if page_count >= lock_page else 0) != free:
        return False
    # Every b-tree, the schema's (page 1) first, through its interior pages.
    for root in [1, *roots]:
        if not 1 <= root <= page_count:
            return False
        leaf = _LEAF_OF.get(kinds[root])
        if leaf is None:
            return False
        interior = leaf - 8
        stack = [root]
        while stack:
            page = stack.pop()
            if not 1 <= page <= page_count or seen[page]:
                return False
            seen[page] = 1
            marked += 1
            kind = kinds[page]
            if kind == interior:
                stack.extend(children[page])
            elif kind != leaf:
                return False
    return marked == page_count
