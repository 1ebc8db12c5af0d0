"""Cases (ärenden): opened, assigned to a handler, closed with a reason.

A case is known only by its number in the case-management system; ekbist keeps
no name or personnummer. A case is active on day D when it was opened on or
before D and not closed on or before D. Its handler on D is the assignment that
began on or before D and had not ended by D, so the assignment history answers
"who had the case then" for any day.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ekbist import codes
from ekbist import handlers as handler_store
from ekbist.day_conditions import assignment_covers, assignment_open, case_active, case_open
from ekbist.errors import EkbistError
from ekbist.i18n import _
from ekbist.store import Store
from ekbist.validate import identifier, not_after

# The earliest birth year accepted: older is a typo, not an applicant.
BIRTH_YEAR_MIN = 1900


def check_birth_year(value: int | str | None, today: date) -> int | None:
    """The applicant's birth year, refused outside 1900–this year (None = unknown).

    Only the year is stored, never a date: the age statistics need no more, and a
    birth date would bring the store a step closer to a personnummer.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        year = int(str(value).strip())
    except ValueError:
        raise EkbistError(
            _("birth year '{value}' is not a year (YYYY)").format(value=value)
        ) from None
    if not BIRTH_YEAR_MIN <= year <= today.year:
        raise EkbistError(
            _("birth year {year} is outside {low}–{high}").format(
                year=year, low=BIRTH_YEAR_MIN, high=today.year
            )
        )
    return year


def get(store: Store, case_id: str) -> dict[str, Any]:
    row = store.one("SELECT * FROM cases WHERE id = ?", (case_id,))
    if row is None:
        raise EkbistError(_("unknown case '{id}'").format(id=case_id))
    return row


def _check_handler_available(store: Store, handler_id: str, on: date) -> None:
    handler = handler_store.get(store, handler_id)
    if handler["end_date"] and handler["end_date"] <= on.isoformat():
        raise EkbistError(
            _("handler '{id}' left on {date} and cannot take cases").format(
                id=handler_id, date=handler["end_date"]
            )
        )
    if handler["start_date"] and handler["start_date"] > on.isoformat():
        raise EkbistError(
            _("handler '{id}' starts on {date} and cannot take cases before that").format(
                id=handler_id, date=handler["start_date"]
            )
        )


def open_case(
    store: Store,
    case_id: str,
    *,
    handler: str,
    opened: date,
    today: date,
    adults: int = 1,
    children: int = 0,
    gender: str | None = None,
    homeless: bool = False,
    birth_year: int | str | None = None,
    barrier: str | None = None,
) -> dict[str, Any]:
    """Open a case with its first handler (and its barrier to self-support, when given),
    in one transaction."""
    case_id = identifier(case_id, _("case number"))
    barrier_code = codes.parse_code("barrier", barrier) if barrier else None
    birth = check_birth_year(birth_year, today)
    not_after(opened, today, _("opened"))
    if adults < 0 or children < 0:
        raise EkbistError(_("adults and children cannot be negative"))
    if adults + children == 0:
        raise EkbistError(_("a household has at least one person"))
    gender_code = codes.parse_code("gender", gender) if gender else None
    _check_handler_available(store, handler, opened)
    with store.transaction():
        # Inside the write transaction, so a second command opening it at once sees the first.
        if store.scalar("SELECT 1 FROM cases WHERE id = ?", (case_id,)):
            raise EkbistError(_("case '{id}' exists already").format(id=case_id))
        store.execute(
            "INSERT INTO cases (id, opened, adults, children, gender, homeless, birth_year) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (case_id, opened.isoformat(), adults, children, gender_code, int(homeless), birth),
        )
        store.execute(
            "INSERT INTO assignment (case_id, handler, from_date) VALUES (?, ?, ?)",
            (case_id, handler, opened.isoformat()),
        )
        if barrier_code:
            store.execute("INSERT INTO barrier (case_id, from_date, code) VALUES (?, ?, ?)",
                          (case_id, opened.isoformat(), barrier_code))
    return get(store, case_id)


def set_birth_year(
    store: Store, case_id: str, birth_year: int | str | None, *, today: date
) -> dict[str, Any]:
    """Record (or with None forget) the applicant's birth year on an existing case."""
    get(store, case_id)
    birth = check_birth_year(birth_year, today)
    with store.transaction():
        store.execute("UPDATE cases SET birth_year = ? WHERE id = ?", (birth, case_id))
    return get(store, case_id)


def assign(store: Store, case_id: str, handler: str, on: date, *, today: date) -> dict[str, Any]:
    """Hand the case to ``handler`` from ``on``; the previous assignment ends that day."""
    case = get(store, case_id)
    not_after(on, today, _("assignment date"))
    if case["closed"] and case["closed"] <= on.isoformat():
        raise EkbistError(_("case '{id}' is closed").format(id=case_id))
    if on.isoformat() < case["opened"]:
        raise EkbistError(_("the assignment date is before the case was opened"))
    _check_handler_available(store, handler, on)
    current = store.one(
        "SELECT id, handler, from_date FROM assignment WHERE case_id = ? AND to_date IS NULL",
        (case_id,),
    )
    if current and current["handler"] == handler:
        raise EkbistError(
            _("case '{id}' is already with '{handler}'").format(id=case_id, handler=handler)
        )
    if current and current["from_date"] > on.isoformat():
        raise EkbistError(
            _("the case was assigned on {date}; a new assignment cannot start before that").format(
                date=current["from_date"]
            )
        )
    with store.transaction():
        if current:
            store.execute(
                "UPDATE assignment SET to_date = ? WHERE id = ?", (on.isoformat(), current["id"])
            )
        store.execute(
            "INSERT INTO assignment (case_id, handler, from_date) VALUES (?, ?, ?)",
            (case_id, handler, on.isoformat()),
        )
    return get(store, case_id)


def close_case(store: Store, case_id: str, on: date, reason: str, *, today: date) -> dict[str, Any]:
    case = get(store, case_id)
    reason_code = codes.parse_code("close_reason", reason)
    not_after(on, today, _("closing date"))
    if case["closed"]:
        raise EkbistError(
            _("case '{id}' was closed on {date}").format(id=case_id, date=case["closed"])
        )
    if on.isoformat() < case["opened"]:
        raise EkbistError(
            _("case '{id}' cannot close before it was opened ({date})").format(
                id=case_id, date=case["opened"]
            )
        )
    with store.transaction():
        store.execute(
            "UPDATE cases SET closed = ?, close_reason = ? WHERE id = ?",
            (on.isoformat(), reason_code, case_id),
        )
    return get(store, case_id)


def list_cases(
    store: Store,
    *,
    handler: str | None = None,
    status: str | None = None,
    as_of: date | None = None,
) -> list[dict[str, Any]]:
    """Cases with their handler on ``as_of`` (today's assignment when not given).

    ``status`` is 'open' or 'closed' as of that day. Gender is never part of the list.
    """
    if handler:
        handler_store.get(store, handler)
    params: dict[str, Any] = {"handler": handler}
    if as_of:
        params["day"] = as_of.isoformat()
        assignment = assignment_covers(":day")
        active = case_active(":day")
        where = ["c.opened <= :day"]
    else:
        assignment = assignment_open()
        active = case_open()
        where = []
    if status == "open":
        where.append(active)
    elif status == "closed":
        where.append(f"NOT {active}")
    if handler:
        where.append("a.handler = :handler")
    clause = ("WHERE " + " AND ".join(where)) if where else ""
    return store.query(
        f"""
        SELECT c.id AS "case", a.handler, c.opened, c.closed, c.close_reason,
               c.adults, c.children, c.homeless, {active} AS active
        FROM cases c LEFT JOIN assignment a ON a.case_id = c.id AND {assignment}
        {clause}
        ORDER BY c.opened, c.id
        """,
        params,
    )


def show(store: Store, case_id: str) -> dict[str, Any]:
    """The case with its assignment history (who handled it when), its barriers to
    self-support and its covers (who carried it for a while)."""
    case = get(store, case_id)
    case["assignments"] = store.query(
        """SELECT a.handler, h.name, a.from_date, a.to_date
           FROM assignment a JOIN handler h ON h.id = a.handler
           WHERE a.case_id = ? ORDER BY a.from_date, a.id""",
        (case_id,),
    )
    # The barriers to self-support, oldest first, each with the day the next one took over.
    case["barriers"] = store.query(
        """SELECT from_date, code AS barrier,
                  lead(from_date) OVER (ORDER BY from_date) AS until
           FROM barrier WHERE case_id = ? ORDER BY from_date""",
        (case_id,),
    )
    case["covers"] = store.query(
        """SELECT cv.handler, h.name, cv.from_date, cv.to_date
           FROM cover cv JOIN handler h ON h.id = cv.handler
           WHERE cv.case_id = ? ORDER BY cv.from_date, cv.id""",
        (case_id,),
    )
    return case
