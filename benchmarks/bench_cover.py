"""Temporary cover on the city-scale store: ``caseload``, ``caseload history``, ``day`` and the
whole ``check``, before and after every absent handler's cases are covered.

The demo's own covers are few and past (half the whole-time spells of the last year, three
cases each: ``ekbist.demo_covers``), so on the day of the figures hardly a case is covered.
A private copy of the city store gets them first (when it has none), then what a unit does
when handlers are away: every handler away on the day has all their cases covered by a
colleague of their team at work, as ``handler away … --cover-by`` does
(:func:`ekbist.cover.cover_absence`), until the absence ends. Each command is timed on the
copy before and after, with its CPU time.

Goals: ``caseload`` <= 0.5 s and ``day`` <= 2 s with the covers (as without them), and each
command no slower with the covers than before them (<= 1.1x, the noise of a shared machine).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import timing

TODAY = "2026-11-25"
RUNS = 7
NO_SLOWER = 1.1

COMMANDS = [
    # name, arguments, goal in seconds
    ("caseload", ["caseload"], 0.5),
    ("caseload history, 12 months", ["caseload", "history", "--from", "2025-12", "--to",
                                     "2026-11"], 2.0),
    ("day (the unit's)", ["day"], 2.0),
]


def add_covers(db: Path) -> dict[str, int]:
    """The demo's covers when the store has none, then every absent handler's cases covered
    from ``TODAY`` to the absence's end by the first colleague of their team the rules let
    cover them; the covers written and the handlers covered."""
    from ekbist import cover, demo_covers
    from ekbist.day_conditions import absence_covers, absence_whole_time, handler_at_work
    from ekbist.errors import EkbistError
    from ekbist.store import Store

    today = date.fromisoformat(TODAY)
    written, handlers = 0, 0
    with Store.open(db) as store:
        store.set_audit(False)  # a benchmark's bulk load
        if not store.scalar("SELECT EXISTS (SELECT 1 FROM cover)"):
            with store.transaction():
                written += demo_covers.fill(store, seed=1, as_of=today)["cover"]
        away = store.query(
            f"""SELECT ab.id, ab.handler, ab.to_date, h.team FROM absence ab
                JOIN handler h ON h.id = ab.handler
                WHERE {absence_covers(':d')} AND {absence_whole_time()}
                  AND NOT EXISTS (SELECT 1 FROM cover cv WHERE cv.absence = ab.id)
                ORDER BY ab.handler""",
            {"d": TODAY})
        for row in away:
            colleagues = [r[0] for r in store.tuples(
                f"""SELECT h.id FROM handler h WHERE h.team = :team AND h.id <> :absent
                      AND {handler_at_work(':d')} ORDER BY h.id""",
                {"team": row["team"], "absent": row["handler"], "d": TODAY})]
            last = date.fromisoformat(row["to_date"]) if row["to_date"] else None
            for by in colleagues:
                try:
                    with store.transaction():
                        covers = cover.cover_absence(store, row["handler"], by, first=today,
                                                     last=last, absence_id=row["id"])
                except EkbistError:
                    continue
                written += len(covers)
                handlers += 1 if covers else 0
                break
    return {"cover": written, "handlers": handlers}


def _covered_today(db: Path) -> int:
    from ekbist.day_conditions import cover_covers
    from ekbist.store import Store

    with Store.open(db, readonly=True) as store:
        return store.scalar(f"SELECT count(*) FROM cover cv WHERE {cover_covers(':d')}",
                            {"d": TODAY})


def run(city_db: Path, workdir: Path) -> list[dict]:
    db, base = timing.city_command(city_db, workdir, TODAY, name="city-cover.db")
    before = {name: timing.median_wall_and_cpu([*base, *args], RUNS)
              for name, args, _goal in COMMANDS}
    covered_before = _covered_today(db)
    added = add_covers(db)
    covered = _covered_today(db)
    rows = []
    for name, args, goal in COMMANDS:
        wall, cpu = timing.median_wall_and_cpu([*base, *args], RUNS)
        wall0, cpu0 = before[name]
        rows.append({
            "name": f"{name} with {covered:,} cases covered today (median of {RUNS})",
            "seconds": wall,
            "figure": (f"{wall:.3f} s (CPU {cpu:.3f} s); before the covers ({covered_before:,} "
                       f"covered): {wall0:.3f} s (CPU {cpu0:.3f} s); CPU {cpu / cpu0:.2f}x"),
            "goal": f"<= {goal:g} s, CPU <= {NO_SLOWER}x before",
            "ok": wall <= goal and cpu <= NO_SLOWER * cpu0,
        })
    rows.append({"name": (f"covers written: {added['cover']:,} for {added['handlers']} absent "
                          "handlers (set-up, not timed)"),
                 "seconds": 0.0, "goal": "reference", "ok": True})
    return rows


if __name__ == "__main__":
    timing.standalone(run)
