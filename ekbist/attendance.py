"""Monthly attendance at activities, and the seed's monthly control of it.

"Sökandes närvaro på Jobbtorg kontrolleras av handläggare på enheten månadsvis i samband
med bedömningen av rätten till ekonomiskt bistånd": the handler records, for each activity
that ran in a month, the attendance in that month — the hours attended, or the share of
the planned time present — before the case's application for the next month is decided.

The control: for a month M and a case whose application for M + 1 was decided (granted,
partly granted or rejected: the assessment of the right to assistance; a withdrawn
application is no assessment), every activity of the case (not an exemption) that ran on
some day of M and had begun on or before that decision needs its attendance for M recorded
on or before the day of the case's first such decision for M + 1. Recorded the day after is
late: the decision was made without it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ekbist.errors import EkbistError
from ekbist.i18n import _
from ekbist.store import Store
from ekbist.validate import not_after, parse_month

MAX_HOURS = 400  # hours in a month: the store's bound (a month has at most 31 × 13 …)
# The decisions that assess the right to assistance (a withdrawal assesses nothing).
ASSESSED = ("granted", "partly", "rejected")


def parse_share(text: str | float) -> float:
    """A share present as the user types it: a percent 0–100 ('85', '85%', '85,5') → 0.855."""
    raw = str(text).strip().rstrip("%").strip().replace(",", ".")
    try:
        value = float(raw)
    except ValueError:
        raise EkbistError(_("the share present must be a percent from 0 to 100, not "
                            "'{value}'").format(value=text)) from None
    if not 0 <= value <= 100:
        raise EkbistError(_("the share present must be a percent from 0 to 100, not "
                            "'{value}'").format(value=text))
    return round(value / 100, 6)


def parse_hours(text: str | float) -> float:
    """Hours attended as the user types them: '12', '12.5' or '12,5' (a decimal comma, as
    for the share) → 12.5; the bounds are :func:`record`'s."""
    raw = str(text).strip().replace(",", ".")
    try:
        return float(raw)
    except ValueError:
        raise EkbistError(_("hours attended must be a number such as 12 or 12,5, not "
                            "'{value}'").format(value=text)) from None


def sql_runs_in_month(month: str, activity: str = "t") -> str:
    """True when activity ``activity`` runs on some day of month ``month`` (an SQL
    expression giving 'YYYY-MM')."""
    return (f"({activity}.from_date <= date({month} || '-01', '+1 month', '-1 day') "
            f"AND ({activity}.to_date IS NULL OR {activity}.to_date >= {month} || '-01'))")


def record(store: Store, activity_id: int, month: str, *, recorded: date, today: date,
           hours: float | None = None, share: float | None = None) -> dict[str, Any]:
    """Record the attendance at activity ``activity_id`` in ``month``: ``hours`` attended
    or ``share`` present (0–1), one of them, on the day ``recorded``. A second record of
    the same activity and month corrects the first (the audit keeps both)."""
    month = parse_month(month)
    if (hours is None) == (share is None):
        raise EkbistError(_("give the attendance as hours or as a share present, one of them"))
    if hours is not None and not 0 <= hours <= MAX_HOURS:
        raise EkbistError(_("hours attended in a month must be between 0 and {most}").format(
            most=MAX_HOURS))
    if share is not None and not 0 <= share <= 1:
        raise EkbistError(_("the share present must be a percent from 0 to 100, not "
                            "'{value}'").format(value=share * 100))
    not_after(recorded, today, _("attendance recorded"))
    this_month = today.isoformat()[:7]
    if month > this_month:
        raise EkbistError(_("attendance for {month} cannot be recorded before the month has "
                            "begun (today is {today})").format(month=month,
                                                               today=today.isoformat()))
    if recorded.isoformat()[:7] < month:
        raise EkbistError(_("attendance for {month} cannot be recorded on {day}, before the "
                            "month has begun").format(month=month, day=recorded.isoformat()))
    row = store.one("SELECT * FROM activity WHERE id = ?", (activity_id,))
    if row is None:
        raise EkbistError(_("unknown activity {id}").format(id=activity_id))
    if row["kind"] == "exempt":
        raise EkbistError(_("activity {id} is an exemption: it has no attendance").format(
            id=activity_id))
    if not (row["from_date"][:7] <= month and (row["to_date"] is None
                                               or row["to_date"][:7] >= month)):
        raise EkbistError(_("activity {id} does not run in {month} (it runs {first} to "
                            "{last})").format(id=activity_id, month=month,
                                              first=row["from_date"],
                                              last=row["to_date"] or "…"))
    with store.transaction():
        store.execute(
            "INSERT INTO attendance (activity_id, month, hours, share, recorded) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (activity_id, month) DO UPDATE SET "
            "hours = excluded.hours, share = excluded.share, recorded = excluded.recorded",
            (activity_id, month, hours, share, recorded.isoformat()))
    return {"activity": activity_id, "case": row["case_id"], "month": month, "hours": hours,
            "share": share, "recorded": recorded.isoformat()}


def list_attendance(store: Store, *, case: str | None = None, month: str | None = None
                    ) -> list[dict[str, Any]]:
    """Recorded attendance, by case, month and activity."""
    if month is not None:
        month = parse_month(month)
    if case is not None:
        from ekbist import cases

        cases.get(store, case)
    return store.query(
        """SELECT t.case_id AS "case", n.activity_id AS activity, t.kind, n.month, n.hours,
                  n.share, n.recorded
           FROM attendance n JOIN activity t ON t.id = n.activity_id
           WHERE (:case IS NULL OR t.case_id = :case) AND (:month IS NULL OR n.month = :month)
           ORDER BY t.case_id, n.month, n.activity_id""", {"case": case, "month": month})


# -- the monthly control -----------------------------------------------------------------
def sql_control() -> str:
    """One row per activity to check for attendance months :first to :last: (case, month
    M, activity, kind, the first assessment of the application for M + 1, the handler
    that day, the day attendance for M was recorded or NULL)."""
    from ekbist.day_conditions import handler_of_case

    assessed = ", ".join(f"'{d}'" for d in ASSESSED)
    return f"""
        WITH decided AS (
            SELECT a.case_id, strftime('%Y-%m', a.period || '-01', '-1 month') AS month,
                   min(a.decided) AS decided
            FROM application a
            WHERE a.decision IN ({assessed})
              AND a.period BETWEEN strftime('%Y-%m', :first || '-01', '+1 month')
                               AND strftime('%Y-%m', :last || '-01', '+1 month')
            GROUP BY a.case_id, a.period)
        SELECT d.case_id, d.month, t.id AS activity, t.kind, d.decided,
               {handler_of_case("d.case_id", "d.decided")} AS handler, n.recorded
        FROM decided d
        JOIN activity t ON t.case_id = d.case_id AND t.kind <> 'exempt'
             AND {sql_runs_in_month("d.month")} AND t.from_date <= d.decided
        LEFT JOIN attendance n ON n.activity_id = t.id AND n.month = d.month"""


def control_period(first: str | None, last: str | None, today: date) -> tuple[str, str]:
    """The attendance months of the control: --from/--to, else the twelve months up to
    this month. A --to after this month is refused, as for plan coverage."""
    from ekbist.months import month_add
    from ekbist.validate import month_not_after, month_range

    given = month_range(first, last)
    if given is not None:
        month_not_after(given[1], today)
        return given
    this = today.isoformat()[:7]
    return month_add(this, -11), this


def control(store: Store, first: str, last: str, *, handler: str | None = None
            ) -> dict[str, Any]:
    """The monthly control for attendance months ``first`` to ``last``: per month the
    activities to check, how many had attendance recorded by the decision, and the share;
    and those without (never recorded, or recorded after the decision).

    The JSON contract: ``{"from", "to", "months": [{"month", "activities", "in_time",
    "share"}], "missing": [{"case", "handler", "activity", "kind", "month", "decided",
    "recorded"}]}``; ``recorded`` is null when never recorded. With ``handler``, only the
    activities of cases that handler had on the decision day."""
    from ekbist.months import months_between

    if handler is not None:
        from ekbist import handlers

        handlers.get(store, handler)
    with store.snapshot():
        rows = store.query(sql_control() + " ORDER BY d.month, d.case_id, t.id",
                           {"first": first, "last": last})
    if handler is not None:
        rows = [r for r in rows if r["handler"] == handler]
    months = {m: [0, 0] for m in months_between(first, last)}
    missing = []
    for row in rows:
        count = months[row["month"]]
        count[0] += 1
        if row["recorded"] is not None and row["recorded"] <= row["decided"]:
            count[1] += 1
        else:
            missing.append({"case": row["case_id"], "handler": row["handler"],
                            "activity": row["activity"], "kind": row["kind"],
                            "month": row["month"], "decided": row["decided"],
                            "recorded": row["recorded"]})
    return {
        "from": first, "to": last,
        "months": [{"month": m, "activities": n, "in_time": kept,
                    "share": round(kept / n, 4) if n else None}
                   for m, (n, kept) in months.items()],
        "missing": missing,
    }


def to_record(store: Store, today: date, *, handler: str | None = None
              ) -> list[dict[str, Any]]:
    """What to record before deciding: for each application not yet decided (for month
    M + 1), every activity of its case that ran in M and has no attendance recorded for
    M. ``handler``: the handler who answers for the application today.

    Rows ``{"application", "case", "handler", "activity", "kind", "month"}``."""
    from ekbist.day_conditions import application_handler

    day = today.isoformat()
    rows = store.query(
        f"""SELECT a.id AS application, a.case_id AS "case",
                   {application_handler(":day")} AS handler, t.id AS activity, t.kind,
                   strftime('%Y-%m', a.period || '-01', '-1 month') AS month
            FROM application a
            JOIN activity t ON t.case_id = a.case_id AND t.kind <> 'exempt'
                 AND t.from_date <= :day
                 AND {sql_runs_in_month("strftime('%Y-%m', a.period || '-01', '-1 month')")}
            WHERE a.decided IS NULL AND a.received <= :day
              AND NOT EXISTS (SELECT 1 FROM attendance n WHERE n.activity_id = t.id
                              AND n.month = strftime('%Y-%m', a.period || '-01', '-1 month'))
            ORDER BY a.case_id, a.id, t.id""", {"day": day})
    if handler is not None:
        rows = [r for r in rows if r["handler"] == handler]
    return rows
