"""Key-figure benchmarks on the city-scale demo (about 1.3 million applications).

``indicators --year 2026`` (every figure for the year and the year before; goal:
median <= 1 s) and ``indicators long-term`` (the households behind the figure;
goal: median <= 1 s), each timed as a whole process; the JSON form, the at-risk
list and the workbook for reference.
"""

from __future__ import annotations

from pathlib import Path

import timing

TODAY = "2026-11-25"


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
    rows = timing.timed_rows(base, cases, cpu=True)
    xlsx = workdir / "indicators.xlsx"
    seconds = timing.seconds([*base, "indicators", "--year", "2026", "--xlsx", str(xlsx)])
    rows.append({"name": "indicators --year 2026 --xlsx (table and chart)",
                 "seconds": seconds, "goal": "<= 3 s", "ok": seconds <= 3})
    return rows


if __name__ == "__main__":
    timing.standalone(run)
