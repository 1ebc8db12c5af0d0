"""Activities (insatser) of a case, exemptions from activity, and the first meeting booked.

The seed unit sends every applicant with unemployment as barrier to Jobbtorg before the
first meeting with a handler, and checks attendance monthly. Ds 2024:29 proposes a
full-time activity requirement, with exemptions (sickness, care of a child, …). So a case
has activities: a kind (the unit chooses which of ekbist's kinds it uses, setting
``activities.kinds``), a provider, hours per week and a period; or an exemption (kind
``exempt``) with its reason, for a time, instead of an activity.

An activity runs from ``from_date`` to ``to_date`` (its last day; None while it goes on).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ekbist import codes
from ekbist import cases
from ekbist import settings as unit_settings
from ekbist.errors import EkbistError
from ekbist.i18n import _
from ekbist.store import Store
from ekbist.validate import no_personnummer, not_after

EXEMPT = "exempt"
MAX_HOURS = 80  # hours per week: the store's bound
MAX_PROVIDER = 100
MAX_NOTE = 200


def kinds_in_use(store: Store) -> list[str]:
    """The activity kinds the unit uses (setting ``activities.kinds``), in its order;
    ``exempt`` is always allowed and not listed."""
    return [codes.parse_code("activity_kind", k)
            for k in str(unit_settings.get(store, "activities.kinds")).split(",") if k.strip()]


def parse_kind(store: Store, text: str) -> str:
    """An activity kind the unit uses, from its code or words; refused when not in use."""
    code = codes.parse_code("activity_kind", text)
    in_use = kinds_in_use(store)
    if code != EXEMPT and code not in in_use:
        raise EkbistError(_("the unit does not use the activity kind '{value}' (in use: "
                            "{kinds}; setting activities.kinds)").format(
            value=text, kinds=", ".join(codes.label("activity_kind", k) for k in in_use)))
    return code


def check_period(case: dict[str, Any], from_date: date, to_date: date | None,
                 today: date) -> None:
    """An activity's period within its case's: not before it opened, not from the day it
    closed, not starting after today, not ending before it starts."""
    not_after(from_date, today, _("activity start"))
    if from_date.isoformat() < case["opened"]:
        raise EkbistError(_("case '{id}' was opened on {date}; an activity cannot start before "
                            "that").format(id=case["id"], date=case["opened"]))
    if case["closed"] and from_date.isoformat() >= case["closed"]:
        raise EkbistError(_("case '{id}' was closed on {date}").format(id=case["id"],
                                                                      date=case["closed"]))
    if to_date is not None and to_date < from_date:
        raise EkbistError(_("the activity ends ({end}) before it starts ({start})").format(
            end=to_date.isoformat(), start=from_date.isoformat()))


def check_hours(hours: float, kind: str) -> float:
    """Hours per week: 0–80 (a quarter hour is fine), none for an exemption."""
    if not 0 <= hours <= MAX_HOURS:
        raise EkbistError(_("hours per week must be between 0 and {most}").format(
            most=MAX_HOURS))
    if kind == EXEMPT and hours:
        raise EkbistError(_("an exemption has no hours"))
    return float(hours)


def add(store: Store, case_id: str, *, kind: str, from_date: date, today: date,
        hours: float = 0, provider: str = "", to_date: date | None = None,
        exemption: str | None = None, note: str = "") -> int:
    """Record an activity (or, with kind ``exempt``, an exemption and its reason); its id."""
    case = cases.get(store, case_id)
    code = parse_kind(store, kind)
    reason = codes.parse_code("exemption", exemption) if exemption else None
    if code == EXEMPT and reason is None:
        raise EkbistError(_("an exemption needs its reason ({reasons})").format(
            reasons=", ".join(codes.typable("exemption"))))
    if code != EXEMPT and reason is not None:
        raise EkbistError(_("a reason for exemption goes with the kind 'exempt' only"))
    hours = check_hours(hours, code)
    check_period(case, from_date, to_date, today)
    # One line each, as a contact's note: a tab or line break would break a table's rows.
    provider, note = " ".join(provider.split()), " ".join(note.split())
    if len(provider) > MAX_PROVIDER:
        raise EkbistError(_("the provider is too long (at most {n} characters)").format(
            n=MAX_PROVIDER))
    if len(note) > MAX_NOTE:
        raise EkbistError(_("the note is too long (at most {n} characters)").format(n=MAX_NOTE))
    no_personnummer(provider, _("provider"))
    no_personnummer(note, _("note"))
    with store.transaction():
        if store.scalar("SELECT 1 FROM activity WHERE case_id = ? AND kind = ? AND from_date = ?",
                        (case_id, code, from_date.isoformat())):
            raise EkbistError(_("case '{id}' already has {kind} from {date}").format(
                id=case_id, kind=codes.label("activity_kind", code),
                date=from_date.isoformat()))
        store.execute(
            "INSERT INTO activity (case_id, kind, exemption, provider, hours, from_date, "
            "to_date, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (case_id, code, reason, provider, hours, from_date.isoformat(),
             to_date.isoformat() if to_date else None, note))
        return int(store.scalar("SELECT last_insert_rowid()"))


def end(store: Store, activity_id: int, on: date, *, today: date) -> dict[str, Any]:
    """End an activity: ``on`` is its last day."""
    row = store.one("SELECT * FROM activity WHERE id = ?", (activity_id,))
    if row is None:
        raise EkbistError(_("unknown activity {id}").format(id=activity_id))
    not_after(on, today, _("activity end"))
    if on.isoformat() < row["from_date"]:
        raise EkbistError(_("the activity ends ({end}) before it starts ({start})").format(
            end=on.isoformat(), start=row["from_date"]))
    if row["to_date"] is not None and row["to_date"] <= on.isoformat():
        raise EkbistError(_("activity {id} ended on {date}").format(id=activity_id,
                                                                   date=row["to_date"]))
    with store.transaction():
        store.execute("UPDATE activity SET to_date = ? WHERE id = ?", (on.isoformat(),
                                                                        activity_id))
    return {**row, "to_date": on.isoformat()}


def sql_activity_covers(day: str, activity: str = "t") -> str:
    """True when activity ``activity`` runs on ``day``: started and not ended before it."""
    return (f"({activity}.from_date <= {day} "
            f"AND ({activity}.to_date IS NULL OR {activity}.to_date >= {day}))")


def list_activities(store: Store, *, case: str | None = None, handler: str | None = None,
                    as_of: date | None = None) -> list[dict[str, Any]]:
    """Activities and exemptions, with the case's handler on ``as_of`` (or today's
    assignment); with ``as_of`` only those running that day."""
    from ekbist.day_conditions import handler_of_case

    if case:
        cases.get(store, case)
    if handler:
        from ekbist import handlers

        handlers.get(store, handler)
    params: dict[str, Any] = {"case": case, "handler": handler,
                              "day": as_of.isoformat() if as_of else None}
    handler_sql = (handler_of_case("t.case_id", ":day") if as_of else
                   "(SELECT a.handler FROM assignment a WHERE a.case_id = t.case_id "
                   "AND a.to_date IS NULL)")
    where = ["(:case IS NULL OR t.case_id = :case)"]
    if as_of:
        where.append(sql_activity_covers(":day"))
    if handler:
        where.append(f"{handler_sql} = :handler")
    return store.query(
        f"""SELECT t.id, t.case_id AS "case", {handler_sql} AS handler, t.kind, t.exemption,
                   t.provider, t.hours, t.from_date, t.to_date, t.note
            FROM activity t WHERE {" AND ".join(where)}
            ORDER BY t.case_id, t.from_date, t.id""", params)


def set_first_meeting(store: Store, case_id: str, day: date, *, today: date) -> dict[str, Any]:
    """Record the day of the first meeting with the unit booked for a new applicant (it may
    lie ahead, a year at the most: a first meeting is booked within weeks, so a later day
    is a slip of the keys, and it would stretch the check's period to it); a second call
    moves it."""
    case = cases.get(store, case_id)
    from ekbist.months import month_add

    if day > month_add(today, 12):
        raise EkbistError(_("the first meeting {date} is more than a year after today "
                            "({today})").format(date=day.isoformat(), today=today.isoformat()))
    if day.isoformat() < case["opened"]:
        raise EkbistError(_("case '{id}' was opened on {date}; its first meeting cannot be "
                            "before that").format(id=case_id, date=case["opened"]))
    with store.transaction():
        store.execute("INSERT INTO first_visit (case_id, day) VALUES (?, ?) "
                      "ON CONFLICT (case_id) DO UPDATE SET day = excluded.day",
                      (case_id, day.isoformat()))
    return {"case": case_id, "first_meeting": day.isoformat()}


# -- the Jobbtorg referral before the first meeting ----------------------------------------
def sql_referrals() -> str:
    """SQL over the first meetings booked from :first_day to :last_day: (case, first meeting,
    barrier on that day, handler on that day, 1 when a Jobbtorg activity of the case began on
    or before it). Only those with unemployment as barrier on the meeting day."""
    from ekbist.barriers import UNEMPLOYMENT, sql_barrier_on
    from ekbist.day_conditions import handler_of_case

    wanted = ", ".join(f"'{code}'" for code in UNEMPLOYMENT)
    return f"""
        SELECT f.case_id, f.day, {sql_barrier_on("f.case_id", "f.day")} AS barrier,
               {handler_of_case("f.case_id", "f.day")} AS handler,
               EXISTS (SELECT 1 FROM activity t WHERE t.case_id = f.case_id
                       AND t.kind = 'jobbtorg' AND t.from_date <= f.day) AS jobbtorg
        FROM first_visit f
        WHERE f.day BETWEEN :first_day AND :last_day
          AND {sql_barrier_on("f.case_id", "f.day")} IN ({wanted})"""


def referral_period(store: Store, *, first: str | None, last: str | None,
                    today: date) -> tuple[str, str]:
    """The months of the referral check: --from/--to, else the twelve months up to this
    month, or up to the month of the latest meeting booked when that is later."""
    from ekbist.months import month_add
    from ekbist.validate import month_range

    given = month_range(first, last)
    if given is not None:
        return given
    this = f"{today.year:04d}-{today.month:02d}"
    latest = store.scalar("SELECT max(day) FROM first_visit")
    end_month = max(this, latest[:7]) if latest else this
    return month_add(this, -11), end_month


def referrals(store: Store, first: str, last: str) -> dict[str, Any]:
    """New applicants with unemployment as barrier whose first meeting falls in the months
    ``first`` to ``last``: per month how many, how many had a Jobbtorg activity begun on or
    before the meeting day and the share; and the cases without one.

    The JSON contract: ``{"from", "to", "months": [{"month", "applicants", "jobbtorg_first",
    "share"}], "missing": [{"case", "handler", "barrier", "first_meeting"}]}``."""
    from ekbist.months import month_end, months_between

    params = {"first_day": f"{first}-01", "last_day": month_end(last).isoformat()}
    with store.snapshot():
        rows = store.query(sql_referrals() + " ORDER BY f.day, f.case_id", params)
    months = {m: [0, 0] for m in months_between(first, last)}
    for row in rows:
        count = months[row["day"][:7]]
        count[0] += 1
        count[1] += row["jobbtorg"]
    return {
        "from": first, "to": last,
        "months": [{"month": m, "applicants": n, "jobbtorg_first": kept,
                    "share": round(kept / n, 4) if n else None}
                   for m, (n, kept) in months.items()],
        "missing": [{"case": r["case_id"], "handler": r["handler"], "barrier": r["barrier"],
                     "first_meeting": r["day"]} for r in rows if not r["jobbtorg"]],
    }
