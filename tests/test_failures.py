"""Each failure is named by its cause: a read-only folder, a lock, a damaged file, a race.

Real files and real processes; a lock is held by this test's own connection, and a
process is known to wait for it by what /proc shows, never by sleeping.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from helpers.procs import (
    HAS_PROC,
    PLAIN_USER,
    clean_env,
    has_open,
    one_error,
    run,
    start,
    wait_until,
    waiting_on_lock,
)

from ekbist.store import Store

ADD_BO = ["handler", "add", "bo", "--name", "Bo B", "--team", "intake", "--fte", "1"]


@pytest.fixture
def unit(tmp_path) -> Path:
    db = tmp_path / "unit.db"
    assert run(db, "init").returncode == 0
    assert run(db, "handler", "add", "anna", "--name", "Anna A", "--team", "intake",
               "--fte", "1", "--start", "2026-01-01").returncode == 0
    assert run(db, "case", "open", "C-1", "--handler", "anna", "--opened",
               "2026-11-02").returncode == 0
    return db


# -- read-only folder ---------------------------------------------------------------------------
def as_plain_user(db: Path, *args: str):
    """Run without root's power to ignore file permissions (as a chief's account runs)."""
    return run(db, *args, plain_user=True)


@pytest.fixture
def read_only_unit(unit, tmp_path):
    if PLAIN_USER is None or os.geteuid() != 0:
        pytest.skip("needs root and setpriv to drop the permission override")
    closed = tmp_path / "closed"
    closed.mkdir(mode=0o555)
    probe = subprocess.run([*PLAIN_USER, "touch", str(closed / "x")], capture_output=True)
    closed.chmod(0o755)
    shutil.rmtree(closed)
    if probe.returncode == 0:
        pytest.skip("setpriv cannot drop the permission override here")
    os.chmod(unit, 0o444)
    os.chmod(unit.parent, 0o555)
    yield unit
    os.chmod(unit.parent, 0o755)
    os.chmod(unit, 0o600)


def test_a_read_only_folder_reads_and_says_why_it_cannot_write(read_only_unit):
    db = read_only_unit
    before = db.read_bytes()
    listing = as_plain_user(db, "case", "list", "--format", "json")
    assert listing.returncode == 0, listing.stderr
    assert [c["case"] for c in json.loads(listing.stdout)] == ["C-1"]
    info = as_plain_user(db, "info", "--format", "json")
    assert info.returncode == 0 and json.loads(info.stdout)["journal_mode"] == "wal"
    assert as_plain_user(db, "check").returncode in (0, 1, 2)
    assert one_error(as_plain_user(db, *ADD_BO)) == (
        f"error: cannot write to {db}: the folder or the file is not writable — reading works, "
        "writing needs a folder you may write in")
    assert one_error(as_plain_user(db, "backup", str(db.parent / "copy.db"))) == (
        f"error: cannot write {db.parent / 'copy.db'}: the folder {db.parent} is not writable")
    assert db.read_bytes() == before
    assert sorted(p.name for p in db.parent.iterdir()) == ["unit.db"]
    # A file this user may not read at all is named as such, not as "not writable".
    os.chmod(db, 0o000)
    unreadable = as_plain_user(db, "case", "list")
    assert unreadable.returncode == 2 and "is not readable" in unreadable.stderr
    assert "not writable" not in unreadable.stderr


# -- locks ------------------------------------------------------------------------------------
@pytest.mark.skipif(not HAS_PROC, reason="needs /proc")
def test_a_lock_is_busy_try_again_for_reads_writes_and_the_check(tmp_path):
    db = tmp_path / "unit.db"
    env = clean_env(EKBIST_JOURNAL="delete")  # as on a network drive: readers wait for writers
    assert run(db, "init", env=env).returncode == 0
    lock = sqlite3.connect(db, isolation_level=None)
    lock.execute("BEGIN EXCLUSIVE")
    try:
        procs = [start(db, "case", "list", env=env), start(db, *ADD_BO, env=env),
                 start(db, "check", env=env)]
        results = [p.communicate(timeout=120) + (p.returncode,) for p in procs]
    finally:
        lock.execute("ROLLBACK")
        lock.close()
    busy = f"the database {db} is busy with another command — try again"
    for out, err, code in results[:2]:
        assert (code, err) == (1, f"error: {busy}\n"), out
    out, err, code = results[2]
    assert (code, out) == (3, f"EKBIST UNKNOWN: {busy}\n")
    assert run(db, "handler", "list", env=env).returncode == 0


def test_a_writer_keeps_the_journal_mode_only_init_changes_it(tmp_path):
    db = tmp_path / "unit.db"
    assert run(db, "init").returncode == 0

    def mode() -> str:
        conn = sqlite3.connect(db)
        try:
            return conn.execute("PRAGMA journal_mode").fetchone()[0]
        finally:
            conn.close()

    assert mode() == "wal"
    # A writer that would choose the rollback journal (a network drive) leaves the file be,
    # so no reader sees the mode switch under it …
    assert run(db, *ADD_BO, env=clean_env(EKBIST_JOURNAL="delete")).returncode == 0
    assert mode() == "wal"
    # … and init, run on purpose, switches it.
    assert run(db, "init", env=clean_env(EKBIST_JOURNAL="delete")).returncode == 0
    assert mode() == "delete"


# -- damaged files ---------------------------------------------------------------------------
def _damage(db: Path, table: str = "handler") -> None:
    """Overwrite a table's first page, as a bad disk sector would."""
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)
                        ).fetchone()[0]
    conn.close()
    with db.open("r+b") as fh:
        fh.seek((root - 1) * page_size)
        fh.write(b"\xa5" * page_size)


def test_a_damaged_file_says_restore_from_a_backup(unit):
    _damage(unit)
    damaged = f"error: the database {unit} is damaged ("
    line = one_error(run(unit, "info", "--check"))
    assert line.startswith(damaged) and line.endswith("): restore it from a backup")
    check = run(unit, "check", "--format", "json")
    assert check.returncode == 3
    payload = json.loads(check.stdout)
    assert payload["status"] == "UNKNOWN"
    assert payload["findings"][0]["message"].startswith(f"the database {unit} is damaged (")
    # A command that reads the damaged pages says the same; never "unexpected DatabaseError".
    line = one_error(run(unit, "handler", "list"))
    assert line.startswith(damaged), line


def test_the_check_notices_damage_its_own_queries_never_read(unit):
    # The audit is read by no check: only the integrity probe, running beside the check's
    # queries on a connection of its own, can see this page is gone.
    assert run(unit, "check").returncode == 0
    _damage(unit, "audit")
    check = run(unit, "check")
    assert check.returncode == 3
    assert check.stdout.startswith(f"EKBIST UNKNOWN: the database {unit} is damaged (")
    assert check.stdout.rstrip().endswith("): restore it from a backup")


def test_a_sound_file_passes_the_integrity_check(unit):
    result = run(unit, "info", "--check")
    assert result.returncode == 0 and "Integrity check: ok" in result.stdout
    assert json.loads(run(unit, "info", "--check", "--format", "json").stdout)["integrity"] == "ok"
    with Store.open(unit, readonly=True) as store:
        assert store.check_integrity() == [] and store.check_integrity(quick=True) == []


# -- the same key from two processes at once ---------------------------------------------------
@pytest.mark.skipif(not HAS_PROC, reason="needs /proc")
@pytest.mark.parametrize("command", [
    ["application", "add", "C-1", "--id", "SAME1", "--period", "2026-11",
     "--received", "2026-11-16"],
    ["case", "open", "C-2", "--handler", "anna", "--opened", "2026-11-02"],
    ADD_BO,
])
def test_two_writers_of_the_same_key_one_wins_one_hears_exists_already(unit, command):
    lock = sqlite3.connect(unit, isolation_level=None)
    lock.execute("BEGIN IMMEDIATE")  # both writers get ready and wait here, then race
    both = [start(unit, *command), start(unit, *command)]
    wait_until(lambda: all(has_open(p, unit) and waiting_on_lock(p) for p in both),
               "both writers to wait for the lock")
    lock.execute("ROLLBACK")
    lock.close()
    results = sorted((p.communicate(timeout=120) + (p.returncode,) for p in both),
                     key=lambda r: r[2])
    (_out, err_won, won), (_out2, err_lost, lost) = results
    assert (won, err_won) == (0, "")
    assert lost == 1 and len(err_lost.strip().splitlines()) == 1
    assert err_lost.startswith("error: ") and err_lost.rstrip().endswith("exists already")
