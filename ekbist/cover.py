"""Temporary cover (tillfällig täckning): a colleague carries a case for a dated period.

When a handler is away the reception and the colleagues take their cases for a while.
A cover is a dated record, not a move: the case's assignment (its own handler) stays,
and the case comes back by itself after the cover's last day, with nothing to undo.
While the cover lasts, "who carries the case" is the covering handler — for the
caseload, the day, the handling time and the reports alike
(:func:`ekbist.day_conditions.handler_of_case`, the one home of that rule).

The rules of a cover, all checked before anything is written:

* it covers ``first`` to ``last`` (both included; ``last`` None = until further notice,
  only with an absence, which ``handler back`` ends);
* the case is active on its first day and has a handler then, and that handler is
  not the one covering;
* the covering handler is employed on every day of it and away on none (a whole-time
  absence; a part-time one leaves them at work);
* covers of one case never overlap.

A case that closes during a cover is simply no longer counted from its closing day.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from ekbist import handlers as handler_store
from ekbist.day_conditions import (
    absence_whole_time,
    assigned_handler_of_case,
    assignment_covers,
    case_active,
    cover_covers,
)
from ekbist.errors import EkbistError
from ekbist.i18n import _
from ekbist.months import month_add
from ekbist.store import Store

FAR = "9999-12-31"


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _check_coverer(store: Store, by: str, first: date, last: date | None) -> dict[str, Any]:
    """The covering handler, refused when not employed or away on any day of the cover."""
    handler = handler_store.get(store, by)
    if handler["start_date"] and handler["start_date"] > first.isoformat():
        raise EkbistError(
            _("handler '{id}' starts on {date} and cannot cover before that").format(
                id=by, date=handler["start_date"]))
    if handler["end_date"] and handler["end_date"] <= first.isoformat():
        # Gone before the cover's first day: said in the past, as it was when the cover
        # would begin (their leaving usually lies behind the person asking).
        raise EkbistError(
            _("handler '{id}' left on {date}, before the cover begins").format(
                id=by, date=handler["end_date"]))
    if handler["end_date"] and (last is None or handler["end_date"] <= last.isoformat()):
        raise EkbistError(
            _("handler '{id}' leaves on {date}, before the cover ends").format(
                id=by, date=handler["end_date"]))
    away = store.one(
        f"""SELECT ab.from_date, ab.to_date FROM absence ab
            WHERE ab.handler = :h AND {absence_whole_time('ab')}
              AND ab.from_date <= coalesce(:last, '{FAR}')
              AND coalesce(ab.to_date, '{FAR}') >= :first
            ORDER BY ab.from_date LIMIT 1""",
        {"h": by, "first": first.isoformat(), "last": _iso(last)},
    )
    if away is not None and away["to_date"] is None:
        raise EkbistError(
            _("handler '{id}' is away from {first} until further notice, during the cover")
            .format(id=by, first=away["from_date"]))
    if away is not None:
        raise EkbistError(
            _("handler '{id}' is away from {first} to {last}, during the cover").format(
                id=by, first=away["from_date"], last=away["to_date"]))
    return handler


def _check_case(store: Store, case_id: str, by: str, first: date, last: date | None,
                *, ignore_from: date | None = None) -> str:
    """The case's own handler on ``first``; refused when the case cannot be covered then.
    ``ignore_from``: the first day of a stored cover of the case that this one replaces
    (a sheet row changing it), left out of the overlap check."""
    case = store.one("SELECT id, opened, closed FROM cases WHERE id = ?", (case_id,))
    if case is None:
        raise EkbistError(_("unknown case '{id}'").format(id=case_id))
    if case["opened"] > first.isoformat():
        raise EkbistError(
            _("case '{id}' was opened on {date}; a cover cannot begin before that").format(
                id=case_id, date=case["opened"]))
    if case["closed"] and case["closed"] <= first.isoformat():
        raise EkbistError(
            _("case '{id}' was closed on {date}").format(id=case_id, date=case["closed"]))
    own = store.scalar(f"SELECT {assigned_handler_of_case(':c', ':d')}",
                       {"c": case_id, "d": first.isoformat()})
    if own is None:
        raise EkbistError(
            _("case '{id}' has no handler on {date}; give it one with ekbist case assign")
            .format(id=case_id, date=first.isoformat()))
    if own == by:
        raise EkbistError(
            _("case '{id}' is with '{handler}' already").format(id=case_id, handler=by))
    clash = store.one(
        f"""SELECT handler, from_date, to_date FROM cover
            WHERE case_id = :c AND from_date <= coalesce(:last, '{FAR}')
              AND coalesce(to_date, '{FAR}') >= :first AND from_date IS NOT :ignore
            ORDER BY from_date LIMIT 1""",
        {"c": case_id, "first": first.isoformat(), "last": _iso(last),
         "ignore": _iso(ignore_from)},
    )
    if clash is not None and clash["to_date"] is None:
        raise EkbistError(
            _("case '{id}' is already covered by '{handler}' from {first} until further "
              "notice").format(id=case_id, handler=clash["handler"], first=clash["from_date"]))
    if clash is not None:
        raise EkbistError(
            _("case '{id}' is already covered by '{handler}' from {first} to {last}").format(
                id=case_id, handler=clash["handler"], first=clash["from_date"],
                last=clash["to_date"]))
    return own


def _check_period(first: date, last: date | None) -> None:
    """A dated cover runs forward and lasts at most a year: its last day comes before the
    same date a year after its first (1 March to the last of February). A cover is a while
    away, not a new owner; a case carried longer by someone else is moved with ``case
    assign``. Until further notice (None) stays open: an absence's cover ends with it."""
    if last is not None and last < first:
        raise EkbistError.about(_("{to} {last} is before {from} {first}"),
                                {"from": "from", "to": "until"},
                                first=first.isoformat(), last=last.isoformat())
    if last is not None and last >= month_add(first, 12):
        raise EkbistError.about(
            _("a cover lasts at most a year: {to} {last} is a year or more after {from} "
              "{first}; move the case for good with ekbist case assign"),
            {"from": "from", "to": "until"}, first=first.isoformat(), last=last.isoformat())


def refusal(
    store: Store, case_id: str, by: str, *, first: date, last: date | None,
    replacing: bool = False,
) -> str | None:
    """Why ``case cover`` would refuse ``by`` covering ``case_id`` from ``first`` to ``last``
    (None: until further notice), or None when it may. The rules of :func:`cover`, for the
    spreadsheet import (:mod:`ekbist.cover_rows`), which holds a sheet's covers to them;
    ``replacing``: the cover stored for the case from ``first`` is the one being changed."""
    try:
        _check_period(first, last)
        if store.scalar("SELECT 1 FROM handler WHERE id = ?", (by,)) is None:
            raise EkbistError(_("unknown handler '{id}'").format(id=by))
        _check_coverer(store, by, first, last)
        _check_case(store, case_id, by, first, last, ignore_from=first if replacing else None)
    except EkbistError as exc:
        return str(exc)
    return None


def cover(
    store: Store, case_id: str, by: str, *, first: date, last: date
) -> dict[str, Any]:
    """Record that ``by`` carries ``case_id`` from ``first`` to ``last`` (both included).

    Covers may be planned ahead (a colleague's holiday next month) and recorded after
    the fact; the case's own handler stays on it throughout.
    """
    _check_period(first, last)
    with store.transaction():
        _check_coverer(store, by, first, last)
        own = _check_case(store, case_id, by, first, last)
        cursor = store.execute(
            "INSERT INTO cover (case_id, handler, from_date, to_date) VALUES (?, ?, ?, ?)",
            (case_id, by, first.isoformat(), last.isoformat()))
    return {**get(store, cursor.lastrowid), "for_handler": own}


def cover_absence(
    store: Store, absent: str, by: str, *, first: date, last: date | None, absence_id: int
) -> list[dict[str, Any]]:
    """Cover every case ``absent`` holds on ``first`` by ``by`` for the absence ``absence_id``
    (``first`` to ``last``; None until further notice). The caller's transaction makes the
    absence and its covers all or nothing. Returns the covers written."""
    _check_period(first, last)
    if by == absent:
        raise EkbistError(_("a handler cannot cover their own cases"))
    with store.transaction():
        _check_coverer(store, by, first, last)
        held = [r[0] for r in store.tuples(
            f"""SELECT c.id FROM cases c JOIN assignment a ON a.case_id = c.id
                WHERE a.handler = :h AND {assignment_covers(':d')} AND {case_active(':d')}
                ORDER BY c.id""",
            {"h": absent, "d": first.isoformat()})]
        for case_id in held:
            _check_case(store, case_id, by, first, last)
        store.executemany(
            "INSERT INTO cover (case_id, handler, from_date, to_date, absence)"
            " VALUES (?, ?, ?, ?, ?)",
            [(c, by, first.isoformat(), _iso(last), absence_id) for c in held])
    return [{"case": c, "handler": by, "from_date": first.isoformat(), "to_date": _iso(last)}
            for c in held]


def get(store: Store, cover_id: int) -> dict[str, Any]:
    row = store.one(
        """SELECT cv.id, cv.case_id AS "case", cv.handler, h.name, cv.from_date, cv.to_date
           FROM cover cv JOIN handler h ON h.id = cv.handler WHERE cv.id = ?""",
        (cover_id,))
    if row is None:
        raise EkbistError(_("no such cover"))
    return row


def end(store: Store, case_id: str, on: date) -> dict[str, Any]:
    """The case is back with its own handler from ``on``: the cover over that day ends the day
    before. Ending it on its first day means it never happened (a cancelled cover): it is
    removed, and the audit keeps what it was. Returns the cover as it was, with
    ``cancelled`` or the new ``to_date``."""
    if store.scalar("SELECT 1 FROM cases WHERE id = ?", (case_id,)) is None:
        raise EkbistError(_("unknown case '{id}'").format(id=case_id))
    with store.transaction():
        current = store.one(
            f"""SELECT cv.id FROM cover cv WHERE cv.case_id = :c AND {cover_covers(':d')}
                ORDER BY cv.from_date DESC LIMIT 1""",
            {"c": case_id, "d": on.isoformat()})
        if current is None:
            raise EkbistError(_("case '{id}' is not covered on {date}").format(
                id=case_id, date=on.isoformat()))
        row = get(store, current["id"])
        if row["from_date"] == on.isoformat():
            store.execute("DELETE FROM cover WHERE id = ?", (row["id"],))
            return {**row, "cancelled": True}
        last = (on - timedelta(days=1)).isoformat()
        store.execute("UPDATE cover SET to_date = ? WHERE id = ?", (last, row["id"]))
    return {**row, "to_date": last, "cancelled": False}


def list_covers(
    store: Store, *, handler: str | None = None, since: date | None = None
) -> list[dict[str, Any]]:
    """Covers (of ``handler``, covering or covered; all when None) not ended before ``since``
    (every one when None), with the case's own handler on the cover's first day."""
    if handler:
        handler_store.get(store, handler)
    own = assigned_handler_of_case("cv.case_id", "cv.from_date")
    return store.query(
        f"""SELECT cv.case_id AS "case", cv.handler, h.name, {own} AS for_handler,
                   (SELECT o.name FROM handler o WHERE o.id = {own}) AS for_name,
                   cv.from_date, cv.to_date, c.closed
            FROM cover cv JOIN handler h ON h.id = cv.handler JOIN cases c ON c.id = cv.case_id
            WHERE (:since IS NULL OR cv.to_date IS NULL OR cv.to_date >= :since)
              AND (:h IS NULL OR cv.handler = :h OR {own} = :h)
            ORDER BY cv.from_date, cv.case_id""",
        {"h": handler, "since": _iso(since)},
    )


def away_covered(
    store: Store, handler_id: str, by: str, *, first: date, last: date | None = None,
    **absence_fields: Any,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Record ``handler_id``'s absence and, in the same transaction, cover each case they
    hold on its first day by ``by`` for as long as it lasts (``handler away --cover-by``).
    ``handler back`` ends those covers with the absence."""
    from ekbist import absence

    if by == handler_id:
        raise EkbistError(_("a handler cannot cover their own cases"))
    with store.transaction():
        row = absence.away(store, handler_id, first=first, last=last, **absence_fields)
        if row["extent"] < 100:
            raise EkbistError(_("a part-time absence leaves the handler at work with their "
                                "cases; nothing to cover"))
        covers = cover_absence(store, handler_id, by, first=first, last=last,
                               absence_id=row["id"])
    return row, covers
