"""Rules-file benchmark: 100 000 applications from a case system's extract through its
rules file, against the same rows in ekbist's own CSV template.

Goal: ``import FILE --rules RULES`` <= 1.3x ``import FILE`` of the same applications in
ekbist's template (issue 31), both in-process on fresh copies of the city store (1.3
million applications already there), taking turns so that a drift of a shared machine's
speed falls on both; the goal is judged on the medians of each process's own CPU time
(the wall time is reported beside it: on a loaded machine it swings with the others' work).

The extract is what a case system writes: Windows-1252, semicolons, a title line above the
header and a "Summa" line below the rows, Swedish headers, dates as 04.03.2026, amounts
as "1 234,00", "Bifall"/"Avslag", and two columns the rules ignore. The template CSV
holds the same rows as ``ekbist export applications`` writes them (ISO dates, codes).

    python benchmarks/bench_rules.py [CITY_DB]      # standalone, prints the rows
"""

from __future__ import annotations

import csv
import random
import sqlite3
import statistics
import time
from datetime import date, timedelta
from pathlib import Path

import timing

ROWS = timing.size(100_000, 50)
TODAY = date(2026, 11, 25)
GOAL = 1.3
RULES = """\
kind = "applications"
source = "bench-procapita"
ignore = ["Handläggare", "Kommentar"]

[file]
encoding = "windows-1252"
delimiter = ";"
skip = 1
footer = 1

[dates]
formats = ["%d.%m.%Y"]

[numbers]
decimal = ","
thousands = " "

[fields.id]
column = "Ans.nr"
[fields.case]
column = "Ärendenr"
[fields.period]
column = "Avser period"
formats = ["%Y%m"]
[fields.received]
column = "Inkom"
[fields.completed]
column = "Komplett"
[fields.decided]
column = "Beslutsdatum"
[fields.decision]
column = "Beslut"
map = { "Bifall" = "granted", "Delvis bifall" = "partly", "Avslag" = "rejected" }
[fields.amount]
column = "Belopp"
"""
WORDS = {"granted": "Bifall", "partly": "Delvis bifall", "rejected": "Avslag"}


def make_files(city_db: Path, template: Path, extract: Path, rows: int = ROWS) -> None:
    """The same applications twice: in ekbist's template and as a case system's extract."""
    conn = sqlite3.connect(f"file:{city_db}?mode=ro", uri=True)
    cases = [r[0] for r in conn.execute(
        "SELECT id FROM cases WHERE closed IS NULL OR closed > '2026-06-01'")]
    conn.close()
    rng = random.Random(31)
    ours, theirs = [], []
    for i in range(rows):
        received = date(2026, 6, 1) + timedelta(days=rng.randrange(160))
        completed = received + timedelta(days=rng.randrange(4)) if rng.random() < 0.9 else None
        decided = completed + timedelta(days=rng.randrange(8)) if completed and rng.random() < 0.9 \
            else None
        decision = rng.choice(["granted", "granted", "partly", "rejected"]) if decided else None
        amount = rng.randrange(2000, 16000) if decision in ("granted", "partly") else None
        case = rng.choice(cases)
        ours.append([f"R{i:07d}", case, f"{received:%Y-%m}", received.isoformat(),
                     completed.isoformat() if completed else "",
                     decided.isoformat() if decided else "", decision or "",
                     "" if amount is None else amount])
        theirs.append([f"R{i:07d}", case, f"{received:%Y%m}", f"{received:%d.%m.%Y}",
                       f"{completed:%d.%m.%Y}" if completed else "",
                       f"{decided:%d.%m.%Y}" if decided else "", WORDS.get(decision, ""),
                       "" if amount is None else f"{amount // 1000} {amount % 1000:03d},00"
                       if amount >= 1000 else f"{amount},00", "Anna Andersson", ""])
    with open(template, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Application", "Case", "Period", "Received", "Completed", "Decided",
                         "Decision", "Amount"])
        writer.writerows(ours)
    with open(extract, "w", newline="", encoding="cp1252") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(["Ansökningar per period (Procapita)"])
        writer.writerow(["Ans.nr", "Ärendenr", "Avser period", "Inkom", "Komplett",
                         "Beslutsdatum", "Beslut", "Belopp", "Handläggare", "Kommentar"])
        writer.writerows(theirs)
        writer.writerow(["Summa", "", "", "", "", "", "", "", "", ""])


def _import(db: Path, path: Path, rules: Path | None) -> None:
    from ekbist.sheet_import import import_extract, import_file
    from ekbist.store import Store

    store = Store.open(db, command="bench import", create=True, migrate=True)
    try:
        report = import_file(store, path, today=TODAY) if rules is None else \
            import_extract(store, path, rules, today=TODAY)
        assert report.kinds["applications"].added == ROWS, report.to_json()["total"]
    finally:
        store.close()


def run(city_db: Path, workdir: Path, runs: int = 3) -> list[dict]:
    exe = timing.ekbist_exe()
    workdir.mkdir(parents=True, exist_ok=True)
    template, extract = workdir / "applications.csv", workdir / "procapita.csv"
    rules = workdir / "procapita.toml"
    rules.write_text(RULES, encoding="utf-8")
    make_files(city_db, template, extract)
    base = workdir / "rules-base.db"
    timing.city_copy(city_db, workdir, exe, base.name)
    db = workdir / "rules-city.db"
    ours, theirs, ours_cpu, theirs_cpu = [], [], [], []
    for _ in range(timing.repeats(runs)):
        for path, given, walls, cpus in ((template, None, ours, ours_cpu),
                                         (extract, rules, theirs, theirs_cpu)):
            timing.copy_store(base, db)
            start, start_cpu = time.perf_counter(), time.process_time()
            _import(db, path, given)
            walls.append(time.perf_counter() - start)
            cpus.append(time.process_time() - start_cpu)
    # On a shared machine the wall time of one run swings with the others' load; the
    # process's own CPU time is the work, and the goal is judged on it.
    ratio = statistics.median(theirs_cpu) / statistics.median(ours_cpu)
    wall_ratio = statistics.median(theirs) / statistics.median(ours)
    return [{
        "name": f"import --rules, {ROWS:,} applications from a case system's extract "
                f"(median of {len(ours)}, in-process)",
        "figure": f"CPU {statistics.median(theirs_cpu):.2f} s vs the template's "
                  f"{statistics.median(ours_cpu):.2f} s: {ratio:.2f}x (wall {statistics.median(theirs):.2f} s "
                  f"vs {statistics.median(ours):.2f} s: {wall_ratio:.2f}x)",
        "seconds": statistics.median(theirs), "goal": f"<= {GOAL:g}x the template (CPU)",
        "ok": ratio <= GOAL}]


if __name__ == "__main__":
    timing.standalone(run)
