"""The store's state is never silently wrong: real WAL damage, read-only readers, restore.

A "crashed writer" is a real process that commits rows one by one in WAL mode, with the
automatic checkpoint off, and ends without closing (``os._exit``), as a killed command or
a power cut leaves it: the commits are in ``STORE-wal`` only, and ``STORE-shm`` counts
them. The damage is then done to those real files: deleted, cut short, a flipped byte,
another store's log in their place, a rolled-back write after a "full disk" (a tiny
``max_page_count``).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import procs
from helpers.procs import one_error, run

from ekbist import wal

ROWS = 200  # committed one by one: 200 commits in the -wal
PAGE = 4096
FRAME = 24 + PAGE


def crashed_writer(db: Path, rows: int = ROWS, prefix: str = "k") -> None:
    code = (
        "import os, sqlite3, sys\n"
        "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "c.execute('PRAGMA wal_autocheckpoint = 0')\n"
        f"for i in range({rows}):\n"
        f"    c.execute('INSERT INTO settings (key, value) VALUES (?, ?)', ('{prefix}%d' % i, 'v'))\n"
        "os._exit(0)\n"
    )
    subprocess.run([sys.executable, "-c", code, str(db)], check=True)


def settings(db: Path) -> int:
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT count(*) FROM settings").fetchone()[0]
    finally:
        conn.close()


@pytest.fixture
def crashed(tmp_path) -> Path:
    db = tmp_path / "unit.db"
    assert run(db, "init").returncode == 0
    crashed_writer(db)
    assert Path(f"{db}-wal").stat().st_size > 32 + ROWS * FRAME
    return db


def check_line(db: Path) -> tuple[int, str]:
    result = run(db, "check")
    return result.returncode, result.stdout.strip()


# -- both sides: a log with commits waiting is fine ---------------------------------------
def test_an_intact_log_after_a_crash_is_read_and_reported_fine(crashed):
    state = wal.inspect(crashed)
    assert (state.commits, state.leftover_frames, state.bad_frame, state.problems) == (
        ROWS, 0, None, [])
    assert state.unapplied
    assert check_line(crashed)[0] == 0
    assert run(crashed, "info", "--check").returncode == 0
    assert settings(crashed) == ROWS


@pytest.mark.parametrize("command", [["check"], ["info", "--check"]])
def test_a_deleted_log_is_reported(crashed, command):
    Path(f"{crashed}-wal").unlink()
    result = run(crashed, *command)
    text = (result.stdout + result.stderr).strip()
    assert result.returncode == (3 if command == ["check"] else 1), text
    assert f"{crashed}-wal is missing" in text and "are lost" in text


def test_a_log_cut_inside_a_frame_is_reported(crashed):
    log = Path(f"{crashed}-wal")
    os.truncate(log, 32 + 10 * FRAME + 100)  # ten whole frames and a piece of the 11th
    code, line = check_line(crashed)
    assert code == 3
    assert line.startswith(f"EKBIST UNKNOWN: {log} is cut short: it ends inside frame 11")


def test_a_log_cut_between_frames_is_reported(crashed):
    log = Path(f"{crashed}-wal")
    os.truncate(log, 32 + 10 * FRAME)
    line = one_error(run(crashed, "info", "--check"))
    assert line.startswith(f"error: {log} is shorter than its index says (10 of ")


def flip(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


def test_a_flipped_byte_in_the_first_frame_loses_every_commit_and_says_so(crashed):
    log = Path(f"{crashed}-wal")
    flip(log, 32 + 24 + 100)  # page data of frame 1
    code, line = check_line(crashed)
    assert code == 3
    # Every one of the 200 commits is at or after frame 1.
    assert line == (f"EKBIST UNKNOWN: {log} fails its checksum at frame 1: {ROWS} commits "
                    "after it are lost")


def test_a_flipped_byte_in_the_last_frame_loses_the_last_commit(crashed):
    log = Path(f"{crashed}-wal")
    frames = (log.stat().st_size - 32) // FRAME
    flip(log, 32 + (frames - 1) * FRAME + 24 + 7)
    line = one_error(run(crashed, "info", "--check"))
    assert line == f"error: {log} fails its checksum at frame {frames}: 1 commit after it is lost"


def test_another_stores_log_is_reported_as_foreign(crashed, tmp_path):
    other = tmp_path / "other.db"
    assert run(other, "init").returncode == 0
    crashed_writer(other, rows=5, prefix="x")
    shutil.copy(Path(f"{other}-wal"), Path(f"{crashed}-wal"))
    code, line = check_line(crashed)
    assert code == 3
    assert line.startswith(f"EKBIST UNKNOWN: {crashed}-wal does not belong to this database")


def test_a_log_rolled_back_after_a_full_disk(tmp_path):
    db = tmp_path / "unit.db"
    assert run(db, "init").returncode == 0
    code = (
        "import os, sqlite3, sys\n"
        "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "c.execute('PRAGMA cache_size = 5')\n"  # spill pages to the -wal as they are written
        "n = c.execute('PRAGMA page_count').fetchone()[0]\n"
        "c.execute(f'PRAGMA max_page_count = {n + 300}')\n"  # a disk with 300 pages free
        "c.execute('BEGIN')\n"
        "try:\n"
        "    for i in range(2000):\n"
        "        c.execute('INSERT INTO settings (key, value) VALUES (?, ?)', (f'k{i}', 'x' * 1000))\n"
        "except sqlite3.OperationalError as exc:\n"
        "    assert 'full' in str(exc), exc\n"
        "os._exit(0)\n"
    )
    subprocess.run([sys.executable, "-c", code, str(db)], check=True)
    state = wal.inspect(db)
    # Every frame of the log belongs to the write that failed: none was committed.
    log_size = Path(f"{db}-wal").stat().st_size
    assert state.commits == 0 and state.leftover_frames == (log_size - 32) // FRAME > 50
    assert state.problems == []
    # With room on the disk the next write reuses the log: not a problem, and it works.
    assert wal.write_blocked(state, free=10 * 1024**3) is None
    assert check_line(db)[0] == 0
    # On a full disk every write fails: that is named, with the log's size.
    blocked = wal.write_blocked(state, free=64 * 1024)
    assert blocked.startswith(f"{db}-wal holds ") and "64 kB free" in blocked
    assert f"({state.leftover_frames} frames)" in blocked
    assert run(db, "handler", "add", "bo", "--name", "Bo B", "--team", "intake",
               "--fte", "1").returncode == 0
    assert settings(db) == 0


# -- a reader that cannot apply the log -----------------------------------------------------


def test_a_reader_in_a_read_only_folder_never_answers_from_a_stale_file(crashed):
    if procs.PLAIN_USER is None or os.geteuid() != 0:
        pytest.skip("needs root and setpriv to drop the permission override")
    folder = crashed.parent
    os.chmod(folder, 0o555)
    try:
        result = procs.run(crashed, "settings", "list", "--format", "json", plain_user=True)
    finally:
        os.chmod(folder, 0o755)
    if result.returncode == 0:  # SQLite could read the log itself: then the rows are there
        assert result.stdout.count('"k') >= ROWS, result.stdout[:300]
        return
    line = one_error(result)
    assert line.startswith(f"error: {crashed}: committed changes wait in {crashed}-wal, and "
                           "this user cannot apply them — the folder is not writable")


def test_a_log_beside_a_file_that_is_no_store_is_not_read_as_its_log(tmp_path):
    # A spreadsheet given as --db, with junk of the same name and "-wal" beside it: the
    # cause to name is the spreadsheet, not a damaged log of a store that is not there.
    sheet = tmp_path / "budget.xlsx"
    sheet.write_bytes(b"PK\x03\x04 not a store")
    Path(f"{sheet}-wal").write_bytes(bytes(range(256)) * 20)
    cause = f"{sheet} is not an ekbist database"
    assert check_line(sheet)[0] == 3 and check_line(sheet)[1].startswith(f"EKBIST UNKNOWN: {cause}")
    assert one_error(run(sheet, "info", "--check")).startswith(f"error: {cause}")
    # The store's own log, damaged the same way, is named (the other side of the rule).
    db = tmp_path / "unit.db"
    assert run(db, "init").returncode == 0
    crashed_writer(db)
    Path(f"{db}-wal").write_bytes(bytes(range(256)) * 20)
    assert one_error(run(db, "info", "--check")).startswith(f"error: {db}-wal is not a valid log")


# -- restore -----------------------------------------------------------------------------------
def test_restore_puts_the_backup_back_without_the_old_log(crashed, tmp_path):
    backup = tmp_path / "backup.db"
    # A backup made before the crashed writer's 200 rows: build a fresh one of the same kind.
    fresh = tmp_path / "fresh.db"
    assert run(fresh, "init").returncode == 0
    assert run(fresh, "backup", str(backup)).returncode == 0
    result = run(crashed, "restore", str(backup))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"Restored {crashed} from {backup} (schema version " + lines[0].split(
        "schema version ")[1]
    kept = Path(lines[1].removeprefix("The replaced database is kept as ").rstrip("."))
    assert kept.parent == crashed.parent and kept.name.startswith("unit.db.replaced-")
    # The old log did not come back onto the restored file; the replaced store keeps it all.
    assert not Path(f"{crashed}-wal").exists() or Path(f"{crashed}-wal").stat().st_size == 0
    assert settings(crashed) == 0
    assert settings(kept) == ROWS
    assert check_line(crashed)[0] == 0
    audit = run(crashed, "audit", "--format", "csv").stdout.splitlines()
    assert audit[-1].split(",")[2:6] == [f"ekbist --db {crashed} restore {backup}", "store",
                                         "restore", "update"]
    # The restore is found by the table name its row carries; a name of no table is not.
    by_table = run(crashed, "audit", "--table", "store", "--format", "csv")
    assert by_table.returncode == 0, by_table.stderr
    assert by_table.stdout.splitlines()[1:] == [audit[-1]]
    assert one_error(run(crashed, "audit", "--table", "stores")) == "error: unknown table 'stores'"
    assert oct(crashed.stat().st_mode & 0o777) == "0o600"


def test_restore_records_where_the_backup_was_without_an_identity_number(tmp_path):
    # The backup sits in a folder named after a personnummer and is given by a relative
    # name (the argument itself holds none): the audit keeps its whole path, masked.
    db = tmp_path / "unit.db"
    assert run(db, "init").returncode == 0
    folder = tmp_path / "811218-9876"
    folder.mkdir()
    assert run(db, "backup", "b.db", cwd=folder).returncode == 0
    result = run(db, "restore", "b.db", cwd=folder)
    assert result.returncode == 0, result.stderr
    assert "9876" not in result.stdout + result.stderr
    conn = sqlite3.connect(db)
    try:
        stored = conn.execute("SELECT os_user, command, after FROM audit WHERE tbl = 'store'"
                              ).fetchall()
    finally:
        conn.close()
    assert len(stored) == 1 and f"{tmp_path}/811218-****/b.db" in stored[0][2], stored
    assert "9876" not in repr(stored)


def test_restore_into_a_new_file(tmp_path):
    db = tmp_path / "unit.db"
    assert run(db, "init").returncode == 0
    assert run(db, "backup", str(tmp_path / "b.db")).returncode == 0
    new = tmp_path / "new" / "unit.db"
    result = run(new, "restore", str(tmp_path / "b.db"))
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 1  # nothing was replaced, nothing kept
    assert run(new, "info", "--check").returncode == 0


@pytest.mark.parametrize("kind", ["missing", "text", "foreign", "newer", "damaged", "itself"])
def test_restore_refuses_a_bad_backup_and_leaves_the_store(crashed, tmp_path, kind):
    backup = tmp_path / "backup.db"
    if kind == "text":
        backup.write_text("id,name\n")
    elif kind == "foreign":
        conn = sqlite3.connect(backup)
        conn.execute("CREATE TABLE t (x)")
        conn.commit()
        conn.close()
    elif kind in ("newer", "damaged"):
        assert run(crashed, "backup", str(backup)).returncode == 0
        if kind == "newer":
            conn = sqlite3.connect(backup)
            conn.execute("PRAGMA user_version = 999")
            conn.commit()
            conn.close()
        else:
            data = bytearray(backup.read_bytes())
            for i in range(PAGE * 3, PAGE * 3 + 400):  # the middle of a b-tree page
                data[i] ^= 0x5A
            backup.write_bytes(bytes(data))
    elif kind == "itself":
        backup = crashed
    before = {p.name: p.read_bytes() for p in crashed.parent.iterdir() if p.name.startswith("unit.db")}
    line = one_error(run(crashed, "restore", str(backup)))
    expected = {
        "missing": f"error: no backup at {backup}",
        "text": f"error: {backup} is not an ekbist backup (not an SQLite database)",
        "foreign": f"error: {backup} is not an ekbist backup (an SQLite file of another program)",
        "newer": f"error: the backup {backup} has schema version 999, newer than this ekbist knows",
        "damaged": f"error: the backup {backup} is damaged (",
        "itself": f"error: {backup} is the store itself — give a backup",
    }[kind]
    assert line.startswith(expected), line
    after = {p.name: p.read_bytes() for p in crashed.parent.iterdir() if p.name.startswith("unit.db")}
    assert after == before
    assert settings(crashed) == ROWS


def test_restore_never_writes_over_another_programs_file(tmp_path):
    db = tmp_path / "unit.db"
    assert run(db, "init").returncode == 0
    assert run(db, "backup", str(tmp_path / "b.db")).returncode == 0
    sheet = tmp_path / "budget.xlsx"
    sheet.write_bytes(b"PK\x03\x04 not a store")
    line = one_error(run(sheet, "restore", str(tmp_path / "b.db")))
    assert line == (f"error: {sheet} is not an ekbist store — restore writes only over an "
                    "ekbist store, or a new file")
    assert sheet.read_bytes() == b"PK\x03\x04 not a store"


# -- a live writer is not damage --------------------------------------------------------------
LIVE_WRITER = (
    "import sqlite3, sys\n"
    "db, i = sys.argv[1], 0\n"
    "print('writing', flush=True)\n"
    "while sys.stdin.readable():\n"
    "    # Each round: commits, a checkpoint that restarts the log, and a close that\n"
    "    # deletes the -wal (the last connection checkpoints and removes it).\n"
    "    c = sqlite3.connect(db, isolation_level=None)\n"
    "    c.execute('PRAGMA wal_autocheckpoint = 4')\n"
    "    for _ in range(6):\n"
    "        c.execute('INSERT INTO settings (key, value) VALUES (?, ?)', ('live%d' % i, 'v'))\n"
    "        i += 1\n"
    "    c.close()\n"
    "    if i > 60000:\n"
    "        break\n"
)


def test_a_store_being_written_is_never_reported_damaged(tmp_path):
    # The morning check reads the -wal and -shm itself while an import may be writing:
    # a commit, a checkpoint or the -wal removed between two reads must not look like
    # lost commits. (Read in one go, without waiting for the files to stand still, this
    # reported "shorter than its index" or "missing" within a few hundred reads.)
    db = tmp_path / "unit.db"
    assert run(db, "init").returncode == 0
    writer = subprocess.Popen([sys.executable, "-c", LIVE_WRITER, str(db)], stdout=subprocess.PIPE,
                              text=True)
    try:
        assert writer.stdout.readline().strip() == "writing"
        reads = 0
        while reads < 400 and writer.poll() is None:
            assert wal.problems(db) == []
            reads += 1
    finally:
        writer.kill()
        writer.wait()
    assert reads >= 100
    # Once the writer has gone, the store is sound and says so.
    assert wal.problems(db) == []
