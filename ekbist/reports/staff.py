"""Staff figures for the annual report: sick leave, short sick spells and staff turnover.

The seed's annual report gives "Sjukfrånvaro 9 %" against a target of 4,4 % and the
personnel turnover. The municipal definitions are used:

* sick leave % = sick working days / scheduled working days, each day weighted by
  the handler's FTE, so a half-time handler's sick day weighs half a full-timer's.
  Scheduled working days are the working days (ekbist's calendar: weekends, Swedish
  public holidays and the unit's closed days excluded) the handler was employed in
  the period; sick working days are those of them inside a ``sick`` absence.
* short spells = the share of the sick working days that lie in spells of 1–14
  calendar days (the employer's sick-pay period). Back-to-back sick absences of one
  handler are one spell; a spell still open is counted up to the period's end.
* turnover = handlers whose last day of employment lies in the year / the average
  number employed (head count at each month's end, months up to the period's end).

FTE is the handler's present one: the store keeps no history of it.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from datetime import date, timedelta
from typing import Any

from ekbist.codes import TEAMS
from ekbist.months import month_end, months_between
from ekbist.store import Store

SHORT_SPELL_DAYS = 14


def _workdays(store: Store, first: date, last: date) -> list[date]:
    """The working days from ``first`` to ``last``, from the store's working-day index
    (the calendar itself when the index does not cover them)."""
    rows = store.tuples(
        "SELECT day, is_workday FROM calendar_day WHERE day BETWEEN ? AND ? ORDER BY day",
        (first.isoformat(), last.isoformat())).fetchall()
    if len(rows) == (last - first).days + 1:
        return [date.fromisoformat(day) for day, is_workday in rows if is_workday]
    from ekbist.working_days import WorkCalendar

    cal = WorkCalendar.from_store(store)
    days, day = [], first
    while day <= last:
        if cal.is_workday(day):
            days.append(day)
        day += timedelta(days=1)
    return days


def _spells(rows: list[dict[str, Any]], period_last: date) -> list[tuple[date, date, int]]:
    """Merged sick spells of one handler: (first, last within data, length in calendar days)."""
    spells: list[list[date]] = []
    for r in rows:
        first = date.fromisoformat(r["from_date"])
        last = date.fromisoformat(r["to_date"]) if r["to_date"] else max(period_last, first)
        if spells and first <= spells[-1][1] + timedelta(days=1):
            spells[-1][1] = max(spells[-1][1], last)
        else:
            spells.append([first, last])
    return [(a, b, (b - a).days + 1) for a, b in spells]


def _share(part: float, whole: float) -> float | None:
    return round(part / whole, 4) if whole else None


def staff_figures(store: Store, first: date, last: date) -> dict[str, Any]:
    """Sick leave, short spells and turnover from ``first`` to ``last`` (inclusive).

    Shares are fractions (0.09 = 9 %). Returns ``{"from", "to", "sick_leave_share",
    "short_spell_share", "turnover_share", "leavers", "average_employed",
    "scheduled_days", "sick_days", "teams": [...]}``; the day counts are FTE-weighted.
    """
    workdays = _workdays(store, first, last)
    with store.snapshot():
        handlers = store.query("SELECT id, team, fte, start_date, end_date FROM handler")
        sick = store.query(
            "SELECT handler, from_date, to_date FROM absence WHERE kind = 'sick'"
            " AND from_date <= :last AND (to_date IS NULL OR to_date >= :first_back)"
            " ORDER BY handler, from_date",
            {"last": last.isoformat(),
             # a spell that began before the period still counts its length from its start
             "first_back": (first - timedelta(days=366)).isoformat()})
    by_handler: dict[str, list[dict[str, Any]]] = {}
    for r in sick:
        by_handler.setdefault(r["handler"], []).append(r)

    teams = {code: {"scheduled": 0.0, "sick": 0.0, "short": 0.0} for code in TEAMS}
    for h in handlers:
        start = date.fromisoformat(h["start_date"]) if h["start_date"] else None
        end = date.fromisoformat(h["end_date"]) if h["end_date"] else None  # first day gone
        employed = [d for d in workdays
                    if (start is None or d >= start) and (end is None or d < end)]
        if not employed:
            continue
        fte = float(h["fte"])
        tally = teams[h["team"]]
        tally["scheduled"] += fte * len(employed)
        spells = _spells(by_handler.get(h["id"], []), last)
        if not spells:
            continue
        for a, b, length in spells:
            n = bisect_right(employed, b) - bisect_left(employed, a)
            tally["sick"] += fte * n
            if length <= SHORT_SPELL_DAYS:
                tally["short"] += fte * n

    scheduled = sum(t["scheduled"] for t in teams.values())
    sick_days = sum(t["sick"] for t in teams.values())
    short_days = sum(t["short"] for t in teams.values())

    leavers = sum(1 for h in handlers if h["end_date"] and
                  first <= date.fromisoformat(h["end_date"]) - timedelta(days=1) <= last)
    month_ends = [month_end(m, today=last)
                  for m in months_between(first.isoformat()[:7], last.isoformat()[:7])]
    counts = [sum(1 for h in handlers
                  if (not h["start_date"] or h["start_date"] <= d.isoformat())
                  and (not h["end_date"] or h["end_date"] > d.isoformat()))
              for d in month_ends]
    average = round(sum(counts) / len(counts), 2) if counts else 0.0
    return {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "scheduled_days": round(scheduled, 2),
        "sick_days": round(sick_days, 2),
        "short_spell_days": round(short_days, 2),
        "sick_leave_share": _share(sick_days, scheduled),
        "short_spell_share": _share(short_days, sick_days),
        "leavers": leavers,
        "average_employed": average,
        "turnover_share": _share(leavers, average),
        "teams": [{"team": code, "scheduled_days": round(t["scheduled"], 2),
                   "sick_days": round(t["sick"], 2),
                   "sick_leave_share": _share(t["sick"], t["scheduled"])}
                  for code, t in teams.items() if t["scheduled"]],
    }
