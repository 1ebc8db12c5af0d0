"""Barriers to self-support (försörjningshinder): history per case, and households and
kronor by barrier per month, counted by hand on the small unit of ``build_unit``."""

from __future__ import annotations

import json
import sqlite3

import pytest

from ekbist.reports import barrier_figures


def _add(unit, case: str, period: str, received: str, decided: str, decision: str,
         amount: int | None = None) -> None:
    app_id = unit.ok("application", "add", case, "--period", period, "--received", received,
                     "--completed", received).output.strip().split()[-1].rstrip(".")
    args = ["application", "decide", app_id, "--date", decided, "--decision", decision]
    if amount is not None:
        args += ["--amount", str(amount)]
    unit.ok(*args)


@pytest.fixture
def barrier_unit(unit):
    """C-1: unemployed (no benefit) from 2026-01-10, sick with a certificate from 2026-06-15;
    C-2: social reasons from 2026-03-01; C-3: none recorded; C-4 opened with 'waiting'.

    Applications (period, decided, decision, kr):
      C-1 2026-05 05-05 granted 8 000   -> unemployed_no_benefit (the barrier on 05-05)
      C-1 2026-06 06-10 granted 7 000   \\ one household-month, paid 8 000; the last
      C-1 2026-06 06-20 partly  1 000   /  decision (06-20) is after 06-15 -> sick_certified
      C-2 2026-05 05-06 granted 5 000   -> social
      C-2 2026-06 06-08 rejected        -> no assistance
      C-3 2026-06 06-09 granted 3 000   -> not_recorded
    """
    unit.ok("case", "barrier", "C-1", "unemployed_no_benefit", "--from", "2026-01-10")
    unit.ok("case", "barrier", "C-1", "sick_certified", "--from", "2026-06-15")
    unit.ok("case", "barrier", "C-2", "arbetshinder – sociala skäl", "--from", "2026-03-01",
            lang="sv")
    _add(unit, "C-1", "2026-05", "2026-05-04", "2026-05-05", "granted", 8000)
    _add(unit, "C-1", "2026-06", "2026-06-01", "2026-06-10", "granted", 7000)
    _add(unit, "C-1", "2026-06", "2026-06-18", "2026-06-20", "partly", 1000)
    _add(unit, "C-2", "2026-05", "2026-05-04", "2026-05-06", "granted", 5000)
    _add(unit, "C-2", "2026-06", "2026-06-01", "2026-06-08", "rejected")
    _add(unit, "C-3", "2026-06", "2026-06-01", "2026-06-09", "granted", 3000)
    return unit


def _nonzero(month: dict) -> dict:
    return {code: (c["households"], c["paid"]) for code, c in month["by_barrier"].items()
            if c["households"]}


def test_households_and_kronor_by_barrier_per_month(barrier_unit) -> None:
    data = json.loads(barrier_unit.ok("indicators", "--from", "2026-05", "--to", "2026-06",
                                      "--format", "json").output)
    b = data["barriers"]
    assert b["codes"][-1] == "not_recorded" and len(b["codes"]) == 13  # 12 national + none
    may, june = b["months"]
    assert may["month"] == "2026-05" and june["month"] == "2026-06"
    assert _nonzero(may) == {"unemployed_no_benefit": (1, 8000), "social": (1, 5000)}
    # C-1's June counts once, under the barrier of its last decision (06-20), with both sums.
    assert _nonzero(june) == {"sick_certified": (1, 8000), "not_recorded": (1, 3000)}
    total = {code: (c["household_months"], c["paid"]) for code, c in b["total"].items()
             if c["household_months"]}
    assert total == {"unemployed_no_benefit": (1, 8000), "social": (1, 5000),
                     "sick_certified": (1, 8000), "not_recorded": (1, 3000)}
    # Every code is a key in every month, 0 when none: the keys are the contract.
    assert all(set(m["by_barrier"]) == set(b["codes"]) for m in b["months"])
    # The households add up to the key figures' households per month (2 and 2).
    per_month = next(f for f in data["figures"] if f["key"] == "households_per_month")["value"]
    assert [m["households"] for m in per_month] == [2, 2]


def test_the_table_and_the_reports_show_the_barriers(barrier_unit) -> None:
    table = barrier_unit.ok("indicators", "--from", "2026-05", "--to", "2026-06",
                            lang="sv").output
    assert "Hushåll efter försörjningshinder" in table
    assert "arbetslös – ingen ersättning" in table and "ej registrerat" in table
    month = barrier_unit.ok("report", "month", "2026", "6").output
    assert "sick with a doctor's certificate" in month and "8,000" in month
    assert "unemployed, no benefit" not in month  # C-1 was sick by its June decision
    data = json.loads(barrier_unit.ok("report", "month", "2026", "6", "--format",
                                      "json").output)
    assert _nonzero(data["barriers"]["months"][0]) == {"sick_certified": (1, 8000),
                                                       "not_recorded": (1, 3000)}
    year = json.loads(barrier_unit.ok("report", "year", "2026", "--format", "json").output)
    assert year["barriers"]["total"]["social"] == {"household_months": 1, "paid": 5000}


def test_history_is_kept_and_shown(barrier_unit) -> None:
    shown = json.loads(barrier_unit.ok("case", "show", "C-1", "--format", "json").output)
    assert shown["barriers"] == [
        {"from_date": "2026-01-10", "barrier": "unemployed_no_benefit", "until": "2026-06-15"},
        {"from_date": "2026-06-15", "barrier": "sick_certified", "until": None}]
    assert json.loads(barrier_unit.ok("case", "show", "C-3", "--format", "json").output
                      )["barriers"] == []
    assert "Barriers" not in barrier_unit.ok("case", "show", "C-3").output
    text = barrier_unit.ok("case", "show", "C-1", lang="sv").output
    assert "sjukskriven med läkarintyg" in text and "2026-06-15" in text


def test_a_case_opened_with_its_barrier(unit) -> None:
    unit.ok("case", "open", "C-9", "--handler", "anna", "--opened", "2026-11-03",
            "--barrier", "Arbetslös – i väntan på ersättning")
    shown = json.loads(unit.ok("case", "show", "C-9", "--format", "json").output)
    assert shown["barriers"] == [{"from_date": "2026-11-03", "barrier": "unemployed_waiting",
                                  "until": None}]


def _rows(db) -> tuple[int, int, int]:
    with sqlite3.connect(db) as conn:
        return (conn.execute("SELECT count(*) FROM barrier").fetchone()[0],
                conn.execute("SELECT count(*) FROM cases").fetchone()[0],
                conn.execute("SELECT count(*) FROM audit").fetchone()[0])


@pytest.mark.parametrize(("args", "words"), [
    (("C-1", "bogus", "--from", "2026-02-01"), "unknown barrier to self-support 'bogus'"),
    (("C-1", "social", "--from", "2026-01-09"), "opened on 2026-01-10"),  # a day before
    (("C-1", "social", "--from", "2026-11-26"), "after today"),           # a day after today
    (("C-1", "unemployed_no_benefit", "--from", "2026-03-01"), "already has the barrier"),
    (("C-77", "social", "--from", "2026-03-01"), "unknown case 'C-77'"),
])
def test_refusals_write_nothing(barrier_unit, args, words) -> None:
    before = _rows(barrier_unit.db)
    line = barrier_unit.fails("case", "barrier", *args)
    assert words in line
    assert _rows(barrier_unit.db) == before


def test_the_edges_are_accepted(unit) -> None:
    # The day the case opened and today itself are both allowed.
    unit.ok("case", "barrier", "C-1", "social", "--from", "2026-01-10")
    unit.ok("case", "barrier", "C-1", "other", "--from", "2026-11-25")
    unit.ok("case", "close", "C-2", "--date", "2026-10-01", "--reason", "work")
    unit.ok("case", "barrier", "C-2", "parental", "--from", "2026-09-30")  # the day before
    assert "closed on 2026-10-01" in unit.fails("case", "barrier", "C-2", "social", "--from",
                                                "2026-10-01")


def test_a_correction_on_the_same_day_replaces_it_and_the_audit_keeps_both(unit) -> None:
    unit.ok("case", "barrier", "C-1", "social", "--from", "2026-02-01")
    unit.ok("case", "barrier", "C-1", "parental", "--from", "2026-02-01")
    with sqlite3.connect(unit.db) as conn:
        assert conn.execute("SELECT code FROM barrier WHERE case_id = 'C-1'").fetchall() == [
            ("parental",)]
        changes = conn.execute("SELECT action FROM audit WHERE tbl = 'barrier' ORDER BY id"
                               ).fetchall()
    assert changes == [("insert",), ("update",)]


def test_opening_with_a_bad_barrier_opens_nothing(unit) -> None:
    before = _rows(unit.db)
    assert "unknown barrier" in unit.fails("case", "open", "C-9", "--handler", "anna",
                                           "--opened", "2026-11-03", "--barrier", "arbetslös")
    assert _rows(unit.db) == before


def test_a_personnummer_as_the_case_is_masked(unit) -> None:
    line = unit.fails("case", "barrier", "19121212-1212", "social", "--from", "2026-03-01")
    assert "looks like a personnummer" in line and "-1212" not in line


def test_labels_of_every_code_in_both_languages() -> None:
    from ekbist.i18n import set_language

    set_language("sv")
    try:
        words = [barrier_figures.label(code) for code in barrier_figures.CODES]
    finally:
        set_language("en")
    assert words[0] == "arbetslös – ingen ersättning" and words[-1] == "ej registrerat"
    assert len(set(words)) == len(words)


def test_a_barrier_from_the_day_of_the_decision_counts_for_it(barrier_unit) -> None:
    # C-3's June application was decided 2026-06-09: a barrier from that very day is its
    # barrier; one from the day after is not.
    barrier_unit.ok("case", "barrier", "C-3", "pension", "--from", "2026-06-10")
    june = json.loads(barrier_unit.ok("indicators", "--from", "2026-06", "--to", "2026-06",
                                      "--format", "json").output)["barriers"]["months"][0]
    assert _nonzero(june) == {"sick_certified": (1, 8000), "not_recorded": (1, 3000)}
    barrier_unit.ok("case", "barrier", "C-3", "pension", "--from", "2026-06-09")
    june = json.loads(barrier_unit.ok("indicators", "--from", "2026-06", "--to", "2026-06",
                                      "--format", "json").output)["barriers"]["months"][0]
    assert _nonzero(june) == {"sick_certified": (1, 8000), "pension": (1, 3000)}
