"""The unit's SQLite store: opening, migrating, transactions and the audit trail.

One file holds everything. Opening a file written by an older ekbist migrates it
in one transaction; a file from a newer ekbist is refused. Every writing
connection installs temporary triggers that copy each insert, update and delete
into the ``audit`` table together with the OS user and the command line, so no
code path can forget to audit.
"""

from __future__ import annotations

import contextlib
import functools
import getpass
import os
import re
import shlex
import sqlite3
import sys
from collections.abc import Collection, Iterator, Sequence
from pathlib import Path
from typing import Any

from ekbist.errors import (
    EkbistError,
    NoDatabase,
    SchemaError,
    StoreBusy,
    StoreDamaged,
    StoreReadOnly,
)
from ekbist.i18n import _
from ekbist.page_probe import page_problems
from ekbist.secrecy import looks_like_personnummer, mask

BUSY_TIMEOUT_MS = 10_000
# SQLite asks ekbist.interrupts.check every this many virtual-machine steps (a few ms).
PROGRESS_STEPS = 20_000
# The messages the secrecy and money triggers abort with (see Store._install_secrecy).
SECRECY_ABORT = "ekbist-secrecy-gate"
MONEY_ABORT = "ekbist-money-bound"

# Tables not audited row by row: derived from others (rebuilt at will), and what each source
# of extracts has read (audited as one summary row per import, ekbist.sheets.source_memory).
DERIVED_TABLES = frozenset({"calendar_day", "workday", "audit", "import_source",
                            "import_source_row"})
# The audit's table name for what happens to the whole file (a restore): no table of the
# store, yet a name `ekbist audit --table` takes.
WHOLE_STORE = "store"
# Tables the secrecy gate does not read: the calendar, derived from the holidays alone.
# The audit is read like every other table.
UNGUARDED_TABLES = frozenset({"calendar_day", "workday"})
# Columns holding a row as JSON (the audit's before and after): the gate reads their texts.
ROW_COLUMNS = frozenset({("audit", "before"), ("audit", "after")})

NETWORK_FILESYSTEMS = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb",
        "smbfs",
        "smb3",
        "afs",
        "9p",
        "fuse.sshfs",
        "ncpfs",
        "glusterfs",
        "ceph",
        "lustre",
        "davfs",
        "fuse.davfs2",
    }
)


def default_path() -> Path:
    """``$XDG_DATA_HOME/ekbist/ekbist.db`` (``~/.local/share/ekbist/ekbist.db``)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "ekbist" / "ekbist.db"


def _migrations_dir() -> Path:
    import ekbist.schemas

    return Path(ekbist.schemas.__file__).parent / "migrations"


def migrations() -> list[tuple[int, str, str]]:
    """The numbered migrations shipped with this ekbist: (number, name, sql)."""
    found = []
    for path in sorted(_migrations_dir().glob("*.sql")):
        match = re.match(r"(\d+)_", path.name)
        if match:
            found.append((int(match.group(1)), path.name, path.read_text(encoding="utf-8")))
    return sorted(found)


@functools.cache
def latest_version() -> int:
    """The schema version this ekbist writes: the highest migration number (file names only)."""
    numbers = (re.match(r"(\d+)_", p.name) for p in _migrations_dir().glob("*.sql"))
    return max(int(m.group(1)) for m in numbers if m)


def filesystem_type(path: Path) -> str | None:
    """The type of the filesystem holding ``path`` (Linux, Windows), or None if unknown."""
    path = Path(path).resolve()
    if sys.platform.startswith("win"):
        text = str(path)
        if text.startswith("\\\\"):
            return "smb"
        try:
            import ctypes

            drive = os.path.splitdrive(text)[0] + "\\"
            if ctypes.windll.kernel32.GetDriveTypeW(drive) == 4:  # DRIVE_REMOTE
                return "smb"
        except (AttributeError, OSError):
            return None
        return "local"
    try:
        mounts = Path("/proc/mounts").read_text().splitlines()
    except OSError:
        return None
    best, best_type = "", None
    text = str(path)
    for line in mounts:
        parts = line.split()
        if len(parts) < 3:
            continue
        mount_point = parts[1].replace("\\040", " ")
        if (text == mount_point or text.startswith(mount_point.rstrip("/") + "/")) and len(
            mount_point
        ) >= len(best):
            best, best_type = mount_point, parts[2]
    return best_type


def choose_journal_mode(path: Path) -> str:
    """WAL on local disks; the rollback journal on network filesystems, where WAL is unsafe.

    ``EKBIST_JOURNAL=wal|delete`` overrides the guess (for filesystems it cannot detect).
    """
    forced = os.environ.get("EKBIST_JOURNAL", "").strip().lower()
    if forced in ("wal", "delete"):
        return forced
    fs = filesystem_type(path.parent if not path.exists() else path)
    return "delete" if fs in NETWORK_FILESYSTEMS else "wal"


SQLITE_HEADER = b"SQLite format 3\x00"


def file_state(path: Path) -> str:
    """What is at ``path``: missing, folder, empty, sqlite, foreign or unreadable — read only."""
    try:
        if path.is_dir():
            return "folder"
        with path.open("rb") as fh:
            head = fh.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        return "missing"
    except PermissionError:
        return "unreadable"
    if not head:
        return "empty"
    return "sqlite" if head == SQLITE_HEADER else "foreign"


def _not_ekbist(path: Path) -> SchemaError:
    return SchemaError.about(_("{path} is not an ekbist database — give your database with {db}, "
                               "or a new file name to 'ekbist init'"), {"db": "db"}, path=path)


def _not_writable(path: Path) -> str:
    return _("cannot write to {path}: the folder or the file is not writable — reading works, "
             "writing needs a folder you may write in").format(path=path)


def classify(exc: sqlite3.Error, path: Path) -> EkbistError:
    """The cause behind an SQLite error, in words the chief can act on."""
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return StoreBusy(
            _("the database {path} is busy with another command — try again").format(path=path)
        )
    if "malformed" in text or "not a database" in text or "corrupt" in text:
        return StoreDamaged(
            _("the database {path} is damaged ({reason}): restore it from a backup").format(
                path=path, reason=exc
            )
        )
    if "unique constraint failed" in text:
        return EkbistError(
            _("it exists already ({reason}) — another command may have added it just now").format(
                reason=exc)
        )
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return StoreReadOnly(_not_writable(path))
    return EkbistError(_("database error in {path}: {reason}").format(path=path, reason=exc))


def _refuse_unapplied_log(path: Path) -> None:
    """An immutable reader sees the file as last checkpointed: with commits still waiting
    in the ``-wal`` it would give a stale answer, so it is an error naming the cause."""
    from ekbist import wal

    state = wal.inspect(path)
    if state.unapplied:
        raise StoreReadOnly(
            _("{path}: committed changes wait in {wal}, and this user cannot apply them — the "
              "folder is not writable (reading a store in WAL mode writes its -shm file "
              "beside it); ask for write access to the folder, or let its owner run any "
              "ekbist command on it first").format(path=path, wal=state.wal))


def wal_damage(path: Path | str) -> None:
    """Refuse a store whose ``-wal`` is damaged, foreign, cut short or missing, or whose
    disk is too full for any write: SQLite itself would say nothing (see ekbist.wal).
    Called before the store is opened, which would rewrite the log's index. A path that
    holds no SQLite file is left to :meth:`Store.open`, which names what is there."""
    from ekbist import wal

    if file_state(Path(path)) != "sqlite":
        return
    problems = wal.problems(Path(path))
    if problems:
        more = len(problems) - 1
        raise StoreDamaged(problems[0] + (f" … +{more}" if more > 0 else ""))


class Store:
    """An open store. Use :meth:`open`; close with :meth:`close` or as a context manager."""

    def __init__(self, conn: sqlite3.Connection, path: Path, *, readonly: bool):
        self.conn = conn
        self.path = path
        self.readonly = readonly
        self.immutable = False  # opened read-only in a folder this user cannot write
        self._db = None
        self._audit_command = ""
        self._secrecy_hit: tuple[str, str] | None = None

    # -- opening -----------------------------------------------------------------
    @classmethod
    def open(
        cls,
        path: Path | str,
        *,
        create: bool = False,
        readonly: bool = False,
        command: str | None = None,
        migrate: bool = False,
    ) -> Store:
        """Open the store at ``path``; only ``ekbist init`` and ``demo`` make or change one.

        ``create`` makes a store where there is no file or an empty one; ``migrate`` brings
        an older store up to date. Without them such files are refused, untouched, with
        what to do. Anything that is not an ekbist store is never written to.
        """
        from ekbist import files

        path = Path(path).expanduser()
        problem = files.odd_path(path, suffix=files.SQLITE_SUFFIX)
        if problem is not None:
            raise problem
        state = file_state(path)
        if state == "folder":
            raise NoDatabase.about(
                _("{path} is a folder, not an ekbist database — give the database file with "
                  "{db}"), {"db": "db"}, path=path)
        if state == "foreign":
            raise _not_ekbist(path)
        if state == "unreadable":
            raise StoreReadOnly(
                _("cannot read {path}: this user may not open it — ask for read access").format(
                    path=path)
            )
        if state in ("missing", "empty") and not create:
            if state == "missing":
                raise NoDatabase(_("no database at {path} — run 'ekbist init'").format(path=path))
            raise NoDatabase.about(
                _("{path} is empty, not an ekbist database — give your database with {db}, or "
                  "run 'ekbist init' to make one there"), {"db": "db"}, path=path)
        if state == "missing":
            try:
                files.make_folder(path.parent)
                os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
            except PermissionError as exc:
                raise StoreReadOnly(_not_writable(path)) from exc
            except OSError as exc:  # a read-only filesystem, a file where a folder should be
                raise EkbistError(_("cannot create {path}: {reason}").format(
                    path=path, reason=exc.strerror or exc)) from exc
        if state in ("missing", "empty"):
            try:
                os.chmod(path, 0o600)
            except PermissionError as exc:
                raise StoreReadOnly(_not_writable(path)) from exc
        # A reader in a folder it cannot write (a WAL store needs its -shm file there) opens
        # the file as immutable: nothing can change it from here anyway.
        immutable = readonly and not os.access(path.parent, os.W_OK)
        if immutable:
            _refuse_unapplied_log(path)
        try:
            if readonly:
                conn = sqlite3.connect(
                    f"{path.resolve().as_uri()}?mode=ro" + ("&immutable=1" if immutable else ""),
                    uri=True,
                    timeout=BUSY_TIMEOUT_MS / 1000,
                    isolation_level=None,
                )
            else:
                conn = sqlite3.connect(
                    str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None
                )
        except sqlite3.Error as exc:
            raise classify(exc, path) from exc
        from ekbist import interrupts

        # A long statement (a city-sized insert or report) hears an interrupt within a moment.
        conn.set_progress_handler(interrupts.check, PROGRESS_STEPS)
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA foreign_keys = ON")
            store = cls(conn, path, readonly=readonly)
            store.immutable = immutable
            version = store.schema_version()
            latest = latest_version()
            if version > latest:
                raise SchemaError(
                    _(
                        "the database {path} has schema version {version}, newer than this "
                        "ekbist knows ({latest}) — upgrade ekbist"
                    ).format(path=path, version=version, latest=latest)
                )
            if version == 0 and store.scalar("SELECT count(*) FROM sqlite_master"):
                raise _not_ekbist(path)  # another program's SQLite file
            if version == 0 and not create:
                raise NoDatabase.about(
                    _("{path} is empty, not an ekbist database — give your database with {db}, "
                      "or run 'ekbist init' to make one there"), {"db": "db"}, path=path)
            if 0 < version < latest and not migrate:
                raise SchemaError(
                    _("the database {path} needs an upgrade — run 'ekbist init'").format(path=path)
                )
            if not readonly:
                if version < latest:
                    # Only init and demo get here: they choose the journal mode, once. Other
                    # writers keep the file's mode, so no reader sees it switch under it.
                    mode = choose_journal_mode(path)
                    conn.execute(f"PRAGMA journal_mode = {mode}")
                    store._migrate(version)
                elif create or migrate:
                    mode = choose_journal_mode(path)
                    if store.journal_mode() != mode:
                        conn.execute(f"PRAGMA journal_mode = {mode}")
                mode = store.journal_mode()
                conn.execute(
                    "PRAGMA synchronous = NORMAL" if mode == "wal" else "PRAGMA synchronous = FULL"
                )
                store._install_audit(command or shlex.join(["ekbist", *sys.argv[1:]]))
                store._install_secrecy()
            elif version < latest:
                conn.close()
                cls.open(path, command=command, create=create, migrate=migrate).close()
                return cls.open(path, readonly=True)
        except sqlite3.Error as exc:
            conn.close()
            raise classify(exc, path) from exc
        except BaseException:
            conn.close()
            raise
        return store

    def demo_marker(self) -> str | None:
        """What ``ekbist demo`` wrote into this store (seed, size), or None for a real store."""
        try:
            return self.scalar("SELECT value FROM settings WHERE key = 'store.demo'")
        except sqlite3.OperationalError:
            return None

    def check_integrity(self, *, quick: bool = False) -> list[str]:
        """SQLite's integrity check of this file (see :func:`integrity_problems`)."""
        return integrity_problems(self.conn, quick=quick)

    def probe_integrity(self, tables: Collection[str] | None = None) -> IntegrityProbe:
        """Start the page probe (:mod:`ekbist.page_probe`; of ``tables`` and their indexes
        only, when given) on a connection of its own, in a thread, and return at once.

        SQLite lets go of Python's lock while it reads, so on two cores the probe and the
        caller's own queries run side by side: the morning check on a city's store costs the
        slower of the two, not their sum. Call :meth:`IntegrityProbe.ensure_sound` when done.
        """
        uri = f"{self.path.resolve().as_uri()}?mode=ro" + ("&immutable=1" if self.immutable else "")
        return IntegrityProbe(uri, self.path, tables)

    def reader(self) -> Store:
        """Another read-only connection to this file, for a part of a read-only run in a
        thread of its own: SQLite lets go of Python's lock while it reads, so on two cores
        two parts cost the slower of the two. It hears an interrupt as this one does; close
        it when done. Whether it reads the same state as this one is the caller's to check
        (:meth:`state`)."""
        from ekbist import interrupts

        uri = f"{self.path.resolve().as_uri()}?mode=ro" + ("&immutable=1" if self.immutable else "")
        try:
            conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000,
                                   isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            raise classify(exc, self.path) from exc
        conn.set_progress_handler(interrupts.check, PROGRESS_STEPS)
        reader = Store(conn, self.path, readonly=True)
        reader.immutable = self.immutable
        return reader

    def state(self) -> tuple[Any, ...]:
        """What tells one committed state of this store from the next, as this connection
        sees it: every write ekbist makes adds to the audit, and the file's page count
        follows the rest. Two connections inside read transactions with the same state read
        the same store."""
        return self.conn.execute(
            "SELECT (SELECT max(id) FROM audit), (SELECT page_count FROM pragma_page_count), "
            "(SELECT freelist_count FROM pragma_freelist_count)").fetchone()

    def ensure_sound(self, *, quick: bool = False) -> None:
        """Refuse a damaged file with what to do, rather than answer from part of it."""
        raise_if_damaged(self.path, self.check_integrity(quick=quick))

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema ------------------------------------------------------------------
    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def journal_mode(self) -> str:
        if self.immutable:
            # An immutable connection reports no journal; the file header says (byte 18: 2 = WAL).
            with self.path.open("rb") as fh:
                header = fh.read(20)
            return "wal" if header[18:19] == b"\x02" else "delete"
        return self.conn.execute("PRAGMA journal_mode").fetchone()[0]

    def _migrate(self, current: int) -> None:
        pending = [(n, sql) for n, _name, sql in migrations() if n > current]
        script = "BEGIN IMMEDIATE;\n"
        for number, sql in pending:
            script += sql + f"\nPRAGMA user_version = {number};\n"
        script += "COMMIT;"
        from ekbist.interrupts import commit_point

        try:
            with commit_point():
                self.conn.executescript(script)
        except sqlite3.Error as exc:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise SchemaError(_("migration failed: {reason}").format(reason=exc)) from exc

    def tables(self) -> list[str]:
        return [
            row[0]
            for row in self.conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]

    # -- audit -------------------------------------------------------------------
    def _install_audit(self, command: str) -> None:
        # The command line is logged, so a personnummer in it (a file name, say) is masked.
        command = mask(command)
        self._audit_command = command
        user = _os_user()
        self.conn.execute(
            "CREATE TEMP TABLE IF NOT EXISTS audit_context (os_user TEXT, command TEXT)"
        )
        self.conn.execute("DELETE FROM temp.audit_context")
        self.conn.execute("INSERT INTO temp.audit_context VALUES (?, ?)", (user, command))
        for table in self.tables():
            if table in DERIVED_TABLES:
                continue
            for statement in _audit_triggers(self.conn, table):
                self.conn.execute(statement)

    def set_audit(self, enabled: bool) -> None:
        """Switch the per-row audit triggers off for a bulk load that audits itself in summary."""
        if enabled:
            self._install_audit(self._audit_command)
        else:
            for (name,) in self.conn.execute(
                "SELECT name FROM temp.sqlite_master WHERE type = 'trigger' AND name LIKE 'audit_%'"
            ).fetchall():
                self.conn.execute(f'DROP TRIGGER temp."{name}"')

    def audit_note(self, table: str, key: str, action: str, after: str | None = None) -> None:
        """Write one audit row by hand (a bulk load recorded as a summary)."""
        self.conn.execute(
            "INSERT INTO audit (at, os_user, command, tbl, key, action, before, after) "
            "VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), ?, ?, ?, ?, ?, NULL, ?)",
            (_os_user(), self._audit_command, table, key, action, None if after is None
             else mask(after)),
        )

    # -- the secrecy gate --------------------------------------------------------
    def _install_secrecy(self) -> None:
        """Triggers that refuse any row holding a personnummer, in any table, the audit
        included, and any money column holding more than money.

        This is the one gate every write passes, whatever code path made it: the
        trigger calls :func:`ekbist.secrecy.looks_like_personnummer` on each value and
        aborts the statement; :meth:`transaction` turns that into a clear error. A money
        column (:data:`ekbist.money.MONEY_COLUMNS`) holds an amount, never read as an
        identity number: its trigger refuses a value that is not a whole amount within
        the column's bound instead. The audit's ``before`` and ``after`` are JSON of rows
        the gate has passed: their texts are read, their numbers are the columns' own.
        """
        import json

        from ekbist.money import MONEY_COLUMNS

        recent: dict[tuple[str, str], object] = {}

        def refuse(table: str, column: str, value: object) -> int:
            if value.__class__ is str and recent.get((table, column)) == value:
                # The text this column's last row passed with: the audit's command line and
                # user, an extract's source on every row it read, the same on every row.
                return 0
            if looks_like_personnummer(value):
                self._secrecy_hit = (table, column)
                return 1
            if value.__class__ is str:
                recent[(table, column)] = value
            return 0

        def texts(node: object) -> Iterator[object]:
            if isinstance(node, dict):
                for item in node.values():
                    yield from texts(item)
            elif isinstance(node, list):
                for item in node:
                    yield from texts(item)
            elif isinstance(node, str):
                yield node

        def refuse_row(table: str, column: str, value: object) -> int:
            # Escapes ("\t", "\u2013") hide a separator from a reading of the JSON text.
            if value.__class__ is not str or not ("\\" in value or looks_like_personnummer(value)):
                return refuse(table, column, value)
            try:
                found = any(looks_like_personnummer(t) for t in texts(json.loads(value)))
            except ValueError:  # a note written by hand, not JSON
                found = looks_like_personnummer(value)
            if found:
                self._secrecy_hit = (table, column)
                return 1
            return 0

        self.conn.create_function("ekbist_secret", 3, refuse, deterministic=True)
        self.conn.create_function("ekbist_secret_row", 3, refuse_row, deterministic=True)
        for table in self.tables():
            if table in UNGUARDED_TABLES:
                continue
            names = [c[1] for c in self.conn.execute(f'PRAGMA main.table_info("{table}")')]
            checks, bounds = [], []
            for n in names:
                bound = MONEY_COLUMNS.get((table, n))
                if bound is not None:
                    bounds.append((n, bound))
                    continue
                function = "ekbist_secret_row" if (table, n) in ROW_COLUMNS else "ekbist_secret"
                value = f'NEW."{n}"'
                checks.append(f"({may_hold_a_number(value)} AND "
                              f"{function}('{table}', '{n}', {value}))")
            for event in ("INSERT", "UPDATE"):
                if checks:
                    self.conn.execute(
                        f'CREATE TEMP TRIGGER IF NOT EXISTS "secrecy_{table}_{event.lower()}" '
                        f'BEFORE {event} ON main."{table}" WHEN {" OR ".join(checks)} '
                        f"BEGIN SELECT RAISE(ABORT, '{SECRECY_ABORT}'); END"
                    )
                for n, bound in bounds:
                    self.conn.execute(
                        f'CREATE TEMP TRIGGER IF NOT EXISTS "money_{table}_{n}_{event.lower()}" '
                        f'BEFORE {event} ON main."{table}" WHEN NEW."{n}" IS NOT NULL AND '
                        f'(typeof(NEW."{n}") NOT IN (\'integer\', \'real\') '
                        f'OR NEW."{n}" <> CAST(NEW."{n}" AS INTEGER) '
                        f'OR NEW."{n}" NOT BETWEEN -{bound} AND {bound}) '
                        f"BEGIN SELECT RAISE(ABORT, '{MONEY_ABORT} {table}.{n} {bound}'); END"
                    )

    def secrecy_error(self, exc: sqlite3.Error) -> Exception:
        """The error to raise for ``exc``: a clear refusal when the secrecy gate or a money
        bound aborted."""
        from ekbist.errors import EkbistError

        text = str(exc)
        if SECRECY_ABORT in text and self._secrecy_hit:
            table, column = self._secrecy_hit
            self._secrecy_hit = None
            return EkbistError(
                _("{table}.{column}: the value looks like a personnummer — ekbist stores no "
                  "personal identity numbers").format(table=table, column=column)
            )
        if MONEY_ABORT in text:
            where, bound = text.split(MONEY_ABORT, 1)[1].split()
            return EkbistError(
                _("{column}: not whole kronor within the bounds of money (at most {bound} kr "
                  "either side of zero)").format(
                    column=where, bound=f"{int(bound):,}".replace(",", " "))
            )
        return exc

    # -- queries -----------------------------------------------------------------
    @contextlib.contextmanager
    def transaction(self) -> Iterator[Store]:
        """One write transaction (BEGIN IMMEDIATE): all of it lands, or none of it."""
        if self.conn.in_transaction:
            yield self
            return
        self.conn.execute("BEGIN IMMEDIATE")
        from ekbist import interrupts

        interrupts.phase("transaction")
        try:
            yield self
        except sqlite3.IntegrityError as exc:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            error = self.secrecy_error(exc)
            if error is exc:
                raise
            raise error from None
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        else:
            from ekbist.interrupts import commit_point

            with commit_point():
                self.conn.execute("COMMIT")

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[Store]:
        """A read transaction: every query inside sees the same state of the store."""
        if self.conn.in_transaction:
            yield self
            return
        self.conn.execute("BEGIN")
        try:
            yield self
        finally:
            if self.conn.in_transaction:
                self.conn.execute("COMMIT")

    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[dict[str, Any]]:
        cursor = self.conn.execute(sql, params)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor]

    def one(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> dict[str, Any] | None:
        rows = self.query(sql, params)
        return rows[0] if rows else None

    def scalar(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Any:
        row = self.conn.execute(sql, params).fetchone()
        return row[0] if row else None

    def tuples(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> sqlite3.Cursor:
        """Rows as plain tuples, read as the cursor is iterated: for the large reads of
        reports, imports and exports, where a dict per row would cost time and memory.
        For SELECT only: a write goes through :meth:`execute`, which turns the secrecy
        triggers' refusals into the user's words."""
        return self.conn.execute(sql, params)

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> sqlite3.Cursor:
        try:
            return self.conn.execute(sql, params)
        except sqlite3.IntegrityError as exc:
            raise self.secrecy_error(exc) from None

    def executemany(self, sql: str, rows: Any) -> sqlite3.Cursor:
        try:
            return self.conn.executemany(sql, rows)
        except sqlite3.IntegrityError as exc:
            raise self.secrecy_error(exc) from None

    @property
    def db(self):  # -> sqlite_utils.Database; not annotated so the import stays lazy
        """The store as a sqlite-utils Database (introspection for reports such as ``info``)."""
        if self._db is None:
            import sqlite_utils

            self._db = sqlite_utils.Database(self.conn, execute_plugins=False)
        return self._db

    def counts(self) -> dict[str, int]:
        """Rows per table, through sqlite-utils (imported only for this report)."""
        db = self.db
        return {name: db[name].count for name in sorted(db.table_names())}

    def backup(self, dest: Path) -> None:
        """Copy the store with SQLite's online backup, check the copy, then put it in place.

        The copy is made under a temporary name and renamed only once its integrity check
        passed: a failed or interrupted backup leaves nothing behind.
        """
        from ekbist import files

        dest = files.check_new(dest)
        with files.temporary_beside(dest, suffix=".db") as temp:
            target = sqlite3.connect(str(temp))
            try:
                self.conn.backup(target)
                result = target.execute("PRAGMA integrity_check").fetchone()[0]
                target.execute("PRAGMA journal_mode = DELETE")
            except sqlite3.Error as exc:
                if isinstance(classify(exc, self.path), (StoreBusy, StoreDamaged)):
                    raise classify(exc, self.path) from exc
                raise EkbistError(
                    _("could not write {path}: {reason} — nothing was written").format(
                        path=dest, reason=exc)
                ) from exc
            finally:
                target.close()
            if result != "ok":
                raise StoreDamaged(
                    _("the backup failed its integrity check: {result}").format(result=result)
                )
            files.put_in_place(temp, dest)


def may_hold_a_number(ref: str) -> str:
    """SQL, true for the value ``ref`` unless it cannot hold a personnummer: how the secrecy
    triggers decide cheaply which values the gate must read. Nothing shorter than nine bytes
    (the digits of a number; a 9-digit number is a 10-digit one without its 0, and a
    character outside ASCII takes two bytes or more) and no plain ISO date can hold one.
    A superset of :func:`ekbist.secrecy.looks_like_personnummer` (tests/test_secrecy.py)."""
    return (f"(length(CAST({ref} AS BLOB)) >= 9 AND NOT (typeof({ref}) = 'text' "
            f"AND {ref} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'))")


def _os_user() -> str:
    """The user name for the audit, through the secrecy gate: a login named after an
    identity number (USER=811218-9876) is logged masked (811218-****), never refused —
    the chief cannot choose it."""
    try:
        user = getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name is not a reason to refuse work
        return "unknown"
    return mask(user)


def _audit_triggers(conn: sqlite3.Connection, table: str) -> list[str]:
    columns = conn.execute(f'PRAGMA main.table_info("{table}")').fetchall()
    names = [c[1] for c in columns]
    keys = [c[1] for c in sorted(columns, key=lambda c: c[5]) if c[5]] or ["rowid"]

    def key_expr(ref: str) -> str:
        if len(keys) == 1:
            return f'CAST({ref}."{keys[0]}" AS TEXT)'
        return "json_array(" + ", ".join(f'{ref}."{k}"' for k in keys) + ")"

    def row_expr(ref: str) -> str:
        return "json_object(" + ", ".join(f"'{n}', {ref}.\"{n}\"" for n in names) + ")"

    head = (
        "INSERT INTO audit (at, os_user, command, tbl, key, action, before, after) "
        "SELECT strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), os_user, command, "
    )
    ctx = " FROM audit_context"
    return [
        f'CREATE TEMP TRIGGER IF NOT EXISTS "audit_{table}_insert" AFTER INSERT ON main."{table}" '
        f"BEGIN {head}'{table}', {key_expr('NEW')}, 'insert', NULL, {row_expr('NEW')}{ctx}; END",
        f'CREATE TEMP TRIGGER IF NOT EXISTS "audit_{table}_update" AFTER UPDATE ON main."{table}" '
        f"BEGIN {head}'{table}', {key_expr('NEW')}, 'update', {row_expr('OLD')}, "
        f"{row_expr('NEW')}{ctx}; END",
        f'CREATE TEMP TRIGGER IF NOT EXISTS "audit_{table}_delete" AFTER DELETE ON main."{table}" '
        f"BEGIN {head}'{table}', {key_expr('OLD')}, 'delete', {row_expr('OLD')}, NULL{ctx}; END",
    ]


def integrity_problems(conn: sqlite3.Connection, *, quick: bool = False) -> list[str]:
    """SQLite's ``integrity_check`` (``quick_check`` with ``quick``, which skips the indexes'
    contents and takes a sixth of the time) on ``conn``: an empty list when sound."""
    pragma = "quick_check" if quick else "integrity_check"
    try:
        rows = [r[0] for r in conn.execute(f"PRAGMA {pragma}")]
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    if rows == ["ok"]:
        return []
    lines = [line.strip() for row in rows for line in str(row).splitlines()]
    return [line for line in lines if line and not line.startswith("***")]


def raise_if_damaged(path: Path, problems: list[str]) -> None:
    """The one refusal of a damaged file, with what to do."""
    if problems:
        more = len(problems) - 1
        raise StoreDamaged(
            _("the database {path} is damaged ({reason}): restore it from a backup").format(
                path=path,
                reason=problems[0] + (f" … +{more}" if more > 0 else ""),
            )
        )


class IntegrityProbe:
    """The page probe of one file (:func:`ekbist.page_probe.page_problems`, or SQLite's
    ``quick_check`` where it cannot tell), running in a thread on a connection of its own."""

    def __init__(self, uri: str, path: Path, tables: Collection[str] | None = None) -> None:
        import threading

        self.path = path
        self._tables = tables
        self._problems: list[str] = []
        self._conn: sqlite3.Connection | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(uri,), daemon=True,
                                        name="ekbist-integrity")
        self._thread.start()

    def _run(self, uri: str) -> None:
        try:
            conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000,
                                   isolation_level=None)
        except sqlite3.Error as exc:
            self._problems = [str(exc)]
            self._ready.set()
            return
        self._conn = conn
        self._ready.set()
        try:
            problems = page_problems(conn, self._tables)
            self._problems = integrity_problems(conn, quick=True) if problems is None else problems
        finally:
            conn.close()

    def problems(self) -> list[str]:
        """Wait for the probe (an interrupt is still heard: it stops the probe too)."""
        try:
            while self._thread.is_alive():
                self._thread.join(0.1)
        except BaseException:
            self.cancel()
            raise
        return self._problems

    def cancel(self) -> None:
        """Stop the probe at SQLite's next step (on an interrupt or an error of the caller)."""
        self._ready.wait(1)
        if self._conn is not None and self._thread.is_alive():
            try:
                self._conn.interrupt()
            except sqlite3.Error:
                pass

    def ensure_sound(self) -> None:
        raise_if_damaged(self.path, self.problems())
