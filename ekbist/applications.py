"""Applications (ansökningar om ekonomiskt bistånd): registered, completed, decided.

The five-working-day promise is counted from the day an application is complete,
so the store keeps the arrival day (``received``) apart from the day it became
complete (``completed``; the arrival day when it came in complete). The handler
answering for the promise is the case's handler on the day the clock started;
it is written on the application then, so a later reassignment of the case does
not move an application's history to someone else.

The ``check_*`` helpers are pure (no store) so that every way applications come
in — the command line, a spreadsheet import, the demo — refuses the same things
with the same words.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ekbist import codes, money, waiting_parts
from ekbist.day_conditions import application_handler, handler_of_case
from ekbist.errors import EkbistError
from ekbist.i18n import _
from ekbist.store import Store
from ekbist.validate import identifier, not_after, parse_month

# Decisions that pay out and so need an amount; the others must not carry one.
PAYING_DECISIONS = frozenset({"granted", "partly"})

# How far the month applied for may lie from the month of arrival. Applications are
# made for the coming month, sometimes for a past one; a period years away is a typo.
PERIOD_SLACK_MONTHS = 12

ID_PREFIX = "A"


# -- pure checks (shared with imports) -------------------------------------------
def check_period(text: str, received: date | None = None) -> str:
    """The month applied for as 'YYYY-MM', within a year of the arrival month."""
    period = parse_month(text, _("period"))
    if received is not None:
        from ekbist.months import month_index

        distance = month_index(period) - month_index(received)
        if abs(distance) > PERIOD_SLACK_MONTHS:
            raise EkbistError(
                _("period {period} is more than {n} months from the arrival {received}").format(
                    period=period, n=PERIOD_SLACK_MONTHS, received=received.isoformat()
                )
            )
    return period


def check_dates(
    received: date,
    completed: date | None = None,
    decided: date | None = None,
    *,
    today: date,
) -> None:
    """Refuse dates in the future and dates out of order (arrival ≤ complete ≤ decision)."""
    not_after(received, today, _("received"))
    if completed is not None:
        not_after(completed, today, _("completed"))
        if completed < received:
            raise EkbistError(
                _("completed {completed} is before the application was received ({received})").format(
                    completed=completed.isoformat(), received=received.isoformat()
                )
            )
    if decided is not None:
        not_after(decided, today, _("decided"))
        if decided < received:
            raise EkbistError(
                _("decided {decided} is before the application was received ({received})").format(
                    decided=decided.isoformat(), received=received.isoformat()
                )
            )
        if completed is not None and decided < completed:
            raise EkbistError(
                _("decided {decided} is before the application was complete ({completed})").format(
                    decided=decided.isoformat(), completed=completed.isoformat()
                )
            )


# How long before the arrival a first contact may lie; longer is a typo, not a wait.
FIRST_CONTACT_SLACK_DAYS = 366


def check_first_contact(first_contact: date | None, received: date, *, today: date) -> None:
    """The first contact about a new application: on or before the arrival, within a year.

    It starts the national waiting time U31402 (first contact to decision) and is
    set only for new applicants.
    """
    if first_contact is None:
        return
    not_after(first_contact, today, _("first contact"))
    if first_contact > received:
        raise EkbistError(
            _("first contact {contact} is after the application was received ({received})").format(
                contact=first_contact.isoformat(), received=received.isoformat()
            )
        )
    if (received - first_contact).days > FIRST_CONTACT_SLACK_DAYS:
        raise EkbistError(
            _("first contact {contact} is more than a year before the arrival {received}").format(
                contact=first_contact.isoformat(), received=received.isoformat()
            )
        )


def parse_amount(value: int | str | None) -> int | None:
    """Whole kronor, or None when no amount is given; decimals are refused, not rounded."""
    return None if value is None else money.parse_amount(
        value, _("amount"), maximum=money.MAX_APPLICATION_AMOUNT)


def check_decision(decision: str, amount: int | str | None) -> tuple[str, int | None]:
    """The decision code and its amount: required for granted/partly, refused otherwise."""
    code = codes.parse_code("decision", decision)
    kronor = parse_amount(amount)
    if code in PAYING_DECISIONS:
        if kronor is None:
            raise EkbistError.about(_("a decision '{decision}' needs {amount} (kronor granted)"),
                                    {"amount": "amount"}, decision=codes.label("decision", code))
        if kronor <= 0:
            raise EkbistError(
                _("the amount granted must be above 0 kronor, not {amount}").format(amount=kronor)
            )
    elif kronor is not None:
        raise EkbistError.about(_("a decision '{decision}' grants nothing — leave out {amount}"),
                                {"amount": "amount"}, decision=codes.label("decision", code))
    return code, kronor


def check_case_active(case: dict[str, Any], on: date) -> None:
    """The case must exist on ``on``: opened on or before it and not yet closed."""
    if on.isoformat() < case["opened"]:
        raise EkbistError(
            _("case '{id}' was opened on {opened}; nothing can happen in it on {date}").format(
                id=case["id"], opened=case["opened"], date=on.isoformat()
            )
        )
    if case["closed"] and case["closed"] <= on.isoformat():
        raise EkbistError(
            _("case '{id}' is closed (from {closed})").format(id=case["id"], closed=case["closed"])
        )


# -- store helpers ---------------------------------------------------------------
def _case(store: Store, case_id: str) -> dict[str, Any]:
    row = store.one("SELECT id, opened, closed FROM cases WHERE id = ?", (case_id,))
    if row is None:
        raise EkbistError(_("unknown case '{id}'").format(id=case_id))
    return row


def get(store: Store, app_id: str) -> dict[str, Any]:
    row = store.one(
        """SELECT id, case_id AS "case", period, received, completed, decided, decision, amount,
                  handler, first_contact FROM application WHERE id = ?""",
        (app_id,),
    )
    if row is None:
        raise EkbistError(_("unknown application '{id}'").format(id=app_id))
    return row


def handler_on(store: Store, case_id: str, day: date) -> str | None:
    """The case's handler on ``day`` (the assignment covering it), or None."""
    return store.scalar(f"SELECT {handler_of_case(':c', ':d')}",
                        {"c": case_id, "d": day.isoformat()})


def assign_handlers(store: Store) -> int:
    """Write the clock-start handler on every complete application still without one.

    Set-based, for bulk loads (imports, the demo) that insert rows first and fill the
    handler afterwards. Returns the number of applications updated.
    """
    with store.transaction():
        cursor = store.execute(
            f"""UPDATE application SET handler = {handler_of_case('application.case_id',
                                                                  'application.completed')}
                WHERE handler IS NULL AND completed IS NOT NULL"""
        )
    return cursor.rowcount


def next_id(store: Store) -> str:
    """A fresh id 'A0000001', 'A0000002', … following the last one handed out."""
    last = store.scalar(
        f"SELECT id FROM application WHERE id GLOB '{ID_PREFIX}[0-9]*' ORDER BY rowid DESC LIMIT 1"
    )
    number = int(last[len(ID_PREFIX):]) + 1 if last and last[len(ID_PREFIX):].isdigit() else 1
    while True:
        candidate = f"{ID_PREFIX}{number:07d}"
        if not store.scalar("SELECT 1 FROM application WHERE id = ?", (candidate,)):
            return candidate
        number += 1


# -- commands --------------------------------------------------------------------
def add(
    store: Store,
    case_id: str,
    *,
    period: str,
    received: date,
    completed: date | None = None,
    app_id: str | None = None,
    first_contact: date | None = None,
    today: date,
) -> dict[str, Any]:
    """Register an application; with ``completed`` the clock starts at once.

    Several applications per case and month are allowed (a supplementary one).
    """
    case = _case(store, case_id)
    period = check_period(period, received)
    check_dates(received, completed, today=today)
    check_first_contact(first_contact, received, today=today)
    check_case_active(case, received)
    if completed is not None:
        check_case_active(case, completed)
    if app_id is not None:
        app_id = identifier(app_id, _("application id"))
    with store.transaction():
        # Asked inside the write transaction: of two commands adding the same id at once,
        # the second waits for the first and then sees its row.
        if app_id is not None and store.scalar("SELECT 1 FROM application WHERE id = ?", (app_id,)):
            raise EkbistError(_("application '{id}' exists already").format(id=app_id))
        new_id = app_id or next_id(store)
        record: dict[str, Any] = {
            "id": new_id, "case": case["id"], "period": period, "received": received.isoformat(),
            "completed": completed.isoformat() if completed else None,
            "first_contact": first_contact.isoformat() if first_contact else None,
            "decided": None, "decision": None, "amount": None}
        joined = _join_waiting(store, record, today=today)
        handler = handler_on(store, case["id"], completed) if completed else None
        store.execute(
            """INSERT INTO application (id, case_id, period, received, completed, handler,
                                       first_contact, decided, decision, amount)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (new_id, case["id"], period, record["received"], record["completed"], handler,
             record["first_contact"], record["decided"], record["decision"], record["amount"]),
        )
        waiting_parts.drop(store, ((source, new_id) for source in joined))
    row = get(store, new_id)
    row["joined"] = joined
    return row


def _field_name(field: str) -> str:
    """An application's field in a sentence: its column's header in the applications
    sheet (the glossary's word, as an import names it), lower-cased to run on."""
    from ekbist.sheets.declarations import get

    header = get("applications").column(field).header()
    return header[:1].lower() + header[1:]


def _join_waiting(store: Store, record: dict[str, Any], *, today: date) -> list[str]:
    """Join into ``record`` (stored values, changed in place) the parts that wait for an
    application with its id — a decision report of the case system imported before the
    application was typed (:mod:`ekbist.waiting_parts`) — and check the joined application
    whole, as an import checks it. Returns the sources joined."""
    parts = waiting_parts.parts_for(store, "applications", record["id"])
    for part in parts:
        sets, clashes = waiting_parts.merge(part, record, "id")
        for field, value in clashes:
            raise EkbistError(_(
                "application '{id}': {field} '{typed}' differs from '{value}' in the report "
                "'{source}', whose part of this application waits for it").format(
                id=record["id"], field=_field_name(field), typed=record[field],
                value=value, source=part.source))
        record.update(sets)
    if parts:
        try:
            decided = date.fromisoformat(record["decided"]) if record["decided"] else None
            if decided is not None and record["decision"] is None:
                raise EkbistError(_("a decided application needs a decision"))
            check_dates(date.fromisoformat(record["received"]),
                        date.fromisoformat(record["completed"]) if record["completed"] else None,
                        decided, today=today)
            if record["first_contact"]:
                check_first_contact(date.fromisoformat(record["first_contact"]),
                                    date.fromisoformat(record["received"]), today=today)
            if record["decision"] is not None:
                if decided is None:
                    raise EkbistError(_("the decision needs a decision date"))
                check_decision(record["decision"], record["amount"])
        except EkbistError as refused:
            raise EkbistError(_(
                "application '{id}' cannot take its part waiting in the report '{source}': "
                "{reason}").format(id=record["id"], source=", ".join(p.source for p in parts),
                                   reason=str(refused))) from None
    return [part.source for part in parts]


def complete(store: Store, app_id: str, on: date, *, today: date) -> dict[str, Any]:
    """Mark the application complete on ``on``: the clock starts, the handler is fixed."""
    app = get(store, app_id)
    if app["decided"]:
        raise EkbistError(
            _("application '{id}' was decided on {date} — it cannot become complete after that").format(
                id=app_id, date=app["decided"]
            )
        )
    if app["completed"]:
        raise EkbistError(
            _("application '{id}' is already complete (from {date})").format(
                id=app_id, date=app["completed"]
            )
        )
    check_dates(date.fromisoformat(app["received"]), on, today=today)
    check_case_active(_case(store, app["case"]), on)
    with store.transaction():
        store.execute(
            "UPDATE application SET completed = ?, handler = ? WHERE id = ?",
            (on.isoformat(), handler_on(store, app["case"], on), app_id),
        )
    return get(store, app_id)


def decide(
    store: Store,
    app_id: str,
    on: date,
    decision: str,
    *,
    amount: int | str | None = None,
    amend: bool = False,
    today: date,
) -> dict[str, Any]:
    """Record the decision. Changing an earlier decision needs ``amend`` (the audit keeps both)."""
    app = get(store, app_id)
    code, kronor = check_decision(decision, amount)
    if app["decided"] and not amend:
        raise EkbistError.about(
            _("application '{id}' was decided on {date} ({decision}) — use {amend} to change "
              "the decision"), {"amend": "amend"},
            id=app_id, date=app["decided"], decision=codes.label("decision", app["decision"])
        )
    if amend and not app["decided"]:
        raise EkbistError(
            _("application '{id}' has no decision to amend").format(id=app_id)
        )
    completed = date.fromisoformat(app["completed"]) if app["completed"] else None
    check_dates(date.fromisoformat(app["received"]), completed, on, today=today)
    with store.transaction():
        store.execute(
            "UPDATE application SET decided = ?, decision = ?, amount = ? WHERE id = ?",
            (on.isoformat(), code, kronor, app_id),
        )
    return get(store, app_id)


def list_applications(
    store: Store,
    *,
    today: date,
    open_only: bool = False,
    case: str | None = None,
    handler: str | None = None,
    first: date | None = None,
    last: date | None = None,
) -> list[dict[str, Any]]:
    """Applications received from ``first`` to ``last`` with their deadline.

    ``handler`` is the one answering for the application: the clock-start handler once
    it is complete, before that the case's handler on ``today``.
    """
    from ekbist import settings
    from ekbist.working_days import sql_deadline

    if case is not None:
        _case(store, case)
    if handler is not None and not store.scalar("SELECT 1 FROM handler WHERE id = ?", (handler,)):
        raise EkbistError(_("unknown handler '{id}'").format(id=handler))
    if first and last and last < first:
        raise EkbistError.about(_("{to} is before {from}"), {"to": "to", "from": "from"})
    where, params = [], {
        "today": today.isoformat(),
        "days": settings.get(store, "handling.days"),
    }
    if open_only:
        where.append("a.decided IS NULL")
    if case is not None:
        where.append("a.case_id = :case")
        params["case"] = case
    if first is not None:
        where.append("a.received >= :first")
        params["first"] = first.isoformat()
    if last is not None:
        where.append("a.received <= :last")
        params["last"] = last.isoformat()
    # An open application: who answers for it today (a cover first); a decided one: as before.
    responsible = (f"(CASE WHEN a.decided IS NULL THEN {application_handler(':today')} "
                   f"WHEN a.completed IS NOT NULL THEN a.handler "
                   f"ELSE {handler_of_case('a.case_id', ':today')} END)")
    if handler is not None:
        where.append(f"{responsible} = :handler")
        params["handler"] = handler
    clause = ("WHERE " + " AND ".join(where)) if where else ""
    return store.query(
        f"""SELECT a.id, a.case_id AS "case", a.period, a.received, a.completed,
                   CASE WHEN a.completed IS NOT NULL
                        THEN {sql_deadline('a.completed', ':days')} END AS deadline,
                   a.decided, a.decision, a.amount, {responsible} AS handler
            FROM application a {clause}
            ORDER BY a.received, a.id""",
        params,
    )
