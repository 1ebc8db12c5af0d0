"""The figures that divide by the population by age and sex, and N31001 from the ledger,
on a small unit counted by hand.

The unit in 2026 (as of 2027-01-15); the population of 2026 is recorded by age band and
sex only (no totals row), so adults, children and the total come from the bands:

    case  applicant      born  age 2026  adults children  months with assistance
    A     woman          2002  24        1      2         2026-01..2026-12 (12: long-term)
    B     man            2001  25        2      0         2026-03 only
    C     man            2008  18        1      0         2026-04..2026-08 (5)
    D     woman          1980  45        1      0         2025-12 only (not in 2026)
    E     not recorded   -     -         1      1         2026-08..2026-12 (5)

    population 2026   women  men
    0-17              240    260     children 500
    18-24             100    100     young adults 200
    25+               900    900     adults 18+ 2 000, everyone 2 500

B turns 25 during 2026: not a young adult (Kolada's 18–24 is the age on 31 December).
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from ekbist import applications, budget, cases, handlers
from ekbist.reports import indicators as ind
from ekbist.reports import population, population_figures
from ekbist.store import Store
from helpers.procs import clean_env, run

TODAY = date(2027, 1, 15)
BANDS_2026 = [("0-17", "f", 240), ("0-17", "m", 260), ("18-24", "f", 100), ("18-24", "m", 100),
              ("25+", "f", 900), ("25+", "m", 900)]
ACTIVITY = "Ekonomiskt bistånd/handläggning"


def _grant(store: Store, case_id: str, period: str, amount: int = 3000) -> None:
    year, month = int(period[:4]), int(period[5:])
    received = date(year, month, 1) - timedelta(days=10)
    row = applications.add(store, case_id, period=period, received=received, completed=received,
                           today=TODAY)
    applications.decide(store, row["id"], received + timedelta(days=3), "granted", amount=amount,
                        today=TODAY)


def _ledger(store: Store, months: range) -> None:
    """Per month: the assistance line 100 000, staff 20 000 + 5 000 (counted); premises 7 000,
    a grant 3 000 and another activity's staff 50 000 (not counted): 125 000 a month."""
    for month in months:
        for activity, line, amount in (
                (ACTIVITY, "Entreprenader och köp av verksamhet", 100_000),
                (ACTIVITY, "Personalkostnader", 20_000),
                (ACTIVITY, "Övriga personalkostnader", 5_000),
                (ACTIVITY, "Lokalkostnader", 7_000),
                (ACTIVITY, "Bidrag", 3_000),
                ("Arbetsmarknad", "Personalkostnader", 50_000)):
            budget.set_actual(store, 2026, month, activity, line, amount)


@pytest.fixture
def unit_db(tmp_path):
    path = tmp_path / "unit.db"
    store = Store.open(path, create=True)
    handlers.add(store, "bo", name="Bo Berg", team="investigation", fte=1.0)
    opened = date(2025, 11, 1)
    for case_id, gender, born, adults, children in (
            ("A", "f", 2002, 1, 2), ("B", "m", 2001, 2, 0), ("C", "m", 2008, 1, 0),
            ("D", "f", 1980, 1, 0), ("E", None, None, 1, 1)):
        cases.open_case(store, case_id, handler="bo", opened=opened, today=TODAY, gender=gender,
                        birth_year=born, adults=adults, children=children)
    for m in range(1, 13):
        _grant(store, "A", f"2026-{m:02d}")
    _grant(store, "B", "2026-03")
    for m in range(4, 9):
        _grant(store, "C", f"2026-{m:02d}")
    _grant(store, "D", "2025-12")
    for m in range(8, 13):
        _grant(store, "E", f"2026-{m:02d}")
    for age, sex, persons in BANDS_2026:
        population.set_band(store, 2026, age=age, gender=sex, persons=persons)
    _ledger(store, range(1, 13))
    store.close()
    return path


def _figures(path, year: int) -> tuple[dict, dict]:
    with Store.open(path, readonly=True) as store:
        data = ind.indicators(store, ind.period_of(year=year, today=TODAY))
    return ({f["key"]: f["value"] for f in data["figures"]},
            {f["key"]: f["previous"] for f in data["figures"]})


def test_the_year_counted_by_hand(unit_db):
    now, before = _figures(unit_db, 2026)
    # N31807: A 1+2, B 2, C 1, E 1+1 = 8 persons of 2 500 inhabitants; D had no 2026 month.
    assert now["inhabitants_with_assistance_share_of_population"] == 0.0032
    # Young adults: A (24) and C (18); B turns 25 in 2026 and is not one.
    assert now["young_adults_with_assistance"] == 2
    assert now["young_adults_share_of_population"] == 0.01  # 2 / 200
    assert now["young_adults_share_of_population_by_gender"] == {"f": 0.01, "m": 0.01}
    # Applicants by sex: A of 1 000 women; B (one month only) and C of 1 000 men; E unknown.
    assert now["adults_with_assistance_share_of_population_by_gender"] == {"f": 0.001,
                                                                           "m": 0.002}
    # Long-term (10–12 months of 2026): A only. No man is long-term: 0, not missing.
    assert now["long_term_adults_share_of_population_by_gender"] == {"f": 0.001, "m": 0.0}
    # Adults in the month ÷ 2 000 adults: April A + C = 2, August A + C + E = 3,
    # December A + E = 2.
    assert now["adults_with_assistance_share_of_population_monthly"] == {
        "04": 0.001, "08": 0.0015, "12": 0.001}
    # The ledger: 12 × 125 000 ÷ 2 500 inhabitants.
    assert now["assistance_cost"] == 1_500_000
    assert now["assistance_cost_per_inhabitant"] == 600
    # Granted ÷ inhabitants is another figure: (12 + 1 + 5 + 5) × 3 000 ÷ 2 500.
    assert now["paid_per_inhabitant"] == 28  # 69 000 / 2 500 = 27.6
    # 2025 has no population at all: every population figure is missing, not 0.
    for key in ("inhabitants_with_assistance_share_of_population",
                "young_adults_share_of_population", "assistance_cost_per_inhabitant"):
        assert before[key] is None, key
    assert before["young_adults_share_of_population_by_gender"] == {"f": None, "m": None}
    assert before["adults_with_assistance_share_of_population_monthly"] == {
        "04": None, "08": None, "12": None}


def test_a_year_with_totals_but_no_bands(unit_db):
    """Totals alone give N31807 and the monthly share; the figures by age or sex are missing."""
    with Store.open(unit_db) as store:
        population.set_population(store, 2025, adults=1000, children=200, total=1250)
    now, _before = _figures(unit_db, 2025)
    assert now["inhabitants_with_assistance_share_of_population"] == 0.0008  # D: 1 / 1 250
    assert now["adults_with_assistance_share_of_population_monthly"]["12"] == 0.001
    assert now["young_adults_share_of_population"] is None
    assert now["adults_with_assistance_share_of_population_by_gender"] == {"f": None, "m": None}
    # 2025 has no actuals: the cost from the ledger is missing, not 0.
    assert now["assistance_cost"] is None
    assert now["assistance_cost_per_inhabitant"] is None


def test_the_totals_row_wins_over_the_bands(unit_db):
    with Store.open(unit_db) as store:
        population.set_population(store, 2026, adults=3000, children=1000, total=4000)
    now, _before = _figures(unit_db, 2026)
    assert now["inhabitants_with_assistance_share_of_population"] == 0.002  # 8 / 4 000
    assert now["assistance_cost_per_inhabitant"] == 375  # 1 500 000 / 4 000
    assert now["young_adults_share_of_population"] == 0.01  # still the bands' 200


def test_a_month_without_actuals_leaves_the_cost_missing(unit_db):
    with Store.open(unit_db) as store, store.transaction():
        store.execute("DELETE FROM actual WHERE year = 2026 AND month = 11")
    now, _before = _figures(unit_db, 2026)
    assert now["assistance_cost"] is None
    assert now["assistance_cost_per_inhabitant"] is None


def test_bands_that_do_not_cover_the_ages_leave_the_figure_missing(unit_db):
    with Store.open(unit_db) as store:
        with store.transaction():
            store.execute("DELETE FROM population_band WHERE year = 2026 AND age_from < 25")
        # SCB's five-year bands: 15–19 straddles 18, so neither the young adults nor the
        # adults and children can be counted from them.
        for age, persons in (("0-14", 200), ("15-19", 70), ("20-24", 80)):
            population.set_band(store, 2026, age=age, gender="f", persons=persons)
            population.set_band(store, 2026, age=age, gender="m", persons=persons)
    now, _before = _figures(unit_db, 2026)
    assert now["young_adults_share_of_population"] is None
    assert now["young_adults_share_of_population_by_gender"] == {"f": None, "m": None}
    # And the adults 18+ are not covered either (15–19 straddles 18): no totals.
    assert now["inhabitants_with_assistance_share_of_population"] is None


def test_measured_months_are_the_tertial_ends_and_the_last_month():
    from ekbist.reports.periods import Period

    assert population_figures.measured_months(Period("2026-01", "2026-12")) == [
        "2026-04", "2026-08", "2026-12"]
    assert population_figures.measured_months(Period("2026-01", "2026-11")) == [
        "2026-04", "2026-08", "2026-11"]
    assert population_figures.measured_months(Period("2025-10", "2026-03")) == ["2026-03"]


def test_adult_share_in_a_month_uses_the_latest_population(unit_db):
    with Store.open(unit_db, readonly=True) as store:
        # 2027 has no population yet: 2026's adults (2 000) are used and named.
        assert population_figures.adult_share_in(store, "2026-08") == {
            "month": "2026-08", "adults": 3, "population_year": 2026, "share": 0.0015,
            "missing": None}
        assert population_figures.adult_share_in(store, "2025-12")["population_year"] is None


def test_the_rolling_long_term_share_counts_a_population_recorded_by_bands(unit_db):
    """The tertial report's long-term share divides by the same population as the key
    figure: 2026 is recorded by age bands only (2 000 adults), no totals row."""
    from ekbist.reports.long_term import rolling_long_term

    with Store.open(unit_db, readonly=True) as store:
        # 2026-01..2026-12: A has 12 months (long-term, 1 adult); A, B, C and E assisted.
        assert rolling_long_term(store, "2026-12") == {
            "from": "2026-01", "to": "2026-12", "households": 1, "adults": 1,
            "assisted_households": 4, "share_of_households": 0.25,
            "population_year": 2026, "adults_share_of_population": 0.0005}
        # 2025 has no population by any means: named as missing, not 0.
        early = rolling_long_term(store, "2025-12")
        assert (early["population_year"], early["adults_share_of_population"]) == (None, None)
    now, _before = _figures(unit_db, 2026)
    assert now["long_term_adults_share_of_population_rolling"] == 0.0005


def test_the_command_in_json_and_in_swedish(unit_db):
    env = clean_env(EKBIST_TODAY=TODAY.isoformat())
    result = run(unit_db, "indicators", "--year", "2026", "--format", "json", env=env)
    assert result.returncode == 0, result.stderr
    figures = {f["key"]: f for f in json.loads(result.stdout)["figures"]}
    assert figures["young_adults_share_of_population"]["value"] == 0.01
    assert figures["assistance_cost_per_inhabitant"]["unit"] == "kr"
    assert "N31001" in figures["assistance_cost_per_inhabitant"]["definition"]
    assert "N31807" in figures["inhabitants_with_assistance_share_of_population"]["definition"]
    sv = run(unit_db, "--lang", "sv", "indicators", "--year", "2026",
             env={**env, "COLUMNS": "80"})
    assert sv.returncode == 0, sv.stderr
    lines = sv.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    text = "\n".join(lines)
    assert "Kostnad för ekonomiskt bistånd, kr/inv (N31001)" in text
    assert "600 kr" in text
    assert "december" in text and "0,10 %" in text
    assert "kvinna" in text
