"""The unit's promises of access as figures: the wait for a first visit, and the share of
each promise kept (issue 29; the business plan: "väntetiden för första besök följs upp").

* **Wait for a first visit**: calendar days from the request (a contact of kind
  ``first_visit``, the day received) to the visit held (the day answered), for the visits
  held in the period, by the month held; the mean and the median, for all and for
  households with children. A request still waiting is not in the figure until its visit
  is held (``waiting`` counts them as of the period's last day).
* **A promise kept**: a contact with a promise (:mod:`ekbist.contacts`) received in the
  period counts once it is settled — answered, or its deadline passed unanswered by the
  reporting day — and is kept when answered on or before its deadline. Debt advice is
  two promises: ``debt`` (households without children, the visit within
  ``contacts.debt_months``) and ``debt_children`` (the contact within
  ``contacts.debt_children_days``). The share is kept ÷ settled (None when none settled).

The deadlines are :func:`ekbist.contacts.sql_deadline`'s, so a report never disagrees with
``ekbist contacts check``.
"""

from __future__ import annotations

import statistics
from datetime import date
from typing import Any

from ekbist.contacts import PROMISES, promise_settings, sql_answered, sql_deadline
from ekbist.i18n import N_
from ekbist.months import month_end, months_between
from ekbist.number_text import round_half_away
from ekbist.store import Store

# Each promise in the reports' words (English, translated when shown): the debt advice of
# families with children is a promise of its own.
PROMISE_LABELS = {
    "callback": N_("Call-backs"),
    "violence": N_("Violence contacts"),
    "debt": N_("Debt advice"),
    "debt_children": N_("Debt advice, families with children"),
}


def _wait(days: list[int]) -> dict[str, Any]:
    return {
        "visits": len(days),
        "mean_days": round_half_away(sum(days) / len(days), 1) if days else None,
        "median_days": round_half_away(float(statistics.median(days)), 1) if days else None,
    }


def _share(kept: int, settled: int) -> float | None:
    return round_half_away(kept / settled, 4) if settled else None


def _waits(store: Store, first: date, last: date, today: date) -> dict[str, list[tuple]]:
    """(month held, days waited, children) of each first visit held from first to last."""
    rows = store.tuples(
        f"""SELECT substr(c.answered, 1, 7), julianday(c.answered) - julianday(c.received),
                   c.children
            FROM contact c
            WHERE c.kind = 'first_visit' AND c.answered BETWEEN :first AND :last
              AND c.answered <= :today""",
        {"first": first.isoformat(), "last": last.isoformat(), "today": today.isoformat()},
    )
    by_month: dict[str, list[tuple]] = {}
    for month, days, children in rows:
        by_month.setdefault(month, []).append((int(days), bool(children)))
    return by_month


def _promises(store: Store, first: date, last: date, today: date) -> dict[str, list[tuple]]:
    """(promise, kept) of each settled contact with a promise received from first to last."""
    deadline = sql_deadline(promise_settings(store))
    rows = store.tuples(
        f"""SELECT month, promise, answered IS NOT NULL AND answered <= deadline FROM (
                SELECT substr(c.received, 1, 7) AS month,
                       CASE WHEN c.kind = 'debt' AND c.children = 1 THEN 'debt_children'
                            ELSE c.kind END AS promise,
                       {deadline} AS deadline, {sql_answered()} AS answered
                FROM contact c
                WHERE c.kind IN ('callback', 'violence', 'debt')
                  AND c.received BETWEEN :first AND :last AND c.received <= :today)
            WHERE answered IS NOT NULL OR deadline < :today""",
        {"first": first.isoformat(), "last": last.isoformat(), "today": today.isoformat()},
    )
    by_month: dict[str, list[tuple]] = {}
    for month, promise, kept in rows:
        by_month.setdefault(month, []).append((promise, bool(kept)))
    return by_month


def _figures(waits: list[tuple], promises: list[tuple], waiting: int | None) -> dict[str, Any]:
    kept = {p: [0, 0] for p in PROMISES}
    for promise, ok in promises:
        kept[promise][0] += 1
        kept[promise][1] += ok
    result: dict[str, Any] = {
        "first_visit": {
            "all": _wait([d for d, _c in waits]),
            "children": _wait([d for d, c in waits if c]),
        },
        "promises": {p: {"settled": s, "kept": k, "share_kept": _share(k, s)}
                     for p, (s, k) in kept.items()},
    }
    if waiting is not None:
        result["first_visit"]["waiting"] = waiting
    return result


def _still_waiting(store: Store, day: date) -> int:
    """First-visit requests received by ``day`` whose visit was not held by then."""
    return int(store.scalar(
        "SELECT count(*) FROM contact WHERE kind = 'first_visit' AND received <= :d"
        " AND (answered IS NULL OR answered > :d)", {"d": day.isoformat()}))


def figures(store: Store, first: date, last: date, *, today: date) -> dict[str, Any]:
    """The period's figures: the wait for a first visit and the promises kept."""
    last = min(last, today)
    waits = [w for rows in _waits(store, first, last, today).values() for w in rows]
    promises = [p for rows in _promises(store, first, last, today).values() for p in rows]
    return {"from": first.isoformat(), "to": last.isoformat(),
            **_figures(waits, promises, _still_waiting(store, last))}


def monthly(store: Store, first_month: str, last_month: str, *,
            today: date) -> list[dict[str, Any]]:
    """The same figures month by month ('YYYY-MM' to 'YYYY-MM'), to today at the latest."""
    first = date.fromisoformat(first_month + "-01")
    last = min(month_end(last_month), today)
    waits = _waits(store, first, last, today)
    promises = _promises(store, first, last, today)
    return [{"month": m, **_figures(waits.get(m, []), promises.get(m, []), None)}
            for m in months_between(first_month, last_month) if m <= today.isoformat()[:7]]


def yearly(store: Store, year: int, *, today: date) -> dict[str, Any]:
    """The year's figures (to today when the year is not over) and the same month by month.

    The visits and promises are read once and counted twice, for the months and for the
    year: the year's rows are its months' rows together (:func:`figures` and
    :func:`monthly` read the same days)."""
    first, last = date(year, 1, 1), min(date(year, 12, 31), today)
    with store.snapshot():
        waits = _waits(store, first, last, today)
        promises = _promises(store, first, last, today)
        waiting = _still_waiting(store, last)
    months = [{"month": m, **_figures(waits.get(m, []), promises.get(m, []), None)}
              for m in months_between(f"{year:04d}-01", f"{year:04d}-12")
              if m <= today.isoformat()[:7]]
    return {"from": first.isoformat(), "to": last.isoformat(),
            **_figures([w for rows in waits.values() for w in rows],
                       [p for rows in promises.values() for p in rows], waiting),
            "months": months}
