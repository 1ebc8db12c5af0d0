"""``ekbist day`` / ``dag``: one handler's working day, or the unit's, counted by hand."""

from __future__ import annotations

import json
from datetime import date

import pytest

from ekbist.day import working_day
from ekbist.errors import EkbistError
from ekbist.store import Store


@pytest.fixture
def office(unit):
    """Bo is away from 2026-11-10; Cia took over his C-2 on 2026-11-12, his C-1 has no cover.

    Applications (today Wed 2026-11-25):
      C-4 (anna) complete Mon 11-16 -> deadline Fri 11-20: overdue
      C-3 (cia)  complete Thu 11-19 -> deadline Wed 11-25: due today
      C-3 (cia)  complete Fri 11-20 -> deadline Thu 11-26: due the next working day
      C-3 (cia)  complete Mon 11-23 -> deadline Mon 11-30: not today's business
      C-2 (cia)  received Mon 11-09, never complete: 13 working days > 10, flagged
    Plans of cia's cases: C-3 next follow-up Sun 11-29 (this week, its last day),
    C-2 next follow-up Mon 11-30 (next week), C-3 housing plan lapsed on 11-20 (overdue).
    """
    unit.ok("handler", "away", "bo", "--from", "2026-11-10", "--reason", "Sjukskrivning")
    unit.ok("case", "assign", "C-2", "cia", "--date", "2026-11-12")
    ids = {}
    for name, case, received, completed in [
        ("overdue", "C-4", "2026-11-16", "2026-11-16"),
        ("today", "C-3", "2026-11-19", "2026-11-19"),
        ("next", "C-3", "2026-11-20", "2026-11-20"),
        ("later", "C-3", "2026-11-23", "2026-11-23"),
        ("incomplete", "C-2", "2026-11-09", None),
    ]:
        args = ["application", "add", case, "--period", "2026-11", "--received", received]
        if completed:
            args += ["--completed", completed]
        ids[name] = unit.ok(*args).stdout.strip()
    unit.ok("plan", "add", "C-3", "--made", "2026-08-29")  # next: 2026-11-29, a Sunday
    unit.ok("plan", "add", "C-2", "--made", "2026-08-30")  # next: 2026-11-30, next week
    unit.ok("plan", "add", "C-3", "--kind", "housing", "--made", "2026-08-20")  # lapsed 11-20
    unit.ids = ids
    return unit


def test_a_handlers_day(office) -> None:
    ids = office.ids
    result = office.ok("day", "--handler", "cia", "--format", "json")
    day = json.loads(result.stdout)
    assert (day["handler"], day["name"], day["team"]) == ("cia", "Cia Ceder", "investigation")
    assert day["working_days_left"] == 4  # 25, 26, 27 and 30 November
    assert [(a["id"], a["status"]) for a in day["due"]] == [
        (ids["today"], "due_today"), (ids["next"], "due_next")]
    assert day["overdue"] == []  # the overdue one is anna's
    assert [a["id"] for a in day["incomplete"]] == [ids["incomplete"]]
    assert day["week_end"] == "2026-11-29"
    assert [(f["case"], f["kind"], f["next_followup"]) for f in day["followups"]] == [
        ("C-3", "change", "2026-11-29")]
    assert day["followups_overdue"] == 1
    assert [(c["case"], c["for_handler"], c["since"]) for c in day["covering"]] == [
        ("C-2", "bo", "2026-11-12")]
    assert [(u["case"], u["handler"], u["why"], u["since"]) for u in day["without_cover"]] == [
        ("C-1", "bo", "away", "2026-11-10")]


def test_the_units_day_and_the_swedish_alias(office) -> None:
    ids = office.ids
    day = json.loads(office.ok("dag", "--format", "json").stdout)
    assert day["handler"] is None
    assert [a["id"] for a in day["overdue"]] == [ids["overdue"]]
    assert {a["id"] for a in day["due"]} == {ids["today"], ids["next"]}
    text = office.ok("day").stdout
    assert text.startswith("The unit's working day, 2026-11-25 — 4 working days left this month")
    assert "Cia Ceder" in text and ids["overdue"] in text and ids["later"] not in text
    sv = office.ok("dag", "--handler", "anna", lang="sv").stdout
    assert sv.startswith("Arbetsdagen för Anna Andersson (anna), 2026-11-25 — 4 arbetsdagar kvar")
    assert ids["overdue"] in sv


def test_a_quiet_day_prints_none_and_friday_counts_the_weekend(office) -> None:
    text = office.ok("day", "--handler", "anna", today="2026-11-20").stdout
    # on Friday the 20th anna's application is due today; 7 working days are left
    # (the heading wrapped within 80 columns on a pipe)
    assert text.startswith("The working day of Anna Andersson (anna), 2026-11-20 — 7 working "
                           "days left this\nmonth\n")
    assert "Incomplete past the limit: none" in text
    assert "Plan follow-ups due by 2026-11-22: none" in text


def test_unknown_handler_is_one_error_line(office) -> None:
    assert office.fails("day", "--handler", "nobody") == "error: unknown handler 'nobody'"


def test_library_day(office, db_path) -> None:
    with Store.open(db_path, readonly=True, migrate=False) as store:
        with pytest.raises(EkbistError):
            working_day(store, date(2026, 11, 25), handler="nobody")
        day = working_day(store, date(2026, 11, 30), handler="cia")
    # Monday the 30th: the last working day of November, the C-2 follow-up is due today
    assert day["working_days_left"] == 1
    assert [f["case"] for f in day["followups"]] == ["C-2"]
