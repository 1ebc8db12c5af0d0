"""Staff figures for the annual report: sick leave, short sick spells and staff turnover.

The seed's annual report gives "Sjukfrånvaro 9 %" against a target of 4,4 % and the
personnel turnover. The municipal definitions are used:

* sick leave % = sick working days / scheduled working days, each day weighted by
  the handler's FTE, so a half-time handler's sick day weighs half a full-timer's.
  Scheduled working days are the working days (ekbist's calendar: weekends, Swedish
  public holidays and the unit's closed days excluded) the handler was employed in
  the period (employed as :mod:`ekbist.day_conditions` says); sick working days are
  those of them inside a ``sick`` absence.
* an absence counts for its extent: a day of sick leave at 50 % is half a sick day
  (Stockholm's "sjukskrivna på hel- eller deltid"); a part-time sick handler is still
  scheduled for the whole day.
* sick leave days 1–14 (Stockholm's "sjukfrånvaro dag 1–14") = the sick working days
  among the first 14 calendar days of each spell / the scheduled working days, FTE- and
  extent-weighted like sick leave: the short-term part of the same sick leave, so the two
  are read side by side and both are better low.
* short spells = the share of the sick working days that lie in spells of 1–14
  calendar days (the employer's sick-pay period): the unit's own figure, not
  Stockholm's. Back-to-back sick absences of one handler are one spell (whatever their
  extents); a spell still open is counted up to the period's end.
* turnover = handlers whose last day of employment lies in the year / the average
  number employed (head count at each month's end, months up to the period's end).

FTE is the handler's present one: the store keeps no history of it.
"""

from __future__ import annotations

import json
from bisect import bisect_left, bisect_right
from datetime import date, timedelta
from typing import Any

from ekbist.codes import TEAMS
from ekbist.day_conditions import handler_employed, handler_left
from ekbist.months import month_end, months_between
from ekbist.number_text import round_half_away
from ekbist.store import Store

SHORT_SPELL_DAYS = 14
FIRST_DAYS = 14  # "sjukfrånvaro dag 1–14": the employer's sick-pay period of each spell


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


def _spells(rows: list[dict[str, Any]], period_last: date
            ) -> list[tuple[date, date, int, list[tuple[date, date, float]]]]:
    """Merged sick spells of one handler: (first, last within data, length in calendar days,
    its absences as (first, last, extent as a fraction))."""
    spells: list[list[Any]] = []
    for r in rows:
        first = date.fromisoformat(r["from_date"])
        last = date.fromisoformat(r["to_date"]) if r["to_date"] else max(period_last, first)
        part = (first, last, r["extent"] / 100)
        if spells and first <= spells[-1][1] + timedelta(days=1):
            spells[-1][1] = max(spells[-1][1], last)
            spells[-1][2].append(part)
        else:
            spells.append([first, last, [part]])
    return [(a, b, (b - a).days + 1, parts) for a, b, parts in spells]


def _share(part: float, whole: float) -> float | None:
    return round_half_away(part / whole, 4) if whole else None


def _employed_days(store: Store, workdays: list[date]) -> list[dict[str, Any]]:
    """Each handler employed on some of ``workdays``: how many, and the first and last of
    them (one stretch: employment has one start and one end)."""
    return store.query(
        f"""SELECT h.id, h.team, h.fte, count(*) AS days, min(d.value) AS first_day,
                   max(d.value) AS last_day
            FROM handler h JOIN json_each(:days) d ON {handler_employed('d.value')}
            GROUP BY h.id""",
        {"days": json.dumps([d.isoformat() for d in workdays])})


def staff_figures(store: Store, first: date, last: date) -> dict[str, Any]:
    """Sick leave, short spells and turnover from ``first`` to ``last`` (inclusive).

    Shares are fractions (0.09 = 9 %). Returns ``{"from", "to", "scheduled_days",
    "sick_days", "short_spell_days", "sick_days_1_14", "sick_leave_share",
    "sick_leave_day_1_14_share", "short_spell_share", "leavers", "average_employed",
    "turnover_share", "teams": [...]}``; the day counts are FTE- and extent-weighted.
    """
    workdays = _workdays(store, first, last)
    month_ends = [month_end(m, today=last)
                  for m in months_between(first.isoformat()[:7], last.isoformat()[:7])]
    with store.snapshot():
        employed = _employed_days(store, workdays)
        sick = store.query(
            "SELECT handler, from_date, to_date, extent FROM absence WHERE kind = 'sick'"
            " AND from_date <= :last AND (to_date IS NULL OR to_date >= :first_back)"
            " ORDER BY handler, from_date",
            {"last": last.isoformat(),
             # a spell that began before the period still counts its length from its start
             "first_back": (first - timedelta(days=366)).isoformat()})
        # A leaver's last day of employment (the day before end_date) lies in the period.
        leavers = store.scalar(
            f"SELECT count(*) FROM handler h WHERE {handler_left(':after')}"
            f" AND NOT {handler_left(':first')}",
            {"first": first.isoformat(), "after": (last + timedelta(days=1)).isoformat()})
        counts = [n for _day, n in store.tuples(
            f"""SELECT d.value, count(h.id) FROM json_each(:days) d
                LEFT JOIN handler h ON {handler_employed('d.value')} GROUP BY d.value""",
            {"days": json.dumps([d.isoformat() for d in month_ends])})]
    by_handler: dict[str, list[dict[str, Any]]] = {}
    for r in sick:
        by_handler.setdefault(r["handler"], []).append(r)

    teams = {code: {"scheduled": 0.0, "sick": 0.0, "short": 0.0, "first": 0.0} for code in TEAMS}
    for h in employed:
        fte = float(h["fte"])
        tally = teams[h["team"]]
        tally["scheduled"] += fte * h["days"]
        # The employed working days are the stretch of ``workdays`` from first_day to last_day.
        on = date.fromisoformat(h["first_day"])
        off = date.fromisoformat(h["last_day"])

        def worked(a: date, b: date) -> int:
            """Working days of the period from ``a`` to ``b`` the handler was employed."""
            return max(0, bisect_right(workdays, min(b, off)) - bisect_left(workdays, max(a, on)))

        for start, _end, length, parts in _spells(by_handler.get(h["id"], []), last):
            day_14 = start + timedelta(days=FIRST_DAYS - 1)
            for a, b, extent in parts:
                n = fte * extent * worked(a, b)
                tally["sick"] += n
                if length <= SHORT_SPELL_DAYS:
                    tally["short"] += n
                tally["first"] += fte * extent * worked(a, min(b, day_14))

    scheduled = sum(t["scheduled"] for t in teams.values())
    sick_days = sum(t["sick"] for t in teams.values())
    short_days = sum(t["short"] for t in teams.values())
    first_days = sum(t["first"] for t in teams.values())

    average = round_half_away(sum(counts) / len(counts), 2) if counts else 0.0
    return {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "scheduled_days": round_half_away(scheduled, 2),
        "sick_days": round_half_away(sick_days, 2),
        "short_spell_days": round_half_away(short_days, 2),
        "sick_days_1_14": round_half_away(first_days, 2),
        "sick_leave_share": _share(sick_days, scheduled),
        "sick_leave_day_1_14_share": _share(first_days, scheduled),
        "short_spell_share": _share(short_days, sick_days),
        "leavers": leavers,
        "average_employed": average,
        "turnover_share": _share(leavers, average),
        "teams": [{"team": code, "scheduled_days": round_half_away(t["scheduled"], 2),
                   "sick_days": round_half_away(t["sick"], 2),
                   "sick_leave_share": _share(t["sick"], t["scheduled"]),
                   "sick_leave_day_1_14_share": _share(t["first"], t["scheduled"])}
                  for code, t in teams.items() if t["scheduled"]],
    }
