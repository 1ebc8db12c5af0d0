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


# -- the edges of a spell ------------------------------------------------------------
# March 2026 begins on a Sunday and has no holiday: 22 working days (2–6, 9–13, 16–20,
# 23–27, 30–31). One full-time handler, employed since 2025.
@pytest.fixture
def one(store):
    handlers.add(store, "d", name="Dana", team="intake", fte=1.0, start=D("2025-01-01"))
    return store


@pytest.mark.parametrize(("last", "sick", "short"), [
    ("2026-03-15", 10, 1.0),  # Monday 2 to Sunday 15 March: 14 calendar days, a short spell
    ("2026-03-16", 11, 0.0),  # to Monday the 16th: 15 days, a long one
])
def test_a_spell_of_14_days_is_short_and_one_of_15_long(one, last, sick, short) -> None:
    absence.away(one, "d", first=D("2026-03-02"), last=D(last), kind="sick")
    march = staff_figures(one, D("2026-03-01"), D("2026-03-31"))
    assert march["scheduled_days"] == 22
    assert march["sick_days"] == sick
    assert march["short_spell_share"] == short


@pytest.mark.parametrize(("second", "sick", "short"), [
    # 2–8 March (7 days) and 9–16 March (8 days) follow each other: one spell of 15 days,
    # long; 11 working days.
    ("2026-03-09", 11, 0.0),
    # With Monday the 9th at work, 2–8 and 10–16 March are two spells of 7 days, both
    # short: 5 + 5 working days.
    ("2026-03-10", 10, 1.0),
])
def test_back_to_back_absences_are_one_spell_a_day_between_makes_two(one, second, sick,
                                                                      short) -> None:
    absence.away(one, "d", first=D("2026-03-02"), last=D("2026-03-08"), kind="sick")
    absence.away(one, "d", first=D(second), last=D("2026-03-16"), kind="sick")
    march = staff_figures(one, D("2026-03-01"), D("2026-03-31"))
    assert (march["sick_days"], march["short_spell_share"]) == (sick, short)


def test_a_spell_begun_before_the_period_counts_its_whole_length(one) -> None:
    # Monday 16 February to Friday 6 March: 19 days, long; in March only 2–6 March count.
    absence.away(one, "d", first=D("2026-02-16"), last=D("2026-03-06"), kind="sick")
    march = staff_figures(one, D("2026-03-01"), D("2026-03-31"))
    assert (march["sick_days"], march["short_spell_share"]) == (5, 0.0)
    assert staff_figures(one, D("2026-02-01"), D("2026-02-28"))["sick_days"] == 10  # 16–27 Feb


def test_a_spell_still_open_is_counted_to_the_periods_end(one) -> None:
    absence.away(one, "d", first=D("2026-03-23"), kind="sick")  # no last day yet
    # In March: 23–27, 30 and 31 March, 7 working days of a 9-day spell: short.
    march = staff_figures(one, D("2026-03-01"), D("2026-03-31"))
    assert (march["sick_days"], march["short_spell_share"]) == (7, 1.0)
    # Through April (20 working days, Easter excluded) the same spell is 39 days: long.
    spring = staff_figures(one, D("2026-03-01"), D("2026-04-30"))
    assert (spring["sick_days"], spring["short_spell_share"]) == (27, 0.0)


def test_the_figures_without_the_working_day_index(db_path) -> None:
    # A store whose working-day index was never built counts from the calendar itself:
    # the same April as test_sick_leave_across_a_weekend_and_a_holiday.
    with Store.open(db_path, create=True) as bare:
        assert bare.scalar("SELECT count(*) FROM calendar_day") == 0
        handlers.add(bare, "a", name="Alva", team="investigation", fte=1.0,
                     start=D("2024-01-01"))
        absence.away(bare, "a", first=D("2026-04-02"), last=D("2026-04-07"), kind="sick")
        april = staff_figures(bare, D("2026-04-01"), D("2026-04-30"))
        assert (april["scheduled_days"], april["sick_days"]) == (20, 2)


def test_head_count_averages_the_month_ends_to_the_hundredth(one) -> None:
    # Dana all the quarter; Erik from 1 March; Fia's last day is 31 January.
    handlers.add(one, "e", name="Erik", team="intake", fte=1.0, start=D("2026-03-01"))
    handlers.add(one, "f", name="Fia", team="intake", fte=1.0, start=D("2025-01-01"))
    handlers.leave(one, "f", D("2026-02-01"))
    quarter = staff_figures(one, D("2026-01-01"), D("2026-03-31"))
    assert (quarter["from"], quarter["to"]) == ("2026-01-01", "2026-03-31")
    # Employed on 31 January: Dana and Fia; 28 February: Dana; 31 March: Dana and Erik.
    assert quarter["average_employed"] == 1.67  # 5 / 3
    assert quarter["leavers"] == 1
    assert quarter["turnover_share"] == 0.5988  # 1 / 1.67


def test_fte_weighted_days_are_given_to_the_hundredth(store) -> None:
    # A third of full time (0.333) on Monday 2 and Tuesday 3 March 2026, sick on the Monday:
    # 0.666 scheduled days, shown as 0.67, and 0.333 sick days, shown as 0.33.
    handlers.add(store, "t", name="Tove", team="intake", fte=0.333, start=D("2025-01-01"))
    absence.away(store, "t", first=D("2026-03-02"), last=D("2026-03-02"), kind="sick")
    days = staff_figures(store, D("2026-03-02"), D("2026-03-03"))
    assert (days["scheduled_days"], days["sick_days"], days["short_spell_days"]) == (
        0.67, 0.33, 0.33)
    assert (days["sick_leave_share"], days["short_spell_share"]) == (0.5, 1.0)
    # The Monday is the spell's first day, so it is also a day 1–14: 0.333 / 0.666.
    assert days["sick_days_1_14"] == 0.33
    assert days["teams"] == [{"team": "intake", "scheduled_days": 0.67, "sick_days": 0.33,
                              "sick_leave_share": 0.5, "sick_leave_day_1_14_share": 0.5}]


def test_a_weekend_spell_in_a_month_of_working_days_counts_nothing(one) -> None:
    # Saturday 7 and Sunday 8 March: sick, but on no working day of the 22 in March.
    absence.away(one, "d", first=D("2026-03-07"), last=D("2026-03-08"), kind="sick")
    march = staff_figures(one, D("2026-03-01"), D("2026-03-31"))
    assert (march["scheduled_days"], march["sick_days"], march["short_spell_days"]) == (22, 0, 0)
    assert (march["sick_leave_share"], march["short_spell_share"]) == (0.0, None)
