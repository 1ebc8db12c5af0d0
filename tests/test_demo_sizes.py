"""The demo builds at every size it offers, and a demo that fails leaves no file."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from helpers.procs import file_size_limit, one_error, run, scalar

from ekbist import demo as demo_unit
from ekbist.errors import EkbistError


def build(db: Path, *args: str, **kwargs) -> subprocess.CompletedProcess:
    return run(db, "demo", *args, timeout=1800, **kwargs)


def households_active(db: Path) -> int:
    return scalar(db, "SELECT count(*) FROM cases WHERE closed IS NULL")


@pytest.mark.parametrize(("households", "months", "seed"), [
    (10, 1, 1), (10, 1, 2), (11, 3, 7), (480, 2, 3), (2999, 1, 11),
    (20_000, 2, 3),  # the largest offered, a whole city, over two months
])
def test_every_size_offered_builds(tmp_path, households, months, seed):
    db = tmp_path / "demo.db"
    result = build(db, "--households", str(households), "--months", str(months), "--end",
                   "2026-11", "--seed", str(seed))
    assert result.returncode == 0, result.stderr
    # The line wraps within 80 columns on a pipe (tests/test_prose_on_a_pipe.py).
    assert " ".join(result.stdout.split()).startswith(f"Demo unit written to {db}: ")
    assert [p.name for p in tmp_path.iterdir() if not p.name.endswith(("-wal", "-shm"))] == [
        "demo.db"]
    assert households_active(db) >= households * 0.8  # about the asked number stay active
    assert run(db, "info", "--check", timeout=600).returncode == 0


def test_above_the_largest_size_is_refused():
    over = demo_unit.DemoOptions(households=demo_unit.MAX_HOUSEHOLDS + 1, months=1, end=None,
                                 seed=1)
    with pytest.raises(EkbistError, match="at most 20 000 households"):
        demo_unit.plan_months(over, __import__("datetime").date(2026, 11, 25))
    result = run(Path("x.db"), "demo", "--households", "20001")
    assert result.returncode == 2 and "20001 is not in the range 10<=x<=20000" in result.stderr


def test_a_demo_that_fails_leaves_no_file_and_the_next_one_builds(tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    db = folder / "demo.db"
    # A "full disk" part-way: no file may grow past 3 MB (the schema and calendar fit).
    failed = build(db, "--households", "480", "--months", "12", preexec_fn=file_size_limit(3 << 20))
    line = one_error(failed)
    assert line.startswith(f"error: could not build the demo in {db}: "), line
    assert line.endswith(" — nothing was written"), line
    assert list(folder.iterdir()) == []
    again = build(db, "--households", "60", "--months", "3")
    assert again.returncode == 0, again.stderr
    assert sorted(p.name for p in folder.iterdir() if not p.name.endswith(("-wal", "-shm"))) == [
        "demo.db"]


def test_a_demo_is_only_built_under_a_name_every_command_can_open(tmp_path):
    # The store's name needs room for SQLite's "-journal" beside it: a name that fits
    # alone but not with it would give a demo no later command could open.
    longest = os.pathconf(tmp_path, "PC_NAME_MAX")
    tight = tmp_path / ("d" * (longest - len("-journal") - len(".db") + 1) + ".db")
    line = one_error(build(tight, "--households", "10", "--months", "1"))
    assert line == (f"error: {tight}: the name is too long — this folder takes names of at "
                    f"most {longest} bytes, with room for '-journal'")
    assert list(tmp_path.iterdir()) == []
    fits = tmp_path / ("d" * (longest - len("-journal") - len(".db")) + ".db")
    assert build(fits, "--households", "10", "--months", "1").returncode == 0
    info = run(fits, "info")
    assert info.returncode == 0 and info.stdout.startswith(f"Database: {fits}"), info.stderr


def test_an_empty_file_is_taken_and_a_store_is_never_replaced(tmp_path):
    db = tmp_path / "demo.db"
    db.touch()
    assert build(db, "--households", "10", "--months", "1").returncode == 0
    assert os.stat(db).st_size > 0
    before = db.read_bytes()
    line = one_error(build(db, "--households", "10", "--months", "1"))
    assert line.startswith(f"error: {db} exists already — the demo writes only a new database")
    assert db.read_bytes() == before
