"""Readiness for a full-time activity requirement (Ds 2024:29), month by month.

Ds 2024:29 proposes that adults with försörjningsstöd take part in a full-time activity,
unless exempt. ekbist records activities per case (its applicant), so the figure is per
household with assistance in the month (:func:`ekbist.reports.household_months.
sql_household_months`, the atom of every key figure), by what the case's activities in the
month were:

- **full_time**: on some day of the month the activities running together (exemptions not
  counted) reached the set full-time hours a week (setting ``activities.full_time_hours``);
- **exempt**: otherwise, an exemption ran on some day of the month (its reason counted;
  the one that began last when there were several);
- **part_time**: otherwise, an activity ran on some day of the month (below full time,
  0 hours included);
- **none**: no activity and no exemption on any day of the month.

Each month's four classes add up to the month's households with assistance.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from ekbist import codes
from ekbist import settings as unit_settings
from ekbist.months import month_end, months_between
from ekbist.reports.household_months import sql_household_months
from ekbist.store import Store

CLASSES = ("full_time", "part_time", "exempt", "none")


def full_time_hours(store: Store) -> float:
    """The hours a week that make activities full time (setting activities.full_time_hours)."""
    return float(unit_settings.get(store, "activities.full_time_hours"))


def _most_hours(spans: list[tuple[str, str, float]], first_day: str, last_day: str) -> float:
    """The most hours a week of activities running together on one day of the month: the
    sum is highest on the month's first day or on a day an activity begins."""
    days = {first_day} | {s for s, _e, _h in spans if first_day < s <= last_day}
    return max((sum(h for s, e, h in spans if s <= d <= e) for d in days), default=0.0)


def classify(activities: list[dict[str, Any]], month: str, full_time: float,
             bounds: tuple[str, str] | None = None) -> tuple[str, str | None, float]:
    """The class of one case in ``month`` from its activities (rows with kind, exemption,
    hours, from_date, to_date): (class, exemption reason or None, most hours a week).
    ``bounds``: the month's first and last day, when the caller has them."""
    if not activities:
        return "none", None, 0.0
    first_day, last_day = bounds or (f"{month}-01", month_end(month).isoformat())
    spans, reason, reason_from = [], None, ""
    for a in activities:
        start, end = a["from_date"], a["to_date"] or "9999-12-31"
        if start > last_day or end < first_day:
            continue
        if a["kind"] == "exempt":
            if start >= reason_from:
                reason, reason_from = a["exemption"], start
        else:
            spans.append((max(start, first_day), min(end, last_day), float(a["hours"])))
    hours = _most_hours(spans, first_day, last_day) if spans else 0.0
    if spans and hours >= full_time:
        return "full_time", None, hours
    if reason is not None:
        return "exempt", reason, hours
    if spans:
        return "part_time", None, hours
    return "none", None, hours


def readiness(store: Store, first: str, last: str, *, today: date,
              handler: str | None = None) -> dict[str, Any]:
    """Households with assistance per month from ``first`` to ``last`` by class, and the
    households of the last month with no activity and no exemption, with their handler on
    the month's last day (or today, when that comes first).

    The JSON contract: ``{"from", "to", "full_time_hours", "reasons": [codes],
    "months": [{"month", "households", "full_time", "part_time", "exempt", "none",
    "exempt_by_reason": {reason: n}}], "without": {"month", "cases": [{"case", "handler"}],
    "by_handler": [{"handler", "cases"}]}}``. With ``handler`` the list is that handler's."""
    from ekbist.day_conditions import handler_of_case

    if handler is not None:
        from ekbist import handlers

        handlers.get(store, handler)
    full_time = full_time_hours(store)
    reasons = list(codes.EXEMPTIONS)
    first_day, last_day = f"{first}-01", month_end(last).isoformat()
    with store.snapshot():
        paying = store.tuples(
            f"SELECT hm.case_id, hm.period FROM ({sql_household_months()}) hm",
            {"first": first, "last": last}).fetchall()
        by_case: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in store.query(
                "SELECT case_id, kind, exemption, hours, from_date, to_date FROM activity "
                "WHERE from_date <= :last_day AND (to_date IS NULL OR to_date >= :first_day)",
                {"first_day": first_day, "last_day": last_day}):
            by_case[row["case_id"]].append(row)
        months = {m: {"month": m, "households": 0, **dict.fromkeys(CLASSES, 0),
                      "exempt_by_reason": dict.fromkeys(reasons, 0)}
                  for m in months_between(first, last)}
        without: list[str] = []
        bounds = {m: (f"{m}-01", month_end(m).isoformat()) for m in months}
        nothing: list[dict[str, Any]] = []
        for case_id, month in paying:
            kind, reason, _hours = classify(by_case.get(case_id, nothing), month, full_time,
                                            bounds[month])
            row = months[month]
            row["households"] += 1
            row[kind] += 1
            if reason is not None:
                row["exempt_by_reason"][reason] += 1
            if kind == "none" and month == last:
                without.append(case_id)
        on = min(month_end(last), today).isoformat()
        handler_sql = handler_of_case("c.id", ":on")
        handlers_of = dict(store.tuples(
            f"SELECT c.id, {handler_sql} FROM cases c WHERE c.id IN "
            "(SELECT value FROM json_each(:ids))",
            {"on": on, "ids": _json(without)}).fetchall()) if without else {}
    cases = sorted(({"case": c, "handler": handlers_of.get(c)} for c in without),
                   key=lambda r: (r["handler"] is None, r["handler"] or "", r["case"]))
    if handler is not None:
        cases = [r for r in cases if r["handler"] == handler]
    counted: dict[str | None, int] = {}
    for r in cases:
        counted[r["handler"]] = counted.get(r["handler"], 0) + 1
    return {
        "from": first, "to": last, "full_time_hours": full_time, "reasons": reasons,
        "months": list(months.values()),
        "without": {"month": last, "cases": cases,
                    "by_handler": [{"handler": h, "cases": n} for h, n in counted.items()]},
    }


def _json(values: list[str]) -> str:
    import json

    return json.dumps(values)
