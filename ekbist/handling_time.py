"""The five-working-day rule (handläggningstid): deadlines, the morning check, the report.

"Under förutsättning av att en ansökan om ekonomiskt bistånd är komplett blir
handläggningstiden fem arbetsdagar inklusive ankomstdagen." The clock starts on
the day the application is complete; day 1 is that day when it is a working day,
else the next working day; the deadline is working day ``handling.days``. A
decision on or before the deadline is in time. An application decided without
ever being complete has no clock and is counted apart, never as in time. A withdrawn
application is no decision: neither in time nor late, it is counted apart too.

Everything is computed in SQL over the ``calendar_day``/``workday`` index (see
:mod:`ekbist.working_days`), so a check over thousands of open applications or a
report over a year of decisions is a handful of index look-ups per row.

Counting conventions (both follow from "a decision made on a day off lands on
the next working day"):

* working days to a decision = working days from day 1 to the decision day, both
  counted, with a decision on a day off counted as on the next working day. So
  in time ⇔ working days ≤ ``handling.days``, and late by N ⇔ working days =
  ``handling.days`` + N.
* ``working_days_left`` of an open application as of today = working days after
  today up to and including the deadline (0 on the deadline, 1 the working day
  before); once late it is minus the working days a decision made today would be
  late by.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ekbist import settings
from ekbist.day_conditions import application_handler, application_open, handler_of_case
from ekbist.errors import EkbistError
from ekbist.i18n import N_, _
from ekbist.number_text import round_half_away
from ekbist.plans import grace_days, grace_modifier, sql_application_without_plan
from ekbist.store import Store
from ekbist.working_days import check_in_calendar, sql_between, sql_deadline

# Morning-check statuses, most urgent first.
STATUSES: dict[str, str] = {
    "overdue": N_("overdue"),
    "due_today": N_("due today"),
    "due_next": N_("due next working day"),
    "ok": N_("ok"),
    "incomplete": N_("incomplete"),
}

GROUPINGS = ("handler", "team", "month")

WAIT_LIMIT_DAYS = 14  # the national key figure: share waiting more than 14 days


def status_label(status: str) -> str:
    return _(STATUSES[status])


def _days(store: Store) -> int:
    return int(settings.get(store, "handling.days"))


def deadline(store: Store, start: date) -> date:
    """The decision deadline of an application complete on ``start``.

    Read from the store's working-day index, like every deadline in a list or report,
    so the one printed after ``application complete`` is the same by construction.
    """
    check_in_calendar(start)  # outside the working-day index a deadline would be NULL
    found = store.scalar(f"SELECT {sql_deadline(':start', ':days')}",
                         {"start": start.isoformat(), "days": _days(store)})
    if found is None:  # an index not built yet (a store opened read-only before init)
        from ekbist.working_days import WorkCalendar

        return WorkCalendar.from_store(store).deadline(start, _days(store))
    return date.fromisoformat(found)


# -- the morning check -------------------------------------------------------------
def open_applications(
    store: Store, today: date, *, handler: str | None = None
) -> list[dict[str, Any]]:
    """Every undecided application received on or before ``today``, with its status.

    This is the finding list of ``ekbist handling-time check`` and ``ekbist check``.
    Each row: ``id``, ``case``, ``handler`` (the handler covering the case today, else the
    clock-start handler, or the case's handler today when the clock has not started), ``handler_name``, ``received``,
    ``completed``, ``deadline``, ``status`` (overdue, due_today, due_next, ok,
    incomplete), ``working_days_left`` (negative when late, None when incomplete),
    ``working_days_since_arrival`` (arrival day counted as 1), ``flagged`` (an
    incomplete application waiting more than ``handling.incomplete_flag_days``
    working days) and ``without_plan`` (its case needed a change plan the day it was
    received and had no current one: :func:`ekbist.plans.sql_application_without_plan`).
    Rows are grouped by handler, the handler with the most urgent application first,
    and sorted by urgency within each handler.
    """
    check_in_calendar(today)
    params: dict[str, Any] = {
        "today": today.isoformat(),
        "days": _days(store),
        "flag": int(settings.get(store, "handling.incomplete_flag_days")),
        "handler": handler,
        "grace": grace_modifier(grace_days(store)),
    }
    # ``open`` is worked out once per application (MATERIALIZED): flattened into the queries
    # below, its handler and deadline sub-queries ran again at each use, four times and more.
    rows = store.query(
        f"""
        WITH open AS MATERIALIZED (
            SELECT a.id, a.case_id, a.received, a.completed,
                   {application_handler(':today')} AS handler,
                   (SELECT {sql_application_without_plan('a', 'c')} FROM cases c
                    WHERE c.id = a.case_id) AS without_plan,
                   CASE WHEN a.completed IS NOT NULL
                        THEN {sql_deadline('a.completed', ':days')} END AS deadline,
                   {sql_between('a.received', ':today')} AS since_arrival
            FROM (
                -- As of today: what had arrived and was not yet decided, complete or not then.
                SELECT id, case_id, received, handler,
                       CASE WHEN completed <= :today THEN completed END AS completed
                FROM application o
                WHERE {application_open(':today', 'o')}
            ) a
        ), timed AS (
            SELECT o.*,
                   CASE
                     WHEN o.deadline IS NULL THEN NULL
                     WHEN o.deadline >= :today
                       THEN {sql_between("date(:today, '+1 day')", 'o.deadline')}
                     ELSE -({sql_between("date(o.deadline, '+1 day')", "date(:today, '-1 day')")} + 1)
                   END AS left
            FROM open o
            WHERE :handler IS NULL OR o.handler = :handler
        ), ranked AS (
            SELECT t.*,
                   CASE
                     WHEN t.deadline IS NULL THEN 'incomplete'
                     WHEN t.deadline < :today THEN 'overdue'
                     WHEN t.deadline = :today THEN 'due_today'
                     WHEN t.left = 1 THEN 'due_next'
                     ELSE 'ok'
                   END AS status,
                   (t.deadline IS NULL AND t.since_arrival > :flag) AS flagged,
                   -- 0 overdue, 1 due today, 2 due next, 3 ok, 4 flagged incomplete, 5 incomplete
                   CASE
                     WHEN t.deadline IS NULL THEN 4 + (t.since_arrival <= :flag)
                     WHEN t.deadline < :today THEN 0
                     WHEN t.deadline = :today THEN 1
                     WHEN t.left = 1 THEN 2
                     ELSE 3
                   END AS urgency
            FROM timed t
        )
        SELECT r.id, r.case_id AS "case", r.handler, h.name AS handler_name,
               r.received, r.completed, r.deadline, r.status,
               r.left AS working_days_left,
               r.since_arrival AS working_days_since_arrival, r.flagged, r.without_plan
        FROM ranked r LEFT JOIN handler h ON h.id = r.handler
        WINDOW by_handler AS (PARTITION BY r.handler)
        -- Handlers with the most urgent work first, then each handler's list by urgency.
        ORDER BY r.handler IS NULL, min(r.urgency) OVER by_handler, min(r.left) OVER by_handler,
                 max(r.since_arrival) OVER by_handler DESC, r.handler,
                 r.urgency, r.left, r.since_arrival DESC, r.received, r.id
        """,
        params,
    )
    for row in rows:
        row["flagged"] = bool(row["flagged"])
        row["without_plan"] = bool(row["without_plan"])
    return rows


def count_statuses(rows: list[dict[str, Any]]) -> dict[str, int]:
    """Applications per status (every status present, zero when none)."""
    counts = dict.fromkeys(STATUSES, 0)
    for row in rows:
        counts[row["status"]] += 1
    return counts


def check(store: Store, today: date, *, handler: str | None = None) -> dict[str, Any]:
    """The morning check as one payload: ``{"as_of", "applications", "counts"}``.

    ``applications`` carries the keys of the JSON contract (id, case, handler, received,
    completed, deadline, status, working_days_left) plus ``working_days_since_arrival``
    and ``flagged``. ``flagged`` counts the incomplete applications past the flag limit;
    ``ekbist check`` can grade on ``counts`` and ``flagged`` alone.
    """
    if handler is not None and not store.scalar("SELECT 1 FROM handler WHERE id = ?", (handler,)):
        raise EkbistError(_("unknown handler '{id}'").format(id=handler))
    with store.snapshot():
        rows = open_applications(store, today, handler=handler)
    return {
        "as_of": today.isoformat(),
        "applications": [
            {
                "id": r["id"], "case": r["case"], "handler": r["handler"],
                "received": r["received"], "completed": r["completed"],
                "deadline": r["deadline"], "status": r["status"],
                "working_days_left": r["working_days_left"],
                "working_days_since_arrival": r["working_days_since_arrival"],
                "flagged": r["flagged"],
                "without_plan": r["without_plan"],
            }
            for r in rows
        ],
        "counts": count_statuses(rows),
        "flagged": sum(1 for r in rows if r["flagged"]),
        "without_plan": sum(1 for r in rows if r["without_plan"]),
    }


# -- the report --------------------------------------------------------------------
def _median(histogram: list[tuple[int, int]]) -> float | None:
    """Median of values given as sorted (value, count) pairs."""
    total = sum(n for _v, n in histogram)
    if total == 0:
        return None
    lower_rank, upper_rank = (total - 1) // 2, total // 2
    seen, lower, upper = 0, None, None
    for value, n in histogram:
        if lower is None and seen + n > lower_rank:
            lower = value
        if seen + n > upper_rank:
            upper = value
            break
        seen += n
    return (lower + upper) / 2


def _stats(rows: list[dict[str, Any]], no_clock: int, days: int, withdrawn: int = 0
           ) -> dict[str, Any]:
    """Figures of one group from its (working_days, wait_days, n) histogram rows."""
    decided = sum(r["n"] for r in rows)
    in_time = sum(r["n"] for r in rows if r["wd"] <= days)
    wd_hist: dict[int, int] = {}
    wait_hist: dict[int, int] = {}
    for r in rows:
        wd_hist[r["wd"]] = wd_hist.get(r["wd"], 0) + r["n"]
        wait_hist[r["wait"]] = wait_hist.get(r["wait"], 0) + r["n"]
    over = sum(n for wait, n in wait_hist.items() if wait > WAIT_LIMIT_DAYS)

    def mean(hist: dict[int, int]) -> float | None:
        return round_half_away(sum(v * n for v, n in hist.items()) / decided, 2) if decided else None

    return {
        "decided": decided,
        "in_time": in_time,
        "late": decided - in_time,
        "no_clock": no_clock,
        "withdrawn": withdrawn,
        "share_in_time": round_half_away(in_time / decided, 4) if decided else None,
        "median_working_days": _median(sorted(wd_hist.items())),
        "mean_working_days": mean(wd_hist),
        "max_working_days": max(wd_hist) if wd_hist else None,
        "median_wait_days": _median(sorted(wait_hist.items())),
        "mean_wait_days": mean(wait_hist),
        "share_wait_over_14": round_half_away(over / decided, 4) if decided else None,
    }


# A never-complete application has no clock-start handler: it counts for the case's
# handler on the day of the decision.
_DECISION_HANDLER = handler_of_case("a.case_id", "a.decided")


def _group_sql(by: str | None, t: str = "a") -> tuple[str, str]:
    """SQL for the group key of application row ``t``: (with a clock, without one)."""
    if by is None:
        return "NULL", "NULL"
    if by == "handler":
        return f"{t}.handler", _DECISION_HANDLER
    if by == "team":
        return (f"(SELECT h.team FROM handler h WHERE h.id = {t}.handler)",
                f"(SELECT h.team FROM handler h WHERE h.id = {_DECISION_HANDLER})")
    if by == "month":
        return f"substr({t}.completed, 1, 7)", "substr(a.received, 1, 7)"
    raise EkbistError(
        _("unknown grouping '{by}' (expected one of: {known})").format(by=by, known=", ".join(GROUPINGS))
    )


# A withdrawn application was never decided on its merits: it is neither in time nor late,
# and is counted apart (``withdrawn``), like one decided without a clock.
_IN_RANGE = ("a.completed BETWEEN :first AND :last AND a.decided IS NOT NULL "
             "AND a.decision <> 'withdrawn'")


def _working_days(t: str) -> str:
    """Working days from day 1 to the decision of row ``t``, both counted (see the module doc)."""
    return f"({sql_between(f'{t}.completed', f'date({t}.decided, {chr(39)}-1 day{chr(39)})')} + 1)"


def _wait_days(t: str) -> str:
    return f"CAST(julianday({t}.decided) - julianday({t}.received) AS INTEGER)"


def _histogram_sql(by: str | None) -> str:
    """One row per (group, working days, wait days) with its count: all the report needs.

    Both shapes read only the covering index ``application_clock_decision`` (migration
    010). Without a per-handler key, rows first collapse in index order to distinct (complete, decided,
    received) days, so the calendar is consulted per day combination, not per application.
    With one, the working days are worked out once per distinct (complete, decided) pair and
    joined back.
    """
    if by in (None, "month"):
        return f"""
            SELECT {_group_sql(by, 'g')[0]} AS key, {_working_days('g')} AS wd,
                   {_wait_days('g')} AS wait, sum(g.n) AS n
            FROM (SELECT a.completed, a.decided, a.received, count(*) AS n
                  FROM application a WHERE {_IN_RANGE}
                  GROUP BY a.completed, a.decided, a.received) g
            GROUP BY 1, 2, 3"""
    return f"""
        WITH pairs AS MATERIALIZED (
            SELECT p.completed, p.decided, {_working_days('p')} AS wd
            FROM (SELECT DISTINCT a.completed, a.decided FROM application a WHERE {_IN_RANGE}) p
        )
        SELECT {'h.team' if by == 'team' else _group_sql(by)[0]} AS key, p.wd,
               {_wait_days('a')} AS wait, count(*) AS n
        FROM application a JOIN pairs p ON p.completed = a.completed AND p.decided = a.decided
        {'LEFT JOIN handler h ON h.id = a.handler' if by == 'team' else ''}
        WHERE {_IN_RANGE}
        GROUP BY 1, 2, 3"""


def report(store: Store, first: date, last: date, *, by: str | None = None) -> dict[str, Any]:
    """Handling time of the applications whose clock started from ``first`` to ``last``.

    Decided applications with a clock are counted in time or late; ``no_clock`` counts
    those decided without ever being complete that arrived in the range (reported
    apart). A withdrawn application is not a decision on the matter: it is neither in
    time nor late, left out of ``decided`` and the share, and counted in ``withdrawn``
    (by its clock start, or its arrival when it never had a clock). Working days run
    from day 1 to the decision, both counted; the wait is calendar days from arrival
    to decision (the national key figure, with the share over 14 days). Returns
    ``{"from", "to", "total", "groups": [{"key", ...}]}``.
    """
    if last < first:
        raise EkbistError.about(_("{to} is before {from}"), {"to": "to", "from": "from"})
    check_in_calendar(first)
    check_in_calendar(last)
    no_clock_key = _group_sql(by)[1]
    days = _days(store)
    params = {"first": first.isoformat(), "last": last.isoformat()}
    with store.snapshot():
        hist = store.query(_histogram_sql(by), params)
        no_clock = store.query(
            f"""
            SELECT {no_clock_key} AS key, count(*) AS n
            FROM application a
            WHERE a.completed IS NULL AND a.decided IS NOT NULL
              AND a.decision <> 'withdrawn' AND a.received BETWEEN :first AND :last
            GROUP BY 1
            """,
            params,
        )
        # Withdrawn: by the clock start when it had one, else by the arrival (as no_clock).
        clock_key = _group_sql(by)[0]
        withdrawn = store.query(
            f"""
            SELECT {clock_key} AS key, count(*) AS n FROM application a
            WHERE a.decision = 'withdrawn' AND a.completed BETWEEN :first AND :last
            GROUP BY 1
            UNION ALL
            SELECT {no_clock_key} AS key, count(*) AS n FROM application a
            WHERE a.decision = 'withdrawn' AND a.completed IS NULL
              AND a.received BETWEEN :first AND :last
            GROUP BY 1
            """,
            params,
        )
    by_key: dict[Any, list[dict[str, Any]]] = {}
    for row in hist:
        by_key.setdefault(row["key"], []).append(row)
    no_clock_by_key = {row["key"]: row["n"] for row in no_clock}
    withdrawn_by_key: dict[Any, int] = {}
    for row in withdrawn:
        withdrawn_by_key[row["key"]] = withdrawn_by_key.get(row["key"], 0) + row["n"]
    keys = sorted(set(by_key) | set(no_clock_by_key) | set(withdrawn_by_key),
                  key=lambda k: (k is None, str(k)))
    groups = []
    if by is not None:
        groups = [
            {"key": key, **_stats(by_key.get(key, []), no_clock_by_key.get(key, 0), days,
                                  withdrawn_by_key.get(key, 0))}
            for key in keys
        ]
    total = _stats(hist, sum(no_clock_by_key.values()), days, sum(withdrawn_by_key.values()))
    return {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "by": by,
        "days": days,
        "total": total,
        "groups": groups,
    }


def monthly(store: Store, first: date, last: date) -> list[dict[str, Any]]:
    """The report grouped by month of clock start (the chart in the workbook)."""
    return report(store, first, last, by="month")["groups"]
