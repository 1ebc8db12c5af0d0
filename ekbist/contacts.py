"""Contacts (kontakter) and the unit's promises of access (tillgänglighet).

The business plan promises the people who contact the unit an answer in time: a
handler "ringer upp dem som lämnat meddelande på röstbrevlådan senast nästkommande
dag"; "den som är våldsutsatt ska få kontakt med teamet samma dag eller senast dagen
efter"; budget and debt advice: "alla ska få en besökstid inom tre månader,
barnfamiljer ska få kontakt med budget- och skuldrådgivare inom en vecka". A contact
records one such request: the day (and, if known, the time) it came in, its kind, whether
the household has children, whose it is (a handler, else a team), optionally the case
number, and the day it was answered — the call-back made, the visit held. It holds no
name and no personnummer.

Each promise is one rule, set in settings:

* ``callback`` — working day ``contacts.callback_workdays`` after the day the message was
  left (1: the next working day; a message left on a Saturday is due on Monday);
* ``violence`` — working day ``contacts.violence_workdays`` after the day of the contact
  (0: the same day, or the first working day after a day off);
* ``debt`` — ``contacts.debt_months`` calendar months after the request (the same day of
  the month, or the month's last day when it is shorter), ``contacts.debt_children_days``
  calendar days for a family with children. A calendar deadline that falls on a day off
  moves to the next working day, as the law on statutory time limits (lag (1930:173) om
  beräkning av lagstadgad tid) moves one that ends on a Sunday, a holiday, a Saturday,
  midsommarafton, julafton or nyårsafton; the unit's closed days count as days off too.

``first_visit`` and ``other`` carry no promise: the wait for a first visit is followed up
as a figure (:mod:`ekbist.reports.contacts`). Working days are those of
:mod:`ekbist.working_days` (its index, so a deadline is two index look-ups per row, and
the unit's closed days count); a contact answered on or before its deadline kept its
promise. As of a day, a contact answered after that day counts as not yet answered, so
a check run for an earlier day answers as it would have then.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

from ekbist import codes, settings
from ekbist.errors import EkbistError
from ekbist.i18n import _
from ekbist.store import Store
from ekbist.validate import identifier, no_personnummer, not_after
from ekbist.working_days import check_in_calendar, sql_workday_after

# The kinds that carry a promise, in the order reports show them; "debt_children" is the
# promise to families with children, a part of "debt".
PROMISES = ("callback", "violence", "debt", "debt_children")
NOTE_MAX = 200
# What a contact is as of a day (the JSON contract's "status").
STATUSES = ("overdue", "due_today", "waiting", "open", "late", "kept", "answered")

_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})$")


def promise_settings(store: Store) -> dict[str, int]:
    """The four numbers the promises are made of, from settings."""
    return {
        "callback_workdays": int(settings.get(store, "contacts.callback_workdays")),
        "violence_workdays": int(settings.get(store, "contacts.violence_workdays")),
        "debt_months": int(settings.get(store, "contacts.debt_months")),
        "debt_children_days": int(settings.get(store, "contacts.debt_children_days")),
    }


# -- the rule, as SQL ------------------------------------------------------------------------
def _months_after(day_expr: str, n: int) -> str:
    """``n`` calendar months after the date: the same day of the month, or the month's last
    day when it is shorter (as :func:`ekbist.months.month_add`; SQLite alone would roll
    30 November + 3 months over to 2 March)."""
    n = int(n)
    return (
        f"(CASE WHEN strftime('%d', date({day_expr}, '+{n} months')) = strftime('%d', {day_expr})"
        f" THEN date({day_expr}, '+{n} months')"
        f" ELSE date({day_expr}, 'start of month', '+{n + 1} months', '-1 day') END)"
    )


def sql_deadline(promises: dict[str, int], alias: str = "c") -> str:
    """SQL for the day a contact must be answered by (NULL for a kind without a promise).

    The sub-queries use the aliases ``wd_`` and ``cd_``; do not use those in the outer query.
    """
    received = f"{alias}.received"
    debt_all = sql_workday_after(_months_after(received, promises["debt_months"]), 0)
    debt_children = sql_workday_after(
        f"date({received}, '+{int(promises['debt_children_days'])} days')", 0)
    return (
        f"(CASE {alias}.kind"
        f" WHEN 'callback' THEN {sql_workday_after(received, promises['callback_workdays'])}"
        f" WHEN 'violence' THEN {sql_workday_after(received, promises['violence_workdays'])}"
        f" WHEN 'debt' THEN (CASE WHEN {alias}.children = 1 THEN {debt_children}"
        f" ELSE {debt_all} END)"
        " END)"
    )


def sql_answered(alias: str = "c", today: str = ":today") -> str:
    """The day answered as of ``today``: an answer recorded for a later day is not one yet."""
    return f"(CASE WHEN {alias}.answered <= {today} THEN {alias}.answered END)"


def sql_status(deadline: str, answered: str, today: str = ":today") -> str:
    """SQL for a contact's status as of ``today`` (one of :data:`STATUSES`)."""
    return (
        f"(CASE WHEN {answered} IS NOT NULL THEN"
        f" (CASE WHEN {deadline} IS NULL THEN 'answered'"
        f" WHEN {answered} <= {deadline} THEN 'kept' ELSE 'late' END)"
        f" WHEN {deadline} IS NULL THEN 'open'"
        f" WHEN {deadline} < {today} THEN 'overdue'"
        f" WHEN {deadline} = {today} THEN 'due_today'"
        " ELSE 'waiting' END)"
    )


# -- reading ----------------------------------------------------------------------------------
# The contacts not answered as of :today, found through the two partial indexes: the few
# thousand without an answer, and the answers recorded for a later day. Left to itself SQLite
# reads every contact's entry in contact_received (half a million on a city's store) to find
# them.
_UNANSWERED = ("c.id IN (SELECT id FROM contact INDEXED BY contact_open"
               " WHERE answered IS NULL AND received <= :today"
               " UNION ALL SELECT id FROM contact WHERE answered > :today)")
_COLUMNS = """c.id, c.received, c.received_time, c.kind, c.children, c.handler,
              h.name AS handler_name, c.team, c.case_id AS "case",
              c.note"""


def _rows(store: Store, where: str, params: dict[str, Any], today: date,
          order: str = "received, received_time, id",
          statuses: tuple[str, ...] | None = None) -> list[dict[str, Any]]:
    """Contacts with their deadline, answer and status as of ``today`` (only those of
    ``statuses`` when given), in ``order``."""
    deadline = sql_deadline(promise_settings(store))
    only = "" if statuses is None else "WHERE status IN (SELECT value FROM json_each(:statuses))"
    rows = store.query(
        f"""SELECT * FROM (
                SELECT *, {sql_status("deadline", "answered")} AS status FROM (
                    SELECT {_COLUMNS}, {deadline} AS deadline, {sql_answered()} AS answered
                    FROM contact c LEFT JOIN handler h ON h.id = c.handler
                    WHERE c.received <= :today AND ({where})))
            {only}
            ORDER BY {order}""",
        {**params, "today": today.isoformat(), "statuses": json.dumps(statuses or [])},
    )
    for row in rows:
        row["children"] = bool(row["children"])
        row["days_late"] = _days_late(row, today)
    return rows


def _days_late(row: dict[str, Any], today: date) -> int | None:
    """Calendar days past the deadline: to the answer, or to today while unanswered."""
    if row["status"] == "late":
        return (date.fromisoformat(row["answered"]) - date.fromisoformat(row["deadline"])).days
    if row["status"] == "overdue":
        return (today - date.fromisoformat(row["deadline"])).days
    return None


def get(store: Store, contact_id: int, today: date) -> dict[str, Any]:
    rows = _rows(store, "c.id = :id", {"id": contact_id}, today)
    if not rows:
        raise EkbistError(_("no contact {id}").format(id=contact_id))
    return rows[0]


def list_contacts(store: Store, *, first: date, last: date, today: date,
                  kind: str | None = None, handler: str | None = None,
                  team: str | None = None) -> list[dict[str, Any]]:
    """The contacts received from ``first`` to ``last``, with their status as of ``today``."""
    if last < first:
        raise EkbistError.about(_("{to} is before {from}"), {"to": "to", "from": "from"})
    kind_code = codes.parse_code("contact_kind", kind) if kind else None
    team_code = codes.parse_code("team", team) if team else None
    if handler is not None:
        _known_handler(store, handler)
    return _rows(
        store,
        "c.received BETWEEN :first AND :last AND (:kind IS NULL OR c.kind = :kind)"
        " AND (:handler IS NULL OR c.handler = :handler)"
        " AND (:team IS NULL OR c.team = :team)",
        {"first": first.isoformat(), "last": last.isoformat(), "kind": kind_code,
         "handler": handler, "team": team_code},
        today,
    )


def due(store: Store, today: date, *, handler: str | None = None) -> list[dict[str, Any]]:
    """The contacts not answered as of ``today`` whose deadline is today or has passed:
    overdue first, then due today, each by deadline."""
    if handler is not None:
        _known_handler(store, handler)
    return _rows(
        store,
        f"{_UNANSWERED} AND c.kind IN ('callback', 'violence', 'debt')"
        " AND (:handler IS NULL OR c.handler = :handler)",
        {"handler": handler}, today, order="status <> 'overdue', deadline, id",
        statuses=("overdue", "due_today"))


def check(store: Store, today: date, *, since: date | None = None,
          handler: str | None = None) -> list[dict[str, Any]]:
    """What needs attention as of ``today``: the contacts of :func:`due`, then those
    answered late from ``since`` (default: the first of ``today``'s month) to ``today``,
    by deadline."""
    since = since or today.replace(day=1)
    if since > today:
        raise EkbistError.about(_("{since} is after {today}"), {"since": "since", "today": "today"})
    return due(store, today, handler=handler) + _rows(
        store,
        "c.answered BETWEEN :since AND :today AND c.kind IN ('callback', 'violence', 'debt')"
        " AND (:handler IS NULL OR c.handler = :handler)",
        {"since": since.isoformat(), "handler": handler}, today, order="deadline, id",
        statuses=("late",))


def callbacks(store: Store, today: date, *, handler: str | None = None) -> list[dict[str, Any]]:
    """The call-backs not yet made as of ``today`` (a handler's, or everyone's), by deadline."""
    return _rows(store, f"c.kind = 'callback' AND {_UNANSWERED}"
                 " AND (:handler IS NULL OR c.handler = :handler)",
                 {"handler": handler}, today, order="deadline, id")


# -- writing ---------------------------------------------------------------------------------
def parse_time(value: Any) -> str | None:
    """A time of day as HH:MM ('9:05', '09.05' and '09:05' are the same), or None."""
    if value is None or str(value).strip() == "":
        return None
    match = _TIME.match(str(value).strip())
    if match is None or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise EkbistError(_("'{value}' is not a time of day (HH:MM)").format(value=value))
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def _known_handler(store: Store, handler: str) -> dict[str, Any]:
    row = store.one("SELECT id, name, team FROM handler WHERE id = ?", (handler,))
    if row is None:
        raise EkbistError(_("no handler '{id}'").format(id=handler))
    return row


def add(store: Store, *, received: date, kind: str, today: date, children: bool = False,
        handler: str | None = None, team: str | None = None, case: str | None = None,
        received_time: Any = None, answered: date | None = None,
        note: str | None = None) -> dict[str, Any]:
    """Record a contact in one audited transaction; its id, deadline and status back.

    Whose it is: a handler (their team is then the contact's team unless ``team`` says
    otherwise), or a team alone (a violence contact to the team, a request for debt advice).
    """
    kind_code = codes.parse_code("contact_kind", kind)
    team_code = codes.parse_code("team", team) if team else None
    not_after(received, today, _("received"))
    check_in_calendar(received)  # a deadline is counted on the working-day index
    time_text = parse_time(received_time)
    if answered is not None:
        not_after(answered, today, _("answered"))
        if answered < received:
            raise EkbistError(_("answered {answered} before it was received ({received})").format(
                answered=answered.isoformat(), received=received.isoformat()))
    case_id = identifier(case, _("case number")) if case else None
    note_text = " ".join(str(note or "").split())
    if len(note_text) > NOTE_MAX:
        raise EkbistError(_("the note is too long (at most {n} characters)").format(n=NOTE_MAX))
    no_personnummer(note_text, _("note"))
    if handler is None and team_code is None:
        raise EkbistError(_("say whose the contact is: a handler or a team"))
    with store.transaction():
        if handler is not None:
            team_code = team_code or _known_handler(store, handler)["team"]
        store.execute(
            "INSERT INTO contact (received, received_time, kind, children, handler, team,"
            " case_id, answered, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (received.isoformat(), time_text, kind_code, int(bool(children)), handler,
             team_code, case_id, answered.isoformat() if answered else None, note_text),
        )
        new_id = int(store.scalar("SELECT last_insert_rowid()"))
    return get(store, new_id, today)


def answer(store: Store, contact_id: int, *, on: date, today: date) -> dict[str, Any]:
    """Record that a contact was answered (the call-back made, the visit held) on ``on``."""
    not_after(on, today, _("answered"))
    with store.transaction():
        row = store.one("SELECT id, received, answered FROM contact WHERE id = ?", (contact_id,))
        if row is None:
            raise EkbistError(_("no contact {id}").format(id=contact_id))
        if row["answered"] is not None:
            raise EkbistError(_("contact {id} was answered already, on {day}").format(
                id=contact_id, day=row["answered"]))
        if on.isoformat() < row["received"]:
            raise EkbistError(_("answered {answered} before it was received ({received})").format(
                answered=on.isoformat(), received=row["received"]))
        store.execute("UPDATE contact SET answered = ? WHERE id = ?", (on.isoformat(), contact_id))
    return get(store, contact_id, today)
