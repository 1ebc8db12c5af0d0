"""The monthly key-figure sheet for the district board (one page).

A month that is not over (by the reporting day) is marked: ``complete`` false, with the
days counted (``days`` of ``days_in_month``), since its figures are set beside the whole
of the same month last year.

Households this month and the same month last year, assistance paid for the month
and the year to date, the prognosis and its deviation, cases per FTE, the share
decided within five working days and plan coverage. The figures come from the same
definitions as ``ekbist indicators`` (households: a granted or partly granted
application above 0 kr for the month) and the tertial report.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ekbist import caseload, handling_time, plan_coverage
from ekbist import prognosis as prognosis_lib
from ekbist.budget import check_month
from ekbist.errors import EkbistError
from ekbist.i18n import _
from ekbist.money import to_tkr
from ekbist.months import month_add, month_end
from ekbist.number_text import round_half_away
from ekbist.reports import barrier_figures
from ekbist.reports import contacts as contact_figures
from ekbist.reports import indicators as ind
from ekbist.reports import report_year
from ekbist.reports.completeness import month_state
from ekbist.store import Store


def _households(store: Store, month: str) -> int:
    return store.scalar(f"SELECT count(*) FROM ({ind.sql_household_months()})",
                        {"first": month, "last": month})


def _prognosis(store: Store, year: int, month: int, today: date) -> dict[str, Any] | None:
    # A prognosis made as of a month needs that month's actuals: without them there is none.
    if prognosis_lib.saved_on(store, year, month) is None and not store.scalar(
            "SELECT count(*) FROM actual WHERE year = ? AND month = ?", (year, month)):
        return None
    result, saved_on = prognosis_lib.saved_or_made(store, year, month, today=today)
    total = result["total"]
    return {"saved_on": saved_on, "budget_net": total["budget_net"],
            "prognosis_net": total["prognosis_net"], "deviation": total["deviation"],
            "budget_net_tkr": to_tkr(total["budget_net"]),
            "prognosis_net_tkr": to_tkr(total["prognosis_net"]),
            "deviation_tkr": to_tkr(total["deviation"])}


def month_report(store: Store, year: Any, month: Any, *, today: date) -> dict[str, Any]:
    """The month's key figures; money in whole kronor (and tkr), shares as fractions."""
    y, m = report_year(year), check_month(month)
    if (y, m) > (today.year, today.month):
        raise EkbistError(_("{period} has not come yet (today is {today})").format(
            period=f"{y:04d}-{m:02d}", today=today.isoformat()))
    period = f"{y:04d}-{m:02d}"
    first_day = date(y, m, 1)
    last_day = month_end(period, today)
    with store.snapshot():
        handled = handling_time.report(store, first_day, last_day)["total"]
        load = caseload.history(store, period, period)
        active = caseload.active_cases(store, [month_end(period)])[0]
        fte = sum(t["fte"][0] for t in load["teams"])
        coverage = plan_coverage.coverage(store, as_of=last_day, today=today)
        state = month_state(y, m, today)
        a_year_ago = month_add(period, -12)
        first = ind.first_month_with_data(store)
        return {
            "year": y,
            "month": m,
            "as_of": last_day.isoformat(),
            # A month not over yet (by today) says so, and how many of its days count.
            "complete": state["complete"],
            "days": state["days"],
            "days_in_month": state["days_in_month"],
            "households": {
                "this_month": _households(store, period),
                # Absent (None, "–") when the store's applications begin later.
                "same_month_last_year": (_households(store, a_year_ago)
                                         if first is not None and a_year_ago >= first else None),
            },
            "paid": {
                "month": store.scalar(ind.sql_paid(), {"first": period, "last": period}),
                "year_to_date": store.scalar(ind.sql_paid(),
                                             {"first": f"{y:04d}-01", "last": period}),
            },
            "prognosis": _prognosis(store, y, m, today),
            "active_cases": active,
            "fte": round_half_away(fte, 3),
            "cases_per_fte": round_half_away(active / fte, 1) if fte else None,
            "decided": handled["decided"],
            "in_time": handled["in_time"],
            "share_in_time": handled["share_in_time"],
            "plan_eligible": coverage["eligible"],
            "plan_current": coverage["current"],
            "plan_share": coverage["share"],
            "barriers": barrier_figures.by_barrier(store, period, period),
            "contacts": contact_figures.figures(store, first_day, last_day, today=today),
        }
