"""A handler's working day (or the whole unit's): what to do today and this week.

Each part comes from the function its own command uses (``handling-time check``,
``plans due``, ``caseload``), so the day never disagrees with them; this module only
picks what belongs to today and to one handler.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from ekbist import months

if TYPE_CHECKING:
    from ekbist.store import Store


def working_day(store: Store, today: date, *, handler: str | None = None) -> dict[str, Any]:
    """Everything of ``handler``'s day (every handler's when None), as the JSON contract.

    ``due`` applications due today or the next working day; ``overdue``; ``incomplete``
    the incomplete ones past ``handling.incomplete_flag_days`` (each with ``without_plan``:
    no current change plan the day it came in, as ``handling-time check`` flags it); ``followups`` plan
    follow-ups due from today to Sunday, with ``followups_overdue`` the number already
    overdue; ``covering`` active cases the handler took over from a colleague who is away
    today, or carries today under a dated cover (``until`` its last day; None for a case
    handed over for good); ``without_cover`` the cases needing cover (in the handler's team);
    ``working_days_left`` in the month, today included when it is one; ``callbacks`` the
    messages left to call back, not yet called back (:func:`ekbist.contacts.callbacks`);
    ``attendance`` the attendance to record before an open application is decided
    (:func:`ekbist.attendance.to_record`).
    """
    from ekbist import attendance
    from ekbist import caseload, contacts, handlers, handling_time, plans
    from ekbist.day_conditions import assignment_covers, case_active, handler_away
    from ekbist.working_days import sql_between

    day = today.isoformat()
    with store.snapshot():
        who = None
        if handler is not None:
            who = handlers.get(store, handler)
        applications = handling_time.open_applications(store, today, handler=handler)
        week_end = today + timedelta(days=6 - today.weekday())
        followups = plans.due(store, as_of=today, within=(week_end - today).days, handler=handler)
        load = caseload.current(store, today, team=who["team"] if who else None)
        # Covering: a case taken over from a colleague away today, and a dated cover.
        covering = store.query(
            f"""
            WITH {caseload.COVERS_CTE}
            SELECT a.case_id AS "case", a.handler, h.name AS handler_name,
                   prev.handler AS for_handler, hp.name AS for_name, a.from_date AS since,
                   NULL AS until
            FROM assignment a
            JOIN cases c ON c.id = a.case_id
            JOIN handler h ON h.id = a.handler
            JOIN assignment prev ON prev.case_id = a.case_id AND prev.to_date = a.from_date
            JOIN handler hp ON hp.id = prev.handler
            WHERE (:h IS NULL OR a.handler = :h)
              AND {assignment_covers(":d")} AND {case_active(":d")}
              AND {handler_away(":d", "prev.handler")}
              AND a.case_id NOT IN (SELECT case_id FROM covered)
            UNION ALL
            SELECT cv.case_id, cv.by_handler, h.name, cv.own_handler, hp.name, cv.from_date,
                   cv.to_date
            FROM covered cv
            JOIN handler h ON h.id = cv.by_handler
            JOIN handler hp ON hp.id = cv.own_handler
            WHERE :h IS NULL OR cv.by_handler = :h
            ORDER BY 2, 1
            """,
            {"h": handler, "d": day},
        )
        callbacks = contacts.callbacks(store, today, handler=handler)
        to_record = attendance.to_record(store, today, handler=handler)
        month_end = months.month_end(today.isoformat()[:7])
        left = store.query(f"SELECT {sql_between(':d', ':e')} AS n", {"d": day, "e": month_end.isoformat()})
    keep = ("id", "case", "handler", "handler_name", "received", "completed", "deadline", "status",
            "working_days_left", "working_days_since_arrival", "without_plan")
    def pick(status: str, flagged: bool | None = None) -> list[dict[str, Any]]:
        return [{k: a[k] for k in keep} for a in applications
                if a["status"] == status and (flagged is None or a["flagged"] == flagged)]

    return {
        "as_of": day,
        "handler": who["id"] if who else None,
        "name": who["name"] if who else None,
        "team": who["team"] if who else None,
        "working_days_left": int(left[0]["n"] or 0),
        "due": pick("due_today") + pick("due_next"),
        "overdue": pick("overdue"),
        "incomplete": pick("incomplete", flagged=True),
        "week_end": week_end.isoformat(),
        "followups": [
            {k: f[k] for k in ("case", "kind", "handler", "handler_name", "next_followup")}
            for f in followups if not f["overdue"]
        ],
        "followups_overdue": sum(1 for f in followups if f["overdue"]),
        "covering": covering,
        "callbacks": [
            {k: c[k] for k in ("id", "received", "received_time", "handler", "handler_name",
                               "case", "deadline", "status")}
            for c in callbacks
        ],
        "attendance": to_record,
        "without_cover": [
            {"case": u["case"], "handler": u["handler"], "handler_name": u["name"], "why": u["why"],
             "since": u["since"]}
            for u in load["uncovered"]
        ],
    }
