"""Budget and actuals: whole kronor stored, tkr only on display, sums built from kronor."""

from __future__ import annotations

import json
import re

import pytest

from ekbist import budget
from ekbist.errors import EkbistError

ASSISTANCE = "Ekonomiskt bistånd/handläggning"
LABOUR = "Arbetsmarknad"


# -- the library -------------------------------------------------------------------------
def test_set_budget_matches_lines_in_any_case_and_replaces(store):
    row = budget.set_budget(store, 2026, "  Ekonomiskt  bistånd/handläggning ", "personalkostnader",
                            "16 849 000")
    assert row == {"year": 2026, "activity": ASSISTANCE, "line": "Personalkostnader",
                   "kind": "cost", "amount": 16_849_000, "previous": None}
    again = budget.set_budget(store, "2026", "ekonomiskt bistånd/handläggning", "Personalkostnader",
                              17_000_000)
    assert again["activity"] == ASSISTANCE and again["previous"] == 16_849_000
    assert store.query("SELECT year, activity, line, amount FROM budget") == [
        {"year": 2026, "activity": ASSISTANCE, "line": "Personalkostnader", "amount": 17_000_000}]
    actions = [r["action"] for r in store.query("SELECT action FROM audit WHERE tbl = 'budget'")]
    assert actions == ["insert", "update"]


@pytest.mark.parametrize(
    ("args", "message"),
    [((1999, ASSISTANCE, "Bidrag", 1), "not a year"),
     ((2026, ASSISTANCE, "Bidragg", 1), "unknown budget line 'Bidragg'"),
     ((2026, "", "Bidrag", 1), "activity name"),
     ((2026, "x" * 81, "Bidrag", 1), "activity name"),
     ((2026, "Enhet 19121212-1212", "Bidrag", 1), "personnummer"),
     ((2026, ASSISTANCE, "Bidrag", "12,5"), "not whole kronor")],
)
def test_set_budget_refusals_leave_the_store_unchanged(store, args, message):
    with pytest.raises(EkbistError, match=message):
        budget.set_budget(store, *args)
    assert store.scalar("SELECT count(*) FROM budget") == 0


def test_budget_report_sums_kronor_per_activity_and_total(store):
    for activity, line, amount in [
        (ASSISTANCE, "Förvaltningsinterna intäkter", 619_000), (ASSISTANCE, "Bidrag", 1_500_000),
        (ASSISTANCE, "Personalkostnader", 16_849_000), (ASSISTANCE, "Övriga kostnader", 3_400_000),
        (LABOUR, "Bidrag", 2_516_000), (LABOUR, "Personalkostnader", 6_068_000),
    ]:
        budget.set_budget(store, 2026, activity, line, amount)
    report = budget.budget_report(store, 2026)
    assert [a["activity"] for a in report["activities"]] == [ASSISTANCE, LABOUR]
    first = report["activities"][0]
    assert (first["revenues"], first["costs"], first["net"]) == (2_119_000, 20_249_000, 18_130_000)
    assert [line["line"] for line in first["lines"]] == [
        "Förvaltningsinterna intäkter", "Bidrag", "Personalkostnader", "Övriga kostnader"]
    assert report["total"] == {"revenues": 4_635_000, "costs": 26_317_000, "net": 21_682_000}
    only = budget.budget_report(store, 2026, activity="arbetsmarknad")
    assert [a["activity"] for a in only["activities"]] == [LABOUR]
    with pytest.raises(EkbistError, match="no activity 'Våld' in 2026"):
        budget.budget_report(store, 2026, activity="Våld")


def test_a_unit_may_add_its_own_line(store):
    row = budget.add_line(store, "Återsökningar", "intäkt", after="Bidrag")
    names = [line["name"] for line in budget.lines(store)]
    assert names.index("Återsökningar") == names.index("Bidrag") + 1
    assert row["kind"] == "revenue"
    budget.set_budget(store, 2026, ASSISTANCE, "återsökningar", 250_000)
    assert budget.budget_report(store, 2026)["activities"][0]["revenues"] == 250_000
    with pytest.raises(EkbistError, match="exists already"):
        budget.add_line(store, "bidrag", "revenue")
    with pytest.raises(EkbistError, match="not a line kind"):
        budget.add_line(store, "Ny rad", "expenditure")
    with pytest.raises(EkbistError, match="among lines of its own kind"):
        budget.add_line(store, "Ny kostnad", "cost", after="Bidrag")
    with pytest.raises(EkbistError, match="without '=' or ':'"):
        budget.add_line(store, "A:B", "cost")
    last = budget.add_line(store, "Ny kostnad", "cost")
    assert budget.lines(store)[-1]["name"] == last["name"] == "Ny kostnad"


def test_actuals_by_month(store):
    budget.set_actual(store, 2026, 1, ASSISTANCE, "Bidrag", 120_000)
    budget.set_actual(store, 2026, 3, ASSISTANCE, "Bidrag", 130_000)
    budget.set_actual(store, 2026, 3, ASSISTANCE, "Personalkostnader", 1_400_500)
    report = budget.actuals_report(store, 2026)
    assert report["last_month"] == 3
    block = report["activities"][0]
    assert block["lines"][0]["months"][:4] == [120_000, None, 130_000, None]
    assert block["lines"][0]["total"] == 250_000
    assert block["net"][:3] == [-120_000, 0, 1_270_500]
    assert report["total"]["net_ytd"] == 1_150_500
    with pytest.raises(EkbistError, match="not a month"):
        budget.set_actual(store, 2026, 13, ASSISTANCE, "Bidrag", 1)
    assert budget.latest_actual_month(store, 2026) == 3


# -- the command line -------------------------------------------------------------------------
def test_budget_set_and_show_in_tkr_with_sums_from_kronor(cli):
    cli.ok("init")
    # Two revenue lines of 1 500 kr each: 2 tkr each when shown, but 3 tkr together.
    cli.ok("budget", "set", "2026", ASSISTANCE, "Förvaltningsinterna intäkter", "1 500")
    cli.ok("budget", "set", "2026", ASSISTANCE, "Bidrag", "1500")
    out = cli.ok("budget", "set", "2026", ASSISTANCE, "Personalkostnader", "16849 tkr").output
    assert "16,849,000 kr" in out
    lines = cli.ok("budget", "show", "2026").output.splitlines()
    assert lines[0] == "Budget 2026 (tkr)"
    table = {re.split(r"\s{2,}", line.strip())[-2]: re.split(r"\s{2,}", line.strip())[-1]
             for line in lines[3:]}
    assert table["Förvaltningsinterna intäkter"] == "2"
    assert table["Bidrag"] == "2"
    assert table["Total revenues"] == "3"
    assert table["Total costs"] == "16,849"
    assert table["Net"] == "16,846"
    data = json.loads(cli.ok("budget", "show", "2026", "--format", "json").output)
    assert data["total"] == {"revenues": 3000, "costs": 16_849_000, "net": 16_846_000}
    assert data["activities"][0]["lines"][0] == {
        "line": "Förvaltningsinterna intäkter", "kind": "revenue", "amount": 1500}
    csv = cli.ok("budget", "show", "2026", "--format", "csv").output.splitlines()
    assert csv[0] == "year,activity,line,kind,amount"
    assert csv[1] == f"2026,{ASSISTANCE},Förvaltningsinterna intäkter,revenue,1500"


def test_budget_show_in_swedish(cli):
    cli.ok("init")
    cli.ok("budget", "set", "2026", LABOUR, "Bidrag", "2 516 000")
    cli.ok("budget", "set", "2026", LABOUR, "Personalkostnader", "6 068 000")
    out = cli.ok("budget", "show", "2026", lang="sv").output
    assert "Budget 2026 (tkr)" in out
    assert "Summa intäkter" in out and "Summa kostnader" in out
    assert "Summa netto" in out and "3\u00a0552" in out


def test_negative_amount_and_refusals_from_the_command_line(cli):
    cli.ok("init")
    out = cli.ok("budget", "set", "2026", LABOUR, "Övriga kostnader", "-44").output
    assert "-44 kr" in out
    assert cli.fails("budget", "set", "2026", LABOUR, "Bidrag", "12,5") == (
        "error: amount: '12,5' — not whole kronor")
    assert "unknown budget line 'Bidragg'" in cli.fails("budget", "set", "2026", LABOUR, "Bidragg", "1")
    assert "not a year" in cli.fails("budget", "set", "26", LABOUR, "Bidrag", "1")
    assert "not a month" in cli.fails("actuals", "set", "2026", "0", LABOUR, "Bidrag", "1")
    assert "no activity 'Våld'" in cli.fails("budget", "show", "2026", "--activity", "Våld")
    assert cli.fails("budget", "set", "2026", LABOUR, "Bidrag", "x", lang="sv") == (
        "fel: belopp: 'x' — inte ett belopp")


def test_a_negative_amount_is_the_amount_and_a_mistyped_option_is_named(cli):
    """A negative amount, however written, is the amount (budget, actuals and target set);
    an unknown option after it is named as one, not taken for an extra argument."""
    cli.ok("init")
    assert "-500 kr" in cli.ok("budget", "set", "2026", LABOUR, "Bidrag", "- 500").output
    assert "-2,516,000 kr" in cli.ok("budget", "set", "2026", LABOUR, "Bidrag",
                                     "-2 516 000").output
    assert "-1,234 kr" in cli.ok("actuals", "set", "2026", "3", LABOUR, "Bidrag",
                                 "-1234", "--new").output
    for bad, args in (("--nwe", ("budget", "set", "2026", LABOUR, "Bidrag", "500", "--nwe")),
                      ("--yaer", ("target", "set", "2026", "budget_result", "-500",
                                  "--yaer", "2026"))):
        result = cli(*args)
        assert result.exit_code == 2 and f"No such option '{bad}'" in result.stderr, args
    data = json.loads(cli.ok("budget", "show", "2026", "--format", "json").output)
    assert [line["amount"] for a in data["activities"] for line in a["lines"]] == [-2516000]


def test_the_negative_number_reading_leaves_another_clicks_parser_as_it_is():
    """The reading of '-1' as an argument hooks into click's parser; a click whose parser
    lacks those hooks keeps its own reading, and no command breaks for it."""
    from types import SimpleNamespace

    from ekbist.commands.params import numbers_as_arguments

    other = SimpleNamespace(allow_interspersed_args=True, _long_opt={}, _short_opt={})
    assert numbers_as_arguments(other) is other and not hasattr(other, "_process_opts")


def test_empty_year_and_missing_database(cli):
    assert "no database" in cli.fails("budget", "show", "2026")
    cli.ok("init")
    assert "No budget for 2026." in cli.ok("budget", "show", "2026").output
    assert "No actuals for 2026." in cli.ok("actuals", "show", "2026").output
    assert json.loads(cli.ok("budget", "show", "2026", "--format", "json").output)["activities"] == []


def test_actuals_set_and_show(cli):
    cli.ok("init")
    cli.ok("actuals", "set", "2026", "1", ASSISTANCE, "Övriga kostnader", "3 650 123")
    cli.ok("actuals", "set", "2026", "2", ASSISTANCE, "Övriga kostnader", "3801000")
    out = cli.ok("actuals", "set", "2026", "2", ASSISTANCE, "Övriga kostnader", "3801500").output
    assert "(was 3,801,000 kr)" in out
    cli.ok("actuals", "set", "2026", "2", LABOUR, "Bidrag", "215 500", "--new")
    show = cli.ok("actuals", "show", "2026").output
    assert "Jan" in show and "Feb" in show and "Mar" not in show
    assert "3,650" in show and "7,452" in show  # year to date 7 451 623 kr
    rows = cli.ok("actuals", "show", "2026", "--format", "csv").output.splitlines()
    assert rows[0] == "year,month,activity,line,kind,amount"
    assert f"2026,2,{ASSISTANCE},Övriga kostnader,cost,3801500" in rows
    data = json.loads(cli.ok("actuals", "show", "2026", "--format", "json").output)
    assert data["activities"][1]["activity"] == LABOUR
    assert data["activities"][1]["net"][1] == -215_500
    sv = cli.ok("actuals", "show", "2026", lang="sv").output
    assert "Utfall 2026 (tkr)" in sv and "jan" in sv and "Summa netto" in sv


def test_lines_and_add_line_from_the_command_line(cli):
    cli.ok("init")
    cli.ok("budget", "add-line", "Återsökningar", "--kind", "revenue", "--after", "Bidrag")
    listed = json.loads(cli.ok("budget", "lines", "--format", "json").output)
    assert [r["name"] for r in listed][:3] == ["Förvaltningsinterna intäkter", "Bidrag",
                                               "Återsökningar"]
    assert "exists already" in cli.fails("budget", "add-line", "bidrag", "--kind", "revenue")
