"""The demo unit's barriers to self-support (försörjningshinder).

Drawn from its own ``random.Random`` (seeded from the demo's seed) after the cases are
written, so the rest of the demo stays exactly as it was for a seed. The shares follow
Socialstyrelsen's statistics on barriers in outline (about half of the adults with
assistance are unemployed, social reasons next, then sickness); a few cases have none
recorded, and about a quarter change barrier once while they are open.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from ekbist.store import Store

BARRIER_WEIGHTS = {
    "unemployed_no_benefit": 30, "unemployed_insufficient": 8, "unemployed_waiting": 5,
    "establishment": 5, "sick_certified": 13, "sickness_comp": 4, "social": 15, "parental": 4,
    "working_full": 2, "working_part": 5, "pension": 2, "other": 4,
}
NOT_RECORDED = 0.03
CHANGED = 0.25


def fill(store: Store, *, seed: int, as_of: date) -> dict[str, int]:
    """Write the barriers of every case; returns the rows written by table."""
    rng = random.Random(f"{seed}-barriers")
    codes, weights = list(BARRIER_WEIGHTS), list(BARRIER_WEIGHTS.values())
    rows = []
    for case_id, opened, closed in store.tuples(
            "SELECT id, opened, closed FROM cases ORDER BY id").fetchall():
        if rng.random() < NOT_RECORDED:
            continue
        first = rng.choices(codes, weights)[0]
        rows.append((case_id, opened, first))
        end = date.fromisoformat(closed) if closed else as_of
        start = date.fromisoformat(opened)
        if rng.random() < CHANGED and (end - start).days > 60:
            day = start + timedelta(days=rng.randint(30, (end - start).days - 1))
            second = rng.choices(codes, weights)[0]
            if second != first:
                rows.append((case_id, day.isoformat(), second))
    store.executemany("INSERT INTO barrier (case_id, from_date, code) VALUES (?, ?, ?)", rows)
    return {"barrier": len(rows)}
