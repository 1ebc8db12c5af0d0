"""Balancing (omfördelning): fair moves of cases within a team, and a leaver's cases placed.

The caseload figures (:mod:`ekbist.caseload`) say who carries too much; this
module says what to do about it, and does it when asked:

* ``propose``: which cases to move within a team, from the most to the least
  loaded handler per FTE, so that the load per FTE evens out. The proposal is
  pure (no store), so its guarantees can be checked as properties: it never
  widens the team's spread, never leaves a team, and never changes the number
  of active cases.
* ``balance``: that proposal over the store's caseload on a day, and with
  ``apply`` the moves written as new assignments dated today, all or nothing.
* ``redistribute_leaver``: a leaving handler's active cases, each placed with
  the colleague in the team who is least loaded per FTE after taking it.

It reads the store with the same SQL fragments as the figures, so a move is
planned from exactly the loads ``ekbist caseload`` shows. It builds on
:mod:`ekbist.caseload`, never the other way round.
"""

# In the unit's Swedish this is omfördelning (av ärenden): `caseload balance` and
# `handler leave --redistribute` are its two commands.

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from ekbist import codes
from ekbist import handlers as handler_store
from ekbist import settings as unit_settings
from ekbist.caseload import HELD_CTE, TEAM_ORDER, parse_team, two_decimals
from ekbist.day_conditions import (
    assignment_covers,
    assignment_open,
    case_active,
    handler_at_work,
    handler_away,
    handler_employed,
)
from ekbist.errors import EkbistError
from ekbist.i18n import _
from ekbist.months import month_add
from ekbist.store import Store

# FTE is compared in whole thousandths so that "does this move even things out"
# is decided exactly, never by a float rounding error.
FTE_SCALE = 1000

# No new cases for anyone whose absence begins within this many days.
AWAY_SOON_DAYS = 30


@dataclass
class Member:
    """One handler as the proposal sees them.

    ``cases`` are the cases that may be moved away, preferred first (held the
    shortest time); ``load`` counts every active case, movable or not.
    ``receives`` is False for anyone who must not get new cases (leaving soon).
    """

    id: str
    team: str
    fte: float
    load: int
    cases: list[str] = field(default_factory=list)
    receives: bool = True
    ramp: float | None = None  # a newcomer's share of a full caseload (``fte`` already scaled)

    @property
    def scaled_fte(self) -> int:
        return max(1, round(self.fte * FTE_SCALE))


@dataclass(frozen=True)
class Move:
    case: str
    team: str
    from_handler: str
    to_handler: str


@dataclass
class Proposal:
    moves: list[Move]
    before: dict[str, int]          # handler -> load before
    after: dict[str, int]           # handler -> load after
    fte: dict[str, float]
    team_of: dict[str, str]
    unplaced: list[tuple[str, str]] = field(default_factory=list)  # forced cases no one could take
    ramp: dict[str, float | None] = field(default_factory=dict)  # newcomers' share of a full load

    def spread(self, team: str, loads: dict[str, int] | None = None) -> float | None:
        loads = self.before if loads is None else loads
        values = [loads[h] / self.fte[h] for h, t in self.team_of.items() if t == team]
        return max(values) - min(values) if values else None

    @property
    def teams(self) -> list[str]:
        return [code for code in codes.TEAMS if code in set(self.team_of.values())]


def _lower(a: int, fa: int, b: int, fb: int) -> bool:
    """a/fa < b/fb, exactly."""
    return a * fb < b * fa


def propose(
    members: Iterable[Member],
    *,
    max_moves: int | None = None,
    forced: Sequence[tuple[str, str]] = (),
    rebalance: bool = True,
) -> Proposal:
    """Moves within each team from the most to the least loaded per FTE.

    A move of one case from ``d`` to ``r`` is made only when both end strictly
    between their old loads per FTE (``r`` stays below what ``d`` had, ``d``
    stays above what ``r`` had). Such a move never widens the team's spread,
    and it lowers the sum of load²/FTE, so the search ends; it stops when no
    such move is left (or after ``max_moves`` per team). Donors are tried from
    the most loaded down, receivers from the least loaded up.

    ``forced`` are (case, team) pairs that must find a handler (a leaver's
    cases): each goes to the receiver whose load per FTE is lowest after taking
    it. Those moves count towards the team's load but are not limited by
    ``max_moves``; with ``rebalance`` False nothing else moves.
    """
    members = list(members)
    ids = [m.id for m in members]
    if len(set(ids)) != len(ids):
        raise ValueError("duplicate handler in proposal")
    if max_moves is not None and max_moves < 0:
        raise ValueError("max_moves must not be negative")
    load = {m.id: m.load for m in members}
    proposal = Proposal(
        moves=[], before=dict(load), after=load, fte={m.id: m.fte for m in members},
        team_of={m.id: m.team for m in members}, ramp={m.id: m.ramp for m in members},
    )
    by_team: dict[str, list[Member]] = {}
    for m in members:
        by_team.setdefault(m.team, []).append(m)
    for case, team in forced:
        receivers = [m for m in by_team.get(team, []) if m.receives]
        if not receivers:
            proposal.unplaced.append((case, team))
            continue
        best = min(
            receivers,
            key=lambda m: ((load[m.id] + 1) / m.scaled_fte, load[m.id] / m.scaled_fte, m.id),
        )
        load[best.id] += 1
        proposal.moves.append(Move(case, team, "", best.id))
    if not rebalance:
        return proposal
    for team, team_members in by_team.items():
        _balance_team(team, team_members, load, proposal, max_moves)
    return proposal


def _balance_team(
    team: str, members: list[Member], load: dict[str, int], proposal: Proposal,
    max_moves: int | None,
) -> None:
    """The greedy search of :func:`propose` for one team.

    Donors and receivers are kept in two sorted lists; a move changes two loads,
    so only those two entries are taken out and put back (bisect), instead of
    sorting the team again for every move.
    """
    from bisect import bisect_left, insort

    cases = {m.id: m.cases for m in members}
    taken = {m.id: 0 for m in members}  # how many of each member's cases have moved
    scaled = {m.id: m.scaled_fte for m in members}
    receiving = {m.id for m in members if m.receives}

    def donor_key(h: str) -> tuple[float, str]:
        return (-load[h] / scaled[h], h)

    def receiver_key(h: str) -> tuple[float, str]:
        return (load[h] / scaled[h], h)

    def gives(h: str) -> bool:
        return taken[h] < len(cases[h])

    donors = sorted((donor_key(h), h) for h in cases if gives(h))
    receivers = sorted((receiver_key(h), h) for h in receiving)
    moved = 0
    while max_moves is None or moved < max_moves:
        choice = None
        for _key, d in donors:
            a, fa = load[d], scaled[d]
            for _rkey, r in receivers:
                if r == d:
                    continue
                b, fb = load[r], scaled[r]
                if not _lower(b, fb, a - 1, fa):
                    break  # the donor would fall to or below this receiver, and the rest
                if _lower(b + 1, fb, a, fa):
                    choice = (d, r)
                    break
            if choice:
                break
        if choice is None:
            return
        d, r = choice
        for h in (d, r):
            if gives(h):
                del donors[bisect_left(donors, (donor_key(h), h))]
            if h in receiving:
                del receivers[bisect_left(receivers, (receiver_key(h), h))]
        case = cases[d][taken[d]]
        taken[d] += 1
        load[d] -= 1
        load[r] += 1
        proposal.moves.append(Move(case, team, d, r))
        moved += 1
        for h in (d, r):
            if gives(h):
                insort(donors, (donor_key(h), h))
            if h in receiving:
                insort(receivers, (receiver_key(h), h))


def ramp_share(start: str | None, as_of: date, shares: Sequence[int]) -> float | None:
    """A newcomer's share of a full caseload on ``as_of``: ``shares[k-1]`` per cent in their
    k-th month (the first month runs from the start day to the day before the same day
    of the next month), None from the month after the last share on (a full caseload).

    The balance counts a newcomer with their FTE times this share, so that evening out the
    load per FTE gives them that share of what a colleague carries, and no more.
    """
    if not start:
        return None
    first = date.fromisoformat(start)
    if as_of < first:
        return None
    for k, share in enumerate(shares, start=1):
        if as_of < month_add(first, k):
            return None if share >= 100 else share / 100
    return None


def _members(
    store: Store, as_of: date, *, team: str | None, keep_days: int, exclude: str | None = None
) -> list[Member]:
    """The present handlers (employed, not away) with their loads and movable cases.

    Who receives no new cases: anyone with a leaving date, and anyone whose
    absence begins within ``AWAY_SOON_DAYS`` (a case handed over today should
    not need cover next week).
    """
    day = as_of.isoformat()
    params = {"d": day, "team": team, "keep_from": (as_of - timedelta(days=keep_days)).isoformat(),
              "soon": (as_of + timedelta(days=AWAY_SOON_DAYS)).isoformat(),
              "exclude": exclude}
    rows = store.query(
        f"""
        WITH {HELD_CTE}
        SELECT h.id, h.team, h.fte, h.start_date, coalesce(held.n, 0) AS load,
               h.end_date IS NULL AND NOT EXISTS (
                   SELECT 1 FROM absence ab WHERE ab.handler = h.id
                     AND ab.from_date > :d AND ab.from_date <= :soon) AS receives
        FROM handler h LEFT JOIN held ON held.handler = h.id
        WHERE {handler_at_work(":d")}
          AND (:team IS NULL OR h.team = :team)
          AND (:exclude IS NULL OR h.id <> :exclude)
        ORDER BY {TEAM_ORDER.format(t='h.team')}, h.id
        """,
        params,
    )
    shares = unit_settings.ramp_shares(str(unit_settings.get(store, "caseload.ramp_up")))
    members = {}
    for r in rows:
        ramp = ramp_share(r["start_date"], as_of, shares)
        members[r["id"]] = Member(r["id"], r["team"], r["fte"] * (ramp or 1.0), r["load"],
                                  receives=bool(r["receives"]), ramp=ramp)
    # Movable: active, held through the open assignment, and not reassigned within keep_days.
    # Held the shortest time first: moving those costs the client the least continuity.
    candidates = store.query(
        f"""
        SELECT a.handler, a.case_id
        FROM cases c CROSS JOIN assignment a ON a.case_id = c.id
        JOIN handler h ON h.id = a.handler
        WHERE {assignment_open()} AND a.from_date <= :d AND {case_active(":d")}
          AND (:team IS NULL OR h.team = :team)
          AND NOT (a.from_date > :keep_from AND EXISTS (
                SELECT 1 FROM assignment p WHERE p.case_id = a.case_id AND p.id <> a.id
                  AND p.from_date <= a.from_date))
          -- a case under a cover (now or planned) comes back by itself: never moved for good
          AND NOT EXISTS (SELECT 1 FROM cover cv WHERE cv.case_id = a.case_id
                            AND (cv.to_date IS NULL OR cv.to_date >= :d))
        ORDER BY a.handler, a.from_date DESC, a.case_id
        """,
        params,
    )
    for c in candidates:
        member = members.get(c["handler"])
        if member is not None:
            member.cases.append(c["case_id"])
    return list(members.values())


def balance(
    store: Store,
    *,
    as_of: date,
    today: date,
    team: str | None = None,
    max_moves: int | None = None,
    apply: bool = False,
) -> dict[str, Any]:
    """Propose (and with ``apply`` make) the moves that even out each team's load per FTE.

    Applying works on today's caseload only and writes every move as an
    assignment dated ``today`` in one transaction, the proposal being computed
    inside that transaction so it matches what is written.
    """
    team = parse_team(team)
    if max_moves is not None and max_moves < 0:
        raise EkbistError.about(_("{max_moves} must be 0 or more"), {"max_moves": "max_moves"})
    if apply and as_of != today:
        raise EkbistError.about(
            _("{apply} takes effect from today ({today}); leave out {as_of} or give today's date"),
            {"apply": "apply", "as_of": "as_of"}, today=today.isoformat())
    keep_days = int(unit_settings.get(store, "caseload.keep_days"))

    def plan() -> dict[str, Any]:
        members = _members(store, as_of, team=team, keep_days=keep_days)
        proposal = propose(members, max_moves=max_moves)
        return _result(store, proposal, as_of=as_of, team=team, keep_days=keep_days)

    return _propose_or_apply(store, plan, apply=apply,
                             write=lambda result: _write_moves(store, result["moves"], today))


def _propose_or_apply(
    store: Store,
    plan: Callable[[], dict[str, Any]],
    *,
    apply: bool,
    write: Callable[[dict[str, Any]], None],
) -> dict[str, Any]:
    """Run ``plan`` on one consistent view; with ``apply`` plan and ``write`` in one transaction.

    Planning inside the writing transaction guarantees the moves written are the
    moves computed from the store as it is at that moment.
    """
    if not apply:
        with store.snapshot():
            result = plan()
        result["applied"] = False
        return result
    with store.transaction():
        result = plan()
        write(result)
    result["applied"] = True
    return result


def _result(
    store: Store, proposal: Proposal, *, as_of: date, team: str | None, keep_days: int
) -> dict[str, Any]:
    names = handler_store.names(store)
    cover = {
        r["team"]: r["n"]
        for r in store.query(
            f"""SELECT h.team, count(*) AS n
                FROM cases c CROSS JOIN assignment a ON a.case_id = c.id
                JOIN handler h ON h.id = a.handler
                WHERE {assignment_covers(":d")} AND {case_active(":d")}
                  AND (NOT ({handler_employed(":d")}) OR {handler_away(":d")})
                GROUP BY h.team""",
            {"d": as_of.isoformat()},
        )
    }
    teams = []
    for code in proposal.teams:
        teams.append({
            "team": code,
            "moves": sum(1 for m in proposal.moves if m.team == code),
            "spread_before": two_decimals(proposal.spread(code, proposal.before)),
            "spread_after": two_decimals(proposal.spread(code, proposal.after)),
            "needing_cover": cover.get(code, 0),
        })
    handlers = [
        {"id": h, "name": names.get(h, ""), "team": proposal.team_of[h], "fte": proposal.fte[h],
         "before": proposal.before[h], "after": proposal.after[h],
         "per_fte_before": two_decimals(proposal.before[h] / proposal.fte[h]),
         "per_fte_after": two_decimals(proposal.after[h] / proposal.fte[h]),
         "ramp_up": proposal.ramp.get(h)}
        for t in proposal.teams for h in proposal.team_of if proposal.team_of[h] == t
    ]
    return {
        "as_of": as_of.isoformat(),
        "team": team,
        "keep_days": keep_days,
        "moves": [
            {"case": m.case, "team": m.team, "from": m.from_handler, "to": m.to_handler,
             "from_name": names.get(m.from_handler, ""), "to_name": names.get(m.to_handler, "")}
            for m in proposal.moves
        ],
        "teams": teams,
        "handlers": handlers,
        "unplaced": [case for case, _team_code in proposal.unplaced],
    }


def _write_moves(store: Store, moves: list[dict[str, Any]], on: date) -> None:
    """Each move ends the case's open assignment on ``on`` and starts the new one, as
    ``cases.assign`` does, in bulk; the caller's transaction makes it all or nothing."""
    if not moves:
        return
    day = on.isoformat()
    with store.transaction():
        updated = store.executemany(
            "UPDATE assignment SET to_date = ?"
            " WHERE case_id = ? AND handler = ? AND to_date IS NULL AND from_date <= ?",
            [(day, m["case"], m["from"], day) for m in moves],
        ).rowcount
        if updated != len(moves):
            raise EkbistError(
                _("the cases changed while the moves were planned — nothing was written")
            )
        store.executemany(
            "INSERT INTO assignment (case_id, handler, from_date) VALUES (?, ?, ?)",
            [(m["case"], m["to"], day) for m in moves],
        )


# -- a leaver's cases -------------------------------------------------------------------
def redistribute_leaver(
    store: Store, handler_id: str, *, leave_on: date, today: date, apply: bool = False
) -> dict[str, Any]:
    """Spread a leaver's active cases over the rest of the team (and with ``apply`` record it).

    The cases are those the handler holds today; each goes to the colleague with
    the lowest load per FTE after taking it, among those present today and not
    leaving themselves. The moves are dated today, like a rebalance; with
    ``apply`` the leave and every move are written in one transaction.
    """
    handler = handler_store.get(store, handler_id)
    if handler["end_date"] and handler["end_date"] != leave_on.isoformat():
        raise EkbistError(
            _("handler '{id}' has already left ({date})").format(
                id=handler_id, date=handler["end_date"]
            )
        )
    if handler["start_date"] and leave_on.isoformat() < handler["start_date"]:
        raise EkbistError(_("the leaving date is before the handler started"))
    keep_days = int(unit_settings.get(store, "caseload.keep_days"))

    def plan() -> dict[str, Any]:
        members = _members(store, today, team=handler["team"], keep_days=keep_days,
                                  exclude=handler_id)
        leaving = store.query(
            f"""SELECT a.case_id FROM assignment a JOIN cases c ON c.id = a.case_id
                WHERE a.handler = :h AND {assignment_open()} AND a.from_date <= :d
                  AND {case_active(":d")}
                ORDER BY c.opened, c.id""",
            {"h": handler_id, "d": today.isoformat()},
        )
        proposal = propose(members, forced=[(r["case_id"], handler["team"]) for r in leaving],
                           rebalance=False)
        result = _result(store, proposal, as_of=today, team=handler["team"], keep_days=keep_days)
        for move in result["moves"]:
            move["from"], move["from_name"] = handler_id, handler["name"]
        result["handler"] = handler_id
        result["leave_on"] = leave_on.isoformat()
        return result

    def write(result: dict[str, Any]) -> None:
        if result["unplaced"]:
            raise EkbistError(
                _("no one in the team can take {n} of the cases — nothing was written").format(
                    n=len(result["unplaced"])
                )
            )
        if not handler["end_date"]:
            handler_store.leave(store, handler_id, leave_on)
        _write_moves(store, result["moves"], today)

    return _propose_or_apply(store, plan, apply=apply, write=write)
