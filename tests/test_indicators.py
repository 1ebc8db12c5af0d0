"""Key figures on a small hand-made unit where every figure is counted by hand.

The unit (year 2026, the previous year 2025; as of 2027-01-15):

    case   months with assistance (kr a month)      adults children gender birth
    C-10   2026-01..2026-10 (5 000; + 1 000 in 10)  1      2        f      1990
    C-9    2026-04..2026-12 (4 000)                 2      0        m      2008
    C-S    2025-07..2026-06 (3 000)                 1      0        m      2001
    C-R1   2026-01..2026-03 (2 500)                 1      0        -      -
    C-R2   2026-09..2026-12 (2 500)                 1      1        -      -
    C-Y17  2026-05 (2 000)                          1      0        f      2009

C-10 is homeless, opened 2025-12-01; C-9 opened 2026-03-20 and its 2026-03 application was
rejected; C-S opened 2025-06-15, handler anna; C-R1 opened 2025-01-10, closed 2026-04-01
(work); C-R2 is the same household back under a new case number; C-Y17 opened 2026-04-20,
closed 2026-06-30 (studies).

Households per month 2026: 3 3 3 3 4 3 2 2 3 3 2 2 = 33 household-months, average 2.75.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from ekbist import applications, cases, handlers
from ekbist import settings as unit_settings
from ekbist.errors import EkbistError
from ekbist.months import months_between
from ekbist.reports import indicators as ind
from ekbist.reports import population
from ekbist.store import Store

TODAY = date(2027, 1, 15)


def _months(first: str, last: str) -> list[str]:
    return months_between(first, last)


def _grant(store: Store, case_id: str, period: str, amount: int, *, received: date,
           first_contact: date | None = None, decision: str = "granted",
           decided: date | None = None) -> None:
    row = applications.add(store, case_id, period=period, received=received, completed=received,
                           first_contact=first_contact, today=TODAY)
    applications.decide(store, row["id"], decided or received + timedelta(days=7), decision,
                        amount=amount if decision in ("granted", "partly") else None, today=TODAY)


def _monthly(store: Store, case_id: str, first: str, last: str, amount: int, opened: date,
             first_contact: date | None = None) -> None:
    for i, period in enumerate(_months(first, last)):
        year, month = int(period[:4]), int(period[5:])
        before = date(year, month, 1) - timedelta(days=12)  # the 20th or so of the month before
        received = max(before, opened)
        _grant(store, case_id, period, amount, received=received,
               first_contact=first_contact if i == 0 else None)


@pytest.fixture
def unit_db(tmp_path):
    path = tmp_path / "unit.db"
    store = Store.open(path, create=True)
    handlers.add(store, "bo", name="Bo Berg", team="investigation", fte=1.0)
    handlers.add(store, "anna", name="Anna Ek", team="intake", fte=1.0)
    open_ = dict(handler="bo", today=TODAY)
    cases.open_case(store, "C-10", opened=date(2025, 12, 1), children=2, gender="f",
                    homeless=True, birth_year=1990, **open_)
    cases.open_case(store, "C-9", opened=date(2026, 3, 20), adults=2, gender="m",
                    birth_year=2008, **open_)
    cases.open_case(store, "C-S", opened=date(2025, 6, 15), gender="m", birth_year=2001,
                    handler="anna", today=TODAY)
    cases.open_case(store, "C-R1", opened=date(2025, 1, 10), **open_)
    # A rejected first application: the store holds the unit's applications from January
    # 2025, so the whole previous year is known (and counted), not absent.
    _grant(store, "C-R1", "2025-01", 0, received=date(2025, 1, 10), decision="rejected")
    cases.open_case(store, "C-R2", opened=date(2026, 8, 20), children=1, **open_)
    cases.open_case(store, "C-Y17", opened=date(2026, 4, 20), gender="f", birth_year=2009,
                    **open_)
    _monthly(store, "C-10", "2026-01", "2026-10", 5000, date(2025, 12, 1))
    _grant(store, "C-10", "2026-10", 1000, received=date(2026, 10, 5), decision="partly")
    # The first application of a new applicant: first contact 2026-03-10, decided 2026-03-27.
    _monthly(store, "C-9", "2026-04", "2026-12", 4000, date(2026, 3, 20),
             first_contact=date(2026, 3, 10))
    _grant(store, "C-9", "2026-03", 0, received=date(2026, 3, 20), decision="rejected")
    _monthly(store, "C-S", "2025-07", "2026-06", 3000, date(2025, 6, 15))
    _monthly(store, "C-R1", "2026-01", "2026-03", 2500, date(2025, 1, 10))
    cases.close_case(store, "C-R1", date(2026, 4, 1), "work", today=TODAY)
    # New applicants, decided 7 days after arrival: first contact to decision 13 days (C-Y17:
    # 2026-04-14 to 2026-04-27) and 17 days (C-R2: 2026-08-10 to 2026-08-27, in August).
    _monthly(store, "C-R2", "2026-09", "2026-12", 2500, date(2026, 8, 20),
             first_contact=date(2026, 8, 10))
    _monthly(store, "C-Y17", "2026-05", "2026-05", 2000, date(2026, 4, 20),
             first_contact=date(2026, 4, 14))
    cases.close_case(store, "C-Y17", date(2026, 6, 30), "studies", today=TODAY)
    population.set_population(store, 2026, adults=1000, children=250, total=1300)
    store.close()
    return path


def figures(path, **period) -> tuple[dict, dict]:
    store = Store.open(path, readonly=True)
    try:
        data = ind.indicators(store, ind.period_of(today=TODAY, **period))
    finally:
        store.close()
    return ({f["key"]: f["value"] for f in data["figures"]},
            {f["key"]: f["previous"] for f in data["figures"]})


def test_a_year_counted_by_hand(unit_db):
    now, before = figures(unit_db, year=2026)
    assert [m["households"] for m in now["households_per_month"]] == [3, 3, 3, 3, 4, 3, 2, 2, 3,
                                                                       3, 2, 2]
    assert now["households_per_month"][0] == {"month": "2026-01", "households": 3}
    assert now["households_per_month_avg"] == 2.8  # 33 / 12 = 2.75
    assert now["households_total"] == 6
    assert (now["adults_in_assisted_households"], now["children_in_assisted_households"]) == (7, 3)
    assert now["households_by_gender"] == {"f": 2, "m": 2, "x": 0, "unknown": 2}
    assert now["households_with_children"] == 2
    assert now["homeless_households_with_children"] == 1
    # 51 000 + 36 000 + 18 000 + 7 500 + 10 000 + 2 000; the rejected application adds nothing.
    assert now["paid_total"] == 124500
    assert now["paid_per_household_month"] == 3773  # 124 500 / 33
    assert now["paid_per_household"] == 20750  # 124 500 / 6
    assert now["cases_opened"] == 3  # C-9, C-R2, C-Y17
    assert now["closed_total"] == 2
    assert now["closed_by_reason"] == {"work": 1, "studies": 1, "sickness_comp": 0,
                                       "other_benefit": 0, "moved": 0, "other": 0}
    assert now["closed_share_by_reason"]["work"] == 0.5
    # Exactly 10 months counts, 9 does not; C-S has 6 + 6 in two calendar years.
    assert now["long_term_households_calendar"] == 1
    assert now["long_term_adults_calendar"] == 1
    assert now["long_term_households_by_gender"] == {"f": 1, "m": 0, "x": 0, "unknown": 0}
    assert now["long_term_households_rolling"] == 1
    assert now["long_term_share_of_households"] == round(1 / 6, 4)
    assert now["long_term_adults_share_of_assisted_adults"] == round(1 / 7, 4)
    assert now["very_long_term_households"] == 0
    # Ages in 2026: 36, 18 (in), 25 (out at 24), 17 (out); two unknown, never guessed.
    assert now["young_adult_households"] == 1
    assert now["birth_year_unknown_households"] == 2
    assert now["young_adult_share"] == 0.25
    # Population 2026: 1 000 adults, 250 children, 1 300 in all.
    assert now["long_term_adults_share_of_population"] == 0.001
    assert now["adults_with_assistance_share_of_population"] == 0.007
    assert now["children_in_assisted_households_share_of_population"] == 0.012
    assert now["paid_per_inhabitant"] == 96  # 124 500 / 1 300 = 95.8
    # U31402: January–June only: 17 (C-9) and 13 (C-Y17) days; C-R2 in August is left out.
    assert now["waiting_time_first_contact_mean_days"] == 15.0
    assert now["waiting_time_first_contact_median_days"] == 15.0
    assert now["waiting_time_first_contact_count"] == 2


def test_the_previous_year_beside(unit_db):
    _now, before = figures(unit_db, year=2026)
    assert [m["households"] for m in before["households_per_month"]] == [0] * 6 + [1] * 6
    assert before["households_per_month"][6] == {"month": "2025-07", "households": 1}
    assert before["households_per_month_avg"] == 0.5
    assert before["paid_total"] == 18000
    assert before["cases_opened"] == 3  # C-10, C-S, C-R1
    assert before["closed_total"] == 0
    assert before["closed_share_by_reason"]["work"] is None
    assert before["long_term_households_calendar"] == 0
    assert before["young_adult_households"] == 1  # C-S was 24 in 2025
    assert before["long_term_adults_share_of_population"] is None  # no population for 2025
    assert before["paid_per_inhabitant"] is None
    assert before["waiting_time_first_contact_mean_days"] is None


def test_rolling_twelve_months_span_two_calendar_years(unit_db):
    now, _before = figures(unit_db, first="2026-01", last="2026-06")
    # 2025-07..2026-06: C-S has all 12; C-10 only 6. The calendar year so far has nobody at 10.
    assert now["long_term_households_rolling"] == 1
    assert now["long_term_households_calendar"] == 0
    assert now["long_term_share_of_households_rolling"] == round(1 / 5, 4)
    assert now["households_per_month_avg"] == 3.2  # 19 / 6 = 3.17


def test_young_adult_age_is_a_setting(unit_db):
    store = Store.open(unit_db)
    unit_settings.put(store, "indicators.young_adult_max_age", "25")
    store.close()
    now, _before = figures(unit_db, year=2026)
    assert now["young_adult_households"] == 2  # C-9 (18) and C-S (25)


def test_very_long_term_needs_the_set_months_of_36(unit_db):
    store = Store.open(unit_db)
    unit_settings.put(store, "indicators.very_long_term_months", "13")
    store.close()
    now, _before = figures(unit_db, year=2026)
    assert now["very_long_term_households"] == 0  # C-S has 12 of 36, C-10 10
    store = Store.open(unit_db)
    _monthly(store, "C-S", "2026-07", "2026-07", 3000, date(2026, 6, 19))
    store.close()
    now, _before = figures(unit_db, year=2026)
    assert now["very_long_term_households"] == 1


def test_waiting_window_follows_a_period(unit_db):
    now, _before = figures(unit_db, first="2026-07", last="2026-12")
    assert now["waiting_time_first_contact_count"] == 1
    assert now["waiting_time_first_contact_mean_days"] == 17.0


def test_long_term_households_with_handler_and_at_risk(unit_db):
    store = Store.open(unit_db, readonly=True)
    try:
        rows = ind.long_term_households(store, "2026-12")
        assert [(r["case"], r["handler"], r["months"]) for r in rows] == [("C-10", "bo", 10)]
        assert rows[0]["months_with_assistance"] == _months("2026-01", "2026-10")
        risk = ind.long_term_households(store, "2026-12", at_risk=True)
        assert [(r["case"], r["months"]) for r in risk] == [("C-9", 9), ("C-S", 6)]
        assert [r["case"] for r in ind.long_term_households(store, "2026-06")] == ["C-S"]
        assert [r["case"] for r in ind.long_term_households(store, "2026-12", at_risk=True,
                                                           handler="anna")] == ["C-S"]
        assert [r["case"] for r in ind.long_term_households(store, "2026-12", at_risk=True,
                                                           team="utredning")] == ["C-9"]
        with pytest.raises(EkbistError, match="unknown handler"):
            ind.long_term_households(store, "2026-12", handler="nobody")
        assert all("gender" not in r for r in rows)
    finally:
        store.close()


def test_cli_json_contract_and_formats(unit_db, cli):
    assert cli.db == unit_db
    data = json.loads(cli.ok("indicators", "--year", "2026", "--format", "json",
                             today=TODAY).output)
    assert (data["from"], data["to"]) == ("2026-01", "2026-12")
    keys = [f["key"] for f in data["figures"]]
    for key in ("households_per_month_avg", "households_per_month", "paid_total",
                "paid_per_household_month", "closed_total", "closed_by_reason",
                "long_term_households_calendar", "long_term_households_rolling",
                "long_term_share_of_households", "long_term_adults_share_of_population",
                "young_adult_households", "waiting_time_first_contact_mean_days"):
        assert key in keys
    assert len(keys) == len(set(keys))
    for figure in data["figures"]:
        assert {"key", "label", "value", "previous", "unit", "definition"} <= set(figure)
        assert figure["definition"]
    by_key = {f["key"]: f for f in data["figures"]}
    assert by_key["paid_total"]["value"] == 124500 and by_key["paid_total"]["unit"] == "kr"
    assert "month of payment" in by_key["households_per_month"]["definition"]
    assert "U31402" in by_key["waiting_time_first_contact_mean_days"]["definition"]
    csv_lines = cli.ok("indicators", "--year", "2026", "--format", "csv",
                       today=TODAY).output.splitlines()
    assert csv_lines[0] == "key,item,label,unit,value,previous"
    assert "closed_by_reason,work,Cases closed by reason,cases,1,0" in csv_lines
    table = cli.ok("indicators", "--year", "2026", today=TODAY).output
    assert "Long-term households, calendar year" in table and "month of payment" in table
    assert max(len(line) for line in table.splitlines()) <= 80
    swedish = cli.ok("indicators", "--year", "2026", today=TODAY, lang="sv").output
    assert max(len(line) for line in swedish.splitlines()) <= 80
    out = json.loads(cli.ok("indicators", "long-term", "--as-of", "2026-12", "--at-risk",
                            "--format", "json", today=TODAY).output)
    assert [h["case"] for h in out["households"]] == ["C-9", "C-S"]
    text = cli.ok("indicators", "long-term", "--as-of", "2026-12", today=TODAY).output
    assert "C-10" in text and "xxxxxxxxxx.." in text


def test_cli_refuses_bad_periods(unit_db, cli):
    assert cli.db == unit_db
    assert "not both" in cli.fails("indicators", "--year", "2026", "--from", "2026-01",
                                   "--to", "2026-02", today=TODAY)
    assert "go together" in cli.fails("indicators", "--from", "2026-01", today=TODAY)
    assert "before --from" in cli.fails("indicators", "--from", "2026-05", "--to", "2026-01",
                                        today=TODAY)
    assert "not a year" in cli.fails("indicators", "--year", "26x", today=TODAY)
    assert "has not begun" in cli.fails("indicators", "--year", "2028", today=TODAY)
    # A year in progress ends with today's month.
    in_progress = json.loads(cli.ok("indicators", "--year", "2026", "--format", "json",
                                    today="2026-05-31").output)
    assert (in_progress["from"], in_progress["to"]) == ("2026-01", "2026-05")
    assert "not a month" in cli.fails("indicators", "long-term", "--as-of", "2026-13",
                                      today=TODAY)


def test_xlsx_has_the_table_and_a_chart_and_is_private(unit_db, cli, tmp_path):
    assert cli.db == unit_db
    target = tmp_path / "figures.xlsx"
    cli.ok("indicators", "--year", "2026", "--xlsx", str(target), today=TODAY)
    assert target.stat().st_mode & 0o777 == 0o600
    wb = load_workbook(target)
    table, chart_sheet = wb.worksheets
    rows = {(r[0], r[2]): (r[3], r[4]) for r in table.iter_rows(min_row=4, values_only=True)}
    assert rows[("paid_total", None)] == (124500, 18000)
    assert rows[("households_per_month", "2026-05")] == (4, 0)
    assert rows[("closed_by_reason", "work")] == (1, 0)
    assert len(chart_sheet._charts) == 1
    assert [c.value for c in chart_sheet["B"]][1:] == [3, 3, 3, 3, 4, 3, 2, 2, 3, 3, 2, 2]
    assert [c.value for c in chart_sheet["C"]][1:] == [0] * 6 + [1] * 6
    # Never over an existing file without --force; the old file stays as it was.
    before = target.read_bytes()
    assert "exists already" in cli.fails("indicators", "--year", "2026", "--xlsx", str(target),
                                         today=TODAY)
    assert target.read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".ekbist-")]


def test_demo_store_has_the_shape_of_a_real_unit(demo_stores):
    store = Store.open(demo_stores(households=200, months=24, seed=2), readonly=True)
    try:
        assert store.scalar("SELECT count(*) FROM population") >= 2
        assert store.scalar("SELECT count(*) FROM application WHERE first_contact > received") == 0
        data = ind.indicators(store, ind.period_of(year=2026, today=date(2026, 11, 25)))
    finally:
        store.close()
    now = {f["key"]: f["value"] for f in data["figures"]}
    assert 0.25 <= now["long_term_share_of_households_rolling"] <= 0.45
    assert 0.12 <= now["young_adult_share"] <= 0.28
    assert 0 < now["birth_year_unknown_households"] < 0.1 * now["households_total"]
    assert 0.002 <= now["long_term_adults_share_of_population"] <= 0.012
    assert now["waiting_time_first_contact_count"] > 0
    assert 0 < now["waiting_time_first_contact_mean_days"] < 30
    assert sum(now["closed_by_reason"].values()) == now["closed_total"] > 0


def test_the_sql_building_blocks_agree_with_the_figures(unit_db):
    """The year report and the check reuse the SQL blocks; the figures count from masks."""
    store = Store.open(unit_db, readonly=True)
    try:
        for first, last in (("2026-01", "2026-12"), ("2025-07", "2026-06"), ("2025-01", "2025-12")):
            long_term = store.query(ind.sql_long_term(), {"first": first, "last": last,
                                                          "low": 10, "high": 12})
            listed = ind.long_term_households(store, last)
            assert sorted(r["case_id"] for r in long_term) == sorted(r["case"] for r in listed)
            summary = store.one(ind.sql_household_summary(
                f"SELECT hm.case_id FROM ({ind.sql_household_months()}) hm"),
                {"first": first, "last": last, "year": int(last[:4]), "young_max": 24})
            data = ind.indicators(store, ind.period_of(first=first, last=last, today=TODAY))
            values = {f["key"]: f["value"] for f in data["figures"]}
            assert summary["households"] == values["households_total"]
            assert summary["adults"] == values["adults_in_assisted_households"]
            assert summary["young_adults"] == values["young_adult_households"]
            assert len(long_term) == values["long_term_households_rolling"]
            paid = store.scalar(ind.sql_paid(), {"first": first, "last": last})
            assert paid == values["paid_total"]
    finally:
        store.close()
