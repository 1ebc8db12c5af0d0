"""Men and women in the year report's target table for the computed figures ekbist can
count by sex (issue 28), counted by hand on the small unit of tests/test_population_figures.py.

The unit in 2026 (population by age band and sex: 1 000 women and 1 000 men aged 18+,
100 of each aged 18–24):

    case  applicant  age  months with assistance in 2026
    A     woman      24   12 (long-term)
    B     man        25   1
    C     man        18   5
    E     not recorded    5

By sex (the applicant; E is in neither):

    households_total                      4       men 2 (B, C)      women 1 (A)
    long_term_households_calendar         1       men 0             women 1 (A)
    adults_with_assistance_share_of_pop.  (all adults) men 2/1 000 = 0,2 %  women 1/1 000 = 0,1 %
    long_term_adults_share_of_population  men 0 / 1 000 = 0,0 %    women 1 / 1 000 = 0,1 %
    young_adults_share_of_population      men C: 1/100 = 1,0 %     women A: 1/100 = 1,0 %

A figure with no definition by sex (paid_total, young_adults_with_assistance, the share
decided in time) keeps men and women blank.
"""

from __future__ import annotations

import json

import pytest
from test_population_figures import TODAY, unit_db  # noqa: F401 - the fixture

from ekbist import working_days
from ekbist.reports import targets
from ekbist.store import Store
from helpers.procs import clean_env, run

ENV = clean_env(EKBIST_TODAY=TODAY.isoformat())

# key: (target, men, women) in target units, counted by hand above.
BY_HAND = {
    "households_total": (5, 2, 1),
    "long_term_households_calendar": (2, 0, 1),
    "adults_with_assistance_share_of_population": (1.0, 0.2, 0.1),
    "long_term_adults_share_of_population": (0.5, 0.0, 0.1),
    "young_adults_share_of_population": (2.0, 1.0, 1.0),
}
NO_SEX = ("paid_total", "young_adults_with_assistance", "share_decided_in_time")


@pytest.fixture
def target_db(unit_db):  # noqa: F811
    with Store.open(unit_db) as store:
        working_days.ensure_index(store)
        for key, (value, _men, _women) in BY_HAND.items():
            targets.set_target(store, 2026, key, value)
        for key in NO_SEX:
            targets.set_target(store, 2026, key, 1)
    return unit_db


def _rows(db, *extra: str) -> dict:
    result = run(db, *extra, "report", "year", "2026", "--format", "json", env=ENV)
    assert result.returncode == 0, result.stderr
    return {t["key"]: t for t in json.loads(result.stdout)["targets"]["targets"]}


def test_men_and_women_counted_by_hand(target_db):
    rows = _rows(target_db)
    for key, (_target, men, women) in BY_HAND.items():
        assert (rows[key]["men"], rows[key]["women"]) == (men, women), key
    # A real zero (no man long-term) is 0, not blank.
    assert rows["long_term_adults_share_of_population"]["men"] == 0.0
    for key in NO_SEX:
        assert (rows[key]["men"], rows[key]["women"]) == (None, None), key


def test_a_year_without_a_population_by_sex_leaves_them_blank(target_db):
    """2026 recorded in total only: the shares by sex cannot be counted (blank, not 0); the
    households by the applicant's sex still can."""
    with Store.open(target_db) as store, store.transaction():
        store.execute("DELETE FROM population_band")
        store.execute("INSERT INTO population (year, adults, children, total) "
                      "VALUES (2026, 2000, 500, 2500)")
    rows = _rows(target_db)
    for key in ("adults_with_assistance_share_of_population",
                "long_term_adults_share_of_population", "young_adults_share_of_population"):
        assert (rows[key]["men"], rows[key]["women"]) == (None, None), key
    assert rows["adults_with_assistance_share_of_population"]["outcome"] == 0.25  # 5 / 2 000
    assert (rows["households_total"]["men"], rows["households_total"]["women"]) == (2, 1)


def test_markdown_swedish_and_the_workbook(target_db, tmp_path):
    from openpyxl import load_workbook

    md = run(target_db, "report", "year", "2026", "--format", "md", env=ENV)
    assert md.returncode == 0, md.stderr

    def cells(label: str) -> list[str]:
        line = next(x for x in md.stdout.splitlines() if x.startswith(f"| {label} |"))
        return [c.strip() for c in line.strip("|").split("|")][1:4]  # outcome, men, women

    # Men and women with the decimals of the outcome beside them.
    assert cells("Share of adults with assistance") == ["0.3%", "0.2%", "0.1%"]
    assert cells("Long-term adults, share of adult population") == ["0.05%", "0.00%", "0.10%"]
    assert cells("Households with assistance during the period") == ["4", "2", "1"]
    assert cells("Assistance granted") == ["69,000 kr", "", ""]
    assert cells("Young adults 18–24 with assistance") == ["2", "", ""]
    sv = run(target_db, "--lang", "sv", "report", "year", "2026", "--format", "md", env=ENV)
    assert sv.returncode == 0, sv.stderr
    assert "| Män | Kvinnor |" in sv.stdout
    assert "| 0,05 % | 0,00 % | 0,10 % |" in sv.stdout
    path = tmp_path / "year.xlsx"
    result = run(target_db, "report", "year", "2026", "--xlsx", str(path), env=ENV)
    assert result.returncode == 0, result.stderr
    ws = load_workbook(path)["Targets"]
    heads = [c.value for c in ws[3]]
    men, women = heads.index("Men") + 1, heads.index("Women") + 1
    by_label = {ws.cell(row=r, column=1).value: (ws.cell(row=r, column=men).value,
                                                 ws.cell(row=r, column=women).value)
                for r in range(4, ws.max_row + 1) if ws.cell(row=r, column=1).value}
    assert by_label["Share of adults with assistance"] == (pytest.approx(0.002),
                                                           pytest.approx(0.001))
    assert by_label["Long-term households, calendar year"] == (0, 1)
    assert by_label["Assistance granted"] == (None, None)



def test_a_per_cent_in_the_workbook_holds_no_float_noise(target_db, tmp_path):
    """A per-cent target or outcome is written as the fraction Excel shows as per cent, and
    the cell holds exactly that fraction: the seed's 0,78 % is 0.0078, not
    0.0078000000000000005 (which the controller sees in the formula bar), and the city's
    0,57 % is 0.0057, not 0.005699999999999999."""
    from openpyxl import load_workbook

    with Store.open(target_db) as store:
        targets.set_target(store, 2026, "adults_with_assistance_share_of_population", "0,78",
                           city_value="0,57")
    path = tmp_path / "year.xlsx"
    result = run(target_db, "--lang", "sv", "report", "year", "2026", "--xlsx", str(path),
                 env=ENV)
    assert result.returncode == 0, result.stderr
    ws = load_workbook(path)["Mål"]
    row = next(r for r in ws.iter_rows(min_row=4) if r[0].value == "Andel vuxna med bistånd")
    target, outcome, men, women, city = (row[2].value, row[3].value, row[7].value,
                                         row[8].value, row[10].value)
    assert repr(target) == "0.0078" and repr(city) == "0.0057"
    # 5 adults of 2 000: 0,25 %; men 2 of 1 000, women 1 of 1 000.
    assert (outcome, men, women) == (0.0025, 0.002, 0.001)
