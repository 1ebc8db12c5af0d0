"""The year, tertial and month reports' figures as the annual report counts them (issue 28):
halves away from zero, figure keys as long as ekbist's own, a withdrawal that is no
decision, the rolling long-term share in the tertial, homeless households with children as a
monthly mean, and outcomes shown with the decimals their target needs. Every value below is
counted by hand."""

from __future__ import annotations

import json
import sqlite3
from datetime import date

import openpyxl
import pytest

from ekbist import applications, cases, handlers, handling_time
from ekbist.number_text import format_fixed, round_half_away
from ekbist.reports import population, targets
from ekbist.reports.indicators import Period, indicators
from ekbist.reports.year import year_report
from ekbist.store import Store, migrations

TODAY = date(2026, 1, 15)
D = date.fromisoformat
LONGEST = "children_in_assisted_households_share_of_population"  # 51 characters


def _paid(store: Store, case_id: str, months: list[str], *, today: date = TODAY) -> None:
    """A granted application for each of ``months``, received, complete and decided on the
    month's first day (in time)."""
    for month in months:
        day = D(f"{month}-01")
        app = applications.add(store, case_id, period=month, received=day, completed=day,
                               today=today)
        applications.decide(store, app["id"], day, "granted", amount=5000, today=today)


def _months(first: str, last: str) -> list[str]:
    from ekbist.months import months_between

    return months_between(first, last)


def _figures(store: Store, first: str, last: str, whole_year: bool = True) -> dict:
    found = indicators(store, Period(first, last, whole_year=whole_year))
    return {f["key"]: f["value"] for f in found["figures"]}


# -- halves away from zero ---------------------------------------------------------------------
def test_the_one_rounding_rule_takes_halves_away_from_zero() -> None:
    assert round_half_away(3.25, 1) == 3.3          # Python's round gives 3.2
    assert round_half_away(2.5) == 3 and round_half_away(-2.5) == -3
    assert round_half_away(0.125, 2) == 0.13        # round gives 0.12
    assert round_half_away(0.285, 2) == 0.29        # stored as 0.28499…, written 0.285
    assert round_half_away(3.24999, 1) == 3.2 and round_half_away(3.35, 1) == 3.4
    assert round_half_away(-0.04, 1) == 0.0 and str(round_half_away(-0.04, 1)) == "0.0"
    assert isinstance(round_half_away(2.5), int)
    assert format_fixed(39 / 12, 1, swedish=True) == "3,3"
    assert format_fixed(2.5, 0, swedish=False) == "3" and format_fixed(-2.5, 0, swedish=False) == "-3"
    assert format_fixed(1234.45, 1, swedish=True) == "1\u00a0234,5"


@pytest.fixture
def year_unit(store: Store) -> Store:
    handlers.add(store, "a", name="Alva", team="investigation", fte=1.0, start=D("2024-01-01"))
    return store


def test_39_households_over_12_months_is_3_3(year_unit, cli) -> None:
    s = year_unit
    # Three households every month of 2025 (36 household-months) and one in January–March
    # (3): 39 household-months over 12 months = 3.25, which shows as 3,3.
    for i in range(1, 4):
        cases.open_case(s, f"K{i}", handler="a", opened=D("2024-12-01"), today=TODAY)
        _paid(s, f"K{i}", _months("2025-01", "2025-12"))
    cases.open_case(s, "K4", handler="a", opened=D("2024-12-01"), today=TODAY)
    _paid(s, "K4", _months("2025-01", "2025-03"))
    r = year_report(s, 2025, today=TODAY)
    assert r["households"]["average"] == 3.3
    data = json.loads(cli.ok("indicators", "--year", "2025", "--format", "json",
                             today=TODAY).output)
    assert {f["key"]: f["value"] for f in data["figures"]}["households_per_month_avg"] == 3.3
    md = cli.ok("report", "year", "2025", "--format", "md", lang="sv", today=TODAY).output
    assert "| Snitt | 3,3 |" in md
    # One household-month fewer: 38 / 12 = 3.1666…, 3,2 — the rule rounds, it does not lift.
    s.execute("DELETE FROM application WHERE case_id = 'K4' AND period = '2025-03'")
    assert year_report(s, 2025, today=TODAY)["households"]["average"] == 3.2


# -- figure keys of ekbist's own length ------------------------------------------------------
def test_every_key_target_keys_lists_is_taken_by_target_set(cli) -> None:
    cli.ok("init")
    keys = [k["key"] for k in json.loads(cli.ok("target", "keys", "--format", "json").output)]
    assert LONGEST in keys and len(LONGEST) == 51
    for key in keys:
        cli.ok("target", "set", "2025", key, "1")
    listed = json.loads(cli.ok("target", "list", "2025", "--format", "json").output)
    assert {t["key"] for t in listed} == set(keys)
    for key in ("adults_with_assistance_share_of_population",
                "long_term_adults_share_of_assisted_adults", LONGEST):
        assert key in {t["key"] for t in listed}


def test_a_key_of_64_characters_is_taken_and_65_refused(cli, db_path) -> None:
    cli.ok("init")
    own = "m" * 64
    cli.ok("target", "set", "2025", own, "3", "--label", "Egen")
    cli.ok("outcome", "set", "2025", own, "4")
    before = sqlite3.connect(db_path).execute("SELECT count(*) FROM target").fetchone()
    error = cli.fails("target", "set", "2025", "m" * 65, "3", "--label", "Egen")
    assert "not a figure key" in error and "at most 64 characters" in error
    error = cli.fails("outcome", "set", "2025", "m" * 65, "3", "--label", "Egen", lang="sv")
    assert "högst 64 tecken" in error
    assert sqlite3.connect(db_path).execute("SELECT count(*) FROM target").fetchone() == before


def test_a_targets_sheet_takes_the_51_character_key_and_refuses_65(cli, tmp_path) -> None:
    cli.ok("init")
    path = tmp_path / "mal.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Årsmål"
    ws.append(["År", "Mått", "Målvärde", "Riktning", "Benämning"])
    ws.append([2025, LONGEST, "1", "högst", None])
    wb.save(path)
    cli.ok("import", str(path))
    listed = json.loads(cli.ok("target", "list", "2025", "--format", "json").output)
    assert [(t["key"], t["value"]) for t in listed] == [(LONGEST, 1.0)]
    ws.append([2025, "x" * 65, 1, "minst", "Egen"])
    wb.save(path)
    bad = cli("import", str(path), lang="sv")
    assert bad.exit_code == 1 and "Årsmål!B3" in bad.output and "högst 64 tecken" in bad.output


def test_a_store_of_schema_9_keeps_its_targets_and_takes_longer_keys(tmp_path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    for number, _name, sql in migrations():
        if number <= 9:
            conn.executescript(sql + f"\nPRAGMA user_version = {number};")
    conn.execute("INSERT INTO target VALUES (2025, 'sick_leave', 4.4, 'at_most', 'Sjuk')")
    conn.execute("INSERT INTO outcome VALUES (2025, 'summer_jobs', 270, 'Sommarjobb')")
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("INSERT INTO target VALUES (2025, ?, 1, 'at_most', NULL)", (LONGEST,))
    conn.commit()
    conn.close()
    store = Store.open(path, migrate=True, command="test")
    assert store.query("SELECT * FROM target") == [
        {"year": 2025, "key": "sick_leave", "value": 4.4, "direction": "at_most", "label": "Sjuk",
         "goal": None, "city_value": None, "period": None}]  # the goals' columns, empty
    assert store.query("SELECT key, value FROM outcome") == [{"key": "summer_jobs", "value": 270}]
    targets.set_target(store, 2025, LONGEST, "1")
    assert store.scalar("SELECT count(*) FROM target") == 2
    assert store.scalar("SELECT extent FROM absence LIMIT 1") is None  # a column, no rows


# -- a withdrawal is no decision -----------------------------------------------------------
def test_a_withdrawal_is_neither_in_time_nor_late(year_unit, cli) -> None:
    s = year_unit
    cases.open_case(s, "K1", handler="a", opened=D("2024-12-01"), today=TODAY)
    # January 2025, every clock starting on Thursday 2 January (working day 1; Monday 6 is
    # Epiphany, so the fifth working day is Thursday 9 January):
    #   A1 granted on the 2nd (in time), A2 rejected on the 9th (in time, the deadline),
    #   A3 granted on the 10th (late), A4 withdrawn on the 3rd (in time by the date, but no
    #   decision), A5 withdrawn on the 20th (late by the date, no decision either),
    #   A6 withdrawn without ever being complete (not "no clock" either).
    plan = [("A1", "2025-01-02", "granted"), ("A2", "2025-01-09", "rejected"),
            ("A3", "2025-01-10", "granted"), ("A4", "2025-01-03", "withdrawn"),
            ("A5", "2025-01-20", "withdrawn")]
    for app_id, decided, decision in plan:
        applications.add(s, "K1", period="2025-01", received=D("2025-01-02"),
                         completed=D("2025-01-02"), app_id=app_id, today=TODAY)
        applications.decide(s, app_id, D(decided), decision,
                            amount=5000 if decision == "granted" else None, today=TODAY)
    applications.add(s, "K1", period="2025-01", received=D("2025-01-02"), app_id="A6",
                     today=TODAY)
    applications.decide(s, "A6", D("2025-01-07"), "withdrawn", today=TODAY)
    total = handling_time.report(s, D("2025-01-01"), D("2025-01-31"))["total"]
    # Decided: A1, A2, A3 = 3; in time A1, A2 = 2; late A3 = 1; withdrawn A4, A5, A6 = 3.
    assert (total["decided"], total["in_time"], total["late"], total["no_clock"],
            total["withdrawn"]) == (3, 2, 1, 0, 3)
    assert total["share_in_time"] == 0.6667
    january = year_report(s, 2025, today=TODAY)["handling_time"]["months"][0]
    assert (january["decided"], january["in_time"]) == (3, 2)
    by_month = json.loads(cli.ok("handling-time", "report", "--from", "2025-01-01", "--to",
                                 "2025-12-31", "--by", "month", "--format", "json",
                                 today=TODAY).output)
    assert [(g["key"], g["decided"], g["withdrawn"]) for g in by_month["groups"]] == [
        ("2025-01", 3, 3)]
    month = json.loads(cli.ok("report", "month", "2025", "1", "--format", "json",
                              today=TODAY).output)
    assert (month["decided"], month["in_time"], month["share_in_time"]) == (3, 2, 0.6667)
    # The other side: the same three decisions without the withdrawals give the same figures.
    s.execute("DELETE FROM application WHERE decision = 'withdrawn'")
    again = handling_time.report(s, D("2025-01-01"), D("2025-01-31"))["total"]
    assert (again["decided"], again["in_time"], again["withdrawn"]) == (3, 2, 0)


# -- homeless households with children, a monthly mean ----------------------------------------
def test_homeless_households_with_children_as_a_monthly_mean(year_unit, cli) -> None:
    s = year_unit
    # H1: two children, homeless, assistance January–June (6 months).
    # H2: one child, homeless, March–May (3 months).
    # H3: homeless without children, all year; H4: children, not homeless, all year: neither.
    # Mean: (6 + 3) household-months / 12 months = 0.75, shown 0,8 (a half, away from zero);
    # during the year: H1 and H2 = 2.
    for case_id, children, homeless, first, last in [
            ("H1", 2, True, "2025-01", "2025-06"), ("H2", 1, True, "2025-03", "2025-05"),
            ("H3", 0, True, "2025-01", "2025-12"), ("H4", 1, False, "2025-01", "2025-12")]:
        cases.open_case(s, case_id, handler="a", opened=D("2024-12-01"), children=children,
                        homeless=homeless, today=TODAY)
        _paid(s, case_id, _months(first, last))
    values = _figures(s, "2025-01", "2025-12")
    assert values["homeless_households_with_children_per_month_avg"] == 0.8
    assert values["homeless_households_with_children"] == 2
    # March–May: H1 and H2 every month, 2.0; a target on the mean judges the mean.
    assert _figures(s, "2025-03", "2025-05", whole_year=False)[
        "homeless_households_with_children_per_month_avg"] == 2.0
    targets.set_target(s, 2025, "homeless_households_with_children_per_month_avg", "0,75")
    row = year_report(s, 2025, today=TODAY)["targets"]["targets"][0]
    assert (row["outcome"], row["met"]) == (0.8, False)  # the mean as shown: 0,8 > 0,75
    text = cli.ok("indicators", "--year", "2025", today=TODAY).output
    assert "monthly average" in text


# -- the rolling long-term share in the tertial -----------------------------------------------
def test_the_tertial_reports_long_term_adults_by_the_rolling_twelve_months(cli, store) -> None:
    handlers.add(store, "a", name="Alva", team="investigation", fte=1.0, start=D("2024-01-01"))
    today = D("2026-05-10")
    # The twelve months May 2025–April 2026:
    #   R1 (1 adult) assistance in all 12 → long-term;
    #   R2 (2 adults) July 2025–April 2026, 10 months → long-term;
    #   R3 (3 adults) August 2025–April 2026, 9 months → not long-term (at risk);
    #   R4 (1 adult) January–April 2025 only: outside the window.
    for case_id, adults, first, last in [("R1", 1, "2025-05", "2026-04"),
                                         ("R2", 2, "2025-07", "2026-04"),
                                         ("R3", 3, "2025-08", "2026-04"),
                                         ("R4", 1, "2025-01", "2025-04")]:
        cases.open_case(store, case_id, handler="a", opened=D("2024-12-01"), adults=adults,
                        today=today)
        _paid(store, case_id, _months(first, last), today=today)
    # Statistics Sweden's 2026 figure is not out in May: the 2025 population counts.
    population.set_population(store, 2025, adults=1200, children=300, total=1500)
    cli.ok("budget", "set", "2026", "Ekonomiskt bistånd/handläggning", "Personalkostnader",
           "1200000", today=today)
    cli.ok("actuals", "set", "2026", "4", "Ekonomiskt bistånd/handläggning",
           "Personalkostnader", "100000", today=today)
    data = json.loads(cli.ok("report", "tertial", "--tertial", "1", "--year", "2026",
                             "--format", "json", today=today).output)
    # Long-term: R1 and R2, 3 adults of 1 200 = 0.25 %.
    assert data["key_figures"]["long_term"] == {
        "from": "2025-05", "to": "2026-04", "households": 2, "adults": 3,
        "assisted_households": 3, "share_of_households": 0.6667, "population_year": 2025,
        "adults_share_of_population": 0.0025}
    # The calendar definition cannot reach ten months by April: 0 long-term households.
    assert _figures(store, "2026-01", "2026-04")["long_term_households_calendar"] == 0
    text = cli.ok("report", "tertial", "--tertial", "1", "--year", "2026", lang="sv",
                  today=today).output
    # The note is prose wrapped at 80 columns: read with its line breaks as spaces.
    assert ("2 hushåll, 3 vuxna, 0,25 % av den vuxna befolkningen (folkmängd 2025)"
            in text.replace("\n", " "))
    # With the year's own population recorded, that one counts: 3 of 1 000 = 0.30 %.
    population.set_population(store, 2026, adults=1000, children=250, total=1250)
    data = json.loads(cli.ok("report", "tertial", "--tertial", "1", "--year", "2026",
                             "--format", "json", today=today).output)
    lt = data["key_figures"]["long_term"]
    assert (lt["population_year"], lt["adults_share_of_population"]) == (2026, 0.003)
    # The key figure of the same name over January–April says the same.
    assert _figures(store, "2026-01", "2026-04")[
        "long_term_adults_share_of_population_rolling"] == 0.003


# -- an outcome beside its target ---------------------------------------------------------
def test_an_outcome_shows_the_decimals_its_target_needs() -> None:
    def shown(direction: str, target: float, outcome: float) -> str:
        decimals = targets.outcome_decimals(direction, target, outcome, "percent")
        return format_fixed(outcome, decimals, swedish=True)

    assert shown("at_most", 0.5, 0.59) == "0,59"        # never "0,6" beside "≤ 0,5 %"
    assert shown("at_least", 4.4, 4.396) == "4,396"     # "4,40" would read as met
    assert shown("at_least", 4.4, 4.41) == "4,41"
    assert shown("at_least", 90, 87.84) == "87,8"       # a whole target: one decimal
    assert shown("at_most", 0.54, 0.54) == "0,540"      # exactly at: met, and reads so
    assert targets.outcome_decimals("at_least", 22, 16, "count") == 0
    assert targets.target_decimals(0.54, "percent") == 2
    assert targets.target_decimals(4.4, "percent") == 1
    assert targets.target_decimals(90, "percent") == 1


def test_the_markdown_report_never_shows_a_missed_target_as_met(year_unit, cli, tmp_path) -> None:
    s = year_unit
    # 59 children in assisted households of 10 000 children in the population: 0.59 %.
    cases.open_case(s, "K1", handler="a", opened=D("2024-12-01"), children=59, today=TODAY)
    _paid(s, "K1", ["2025-03"])
    population.set_population(s, 2025, adults=20000, children=10000, total=30000)
    targets.set_target(s, 2025, LONGEST, "0,5", label="Andelen barn i hushåll med bistånd")
    r = year_report(s, 2025, today=TODAY)
    row = r["targets"]["targets"][0]
    assert (row["outcome"], row["met"], row["outcome_decimals"]) == (0.59, False, 2)
    md = cli.ok("report", "year", "2025", "--format", "md", lang="sv", today=TODAY).output
    assert "| Andelen barn i hushåll med bistånd | 0,59 % |  |  |  | ≤ 0,5 % |  |  | ej uppnått |" in md
    path = tmp_path / "year.xlsx"
    cli.ok("report", "year", "2025", "--xlsx", str(path), today=TODAY)
    cells = openpyxl.load_workbook(path)["Targets"]
    assert (cells.cell(row=4, column=3).number_format,
            cells.cell(row=4, column=4).number_format) == ("0.0 %", "0.00 %")
    # The other side: 50 children (0.50 %) meet "≤ 0,5 %" and read 0,50 %.
    s.execute("UPDATE cases SET children = 50 WHERE id = 'K1'")
    md = cli.ok("report", "year", "2025", "--format", "md", lang="sv", today=TODAY).output
    assert "| Andelen barn i hushåll med bistånd | 0,50 % |  |  |  | ≤ 0,5 % |  |  | uppnått |" in md


def test_every_share_in_the_year_json_has_at_most_four_decimals(demo_db, tmp_path) -> None:
    import shutil

    from conftest import Cli

    copy = tmp_path / "demo.db"
    shutil.copyfile(demo_db, copy)
    data = json.loads(Cli(copy).ok("report", "year", "2025", "--format", "json",
                                   today="2026-11-25").output)
    found = []

    def walk(node, key=""):
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, k)
        elif isinstance(node, list):
            for v in node:
                walk(v, key)
        elif isinstance(node, float) and ("share" in key or key == "adherence"):
            found.append((key, node))

    walk(data)
    keys = {k for k, _v in found}
    assert {"share", "share_in_time", "sick_leave_share", "adherence"} <= keys
    assert all(v == round_half_away(v, 4) for _k, v in found), [
        (k, v) for k, v in found if v != round_half_away(v, 4)]
    plan = data["plan_coverage"]
    assert plan["share"] == round_half_away(plan["current"] / plan["eligible"], 4)
    # Target outcomes on shares are in per cent with at most four decimals.
    for t in data["targets"]["targets"]:
        if t["unit"] == "percent" and t["outcome"] is not None:
            assert t["outcome"] == round_half_away(t["outcome"], 4)
