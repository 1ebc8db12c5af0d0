"""The demo's covers (bevakning): colleagues carrying a few cases of a handler away sick,
and one cover planned ahead — from a random generator of their own, after the rest of the
demo is written, so that the other parts draw exactly as before.

Past covers lie within one calendar month (the month-end caseload stays as it was) and
each one keeps to the rules of :mod:`ekbist.cover`: a cover the rules refuse is left out.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from ekbist import cover
from ekbist.day_conditions import assignment_covers, case_active
from ekbist.errors import EkbistError
from ekbist.store import Store

# At most this many of an absent handler's cases are covered during one spell.
CASES_PER_SPELL = 3


def _cases_of(store: Store, handler: str, first: date, last: date) -> list[str]:
    """The handler's cases active and theirs on both ``first`` and ``last``."""
    return [r[0] for r in store.tuples(
        f"""SELECT c.id FROM cases c JOIN assignment a ON a.case_id = c.id
            WHERE a.handler = :h AND {assignment_covers(':f')} AND {assignment_covers(':l')}
              AND {case_active(':f')} AND {case_active(':l')}
            ORDER BY c.id""",
        {"h": handler, "f": first.isoformat(), "l": last.isoformat()})]


def _colleagues(store: Store, handler: str) -> list[str]:
    return [r[0] for r in store.tuples(
        "SELECT o.id FROM handler o JOIN handler h ON h.team = o.team"
        " WHERE h.id = ? AND o.id <> h.id ORDER BY o.id", (handler,))]


def _cover_some(store: Store, rng: random.Random, handler: str, first: date, last: date) -> int:
    """Up to :data:`CASES_PER_SPELL` of ``handler``'s cases covered by one colleague who
    may (at work every day of it); 0 when none may."""
    cases = _cases_of(store, handler, first, last)
    colleagues = _colleagues(store, handler)
    rng.shuffle(colleagues)
    if not cases:
        return 0
    chosen = sorted(rng.sample(cases, min(CASES_PER_SPELL, len(cases))))
    for by in colleagues:
        written = 0
        try:
            with store.transaction():
                for case_id in chosen:
                    cover.cover(store, case_id, by, first=first, last=last)
                    written += 1
        except EkbistError:
            continue
        return written
    return 0


def fill(store: Store, *, seed: int, as_of: date) -> dict[str, int]:
    """Covers for half the whole-time spells of the last year that lie within one month,
    and one cover planned a week ahead; returns the rows written."""
    rng = random.Random(f"{seed}-covers")
    spells = store.query(
        """SELECT handler, from_date, to_date FROM absence
           WHERE extent = 100 AND to_date IS NOT NULL AND to_date < :d
             AND from_date >= date(:d, '-1 year')
             AND substr(from_date, 1, 7) = substr(to_date, 1, 7)
           ORDER BY from_date, handler""",
        {"d": as_of.isoformat()})
    written = 0
    for spell in spells:
        if rng.random() < 0.5:
            written += _cover_some(store, rng, spell["handler"],
                                   date.fromisoformat(spell["from_date"]),
                                   date.fromisoformat(spell["to_date"]))
    # A planned cover: a course next week, say, for a handler at work today.
    first, last = as_of + timedelta(days=7), as_of + timedelta(days=11)
    at_work = [r[0] for r in store.tuples(
        """SELECT h.id FROM handler h
           WHERE (h.start_date IS NULL OR h.start_date <= :d)
             AND (h.end_date IS NULL OR h.end_date > :l)
             AND NOT EXISTS (SELECT 1 FROM absence ab WHERE ab.handler = h.id
                             AND ab.from_date <= :l AND coalesce(ab.to_date, :l) >= :d)
           ORDER BY h.id""",
        {"d": as_of.isoformat(), "l": last.isoformat()})]
    rng.shuffle(at_work)
    for handler in at_work:
        n = _cover_some(store, rng, handler, first, last)
        if n:
            written += n
            break
    return {"cover": written}
