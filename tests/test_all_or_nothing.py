"""All or nothing: a write that fails part-way leaves the store exactly as it was.

Validation runs before any write, so bad input never reaches the write phase. These tests
make the write phase itself fail after some rows are already written in the transaction —
a trigger that aborts on the last row, a database that is full, a process killed in the
middle — and compare the store with the one before, byte for byte and row for row.
The triggers are TEMP triggers on the test's own connection: the store file's schema is
the real one.
"""

from __future__ import annotations

import hashlib
import signal
import sqlite3
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from helpers import procs

from ekbist import balance, budget, prognosis
from ekbist.sheet_import import import_file
from ekbist.store import Store

TODAY = date(2026, 11, 25)


def state(db: Path) -> tuple[str, list[str]]:
    """The store file's bytes (after folding the WAL in) and its full SQL dump."""
    conn = sqlite3.connect(db)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        dump = list(conn.iterdump())
    finally:
        conn.close()
    return hashlib.sha256(db.read_bytes()).hexdigest(), dump


def fail_on_insert(store: Store, table: str, nth: int) -> None:
    """Abort the statement that inserts the ``nth`` row into ``table`` from now on."""
    seen = {"n": 0}

    def count() -> int:
        seen["n"] += 1
        return seen["n"]

    store.conn.create_function("planted_count", 0, count)
    store.execute(
        f"CREATE TEMP TRIGGER planted_failure BEFORE INSERT ON main.{table} "
        f"WHEN planted_count() >= {nth} BEGIN SELECT RAISE(ABORT, 'planted failure'); END"
    )


def applications_book(path: Path, rows: int) -> Path:
    """Two new cases (written first) and ``rows`` applications, half of them on the new cases.

    The cases go in before the applications, in a statement of their own: an import that
    failed on the applications without its transaction would leave the cases behind.
    """
    wb = openpyxl.Workbook()
    cases = wb.active
    cases.title = "Cases"
    cases.append(["Case", "Handler", "Opened"])
    cases.append(["N-1", "anna", date(2026, 11, 2)])
    cases.append(["N-2", "cia", date(2026, 11, 2)])
    ws = wb.create_sheet("Applications")
    ws.append(["Application", "Case", "Period", "Received", "Completed", "Decided", "Decision",
               "Amount"])
    for i in range(1, rows + 1):
        case = ("C-1", "N-1", "N-2", "C-3")[i % 4]
        ws.append([f"A-{i}", case, "2026-11", date(2026, 11, 2), date(2026, 11, 2),
                   date(2026, 11, 4), "granted", 5000 + i])
    wb.save(path)
    return path


# -- an import --------------------------------------------------------------------------------------
def test_import_failing_on_its_last_row_writes_nothing(unit, db_path, tmp_path) -> None:
    book = applications_book(tmp_path / "apps.xlsx", 3)
    before = state(db_path)
    store = Store.open(db_path)
    fail_on_insert(store, "application", 3)
    with pytest.raises(sqlite3.IntegrityError, match="planted failure"):
        import_file(store, book, today=TODAY)
    assert not store.conn.in_transaction
    store.close()
    assert state(db_path) == before
    # Without the planted failure the same workbook imports: the failure was the only reason.
    with Store.open(db_path) as store:
        report = import_file(store, book, today=TODAY)
        assert (report.kinds["cases"].added, report.kinds["applications"].added) == (2, 3)
        assert store.scalar("SELECT count(*) FROM application") == 3


def test_import_into_a_full_database_writes_nothing(unit, db_path, tmp_path) -> None:
    book = applications_book(tmp_path / "apps.xlsx", 600)
    before = state(db_path)
    store = Store.open(db_path)
    # SQLite's own limit on the file's size: no page may be added, as on a full disk.
    pages = store.scalar("PRAGMA page_count")
    store.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(sqlite3.OperationalError, match="full"):
        import_file(store, book, today=TODAY)
    store.close()
    assert state(db_path) == before


def test_import_from_the_command_line_failing_on_its_last_row(unit, db_path, tmp_path) -> None:
    """The same through ``ekbist import`` in its own process: one error line, exit 1.

    The process cannot be handed a TEMP trigger, so this one is stored in the test's file
    (and is part of the state compared).
    """
    book = applications_book(tmp_path / "apps.xlsx", 3)
    conn = sqlite3.connect(db_path)
    conn.execute("CREATE TRIGGER planted_failure BEFORE INSERT ON application WHEN NEW.id = 'A-3' "
                 "BEGIN SELECT RAISE(ABORT, 'planted failure'); END")
    conn.close()
    before = state(db_path)
    result = procs.run(db_path, "import", str(book))
    assert result.returncode == 1, result.stderr
    assert result.stderr.strip().splitlines() == [
        f"error: database error in {db_path}: planted failure"]
    assert state(db_path) == before


KILLED_IMPORT = textwrap.dedent("""
    import sys
    from datetime import date
    from ekbist.sheet_import import import_file
    from ekbist.store import Store

    store = Store.open(sys.argv[1])

    def pause():
        print("mid-write", flush=True)
        sys.stdin.readline()  # never answered: the process is killed here
        return 0

    store.conn.create_function("planted_pause", 0, pause)
    store.execute("CREATE TEMP TRIGGER planted_pause AFTER INSERT ON main.application "
                  "WHEN NEW.id = 'A-300' BEGIN SELECT planted_pause(); END")
    import_file(store, sys.argv[2], today=date(2026, 11, 25))
    print("committed", flush=True)
""")


def test_import_killed_mid_write_leaves_the_store_as_it_was(unit, db_path, tmp_path) -> None:
    book = applications_book(tmp_path / "apps.xlsx", 300)
    before = state(db_path)
    writer = subprocess.Popen([sys.executable, "-c", KILLED_IMPORT, str(db_path), str(book)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        # 299 applications are written in the open transaction when this line comes.
        assert writer.stdout.readline().strip() == "mid-write"
        writer.send_signal(signal.SIGKILL)
    finally:
        writer.wait(timeout=30)
    assert writer.returncode == -signal.SIGKILL
    with Store.open(db_path) as store:  # the next command recovers the journal
        assert store.scalar("PRAGMA integrity_check") == "ok"
        assert store.scalar("SELECT count(*) FROM application") == 0
        assert store.scalar("SELECT count(*) FROM cases WHERE id LIKE 'N-%'") == 0
    assert state(db_path) == before


# -- a caseload balance ------------------------------------------------------------------------------
@pytest.fixture
def lopsided(unit):
    """The violence team: dan (1 FTE) holds six cases opened in February, eva (1 FTE) none."""
    unit.ok("handler", "add", "dan", "--name", "Dan D", "--team", "violence", "--fte", "1",
            "--start", "2025-01-01")
    unit.ok("handler", "add", "eva", "--name", "Eva E", "--team", "violence", "--fte", "1",
            "--start", "2025-01-01")
    for i in range(6):
        unit.ok("case", "open", f"V-{i}", "--handler", "dan", "--opened", "2026-02-02")
    return unit


def test_balance_failing_on_its_last_move_writes_nothing(lopsided, db_path) -> None:
    with Store.open(db_path, readonly=True) as store:
        proposed = balance.balance(store, as_of=TODAY, today=TODAY, team="violence")
    assert len(proposed["moves"]) == 3  # six cases on two equal handlers: three move
    before = state(db_path)
    store = Store.open(db_path)
    fail_on_insert(store, "assignment", 3)  # two moves are already written when it fails
    with pytest.raises(sqlite3.IntegrityError, match="planted failure"):
        balance.balance(store, as_of=TODAY, today=TODAY, team="violence", apply=True)
    store.close()
    assert state(db_path) == before
    with Store.open(db_path) as store:
        done = balance.balance(store, as_of=TODAY, today=TODAY, team="violence", apply=True)
        assert done["applied"] and len(done["moves"]) == 3


def test_leaver_redistribution_failing_on_its_last_move_writes_nothing(lopsided, db_path) -> None:
    before = state(db_path)
    store = Store.open(db_path)
    fail_on_insert(store, "assignment", 6)  # five of dan's six cases are moved when it fails
    with pytest.raises(sqlite3.IntegrityError, match="planted failure"):
        balance.redistribute_leaver(store, "dan", leave_on=TODAY, today=TODAY, apply=True)
    store.close()
    assert state(db_path) == before
    with Store.open(db_path, readonly=True) as store:
        assert store.scalar("SELECT end_date FROM handler WHERE id = 'dan'") is None
        done = balance.redistribute_leaver(store, "dan", leave_on=TODAY, today=TODAY)
        assert len(done["moves"]) == 6 and not done["applied"]


# -- a saved prognosis ------------------------------------------------------------------------------
def test_saving_a_prognosis_that_fails_on_its_last_line_writes_nothing(store, db_path) -> None:
    for line, amount in (("Bidrag", 300_000), ("Personalkostnader", 1_200_000),
                         ("Övriga kostnader", 250_000)):
        budget.set_budget(store, 2026, "Ekonomiskt bistånd/handläggning", line, amount)
        budget.set_actual(store, 2026, 1, "Ekonomiskt bistånd/handläggning", line, amount // 12)
    made = prognosis.make(store, 2026, 1, today=TODAY)
    prognosis.save(store, made, today=date(2026, 2, 6))  # an earlier save of the same month
    store.close()
    before = state(db_path)
    store = Store.open(db_path)
    lines = len(made["lines"])
    assert lines == 3
    fail_on_insert(store, "prognosis", lines)
    with pytest.raises(sqlite3.IntegrityError, match="planted failure"):
        prognosis.save(store, made, today=TODAY)
    store.close()
    assert state(db_path) == before
    with Store.open(db_path, readonly=True) as store:
        assert prognosis.saved(store, 2026, 1)["saved_on"] == "2026-02-06"
