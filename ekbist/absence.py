"""Absence (frånvaro): a handler who is away keeps their cases, but someone must cover them.

An absence covers every day from ``from_date`` up to and including ``to_date``
(NULL while the end is not known). A handler away on a day is still employed,
so they keep their cases on paper; the caseload counts those cases as needing
cover and a rebalance gives the handler no new ones. Absences of one handler
never overlap, so "away on D" is a yes/no question with one answer.

Each absence has a kind (``sick``, ``vacation``, ``parental``, ``leave``,
``training``, ``other``): the staff figures count sick leave from it. It has an extent
in per cent of the handler's working time (``extent``, 1–100, default 100): sick leave
at 25, 50 or 75 % ("sjukskriven på deltid") counts that part of each day as sick leave,
and leaves the handler at work with their cases; only a whole-time absence makes a
handler away (:mod:`ekbist.day_conditions`). The free
text (``reason`` in the store) is only a note; absences recorded before kinds
existed are ``other`` with their text kept as the note.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from ekbist import handlers as handler_store
from ekbist.codes import parse_code
from ekbist.day_conditions import absence_covers, absence_whole_time
from ekbist.errors import EkbistError
from ekbist.i18n import _
from ekbist.store import Store
from ekbist.validate import no_personnummer


def away_on(store: Store, day: date) -> set[str]:
    """Ids of the handlers away on ``day``."""
    rows = store.query(
        f"SELECT DISTINCT ab.handler FROM absence ab WHERE {absence_covers(':d')}"
        f" AND {absence_whole_time('ab')}",
        {"d": day.isoformat()},
    )
    return {r["handler"] for r in rows}


def list_absences(store: Store, handler_id: str | None = None) -> list[dict[str, Any]]:
    if handler_id:
        handler_store.get(store, handler_id)
    return store.query(
        """SELECT ab.id, ab.handler, h.name, ab.from_date, ab.to_date, ab.kind, ab.extent,
                  ab.reason
           FROM absence ab JOIN handler h ON h.id = ab.handler
           WHERE :h IS NULL OR ab.handler = :h
           ORDER BY ab.handler, ab.from_date""",
        {"h": handler_id},
    )


EXTENT_MIN, EXTENT_MAX = 1, 100


def parse_extent(value: Any) -> int:
    """An absence's extent in whole per cent of the handler's time: 50, '50', '50 %'."""
    text = str(value).strip().replace("\u00a0", " ").removesuffix("%").strip()
    try:
        extent = int(text)
    except ValueError:
        extent = None
    if extent is None or not EXTENT_MIN <= extent <= EXTENT_MAX:
        raise EkbistError(_("the extent is a whole per cent from {low} to {high} of the "
                            "handler's time, not '{value}'").format(
            low=EXTENT_MIN, high=EXTENT_MAX, value=value))
    return extent


def _overlapping(store: Store, handler_id: str, first: date, last: date | None) -> dict | None:
    # Two ranges overlap when each starts on or before the other's last day.
    return store.one(
        """SELECT id, from_date, to_date FROM absence
           WHERE handler = :h
             AND from_date <= coalesce(:last, '9999-12-31')
             AND coalesce(to_date, '9999-12-31') >= :first
           ORDER BY from_date LIMIT 1""",
        {"h": handler_id, "first": first.isoformat(), "last": last.isoformat() if last else None},
    )


def away(
    store: Store,
    handler_id: str,
    *,
    first: date,
    last: date | None = None,
    reason: str | None = None,
    kind: str | None = None,
    extent: Any = None,
) -> dict[str, Any]:
    """Record that the handler is away from ``first`` to ``last`` (inclusive; None = not known),
    for ``extent`` per cent of their time (default 100: all of it).

    Planned absences (in the future) are allowed: a rebalance should already spare
    a handler who goes on parental leave next week.
    """
    handler = handler_store.get(store, handler_id)
    kind = parse_code("absence_kind", kind) if kind is not None else None
    reason = " ".join(str(reason or "").split())
    if not reason and kind is None:
        raise EkbistError(_("an absence needs a kind or a reason"))
    kind = kind or "other"
    extent = 100 if extent is None else parse_extent(extent)
    if len(reason) > 200:
        raise EkbistError(_("the reason is too long (at most 200 characters)"))
    no_personnummer(reason, _("reason"))
    if last is not None and last < first:
        raise EkbistError(
            _("the absence ends ({last}) before it starts ({first})").format(
                last=last.isoformat(), first=first.isoformat()
            )
        )
    if handler["start_date"] and first.isoformat() < handler["start_date"]:
        raise EkbistError(
            _("handler '{id}' starts on {date}; an absence cannot begin before that").format(
                id=handler_id, date=handler["start_date"]
            )
        )
    if handler["end_date"] and first.isoformat() >= handler["end_date"]:
        raise EkbistError(
            _("handler '{id}' left on {date} and cannot be away after that").format(
                id=handler_id, date=handler["end_date"]
            )
        )
    clash = _overlapping(store, handler_id, first, last)
    if clash and clash["to_date"] is None:
        raise EkbistError(
            _("handler '{id}' is already away from {first} until further notice").format(
                id=handler_id, first=clash["from_date"]
            )
        )
    if clash:
        raise EkbistError(
            _("handler '{id}' is already away from {first} to {last}").format(
                id=handler_id, first=clash["from_date"], last=clash["to_date"]
            )
        )
    with store.transaction():
        cursor = store.execute(
            "INSERT INTO absence (handler, from_date, to_date, kind, extent, reason)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (handler_id, first.isoformat(), last.isoformat() if last else None, kind, extent,
             reason),
        )
    return store.one("SELECT * FROM absence WHERE id = ?", (cursor.lastrowid,))


def back(store: Store, handler_id: str, on: date) -> dict[str, Any]:
    """The handler works again from ``on``: the absence covering that day ends the day before.

    Coming back on the absence's first day means it never happened (a cancelled
    leave): the absence is removed, and the audit keeps what it was. The covers recorded
    with the absence (``handler away --cover-by``) end with it: the cases come back too.
    Returns the absence as it was, with ``cancelled`` or the new ``to_date``.
    """
    handler_store.get(store, handler_id)
    current = store.one(
        f"SELECT * FROM absence ab WHERE ab.handler = :h AND {absence_covers(':d')}",
        {"h": handler_id, "d": on.isoformat()},
    )
    if current is None:
        raise EkbistError(
            _("handler '{id}' is not away on {date}").format(id=handler_id, date=on.isoformat())
        )
    with store.transaction():
        # The absence's covers: those not begun by the day back go, the others end before it.
        store.execute("DELETE FROM cover WHERE absence = ? AND from_date >= ?",
                      (current["id"], on.isoformat()))
        if current["from_date"] == on.isoformat():
            store.execute("DELETE FROM absence WHERE id = ?", (current["id"],))
            return {**current, "cancelled": True}
        last = (on - timedelta(days=1)).isoformat()
        store.execute("UPDATE absence SET to_date = ? WHERE id = ?", (last, current["id"]))
        store.execute("UPDATE cover SET to_date = ? WHERE absence = ?"
                      " AND (to_date IS NULL OR to_date > ?)", (last, current["id"], last))
    return {**current, "to_date": last, "cancelled": False}
