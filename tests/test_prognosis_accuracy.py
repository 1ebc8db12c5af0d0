"""Prognosis accuracy, the backtest, the seasonal method and ``--method best``, on a unit
counted by hand.

The unit (activity "Enhet", two cost lines, 2023–2026):

* Övriga kostnader: 100 000 kr a month January–November and 400 000 kr in December
  (1 500 000 kr a year) in 2023 and 2024; 10 % more in 2025 and 2026 (110 000, 440 000;
  1 650 000). Budget 1 500 000 kr every year.
* Lokalkostnader: a flat 50 000 kr a month (600 000 a year) in 2023 and 2024, 55 000 in
  2025 and 2026 (660 000). Budget 660 000 kr every year.

At month 3 of 2025, by hand:

* Övriga kostnader, ytd 330 000: run-rate 330 000 × 12 ÷ 3 = 1 320 000 (error 20 %);
  budget 330 000 + 1 500 000 × 9 ÷ 12 = 1 455 000 (11.818 %); seasonal
  330 000 × 1 500 000 ÷ 300 000 = 1 650 000 (0 %).
* Lokalkostnader, ytd 165 000: run-rate 660 000 (0 %); budget 165 000 + 495 000 =
  660 000 (0 %); seasonal 165 000 × 600 000 ÷ 150 000 = 660 000 (0 %): a three-way tie
  that goes to the simplest, run-rate.
"""

from __future__ import annotations

import json
from datetime import date

import openpyxl
import pytest

from ekbist import budget, prognosis, settings
from ekbist.errors import EkbistError
from ekbist.prognosis_accuracy import accuracy, first_good_month
from ekbist.prognosis_backtest import backtest, best_methods, parse_years
from ekbist.prognosis_backtest import error_share as share_of

UNIT = "Enhet"
OTHER = "Övriga kostnader"
PREMISES = "Lokalkostnader"


def _book(store, year: int, *, through: int = 12) -> None:
    grow = 1.1 if year >= 2025 else 1.0
    budget.set_budget(store, year, UNIT, OTHER, 1_500_000)
    budget.set_budget(store, year, UNIT, PREMISES, 660_000)
    for month in range(1, through + 1):
        other = 400_000 if month == 12 else 100_000
        budget.set_actual(store, year, month, UNIT, OTHER, round(other * grow))
        budget.set_actual(store, year, month, UNIT, PREMISES, round(50_000 * grow))


@pytest.fixture
def unit(store):
    for year in (2023, 2024, 2025):
        _book(store, year)
    _book(store, 2026, through=3)
    return store


def _forecast(report, year, month, line, method):
    found = [f["forecast"] for f in report["forecasts"]
             if (f["year"], f["month"], f["line"], f["method"]) == (year, month, line, method)]
    return found[0] if found else None


# -- the backtest ---------------------------------------------------------------------
def test_backtest_replays_each_method_as_counted_by_hand(unit) -> None:
    report = backtest(unit, [2025])
    assert _forecast(report, 2025, 3, OTHER, "run-rate") == 1_320_000
    assert _forecast(report, 2025, 3, OTHER, "budget") == 1_455_000
    assert _forecast(report, 2025, 3, OTHER, "seasonal") == 1_650_000
    assert _forecast(report, 2025, 3, PREMISES, "run-rate") == 660_000
    # the driver forecasts only the assistance line, which this unit has not
    assert _forecast(report, 2025, 3, OTHER, "driver") is None
    other = next(line for line in report["lines"] if line["line"] == OTHER)
    errors = {m: v["by_month"][2] for m, v in other["methods"].items()}
    assert errors["run-rate"] == pytest.approx(0.2)
    assert errors["budget"] == pytest.approx(195_000 / 1_650_000)
    assert errors["seasonal"] == 0
    assert other["best"][2] == "seasonal"
    premises = next(line for line in report["lines"] if line["line"] == PREMISES)
    assert premises["best"][2] == "run-rate"  # a three-way tie goes to the simplest


def test_backtest_error_is_the_mean_over_the_years(unit) -> None:
    """2024 at month 3: run-rate 300 000 × 4 = 1 200 000 against 1 500 000 = 20 %; 2025 the
    same 20 %; seasonal in 2024 reads 2023 (flat years alike) = 0 %."""
    report = backtest(unit, [2024, 2025])
    other = next(line for line in report["lines"] if line["line"] == OTHER)
    assert other["methods"]["run-rate"]["by_month"][2] == pytest.approx(0.2)
    # budget: 2024 300 000 + 1 125 000 = 1 425 000 (5 %); 2025 11.818 %; mean 8.409 %
    assert other["methods"]["budget"]["by_month"][2] == pytest.approx(
        (75_000 / 1_500_000 + 195_000 / 1_650_000) / 2)


def test_seasonal_needs_last_years_twelve_months(unit) -> None:
    """2023 has no 2022 to carry on: the seasonal method is absent there, not 0 and not
    the run-rate."""
    report = backtest(unit, [2023])
    assert _forecast(report, 2023, 3, OTHER, "seasonal") is None
    other = next(line for line in report["lines"] if line["line"] == OTHER)
    assert "seasonal" not in other["methods"]


def test_backtest_seasonal_needs_last_year_whole_as_the_prognosis_does(unit) -> None:
    """2024 replayed on a 2023 without December: 2023's March is booked (300 000 on Övriga),
    yet the year is not whole, so the seasonal method cannot run in the backtest — as a
    prognosis refuses it."""
    assert _forecast(backtest(unit, [2024]), 2024, 3, OTHER, "seasonal") == 1_500_000
    with unit.transaction():
        unit.execute("DELETE FROM actual WHERE year = 2023 AND month = 12")
    report = backtest(unit, [2024])
    assert _forecast(report, 2024, 3, OTHER, "seasonal") is None
    assert _forecast(report, 2024, 3, OTHER, "run-rate") == 1_200_000
    with pytest.raises(EkbistError, match="all twelve months of 2023"):
        prognosis.make(unit, 2024, 3, methods=[(OTHER, "seasonal")])


def test_backtest_has_no_look_ahead(unit) -> None:
    """What each method says at month 3 of 2025 depends on nothing booked after March 2025:
    changing April–December moves the outcome, and so the errors, but not the forecasts."""
    before = backtest(unit, [2025])
    for month in range(4, 13):
        budget.set_actual(unit, 2025, month, UNIT, OTHER, 999_000)
        budget.set_actual(unit, 2025, month, UNIT, PREMISES, 1)
    after = backtest(unit, [2025])

    def at(report, month):
        return [(f["line"], f["method"], f["forecast"]) for f in report["forecasts"]
                if f["month"] == month]

    assert at(after, 3) == at(before, 3)
    assert at(after, 4) != at(before, 4)  # April's forecast does read April


def test_driver_backtest_reads_no_application_after_its_month(demo_copy) -> None:
    """The households × average replay at month M counts granted applications up to M only:
    deleting every application after March 2025 leaves March's forecast as it was."""
    from ekbist.store import Store

    with Store.open(demo_copy) as store:
        before = backtest(store, [2025])
        with store.transaction():
            store.execute("DELETE FROM application WHERE period > '2025-03'")
        after = backtest(store, [2025])
    key = ("Ekonomiskt bistånd/handläggning", "Entreprenader och köp av verksamhet")

    def driver(report, month):
        return [f["forecast"] for f in report["forecasts"]
                if f["month"] == month and f["method"] == "driver"
                and (f["activity"], f["line"]) == key]

    assert driver(before, 3) and driver(after, 3) == driver(before, 3)
    assert driver(after, 4) != driver(before, 4)


def test_best_forecasts_this_years_households_from_the_backtests_read(demo_copy) -> None:
    """--method best counts the granted households once, for the replay and for this
    year's households × average forecast: the forecast is the one the driver method makes
    alone, and it reads no application after its month."""
    from ekbist.prognosis_driver import driver_forecast
    from ekbist.store import Store

    with Store.open(demo_copy) as store:
        found = best_methods(store, 2026, 3)
        assert found["years"] and found["driver"] == driver_forecast(store, 2026, 3)
        key = ("Ekonomiskt bistånd/handläggning", "Entreprenader och köp av verksamhet")
        # the replay's amounts summed only where averaged: the errors of a whole backtest
        whole = next(line for line in backtest(store, found["years"], months=[3])["lines"]
                     if (line["activity"], line["line"]) == key)
        assert found["rows"][key]["errors"] == {
            m: v["by_month"][2] for m, v in whole["methods"].items()}
        assert found["rows"][key]["errors"]["driver"] is not None
        alone = prognosis.make(store, 2026, 3, methods=[("*", "driver")])
        # Every line by the backtest but the payments, by households × average (in the demo
        # the run-rate or the budget method has been closer on them): this year's forecast
        # comes from the backtest's read and is the driver method's alone.
        best = prognosis.make(store, 2026, 3, methods=[("*", "best"), (":".join(key), "driver")],
                              choose_best=best_methods)
        assert [r["chosen_by"] for r in best["lines"]].count("best") == 14
        row = next(r for r in best["lines"] if (r["activity"], r["line"]) == key)
        assert (row["method"], row["chosen_by"]) == ("driver", None)
        assert row["prognosis"] == next(
            r for r in alone["lines"] if (r["activity"], r["line"]) == key)["prognosis"]
        with store.transaction():
            store.execute("DELETE FROM application WHERE period > '2026-03'")
        assert best_methods(store, 2026, 3)["driver"] == found["driver"]
        with store.transaction():
            store.execute("DELETE FROM application WHERE period = '2026-03'")
        assert best_methods(store, 2026, 3)["driver"] != found["driver"]


def test_the_default_demo_backtests_three_years_and_finds_its_seasons(demo_db) -> None:
    """The default demo has cases from December 2024 only, but the controller's ledger from
    January 2022: the backtest replays 2023, 2024 and 2025 with run-rate, budget and
    seasonal on every line (households × average needs the cases: 2025 only). The
    seasonal method is the closest on the two lines with a season in the months that
    carry it — Arbetsmarknad's grants in June–August (the summer jobs, 1.45 of a mean
    month), and the assistance's other costs in the autumn before December's invoices
    (1.55) — and never on a line without a season."""
    from ekbist.store import Store

    store = Store.open(demo_db, readonly=True)
    try:
        report = backtest(store, parse_years("2023-2025"))
    finally:
        store.close()
    assert report["years"] == [2023, 2024, 2025]
    years: dict[tuple[str, str, str], set[int]] = {}
    for f in report["forecasts"]:
        years.setdefault((f["activity"], f["line"], f["method"]), set()).add(f["year"])
    lines = {(line["activity"], line["line"]): line for line in report["lines"]}
    assert len(lines) == 15  # 8 lines of the assistance, 7 of the labour-market activity
    for key in lines:
        for method in ("run-rate", "budget", "seasonal"):
            assert years[(*key, method)] == {2023, 2024, 2025}, (key, method)
    assistance = "Ekonomiskt bistånd/handläggning"
    assert years[(assistance, "Entreprenader och köp av verksamhet", "driver")] == {2025}
    assert {k for k in years if k[2] == "driver"} == {
        (assistance, "Entreprenader och köp av verksamhet", "driver")}

    grants = lines[("Arbetsmarknad", "Bidrag")]
    other = lines[(assistance, "Övriga kostnader")]
    for line, months in ((grants, (6, 7, 8)), (other, (9, 10, 11))):
        for month in months:
            assert line["best"][month - 1] == "seasonal", (line["line"], month)
            errors = {m: v["by_month"][month - 1] for m, v in line["methods"].items()}
            # the run-rate, carrying the months so far on, misses the peak most; the budget
            # method, spreading the rest of the year evenly, less; last year's shape least
            assert errors["seasonal"] < errors["budget"] < errors["run-rate"]
    # A line without a season: last year's noise carried on is worse than the budget.
    flat = lines[("Arbetsmarknad", "Försäljning av verksamhet")]
    assert "seasonal" not in flat["best"]
    assert flat["methods"]["seasonal"]["mean"] > flat["methods"]["budget"]["mean"]


def test_backtest_refuses_a_year_without_its_twelve_months(unit) -> None:
    with pytest.raises(EkbistError, match="March 2026|December 2026"):
        backtest(unit, [2025, 2026])
    with pytest.raises(EkbistError, match="2021: no actuals"):
        backtest(unit, [2021])


def test_parse_years() -> None:
    assert parse_years("2023-2025") == [2023, 2024, 2025]
    assert parse_years("2023–2025") == [2023, 2024, 2025]  # the en dash a chief types
    assert parse_years(" 2024 ") == [2024]
    for bad, why in (("2025-2023", "after the last"), ("abc", "wants YYYY"),
                     ("2025-", "wants YYYY"), ("2000-2030", "at most 21"),
                     ("1800", "not a year")):
        with pytest.raises(EkbistError, match=why):
            parse_years(bad)


def test_error_share() -> None:
    assert share_of(1_320_000, 1_650_000) == pytest.approx(0.2)
    assert share_of(1_980_000, 1_650_000) == pytest.approx(0.2)  # too high counts the same
    assert share_of(5, 0) is None  # no share of nothing


# -- the seasonal method and --method best in a prognosis -------------------------------
def test_seasonal_method_in_a_prognosis(unit) -> None:
    """2026 at March: ytd 330 000 × 1 650 000 ÷ 330 000 = 1 650 000."""
    result = prognosis.make(unit, 2026, 3, methods=[("*", "seasonal")])
    line = next(r for r in result["lines"] if r["line"] == OTHER)
    assert (line["method"], line["prognosis"]) == ("seasonal", 1_650_000)
    swedish = prognosis.make(unit, 2026, 3, methods=[(OTHER, "säsong")])
    assert next(r for r in swedish["lines"] if r["line"] == OTHER)["prognosis"] == 1_650_000


def test_seasonal_refused_for_a_line_when_last_year_is_not_whole(unit) -> None:
    with unit.transaction():
        unit.execute("DELETE FROM actual WHERE year = 2025 AND month = 12")
    with pytest.raises(EkbistError, match="all twelve months of 2025"):
        prognosis.make(unit, 2026, 3, methods=[(OTHER, "seasonal")])
    # '*' reaches only the rows last year can carry: the rest keep run-rate
    result = prognosis.make(unit, 2026, 3, methods=[("*", "seasonal")])
    assert {r["method"] for r in result["lines"]} == {"run-rate"}


def test_best_takes_the_closest_method_per_line(unit) -> None:
    result = prognosis.make(unit, 2026, 3, methods=[("*", "best")], choose_best=best_methods)
    by_line = {r["line"]: r for r in result["lines"]}
    assert by_line[OTHER]["method"] == "seasonal"
    assert by_line[OTHER]["chosen_by"] == "best"
    assert by_line[OTHER]["backtest_error"] == 0
    assert by_line[PREMISES]["method"] == "run-rate"
    assert by_line[PREMISES]["prognosis"] == 660_000


def test_best_comes_from_the_years_before(unit) -> None:
    """The best method for 2026 is chosen from 2023–2025, never from 2026 itself."""
    chosen = best_methods(unit, 2026, 3)
    assert chosen["years"] == [2023, 2024, 2025]
    assert best_methods(unit, 2023, 3) == {"years": [], "rows": {}}


def test_a_line_without_history_keeps_the_default(unit) -> None:
    budget.set_budget(unit, 2026, UNIT, "Bidrag", 100_000)
    for month in (1, 2, 3):
        budget.set_actual(unit, 2026, month, UNIT, "Bidrag", 9_000)
    result = prognosis.make(unit, 2026, 3, methods=[("*", "best")], choose_best=best_methods)
    grants = next(r for r in result["lines"] if r["line"] == "Bidrag")
    assert (grants["method"], grants["chosen_by"]) == ("run-rate", None)


def test_the_setting_fixes_a_lines_method_under_best(unit) -> None:
    settings.put(unit, "prognosis.line_methods", f"{PREMISES}=budget")
    result = prognosis.make(unit, 2026, 3, methods=[("*", "best")], choose_best=best_methods)
    by_line = {r["line"]: r for r in result["lines"]}
    assert (by_line[PREMISES]["method"], by_line[PREMISES]["chosen_by"]) == ("budget", "setting")
    assert by_line[OTHER]["chosen_by"] == "best"
    # the chief's own choice for the line on the command line wins over the setting
    result = prognosis.make(unit, 2026, 3, methods=[(PREMISES, "run-rate")])
    assert next(r for r in result["lines"] if r["line"] == PREMISES)["chosen_by"] is None


def test_the_setting_names_a_known_line_or_is_refused(unit) -> None:
    settings.put(unit, "prognosis.line_methods", "Lokalkostnder=budget")
    with pytest.raises(EkbistError, match="Lokalkostnader"):  # did you mean
        prognosis.make(unit, 2026, 3)
    settings.put(unit, "prognosis.line_methods", "Bidrag=budget")  # known, not in this year
    assert prognosis.make(unit, 2026, 3)["lines"]
    settings.put(unit, "prognosis.line_methods", "-")
    assert prognosis.make(unit, 2026, 3)["lines"]


def test_best_is_known_in_each_spelling_a_chief_types() -> None:
    """'best' is the code method_choice 'best': its English and Swedish words, the short
    'bäst', any case and a decomposed 'ä' (as some keyboards send it); nothing else."""
    import unicodedata

    from ekbist.i18n import set_language
    from ekbist.prognosis_options import method_code

    for word in ("best", "BEST", "bästa", "Bästa", "bäst",
                 unicodedata.normalize("NFD", "bästa")):
        assert method_code(word, "*") == "best", word
    for word in ("bästaste", "besta", "bast"):
        with pytest.raises(EkbistError, match=f"unknown method '{word}'.*, best\\)$"):
            method_code(word, "*")
    set_language("sv")
    with pytest.raises(EkbistError, match=r", bästa\)$"):
        method_code("bast", "*")


def test_best_is_saved_and_read_back(unit) -> None:
    result = prognosis.make(unit, 2026, 3, methods=[("*", "best")], choose_best=best_methods)
    prognosis.save(unit, result, today=date(2026, 4, 7))
    saved = prognosis.saved(unit, 2026, 3)
    line = next(r for r in saved["lines"] if r["line"] == OTHER)
    assert (line["method"], line["chosen_by"], line["backtest_error"]) == ("seasonal", "best", 0)


# -- accuracy of saved prognoses ---------------------------------------------------------
@pytest.fixture
def scored(unit):
    """2025's prognoses saved in March and September, both by run-rate."""
    for month, day in ((3, date(2025, 4, 7)), (9, date(2025, 10, 7))):
        result = prognosis.make(unit, 2025, month, methods=[("*", "run-rate")])
        prognosis.save(unit, result, today=day)
    return unit


def test_accuracy_as_counted_by_hand(scored) -> None:
    """March: Övriga 1 320 000 against 1 650 000 = −330 000 (−20 %); Lokal 660 000 exact.
    September: ytd 990 000 × 12 ÷ 9 = 1 320 000, again −20 %. Net (both costs): prognosis
    1 980 000 against 2 310 000 = −14.29 % each month."""
    report = accuracy(scored, 2025)
    assert report["complete"] is True and report["months"] == [3, 9]
    other = next(r for r in report["lines"] if r["line"] == OTHER)
    assert other["outcome"] == 1_650_000
    assert [(m["month"], m["prognosis"], m["error"]) for m in other["by_month"]] == [
        (3, 1_320_000, -330_000), (9, 1_320_000, -330_000)]
    assert other["mape"] == pytest.approx(0.2)
    assert other["bias"] == pytest.approx(-0.2)  # too low
    premises = next(r for r in report["lines"] if r["line"] == PREMISES)
    assert (premises["mape"], premises["bias"]) == (0, 0)
    total = report["total"]
    assert total["outcome_net"] == 2_310_000
    assert [m["error"] for m in total["by_month"]] == [-330_000, -330_000]
    assert total["mape"] == 0.1429  # 330 000 ÷ 2 310 000, four decimals


def test_accuracy_keeps_each_month_to_its_own_prognosis(unit) -> None:
    """March by run-rate (Övriga 1 320 000, Lokal 660 000: net 1 980 000), September by
    budget (Övriga 990 000 + 1 500 000 × 3 ÷ 12 = 1 365 000; Lokal 495 000 + 165 000 =
    660 000: net 2 025 000); the outcome's net is 2 310 000."""
    for month, method, day in ((3, "run-rate", date(2025, 4, 7)),
                               (9, "budget", date(2025, 10, 7))):
        prognosis.save(unit, prognosis.make(unit, 2025, month, methods=[("*", method)]),
                       today=day)
    report = accuracy(unit, 2025)
    other = next(r for r in report["lines"] if r["line"] == OTHER)
    assert [(m["month"], m["prognosis"], m["error"]) for m in other["by_month"]] == [
        (3, 1_320_000, -330_000), (9, 1_365_000, -285_000)]
    (block,) = report["activities"]
    assert (block["activity"], block["outcome_net"]) == (UNIT, 2_310_000)
    assert [(m["month"], m["prognosis"], m["error"]) for m in block["by_month"]] == [
        (3, 1_980_000, -330_000), (9, 2_025_000, -285_000)]
    assert [m["prognosis"] for m in report["total"]["by_month"]] == [1_980_000, 2_025_000]


def test_accuracy_refuses_an_unfinished_year_and_scores_it_with_partial(scored) -> None:
    with scored.transaction():
        scored.execute("DELETE FROM actual WHERE year = 2025 AND month = 12")
    with pytest.raises(EkbistError, match=r"December 2025 \(Enhet\)"):
        accuracy(scored, 2025)
    report = accuracy(scored, 2025, partial=True)
    assert report["complete"] is False and report["outcome_through"] == 11
    other = next(r for r in report["lines"] if r["line"] == OTHER)
    assert other["outcome"] == 11 * 110_000


def test_accuracy_without_a_saved_prognosis(unit) -> None:
    with pytest.raises(EkbistError, match="no prognosis saved for 2025"):
        accuracy(unit, 2025)


def test_first_good_month() -> None:
    months = [{"month": m, "error_share": s}
              for m, s in ((1, 0.01), (2, 0.05), (3, 0.019), (4, -0.02), (5, 0.0))]
    assert first_good_month(months, 0.02) == 3  # February breaks January's run
    assert first_good_month(months[:2], 0.02) is None
    assert first_good_month([{"month": 1, "error_share": None}], 0.02) is None


# -- the command line ---------------------------------------------------------------------
def _book_cli(cli) -> None:
    from ekbist.store import Store

    cli.ok("init")
    with Store.open(cli.db) as store:
        for year in (2023, 2024, 2025):
            _book(store, year)
        _book(store, 2026, through=3)
        for month, day in ((3, date(2025, 4, 7)), (9, date(2025, 10, 7))):
            prognosis.save(store, prognosis.make(store, 2025, month,
                                                 methods=[("*", "run-rate")]), today=day)


def test_accuracy_command(cli, tmp_path) -> None:
    _book_cli(cli)
    out = cli.ok("prognosis", "accuracy", "--year", "2025").output
    assert "March" in out and "September" in out
    assert "-14.3%" in out  # the net's error each month
    assert "too low on average" in out
    data = json.loads(cli.ok("prognosis", "accuracy", "--year", "2025", "--format", "json").output)
    assert data["total"]["outcome_net"] == 2_310_000
    sv = cli.ok("prognosis", "accuracy", "--year", "2025", lang="sv").output
    assert "för lågt i genomsnitt" in sv and "-14,3 %" in sv
    book = tmp_path / "accuracy.xlsx"
    cli.ok("prognosis", "accuracy", "--year", "2025", "--xlsx", str(book))
    wb = openpyxl.load_workbook(book)
    ws = wb.worksheets[0]
    assert [ws.cell(r, 2).value for r in (5, 6)] == [1_980, 1_980]  # tkr
    assert ws.cell(5, 3).value == 2_310 and ws._charts
    assert "no prognosis saved for 2026" in cli.fails("prognosis", "accuracy", "--year", "2026")
    # the workbook is checked before the work: an existing file is refused, left alone
    before = book.read_bytes()
    assert "exists" in cli.fails("prognosis", "accuracy", "--year", "2025", "--xlsx", str(book))
    assert book.read_bytes() == before


def test_backtest_and_best_commands(cli) -> None:
    _book_cli(cli)
    out = cli.ok("prognosis", "backtest", "--years", "2024-2025").output
    assert "Enhet · Övriga kostnader" in out
    data = json.loads(cli.ok("prognosis", "backtest", "--years", "2024-2025",
                             "--format", "json").output)
    other = next(line for line in data["lines"] if line["line"] == OTHER)
    assert other["best"][2] == "seasonal" and "forecasts" not in data
    assert "--years" in cli.fails("prognosis", "backtest", "--years", "2025-2024")
    made = cli.ok("prognosis", "make", "--year", "2026", "--month", "3", "--method", "best").output
    assert "seasonal (best, 0.0%)" in made
    sv = cli.ok("prognosis", "make", "--year", "2026", "--month", "3", "--method", "bästa",
                lang="sv").output
    assert "säsongsmönster (bästa, 0,0 %)" in sv


def test_backtest_without_years_tests_the_years_best_chooses_from(cli) -> None:
    """Without --years: those of the three years before today's whose twelve months are
    booked — 2023–2025 on 2026-11-25; 2024–2025 once 2023 lacks December; the years
    before 2027 (2024–2026) less 2026, booked through March; none, refused with the cause."""
    _book_cli(cli)

    def years(**kwargs) -> list[int]:
        return json.loads(cli.ok("prognosis", "backtest", "--format", "json",
                                 **kwargs).output)["years"]

    assert years() == [2023, 2024, 2025]
    assert cli.ok("prognosis", "backtest").output.startswith("Backtest 2023–2025:")
    assert years(today="2027-01-20") == [2024, 2025]
    cli.ok("actuals", "remove", "2023", "--month", "12", "--yes")
    assert years() == [2024, 2025]
    assert best_methods_years(cli) == [2024, 2025]  # the same years as --method best
    error = cli.fails("prognosis", "backtest", today="2030-06-01")
    assert error == ("error: none of the 3 years before 2030 has its twelve months of "
                     "actuals booked — give the years to test with --years")
    # a year named is never left out quietly: what it lacks is named
    assert cli.fails("prognosis", "backtest", "--years", "2023-2025").endswith(
        "each year: December 2023 (Enhet)")


def best_methods_years(cli) -> list[int]:
    from ekbist.store import Store

    with Store.open(cli.db, readonly=True) as store:
        return best_methods(store, 2026, 3)["years"]


def test_a_swedish_backtest_names_its_months_in_swedish(cli) -> None:
    _book_cli(cli)
    sv = cli.ok("prognosis", "backtest", "--years", "2025", lang="sv").output
    months = [line.split()[0] for line in sv.splitlines()
              if line.split() and line.split()[0].lower() in ("maj", "okt", "may", "oct")]
    assert months == ["maj", "okt", "maj", "okt"]  # one table per line: Övriga, Lokal


def test_a_partial_score_says_so_alike_on_screen_and_in_the_workbook(cli, tmp_path) -> None:
    """2026 is booked through March: the note names the month, in the reader's language,
    in the same words on the screen and in the workbook's second row."""
    _book_cli(cli)
    cli.ok("prognosis", "make", "--year", "2026", "--month", "3", "--save")
    book = tmp_path / "partial.xlsx"
    note = "Preliminärt: utfallet är det som är bokfört till och med mars 2026."
    out = cli.ok("prognosis", "accuracy", "--year", "2026", "--partial", "--xlsx", str(book),
                 lang="sv").output
    assert note in out
    assert openpyxl.load_workbook(book).worksheets[0]["A2"].value == note
    english = tmp_path / "partial-en.xlsx"
    cli.ok("prognosis", "accuracy", "--year", "2026", "--partial", "--xlsx", str(english))
    assert openpyxl.load_workbook(english).worksheets[0]["A2"].value == (
        "Preliminary: the outcome is the actuals booked through March 2026.")


# -- in the tertial and year reports ---------------------------------------------------
@pytest.fixture
def tertials(unit):
    """2025's April and August prognoses, by run-rate: Övriga 440 000 × 3 = 1 320 000 and
    880 000 × 12 ÷ 8 = 1 320 000; Lokal 660 000 both times. Net 1 980 000 against 2 310 000."""
    for month, day in ((4, date(2025, 5, 8)), (8, date(2025, 9, 5))):
        prognosis.save(unit, prognosis.make(unit, 2025, month, methods=[("*", "run-rate")]),
                       today=day)
    return unit


def test_tertial_scores(tertials) -> None:
    from ekbist.prognosis_accuracy import tertial_scores

    scores = tertial_scores(tertials, 2025)
    assert scores["complete"] is True
    assert [(m["month"], m["prognosis_net"], m["error"]) for m in scores["months"]] == [
        (4, 1_980_000, -330_000), (8, 1_980_000, -330_000)]
    assert tertial_scores(tertials, 2024) is None  # nothing saved that year


def test_year_report_shows_the_tertial_prognoses_accuracy(tertials, cli) -> None:
    from ekbist.reports.year import year_report

    report = year_report(tertials, 2025, today=date(2026, 3, 1))
    accuracy_ = report["budget"]["prognosis_accuracy"]
    assert [m["error"] for m in accuracy_["months"]] == [-330_000, -330_000]
    out = cli.ok("report", "year", "2025", today="2026-03-01").output
    assert "Prognosis accuracy 2025, net against the outcome: April -330 tkr (-14.3%); " \
           "August -330 tkr (-14.3%)." in " ".join(out.split())


# -- the controller's workbook ---------------------------------------------------------------
def _row_of(ws, line: str) -> int:
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == line)


def test_the_workbook_shows_the_backtest_error_and_comes_back(unit, tmp_path) -> None:
    from ekbist.sheet_import import import_file
    from ekbist.sheets.prognosis_workbook import write_prognosis

    result = prognosis.make(unit, 2026, 3, methods=[("*", "best")], choose_best=best_methods)
    prognosis.save(unit, result, today=date(2026, 4, 7))
    path = write_prognosis(prognosis.saved(unit, 2026, 3), tmp_path / "p.xlsx")
    ws = openpyxl.load_workbook(path)["Prognos"]
    header = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "Rad")
    assert [ws.cell(header, c).value for c in (7, 8)] == ["Metod", "Efterhandsfel"]
    row = _row_of(ws, OTHER)
    assert (ws.cell(row, 7).value, ws.cell(row, 8).value) == ("säsongsmönster", 0)
    # unedited, it comes back with nothing changed and nothing named as unread
    report = import_file(unit, path, today=date(2026, 11, 25))
    assert report.warnings == []
    again = prognosis.saved(unit, 2026, 3)
    assert next(r for r in again["lines"] if r["line"] == OTHER)["chosen_by"] == "best"
    # the controller picks run-rate: the method is theirs now, the backtest error goes
    wb = openpyxl.load_workbook(path)
    wb["Prognos"].cell(row, 7).value = "linjär framskrivning"
    wb.save(tmp_path / "e.xlsx")
    import_file(unit, tmp_path / "e.xlsx", today=date(2026, 11, 25))
    line = next(r for r in prognosis.saved(unit, 2026, 3)["lines"] if r["line"] == OTHER)
    assert (line["method"], line["prognosis"], line["chosen_by"], line["backtest_error"]) == (
        "run-rate", 1_320_000, None, None)  # 330 000 × 12 ÷ 3


def test_the_seasonal_method_typed_in_the_workbook(unit, tmp_path) -> None:
    from ekbist.sheet_import import import_file
    from ekbist.sheets.prognosis_workbook import write_prognosis

    prognosis.save(unit, prognosis.make(unit, 2026, 3), today=date(2026, 4, 7))
    path = write_prognosis(prognosis.saved(unit, 2026, 3), tmp_path / "p.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["Prognos"]
    ws.cell(_row_of(ws, OTHER), 7).value = "säsongsmönster"
    wb.save(tmp_path / "e.xlsx")
    import_file(unit, tmp_path / "e.xlsx", today=date(2026, 11, 25))
    line = next(r for r in prognosis.saved(unit, 2026, 3)["lines"] if r["line"] == OTHER)
    assert (line["method"], line["prognosis"]) == ("seasonal", 1_650_000)
    # without last year's December the same cell is refused, naming it
    with unit.transaction():
        unit.execute("DELETE FROM actual WHERE year = 2025 AND month = 12")
    ws.cell(_row_of(ws, PREMISES), 7).value = "säsongsmönster"
    wb.save(tmp_path / "f.xlsx")
    from ekbist.errors import ValidationErrors

    with pytest.raises(ValidationErrors, match="seasonal method needs Enhet's actuals"):
        import_file(unit, tmp_path / "f.xlsx", today=date(2026, 11, 25))


def test_the_setting_is_read_when_set(unit) -> None:
    for bad, why in (("Lokalkostnader=budgett", "unknown method 'budgett'"),
                     ("Lokalkostnader", "wants 'LINE=METHOD"),
                     ("Lokalkostnader=manual", "unknown method 'manual'")):
        with pytest.raises(EkbistError, match=why):
            settings.put(unit, "prognosis.line_methods", bad)
    assert settings.get(unit, "prognosis.line_methods") == "-"  # nothing stored
    settings.put(unit, "prognosis.line_methods", "Lokalkostnader=säsong; Övriga kostnader=budget")


def test_a_seasonal_setting_gives_way_when_last_year_cannot_carry_it(unit) -> None:
    """2024 at March reads 2023, which is whole; 2023 has no 2022: the setting's seasonal
    line keeps its default there instead of refusing the prognosis."""
    settings.put(unit, "prognosis.line_methods", f"{OTHER}=seasonal")
    details: dict = {}
    line = next(r for r in prognosis.make(unit, 2024, 3, details=details)["lines"]
                if r["line"] == OTHER)
    assert (line["method"], line["chosen_by"]) == ("seasonal", "setting")
    line = next(r for r in prognosis.make(unit, 2023, 3, details=details)["lines"]
                if r["line"] == OTHER)
    assert (line["method"], details["no_season"]) == ("run-rate", [(UNIT, OTHER)])


def test_the_good_threshold_stays_with_its_unit_at_80_columns_in_swedish(cli, monkeypatch) -> None:
    """A long line name leaves the last header two lines at 80 columns: 'Inom 2 % från'
    may break at a space, but never between the 2 and its per cent sign."""
    from ekbist.store import Store

    long_line = "Entreprenader och köp av verksamhet"
    cli.ok("init")
    with Store.open(cli.db) as store:
        for year in (2024, 2025):
            budget.set_budget(store, year, UNIT, long_line, 1_200_000)
            for month in range(1, 13):
                budget.set_actual(store, year, month, UNIT, long_line, 100_000)
        prognosis.save(store, prognosis.make(store, 2025, 6), today=date(2025, 7, 7))
    monkeypatch.setenv("COLUMNS", "80")
    sv = cli.ok("prognosis", "accuracy", "--year", "2025", lang="sv").output
    assert "höll sig inom 2 % av utfallet från och med juni" in sv
    table = sv[sv.index("Per rad"):]
    assert all(len(line) <= 80 for line in table.splitlines())
    assert "2 % från" in table or "Inom 2 %" in table, table  # a split line, with its unit
    assert "Inom 2 % från" not in table  # the header does stand on two lines
    assert not any(line.rstrip().endswith("Inom 2") or line.lstrip().startswith("% från")
                   for line in table.splitlines()), table
    monkeypatch.setenv("COLUMNS", "120")
    wide = cli.ok("prognosis", "accuracy", "--year", "2025", lang="sv").output
    assert "Inom 2 % från" in wide  # one line when it fits
