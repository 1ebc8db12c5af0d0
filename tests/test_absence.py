"""Absence: away and back, inclusive days, no overlaps, and what the caseload makes of it."""

from __future__ import annotations

import json
from datetime import date

import pytest

from ekbist import absence, caseload, cases, handlers
from ekbist.errors import EkbistError

TODAY = date(2026, 11, 25)
D = date.fromisoformat


@pytest.fixture
def people(store):
    handlers.add(store, "a", name="Alva", team="investigation", fte=1.0, start=D("2024-01-01"))
    handlers.add(store, "b", name="Bert", team="investigation", fte=0.5)
    cases.open_case(store, "K1", handler="a", opened=D("2026-01-05"), today=TODAY)
    return store


def test_away_days_are_inclusive(people) -> None:
    absence.away(people, "a", first=D("2026-06-01"), last=D("2026-06-30"), reason="semester")
    assert absence.away_on(people, D("2026-05-31")) == set()
    assert absence.away_on(people, D("2026-06-01")) == {"a"}
    assert absence.away_on(people, D("2026-06-30")) == {"a"}
    assert absence.away_on(people, D("2026-07-01")) == set()
    absence.away(people, "b", first=D("2026-11-01"), reason="sjukskrivning")  # until further notice
    assert absence.away_on(people, D("2030-01-01")) == {"b"}


def test_away_refusals_write_nothing(people) -> None:
    absence.away(people, "a", first=D("2026-06-01"), last=D("2026-06-30"), reason="semester")
    before = people.scalar("SELECT count(*) FROM absence")
    refusals = [
        (dict(first=D("2026-06-30"), last=D("2026-07-10"), reason="x"), "already away"),
        (dict(first=D("2026-05-01"), last=None, reason="x"), "already away"),
        (dict(first=D("2026-08-10"), last=D("2026-08-01"), reason="x"), "before it starts"),
        (dict(first=D("2026-08-01"), last=None, reason="  "), "needs a kind"),
        (dict(first=D("2023-12-01"), last=None, reason="x"), "starts on 2024-01-01"),
        (dict(first=D("2026-08-01"), last=None, reason="sjuk 19850101-2382"), "personnummer"),
    ]
    for kwargs, message in refusals:
        with pytest.raises(EkbistError, match=message):
            absence.away(people, "a", **kwargs)
    with pytest.raises(EkbistError, match="unknown handler"):
        absence.away(people, "nobody", first=D("2026-08-01"), reason="x")
    handlers.leave(people, "b", D("2026-09-01"))
    with pytest.raises(EkbistError, match="left on 2026-09-01"):
        absence.away(people, "b", first=D("2026-09-01"), reason="x")
    assert people.scalar("SELECT count(*) FROM absence") == before


def test_back_ends_or_cancels_the_absence(people) -> None:
    absence.away(people, "a", first=D("2026-10-01"), reason="föräldraledighet")
    ended = absence.back(people, "a", D("2026-11-10"))
    assert ended["to_date"] == "2026-11-09" and not ended["cancelled"]
    assert absence.away_on(people, D("2026-11-09")) == {"a"}
    assert absence.away_on(people, D("2026-11-10")) == set()
    with pytest.raises(EkbistError, match="not away on 2026-11-10"):
        absence.back(people, "a", D("2026-11-10"))
    absence.away(people, "a", first=D("2026-12-01"), last=D("2026-12-05"), reason="kurs")
    cancelled = absence.back(people, "a", D("2026-12-01"))
    assert cancelled["cancelled"]
    assert [r["from_date"] for r in absence.list_absences(people, "a")] == ["2026-10-01"]
    deleted = people.one("SELECT action, before FROM audit WHERE tbl = 'absence' "
                         "ORDER BY id DESC LIMIT 1")
    assert deleted["action"] == "delete" and "2026-12-01" in deleted["before"]


def test_absent_handler_needs_cover_in_the_caseload(people) -> None:
    absence.away(people, "a", first=D("2026-11-20"), last=D("2026-11-25"), reason="sjuk")
    report = caseload.current(people, TODAY)
    assert [c["case"] for c in report["uncovered"]] == ["K1"]
    assert {h["id"]: h["away"] for h in report["handlers"]} == {"a": True, "b": False}
    assert caseload.current(people, D("2026-11-26"))["uncovered"] == []


def test_cli_away_back_and_list(unit) -> None:
    out = unit.ok("handler", "away", "bo", "--from", "2026-11-02", "--reason", "sjukskrivning").output
    assert "until further notice" in out
    assert "already away" in unit.fails("handler", "away", "bo", "--from", "2026-11-20",
                                        "--to", "2026-11-22", "--reason", "x")
    assert "before it starts" in unit.fails("handler", "away", "cia", "--from", "2026-11-20",
                                            "--to", "2026-11-02", "--reason", "x")
    assert "needs a kind" in unit.fails("handler", "away", "cia", "--from", "2026-11-20")
    data = json.loads(unit.ok("caseload", "--format", "json").output)
    assert data["unassigned"] == ["C-1", "C-2"]
    rows = json.loads(unit.ok("handler", "absences", "--format", "json").output)
    assert [(r["handler"], r["from_date"], r["to_date"]) for r in rows] == [
        ("bo", "2026-11-02", None)]
    assert "back on 2026-11-23" in unit.ok("handler", "back", "bo", "--date", "2026-11-23").output
    assert json.loads(unit.ok("caseload", "--format", "json").output)["unassigned"] == []
    assert "not away" in unit.fails("handler", "back", "bo", "--date", "2026-11-24")
    assert "unknown handler" in unit.fails("handler", "back", "nobody", "--date", "2026-11-24")
    sv = unit.ok("handler", "away", "cia", "--from", "2026-12-01", "--to", "2026-12-03",
                 "--reason", "kurs", lang="sv").output
    assert "frånvarande" in sv
