"""The morning check's page probe: every page read and accounted for, each damage named.

Real SQLite files (a small demo unit), damaged as a bad disk would: a page overwritten, a
child pointer bent to another page, the free-list count in the header changed. SQLite's own
``quick_check`` on the same file is the independent count of what is wrong.
"""

from __future__ import annotations

import sqlite3
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from helpers.procs import run

from ekbist.page_probe import page_problems, pages_accounted
from ekbist.store import IntegrityProbe


@pytest.fixture
def unit(demo_stores, tmp_path) -> Path:
    """A copy of the small demo unit with every commit in the main file."""
    db = demo_stores.copy(tmp_path / "unit.db", households=60, months=8)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return db


def probe(db: Path) -> list[str] | None:
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
    try:
        return page_problems(conn)
    finally:
        conn.close()


def quick_check(db: Path) -> list[str]:
    """SQLite's own quick_check, one line per finding ('ok' when sound)."""
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        rows = conn.execute("PRAGMA quick_check").fetchall()
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    finally:
        conn.close()
    return [line for row in rows for line in row[0].splitlines() if not line.startswith("***")]


def page_size(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("PRAGMA page_size").fetchone()[0]
    finally:
        conn.close()


def root(db: Path, name: str) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT rootpage FROM sqlite_schema WHERE name = ?",
                            (name,)).fetchone()[0]
    finally:
        conn.close()


def read_page(db: Path, page: int) -> bytearray:
    size = page_size(db)
    with db.open("rb") as fh:
        fh.seek((page - 1) * size)
        return bytearray(fh.read(size))


def write_page(db: Path, page: int, data: bytes) -> None:
    size = page_size(db)
    assert len(data) == size
    with db.open("r+b") as fh:
        fh.seek((page - 1) * size)
        fh.write(data)


def test_a_sound_store_has_no_problems(unit):
    assert quick_check(unit) == ["ok"]
    assert probe(unit) == []


def accounted(db: Path) -> bool:
    """The fast way's verdict on ``db``: True only when the file's bytes prove it sound."""
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
    try:
        conn.execute("BEGIN")
        return pages_accounted(conn)
    finally:
        conn.close()


def test_a_sound_store_is_proved_sound_from_its_bytes(unit):
    # The fast way answers for a sound file (else every check pays for dbstat's decoding).
    assert accounted(unit) is True


def test_free_pages_are_counted_as_free(unit):
    # Deleting rows leaves free pages in the file: they are neither lost nor damage.
    conn = sqlite3.connect(unit)
    conn.execute("DELETE FROM application")
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    free = conn.execute("PRAGMA freelist_count").fetchone()[0]
    conn.close()
    assert free > 10
    assert quick_check(unit) == ["ok"]
    assert accounted(unit) is True   # the free list walked, each free page counted once
    assert probe(unit) == []


def _children(db: Path, page: int) -> int:
    """How many pages hang below ``page``, counted from the bytes: an interior page's cells
    and its right-most pointer, each child a leaf (asserted)."""
    data = read_page(db, page)
    header = 100 if page == 1 else 0
    if data[header] in (0x0A, 0x0D):
        return 0
    assert data[header] in (0x02, 0x05)
    cells = struct.unpack(">H", data[header + 3:header + 5])[0]
    pointers = [struct.unpack(">H", data[header + 12 + 2 * i:header + 14 + 2 * i])[0]
                for i in range(cells)]
    children = [struct.unpack(">I", data[p:p + 4])[0] for p in pointers]
    children.append(struct.unpack(">I", data[header + 8:header + 12])[0])
    assert all(read_page(db, child)[0] in (0x0A, 0x0D) for child in children)
    return len(children)


@pytest.mark.parametrize("name", ["handler", "audit", "application", "application_case",
                                  "sqlite_autoindex_cases_1"])
def test_a_page_overwritten_is_named_with_its_table(unit, name):
    page = root(unit, name)
    lost = _children(unit, page)
    write_page(unit, page, b"\xa5" * page_size(unit))
    assert quick_check(unit) != ["ok"]
    problems = probe(unit)
    assert problems[0] == f"page {page} of {name} cannot be read"
    # The pages below it are lost with it.
    if lost:
        assert problems[1:] == [f"{lost} pages belong to no table and are not free"]
    else:
        assert problems[1:] == []


def test_a_leaf_page_zeroed_in_the_middle_of_a_table(unit):
    conn = sqlite3.connect(unit)
    page = conn.execute("SELECT pageno FROM dbstat WHERE name = 'application' AND "
                        "pagetype = 'leaf' ORDER BY pageno LIMIT 1 OFFSET 3").fetchone()[0]
    conn.close()
    write_page(unit, page, bytes(page_size(unit)))
    assert quick_check(unit) != ["ok"]
    assert probe(unit) == [f"page {page} of application cannot be read"]


def _interior(db: Path, name: str) -> tuple[int, bytearray]:
    page = root(db, name)
    data = read_page(db, page)
    assert data[0] == 0x05, "the table's root is an interior page"
    return page, data


def test_a_child_pointer_bent_to_another_page(unit):
    # The first child pointer of the applications' root now names the second child: that
    # page is reached twice, and the first child by no table at all.
    page, data = _interior(unit, "application")
    first, second = (struct.unpack(">H", data[12 + 2 * i:14 + 2 * i])[0] for i in (0, 1))
    data[first:first + 4] = data[second:second + 4]
    write_page(unit, page, bytes(data))
    found = quick_check(unit)
    assert any("2nd reference to page" in line for line in found)
    assert sum(line.endswith("is never used") for line in found) == 1
    assert probe(unit) == ["1 page is reached twice", "1 page belongs to no table and is not free"]


def test_a_child_pointer_past_the_end_of_the_file(unit):
    page, data = _interior(unit, "application")
    first = struct.unpack(">H", data[12:14])[0]
    pages = unit.stat().st_size // page_size(unit)
    data[first:first + 4] = struct.pack(">I", pages + 50)
    write_page(unit, page, bytes(data))
    assert quick_check(unit) != ["ok"]
    assert probe(unit) == [f"page {pages + 50} of application cannot be read",
                           f"a table points to page {pages + 50}, past the file's last page "
                           f"{pages}",
                           "1 page belongs to no table and is not free"]


@pytest.mark.parametrize("change, expected", [
    (+1, "1 page is both free and used by a table"),
    (-1, "1 page belongs to no table and is not free"),
])
def test_a_free_list_count_that_does_not_add_up(unit, change, expected):
    conn = sqlite3.connect(unit)
    conn.execute("DELETE FROM application")
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    header = read_page(unit, 1)
    free = struct.unpack(">I", header[36:40])[0]
    header[36:40] = struct.pack(">I", free + change)
    write_page(unit, 1, bytes(header))
    assert quick_check(unit) != ["ok"]
    assert probe(unit) == [expected]


def test_a_file_that_is_not_a_database(unit):
    write_page(unit, 1, b"\xa5" * page_size(unit))
    assert probe(unit) == ["file is not a database"]


def test_an_auto_vacuum_file_is_left_to_quick_check(tmp_path):
    # Its pointer-map pages belong to no table: the probe does not count them and says so,
    # and the probe of the check then asks quick_check, which still finds the damage.
    db = tmp_path / "vacuum.db"
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA auto_vacuum = FULL")
    conn.execute("CREATE TABLE t (x TEXT)")
    conn.executemany("INSERT INTO t VALUES (?)", [("x" * 500,) for _ in range(200)])
    conn.commit()
    conn.close()
    assert probe(db) is None
    page = root(db, "t")
    write_page(db, page, b"\xa5" * page_size(db))
    uri = f"{db.resolve().as_uri()}?mode=ro"
    assert IntegrityProbe(uri, db).problems() != []


WRITER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
print("writing", flush=True)
i = 0
while True:
    conn.execute("BEGIN IMMEDIATE")
    if i % 2:  # the pages go back to the free list
        conn.execute("DELETE FROM closed_day WHERE reason LIKE 'x%'")
    else:  # the file grows, or takes pages from the free list
        conn.executemany("INSERT INTO closed_day (day, reason) VALUES (?, ?)",
                         [(f"{3000 + j // 365:04d}-{i}-{j}", "x" * 300) for j in range(300)])
    conn.execute("COMMIT")
    i += 1
"""


def test_a_store_being_written_is_never_taken_for_damage(unit):
    # The page count, the free list and the pages are read in one read transaction: a
    # commit between them (the file grows, pages go back to the free list) is not damage.
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(unit)], stdout=subprocess.PIPE,
                              text=True)
    try:
        assert writer.stdout.readline().strip() == "writing"
        for _ in range(300):  # read outside one transaction, about 1 in 100 saw damage
            assert writer.poll() is None
            assert probe(unit) == []
    finally:
        writer.kill()
        writer.wait()
    assert probe(unit) == []


def test_the_check_is_unknown_for_damage_its_queries_never_read(unit):
    # An index no check reads: only the probe can see its page is gone.
    assert run(unit, "--today", "2026-11-25", "check").returncode in (0, 1, 2)
    page = root(unit, "audit_at")
    write_page(unit, page, b"\xa5" * page_size(unit))
    check = run(unit, "--today", "2026-11-25", "check")
    assert check.returncode == 3
    assert check.stdout == (f"EKBIST UNKNOWN: the database {unit} is damaged "
                            f"(page {page} of audit_at cannot be read): restore it from a "
                            f"backup\n")
    swedish = run(unit, "--today", "2026-11-25", "--lang", "sv", "check")
    assert swedish.returncode == 3
    assert f"(sida {page} i audit_at går inte att läsa)" in swedish.stdout


def test_a_check_of_some_parts_answers_for_the_tables_it_reads(unit):
    # --only probes the pages of the tables those checks read: a damaged page of the contacts
    # makes the contacts check UNKNOWN, while the budget check reads none of them.
    assert run(unit, "--today", "2026-11-25", "check", "--only", "contacts").returncode in (0, 1, 2)
    page = root(unit, "contact_received")
    write_page(unit, page, b"\xa5" * page_size(unit))
    contacts = run(unit, "--today", "2026-11-25", "check", "--only", "contacts")
    assert contacts.returncode == 3
    assert contacts.stdout == (f"EKBIST UNKNOWN: the database {unit} is damaged "
                               f"(page {page} of contact_received cannot be read): restore it "
                               f"from a backup\n")
    assert run(unit, "--today", "2026-11-25", "check", "--only", "budget").returncode in (0, 1, 2)
    assert run(unit, "--today", "2026-11-25", "check").returncode == 3


def test_a_check_of_some_parts_leaves_damage_elsewhere_to_the_morning_check(unit):
    # An index of the audit, which no check reads: the contacts check answers, word for word
    # as on the sound file, the whole check does not.
    sound = run(unit, "--today", "2026-11-25", "check", "--only", "contacts")
    assert sound.returncode in (0, 1, 2)
    page = root(unit, "audit_at")
    write_page(unit, page, b"\xa5" * page_size(unit))
    damaged = run(unit, "--today", "2026-11-25", "check", "--only", "contacts")
    assert (damaged.returncode, damaged.stdout, damaged.stderr) == (
        sound.returncode, sound.stdout, sound.stderr)
    assert run(unit, "--today", "2026-11-25", "check", "--only", "targets").returncode == 3
    assert run(unit, "--today", "2026-11-25", "check").returncode == 3


def test_a_check_of_some_parts_answers_for_the_tables_every_run_reads(unit):
    # Who is away is read by every part: a damaged page of the absences' index makes even
    # the contacts check, which reads no absence of its own, UNKNOWN.
    page = root(unit, "absence_kind")
    write_page(unit, page, b"\xa5" * page_size(unit))
    contacts = run(unit, "--today", "2026-11-25", "check", "--only", "contacts")
    assert contacts.returncode == 3
    assert contacts.stdout == (f"EKBIST UNKNOWN: the database {unit} is damaged "
                               f"(page {page} of absence_kind cannot be read): restore it "
                               f"from a backup\n")


def test_a_probe_of_some_tables_walks_only_their_pages(unit):
    # A bent child pointer inside the applications: a page reached twice is seen by a probe of
    # the applications; the lost page is the whole probe's to count.
    page, data = _interior(unit, "application")
    first, second = (struct.unpack(">H", data[12 + 2 * i:14 + 2 * i])[0] for i in (0, 1))
    data[first:first + 4] = data[second:second + 4]
    write_page(unit, page, bytes(data))
    conn = sqlite3.connect(f"{unit.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
    try:
        assert page_problems(conn, {"application"}) == ["1 page is reached twice"]
        assert page_problems(conn, {"contact", "handler"}) == []
    finally:
        conn.close()


def test_each_check_reads_only_the_tables_it_declares(unit):
    # Watched as SQLite prepares each statement: a check that starts reading a table its
    # list does not name fails here, before a probe of its --only run would miss that table.
    from datetime import date

    from ekbist import check
    from ekbist.store import Store

    conn = sqlite3.connect(unit)
    conn.executemany("INSERT OR REPLACE INTO settings (key, value) VALUES (?, '1')",
                     [("check.targets",), ("check.activity_requirement",)])
    conn.commit()
    conn.close()
    # SQLite names the database of a column it reads ("main"), but not of a table read for
    # its rows alone (count(*), EXISTS (SELECT 1 …)): those come with none, as do the names
    # of common table expressions. So a name counts when it is one of the file's tables.
    tables = {row[0] for row in sqlite3.connect(unit).execute(
        "SELECT name FROM sqlite_schema WHERE type = 'table'")}
    ignored = {"sqlite_schema", "sqlite_master", "json_each"}
    for name in check.CHECKS:
        read: set[str] = set()
        for day in ("2026-11-25", "2026-06-15", "2026-02-10"):
            store = Store.open(unit, readonly=True)

            def watch(action, table, column, db, source, read=read):
                if action == sqlite3.SQLITE_READ and db in ("main", None) and table in tables:
                    read.add(table)
                return sqlite3.SQLITE_OK

            store.conn.set_authorizer(watch)
            try:
                check.run(store, date.fromisoformat(day), only=[name])
            finally:
                store.close()
        assert read - ignored, name
        declared = check.READS[name]
        if declared is None:  # the whole file is probed
            continue
        assert read - ignored <= set(declared) | set(check.EVERY_RUN_READS), name
    assert check.probe_tables(check.CHECKS) is None
    assert check.probe_tables(["targets"]) is None
    assert check.probe_tables(["contacts"]) == {"contact", "calendar_day", "workday", "handler",
                                                "absence", "settings"}


def test_pages_the_fast_way_cannot_place_go_the_dbstat_way(tmp_path):
    # Overflow pages (a text longer than a page) are reached from cells, which the fast
    # way does not decode: left over, they send the probe to dbstat, which counts them.
    db = tmp_path / "long.db"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE t (x TEXT)")
    conn.executemany("INSERT INTO t VALUES (?)", [("x" * 9000,) for _ in range(20)])
    conn.commit()
    conn.close()
    assert quick_check(db) == ["ok"]
    assert accounted(db) is False
    assert probe(db) == []


def test_pages_still_in_the_wal_go_the_dbstat_way(unit):
    # Committed pages that are only in the -wal: the main file's bytes are not this
    # snapshot, so the fast way gives no verdict and dbstat (through SQLite) reads them.
    # (The handlers' names in capitals: the same page count and free list in the -wal as
    # in the file, so only the -wal itself tells the file's bytes are not the snapshot.)
    writer = sqlite3.connect(unit)
    writer.execute("PRAGMA wal_autocheckpoint = 0")
    writer.execute("UPDATE handler SET name = upper(name)")
    writer.commit()
    try:
        assert (unit.parent / (unit.name + "-wal")).stat().st_size > 0
        assert accounted(unit) is False
        assert probe(unit) == []
        writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        assert accounted(unit) is True
    finally:
        writer.close()


def test_a_page_of_garbage_behind_a_leaf_type_byte_is_not_proved_sound(unit):
    # A bad sector that happens to begin with a table leaf's type byte: the header's bounds
    # fail (cell pointers or cell area outside the page), and dbstat names the page.
    conn = sqlite3.connect(unit)
    page = conn.execute("SELECT pageno FROM dbstat WHERE name = 'application' AND "
                        "pagetype = 'leaf' ORDER BY pageno LIMIT 1 OFFSET 2").fetchone()[0]
    conn.close()
    write_page(unit, page, b"\x0d" + b"\xa5" * (page_size(unit) - 1))
    assert accounted(unit) is False
    assert quick_check(unit) != ["ok"]
    assert probe(unit) == [f"page {page} of application cannot be read"]
