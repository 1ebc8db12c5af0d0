"""Run ekbist's benchmarks: ``python benchmarks/run.py [--only core,handling,...] [--rebuild]``.

Builds the city-scale demo store once (benchmarks/data/city.db: 20 000 households,
60 months, as of 2026-11-25), then runs every ``benchmarks/bench_<area>.py``; each
exposes ``run(city_db, workdir) -> list[dict(name, seconds, goal, ok)]``. Prints a
Markdown table to paste into benchmarks/README.md with the date and machine.
Not part of the test run.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # the bench modules import ``timing`` from here
    sys.path.insert(0, str(HERE))

from timing import CITY, ekbist_exe  # noqa: E402

CITY_ARGS = ["--today", "2026-11-25", "demo", "--households", "20000", "--months", "60", "--end", "2026-11"]


def build_city(rebuild: bool) -> Path:
    if rebuild or not CITY.exists():
        CITY.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{CITY}{suffix}").unlink(missing_ok=True)
        print(f"building {CITY} …", flush=True)
        subprocess.run([ekbist_exe(), "--db", str(CITY), *CITY_ARGS], check=True)
    return CITY


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="comma-separated areas (core, sheets, handling, caseload, plans, "
                        "budget, check)")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the city store")
    args = parser.parse_args()
    city = build_city(args.rebuild)
    wanted = set(args.only.split(",")) if args.only else None
    rows = []
    for path in sorted(HERE.glob("bench_*.py")):
        area = path.stem.removeprefix("bench_")
        if wanted and area not in wanted:
            continue
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        with tempfile.TemporaryDirectory() as work:
            print(f"running {path.name} …", flush=True)
            for row in module.run(city, Path(work)):
                rows.append({"area": area, **row})
                print(f"  {row['name']}: {row['seconds']:.3f} s ({row['goal']}) "
                      f"{'ok' if row['ok'] else 'MISSED'}", flush=True)
    cpu = platform.processor() or platform.machine()
    print(f"\n### {date.today().isoformat()} — {platform.system()} {platform.machine()}, "
          f"{os.cpu_count()} cores, Python {platform.python_version()} ({cpu})\n")
    print("| area | benchmark | figure | goal | met |")
    print("|---|---|---|---|---|")
    for row in rows:
        figure = row.get("figure") or f"{row['seconds']:.3f} s"
        met = "yes" if row["ok"] else "no"
        print(f"| {row['area']} | {row['name']} | {figure} | {row['goal']} | {met} |")
    return 0 if all(r["ok"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
