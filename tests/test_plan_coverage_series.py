"""The long `plans coverage --monthly` series: one statement for the coverage and the
applications, through the indexes of migration 020, and the same figures as the month-by-month
way of counting on a whole demo unit.

A series of more than ``plan_coverage.SERIES_THRESHOLD`` months is counted by spans of days;
a shorter one day by day and application by application. The two must give the same figures
for every month, whatever the series' length: a chief who asks for seven months must see in
its last six what the six months alone show.
"""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from ekbist import applications, cases, handlers, plan_coverage, plans
from ekbist.months import month_end
from ekbist.store import Store, migrations

D = date.fromisoformat
TODAY = D("2026-11-25")  # the demo units end in November 2026


@pytest.fixture(scope="module")
def demo(demo_db) -> Store:
    store = Store.open(demo_db, readonly=True)
    yield store
    store.close()


@pytest.mark.parametrize("by", [None, "handler", "team"])
def test_a_long_series_counts_every_month_as_the_month_by_month_way(demo, monkeypatch, by):
    series = plan_coverage.coverage_monthly(demo, first="2024-12", last="2026-11", today=TODAY,
                                            by=by)
    assert len(series["months"]) == 24 > plan_coverage.SERIES_THRESHOLD  # by spans
    monkeypatch.setattr(plan_coverage, "SERIES_THRESHOLD", 100)  # day by day
    direct = plan_coverage.coverage_monthly(demo, first="2024-12", last="2026-11", today=TODAY,
                                            by=by)
    assert series == direct
    # Not an empty agreement: every month has decided applications and eligible cases, some
    # with a current plan, some without.
    for month in series["months"]:
        apps = month["applications"]
        assert 0 < apps["current"] < apps["eligible"] <= apps["decided"], month["month"]
        assert 0 < month["current"] < month["eligible"], month["month"]


def test_one_month_more_than_the_threshold_shows_the_same_months(demo):
    few = plan_coverage.SERIES_THRESHOLD
    last = "2026-11"
    shorter = plan_coverage.coverage_monthly(demo, first="2026-06", last=last, today=TODAY)
    longer = plan_coverage.coverage_monthly(demo, first="2026-05", last=last, today=TODAY)
    assert len(shorter["months"]) == few and len(longer["months"]) == few + 1
    assert longer["months"][1:] == shorter["months"]


def test_the_coverage_and_the_applications_alone_are_the_parts_of_the_one_statement(demo):
    months = [f"2026-{m:02d}" for m in range(1, 12)]
    days = [month_end(m, TODAY) for m in months]
    periods = [(D(f"{m}-01"), day) for m, day in zip(months, days, strict=True)]
    both = plan_coverage._series_counts(demo, days, periods, "handler", 90)
    assert both == (plan_coverage._coverage_series_counts(demo, days, "handler", 90),
                    plan_coverage._application_series_counts(demo, periods, 90))
    with pytest.raises(ValueError):  # both parts are counted to the same day
        plan_coverage._series_counts(demo, days[:-1], periods, None, 90)


def _store_of_schema_19(path) -> None:
    conn = sqlite3.connect(path)
    for number, _name, sql in migrations():
        if number <= 19:
            conn.executescript(sql + f"\nPRAGMA user_version = {number};")
    conn.close()


def test_migration_20_indexes_the_applications_and_the_series_reads_only_them(tmp_path):
    path = tmp_path / "old.db"
    _store_of_schema_19(path)
    store = Store.open(path, migrate=True, command="test")
    indexes = {r["name"] for r in store.query(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'application'")}
    assert {"application_case_received", "application_withdrawn", "application_decided"} <= indexes
    # A case opened 2026-01-05 needs a plan from 2026-04-06 (the 91st day); its plan of
    # 2026-05-04 is current until its follow-up of 2026-08-04 lapses (current on that day).
    handlers.add(store, "h1", name="Hanna Ek", team="investigation", fte=1.0,
                 start=D("2025-01-01"))
    cases.open_case(store, "K", handler="h1", opened=D("2026-01-05"), today=TODAY)
    plans.add(store, "K", made=D("2026-05-04"), next_followup=D("2026-08-04"), today=TODAY)
    for app_id, received, decided, decision in (
            ("A-MAR", "2026-03-02", "2026-03-31", "granted"),  # within the grace period
            ("A-APR", "2026-04-06", "2026-04-07", "rejected"),  # needs a plan, none yet
            ("A-MAY", "2026-05-04", "2026-05-29", "granted"),  # the plan's first day
            ("A-AUG", "2026-08-04", "2026-08-05", "granted"),  # its follow-up's day
            ("A-AUG2", "2026-08-05", "2026-09-01", "rejected"),  # lapsed, decided in September
            ("A-SEP", "2026-09-07", "2026-09-08", "withdrawn")):  # no decision
        applications.add(store, "K", period=received[:7], received=D(received), app_id=app_id,
                         completed=D(received), today=TODAY)
        applications.decide(store, app_id, D(decided), decision,
                            amount=3000 if decision == "granted" else None, today=TODAY)
    series = plan_coverage.coverage_monthly(store, first="2026-01", last="2026-11", today=TODAY)
    got = {m["month"]: (m["applications"]["decided"], m["applications"]["eligible"],
                        m["applications"]["current"]) for m in series["months"]}
    assert got == {"2026-01": (0, 0, 0), "2026-02": (0, 0, 0), "2026-03": (1, 0, 0),
                   "2026-04": (1, 1, 0), "2026-05": (1, 1, 1), "2026-06": (0, 0, 0),
                   "2026-07": (0, 0, 0), "2026-08": (1, 1, 1), "2026-09": (1, 1, 0),
                   "2026-10": (0, 0, 0), "2026-11": (0, 0, 0)}
    # The applications are read through the two indexes alone, never the table.
    months = [f"2026-{m:02d}" for m in range(1, 12)]
    days = [month_end(m, TODAY) for m in months]
    periods = [(D(f"{m}-01"), day) for m, day in zip(months, days, strict=True)]
    sql, params = plan_coverage._series_statement(days, periods, None, 90)
    steps = [r[3] for r in store.conn.execute("EXPLAIN QUERY PLAN " + sql, params)]
    reads = [s for s in steps if s.startswith(("SCAN a", "SEARCH a"))]
    assert reads == [
        "SEARCH a USING COVERING INDEX application_case_received "
        "(case_id=? AND received>? AND received<?)",
        "SEARCH a USING COVERING INDEX application_decided (decided>? AND decided<?)",
        "SEARCH a USING COVERING INDEX application_withdrawn (decided>? AND decided<?)"]
    store.close()
