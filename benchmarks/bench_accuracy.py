"""Prognosis accuracy benchmarks on the city-scale demo: the backtest over three years,
``prognosis make --method best`` and ``prognosis accuracy``.

A private copy of the city store: 2023–2025 each have their twelve months of actuals
(the demo's; any month missing — on the smoke store — is booked at a twelfth of the
year's budget), and 2025's twelve monthly prognoses are saved, so that a year can be
scored. The backtest reads 1.3 million applications for the households × average
method. The floor beside it is the bare library doing the same reads: the actuals of the
four years and the granted households per month (two queries).
"""

from __future__ import annotations

import statistics
import time
from datetime import date
from pathlib import Path

import timing

TODAY = "2026-11-25"
YEARS = (2023, 2025)


def prepare(db: Path) -> None:
    from ekbist import prognosis
    from ekbist.store import Store

    store = Store.open(db, create=True, migrate=True)
    try:
        rows = []
        for year in range(YEARS[0] - 1, YEARS[1] + 1):
            for r in store.query("SELECT activity, line, amount FROM budget WHERE year = ?",
                                 (year,)) or store.query(
                    "SELECT activity, line, amount FROM budget WHERE year = 2026"):
                rows += [(year, month, r["activity"], r["line"], r["amount"] // 12)
                         for month in range(1, 13)]
        with store.transaction():
            store.executemany(
                "INSERT INTO budget (year, activity, line, amount) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (year, activity, line) DO NOTHING",
                sorted({(y, a, line, amount * 12) for y, _m, a, line, amount in rows}))
            store.executemany(
                "INSERT INTO actual (year, month, activity, line, amount) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (year, month, activity, line) DO NOTHING", rows)
        for month in range(1, 13):
            prognosis.save(store, prognosis.make(store, YEARS[1], month),
                           today=date(YEARS[1] + (month == 12), month % 12 + 1, 8))
    finally:
        store.close()


def floor(db: Path) -> float:
    """The two reads the backtest cannot do without, in-process: CPU seconds (median of 7)."""
    from ekbist.prognosis_driver import household_counts
    from ekbist.store import Store

    store = Store.open(db, readonly=True)
    try:
        times = []
        for _ in range(timing.repeats(7)):
            start = time.process_time()
            store.query("SELECT year, month, activity, line, amount FROM actual "
                        "WHERE year BETWEEN ? AND ?", (YEARS[0] - 1, YEARS[1]))
            household_counts(store, f"{YEARS[0] - 1}-02", f"{YEARS[1]}-12")
            times.append(time.process_time() - start)
        return statistics.median(times)
    finally:
        store.close()


def best_floor(db: Path) -> float:
    """The one read ``prognosis make --method best`` (2026, October) cannot do without, in
    process: the granted households of the 48 months from November 2022 (the first of the
    twelve before October 2023, the first year replayed) to October 2026, counted once for
    the replay and this year's forecast, with the amounts of the months averaged (August to
    October of each replayed year and of this one). CPU seconds, median of 7."""
    from ekbist.prognosis_driver import household_counts
    from ekbist.store import Store

    store = Store.open(db, readonly=True)
    try:
        times = []
        for _ in range(timing.repeats(7)):
            start = time.process_time()
            household_counts(store, "2022-11", "2026-10", amounts=[
                ("2023-08", "2023-10"), ("2024-08", "2024-10"), ("2025-08", "2025-10"),
                ("2026-08", "2026-10")])
            times.append(time.process_time() - start)
        return statistics.median(times)
    finally:
        store.close()


def run(city_db: Path, workdir: Path) -> list[dict]:
    db, base = timing.city_command(city_db, workdir, TODAY, "city-accuracy.db")
    prepare(db)
    years = f"{YEARS[0]}-{YEARS[1]}"
    rows = timing.timed_rows(base, [
        (f"prognosis backtest --years {years}", ["prognosis", "backtest", "--years", years],
         2, 7),
        ("prognosis make --method best (2026, October)",
         ["prognosis", "make", "--year", "2026", "--month", "10", "--method", "best"], 0.5, 7),
        (f"prognosis accuracy --year {YEARS[1]} (12 saved months)",
         ["prognosis", "accuracy", "--year", str(YEARS[1])], 1, 7),
    ], cpu=True)
    seconds = floor(db)
    rows.append({"name": "floor: the backtest's two reads in-process (actuals of four years, "
                         "granted households per month; CPU, median of 7)",
                 "seconds": seconds, "goal": "(reference)", "ok": True})
    rows.append({"name": "floor of make --method best: the granted households of 48 months "
                         "and the amounts of 12, in-process (CPU, median of 7)",
                 "seconds": best_floor(db), "goal": "(reference)", "ok": True})
    bare = timing.median_wall_and_cpu([*base, "--version"], 7)
    rows.append({"name": "floor: ekbist --version (the interpreter and the command line "
                         "starting; median of 7, whole process)",
                 "figure": f"{bare[0]:.3f} s (CPU {bare[1]:.3f} s)", "seconds": bare[0],
                 "goal": "(reference)", "ok": True})
    return rows


if __name__ == "__main__":
    timing.standalone(run)
