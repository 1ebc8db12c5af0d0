"""An unfinished period says so: a month is complete on its last day, not the day before;
a year on 31 December. Counted by hand on both sides of the edge."""

from __future__ import annotations

import json
from datetime import date

import openpyxl
import pytest

from ekbist.i18n import set_language
from ekbist.reports.completeness import month_state, ordinal, running_note, span_state


# -- the rule ------------------------------------------------------------------------------
@pytest.mark.parametrize("today, complete, days", [
    (date(2026, 11, 30), True, 30),    # the last day: complete
    (date(2026, 11, 29), False, 29),   # the day before: not
    (date(2026, 11, 1), False, 1),
    (date(2026, 12, 1), True, 30),
])
def test_a_month_is_complete_on_its_last_day(today, complete, days):
    assert month_state(2026, 11, today) == {"complete": complete, "days": days,
                                            "days_in_month": 30,
                                            "to": min(today, date(2026, 11, 30)).isoformat()}


def test_february_of_a_leap_year_has_29_days():
    assert month_state(2028, 2, date(2028, 2, 28))["complete"] is False
    assert month_state(2028, 2, date(2028, 2, 29))["complete"] is True
    assert month_state(2027, 2, date(2027, 2, 28))["complete"] is True


def test_a_span_names_the_months_it_covers_and_the_running_one():
    state = span_state("2026-01", "2026-12", date(2026, 11, 25))
    assert state["complete"] is False
    assert state["months"] == [f"2026-{m:02d}" for m in range(1, 12)]   # eleven begun
    assert (state["running_month"], state["running_days"], state["to"]) == ("2026-11", 25,
                                                                           "2026-11-25")
    last_but_one = span_state("2026-01", "2026-12", date(2026, 12, 30))
    assert (last_but_one["complete"], last_but_one["running_month"],
            last_but_one["running_days"]) == (False, "2026-12", 30)
    whole = span_state("2026-01", "2026-12", date(2026, 12, 31))
    assert (whole["complete"], whole["running_month"], len(whole["months"])) == (True, None, 12)
    assert running_note(whole) is None


def test_ordinals_in_both_languages():
    days = [1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 25, 31]
    assert [ordinal(d) for d in days] == ["1st", "2nd", "3rd", "4th", "11th", "12th", "13th",
                                          "21st", "22nd", "23rd", "25th", "31st"]
    set_language("sv")
    assert [ordinal(d) for d in days] == ["1:a", "2:a", "3:e", "4:e", "11:e", "12:e", "13:e",
                                          "21:a", "22:a", "23:e", "25:e", "31:a"]


# -- the reports -----------------------------------------------------------------------------
@pytest.fixture
def empty(cli):
    cli.ok("init")
    return cli


def test_report_month_marks_a_month_that_is_not_over(empty, tmp_path):
    data = json.loads(empty.ok("report", "month", "2026", "11", "--format", "json",
                               today="2026-11-29").output)
    assert (data["complete"], data["days"], data["days_in_month"]) == (False, 29, 30)
    text = empty.ok("report", "month", "2026", "11", today="2026-11-29").output
    assert text.startswith("Key figures November 2026 to the 29th (preliminary)\n")
    assert ("Preliminary: November is not over; the figures count its first 29 of 30 days, "
            "the same month last year all of them.") in " ".join(text.split())
    sv = empty.ok("report", "month", "2026", "11", today="2026-11-29", lang="sv").output
    assert sv.startswith("Nyckeltal november 2026 t.o.m. den 29:e (preliminär)\n")
    path = tmp_path / "m.xlsx"
    empty.ok("report", "month", "2026", "11", "--xlsx", str(path), today="2026-11-29")
    sheet = openpyxl.load_workbook(path).active
    assert sheet["A1"].value == "Key figures 2026-11 (preliminary: 29 of 30 days)"


def test_report_month_on_the_last_day_is_complete(empty, tmp_path):
    data = json.loads(empty.ok("report", "month", "2026", "11", "--format", "json",
                               today="2026-11-30").output)
    assert (data["complete"], data["days"]) == (True, 30)
    text = empty.ok("report", "month", "2026", "11", today="2026-11-30").output
    assert text.startswith("Key figures November 2026\n") and "reliminary" not in text
    path = tmp_path / "m.xlsx"
    empty.ok("report", "month", "2026", "11", "--xlsx", str(path), today="2026-11-30")
    assert openpyxl.load_workbook(path).active["A1"].value == "Key figures 2026-11"


def test_report_year_says_which_months_its_averages_cover(empty, tmp_path):
    data = json.loads(empty.ok("report", "year", "2026", "--format", "json",
                               today="2026-12-30").output)
    assert data["complete"] is False
    assert (len(data["covers"]["months"]), data["covers"]["running_month"],
            data["covers"]["running_days"]) == (12, "2026-12", 30)
    text = empty.ok("report", "year", "2026", today="2026-12-30").output
    assert text.startswith("Year report 2026, up to 2026-12-30 (preliminary)\n")
    assert "Average (Jan–Dec)" in text
    assert ("Preliminary: the figures and averages cover January–December 2026, December to "
            "the 30th.") in " ".join(text.split())
    assert "Monthly average (Jan–Dec):" in text
    md = empty.ok("report", "year", "2026", "--format", "md", today="2026-11-25").output
    assert "Average (Jan–Nov)" in md and "November to the 25th." in " ".join(md.split())
    sv = empty.ok("report", "year", "2026", today="2026-11-25", lang="sv").output
    assert "november t.o.m. den 25:e" in " ".join(sv.split()) and "preliminär" in sv
    path = tmp_path / "y.xlsx"
    empty.ok("report", "year", "2026", "--xlsx", str(path), today="2026-11-25")
    assert openpyxl.load_workbook(path)["Households"]["A2"].value.startswith("Preliminary: ")


def test_report_year_on_new_years_eve_is_complete(empty, tmp_path):
    data = json.loads(empty.ok("report", "year", "2026", "--format", "json",
                               today="2026-12-31").output)
    assert data["complete"] is True and data["covers"]["running_month"] is None
    text = empty.ok("report", "year", "2026", today="2026-12-31").output
    assert text.startswith("Year report 2026\n") and "reliminary" not in text
    assert "Average (" not in text
    path = tmp_path / "y.xlsx"
    empty.ok("report", "year", "2026", "--xlsx", str(path), today="2026-12-31")
    assert openpyxl.load_workbook(path)["Households"]["A2"].value is None


def test_indicators_mark_a_running_period(empty, tmp_path):
    running = json.loads(empty.ok("indicators", "--format", "json", today="2026-11-29").output)
    assert running["complete"] is False and running["covers"]["running_days"] == 29
    done = json.loads(empty.ok("indicators", "--format", "json", today="2026-11-30").output)
    assert done["complete"] is True and done["covers"]["running_month"] is None
    text = empty.ok("indicators", today="2026-11-29").output
    assert text.splitlines()[0].endswith("(preliminary)")
    assert "November to the 29th." in " ".join(text.split())
    assert "reliminary" not in empty.ok("indicators", "--year", "2025", today="2026-11-29").output
    path = tmp_path / "k.xlsx"
    empty.ok("indicators", "--xlsx", str(path), today="2026-11-29")
    assert openpyxl.load_workbook(path).active["A2"].value.startswith("Preliminary: ")


def test_caseload_history_marks_the_running_month(empty):
    args = ("caseload", "history", "--from", "2026-10", "--to", "2026-11", "--format", "json")
    assert json.loads(empty.ok(*args, today="2026-11-29").output)["complete"] is False
    assert json.loads(empty.ok(*args, today="2026-11-30").output)["complete"] is True


@pytest.fixture
def demo_cli(year_demo_db, db_path, cli):
    """A copy of the small demo unit over a year (60 households, twelve months up to
    November 2026)."""
    import shutil

    shutil.copyfile(year_demo_db, db_path)
    return cli


def test_a_tertial_is_reported_on_its_last_day_not_before(demo_cli):
    data = json.loads(demo_cli.ok("report", "tertial", "--year", "2026", "--tertial", "2",
                                  "--format", "json", today="2026-08-31").output)
    assert data["complete"] is True and data["month"] == 8
    assert "ends 2026-08-31, which has not passed yet" in demo_cli.fails(
        "report", "tertial", "--year", "2026", "--tertial", "2", today="2026-08-30")
