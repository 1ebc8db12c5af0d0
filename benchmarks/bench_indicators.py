"""Key-figure benchmarks on the city-scale demo (about 1.3 million applications).

``indicators --year 2025`` and ``--year 2026`` (every figure for the year and the year
before; goal: median <= 1 s) and ``indicators long-term`` (the households behind the
figure; goal: median <= 1 s), each timed as a whole process; the JSON form, the at-risk
list and the workbook for reference. Beside them, measured in the same run, the floors:
``ekbist --version`` (start-up), reading the paying applications of the 48 months the
figures need once, and the two passes of SQL the figures are counted from (the household
months and the barriers), bare.
"""

from __future__ import annotations

from pathlib import Path

import timing

TODAY = "2026-11-25"


def floors(db: Path, year: int) -> list[dict]:
    """What ``indicators --year YEAR`` cannot do without, measured now: start-up, one read of
    the paying applications of the 48 months (the year and the year before, each with its 36
    months), and the SQL passes the figures are counted from, as the library writes them."""
    from ekbist.months import month_index
    from ekbist.reports.barrier_figures import sql_by_barrier
    from ekbist.reports.household_months import SQL_PAYING, sql_month_sums

    first, last = f"{year - 3:04d}-01", f"{year:04d}-12"
    span = {"span_first": first, "last": last, "base": month_index(first)}
    read = (f"SELECT count(*) FROM application a WHERE {SQL_PAYING} "
            "AND a.period BETWEEN :first AND :last", {"first": first, "last": last})
    barriers = (sql_by_barrier(), {"first": f"{year:04d}-01", "last": last})
    return [timing.version_floor(),
            timing.sql_floor(db, f"one read of the paying applications {first}–{last}", [read]),
            timing.sql_floor(db, f"the household months {first}–{last} and the barriers of "
                                 f"{year}", [(sql_month_sums(), span), barriers])]


def run(city_db: Path, workdir: Path) -> list[dict]:
    # A store from before the key figures has no birth years or first contacts; the figures
    # are still computed over every application, so the timing holds.
    db, base = timing.city_command(city_db, workdir, TODAY)
    cases = [
        ("indicators --year 2026", ["indicators", "--year", "2026"], 1.0, 11),
        ("indicators --year 2026 --format json",
         ["indicators", "--year", "2026", "--format", "json"], 1.0, 7),
        ("indicators --from 2025-12 --to 2026-11",
         ["indicators", "--from", "2025-12", "--to", "2026-11"], 1.0, 7),
        ("indicators long-term", ["indicators", "long-term"], 1.0, 11),
        ("indicators long-term --at-risk", ["indicators", "long-term", "--at-risk"], 1.0, 7),
        ("indicators long-term --format json",
         ["indicators", "long-term", "--format", "json"], 1.0, 7),
    ]
    cases.insert(0, ("indicators --year 2025 --format json",
                     ["indicators", "--year", "2025", "--format", "json"], 1.0, 7))
    rows = timing.timed_rows(base, cases, cpu=True)
    rows += floors(db, 2025)
    xlsx = workdir / "indicators.xlsx"
    seconds = timing.seconds([*base, "indicators", "--year", "2026", "--xlsx", str(xlsx)])
    rows.append({"name": "indicators --year 2026 --xlsx (table and chart)",
                 "seconds": seconds, "goal": "<= 3 s", "ok": seconds <= 3})
    return rows


if __name__ == "__main__":
    timing.standalone(run)
