"""Coded absences and the staff figures: sick leave %, short spells and turnover, by hand."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from ekbist import absence, handlers
from ekbist import store as store_mod
from ekbist.errors import EkbistError
from ekbist.reports.staff import staff_figures
from ekbist.store import Store

D = date.fromisoformat


@pytest.fixture
def staff(store):
    # April 2026: 22 weekdays; Good Friday (3 April) and Easter Monday (6 April) are holidays,
    # so 20 working days.
    handlers.add(store, "a", name="Alva", team="investigation", fte=1.0, start=D("2024-01-01"))
    handlers.add(store, "b", name="Bert", team="investigation", fte=0.5, start=D("2025-01-01"))
    handlers.add(store, "c", name="Cleo", team="intake", fte=1.0, start=D("2026-04-15"))
    # Thursday 2 April to Tuesday 7 April: across Good Friday, the weekend and Easter Monday,
    # 2 sick working days (2 and 7 April); a 6-day spell, so a short one.
    absence.away(store, "a", first=D("2026-04-02"), last=D("2026-04-07"), kind="sick")
    absence.away(store, "a", first=D("2026-04-20"), last=D("2026-04-24"), kind="semester")
    # 13 April to 8 May: 26 days, a long spell; 14 working days in April, half time: 7.
    absence.away(store, "b", first=D("2026-04-13"), last=D("2026-05-08"), kind="sjukfrånvaro",
                 reason="långtid")
    return store


def test_sick_leave_across_a_weekend_and_a_holiday(staff) -> None:
    april = staff_figures(staff, D("2026-04-01"), D("2026-04-30"))
    # Scheduled: Alva 20, Bert 0.5 × 20 = 10, Cleo 15–30 April = 12 working days.
    assert april["scheduled_days"] == 42
    assert april["sick_days"] == 9  # Alva 2 + Bert 0.5 × 14; the vacation does not count
    assert april["sick_leave_share"] == round(9 / 42, 4)
    assert april["short_spell_share"] == round(2 / 9, 4)
    teams = {t["team"]: t for t in april["teams"]}
    assert teams["investigation"]["sick_leave_share"] == 0.3
    assert teams["intake"]["sick_leave_share"] == 0.0


def test_a_leaver_counts_only_the_working_days_still_employed(staff) -> None:
    # Bert's first day gone is Friday 17 April: employed 1, 2, 7–10 and 13–16 April,
    # 10 working days at half time = 5; sick of them 13–16 April, 4 × 0.5 = 2. His spell
    # runs on to 8 May, so it stays a long one.
    handlers.leave(staff, "b", D("2026-04-17"))
    april = staff_figures(staff, D("2026-04-01"), D("2026-04-30"))
    assert april["scheduled_days"] == 20 + 5 + 12
    assert april["sick_days"] == 2 + 2
    assert april["short_spell_share"] == round(2 / 4, 4)
    assert (april["leavers"], april["average_employed"]) == (1, 2.0)  # Alva and Cleo on the 30th
    # His last day, the 16th, is in a period that ends on it, not in one ending the day before.
    assert staff_figures(staff, D("2026-04-01"), D("2026-04-16"))["leavers"] == 1
    assert staff_figures(staff, D("2026-04-01"), D("2026-04-15"))["leavers"] == 0


def test_a_spell_only_on_non_working_days_counts_nothing(staff) -> None:
    absence.away(staff, "c", first=D("2026-05-01"), last=D("2026-05-03"), kind="sick")  # 1 May + weekend
    may = staff_figures(staff, D("2026-05-01"), D("2026-05-03"))
    assert may["sick_days"] == 0.0


def test_turnover_is_leavers_over_average_head_count(staff) -> None:
    handlers.leave(staff, "b", D("2026-07-01"))  # last day 30 June
    year = staff_figures(staff, D("2026-01-01"), D("2026-12-31"))
    # Head count at month ends: Alva 12, Bert January–June 6, Cleo April–December 9 → 27 / 12.
    assert year["average_employed"] == 2.25
    assert year["leavers"] == 1
    assert year["turnover_share"] == round(1 / 2.25, 4)
    # Leaving on 1 January 2027 means the last day was in 2026: a leaver of 2026, not 2027.
    handlers.leave(staff, "c", D("2027-01-01"))
    assert staff_figures(staff, D("2026-01-01"), D("2026-12-31"))["leavers"] == 2
    assert staff_figures(staff, D("2027-01-01"), D("2027-03-31"))["leavers"] == 0


def test_kind_codes_and_refusals(staff) -> None:
    kinds = {(r["handler"], r["from_date"]): r["kind"] for r in absence.list_absences(staff)}
    assert kinds[("a", "2026-04-20")] == "vacation"
    assert kinds[("b", "2026-04-13")] == "sick"
    with pytest.raises(EkbistError, match="unknown absence kind 'flu'"):
        absence.away(staff, "c", first=D("2026-06-01"), kind="flu")
    with pytest.raises(EkbistError, match="needs a kind"):
        absence.away(staff, "c", first=D("2026-06-01"))


def test_old_absences_become_other_with_their_text_as_note(tmp_path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    for number, _name, sql in store_mod.migrations():
        if number < 9:
            conn.executescript(sql + f"\nPRAGMA user_version = {number};")
    conn.execute("INSERT INTO handler (id, name, team, fte) VALUES ('a', 'Alva', 'intake', 1)")
    conn.execute("INSERT INTO absence (handler, from_date, to_date, reason)"
                 " VALUES ('a', '2026-03-02', '2026-03-06', 'sjukskrivning')")
    conn.commit()
    conn.close()
    with Store.open(path, migrate=True) as migrated:
        rows = absence.list_absences(migrated)
        assert [(r["kind"], r["reason"]) for r in rows] == [("other", "sjukskrivning")]
        assert staff_figures(migrated, D("2026-03-01"), D("2026-03-31"))["sick_days"] == 0


def test_handler_away_kind_on_the_command_line(cli, staff) -> None:
    result = cli("handler", "away", "c", "--from", "2026-06-01", "--to", "2026-06-05",
                 "--kind", "sjuk")
    assert result.exit_code == 0, result.output
    listed = cli("handler", "absences", "c", "--format", "json")
    assert '"kind": "sick"' in listed.output
    bad = cli("handler", "away", "c", "--from", "2026-07-01", "--kind", "flu")
    assert bad.exit_code == 1 and "unknown absence kind" in bad.output
