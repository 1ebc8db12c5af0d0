"""Putting a backup back in the store's place, safely (``ekbist restore BACKUP``).

Copying a backup over the store by hand is not safe in WAL mode: the store's old ``-wal``
stays beside the copied file, and SQLite replays its commits onto the backup, which then
holds old rows no one restored while every check says OK. Restoring here:

1. checks the backup is an ekbist store of a version this ekbist knows and passes
   SQLite's ``integrity_check``;
2. copies it with SQLite's online backup to a temporary name beside the store, checks
   the copy, puts the store's journal mode on it and records the restore in its audit;
3. brings the old store's ``-wal`` into the old file (a checkpoint) and keeps the old
   store beside it under a name that says when it was replaced, so nothing is lost;
4. removes the old ``-wal``/``-shm`` and renames the copy into place — the one step that
   makes the restore happen. A failure or an interrupt before it leaves the store as it was.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from ekbist.errors import EkbistError, SchemaError, StoreBusy, StoreDamaged
from ekbist.i18n import _


@dataclass
class Restored:
    path: Path
    backup: Path
    schema_version: int
    kept: Path | None  # where the replaced store was kept, if there was one
    needs_upgrade: bool


def _check_backup(backup: Path) -> int:
    """The backup's schema version, after checking it is a sound ekbist store."""
    from ekbist import files
    from ekbist.store import file_state, latest_version

    problem = files.odd_path(backup)
    if problem is not None:
        raise problem
    state = file_state(backup)
    if state == "missing":
        raise EkbistError(_("no backup at {path}").format(path=backup))
    if state != "sqlite":
        raise SchemaError(_("{path} is not an ekbist backup (not an SQLite database)").format(
            path=backup))
    try:
        conn = sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro", uri=True,
                               isolation_level=None)
    except sqlite3.Error as exc:
        raise StoreDamaged(_("cannot read the backup {path}: {reason}").format(
            path=backup, reason=exc)) from exc
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if version == 0 or not {"audit", "settings", "handler"} <= tables:
            raise SchemaError(_("{path} is not an ekbist backup (an SQLite file of another "
                                "program)").format(path=backup))
        if version > latest_version():
            raise SchemaError(_("the backup {path} has schema version {version}, newer than "
                                "this ekbist knows ({latest}) — upgrade ekbist").format(
                                    path=backup, version=version, latest=latest_version()))
        rows = [r[0] for r in conn.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as exc:
        raise StoreDamaged(_("the backup {path} is damaged ({reason}) — choose another "
                             "backup").format(path=backup, reason=exc)) from exc
    finally:
        conn.close()
    if rows != ["ok"]:
        raise StoreDamaged(_("the backup {path} is damaged ({reason}) — choose another "
                             "backup").format(path=backup, reason=rows[0]))
    return version


def restore(backup: Path | str, target: Path | str, *, command: str = "") -> Restored:
    """Replace the store at ``target`` with the backup, all or nothing (see the module)."""
    from ekbist import files, interrupts
    from ekbist.secrecy import mask
    from ekbist.store import (
        BUSY_TIMEOUT_MS,
        WHOLE_STORE,
        _os_user,
        choose_journal_mode,
        classify,
        file_state,
        latest_version,
    )

    backup, target = Path(backup).expanduser(), Path(target).expanduser()
    if backup.exists() and target.exists() and os.path.samefile(backup, target):
        raise EkbistError(_("{path} is the store itself — give a backup").format(path=backup))
    version = _check_backup(backup)
    problem = files.odd_path(target, suffix=files.SQLITE_SUFFIX)
    if problem is not None:
        raise problem
    state = file_state(target)
    if state in ("foreign", "folder", "unreadable"):
        raise EkbistError(_("{path} is not an ekbist store — restore writes only over an "
                            "ekbist store, or a new file").format(path=target))
    if not target.parent.is_dir():
        files.make_folder(target.parent)
    old = None
    if state == "sqlite":
        # Hold the old store: no command writes to it while it is replaced.
        old = sqlite3.connect(str(target), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    try:
        with files.temporary_beside(target, suffix=".db") as temp:
            copy = sqlite3.connect(str(temp), isolation_level=None)
            try:
                source = sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro", uri=True)
                try:
                    source.backup(copy)
                finally:
                    source.close()
                if copy.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                    raise StoreDamaged(_("the copy of {path} failed its integrity check — "
                                         "nothing was restored").format(path=backup))
                copy.execute(f"PRAGMA journal_mode = {choose_journal_mode(target)}")
                copy.execute(
                    "INSERT INTO audit (at, os_user, command, tbl, key, action, before, after) "
                    "VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), ?, ?, ?, 'restore', "
                    "'update', NULL, ?)",
                    (_os_user(), mask(command), WHOLE_STORE,
                     mask(json.dumps({"restored_from": str(backup.resolve()),
                                      "schema_version": version}, ensure_ascii=False))))
            except sqlite3.Error as exc:
                raise EkbistError(_("could not write {path}: {reason} — nothing was "
                                    "restored").format(path=target, reason=exc)) from exc
            finally:
                copy.close()
            kept = None
            if old is not None:
                try:
                    old.execute("BEGIN IMMEDIATE")  # waits for any writer, then holds them off
                    old.execute("COMMIT")
                    if old.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
                        old.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                except sqlite3.Error as exc:
                    error = classify(exc, target)
                    if isinstance(error, StoreBusy):
                        raise error from exc
                    # A damaged old store is what restores are for: it is kept as it is.
                old.close()  # the last connection: SQLite removes the emptied -wal
                old = None
                stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
                kept = target.with_name(f"{target.name}.replaced-{stamp}")
                try:
                    os.link(target, kept)
                except OSError:  # a filesystem without hard links
                    import shutil

                    shutil.copyfile(target, kept)
                    os.chmod(kept, files.FILE_MODE)
            with interrupts.commit_point():
                for leftover in (Path(f"{target}-wal"), Path(f"{target}-shm"),
                                 Path(f"{target}-journal")):
                    if kept is not None and leftover.exists():
                        with contextlib.suppress(OSError):
                            os.replace(leftover, Path(f"{kept}{leftover.name[len(target.name):]}"))
                    with contextlib.suppress(FileNotFoundError):
                        leftover.unlink()
                files.put_in_place(temp, target, force=True)
    finally:
        if old is not None:
            old.close()
    return Restored(path=target, backup=backup, schema_version=version, kept=kept,
                    needs_upgrade=version < latest_version())
