"""The whole store's round trip: every application exported and imported back, as .xlsx and CSV.

Goals (issue 24): re-importing the whole export of the city store (1.29 million
applications; the .xlsx continues on "Applications (2)") changes nothing, peaks under
600 MB and takes at most 1.25x its floor. The floor is the bare libraries doing the same
work, measured in the same run and also as a whole process: python-calamine reading every
row of the same .xlsx (or the csv module reading the same CSV), the rows converted just
enough for SQLite (dates to ISO text, words to codes, amounts to int), loaded with
``executemany`` into a temporary table and compared with the stored applications in one
SQL join (:func:`floor`). ekbist's figure is ``ekbist import FILE`` as a whole process: it
reads, scans every cell for personnummer, converts and checks every column, matches every
row with the store and writes nothing, since nothing changed.

Peak memory is the maximum resident set (``/usr/bin/time -v``) of each process. The two
sides take turns, so a drift of a shared machine's speed falls on both.

    python benchmarks/bench_roundtrip.py [CITY_DB]              # standalone, prints the rows
    python benchmarks/bench_roundtrip.py floor DB FILE          # one floor run (used by run())
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import timing

TODAY = "2026-11-25"
PEAK_GOAL_MB = 600
RATIO_GOAL = 1.25
COLUMNS = ["id", "case_id", "period", "received", "completed", "decided", "decision", "amount",
           "first_contact"]


def measured(cmd: list[str]) -> tuple[float, float, str]:
    """(seconds, maximum resident set in MB, stdout) of one whole-process run."""
    gnu_time = shutil.which("time", path="/usr/bin") or "/usr/bin/time"
    start = time.perf_counter()
    done = subprocess.run([gnu_time, "-v", *cmd], check=False, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{cmd} failed ({done.returncode}): {done.stderr[-2000:]}")
    found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    return seconds, int(found.group(1)) / 1024 if found else float("nan"), done.stdout


# -- the floor --------------------------------------------------------------------------------
def _xlsx_rows(path: Path):
    from python_calamine import CalamineWorkbook

    with CalamineWorkbook.from_path(str(path)) as workbook:
        for name in workbook.sheet_names:
            rows = workbook.get_sheet_by_name(name).to_python()
            yield from rows[1:]   # each sheet has its header
            del rows


def _csv_rows(path: Path):
    import csv

    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        next(reader)
        yield from reader


def floor(db: Path, path: Path) -> int:
    """Read every application row of ``path``, load it into a temporary table and count the
    rows that differ from the store's (new or changed); the least a re-import can do."""
    from ekbist.codes import KINDS

    words = {w: code for code, labels in KINDS["decision"].items() for w in (code, *labels)}

    def day(value):
        if value.__class__ is date:
            return value.isoformat()
        return value.isoformat()[:10] if hasattr(value, "isoformat") else (value or None)

    def amount(value):
        return None if value in ("", None) else int(value)

    if path.suffix == ".csv":
        rows = ((r[0], r[1], r[2], r[3] or None, r[4] or None, r[5] or None,
                 words.get(r[6]) if r[6] else None, amount(r[7]), r[8] or None)
                for r in _csv_rows(path))
    else:
        rows = ((r[0], r[1], r[2], day(r[3]), day(r[4]), day(r[5]),
                 words.get(r[6]) if r[6] else None, amount(r[7]), day(r[8]))
                for r in _xlsx_rows(path))
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    conn.execute(f"CREATE TEMP TABLE t ({', '.join(COLUMNS)})")
    conn.executemany(f"INSERT INTO t VALUES ({', '.join('?' * len(COLUMNS))})", rows)
    differ = " OR ".join(f"a.{c} IS NOT t.{c}" for c in COLUMNS[1:])
    different = conn.execute(f"SELECT count(*) FROM t LEFT JOIN application a ON a.id = t.id "
                             f"WHERE a.id IS NULL OR {differ}").fetchone()[0]
    read = conn.execute("SELECT count(*) FROM t").fetchone()[0]
    conn.close()
    print(json.dumps({"rows": read, "different": different}))
    return different


# -- the benchmark ----------------------------------------------------------------------------
def run(city_db: Path, workdir: Path, runs: int = 2) -> list[dict]:
    workdir.mkdir(parents=True, exist_ok=True)
    db, base = timing.city_command(city_db, workdir, TODAY, name="roundtrip.db")
    stored = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    applications = stored.execute("SELECT count(*) FROM application").fetchone()[0]
    audit_before = stored.execute("SELECT count(*) FROM audit").fetchone()[0]
    stored.close()
    rows = []
    for suffix in ("xlsx", "csv"):
        out = workdir / f"applications.{suffix}"
        seconds, peak, said = measured([*base, "export", "applications", str(out)])
        rows.append({"name": f"roundtrip: ekbist export applications .{suffix}, "
                             f"{applications:,} rows, peak {peak:.0f} MB ({said.strip()})",
                     "seconds": seconds, "goal": "reference", "ok": True})
        floors, ours, floor_peaks, our_peaks = [], [], [], []
        for _ in range(timing.repeats(runs)):
            seconds, peak, said = measured([sys.executable, __file__, "floor", str(db), str(out)])
            assert json.loads(said) == {"rows": applications, "different": 0}, said
            floors.append(seconds)
            floor_peaks.append(peak)
            seconds, peak, said = measured([*base, "import", str(out), "--format", "json"])
            total = json.loads(said)["total"]
            assert total == {"added": 0, "changed": 0, "unchanged": applications}, total
            ours.append(seconds)
            our_peaks.append(peak)
        floor_s, ours_s = statistics.median(floors), statistics.median(ours)
        peak = max(our_peaks)
        ratio = ours_s / floor_s
        rows.append({"name": f"roundtrip: floor, {'python-calamine' if suffix == 'xlsx' else 'csv module'}"
                             f" read + executemany + SQL compare, .{suffix}, whole process, peak "
                             f"{max(floor_peaks):.0f} MB (reference)",
                     "seconds": floor_s, "goal": "reference", "ok": True})
        rows.append({"name": f"roundtrip: ekbist import of the whole .{suffix} export, nothing "
                             f"changed, whole process ({ratio:.2f}x the floor), peak {peak:.0f} MB",
                     "seconds": ours_s,
                     "goal": f"<= {RATIO_GOAL}x the floor, peak <= {PEAK_GOAL_MB} MB",
                     "ok": ratio <= RATIO_GOAL and peak <= PEAK_GOAL_MB})
    stored = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    audit_after = stored.execute("SELECT count(*) FROM audit").fetchone()[0]
    stored.close()
    # An import that changes nothing writes nothing, not even an audit row per record.
    assert audit_after - audit_before <= 2 * timing.repeats(runs) * 2, (audit_before, audit_after)
    return rows


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "floor":
        floor(Path(sys.argv[2]), Path(sys.argv[3]))
    else:
        timing.standalone(run)
