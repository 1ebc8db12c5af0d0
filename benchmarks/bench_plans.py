"""Plans benchmarks on the city-scale demo: ``plans due``, ``plans missing``, ``plans coverage``
(one day and 60 month-ends), each timed as a whole process (median of several runs)."""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

TODAY = "2026-11-25"


def _median_seconds(cmd: list[str], runs: int) -> float:
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)  # warm the file cache
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run(city_db: Path, workdir: Path) -> list[dict]:
    exe = shutil.which("ekbist", path=str(Path(sys.executable).parent)) or "ekbist"
    # A private copy, brought to the current schema, so the shared city store is never touched.
    db = workdir / "city.db"
    shutil.copy(city_db, db)
    subprocess.run([exe, "--db", str(db), "init"], check=True, stdout=subprocess.DEVNULL)
    base = [exe, "--db", str(db), "--today", TODAY, "--lang", "en"]
    cases = [
        ("plans due", ["plans", "due"], 0.5, 11),
        ("plans due --format json", ["plans", "due", "--format", "json"], 0.5, 11),
        ("plans missing", ["plans", "missing"], 0.5, 11),
        ("plans coverage", ["plans", "coverage"], 0.5, 11),
        ("plans coverage --by handler", ["plans", "coverage", "--by", "handler"], 0.5, 11),
        ("plans coverage --monthly (60 months)",
         ["plans", "coverage", "--monthly", "--from", "2021-12", "--to", "2026-11"], 2.0, 7),
        ("plans coverage --monthly --by handler (60 months)",
         ["plans", "coverage", "--monthly", "--from", "2021-12", "--to", "2026-11", "--by",
          "handler"], 2.0, 5),
    ]
    rows = []
    for name, args, goal, runs in cases:
        seconds = _median_seconds([*base, *args], runs)
        rows.append({"name": f"{name} (median of {runs}, whole process)", "seconds": seconds,
                     "goal": f"<= {goal:g} s", "ok": seconds <= goal})
    xlsx = workdir / "coverage.xlsx"
    start = time.perf_counter()
    subprocess.run([*base, "plans", "coverage", "--monthly", "--from", "2021-12", "--to",
                    "2026-11", "--xlsx", str(xlsx)], check=True, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    rows.append({"name": "plans coverage --monthly --xlsx (60 months, with chart)",
                 "seconds": seconds, "goal": "<= 3 s", "ok": seconds <= 3})
    return rows


if __name__ == "__main__":
    import tempfile

    here = Path(__file__).resolve().parent
    with tempfile.TemporaryDirectory() as work:
        for row in run(here / "data" / "city.db", Path(work)):
            print(f"{row['name']}: {row['seconds']:.3f} s ({row['goal']}) "
                  f"{'ok' if row['ok'] else 'MISSED'}")
