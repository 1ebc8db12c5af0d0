"""The monthly prognosis: each method checked against a hand calculation on a small store."""

from __future__ import annotations

import json
from datetime import date
from fractions import Fraction
from pathlib import Path

import openpyxl
import pytest

from ekbist import budget, prognosis, prognosis_driver
from ekbist.errors import EkbistError

ASSISTANCE = "Ekonomiskt bistånd/handläggning"
LABOUR = "Arbetsmarknad"
PAYMENTS = "Entreprenader och köp av verksamhet"  # where the seed's budget books assistance
TODAY = date(2026, 11, 25)


def _applications(store, rows):
    """rows: (case, period, decision, amount); cases are opened as needed."""
    with store.transaction():
        for i, (case, period, decision, amount) in enumerate(rows):
            store.execute("INSERT OR IGNORE INTO cases (id, opened) VALUES (?, '2025-01-02')", (case,))
            day = f"{period}-05"
            store.execute(
                "INSERT INTO application (id, case_id, period, received, completed, decided, "
                "decision, amount) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (f"A{i}", case, period, day, day, day, decision, amount),
            )


@pytest.fixture
def small(store):
    """Budget and four months of actuals for two activities, and the households behind them.

    Households with a granted (or partly granted) application: March 1, April 2, May 3,
    June 4; every household is paid 6 000 kr a month. In May one is partly granted; in June
    one household has two applications (4 000 + 2 000 kr) and one application is rejected.
    This unit books the payments on Övriga kostnader (setting budget.assistance_line).
    """
    from ekbist import settings

    settings.put(store, "budget.assistance_line", "Övriga kostnader")
    for activity, line, amount in [
        (ASSISTANCE, "Bidrag", 300_000),
        (ASSISTANCE, "Personalkostnader", 1_200_000),
        (ASSISTANCE, "Övriga kostnader", 250_000),
        (LABOUR, "Personalkostnader", 600_000),
        (LABOUR, "Övriga kostnader", 24_000),
    ]:
        budget.set_budget(store, 2026, activity, line, amount)
    for month, staff, grants, paid, labour in [
        (1, 100_000, 30_000, 0, 50_000),
        (2, 110_000, 30_000, 0, 50_000),
        (3, 90_000, 30_000, 6_000, 50_000),
        (4, 101_001, 30_000, 12_000, 50_001),
        (5, 99_000, 30_000, 18_000, 49_000),
        (6, 100_000, 30_000, 24_000, 51_000),
    ]:
        budget.set_actual(store, 2026, month, ASSISTANCE, "Personalkostnader", staff)
        budget.set_actual(store, 2026, month, ASSISTANCE, "Bidrag", grants)
        budget.set_actual(store, 2026, month, ASSISTANCE, "Övriga kostnader", paid)
        budget.set_actual(store, 2026, month, LABOUR, "Personalkostnader", labour)
    budget.set_actual(store, 2026, 2, LABOUR, "Övriga kostnader", 7_001)
    _applications(store, [
        ("C1", "2026-03", "granted", 6000),
        ("C1", "2026-04", "granted", 6000), ("C2", "2026-04", "granted", 6000),
        ("C1", "2026-05", "granted", 6000), ("C2", "2026-05", "partly", 6000),
        ("C3", "2026-05", "granted", 6000),
        ("C1", "2026-06", "granted", 4000), ("C1", "2026-06", "granted", 2000),
        ("C2", "2026-06", "granted", 6000), ("C3", "2026-06", "granted", 6000),
        ("C4", "2026-06", "granted", 6000), ("C5", "2026-06", "rejected", None),
    ])
    return store


def _line(result, activity, line):
    return next(r for r in result["lines"] if r["activity"] == activity and r["line"] == line)


# -- the three methods, by hand ----------------------------------------------------------------
def test_run_rate_by_hand(small):
    result = prognosis.make(small, 2026, 4, today=TODAY)
    staff = _line(result, ASSISTANCE, "Personalkostnader")
    # 100 000 + 110 000 + 90 000 + 101 001 = 401 001 kr in four months → × 12 ÷ 4.
    assert staff["actual_ytd"] == 401_001
    assert staff["prognosis"] == 1_203_003
    assert staff["deviation"] == 1_200_000 - 1_203_003 == -3003
    assert staff["method"] == "run-rate"
    grants = _line(result, ASSISTANCE, "Bidrag")
    # A revenue above budget is better than budget: 360 000 − 300 000.
    assert (grants["prognosis"], grants["deviation"]) == (360_000, 60_000)
    # 50 000 × 3 + 50 001 = 200 001 → × 3 = 600 003.
    assert _line(result, LABOUR, "Personalkostnader")["prognosis"] == 600_003


def test_run_rate_rounds_once_half_away_from_zero(small):
    # Labour's other costs: 7 001 kr by July → 7 001 × 12 ÷ 7 = 12 001.714… → 12 002.
    budget.set_actual(small, 2026, 7, LABOUR, "Övriga kostnader", 0)
    budget.set_actual(small, 2026, 7, ASSISTANCE, "Bidrag", 0)  # July's actuals are booked
    result = prognosis.make(small, 2026, 7, today=TODAY)
    assert _line(result, LABOUR, "Övriga kostnader")["prognosis"] == 12_002
    assert prognosis.run_rate(-7_001, 7) == -12_002
    assert prognosis.run_rate(1, 24) == 1  # 0.5 → 1


def test_budget_method_by_hand(small):
    result = prognosis.make(small, 2026, 4, methods=[("Personalkostnader", "budget")], today=TODAY)
    staff = _line(result, ASSISTANCE, "Personalkostnader")
    # 401 001 + 1 200 000 × 8 ÷ 12 = 401 001 + 800 000.
    assert (staff["prognosis"], staff["method"]) == (1_201_001, "budget")
    labour = _line(result, LABOUR, "Personalkostnader")
    # 200 001 + 600 000 × 8 ÷ 12.
    assert (labour["prognosis"], labour["method"]) == (600_001, "budget")
    # Other lines keep run-rate.
    assert _line(result, ASSISTANCE, "Bidrag")["method"] == "run-rate"


def test_driver_by_hand(small):
    forecast = prognosis_driver.driver_forecast(small, 2026, 6)
    # Households March–June: 1, 2, 3, 4 (the months before March have none and are left
    # out of the fit). Least squares through (1,1) (2,2) (3,3) (4,4): slope 1, level 4.
    assert [h["households"] for h in forecast["history"][-4:]] == [1, 2, 3, 4]
    assert (forecast["slope"], forecast["level"]) == (1.0, 4.0)
    # Average payment over April–June: (12 000 + 18 000 + 24 000) ÷ (2 + 3 + 4) = 6 000 kr.
    assert forecast["average"] == 6000
    # July … December: households 4 + (0.9), 4 + (0.9 + 0.81), … damped by φ = 0.9.
    phi = Fraction(9, 10)
    expected_households = [4 + sum(phi ** j for j in range(1, k + 1)) for k in range(1, 7)]
    assert [f["households"] for f in forecast["forecast"]] == pytest.approx(
        [4.9, 5.71, 6.439, 7.0951, 7.68559, 8.217031])
    assert [float(h) for h in expected_households] == pytest.approx(
        [f["households"] for f in forecast["forecast"]])
    # Σ households = 40.046721 → × 6 000 kr = 240 280.326 → 240 280 kr.
    assert forecast["total"] == 240_280
    result = prognosis.make(small, 2026, 6, today=TODAY)
    paid = _line(result, ASSISTANCE, "Övriga kostnader")
    assert paid["method"] == "driver"
    assert paid["actual_ytd"] == 60_000
    assert paid["prognosis"] == 60_000 + 240_280
    assert paid["deviation"] == 250_000 - 300_280


def test_trend_least_squares():
    level, slope = prognosis_driver.trend([2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7])
    # Σ(t − 6.5)(y − 4.5) = 70, Σ(t − 6.5)² = 143.
    assert slope == Fraction(70, 143)
    assert level == Fraction(9, 2) + Fraction(70, 143) * Fraction(11, 2)
    assert prognosis_driver.trend([5]) == (5, 0)
    assert prognosis_driver.trend([]) == (0, 0)


def test_driver_never_forecasts_negative_households(store):
    budget.set_budget(store, 2026, ASSISTANCE, "Övriga kostnader", 100_000)
    budget.set_actual(store, 2026, 1, ASSISTANCE, "Övriga kostnader", 30_000)
    budget.set_actual(store, 2026, 2, ASSISTANCE, "Övriga kostnader", 10_000)
    _applications(store, [("C1", "2026-01", "granted", 10_000), ("C2", "2026-01", "granted", 10_000),
                          ("C3", "2026-01", "granted", 10_000), ("C1", "2026-02", "granted", 10_000)])
    forecast = prognosis_driver.driver_forecast(store, 2026, 2)
    assert forecast["slope"] == -2.0
    assert all(f["households"] >= 0 for f in forecast["forecast"])
    assert forecast["forecast"][-1]["households"] == 0


def test_net_deviation_and_adherence(small):
    result = prognosis.make(small, 2026, 4, today=TODAY)
    first = result["activities"][0]
    # Budget net 1 200 000 + 250 000 − 300 000 = 1 150 000.
    # Prognosis as of April, by hand:
    #   Personalkostnader (run-rate)  401 001 × 12 ÷ 4                       = 1 203 003
    #   Övriga kostnader (driver)     paid 18 000 so far; households March 1, April 2 → level 2,
    #                                 slope 1; May–December 2 + Σ 0.9^j = 41.867 844 01
    #                                 households × 6 000 kr = 251 207.06    → 18 000 + 251 207
    #   Bidrag (revenue, run-rate)    120 000 × 12 ÷ 4                       =   360 000
    #   net 1 203 003 + 269 207 − 360 000 = 1 112 210; 1 150 000 − 1 112 210 = 37 790 better
    #   than budget; 1 112 210 ÷ 1 150 000 = 0.967 139 13… → 0.967139.
    assert _line(result, ASSISTANCE, "Övriga kostnader")["prognosis"] == 269_207
    assert first == {
        "activity": ASSISTANCE, "budget_net": 1_150_000, "prognosis_net": 1_112_210,
        "deviation": 37_790, "adherence": 0.967139,
    }
    # Arbetsmarknad: 600 003 + 7 001 × 12 ÷ 4 = 621 006 against 624 000 → 2 994.
    assert result["activities"][1]["deviation"] == 2_994
    total = result["total"]
    assert total["budget_net"] == 1_774_000
    assert total["prognosis_net"] == 1_112_210 + 621_006
    assert total["deviation"] == 40_784


def test_json_shape_is_the_contract(small, cli, db_path):
    small.close()
    data = json.loads(cli.ok("prognosis", "make", "--year", "2026", "--month", "6",
                             "--format", "json").output)
    assert set(data) == {"year", "month", "lines", "activities", "total", "missing_actuals"}
    assert (data["year"], data["month"]) == (2026, 6)
    assert data["missing_actuals"] == []
    assert set(data["lines"][0]) == {"activity", "line", "kind", "budget", "actual_ytd",
                                     "prognosis", "deviation", "method", "comment",
                                     "chosen_by", "backtest_error"}
    assert set(data["activities"][0]) == {"activity", "budget_net", "prognosis_net", "deviation",
                                          "adherence"}
    assert set(data["total"]) == {"budget_net", "prognosis_net", "deviation", "adherence"}
    assert all(isinstance(r[k], int) for r in data["lines"]
               for k in ("budget", "actual_ytd", "prognosis", "deviation"))


# -- options ---------------------------------------------------------------------------------------
def test_method_precedence(small):
    result = prognosis.make(
        small, 2026, 4, today=TODAY,
        methods=[("*", "budget"), ("Personalkostnader", "run-rate"),
                 (f"{LABOUR}:Personalkostnader", "budget")],
    )
    assert _line(result, ASSISTANCE, "Bidrag")["method"] == "budget"
    assert _line(result, ASSISTANCE, "Personalkostnader")["method"] == "run-rate"
    assert _line(result, LABOUR, "Personalkostnader")["method"] == "budget"
    # '*' does not take the assistance line off the driver unless asked: it is a method too.
    assert _line(result, ASSISTANCE, "Övriga kostnader")["method"] == "budget"
    again = prognosis.make(small, 2026, 6, methods=[("övriga kostnader", "driver")], today=TODAY)
    assert _line(again, ASSISTANCE, "Övriga kostnader")["method"] == "driver"
    assert _line(again, LABOUR, "Övriga kostnader")["method"] == "run-rate"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"methods": [("Bidrag", "guess")]}, "unknown method 'guess'"),
     ({"methods": [("Personalkostnader", "driver")]}, "the driver method forecasts only"),
     ({"methods": [("Bidragg", "budget")]}, "unknown budget line 'Bidragg'"),
     ({"methods": [("Våld:Bidrag", "budget")]}, "no activity 'Våld'"),
     ({"overrides": [("Personalkostnader", "1 000 000")]}, "several activities"),
     ({"overrides": [(f"{LABOUR}:Personalkostnader", "1 000 000")]}, "needs a comment"),
     ({"overrides": [(f"{LABOUR}:Personalkostnader", "12,5")],
       "comments": [(f"{LABOUR}:Personalkostnader", "x")]}, "not whole kronor"),
     ({"comments": [("Personalkostnader", "text")]}, "several activities"),
     ({"comments": [(f"{LABOUR}:Bidrag", "  ")]}, "the comment is empty"),
     ({"comments": [(f"{LABOUR}:Bidrag", "x" * 301)]}, "at most 300"),
     ({"comments": [(f"{LABOUR}:Bidrag", "klient 19121212-1212")]}, "personnummer")],
)
def test_option_refusals(small, kwargs, message):
    with pytest.raises(EkbistError, match=message):
        prognosis.make(small, 2026, 4, today=TODAY, **kwargs)


def test_set_by_hand_with_a_comment(small):
    result = prognosis.make(
        small, 2026, 4, today=TODAY,
        overrides=[(f"{LABOUR}:personalkostnader", "580 000")],
        comments=[(f"{LABOUR}:Personalkostnader", "Vakans från maj"),
                  ("Bidrag", "Återsökningar från Försäkringskassan")],
    )
    labour = _line(result, LABOUR, "Personalkostnader")
    assert (labour["prognosis"], labour["method"], labour["comment"]) == (
        580_000, "manual", "Vakans från maj")
    assert labour["deviation"] == 20_000
    assert _line(result, ASSISTANCE, "Bidrag")["comment"] == "Återsökningar från Försäkringskassan"
    # A line no activity has yet can be set under its activity.
    extra = prognosis.make(small, 2026, 4, today=TODAY,
                           overrides=[(f"{LABOUR}:Lokalkostnader", "50 000")],
                           comments=[(f"{LABOUR}:Lokalkostnader", "Ny lokal")])
    assert _line(extra, LABOUR, "Lokalkostnader")["budget"] == 0


def test_refusals_on_year_and_month(small):
    with pytest.raises(EkbistError, match="has not come yet"):
        prognosis.make(small, 2026, 12, today=TODAY)
    with pytest.raises(EkbistError, match="no budget or actuals for 2025"):
        prognosis.make(small, 2025, 4, today=TODAY)
    with pytest.raises(EkbistError, match="not a month"):
        prognosis.make(small, 2026, 13, today=TODAY)
    with pytest.raises(EkbistError, match="needs granted applications"):
        prognosis.make(small, 2026, 2, methods=[("Övriga kostnader", "driver")], today=TODAY)


def test_driver_falls_back_to_run_rate_without_households(small):
    result = prognosis.make(small, 2026, 2, today=TODAY)
    assert _line(result, ASSISTANCE, "Övriga kostnader")["method"] == "run-rate"


def test_december_is_the_year_so_far(small):
    for month in range(7, 13):
        budget.set_actual(small, 2026, month, ASSISTANCE, "Övriga kostnader", 1000)
        budget.set_actual(small, 2026, month, LABOUR, "Personalkostnader", 50_000)
    result = prognosis.make(small, 2026, 12, today=date(2027, 1, 10),
                            methods=[("*", "budget")])
    paid = _line(result, ASSISTANCE, "Övriga kostnader")
    assert paid["prognosis"] == paid["actual_ytd"] == 66_000


# -- saving and history ----------------------------------------------------------------------------
def test_save_replaces_and_is_audited(small):
    first = prognosis.make(small, 2026, 4, today=TODAY)
    assert prognosis.save(small, first, today=date(2026, 5, 6)) == len(first["lines"])
    second = prognosis.make(small, 2026, 4, today=TODAY,
                            comments=[(f"{LABOUR}:Personalkostnader", "Vakans")])
    prognosis.save(small, second, today=date(2026, 5, 7))
    assert small.scalar("SELECT count(*) FROM prognosis") == len(second["lines"])
    saved = prognosis.saved(small, 2026, 4)
    assert saved["saved_on"] == "2026-05-07"
    assert _line(saved, LABOUR, "Personalkostnader")["comment"] == "Vakans"
    assert {k: saved[k] for k in ("lines", "activities", "total")} == {
        k: second[k] for k in ("lines", "activities", "total")}
    updates = small.scalar("SELECT count(*) FROM audit WHERE tbl = 'prognosis' AND action = 'update'")
    assert updates == len(second["lines"])
    # A line that is gone from the new prognosis is deleted, and the audit shows it.
    with small.transaction():
        small.execute("DELETE FROM actual WHERE activity = ? AND line = 'Övriga kostnader'", (LABOUR,))
        small.execute("DELETE FROM budget WHERE activity = ? AND line = 'Övriga kostnader'", (LABOUR,))
    prognosis.save(small, prognosis.make(small, 2026, 4, today=TODAY), today=date(2026, 5, 8))
    assert small.scalar("SELECT count(*) FROM audit WHERE tbl = 'prognosis' AND action = 'delete'") == 1


def test_history_and_latest(small):
    for month, day in ((4, date(2026, 5, 6)), (6, date(2026, 7, 7))):
        prognosis.save(small, prognosis.make(small, 2026, month, today=TODAY), today=day)
    report = prognosis.history(small, 2026)
    assert [p["month"] for p in report["prognoses"]] == [4, 6]
    assert prognosis.saved_months(small, 2026) == [4, 6]
    assert prognosis.latest_saved(small)["month"] == 6
    assert prognosis.latest_saved(small, up_to=date(2026, 5, 31))["month"] == 4
    with pytest.raises(EkbistError, match="no prognosis saved for 2026-05"):
        prognosis.saved(small, 2026, 5)


# -- the command line ---------------------------------------------------------------------------------
@pytest.fixture
def small_cli(small, cli):
    small.close()
    return cli


def test_make_table_save_show_history(small_cli):
    cli = small_cli
    out = cli.ok("prognosis", "make", "--year", "2026", "--month", "6",
                 "--set", f"{LABOUR}:Personalkostnader=580000",
                 "--comment", f"{LABOUR}:Personalkostnader=Vakans från maj", "--save").output
    assert out.startswith("Prognosis 2026 as of June (tkr)")
    assert "households × average" in out and "set by hand" in out and "Vakans från maj" in out
    assert "5–8 households a month forecast" in out
    assert "Saved as the prognosis for June 2026." in out
    again = cli.ok("prognosis", "make", "--year", "2026", "--month", "6", "--save",
                   today="2026-11-26").output
    assert "(replacing the one saved 2026-11-25)" in again
    shown = cli.ok("prognosis", "show", "--year", "2026").output
    assert "saved 2026-11-26" in shown
    cli.ok("prognosis", "make", "--year", "2026", "--month", "4",
           "--comment", "Bidrag=Återsökning i april", "--save")
    history = cli.ok("prognosis", "history", "--year", "2026").output
    assert "Saved prognoses 2026 (tkr), month by month" in history
    assert "Apr" in history and "Jun" in history and "Result (deviation)" in history
    assert "Apr · Ekonomiskt bistånd/handläggning · Bidrag: Återsökning i april" in history
    data = json.loads(cli.ok("prognosis", "history", "--year", "2026", "--format", "json").output)
    assert [p["month"] for p in data["prognoses"]] == [4, 6]
    csv = cli.ok("prognosis", "history", "--year", "2026", "--format", "csv").output.splitlines()
    assert csv[0] == ("year,month,activity,line,kind,budget,actual_ytd,prognosis,deviation,method,"
                      "comment,missing_actuals")


def test_make_in_swedish(small_cli):
    out = small_cli.ok("prognosis", "make", "--year", "2026", "--month", "6", "--wide",
                       lang="sv").output  # --wide: headers and labels on one line each
    assert out.startswith("Prognos 2026 med utfall till och med juni (tkr)")
    assert "Utfall ackumulerat" in out and "hushåll × snittbelopp" in out
    assert "budgetföljsamhet" in out and "Summa netto" in out


def test_command_line_refusals(small_cli):
    cli = small_cli
    assert "needs a comment" in cli.fails("prognosis", "make", "--month", "6", "--year", "2026",
                                          "--set", f"{LABOUR}:Bidrag=1")
    assert "wants LINE=VALUE" in cli.fails("prognosis", "make", "--month", "6", "--year", "2026",
                                           "--set", "Bidrag")
    assert "has not come yet" in cli.fails("prognosis", "make", "--year", "2027", "--month", "1")
    assert "no prognosis saved for 2026" in cli.fails("prognosis", "show", "--year", "2026")
    assert "No prognosis saved for 2026." in cli.ok("prognosis", "history").output
    assert cli.fails("prognosis", "make", "--year", "2026", "--month", "6", "--set",
                     f"{LABOUR}:Bidrag=1", lang="sv").startswith("fel: varje belopp")


def test_default_month_is_the_last_ended_one(small_cli):
    data = json.loads(small_cli.ok("prognosis", "make", "--format", "json",
                                   today="2026-07-03").output)
    assert (data["year"], data["month"]) == (2026, 6)
    assert "give --month" in small_cli.fails("prognosis", "make", "--year", "2027",
                                             today="2027-01-05")


def test_the_table_says_when_the_driver_had_no_households(small_cli):
    out = small_cli.ok("prognosis", "make", "--year", "2026", "--month", "2").output
    assert "no granted applications in the last three months" in out
    out = small_cli.ok("prognosis", "make", "--year", "2026", "--month", "6",
                       "--method", "Övriga kostnader=run-rate").output
    assert "no granted applications" not in out and "households a month" not in out


# -- right after `ekbist demo`, and the tertial report -------------------------------------------------
@pytest.fixture
def demo_cli(year_demo_db, db_path, cli):
    import shutil

    shutil.copy(year_demo_db, db_path)
    return cli


def test_every_command_is_sensible_right_after_the_demo(demo_cli, tmp_path):
    cli = demo_cli
    shown = json.loads(cli.ok("budget", "show", "--format", "json").output)
    assert [a["activity"] for a in shown["activities"]] == [ASSISTANCE, LABOUR]
    assert all(a["net"] > 0 for a in shown["activities"])
    actuals = json.loads(cli.ok("actuals", "show", "--format", "json").output)
    assert actuals["last_month"] == 10
    made = json.loads(cli.ok("prognosis", "make", "--format", "json").output)
    assert (made["year"], made["month"]) == (2026, 10)
    assert _line(made, ASSISTANCE, PAYMENTS)["method"] == "driver"
    # The assistance actuals are the granted payments, so the driver continues them.
    paid = _line(made, ASSISTANCE, PAYMENTS)
    assert 0.9 < paid["prognosis"] / (paid["actual_ytd"] * 12 / 10) < 1.1
    assert 0.9 < made["total"]["adherence"] < 1.1
    history = json.loads(cli.ok("prognosis", "history", "--format", "json").output)
    assert [p["month"] for p in history["prognoses"]] == list(range(1, 11))
    assert all(p["saved_on"] > f"2026-{p['month']:02d}-31" for p in history["prognoses"])
    shown = json.loads(cli.ok("prognosis", "show", "--format", "json").output)
    assert shown["month"] == 10 and _line(shown, ASSISTANCE, PAYMENTS)["comment"]
    cli.ok("prognosis", "export", str(tmp_path / "p.xlsx"))
    cli.ok("prognosis", "export", "--into", str(Path(__file__).parent / "fixtures" /
                                                "controller_template.xlsx"),
           "--out", str(tmp_path / "q.xlsx"))
    # Both workbooks carry the saved October prognosis: the assistance block's payments line
    # in tkr (kronor ÷ 1 000, rounded), as `prognosis show` gives it in kronor.
    paid = _line(shown, ASSISTANCE, "Övriga kostnader")
    sheet = openpyxl.load_workbook(tmp_path / "p.xlsx")["Prognos"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][0] == "Prognos 2026 – utfall till och med oktober"
    block = next(i for i, r in enumerate(rows) if r[0] == f"Verksamhet: {ASSISTANCE}")
    line = next(r for r in rows[block:] if r[0] == "Övriga kostnader")
    assert line[1:5] == [round(paid[k] / 1000) for k in ("budget", "actual_ytd", "prognosis",
                                                         "deviation")]
    assert line[5] == paid["comment"]
    into = openpyxl.load_workbook(tmp_path / "q.xlsx")["Prognos"]
    assert round(paid["prognosis"] / 1000) in [c.value for row in into.iter_rows() for c in row]
    out = cli.ok("report", "tertial", "--tertial", "2").output
    assert "Tertial report 2 2026: prognosis as of August (tkr)" in out
    assert "Prognosis saved 2026-09-" in out


def test_tertial_figures_come_from_the_other_commands(demo_cli, db_path):
    from ekbist import caseload, cases, handling_time, plan_coverage
    from ekbist.reports import tertial
    from ekbist.store import Store

    store = Store.open(db_path, readonly=True)
    data = tertial.report(store, 2026, 1, today=TODAY)
    months = data["key_figures"]["months"]
    assert [m["month"] for m in months] == ["2026-01", "2026-02", "2026-03", "2026-04"]
    assert [m["households"] for m in months] == [
        h["households"] for h in prognosis_driver.household_history(store, 2026, 4, 4)]
    handled = handling_time.report(store, date(2026, 1, 1), date(2026, 4, 30), by="month")
    assert [m["share_in_time"] for m in months] == [g["share_in_time"] for g in handled["groups"]]
    assert data["key_figures"]["share_in_time"] == handled["total"]["share_in_time"]
    coverage = plan_coverage.coverage_monthly(store, first="2026-01", last="2026-04", today=TODAY)
    assert [m["plan_share"] for m in months] == [m["share"] for m in coverage["months"]]
    # Every active case on 30 April (as `case list --as-of` lists them, an uncovered one too)
    # on the FTE at work then (the teams' FTE of `caseload history`).
    active = len(cases.list_cases(store, as_of=date(2026, 4, 30), status="open"))
    load = caseload.history(store, "2026-01", "2026-04")
    fte = sum(t["fte"][3] for t in load["teams"])
    assert months[3]["active_cases"] == active
    assert active > sum(t["active"][3] for t in load["teams"])  # the demo has uncovered cases
    assert data["key_figures"]["cases_per_fte"] == round(active / fte, 2)
    assert data["prognosis"] == {k: v for k, v in prognosis.saved(store, 2026, 4).items()
                                 if k != "saved_on"}
    assert data["prognosis_saved_on"] == prognosis.saved(store, 2026, 4)["saved_on"]
    store.close()


def test_tertial_without_a_saved_prognosis_and_refusals(demo_cli, db_path):
    from ekbist.reports import tertial
    from ekbist.store import Store

    store = Store.open(db_path)
    with store.transaction():
        store.execute("DELETE FROM prognosis WHERE month = 8")
    data = tertial.report(store, 2026, 2, today=TODAY)
    assert data["prognosis_saved_on"] is None
    assert data["prognosis"] == prognosis.make(store, 2026, 8, today=TODAY)
    with pytest.raises(EkbistError, match="the tertial is 1"):
        tertial.report(store, 2026, 3, today=TODAY)
    with pytest.raises(EkbistError, match="ends 2026-08-31, which has not passed"):
        tertial.report(store, 2026, 2, today=date(2026, 8, 20))
    store.close()
    out = demo_cli.ok("report", "tertial", "--tertial", "2").output
    assert "No prognosis was saved for August" in out
    assert demo_cli("report", "tertial", "--tertial", "3").exit_code == 2


def test_tertial_table_json_and_workbook(demo_cli, tmp_path):
    cli = demo_cli
    data = json.loads(cli.ok("report", "tertial", "--tertial", "1", "--format", "json").output)
    assert set(data) == {"year", "tertial", "month", "complete", "prognosis_saved_on", "prognosis",
                         "key_figures", "last_year_accuracy"}
    # this demo begins in December 2025: no April or August prognosis of 2025 to score
    assert data["last_year_accuracy"] is None
    assert set(data["prognosis"]) == {"year", "month", "lines", "activities", "total",
                                      "missing_actuals"}
    path = tmp_path / "tertial.xlsx"
    out = cli.ok("report", "tertial", "--tertial", "1", "--xlsx", str(path), lang="sv").output
    assert "Tertialrapport 1 2026: prognos med utfall till och med april (tkr)" in out
    assert "Nyckeltal januari–april 2026" in out and "Bidragshushåll" in out
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Prognos", "Nyckeltal", "Sammanställning"]
    ws = wb["Nyckeltal"]
    assert ws["A4"].value == "2026-01" and ws["B4"].value == data["key_figures"]["months"][0][
        "households"]
    assert len(ws._charts) == 2
    assert "exists already" in cli.fails("report", "tertial", "--tertial", "1", "--xlsx", str(path))
    cli.ok("report", "tertial", "--tertial", "1", "--xlsx", str(path), "--force")
    replaced = openpyxl.load_workbook(path)
    assert replaced.sheetnames == ["Prognos", "Nyckeltal", "Sammanställning"]
    assert replaced["Nyckeltal"]["A4"].value == "2026-01"


@pytest.mark.parametrize(("households", "shown"), [
    ([37.2], "37 households a month"),            # November: one month left
    ([36.6, 37.4], "37 households a month"),      # a flat trend: both round to 37
    ([35.4, 36.0, 36.6], "35–37 households a month"),
    ([8.0, 5.0], "8–5 households a month"),       # a falling trend keeps its order
])
def test_the_driver_note_names_one_figure_when_the_months_round_alike(households, shown,
                                                                      capsys):
    """'37 households a month', never '37–37': the range only when the months differ."""
    from ekbist.commands.prognosis import _driver_note

    result = {"month": 12 - len(households),
              "lines": [{"activity": ASSISTANCE, "line": "Övriga kostnader", "method": "driver"}]}
    driver = {"forecast": [{"households": h} for h in households], "slope": 0.0,
              "damping": 0.9, "average": 8_604, "total": 315_000}
    _driver_note(result, {"assistance": (ASSISTANCE, "Övriga kostnader"), "driver": driver})
    out = capsys.readouterr().out
    assert out == (f"Övriga kostnader: {shown} forecast (trend 0.0 a month, damped by 0.9) × "
                   "8,604 kr per household (last three months) = 315 tkr for the rest of the "
                   "year.\n")
