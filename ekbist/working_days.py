"""The Swedish working-day calendar (arbetsdagar).

A working day is Monday–Friday that is not a Swedish public holiday, not
midsommarafton, julafton or nyårsafton (equal to Sunday in Swedish law), and not
a day the unit has registered as closed. Holidays come from the ``holidays``
package (public and de-facto categories), never from hand-written rules.

Single dates are answered in Python; many rows at once are answered in SQL
through the ``calendar_day``/``workday`` index: ``workday_no`` numbers the
working days, so "working day N counted from S" and "working days between A and
B" become two index look-ups per row.
"""

from __future__ import annotations

import functools
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from ekbist.errors import EkbistError
from ekbist.i18n import _, language

if TYPE_CHECKING:
    from ekbist.store import Store

FIRST_DAY = date(1990, 1, 1)
LAST_DAY = date(2060, 12, 31)
# The years the index covers: a report that counts working days needs its year in here.
YEARS = (FIRST_DAY.year, LAST_DAY.year)


@functools.lru_cache(maxsize=256)
def swedish_holidays(year: int, lang: str = "sv") -> dict[date, str]:
    """Swedish public and de-facto holidays of ``year`` (weekends included), named in ``lang``."""
    import holidays

    found = holidays.country_holidays(
        "SE",
        years=year,
        categories=(holidays.PUBLIC, holidays.DE_FACTO),
        language="sv" if lang == "sv" else "en_US",
    )
    return dict(found.items())


def check_in_calendar(day: date) -> None:
    """Refuse a day the working-day index does not cover, instead of a deadline of NULL."""
    if not FIRST_DAY <= day <= LAST_DAY:
        raise EkbistError(
            _("{day} is outside the calendar ({first} to {last})").format(
                day=day.isoformat(), first=FIRST_DAY.year, last=LAST_DAY.year
            )
        )


class WorkCalendar:
    """Working days given the unit's closed days (lokala stängningsdagar)."""

    def __init__(self, closed_days: dict[date, str] | None = None):
        self.closed_days = dict(closed_days or {})

    @classmethod
    def from_store(cls, store: Store) -> WorkCalendar:
        rows = store.query("SELECT day, reason FROM closed_day")
        return cls({date.fromisoformat(r["day"]): r["reason"] for r in rows})

    def is_workday(self, day: date) -> bool:
        check_in_calendar(day)
        return (
            day.weekday() < 5
            and day not in swedish_holidays(day.year)
            and day not in self.closed_days
        )

    def first_workday_from(self, day: date) -> date:
        while not self.is_workday(day):
            day += timedelta(days=1)
        return day

    def deadline(self, start: date, days: int = 5) -> date:
        """Working day ``days``, counting ``start`` as day 1 when it is a working day."""
        if days < 1:
            raise EkbistError(_("the number of working days must be at least 1"))
        day = self.first_workday_from(start)
        counted = 1
        while counted < days:
            day += timedelta(days=1)
            if self.is_workday(day):
                counted += 1
        return day

    def between(self, first: date, last: date) -> int:
        """Working days from ``first`` to ``last``, both counted (0 if last is before first)."""
        check_in_calendar(first)
        check_in_calendar(last)
        count = 0
        day = first
        while day <= last:
            count += self.is_workday(day)
            day += timedelta(days=1)
        return count

    def non_working_weekdays(self, year: int) -> list[tuple[date, str]]:
        """Weekdays of ``year`` that are not working days, with the holiday's name or the reason."""
        check_in_calendar(date(year, 1, 1))
        names = swedish_holidays(year, language())
        found = {d: n for d, n in names.items() if d.weekday() < 5}
        for day, reason in self.closed_days.items():
            if day.year == year and day.weekday() < 5:
                found[day] = found.get(day) or reason
        return sorted(found.items())


def _index_rows(cal: WorkCalendar) -> tuple[list[tuple[str, int, int]], list[tuple[int, str]]]:
    days, workdays = [], []
    number = 0
    holidays_by_year: dict[int, dict[date, str]] = {}
    day = FIRST_DAY
    one = timedelta(days=1)
    while day <= LAST_DAY:
        year_holidays = holidays_by_year.get(day.year)
        if year_holidays is None:
            year_holidays = holidays_by_year[day.year] = swedish_holidays(day.year)
        working = day.weekday() < 5 and day not in year_holidays and day not in cal.closed_days
        iso = day.isoformat()
        if working:
            number += 1
            workdays.append((number, iso))
        days.append((iso, int(working), number))
        day += one
    return days, workdays


def rebuild_index(store: Store) -> None:
    """Recompute the working-day index used by every deadline computed in SQL."""
    cal = WorkCalendar.from_store(store)
    days, workdays = _index_rows(cal)
    with store.transaction():
        store.execute("DELETE FROM calendar_day")
        store.execute("DELETE FROM workday")
        store.executemany("INSERT INTO calendar_day VALUES (?, ?, ?)", days)
        store.executemany("INSERT INTO workday VALUES (?, ?)", workdays)


def ensure_index(store: Store) -> None:
    if store.scalar("SELECT 1 FROM calendar_day LIMIT 1") is None:
        rebuild_index(store)


def close_day(store: Store, day: date, reason: str) -> None:
    """Register a day the unit is closed; every deadline from now on skips it."""
    check_in_calendar(day)
    if not reason.strip():
        raise EkbistError(_("give a reason for closing the day"))
    if store.scalar("SELECT 1 FROM closed_day WHERE day = ?", (day.isoformat(),)):
        raise EkbistError(_("{day} is already a closed day").format(day=day.isoformat()))
    with store.transaction():
        store.execute(
            "INSERT INTO closed_day (day, reason) VALUES (?, ?)", (day.isoformat(), reason.strip())
        )
        rebuild_index(store)


def open_day(store: Store, day: date) -> None:
    """Take back a closed day."""
    if not store.scalar("SELECT 1 FROM closed_day WHERE day = ?", (day.isoformat(),)):
        raise EkbistError(_("{day} is not a closed day").format(day=day.isoformat()))
    with store.transaction():
        store.execute("DELETE FROM closed_day WHERE day = ?", (day.isoformat(),))
        rebuild_index(store)


def closed_days(store: Store) -> list[dict[str, Any]]:
    """The unit's closed days (stängda dagar), earliest first."""
    return store.query("SELECT day AS date, reason FROM closed_day ORDER BY day")


# -- SQL building blocks --------------------------------------------------------
def sql_deadline(start_expr: str, days_expr: str = ":days") -> str:
    """SQL for working day ``days`` counted from the date in ``start_expr`` (NULL outside the index).

    The sub-queries use the aliases ``wd_`` and ``cd_``; do not use those in the outer query.
    """
    return (
        "(SELECT wd_.day FROM workday wd_ WHERE wd_.workday_no = "
        f"{_sql_workdays_before(start_expr)} + {days_expr})"
    )


def sql_workday_after(day_expr: str, n: int) -> str:
    """SQL for working day ``n`` after the date in ``day_expr``: 1 is the next working day
    (a message left on a Saturday: Monday); 0 the day itself when it is a working day,
    else the first working day after it (the promises of :mod:`ekbist.contacts`).

    The sub-queries use the aliases ``wd_`` and ``cd_``; do not use those in the outer query.
    """
    return (
        "(SELECT wd_.day FROM workday wd_ WHERE wd_.workday_no = "
        f"(SELECT max(cd_.workday_no + {int(n)}, cd_.workday_no - cd_.is_workday + 1) "
        f"FROM calendar_day cd_ WHERE cd_.day = {day_expr}))"
    )


def _sql_workdays_before(day_expr: str) -> str:
    """SQL for the number of working days before the date in ``day_expr``.

    Read from the day itself, not from the day before, which the index does not hold
    for its first day (1 January 1990).
    """
    return (
        "(SELECT cd_.workday_no - cd_.is_workday FROM calendar_day cd_ "
        f"WHERE cd_.day = date({day_expr}))"
    )


def sql_workday_no(day_expr: str) -> str:
    """SQL for the number of working days up to and including the date in ``day_expr``."""
    return f"(SELECT cd_.workday_no FROM calendar_day cd_ WHERE cd_.day = {day_expr})"


def sql_between(first_expr: str, last_expr: str) -> str:
    """SQL for the working days from ``first_expr`` to ``last_expr``, both counted."""
    return f"({sql_workday_no(last_expr)} - {_sql_workdays_before(first_expr)})"
