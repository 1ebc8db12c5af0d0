"""The store: creation, migration, refusal of newer files, audit, backup, journal mode."""

from __future__ import annotations

import json
import sqlite3
import stat

import pytest

from ekbist import handlers, settings
from ekbist.errors import EkbistError, NoDatabase, SchemaError
from ekbist.store import Store, choose_journal_mode, latest_version, migrations


def test_new_file_is_private_wal_with_foreign_keys(db_path) -> None:
    store = Store.open(db_path, create=True)
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
    assert store.schema_version() == latest_version()
    assert store.journal_mode() == "wal"
    assert store.scalar("PRAGMA foreign_keys") == 1
    assert store.scalar("PRAGMA busy_timeout") >= 5000
    store.close()


def test_missing_database_is_refused(db_path) -> None:
    with pytest.raises(NoDatabase, match="run 'ekbist init'"):
        Store.open(db_path)
    assert not db_path.exists()


def test_an_older_file_is_migrated_keeping_its_data(db_path) -> None:
    number, _name, first_sql = migrations()[0]
    conn = sqlite3.connect(db_path)
    conn.executescript(first_sql + f"\nPRAGMA user_version = {number};")
    conn.execute("INSERT INTO handler (id, name, team, fte) VALUES ('h1', 'Anna', 'intake', 1.0)")
    conn.commit()
    conn.close()
    store = Store.open(db_path, migrate=True)
    assert store.schema_version() == latest_version()
    assert store.one("SELECT name FROM handler WHERE id = 'h1'")["name"] == "Anna"
    store.close()


def test_a_newer_file_is_refused_untouched(db_path) -> None:
    Store.open(db_path, create=True).close()
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {latest_version() + 1}")
    conn.close()
    before = db_path.read_bytes()
    with pytest.raises(SchemaError, match="newer than this ekbist knows"):
        Store.open(db_path)
    with pytest.raises(SchemaError):
        Store.open(db_path, readonly=True)
    assert db_path.read_bytes() == before


def test_not_a_database(tmp_path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("hello, this is not SQLite" * 100)
    with pytest.raises(SchemaError, match="not an ekbist database"):
        Store.open(path)


def test_every_write_is_audited(store) -> None:
    handlers.add(store, "h1", name="Anna", team="intake", fte=1.0)
    handlers.edit(store, "h1", fte=0.5)
    rows = store.query(
        "SELECT tbl, key, action, before, after, os_user, command FROM audit ORDER BY id"
    )
    assert [(r["tbl"], r["key"], r["action"]) for r in rows] == [
        ("handler", "h1", "insert"),
        ("handler", "h1", "update"),
    ]
    assert json.loads(rows[1]["before"])["fte"] == 1.0
    assert json.loads(rows[1]["after"])["fte"] == 0.5
    assert rows[0]["os_user"]
    assert rows[0]["command"].startswith("ekbist")


def test_a_refused_write_leaves_no_trace(store) -> None:
    handlers.add(store, "h1", name="Anna", team="intake", fte=1.0)
    count = store.scalar("SELECT count(*) FROM audit")
    with pytest.raises(EkbistError):
        handlers.add(store, "h1", name="Anna again", team="intake", fte=1.0)
    with pytest.raises(RuntimeError), store.transaction():
        store.execute("UPDATE handler SET fte = 0.1 WHERE id = 'h1'")
        raise RuntimeError("stop half-way")
    assert store.scalar("SELECT fte FROM handler WHERE id = 'h1'") == 1.0
    assert store.scalar("SELECT count(*) FROM audit") == count


def test_readonly_store_cannot_write(db_path) -> None:
    Store.open(db_path, create=True).close()
    store = Store.open(db_path, readonly=True)
    with pytest.raises(sqlite3.OperationalError):
        store.execute("INSERT INTO settings (key, value) VALUES ('x', 'y')")
    store.close()


def test_backup_is_a_checked_copy(store, tmp_path) -> None:
    handlers.add(store, "h1", name="Anna", team="intake", fte=1.0)
    dest = tmp_path / "copy.db"
    store.backup(dest)
    copy = Store.open(dest, readonly=True)
    assert copy.scalar("SELECT name FROM handler") == "Anna"
    copy.close()
    with pytest.raises(EkbistError, match="exists already"):
        store.backup(dest)


def test_journal_mode_follows_the_filesystem(tmp_path, monkeypatch) -> None:
    import ekbist.store as store_module

    monkeypatch.setattr(store_module, "filesystem_type", lambda path: "ext4")
    assert choose_journal_mode(tmp_path / "x.db") == "wal"
    monkeypatch.setattr(store_module, "filesystem_type", lambda path: "nfs4")
    assert choose_journal_mode(tmp_path / "x.db") == "delete"
    monkeypatch.setenv("EKBIST_JOURNAL", "wal")  # the override wins over the guess
    assert choose_journal_mode(tmp_path / "x.db") == "wal"
    monkeypatch.setenv("EKBIST_JOURNAL", "delete")
    assert choose_journal_mode(tmp_path / "x.db") == "delete"
    store = Store.open(tmp_path / "net.db", create=True)
    assert store.journal_mode() == "delete"
    store.close()


def test_network_filesystems_get_the_rollback_journal(tmp_path, monkeypatch) -> None:
    import ekbist.store as store_module

    monkeypatch.setattr(store_module, "filesystem_type", lambda path: "cifs")
    assert choose_journal_mode(tmp_path / "x.db") == "delete"
    monkeypatch.setattr(store_module, "filesystem_type", lambda path: "ext4")
    assert choose_journal_mode(tmp_path / "x.db") == "wal"


def test_settings_are_checked(store) -> None:
    assert settings.get(store, "handling.days") == 5
    settings.put(store, "handling.days", "7")
    assert settings.get(store, "handling.days") == 7
    with pytest.raises(EkbistError, match="unknown setting"):
        settings.put(store, "handling.dayz", "7")
    with pytest.raises(EkbistError, match="between"):
        settings.put(store, "handling.days", "0")
    with pytest.raises(EkbistError, match="not a valid value"):
        settings.put(store, "caseload.max_per_fte", "many")
    assert settings.get(store, "handling.days") == 7


def test_only_a_migrating_open_upgrades_an_older_file(db_path) -> None:
    number, _name, first_sql = migrations()[0]
    conn = sqlite3.connect(db_path)
    conn.executescript(first_sql + f"\nPRAGMA user_version = {number};")
    conn.close()
    before = db_path.read_bytes()
    for readonly in (True, False):
        with pytest.raises(SchemaError, match="needs an upgrade — run 'ekbist init'"):
            Store.open(db_path, readonly=readonly)
    assert db_path.read_bytes() == before
    store = Store.open(db_path, migrate=True)
    assert store.schema_version() == latest_version()
    store.close()
