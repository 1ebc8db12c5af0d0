"""Whether a report's period is over: a month or year still running says so.

A report run on 25 November about November counts 25 days of it, and beside the whole of
November last year that looks like a fall. Every report over a month or a span of months
(the month and year reports, the tertial report, the key figures, caseload history and
plan coverage month by month) marks a period that is not over relative to the reporting
day: ``"complete": false`` in JSON with the days or months covered, and in words
"November 2026 to the 25th (preliminary)" / "november 2026 t.o.m. den 25:e (preliminär)".

The rule: a month is complete once the reporting day is its last day or later (the
figures of the 30th are in on the 30th, as every other figure of ekbist counts "up to and
including today"); the day before, it is not. A year is complete on 31 December.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ekbist.i18n import _, language
from ekbist.months import month_end


def month_state(year: int, month: int, today: date) -> dict[str, Any]:
    """``{"complete", "to", "days", "days_in_month"}`` of one month as of ``today``:
    ``to`` the last day counted (the month's end, or today), ``days`` how many of its days."""
    last = month_end(f"{year:04d}-{month:02d}")
    to = min(last, today)
    days = max(0, (to - date(year, month, 1)).days + 1)
    return {"complete": today >= last, "to": to.isoformat(), "days": days,
            "days_in_month": last.day}


def span_state(first: str, last: str, today: date) -> dict[str, Any]:
    """``{"complete", "to", "months", "running_month", "running_days"}`` of the months
    ``first``–``last`` ('YYYY-MM'): ``months`` the months that have begun (the ones an average
    covers), ``running_month`` the one not over yet (or None) and how many of its days count."""
    from ekbist.months import months_between

    begun = [m for m in months_between(first, last) if date(int(m[:4]), int(m[5:]), 1) <= today]
    running, days = None, None
    if begun:
        state = month_state(int(begun[-1][:4]), int(begun[-1][5:]), today)
        if not state["complete"]:
            running, days = begun[-1], state["days"]
    end = month_end(last)
    return {"complete": today >= end, "to": min(end, today).isoformat(), "months": begun,
            "running_month": running, "running_days": days}


def ordinal(day: int) -> str:
    """'25th' in English, '25:e' in Swedish (1:a, 2:a, 21:a, 22:a, 31:a; 11:e, 12:e)."""
    if language() == "sv":
        return f"{day}:{'a' if day % 10 in (1, 2) and day % 100 not in (11, 12) else 'e'}"
    suffix = "th" if day % 100 in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def month_words(year: int, month: int, today: date, *, with_year: bool = True) -> str:
    """'November 2026', or 'November 2026 to the 25th (preliminary)' when it is not over."""
    from ekbist.months import MONTH_NAMES

    name = _(MONTH_NAMES[month - 1])
    if language() == "sv":
        name = name.lower()
    if with_year:
        name = f"{name} {year}"
    state = month_state(year, month, today)
    if state["complete"]:
        return name
    return _("{month} to the {day} (preliminary)").format(month=name, day=ordinal(state["days"]))


def running_note(state: dict[str, Any]) -> str | None:
    """A line saying which months a span's figures and averages cover, when it is not over:
    'Preliminary: the figures cover January–November 2026, November to the 25th.'"""
    if state["complete"] or not state["months"]:
        return None
    from ekbist.months import MONTH_NAMES

    def name(month: str) -> str:
        text = _(MONTH_NAMES[int(month[5:]) - 1])
        return text.lower() if language() == "sv" else text

    first, last = state["months"][0], state["months"][-1]
    months = name(first) if first == last else f"{name(first)}–{name(last)}"
    months = f"{months} {last[:4]}"
    if state["running_month"] is None:
        return _("Preliminary: the period is not over; the figures and averages cover "
                 "{months}.").format(months=months)
    return _("Preliminary: the figures and averages cover {months}, {month} to the "
             "{day}.").format(months=months, month=name(state["running_month"]),
                              day=ordinal(state["running_days"]))


def measured_note(state: dict[str, Any]) -> str | None:
    """For a series measured on one day a month (plan coverage): which day the running month
    is measured on, when the series is not over. None when it is.
    'Preliminary: November is not over; it is measured on the 25th, the other months on
    their last day.'"""
    if state["complete"] or state["running_month"] is None:
        return None
    from ekbist.months import MONTH_NAMES

    month = _(MONTH_NAMES[int(state["running_month"][5:]) - 1])
    if language() == "sv":
        month = month.lower()
    return _("Preliminary: {month} is not over; it is measured on the {day}, the other months "
             "on their last day.").format(month=month, day=ordinal(state["running_days"]))
