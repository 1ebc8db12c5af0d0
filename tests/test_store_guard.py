"""Only `init` makes or upgrades a store; every other command leaves a file as it found it,
and `check` answers UNKNOWN (exit 3) for every problem with its own invocation."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest
from helpers.procs import clean_env, one_error, run

from ekbist.store import Store, latest_version, migrations

ADD_HANDLER = ["handler", "add", "h1", "--name", "Anna", "--team", "intake", "--fte", "1"]


def _older_store(path: Path) -> None:
    number, _name, sql = migrations()[0]
    conn = sqlite3.connect(path)
    conn.executescript(sql + f"\nPRAGMA user_version = {number};")
    conn.close()


@pytest.mark.parametrize("command", [["caseload"], ["case", "list"], ["info"], ["backup", "x.db"],
                                     ADD_HANDLER])
def test_an_empty_file_is_refused_and_left_empty(tmp_path, command):
    zero = tmp_path / "zero.xlsx"
    zero.write_bytes(b"")
    result = run(zero, *command, cwd=tmp_path)
    assert one_error(result) == (
        f"error: {zero} is empty, not an ekbist database — give your database with --db, "
        "or run 'ekbist init' to make one there")
    assert zero.stat().st_size == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["zero.xlsx"]


def test_a_missing_file_is_not_created(tmp_path):
    path = tmp_path / "sub" / "unit.db"
    assert "no database at" in one_error(run(path, "case", "list"))
    assert not path.parent.exists()


@pytest.mark.parametrize("command", [["case", "list"], ["info"],
                                     ADD_HANDLER])
def test_an_older_store_is_refused_untouched_until_init(tmp_path, command):
    path = tmp_path / "old.db"
    _older_store(path)
    before = path.read_bytes()
    assert one_error(run(path, *command)) == (
        f"error: the database {path} needs an upgrade — run 'ekbist init'")
    assert path.read_bytes() == before
    result = run(path, "init")
    assert result.returncode == 0, result.stderr
    assert f"is at schema version {latest_version()}" in result.stdout
    assert run(path, "case", "list").returncode == 0


def test_a_foreign_file_is_never_written_not_even_by_init(tmp_path):
    sheet = tmp_path / "budget.xlsx"
    sheet.write_bytes(b"PK\x03\x04" + b"\x00" * 400)  # a zip, as a workbook starts
    other = tmp_path / "other.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE notes (t TEXT)")
    conn.commit()
    conn.close()
    for path in (sheet, other):
        before = path.read_bytes()
        for command in (["info"], ["init"]):
            line = one_error(run(path, *command))
            assert line.startswith(f"error: {path} is not an ekbist database"), line
        line = one_error(run(path, "demo"))
        assert line.startswith((f"error: {path} is not an ekbist database",
                                f"error: {path} exists already — the demo writes only")), line
        assert path.read_bytes() == before


def test_init_on_an_empty_file_makes_a_private_store(tmp_path):
    path = tmp_path / "unit.db"
    path.write_bytes(b"")
    os.chmod(path, 0o644)
    assert run(path, "init").returncode == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with Store.open(path, readonly=True) as store:
        assert store.schema_version() == latest_version()


def test_demo_fills_only_a_new_store(tmp_path):
    path = tmp_path / "demo.db"
    assert run(path, "--today", "2026-11-25", "demo", "--households", "20",
               "--months", "3").returncode == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


# -- check: UNKNOWN for every problem with its own invocation -------------------------------------
@pytest.mark.parametrize(("args", "env", "reason"), [
    (["--today", "2026-13-01"], {}, "'2026-13-01' is not a date (YYYY-MM-DD)"),
    ([], {"EKBIST_TODAY": "30/11/2026"}, "EKBIST_TODAY: '30/11/2026' is not a date (YYYY-MM-DD)"),
    (["--lang", "xx"], {}, "'xx' is not one of 'en', 'sv'"),
    ([], {"EKBIST_LANG": "de"}, "'de' is not one of 'en', 'sv'"),
    ([], {"EKBIST_DB": "{folder}"}, "is a directory"),
    (["--db", "{folder}"], {}, "is a directory"),
])
def test_check_exits_3_for_a_bad_global_option_or_variable(tmp_path, args, env, reason):
    folder = str(tmp_path)
    store = tmp_path / "unit.db"
    assert run(store, "init").returncode == 0
    if not any(a == "--db" for a in args) and "EKBIST_DB" not in env:
        args = ["--db", str(store), *args]
    args = [a.replace("{folder}", folder) for a in args]
    env = {k: v.replace("{folder}", folder) for k, v in env.items()}
    result = run(None, *args, "check", env=clean_env(**env))
    assert result.returncode == 3, (result.stdout, result.stderr)
    out = (result.stdout + result.stderr).strip().splitlines()
    assert len(out) == 1 and out[0].startswith("EKBIST UNKNOWN: "), out
    assert reason in out[0]
    # The same mistake on another command is a usage error, as click reports it.
    assert run(None, *args, "info", env=clean_env(**env)).returncode == 2


def test_check_exits_3_for_its_own_bad_option_and_a_damaged_path(tmp_path):
    store = tmp_path / "unit.db"
    assert run(store, "init").returncode == 0
    result = run(store, "check", "--bogus")
    assert result.returncode == 3 and result.stderr == ""
    assert result.stdout.startswith("EKBIST UNKNOWN: ") and "--bogus" in result.stdout
    assert len(result.stdout.splitlines()) == 1
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    result = run(empty, "check")
    assert result.returncode == 3 and result.stdout.startswith("EKBIST UNKNOWN: ")
    assert empty.stat().st_size == 0


def test_the_library_names_an_unreadable_file(tmp_path, monkeypatch):
    import ekbist.store as store_module
    from ekbist.errors import StoreReadOnly

    path = tmp_path / "unit.db"
    Store.open(path, create=True).close()
    monkeypatch.setattr(store_module, "file_state", lambda p: "unreadable")
    with pytest.raises(StoreReadOnly, match="cannot read .*: this user may not open it"):
        Store.open(path, readonly=True)
