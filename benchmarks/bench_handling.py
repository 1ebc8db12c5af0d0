"""Handling-time benchmarks on the city-scale demo (about 1.3 million applications).

``handling-time check`` (goal: median <= 0.5 s) and ``handling-time report`` over one
year (goal: <= 1 s), each timed as a whole process, median of several runs; plus the
groupings, the workbook and the single-application writes for reference.
"""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

import timing

TODAY = "2026-11-25"
YEAR = ["--from", "2025-11-25", "--to", "2026-11-24"]


def run(city_db: Path, workdir: Path) -> list[dict]:
    db, base = timing.city_command(city_db, workdir, TODAY)
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    applications = conn.execute("SELECT count(*) FROM application").fetchone()[0]
    conn.close()
    cases = [
        ("handling-time check", ["handling-time", "check"], 0.5, 11),
        ("handling-time check --format json", ["handling-time", "check", "--format", "json"], 0.5, 11),
        ("handling-time report (one year)", ["handling-time", "report", *YEAR], 1.0, 11),
        ("handling-time report --format json (one year)",
         ["handling-time", "report", *YEAR, "--format", "json"], 1.0, 7),
        ("handling-time report --by month (one year)",
         ["handling-time", "report", *YEAR, "--by", "month"], 1.0, 7),
        ("handling-time report --by team (one year)",
         ["handling-time", "report", *YEAR, "--by", "team"], 1.0, 7),
        ("handling-time report --by handler (one year)",
         ["handling-time", "report", *YEAR, "--by", "handler"], 1.0, 7),
        ("handling-time report (five years)",
         ["handling-time", "report", "--from", "2021-12-01", "--to", "2026-11-24"], 2.0, 5),
    ]
    rows = timing.timed_rows(base, cases)
    xlsx = workdir / "handling.xlsx"
    seconds = timing.seconds([*base, "handling-time", "report", *YEAR, "--by", "handler", "--xlsx",
                              str(xlsx)])
    rows.append({"name": "handling-time report --by handler --xlsx (one year, with chart)",
                 "seconds": seconds, "goal": "<= 3 s", "ok": seconds <= 3})
    # One application through its life, as a handler registers it (writes, whole process).
    case = subprocess.run(
        [*base, "case", "list", "--open", "--format", "csv"], check=True, capture_output=True,
        text=True).stdout.splitlines()[1].split(",")[0]
    times = [timing.seconds([*base, *step]) for step in (
        ["application", "add", case, "--period", "2026-11", "--received", TODAY, "--id", "BENCH-1"],
        ["application", "complete", "BENCH-1", "--date", TODAY],
        ["application", "decide", "BENCH-1", "--date", TODAY, "--decision", "rejected"],
    )]
    rows.append({"name": "application add / complete / decide (slowest of the three, whole process)",
                 "seconds": max(times), "goal": "<= 0.5 s", "ok": max(times) <= 0.5})
    rows.append({"name": f"applications in the store: {applications:,}".replace(",", " "),
                 "seconds": 0.0, "goal": "about 1.2 million", "ok": applications >= 1_000_000,
                 "figure": f"{applications:,}".replace(",", " ")})
    return rows


if __name__ == "__main__":
    timing.standalone(run)
