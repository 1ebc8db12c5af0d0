"""Interrupts tell the truth, checked with real processes, real locks and real signals.

A command is held at a known point by a lock this test owns (never by sleeping): on a
rollback-journal store a writer's COMMIT waits for every reader to finish, and every
command's first read waits for a writer's exclusive lock. The signal is sent while the
command waits there, then the lock is let go.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import stat
from pathlib import Path

import pytest
from helpers import procs
from helpers.procs import HAS_PROC, clean_env, has_open, wait_until, waiting_on_lock

pytestmark = pytest.mark.skipif(not HAS_PROC, reason="needs /proc")


def _env() -> dict[str, str]:
    return clean_env(EKBIST_JOURNAL="delete")


@pytest.fixture
def unit(tmp_path) -> Path:
    db = tmp_path / "unit.db"
    assert procs.run(db, "init", env=_env()).returncode == 0
    assert procs.run(db, "handler", "add", "anna", "--name", "Anna A", "--team", "intake",
                     "--fte", "1", env=_env()).returncode == 0
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    conn.close()
    return db


def handlers(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return [r[0] for r in conn.execute("SELECT id FROM handler ORDER BY id")]
    finally:
        conn.close()


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_before_the_commit_nothing_is_written_and_it_says_so(unit, sig, code):
    lock = sqlite3.connect(unit, isolation_level=None)
    lock.execute("BEGIN EXCLUSIVE")  # the command cannot even read until this ends
    proc = procs.start(unit, "handler", "add", "bo", "--name", "Bo B", "--team", "intake", "--fte", "1", env=_env())
    wait_until(lambda: has_open(proc, unit) and waiting_on_lock(proc), "the command to wait")
    proc.send_signal(sig)
    lock.execute("ROLLBACK")
    lock.close()
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == code, (out, err)
    assert err == "error: interrupted — nothing was written\n"
    assert out == ""
    assert handlers(unit) == ["anna"]


@pytest.mark.parametrize(("sig"), [signal.SIGINT, signal.SIGTERM])
def test_during_the_commit_the_command_finishes_and_reports_success(unit, sig):
    reader = sqlite3.connect(unit, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM handler").fetchone()  # a shared lock: COMMIT waits
    journal = Path(f"{unit}-journal")
    proc = procs.start(unit, "handler", "add", "bo", "--name", "Bo B", "--team", "intake", "--fte", "1", env=_env())
    # The journal exists once the command has written its rows; then it waits in COMMIT.
    wait_until(lambda: journal.exists() and waiting_on_lock(proc), "the command's COMMIT")
    proc.send_signal(sig)
    reader.execute("COMMIT")
    reader.close()
    out, err = proc.communicate(timeout=60)
    assert (proc.returncode, err) == (0, ""), out
    assert "bo" in out
    assert handlers(unit) == ["anna", "bo"]


def test_an_interrupted_export_leaves_no_file(unit, tmp_path):
    target = tmp_path / "out" / "handlers.xlsx"
    target.parent.mkdir()
    lock = sqlite3.connect(unit, isolation_level=None)
    lock.execute("BEGIN EXCLUSIVE")
    proc = procs.start(unit, "export", "handlers", str(target), env=_env())
    wait_until(lambda: has_open(proc, unit) and waiting_on_lock(proc), "the export to wait")
    proc.send_signal(signal.SIGINT)
    lock.execute("ROLLBACK")
    lock.close()
    out, err = proc.communicate(timeout=60)
    assert (proc.returncode, err) == (130, "error: interrupted — nothing was written\n")
    assert list(target.parent.iterdir()) == []


def test_a_backup_that_cannot_be_written_whole_leaves_nothing(small_demo_db, tmp_path):
    db = tmp_path / "demo.db"
    shutil.copyfile(small_demo_db, db)
    size = db.stat().st_size
    folder = tmp_path / "backups"
    folder.mkdir()
    # A "full disk": no file may grow past a quarter of the store (CPython ignores SIGXFSZ,
    # so the write fails with EFBIG as on a full disk).
    result = procs.run(db, "backup", str(folder / "copy.db"), env=_env(),
                       preexec_fn=procs.file_size_limit(size // 4))
    assert result.returncode == 1, (result.stdout, result.stderr)
    lines = [line for line in result.stderr.strip().splitlines() if not line.startswith("note: ")]
    assert lines == [f"error: could not write {folder / 'copy.db'}: database or disk is full — "
                     "nothing was written"] or (
        len(lines) == 1 and lines[0].startswith(f"error: could not write {folder / 'copy.db'}: "))
    assert list(folder.iterdir()) == []
    # With room it works, and the copy is private.
    assert procs.run(db, "backup", str(folder / "copy.db"), env=_env()).returncode == 0
    assert [p.name for p in folder.iterdir()] == ["copy.db"]
    assert stat.S_IMODE((folder / "copy.db").stat().st_mode) == 0o600


def test_an_export_on_a_full_disk_leaves_nothing_and_no_traceback(tmp_path):
    # A demo of its own, made with a rollback journal: the session's demo is in WAL mode,
    # and switching it needs a write the "full disk" refuses before the export starts.
    db = tmp_path / "demo.db"
    assert procs.run(db, "demo", "--households", "60", "--months", "6", env=_env()).returncode == 0
    folder = tmp_path / "out"
    folder.mkdir()
    result = procs.run(db, "export", "applications", str(folder / "a.xlsx"), env=_env(),
                       preexec_fn=procs.file_size_limit(4096))
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert result.stderr.splitlines()[-1] == (
        "error: could not write: File too large — nothing was written")
    assert result.stderr.splitlines()[0].startswith("note: ")  # the store is a demo
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("kind", ["export", "template"])
def test_written_workbooks_are_private_whatever_the_umask(unit, tmp_path, kind):
    target = tmp_path / f"{kind}.xlsx"
    proc = procs.run(unit, kind, "handlers", str(target), env=_env(),
                     preexec_fn=lambda: os.umask(0o022))
    assert proc.returncode == 0, proc.stderr
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".ekbist-")] == []
