"""Secrecy gate and hostile files: what the checks cost, and how fast a hostile file is refused.

- ``ekbist import`` of a 5 KB workbook with one cell at XFD1048576, and of one with a
  stray cell at GR300000, is refused (exit 1) in well under a second, whole process;
- the store's secrecy triggers add at most 50 % to writing a demo unit (4 000
  households, 24 months), measured in process against the same build without them;
- the gate reads at least a million typical values a second.

Works without the city store (it builds what it needs in the working folder).

    python benchmarks/bench_secrecy.py
"""

from __future__ import annotations

import statistics
import subprocess
import time
from datetime import date
from pathlib import Path

import timing

RUNS = 3
TODAY = date(2026, 11, 25)


def _refused_seconds(exe: str, db: Path, path: Path) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        done = subprocess.run([exe, "--db", str(db), "import", str(path)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        times.append(time.perf_counter() - start)
        if done.returncode != 1:
            raise SystemExit(f"{path.name}: expected exit 1, got {done.returncode}")
    return statistics.median(times)


def _build_seconds(workdir: Path, name: str, gate: bool) -> float:
    from ekbist import demo
    from ekbist.store import Store

    original = Store._install_secrecy
    if not gate:
        Store._install_secrecy = lambda self: None
    try:
        store = Store.open(workdir / name, create=True)
        start = time.perf_counter()
        demo.build(store, demo.DemoOptions(households=4000, months=24, seed=5), TODAY)
        seconds = time.perf_counter() - start
        store.close()
    finally:
        Store._install_secrecy = original
    return seconds


def run(city_db: Path, workdir: Path) -> list[dict]:
    import openpyxl

    from ekbist.secrecy import looks_like_personnummer

    exe = timing.ekbist_exe()
    db = workdir / "unit.db"
    subprocess.run([exe, "--db", str(db), "init"], check=True, stdout=subprocess.DEVNULL)
    rows = []
    for name, ref in (("far.xlsx", "XFD1048576"), ("stray.xlsx", "GR300000")):
        book = openpyxl.Workbook()
        book.active.append(["Id", "Namn", "Team", "FTE"])
        book.active[ref] = 1
        path = workdir / name
        book.save(path)
        seconds = _refused_seconds(exe, db, path)
        rows.append({"name": f"import {path.stat().st_size // 1024} KB file with a cell at {ref}, "
                             "refused (median, whole process)",
                     "seconds": seconds, "goal": "< 1 s", "ok": seconds < 1})

    # Interleaved, so a busy machine slows both alike.
    pairs = [(_build_seconds(workdir, f"off{i}.db", False), _build_seconds(workdir, f"on{i}.db", True))
             for i in range(RUNS)]
    without = statistics.median(p[0] for p in pairs)
    with_gate = statistics.median(p[1] for p in pairs)
    ratio = with_gate / without
    rows.append({"name": "demo 4000 households × 24 months, with the store's secrecy triggers",
                 "seconds": with_gate,
                 "figure": f"{with_gate:.2f} s = {ratio:.2f}x without ({without:.2f} s)",
                 "goal": "<= 1.5x without", "ok": ratio <= 1.5})

    values = (["Anna Andersson", "2026-11-25", "C-2026-00042", "Personalkostnader", "intake",
               "Stängt för inventering 2026-12-28"] * 50_000 + [7643, 46_349_000, 0.5, None] * 50_000)
    start = time.perf_counter()
    hits = sum(1 for v in values if looks_like_personnummer(v))
    seconds = time.perf_counter() - start
    per_second = len(values) / seconds
    rows.append({"name": f"gate over {len(values):,} typical values", "seconds": seconds,
                 "figure": f"{seconds:.2f} s = {per_second / 1e6:.1f} million a second",
                 "goal": ">= 1 million a second, no false hits",
                 "ok": per_second >= 1e6 and hits == 0})
    return rows


if __name__ == "__main__":
    timing.standalone(run)
