"""The long fault-injection run: thousands of hostile workbooks through the real ``ekbist import``.

    python benchmarks/hostile_workbooks.py --cases 5000            # full-size zip bombs
    python benchmarks/hostile_workbooks.py --cases 300 --scale 0.02  # a quick look

Each file comes from ``tests/hostile/files.py`` (far cells in every spelling, zip bombs of
the issue's sizes — a 1 GiB text cell in about 1 MB, 1 048 576 rows × 20 columns in about
3 MB, 3 GB of XML in about 10 MB — byte flips and cuts of .xlsx, .ods and .xls files,
broken XML, lying headers, compression methods spreadsheets never use), is written to a
temporary folder, imported with ``ekbist import --dry-run`` as its own process, and
deleted. The zip bombs are built once per size and reused. For every process the wall
time, its CPU time and its peak resident set (``os.wait4``) are recorded; the run fails
when any file under 10 MB takes more than 5 s of CPU or 500 MB, or any process aborts,
prints a traceback or says "unexpected". The time bound is judged on CPU seconds because
the wall clock of a shared machine also counts the wait for a core; ``--workers`` runs
that many processes side by side.

It prints one summary (files, refused, read, max time, max RSS, faults) and a line per
kind; the last figures are recorded in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.hostile import files  # noqa: E402
from tests.hostile.run import Outcome, import_file, init_store  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=23)
    parser.add_argument("--scale", type=float, default=1.0,
                        help="size of the zip bombs: 1.0 is the issue's full size")
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args(argv)

    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="ekbist-hostile-"))
    try:
        db = work / "store.db"
        init_store(db)
        xls = (ROOT / "tests" / "fixtures" / "sheets_cases.xls").read_bytes()
        folder = work / "files"
        folder.mkdir()
        outcomes: list[Outcome] = []
        faults: list[tuple[Outcome, list[str], bool]] = []
        cases = files.cases(folder, args.cases, args.seed, scale=args.scale, xls=xls,
                            reuse_bombs=True)

        def run(case: files.Case) -> tuple[files.Case, Outcome]:
            outcome = import_file(db, case.path, case.kind)
            if not case.shared:
                case.path.unlink()
            return case, outcome

        with ThreadPoolExecutor(max_workers=args.workers) as pool:
            pending = []
            for case in cases:
                pending.append(pool.submit(run, case))
                if len(pending) >= args.workers * 2:
                    _collect(pending.pop(0).result(), outcomes, faults)
            for future in pending:
                _collect(future.result(), outcomes, faults)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    _report(outcomes, faults, args, time.monotonic() - started)
    return 1 if faults else 0


def _collect(done, outcomes: list[Outcome], faults: list) -> None:
    case, outcome = done
    outcomes.append(outcome)
    if len(outcomes) % 250 == 0:
        print(f"{len(outcomes)} files: {sum(o.refused for o in outcomes)} refused, "
              f"{sum(o.read for o in outcomes)} read, max {max(o.cpu for o in outcomes):.2f} s CPU,"
              f" max {max(o.peak_rss for o in outcomes) >> 20} MB, {len(faults)} faults",
              flush=True)
    found = outcome.faults()
    if case.must_refuse and outcome.status == 0:
        found.append("read, but must be refused")
    if found:
        faults.append((outcome, found, case.must_refuse))
        print(f"FAULT {case.kind} {outcome.path.name}: {', '.join(found)}\n  "
              f"{outcome.stderr.strip()[:300]}", flush=True)


def _report(outcomes: list[Outcome], faults: list, args, seconds: float) -> None:
    def line(label: str, group: list[Outcome]) -> str:
        refused = sum(o.refused for o in group)
        read = sum(o.read for o in group)
        slowest = max((o.seconds for o in group), default=0.0)
        cpu = max((o.cpu for o in group), default=0.0)
        peak = max((o.peak_rss for o in group), default=0) >> 20
        biggest = max((o.size for o in group), default=0)
        return (f"| {label} | {len(group)} | {refused} | {read} | {cpu:.2f} s | {slowest:.2f} s "
                f"| {peak} MB | {biggest / 1e6:.1f} MB |")

    aborts = sum(o.signal is not None for o in outcomes)
    tracebacks = sum("Traceback" in o.stderr for o in outcomes)
    unexpected = sum("unexpected" in o.stderr for o in outcomes)
    print(f"\n{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC — {len(outcomes)} files, seed "
          f"{args.seed}, scale {args.scale}, {args.workers} worker(s), {seconds / 60:.1f} min")
    print("\n| kind | files | refused | read | max CPU | max wall | max RSS | largest file |")
    print("|---|---|---|---|---|---|---|---|")
    for kind in files.KINDS:
        group = [o for o in outcomes if o.kind == kind]
        if group:
            print(line(kind, group))
    print(line("**all**", outcomes))
    print(f"\n{aborts} aborts, {tracebacks} tracebacks, {unexpected} 'unexpected', "
          f"{len(faults)} faults in all")


if __name__ == "__main__":
    sys.exit(main())
