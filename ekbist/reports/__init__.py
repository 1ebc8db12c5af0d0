"""Reports built on the store: the key figures (nyckeltal) and their definitions."""

from __future__ import annotations

from typing import Any


def report_year(year: Any) -> int:
    """A year for the year, month or tertial report, refused outside the years all of its
    parts can count: the narrowest of the working-day calendar's years (the five-day rule,
    :data:`ekbist.working_days.YEARS`) and the budget's (:data:`ekbist.budget.YEARS`), so
    the refusal names the range the report depends on."""
    from ekbist.budget import YEARS as BUDGET_YEARS
    from ekbist.validate import parse_year
    from ekbist.working_days import YEARS as CALENDAR_YEARS

    return parse_year(year, max(BUDGET_YEARS[0], CALENDAR_YEARS[0]),
                      min(BUDGET_YEARS[1], CALENDAR_YEARS[1]))
