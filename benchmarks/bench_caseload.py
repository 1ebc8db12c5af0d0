"""Caseload benchmarks on the city-scale demo store, timed as whole processes.

* ``caseload`` (today, every team): median <= 0.5 s
* ``caseload history`` over 60 months: median <= 2 s (and with ``--xlsx``, for reference)
* ``caseload balance`` for a 200-handler team: median <= 2 s, and once with ``--apply``

The 200-handler team is built on a copy of the city store: 195 investigation
handlers (with their real, uneven loads) move to team ``other`` and five
newcomers without cases join them, so the proposal has real work to do.
"""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

import timing

TODAY = "2026-11-25"


def build_big_team(db: Path, size: int = 200, newcomers: int = 5) -> str:
    """Turn ``size - newcomers`` investigation handlers and ``newcomers`` new ones into team 'other'."""
    conn = sqlite3.connect(db)
    try:
        with conn:
            conn.execute(
                """UPDATE handler SET team = 'other'
                   WHERE id IN (SELECT id FROM handler WHERE team = 'investigation'
                                AND (end_date IS NULL OR end_date > ?)
                                ORDER BY id LIMIT ?)""",
                (TODAY, size - newcomers),
            )
            conn.executemany(
                "INSERT INTO handler (id, name, team, fte, start_date) VALUES (?, ?, 'other', ?, ?)",
                [(f"new{i:02d}", f"Ny Handläggare {i}", 1.0 if i % 2 else 0.75, "2026-11-01")
                 for i in range(newcomers)],
            )
        return str(conn.execute("SELECT count(*) FROM handler WHERE team = 'other'").fetchone()[0])
    finally:
        conn.close()


def run(city_db: Path, workdir: Path) -> list[dict]:
    exe = timing.ekbist_exe()
    base = [exe, "--db", str(city_db), "--today", TODAY]
    rows = []
    today = timing.median_seconds([*base, "caseload"], 9)
    rows.append({"name": "caseload (every team, median)", "seconds": today, "goal": "<= 0.5 s",
                 "ok": today <= 0.5})
    history = timing.median_seconds([*base, "caseload", "history", "--from", "2021-12", "--to", "2026-11"], 5)
    rows.append({"name": "caseload history, 60 months (median)", "seconds": history,
                 "goal": "<= 2 s", "ok": history <= 2})
    book = workdir / "history.xlsx"
    with_xlsx = timing.median_seconds([*base, "caseload", "history", "--from", "2021-12", "--to", "2026-11",
                         "--xlsx", str(book), "--force"], 3)
    rows.append({"name": "caseload history, 60 months --xlsx, every handler (median)",
                 "seconds": with_xlsx, "goal": "reference", "ok": True})

    db = timing.city_copy(city_db, workdir, exe, "team200.db")
    size = build_big_team(db)
    team = [exe, "--db", str(db), "--today", TODAY]
    moves = subprocess.run([*team, "caseload", "balance", "--team", "other", "--format", "csv"],
                           check=True, capture_output=True, text=True).stdout.count("\n") - 1
    balance = timing.median_seconds([*team, "caseload", "balance", "--team", "other"], 5)
    rows.append({"name": f"caseload balance, {size}-handler team, {moves} moves proposed (median)",
                 "seconds": balance, "goal": "<= 2 s", "ok": balance <= 2})
    applied = timing.seconds([*team, "caseload", "balance", "--team", "other", "--apply"])
    rows.append({"name": f"caseload balance --apply, {size}-handler team ({moves} moves written)",
                 "seconds": applied, "goal": "<= 2 s", "ok": applied <= 2})
    return rows


if __name__ == "__main__":
    timing.standalone(run)
