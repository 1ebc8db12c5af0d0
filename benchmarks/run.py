"""Run ekbist's benchmarks: ``python benchmarks/run.py [--only core,handling,...] [--rebuild] [--smoke]``.

Builds the city-scale demo store once (benchmarks/data/city.db: 20 000 households,
60 months, as of 2026-11-25; ``timing.CITY_DEMO``), then runs every ``benchmarks/bench_<area>.py``; each
exposes ``run(city_db, workdir) -> list[dict(name, seconds, goal, ok)]``. Prints a
Markdown table to paste into benchmarks/README.md with the date and machine.
Not part of the test run.

``--smoke`` runs every benchmark once on a tiny demo store in a temporary folder
(seconds, not minutes): CI runs it so that a benchmark that no longer runs fails
there. Its figures mean nothing; no goal is checked, only that every benchmark runs.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import os
import platform
import sys
import tempfile
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # the bench modules import ``timing`` from here
    sys.path.insert(0, str(HERE))

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="comma-separated areas (core, sheets, handling, caseload, plans, "
                        "budget, check)")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the city store")
    parser.add_argument("--smoke", action="store_true",
                        help="run every benchmark once on a tiny store; check only that each runs")
    args = parser.parse_args()
    if args.smoke:
        os.environ["EKBIST_BENCH_SMOKE"] = "1"  # read by timing, imported below
    import timing

    with contextlib.ExitStack() as stack:
        if args.smoke:
            tiny = Path(stack.enter_context(tempfile.TemporaryDirectory())) / "tiny.db"
            city = timing.build_city(tiny, rebuild=True)
        else:
            city = timing.build_city(timing.CITY, rebuild=args.rebuild)
        rows = run_all(city, set(args.only.split(",")) if args.only else None)
    if args.smoke:
        print(f"\nsmoke run: every benchmark ran ({len(rows)} rows; figures and goals not checked)")
        return 0
    print_table(rows)
    return 0 if all(r["ok"] for r in rows) else 1


def run_all(city: Path, wanted: set[str] | None) -> list[dict]:
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
    return rows


def print_table(rows: list[dict]) -> None:
    cpu = platform.processor() or platform.machine()
    print(f"\n### {date.today().isoformat()} — {platform.system()} {platform.machine()}, "
          f"{os.cpu_count()} cores, Python {platform.python_version()} ({cpu})\n")
    print("| area | benchmark | figure | goal | met |")
    print("|---|---|---|---|---|")
    for row in rows:
        figure = row.get("figure") or f"{row['seconds']:.3f} s"
        met = "yes" if row["ok"] else "no"
        print(f"| {row['area']} | {row['name']} | {figure} | {row['goal']} | {met} |")


if __name__ == "__main__":
    sys.exit(main())
