"""What every benchmark shares: the city store (how it is built, and a private copy of it),
the ekbist executable, timing a command, the standalone run.

Imported as ``timing`` by the ``bench_<area>.py`` modules: started as a script
(``python benchmarks/bench_core.py``) they find it in their own folder, and
``run.py`` puts that folder on ``sys.path`` before it loads them.
"""

from __future__ import annotations

import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

CITY = Path(__file__).resolve().parent / "data" / "city.db"

# Smoke mode (``run.py --smoke``): every benchmark runs once on a tiny store, so a benchmark
# that no longer runs fails CI in seconds. Its figures mean nothing and no goal is checked.
SMOKE = os.environ.get("EKBIST_BENCH_SMOKE") == "1"

# The city store: the demo a city's unit is the size of (20 000 households, 60 months up to
# November 2026, about 1.3 million applications); in smoke mode a tiny one. ``run.py``
# builds it once and ``bench_core`` times the same build.
CITY_DEMO = ["--today", "2026-11-25", "demo", "--households", "20000", "--months", "60",
             "--end", "2026-11"]
SMOKE_DEMO = ["--today", "2026-11-25", "demo", "--households", "40", "--months", "13",
              "--end", "2026-11"]


def city_demo() -> list[str]:
    """The ekbist arguments that build the city store (the tiny one in smoke mode)."""
    return SMOKE_DEMO if SMOKE else CITY_DEMO


def build_city(city: Path, *, rebuild: bool = False) -> Path:
    """The city store at ``city``, built with :func:`city_demo` unless it is there already
    (``rebuild``: built anew, its journal files removed first)."""
    if rebuild or not city.exists():
        city.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{city}{suffix}").unlink(missing_ok=True)
        print(f"building {city} …", flush=True)
        subprocess.run([ekbist_exe(), "--db", str(city), *city_demo()], check=True,
                       stdout=subprocess.DEVNULL)
    return city


def repeats(count: int) -> int:
    """How many timed repetitions: ``count``, or one in smoke mode."""
    return 1 if SMOKE else count


def size(full: int, smoke: int) -> int:
    """A data size: ``full`` for the figures, ``smoke`` in smoke mode."""
    return smoke if SMOKE else full


def ekbist_exe() -> str:
    """The ekbist beside the running Python (its venv), else the one on PATH.

    Exits with a hint when ekbist is not installed at all.
    """
    found = shutil.which("ekbist", path=str(Path(sys.executable).parent)) or shutil.which("ekbist")
    if not found:
        sys.exit("ekbist is not installed: pip install -e . first")
    return found


def seconds(cmd: list[str]) -> float:
    """Wall-clock seconds of one whole-process run of ``cmd`` (stdout discarded, must exit 0)."""
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def median_seconds(cmd: list[str], runs: int, *, warm: bool = True) -> float:
    """Median of ``runs`` whole-process runs of ``cmd``.

    With ``warm`` one untimed run comes first, to warm the file cache.
    """
    if warm and not SMOKE:
        seconds(cmd)
    return statistics.median(seconds(cmd) for _ in range(repeats(runs)))


def children_cpu() -> float:
    """CPU seconds (user and system) spent so far by the finished child processes."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def median_wall_and_cpu(cmd: list[str], runs: int) -> tuple[float, float]:
    """Median wall-clock and CPU seconds of ``runs`` whole-process runs of ``cmd``.

    One untimed run comes first, to warm the file cache. The CPU time says how much of
    the wall-clock time was the command's own work when the machine is shared.
    """
    if not SMOKE:
        seconds(cmd)
    wall, cpu = [], []
    for _ in range(repeats(runs)):
        start, start_cpu = time.perf_counter(), children_cpu()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        wall.append(time.perf_counter() - start)
        cpu.append(children_cpu() - start_cpu)
    return statistics.median(wall), statistics.median(cpu)


def version_floor(runs: int = 11) -> dict:
    """The floor of every whole-process figure, measured in the same run: ``ekbist --version``
    (Python's start and the command line's imports), median wall and CPU seconds."""
    wall, cpu = median_wall_and_cpu([ekbist_exe(), "--version"], runs)
    return {"name": f"floor: ekbist --version (median of {runs}, whole process)",
            "figure": f"{wall:.3f} s (CPU {cpu:.3f} s)", "seconds": wall, "goal": "reference",
            "ok": True}


def sql_floor(db: Path, name: str, queries: list[tuple[str, dict]], runs: int = 5) -> dict:
    """The floor of a figure's own work, measured in the same run: the bare SQL that does the
    same counting (``queries``, each read to its last row), in-process on ``db`` opened read
    only; the median CPU seconds of ``runs`` (after one untimed run)."""
    con = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        def once() -> float:
            start = time.process_time()
            for sql, params in queries:
                con.execute(sql, params).fetchall()
            return time.process_time() - start
        if not SMOKE:
            once()
        cpu = statistics.median(once() for _ in range(repeats(runs)))
    finally:
        con.close()
    return {"name": f"floor: {name} (bare SQL in-process, median of {runs})",
            "figure": f"CPU {cpu:.3f} s", "seconds": cpu, "goal": "reference", "ok": True}


def copy_store(source: Path, target: Path) -> Path:
    """``target`` made a copy of the store ``source`` (SQLite's backup, so a store in WAL mode
    copies whole), any older ``target`` and its journal files replaced; ``source`` is read
    only."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    return target


def city_copy(city_db: Path, workdir: Path, exe: str | None = None,
              name: str = "city.db") -> Path:
    """A private copy of the city store in ``workdir``, brought to the current schema.

    Benchmarks that write, or that need a newer schema than the store was built with,
    work on this copy so that the shared city store is never touched.
    """
    db = copy_store(city_db, workdir / name)
    subprocess.run([exe or ekbist_exe(), "--db", str(db), "init"], check=True,
                   stdout=subprocess.DEVNULL)
    return db


def city_command(city_db: Path, workdir: Path, today: str,
                 name: str = "city.db") -> tuple[Path, list[str]]:
    """A private copy of the city store (see ``city_copy``) and the ekbist command line on it.

    The command line answers in English as of ``today``, so that figures from different
    days and machines time the same work.
    """
    exe = ekbist_exe()
    db = city_copy(city_db, workdir, exe, name)
    return db, [exe, "--db", str(db), "--today", today, "--lang", "en"]


def timed_rows(base: list[str], cases: list[tuple[str, list[str], float, int]], *,
               cpu: bool = False) -> list[dict]:
    """One result row per ``(name, args, goal_seconds, runs)``: the median whole-process run.

    With ``cpu`` the row's figure also gives the median CPU seconds.
    """
    rows = []
    for name, args, goal, runs in cases:
        row = {"name": f"{name} (median of {runs}, whole process)"}
        if cpu:
            wall, cpu_seconds = median_wall_and_cpu([*base, *args], runs)
            row["figure"] = f"{wall:.3f} s (CPU {cpu_seconds:.3f} s)"
        else:
            wall = median_seconds([*base, *args], runs)
        rows.append({**row, "seconds": wall, "goal": f"<= {goal:g} s", "ok": wall <= goal})
    return rows


def row_line(row: dict) -> str:
    """One result row as ``name: figure (goal) ok|MISSED``; the figure defaults to the seconds."""
    figure = row.get("figure") or f"{row['seconds']:.3f} s"
    return f"{row['name']}: {figure} ({row['goal']}) {'ok' if row['ok'] else 'MISSED'}"


def standalone(run: Callable[[Path, Path], list[dict]]) -> None:
    """A benchmark module's ``__main__``: ``python benchmarks/bench_<area>.py [CITY_DB]``.

    Runs ``run(city_db, workdir)`` on the city store (benchmarks/data/city.db unless
    given) in a temporary working folder and prints each row.
    """
    city = Path(sys.argv[1]) if len(sys.argv) > 1 else CITY
    with tempfile.TemporaryDirectory() as work:
        for row in run(city, Path(work)):
            print(row_line(row), flush=True)
