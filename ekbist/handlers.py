"""Handlers (handläggare): who they are, their team and employment rate, leave and absence."""

from __future__ import annotations

from datetime import date
from typing import Any

from ekbist import codes
from ekbist.day_conditions import assignment_open, case_open, handler_employed
from ekbist.errors import EkbistError
from ekbist.i18n import _, language
from ekbist.number_text import format_number
from ekbist.store import Store
from ekbist.validate import identifier, no_personnummer


def _check_fte(fte: float | str) -> float:
    """An employment rate as a share of full time; text as sheets take it: 0.75, 0,75, 75 %."""
    typed = fte
    if isinstance(fte, str):
        from ekbist.number_text import parse_number

        number = parse_number(fte)
        if number is None or isinstance(number, bool):
            raise EkbistError(
                _("'{value}' is not an employment rate — write e.g. 0.75, 0,75 or 75 %").format(
                    value=fte)
            )
        fte = float(number)
    if not 0 < fte <= 1:
        # The refusal quotes what was typed ("1,5"), not Python's reading of it ("1.5").
        shown = typed.strip() if isinstance(typed, str) else format_number(
            typed, swedish=language() == "sv")
        raise EkbistError(_("fte must be above 0 and at most 1, not {fte}").format(fte=shown))
    return float(fte)


def get(store: Store, handler_id: str) -> dict[str, Any]:
    row = store.one("SELECT * FROM handler WHERE id = ?", (handler_id,))
    if row is None:
        raise EkbistError(_("unknown handler '{id}'").format(id=handler_id))
    return row


def add(
    store: Store,
    handler_id: str,
    *,
    name: str,
    team: str,
    fte: float,
    start: date | None = None,
) -> dict[str, Any]:
    handler_id = identifier(handler_id, _("handler id"))
    team = codes.parse_code("team", team)
    fte = _check_fte(fte)
    name = name.strip()
    if not name:
        raise EkbistError(_("a handler needs a name"))
    no_personnummer(name, _("name"))
    with store.transaction():
        # Inside the write transaction, so a second command adding it at once sees the first.
        if store.scalar("SELECT 1 FROM handler WHERE id = ?", (handler_id,)):
            raise EkbistError(_("handler '{id}' exists already").format(id=handler_id))
        store.execute(
            "INSERT INTO handler (id, name, team, fte, start_date) VALUES (?, ?, ?, ?, ?)",
            (handler_id, name, team, fte, start.isoformat() if start else None),
        )
    return get(store, handler_id)


def edit(
    store: Store,
    handler_id: str,
    *,
    name: str | None = None,
    team: str | None = None,
    fte: float | None = None,
    start: date | None = None,
) -> dict[str, Any]:
    current = get(store, handler_id)
    changes: dict[str, Any] = {}
    if name is not None:
        if not name.strip():
            raise EkbistError(_("a handler needs a name"))
        no_personnummer(name, _("name"))
        changes["name"] = name.strip()
    if team is not None:
        changes["team"] = codes.parse_code("team", team)
    if fte is not None:
        changes["fte"] = _check_fte(fte)
    if start is not None:
        changes["start_date"] = start.isoformat()
    if not changes:
        raise EkbistError.about(_("nothing to change: give {name}, {team}, {fte} or {start}"),
                                {"name": "name", "team": "team", "fte": "fte", "start": "start"})
    with store.transaction():
        sets = ", ".join(f"{column} = ?" for column in changes)
        store.execute(f"UPDATE handler SET {sets} WHERE id = ?", (*changes.values(), current["id"]))
    return get(store, handler_id)


def leave(store: Store, handler_id: str, on: date) -> dict[str, Any]:
    """Record that the handler leaves the unit: from ``on`` they hold no cases."""
    current = get(store, handler_id)
    if current["end_date"]:
        raise EkbistError(
            _("handler '{id}' has already left ({date})").format(
                id=handler_id, date=current["end_date"]
            )
        )
    if current["start_date"] and on.isoformat() < current["start_date"]:
        raise EkbistError(_("the leaving date is before the handler started"))
    with store.transaction():
        store.execute("UPDATE handler SET end_date = ? WHERE id = ?", (on.isoformat(), handler_id))
    return get(store, handler_id)


def open_case_count(store: Store, handler_id: str) -> int:
    """Open cases whose current assignment is with the handler (what a leaver leaves behind)."""
    return store.scalar(
        f"""SELECT count(*) FROM assignment a JOIN cases c ON c.id = a.case_id
           WHERE a.handler = ? AND {assignment_open()} AND {case_open()}""",
        (handler_id,),
    )


def names(store: Store) -> dict[str, str]:
    """Every handler's name by id, for tables that show both."""
    return {r["id"]: r["name"] for r in store.query("SELECT id, name FROM handler")}


def list_handlers(
    store: Store, *, as_of: date | None = None, team: str | None = None
) -> list[dict[str, Any]]:
    """Handlers with their active caseload; ``as_of`` limits to those employed that day."""
    where, params = [], []
    if team:
        where.append("h.team = ?")
        params.append(codes.parse_code("team", team))
    if as_of:
        day = as_of.isoformat()
        where.append(handler_employed("?"))
        params += [day, day]
    clause = ("WHERE " + " AND ".join(where)) if where else ""
    return store.query(
        f"""
        SELECT h.id, h.name, h.team, h.fte, h.start_date, h.end_date,
               (SELECT count(*) FROM assignment a JOIN cases c ON c.id = a.case_id
                 WHERE a.handler = h.id AND {assignment_open()} AND {case_open()}) AS open_cases
        FROM handler h {clause}
        ORDER BY h.team, h.id
        """,
        params,
    )
