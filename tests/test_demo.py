"""The demo unit: deterministic, realistic and refused on a store with data."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from ekbist import demo
from ekbist.errors import EkbistError
from ekbist.store import Store

TODAY = date(2026, 11, 25)
SMALL = demo.DemoOptions(households=60, months=8, seed=3)


def _dump(path) -> list:
    conn = sqlite3.connect(path)
    tables = [
        "handler",
        "absence",
        "cases",
        "assignment",
        "application",
        "plan",
        "followup",
        "budget",
        "actual",
        "closed_day",
    ]
    dump = [conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in tables]
    conn.close()
    return dump


def test_same_seed_same_database(tmp_path) -> None:
    paths = []
    for name in ("a.db", "b.db"):
        store = Store.open(tmp_path / name, create=True)
        demo.build(store, SMALL, TODAY)
        store.close()
        paths.append(tmp_path / name)
    assert _dump(paths[0]) == _dump(paths[1])
    other = Store.open(tmp_path / "c.db", create=True)
    demo.build(other, demo.DemoOptions(households=60, months=8, seed=4), TODAY)
    other.close()
    assert _dump(tmp_path / "c.db") != _dump(paths[0])


def test_the_demo_unit_looks_like_the_seeds(store) -> None:
    counts = demo.build(store, demo.DemoOptions(households=200, months=12), TODAY)
    teams = dict(store.conn.execute("SELECT team, count(*) FROM handler GROUP BY team").fetchall())
    assert teams == {"intake": 3, "investigation": 13, "debt": 2, "violence": 2}
    assert store.scalar("SELECT count(*) FROM handler WHERE end_date IS NOT NULL") == 1
    assert store.scalar("SELECT count(*) FROM handler WHERE fte < 1") >= 1
    assert store.scalar("SELECT count(*) FROM absence WHERE to_date IS NULL") == 1
    active = store.scalar("SELECT count(*) FROM cases WHERE closed IS NULL")
    assert 150 <= active <= 250
    assert store.scalar("SELECT count(DISTINCT close_reason) FROM cases") == 6
    in_time = store.scalar(
        "SELECT avg(decided <= (SELECT day FROM workday WHERE workday_no = "
        "(SELECT workday_no FROM calendar_day WHERE day = date(completed, '-1 day')) + 5)) "
        "FROM application WHERE decided IS NOT NULL AND completed IS NOT NULL"
    )
    assert 0.75 < in_time < 0.97
    assert store.scalar("SELECT count(*) FROM application WHERE decided IS NULL") > 0
    assert store.scalar("SELECT count(*) FROM application WHERE completed IS NULL") > 0
    assert store.scalar("SELECT max(received) FROM application") <= TODAY.isoformat()
    assert store.scalar("SELECT count(*) FROM budget WHERE activity = 'Arbetsmarknad'") > 0
    paid = store.scalar(
        "SELECT sum(amount) FROM application WHERE period = '2026-10' "
        "AND decision IN ('granted', 'partly')"
    )
    booked = store.scalar(
        "SELECT amount FROM actual WHERE year = 2026 AND month = 10 AND "
        "activity = 'Ekonomiskt bistånd/handläggning' AND line = 'Entreprenader och köp av verksamhet'"
    )
    assert paid == booked
    # The rest of the budget keeps the seed's 2014 proportions to the payments (46 349 tkr):
    # staff 16 849, premises 2 629, other costs 3 400, grants 1 500 tkr.
    rows = dict(store.conn.execute(
        "SELECT line, amount FROM budget WHERE year = 2026 AND activity = ?", (demo.ASSISTANCE_ACTIVITY,)
    ).fetchall())
    payments = rows["Entreprenader och köp av verksamhet"]
    for line, seed_tkr in (("Personalkostnader", 16_849), ("Lokalkostnader", 2_629),
                           ("Övriga kostnader", 3_400), ("Bidrag", 1_500)):
        assert rows[line] == pytest.approx(payments * seed_tkr / 46_349, rel=1e-6)
    assert "Försäljning av verksamhet" not in rows  # 0 in the seed: no row
    assert counts["application"] == store.scalar("SELECT count(*) FROM application")
    # The synthetic load is audited as one summary row per table, not row by row.
    assert store.scalar("SELECT count(*) FROM audit WHERE tbl = 'application'") == 1


def test_demo_refuses_a_store_with_data(store) -> None:
    demo.build(store, SMALL, TODAY)
    with pytest.raises(EkbistError, match="already holds data"):
        demo.build(store, SMALL, TODAY)


def test_demo_from_the_command_line(cli) -> None:
    out = cli.ok("demo", "--households", "40", "--months", "3", "--seed", "2").output
    assert out.startswith("Demo unit written to")
    assert cli.db.exists()
    assert "exists already — the demo writes only a new database" in cli.fails(
        "demo", "--households", "40", "--months", "3")


def test_demo_options_are_checked(cli) -> None:
    assert "is after --today" in cli.fails(
        "demo", "--end", "2030-01", "--months", "1", today="2026-11-25"
    )
    assert not cli.db.exists()
    assert cli("demo", "--households", "3").exit_code == 2


def test_the_ledger_reaches_back_four_years_before_the_as_of_year(demo_db) -> None:
    """The controller's budget and actuals are older than the unit's cases in ekbist: the
    default demo (cases from December 2024) books each of its 15 lines for the twelve
    months of 2022–2025 and January–October 2026 (November is not over on 2026-11-25).
    Before the cases the assistance payments are the cases' first twelve months' mean,
    2 % a year lower for each year further back, ±3 %; from the cases' first month on
    they are the granted payments."""
    store = Store.open(demo_db, readonly=True)
    try:
        assert store.scalar("SELECT min(period) FROM application") == "2024-12"
        booked = store.query("SELECT activity, line, year, count(*) AS n FROM actual "
                             "GROUP BY activity, line, year")
        assert {r["year"] for r in booked} == {2022, 2023, 2024, 2025, 2026}
        assert len(booked) == 15 * 5
        assert all(r["n"] == (10 if r["year"] == 2026 else 12) for r in booked)
        assert [r["year"] for r in store.query(
            "SELECT DISTINCT year FROM budget ORDER BY year")] == [2022, 2023, 2024, 2025, 2026]

        def payments(year: int, month: int) -> int:
            return store.scalar(
                "SELECT amount FROM actual WHERE year = ? AND month = ? AND activity = ? "
                "AND line = ?", (year, month, demo.ASSISTANCE_ACTIVITY, demo.PAYMENTS_LINE))

        def granted(period: str) -> int | None:
            return store.scalar("SELECT sum(amount) FROM application WHERE period = ? "
                                "AND decision IN ('granted', 'partly')", (period,))

        assert granted("2024-11") is None  # before the cases
        assert payments(2024, 12) == granted("2024-12")
        assert payments(2025, 6) == granted("2025-06")
        first = [granted("2024-12")] + [granted(f"2025-{m:02d}") for m in range(1, 12)]
        mean = sum(first) / 12
        for (year, month), back in (((2024, 11), 1), ((2022, 1), 35)):
            level = mean * 1.02 ** (-back / 12)
            assert level * 0.97 - 1 <= payments(year, month) <= level * 1.03 + 1
    finally:
        store.close()


def test_the_ledgers_reach_leaves_the_years_of_the_cases_alone(tmp_path, monkeypatch) -> None:
    """The months before the cases are drawn from generators of their own: a demo whose
    ledger starts with its cases (October 2025) has the same 2026 — budget, actuals and
    everything else — as one whose ledger reaches back to 2022; only the cases' first,
    partial year gains its earlier months (and so its budget)."""
    options = demo.DemoOptions(households=60, months=14, seed=5)
    paths = {}
    default = demo.LEDGER_YEARS
    for reach in (default, 0):
        monkeypatch.setattr(demo, "LEDGER_YEARS", reach)
        path = paths[reach] = tmp_path / f"reach{reach}.db"
        store = Store.open(path, create=True)
        demo.build(store, options, TODAY)
        store.close()
    far, near = (sqlite3.connect(paths[k]) for k in (default, 0))
    try:
        def rows(conn, sql):
            return conn.execute(sql).fetchall()

        for sql in ("SELECT * FROM actual WHERE year = 2026 ORDER BY 1, 2, 3, 4",
                    "SELECT * FROM budget WHERE year = 2026 ORDER BY 1, 2, 3",
                    "SELECT * FROM application ORDER BY id", "SELECT * FROM prognosis ORDER BY 1, 2, 3, 4",
                    "SELECT * FROM cases ORDER BY id", "SELECT * FROM plan ORDER BY id"):
            assert rows(far, sql) == rows(near, sql), sql
        assert rows(near, "SELECT min(year * 100 + month) FROM actual") == [(202510,)]
        assert rows(far, "SELECT min(year * 100 + month) FROM actual") == [(202201,)]
        assert (rows(far, "SELECT * FROM actual WHERE year = 2025 AND month >= 10 ORDER BY 1, 2, 3, 4")
                != rows(near, "SELECT * FROM actual WHERE year = 2025 ORDER BY 1, 2, 3, 4"))
    finally:
        far.close()
        near.close()
