"""A prognosis stands on its actuals: a month without them is named, never read as zero."""

from __future__ import annotations

import json
from datetime import date

import pytest

from ekbist import budget, check, prognosis
from ekbist.prognosis import MissingActuals

ASSISTANCE = "Ekonomiskt bistånd/handläggning"
LABOUR = "Arbetsmarknad"
DEC_8 = date(2026, 12, 8)


@pytest.fixture
def booked_to_october(store):
    """Two activities with a budget; actuals booked January–October for both."""
    budget.set_budget(store, 2026, ASSISTANCE, "Personalkostnader", 1_200_000)
    budget.set_budget(store, 2026, LABOUR, "Personalkostnader", 600_000)
    for month in range(1, 11):
        budget.set_actual(store, 2026, month, ASSISTANCE, "Personalkostnader", 100_000)
        budget.set_actual(store, 2026, month, LABOUR, "Personalkostnader", 50_000)
    return store


def test_a_month_without_actuals_is_refused_and_named(booked_to_october):
    store = booked_to_october
    with pytest.raises(MissingActuals) as caught:
        prognosis.make(store, 2026, 11, today=DEC_8)
    assert str(caught.value).startswith(
        f"no actuals booked for November 2026 ({ASSISTANCE}, {LABOUR}) — book them")
    assert caught.value.missing == [{"month": 11, "activity": ASSISTANCE},
                                    {"month": 11, "activity": LABOUR}]
    # October is booked: its prognosis is made, and carries no mark.
    assert prognosis.make(store, 2026, 10, today=DEC_8)["missing_actuals"] == []


def test_one_activity_booked_the_other_not(booked_to_october):
    store = booked_to_october
    budget.set_actual(store, 2026, 11, ASSISTANCE, "Personalkostnader", 100_000)
    with pytest.raises(MissingActuals, match=rf"November 2026 \({LABOUR}\) —"):
        prognosis.make(store, 2026, 11, today=DEC_8)
    budget.set_actual(store, 2026, 11, LABOUR, "Personalkostnader", 0)  # a booked zero counts
    assert prognosis.make(store, 2026, 11, today=DEC_8)["missing_actuals"] == []


def test_a_gap_inside_the_year_is_named_but_months_before_the_first_booking_are_not(store):
    budget.set_budget(store, 2026, LABOUR, "Personalkostnader", 600_000)
    for month in (4, 5, 7):  # ekbist taken into use in April; June forgotten
        budget.set_actual(store, 2026, month, LABOUR, "Personalkostnader", 50_000)
    with pytest.raises(MissingActuals) as caught:
        prognosis.make(store, 2026, 8, today=DEC_8)
    assert "June 2026 (Arbetsmarknad); August 2026 (Arbetsmarknad)" in str(caught.value)
    assert "March" not in str(caught.value)
    # An activity with actuals but no budget needs none: the rule is for budgeted activities.
    budget.set_actual(store, 2026, 4, "Övrigt", "Bidrag", 5)
    assert [m["activity"] for m in prognosis.missing_actuals(store, 2026, 8)] == [LABOUR, LABOUR]


def test_allowed_it_is_marked_and_saved_as_such(booked_to_october):
    store = booked_to_october
    result = prognosis.make(store, 2026, 11, today=DEC_8, allow_missing_actuals=True)
    assert len(result["missing_actuals"]) == 2
    prognosis.save(store, result, today=DEC_8)
    assert store.scalar("SELECT group_concat(DISTINCT missing_actuals) FROM prognosis") == "11"
    saved = prognosis.saved(store, 2026, 11)
    assert saved["missing_actuals"] == result["missing_actuals"]
    # Once booked and saved again, the mark is gone from the row.
    budget.set_actual(store, 2026, 11, ASSISTANCE, "Personalkostnader", 100_000)
    budget.set_actual(store, 2026, 11, LABOUR, "Personalkostnader", 50_000)
    prognosis.save(store, prognosis.make(store, 2026, 11, today=DEC_8), today=DEC_8)
    assert store.scalar("SELECT count(missing_actuals) FROM prognosis") == 0
    assert prognosis.saved(store, 2026, 11)["missing_actuals"] == []


def _budget_kinds(store, today):
    return sorted((f.kind, f.subject) for f in check.run(store, today, only=["budget"]).findings)


def test_check_asks_for_the_actuals_not_for_the_prognosis(booked_to_october):
    store = booked_to_october
    # Due on working day 5 of December (Monday the 7th): quiet up to it.
    assert _budget_kinds(store, date(2026, 12, 7)) == []
    assert _budget_kinds(store, DEC_8) == [("actuals_missing", "2026-11")]
    # A prognosis saved anyway does not silence it while the actuals are missing …
    prognosis.save(store, prognosis.make(store, 2026, 11, allow_missing_actuals=True), today=DEC_8)
    assert _budget_kinds(store, DEC_8) == [("actuals_missing", "2026-11")]
    # … and once they are booked, the prognosis made without them is not the one due.
    budget.set_actual(store, 2026, 11, ASSISTANCE, "Personalkostnader", 100_000)
    budget.set_actual(store, 2026, 11, LABOUR, "Personalkostnader", 50_000)
    assert _budget_kinds(store, DEC_8) == [("prognosis_missing", "2026-11")]
    prognosis.save(store, prognosis.make(store, 2026, 11), today=DEC_8)
    assert _budget_kinds(store, DEC_8) == []


# -- the command line ---------------------------------------------------------------------------
def test_cli_refuses_to_save_and_writes_nothing(booked_to_october, cli):
    booked_to_october.close()
    line = cli.fails("prognosis", "make", "--save", today="2026-12-08")
    assert line.startswith("error: no actuals booked for November 2026 (")
    assert "--allow-missing-actuals" in line
    assert "No prognosis saved for 2026." in cli.ok("prognosis", "history", "--year", "2026").output
    sv = cli.fails("prognosis", "make", today="2026-12-08", lang="sv")
    assert sv.startswith("fel: inget utfall bokfört för november 2026 (")


def test_cli_marks_a_prognosis_made_anyway_on_every_output(booked_to_october, cli):
    booked_to_october.close()
    table = cli.ok("prognosis", "make", "--allow-missing-actuals", "--save",
                   today="2026-12-08").output
    assert table.splitlines()[0] == (f"Made without actuals for November 2026 ({ASSISTANCE}, "
                                     f"{LABOUR}): it reads those months as nothing spent.")
    data = json.loads(cli.ok("prognosis", "show", "--month", "11", "--format", "json",
                             today="2026-12-08").output)
    assert data["missing_actuals"] == [{"month": 11, "activity": ASSISTANCE},
                                       {"month": 11, "activity": LABOUR}]
    csv = cli.ok("prognosis", "show", "--month", "11", "--format", "csv",
                 today="2026-12-08").output.splitlines()
    assert csv[0].endswith(",missing_actuals") and all(r.endswith(",11") for r in csv[1:])
    history = cli.ok("prognosis", "history", "--year", "2026", today="2026-12-08").output
    assert "Nov: Made without actuals for November 2026" in history
