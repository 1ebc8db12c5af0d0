"""The long fault-injection run: thousands of hostile workbooks through the real ``ekbist import``.

    python benchmarks/hostile_workbooks.py --cases 5000            # full-size zip bombs
    python benchmarks/hostile_workbooks.py --cases 5000 --fork     # the same, ten times faster
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

Most of each process's CPU time is Python's own start and the command line's imports
(about 0.25 s), not the file (a few milliseconds for most of them). With ``--fork`` the
runner imports the command line once and forks one child per file, which runs the
installed command's ``main`` with the file's arguments: each file is still its own
process, measured alone by ``os.wait4`` (its peak resident set counts what the child
shares with the runner, so it is never lower than a fresh process's), with its own exit
status and signals, but without the start. Only the time before the command's first line
is not exercised; ``--fork`` runs one file at a time per worker from a single thread.

It prints one summary (files, refused, read, max time, max RSS, faults) and a line per
kind; the last figures are recorded in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import importlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.hostile import files  # noqa: E402
from tests.hostile.run import HARD_LIMIT, Outcome, env, import_file, init_store  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=23)
    parser.add_argument("--scale", type=float, default=1.0,
                        help="size of the zip bombs: 1.0 is the issue's full size")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--fork", action="store_true",
                        help="fork each file's process from a runner that has imported the "
                             "command line once (see the module's docstring)")
    args = parser.parse_args(argv)
    if args.fork:
        clean = env()
        os.environ.clear()
        os.environ.update(clean)

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
        if args.fork:
            _preload(db, folder, xls)
        cases = files.cases(folder, args.cases, args.seed, scale=args.scale, xls=xls,
                            reuse_bombs=True)

        def run(case: files.Case) -> tuple[files.Case, Outcome]:
            outcome = import_file(db, case.path, case.kind)
            if not case.shared:
                case.path.unlink()
            return case, outcome

        if args.fork:
            for done in _forked(db, cases, args.workers, work):
                _collect(done, outcomes, faults)
        else:
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


_PRELOAD = """
import sys
from ekbist.commands.entry import main
db, listed, *samples = sys.argv[1:]
for path in samples:
    sys.argv = ["ekbist", "--db", db, "import", "--dry-run", path]
    try:
        main()
    except SystemExit:
        pass
with open(listed, "w") as out:
    out.write("\\n".join(sorted(sys.modules)))
"""


def _preload(db: Path, folder: Path, xls: bytes) -> None:
    """Import here every module a real process imports for an .xlsx, an .ods and an .xls
    file (listed by one such process), so that the forked children do not."""
    samples = [files.write_xlsx(folder / "sample.xlsx", files.sheet(files.handler_rows())),
               files.ods(folder / "sample.ods", files.ods_row(files.HEADER)),
               folder / "sample.xls"]
    samples[2].write_bytes(xls)
    listed = folder / "modules.txt"
    subprocess.run([sys.executable, "-c", _PRELOAD, str(db), str(listed),
                    *map(str, samples)], env=env(), capture_output=True, check=True)
    for name in listed.read_text().split():
        if name == "__main__" or name.startswith("ekbist.commands.entry"):
            continue     # the entry installs signal handlers: each child imports it
        try:
            importlib.import_module(name)
        except Exception:   # a module only its own platform or parent can import
            pass
    for path in [*samples, listed]:
        path.unlink()


def _forked(db: Path, cases, workers: int, work: Path):
    """(case, outcome) of every case, each run in a child forked from this process."""
    running: dict[int, tuple[files.Case, Path, float]] = {}
    cases = iter(cases)
    more = True
    while more or running:
        while more and len(running) < workers:
            case = next(cases, None)
            if case is None:
                more = False
                break
            err = work / f"stderr-{len(running)}-{case.path.name}"
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:
                _child(db, case.path, err)
            running[pid] = (case, err, time.monotonic())
        if not running:
            break
        pid, status, usage = os.wait4(-1, os.WNOHANG)
        if not pid:
            now = time.monotonic()
            for child, (_case, _err, started) in running.items():
                if now - started > HARD_LIMIT:
                    os.kill(child, signal.SIGKILL)
            time.sleep(0.005)
            continue
        case, err, started = running.pop(pid)
        seconds = time.monotonic() - started
        stderr = err.read_text("utf-8", "replace")
        err.unlink()
        sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
        code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else None
        if sig == signal.SIGKILL and seconds > HARD_LIMIT:
            stderr += f"\n[killed after {HARD_LIMIT:.0f} s]"
        outcome = Outcome(case.path, case.kind, case.path.stat().st_size, code, sig, seconds,
                          usage.ru_maxrss * 1024, stderr, usage.ru_utime + usage.ru_stime)
        if not case.shared:
            case.path.unlink()
        yield case, outcome


def _child(db: Path, path: Path, err: Path) -> None:
    """In the forked child: run the installed command's main on one file; never return."""
    code = 1
    try:
        fd = os.open(err, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(fd, 2)
        os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
        sys.argv = ["ekbist", "--db", str(db), "import", "--dry-run", str(path)]
        from ekbist.commands.entry import main as ekbist_main

        ekbist_main()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:        # what Python itself would print before exiting 1
        traceback.print_exc()
        code = 1
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


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
