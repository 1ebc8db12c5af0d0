"""Contacts on the city-scale store: ``contacts check`` and the check's ``contacts`` part, and
the whole ``ekbist check`` before and after the contacts are there.

The city store is built without contacts (its schema predates them), so a private copy gets
them in proportion first: the demo's own generator (``ekbist.reports.demo_contacts``) for
20 000 households over the 60 months, about 450 000 contacts. Goals: ``contacts check``
and ``check --only contacts`` each <= 0.5 s (median of whole processes); the whole
``check`` with the contacts no slower than before them (<= 1.05x, the noise of a shared
machine).
"""

from __future__ import annotations

import statistics
import subprocess
import time
from datetime import date
from pathlib import Path

import timing

TODAY = "2026-11-25"
RUNS = 11
GOAL = 0.5
NO_SLOWER = 1.05


def _median(cmd: list[str], runs: int = RUNS) -> float:
    times = []
    for _ in range(timing.repeats(runs)):
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def add_contacts(db: Path, households: int = 20000, months: int = 60) -> int:
    """The demo's contacts for the city, written to ``db`` in one transaction (unaudited: a
    benchmark's bulk load)."""
    from ekbist.months import month_add
    from ekbist.reports import demo_contacts
    from ekbist.store import Store

    as_of = date.fromisoformat(TODAY)
    first = date.fromisoformat(month_add(TODAY[:7], 1 - months) + "-01")
    with Store.open(db) as store:
        store.set_audit(False)
        with store.transaction():
            written = demo_contacts.fill(store, seed=1, first_day=first, as_of=as_of,
                                         households=households)["contact"]
    return written


def run(city_db: Path, workdir: Path) -> list[dict]:
    db, base = timing.city_command(city_db, workdir, TODAY)
    households, months = timing.size(20000, 40), timing.size(60, 8)
    before = _median([*base, "check"])
    start = time.perf_counter()
    written = add_contacts(db, households, months)
    load = time.perf_counter() - start
    after = _median([*base, "check"])
    rows = timing.timed_rows(base, [
        ("contacts check", ["contacts", "check"], GOAL, RUNS),
        ("contacts check --format json", ["contacts", "check", "--format", "json"], GOAL, RUNS),
        ("day (the unit's, with its call-backs)", ["day"], 2.0, 5),
        ("report month 2026 10", ["report", "month", "2026", "10"], 2.0, 5),
    ])
    # The check exits 1 or 2 when it finds something: timed here, not by timed_rows.
    part = _median([*base, "check", "--only", "contacts"])
    rows.append({"name": f"check --only contacts (median of {RUNS}, whole process)",
                 "seconds": part, "goal": f"<= {GOAL} s", "ok": part <= GOAL})
    rows.append({"name": f"check before the contacts: {before:.3f} s; after ({written:,} "
                         f"contacts, loaded in {load:.0f} s)",
                 "seconds": after, "goal": f"<= {NO_SLOWER}x before",
                 "ok": after <= before * NO_SLOWER})
    return rows


if __name__ == "__main__":
    timing.standalone(run)
