"""Calendar months: the one place that counts them, ends them and steps over them.

Reports, plans, caseload and the demo all work in 'YYYY-MM' months; keeping the arithmetic
here means a month ends on the same day wherever it is asked.
"""

from __future__ import annotations

import calendar
from datetime import date

# The longest series any month-by-month report computes at a time.
MAX_MONTHS = 600


def month_add(month: str, n: int) -> str:
    """The month ``n`` months after ``month`` ('YYYY-MM'); ``n`` may be negative."""
    index = int(month[:4]) * 12 + int(month[5:7]) - 1 + n
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


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


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole calendar months, not 30-day blocks: 31 January + 1 month is
    the last day of February."""
    from dateutil.relativedelta import relativedelta

    return day + relativedelta(months=months)
