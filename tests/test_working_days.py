"""The Swedish working-day calendar against known years, in Python and in SQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ekbist.working_days import WorkCalendar, close_day, open_day, sql_between, sql_deadline
from ekbist.errors import EkbistError

CAL = WorkCalendar()


@pytest.mark.parametrize(
    "day, working",
    [
        (date(2008, 3, 21), False),  # Good Friday, early Easter
        (date(2008, 3, 24), False),  # Easter Monday, early Easter
        (date(2011, 4, 22), False),  # Good Friday, late Easter
        (date(2011, 4, 25), False),  # Easter Monday, late Easter
        (date(2011, 4, 26), True),
        (date(2024, 5, 9), False),  # Ascension Day
        (date(2024, 6, 21), False),  # midsommarafton (Friday)
        (date(2026, 6, 19), False),  # midsommarafton
        (date(2026, 6, 18), True),
        (date(2024, 12, 24), False),  # julafton on a Tuesday
        (date(2024, 12, 31), False),  # nyårsafton on a Tuesday
        (date(2025, 6, 6), False),  # national day on a Friday
        (date(2026, 1, 6), False),  # Epiphany
        (date(2026, 11, 25), True),
        (date(2026, 11, 28), False),  # a Saturday
    ],
)
def test_known_days(day: date, working: bool) -> None:
    assert CAL.is_workday(day) is working


@pytest.mark.parametrize(
    "start, deadline",
    [
        (date(2026, 4, 2), date(2026, 4, 10)),  # across Easter 2026
        (date(2026, 11, 28), date(2026, 12, 4)),  # arrives on a Saturday: Monday is day 1
        (date(2026, 12, 22), date(2026, 12, 30)),  # across Christmas
        (date(2026, 12, 30), date(2027, 1, 8)),  # across New Year and Epiphany
        (date(2026, 5, 12), date(2026, 5, 19)),  # across Ascension (14 May)
        (date(2026, 6, 16), date(2026, 6, 23)),  # across midsommarafton (19 June)
        (date(2008, 3, 20), date(2008, 3, 28)),  # early Easter
    ],
)
def test_known_deadlines(start: date, deadline: date) -> None:
    assert CAL.deadline(start, 5) == deadline


def test_between_counts_both_ends() -> None:
    assert CAL.between(date(2026, 11, 23), date(2026, 11, 27)) == 5
    assert CAL.between(date(2026, 11, 27), date(2026, 11, 23)) == 0
    assert CAL.between(date(2026, 12, 21), date(2027, 1, 8)) == 10


def test_non_working_weekdays_have_swedish_names() -> None:
    days = dict(WorkCalendar().non_working_weekdays(2026))
    from ekbist.i18n import set_language

    set_language("sv")
    try:
        swedish = dict(WorkCalendar().non_working_weekdays(2026))
    finally:
        set_language("en")
    assert swedish[date(2026, 6, 19)] == "Midsommarafton"
    assert swedish[date(2026, 12, 24)] == "Julafton"
    assert days[date(2026, 12, 31)] == "New Year's Eve"
    assert all(d.weekday() < 5 for d in days)


def test_closed_day_moves_deadlines(store) -> None:
    close_day(store, date(2026, 4, 8), "Planeringsdag")
    cal = WorkCalendar.from_store(store)
    assert cal.deadline(date(2026, 4, 2)) == date(2026, 4, 13)
    sql = f"SELECT {sql_deadline(':start')}"
    assert store.scalar(sql, {"start": "2026-04-02", "days": 5}) == "2026-04-13"
    with pytest.raises(EkbistError, match="already a closed day"):
        close_day(store, date(2026, 4, 8), "again")
    open_day(store, date(2026, 4, 8))
    assert store.scalar(sql, {"start": "2026-04-02", "days": 5}) == "2026-04-10"
    with pytest.raises(EkbistError, match="not a closed day"):
        open_day(store, date(2026, 4, 8))


def test_outside_the_calendar_is_refused() -> None:
    with pytest.raises(EkbistError, match="outside the calendar"):
        CAL.is_workday(date(1985, 1, 1))


def test_sql_index_agrees_with_python_2005_to_2040(store) -> None:
    """Every start date from 2005 to 2040: the SQL deadline equals the calendar's."""
    rows = store.query(
        f"""SELECT c.day, {sql_deadline("c.day", "5")} AS deadline,
                   {sql_between("c.day", sql_deadline("c.day", "5"))} AS counted
            FROM calendar_day c WHERE c.day BETWEEN '2005-01-01' AND '2040-12-31'"""
    )
    assert len(rows) == (date(2040, 12, 31) - date(2005, 1, 1)).days + 1
    day = date(2005, 1, 1)
    for row in rows:
        expected = CAL.deadline(day, 5)
        assert row["deadline"] == expected.isoformat(), row
        assert row["counted"] == 5
        day += timedelta(days=1)


@settings(max_examples=300, deadline=None)
@given(st.dates(min_value=date(2005, 1, 1), max_value=date(2040, 12, 1)), st.integers(1, 15))
def test_deadline_is_always_a_working_day(start: date, days: int) -> None:
    deadline = CAL.deadline(start, days)
    assert CAL.is_workday(deadline)
    assert deadline >= start
    first = CAL.first_workday_from(start)
    assert CAL.between(first, deadline) == days


@settings(max_examples=300, deadline=None)
@given(st.dates(min_value=date(2005, 1, 1), max_value=date(2040, 12, 1)))
def test_five_days_from_a_working_day(start: date) -> None:
    if CAL.is_workday(start):
        assert CAL.between(start, CAL.deadline(start)) == 5
