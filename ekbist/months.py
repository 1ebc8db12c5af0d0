"""Calendar months: the one place that counts them, ends them and steps over them.

Reports, plans, caseload and the demo all work in 'YYYY-MM' months; keeping the arithmetic
here means a month ends on the same day wherever it is asked.
"""

from __future__ import annotations

import calendar
from datetime import date
from typing import overload

from ekbist.i18n import N_

# The longest series any month-by-month report computes at a time.
MAX_MONTHS = 600

# The months' names in English, translated when shown: _(MONTH_NAMES[month - 1]).
MONTH_NAMES = (N_("January"), N_("February"), N_("March"), N_("April"), N_("May"),
               N_("June"), N_("July"), N_("August"), N_("September"), N_("October"),
               N_("November"), N_("December"))


def month_index(month: str | date) -> int:
    """The number of months from year 0 to ``month`` ('YYYY-MM', or a day's month):
    year × 12 + month − 1. Two months' distance is the difference of their indices."""
    if isinstance(month, date):
        return month.year * 12 + month.month - 1
    return int(month[:4]) * 12 + int(month[5:7]) - 1


def sql_month_index(expr: str) -> str:
    """SQL for :func:`month_index` of ``expr``, an ISO month or day ('YYYY-MM…').

    The year is the text's own CAST: SQLite casts text to INTEGER by its longest integer
    prefix, which is the year, so no substring is made for it (the key figures compute this
    for each of a million applications)."""
    return (f"(CAST({expr} AS INTEGER) * 12 "
            f"+ CAST(substr({expr}, 6, 2) AS INTEGER) - 1)")


@overload
def month_add(month: str, n: int) -> str: ...
@overload
def month_add(month: date, n: int) -> date: ...
def month_add(month: str | date, n: int) -> str | date:
    """``month`` moved by ``n`` calendar months (``n`` may be negative): the one way to add
    months. A month ('YYYY-MM') gives a month; a day gives the same day of the month
    reached, or that month's last day when it is shorter — 31 January + 1 month is the
    last day of February, not 3 March (whole calendar months, not 30-day blocks)."""
    index = month_index(month) + n
    year, number = index // 12, index % 12 + 1
    if isinstance(month, date):
        return date(year, number, min(month.day, calendar.monthrange(year, number)[1]))
    return month_of(year, number)


def month_of(year: int, month: int) -> str:
    """The month 'YYYY-MM' of ``year`` and ``month`` (1–12)."""
    return f"{year:04d}-{month:02d}"


def months_between(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last`` ('YYYY-MM'), both included; empty if reversed."""
    out, month = [], first
    while month <= last:
        out.append(month)
        month = month_add(month, 1)
    return out


def month_end(month: str, today: date | None = None) -> date:
    """The last day of ``month`` ('YYYY-MM'), or ``today`` when that comes first."""
    year, number = int(month[:4]), int(month[5:7])
    last = date(year, number, calendar.monthrange(year, number)[1])
    return min(last, today) if today is not None else last
