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
