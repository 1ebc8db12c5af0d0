"""The demo unit's contacts (kontakter), shaped like the seed's unit.

For about 480 households a month: some 120 messages to call back (the handlers' voice
mail), 35 requests for a first visit at the reception, 8 victims of violence (the
annual report counted 96 contacts about violence in a year), 12 requests for budget
and debt advice (a third from families with children) and 10 others; a city scales
them with its households. Most promises are kept — a call-back the same or the next
working day, a victim of violence contacted the same day, a family seen by debt advice
within the week — and some are not, so that the check, ``contacts check`` and the
reports have something to say. Contacts received in the last days before the demo's
day are partly still unanswered.

Drawn from its own ``random.Random`` (seeded from the demo's seed) after everything
else is written, so the rest of the demo stays exactly as it was for a seed.
"""

from __future__ import annotations

import bisect
import random
from datetime import date, timedelta

from ekbist.store import Store

# Contacts a month for the seed unit's 480 households: (kind, count, children share).
PER_MONTH = (("callback", 120, 0.3), ("first_visit", 35, 0.35), ("violence", 8, 0.5),
             ("debt", 12, 0.33), ("other", 10, 0.3))
SEED_HOUSEHOLDS = 480


class _Calendar:
    """Working days of the store's index over the demo's span, as ordinals."""

    def __init__(self, store: Store, first: date, last: date):
        rows = store.tuples("SELECT day FROM calendar_day WHERE is_workday = 1 AND day BETWEEN ?"
                            " AND ? ORDER BY day", (first.isoformat(), last.isoformat()))
        self.days = [date.fromisoformat(r[0]).toordinal() for r in rows]

    def after(self, day: int, n: int) -> int:
        """Working day ``n`` after ``day`` (0: the day itself, or the next working day)."""
        i = bisect.bisect_right(self.days, day) + n - 1 if n else bisect.bisect_left(self.days, day)
        return self.days[min(len(self.days) - 1, i)]


def _answered(rng: random.Random, cal: _Calendar, kind: str, children: bool,
              received: int) -> int | None:
    """The day answered, drawn so that most promises are kept; None for never."""
    roll = rng.random()
    if kind == "callback":
        n = 0 if roll < 0.45 else 1 if roll < 0.9 else rng.randint(2, 4)
        return cal.after(received, n)
    if kind == "violence":
        n = 0 if roll < 0.85 else 1 if roll < 0.97 else 2
        return cal.after(received, n)
    if kind == "debt":
        days = (rng.randint(1, 7) if roll < 0.85 else rng.randint(8, 16)) if children else (
            rng.randint(14, 85) if roll < 0.9 else rng.randint(93, 130))
        return cal.after(received + days, 0)
    if kind == "first_visit":
        return cal.after(received + rng.randint(2, 28 if roll < 0.9 else 45), 0)
    return cal.after(received, rng.randint(0, 5)) if roll < 0.9 else None


def fill(store: Store, *, seed: int, first_day: date, as_of: date,
         households: int) -> dict[str, int]:
    """Write the contacts from ``first_day`` to ``as_of``; returns the rows written."""
    rng = random.Random(f"{seed}-contacts")
    scale = households / SEED_HOUSEHOLDS
    cal = _Calendar(store, first_day, as_of + timedelta(days=200))
    staff = store.query("SELECT id, team, start_date, end_date FROM handler ORDER BY id")
    by_team: dict[str, list[tuple[str, int, int]]] = {}
    for h in staff:
        start = date.fromisoformat(h["start_date"]).toordinal() if h["start_date"] else 0
        end = date.fromisoformat(h["end_date"]).toordinal() if h["end_date"] else 10**7
        by_team.setdefault(h["team"], []).append((h["id"], start, end))
    callers = by_team.get("intake", []) + by_team.get("investigation", [])
    rows = []
    today = as_of.toordinal()
    day = first_day.toordinal()
    while day <= today:
        month_first = date.fromordinal(day)
        next_month = (month_first.replace(day=28) + timedelta(days=4)).replace(day=1)
        last = min(next_month.toordinal() - 1, today)
        workdays = [d for d in cal.days if day <= d <= last]
        for kind, count, children_share in PER_MONTH:
            n = round(count * scale * (last - day + 1) / 30 * rng.uniform(0.85, 1.15))
            for _i in range(n):
                # Most contacts come on working days; a few messages are left at weekends.
                received = (rng.choice(workdays) if workdays and rng.random() < 0.93
                            else rng.randint(day, last))
                children = rng.random() < children_share
                handler = team = None
                if kind == "callback":
                    pool = [h for h, a, b in callers if a <= received < b]
                    handler = rng.choice(pool) if pool else None
                    team = None if handler else "intake"
                elif kind in ("violence", "debt"):
                    team = kind
                else:
                    team = "intake"
                answered = _answered(rng, cal, kind, children, received)
                if answered is not None and answered >= today:  # this morning: not yet
                    answered = None
                minute = rng.randint(8 * 60, 16 * 60)
                rows.append((date.fromordinal(received).isoformat(),
                             f"{minute // 60:02d}:{minute % 60:02d}" if rng.random() < 0.6
                             else None, kind, int(children), handler, team,
                             date.fromordinal(answered).isoformat() if answered else None))
        day = last + 1
    rows.sort(key=lambda r: r[0])
    teams = {h["id"]: h["team"] for h in staff}
    store.executemany(
        "INSERT INTO contact (received, received_time, kind, children, handler, team, answered)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(r, t, k, c, h, team or teams[h], a) for r, t, k, c, h, team, a in rows])
    return {"contact": len(rows)}
