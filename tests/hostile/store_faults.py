"""Fault injection for the store: WAL damage and interrupts at every window, seeded.

    python tests/hostile/store_faults.py --cases 5000 --seed 1 --workers 2   # the long run
    python tests/hostile/store_faults.py --cases 5000 --minutes 90           # or until then

Each case is drawn from ``random.Random(seed)`` and run against the real installed
``ekbist`` in real processes, and each outcome is held to the contract:

* **WAL damage.** A store whose writer crashed with its commits in ``-wal`` (a real
  process that ends with ``os._exit``) is damaged in one of the ways the second pass
  found: the log deleted, cut inside a frame or between frames, a byte flipped anywhere in
  a frame (header, salts, checksums or page), another store's log put in its place — or
  left intact as a control. ``ekbist check`` must say UNKNOWN (exit 3) naming the
  ``-wal`` for every damage and OK (exit 0) for the control: no damaged store passes as
  fine, no sound one is refused.
* **Interrupts.** SIGINT or SIGTERM to ``handler add`` or an import of a few thousand
  rows, at 0 ms, after a random delay, at a phase line (``EKBIST_PHASES=1``: the write
  transaction, the commit step, after the commit) plus a random offset. The outcome must be
  the truth: 130/143 with the one line "interrupted — nothing was written" and nothing
  written, or exit 0 with everything written (the signal came at or after the commit), or
  the system's default action before Python ran (nothing written) — never exit 1, never a
  traceback, never a result followed by death.
"""

from __future__ import annotations

import argparse
import atexit
import os
import threading
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests/helpers/procs.py, run as a script
from helpers.procs import EKBIST, clean_env, handlers_csv, scalar  # noqa: E402

PAGE = 4096
FRAME = 24 + PAGE
WAL_DAMAGE = ("intact", "deleted", "cut_inside", "cut_between", "flip", "foreign")
WINDOWS = ("0ms", "early", "transaction", "commit", "committed")
NOTHING = "error: interrupted — nothing was written"


_TEMPLATES: dict[str, Path] = {}
_TEMPLATE_LOCK = threading.Lock()


def init(db: Path) -> None:
    """A new, empty store at ``db`` in WAL mode, as ``ekbist init`` makes it.

    The first call runs the real ``ekbist init``; later ones in the same run copy that
    store (closed, no ``-wal`` left), which is the same file without a process's start."""
    with _TEMPLATE_LOCK:
        template = _TEMPLATES.get("wal")
        if template is None:
            template = Path(tempfile.mkdtemp(prefix="ekbist-template-")) / "template.db"
            subprocess.run([EKBIST, "--db", str(template), "init"], check=True,
                           capture_output=True, env=clean_env(EKBIST_JOURNAL="wal"))
            assert not Path(f"{template}-wal").exists()
            _TEMPLATES["wal"] = template
    shutil.copyfile(template, db)


@atexit.register
def _remove_templates() -> None:
    for template in _TEMPLATES.values():
        shutil.rmtree(template.parent, ignore_errors=True)


@dataclass
class Usage:
    """What the ekbist processes of a run cost, each measured alone (``os.wait4``)."""
    processes: int = 0
    max_cpu: float = 0.0         # user + system seconds of one process
    max_rss: int = 0             # bytes
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, cpu: float, rss: int) -> None:
        with self.lock:
            self.processes += 1
            self.max_cpu = max(self.max_cpu, cpu)
            self.max_rss = max(self.max_rss, rss)


def communicate(proc: subprocess.Popen, timeout: float, usage: Usage | None) -> tuple[str, str]:
    """``proc.communicate()``, but the child is reaped with ``os.wait4`` so that its own
    CPU time and peak resident set can be counted; a child past ``timeout`` is killed."""
    out: list[str] = []
    err: list[str] = []
    readers = [threading.Thread(target=lambda: out.append(proc.stdout.read())),
               threading.Thread(target=lambda: err.append(proc.stderr.read()))]
    for reader in readers:
        reader.start()
    timer = threading.Timer(timeout, proc.kill)
    timer.start()
    try:
        _, status, rusage = os.wait4(proc.pid, 0)
    finally:
        timer.cancel()
    proc.returncode = (-os.WTERMSIG(status) if os.WIFSIGNALED(status)
                       else os.WEXITSTATUS(status))
    for reader in readers:
        reader.join()
    proc.stdout.close()
    proc.stderr.close()
    if usage is not None:
        usage.add(rusage.ru_utime + rusage.ru_stime, rusage.ru_maxrss * 1024)
    return "".join(out), "".join(err)


def crashed_writer(db: Path, rows: int, prefix: str = "k") -> None:
    """``rows`` commits left in ``db``'s -wal by a writer that never closed."""
    code = (
        "import os, sqlite3, sys\n"
        "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "c.execute('PRAGMA wal_autocheckpoint = 0')\n"
        "for i in range(int(sys.argv[2])):\n"
        "    c.execute('INSERT INTO settings (key, value) VALUES (?, ?)', (sys.argv[3] + str(i), 'v'))\n"
        "os._exit(0)\n"
    )
    subprocess.run([sys.executable, "-c", code, str(db), str(rows), prefix], check=True)


# -- WAL damage ----------------------------------------------------------------------------
@dataclass
class WalCase:
    kind: str
    rows: int
    detail: str = ""


def wal_cases(count: int, seed: int) -> list[WalCase]:
    rng = random.Random(seed)
    return [WalCase(WAL_DAMAGE[i % len(WAL_DAMAGE)], rng.randint(5, 80), str(rng.random()))
            for i in range(count)]


def damage(db: Path, case: WalCase, folder: Path) -> None:
    rng = random.Random(case.detail)
    log = Path(f"{db}-wal")
    frames = (log.stat().st_size - 32) // FRAME
    if case.kind == "deleted":
        log.unlink()
    elif case.kind == "cut_inside":
        os.truncate(log, 32 + rng.randrange(frames) * FRAME + rng.randint(1, FRAME - 1))
    elif case.kind == "cut_between":
        os.truncate(log, 32 + rng.randrange(1, frames) * FRAME)
    elif case.kind == "flip":
        data = bytearray(log.read_bytes())
        frame = rng.randrange(frames)
        at = 32 + frame * FRAME + rng.randrange(FRAME)
        data[at] ^= 1 << rng.randrange(8)
        log.write_bytes(bytes(data))
    elif case.kind == "foreign":
        other = folder / "other.db"
        init(other)
        crashed_writer(other, rng.randint(1, 20), prefix="x")
        shutil.copy(Path(f"{other}-wal"), log)


def run_wal_case(case: WalCase, folder: Path, usage: Usage | None = None) -> list[str]:
    """The faults of one case (empty when ekbist told the truth)."""
    db = folder / "unit.db"
    init(db)
    crashed_writer(db, case.rows)
    damage(db, case, folder)
    result = subprocess.Popen([EKBIST, "--db", str(db), "check"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=clean_env())
    stdout, stderr = communicate(result, 300, usage)
    out = (stdout + stderr).strip()
    faults = []
    if "Traceback" in out:
        faults.append("traceback")
    if case.kind == "intact":
        if result.returncode != 0:
            faults.append(f"a sound store refused: exit {result.returncode}: {out}")
    elif result.returncode != 3 or f"{db}-wal" not in out:
        faults.append(f"{case.kind} not reported: exit {result.returncode}: {out[:200]}")
    return faults


# -- interrupts ----------------------------------------------------------------------------
@dataclass
class SignalCase:
    command: str       # "add" or "import"
    signum: int
    window: str
    offset: float      # seconds after the window's moment


def signal_cases(count: int, seed: int) -> list[SignalCase]:
    rng = random.Random(seed)
    found = []
    for i in range(count):
        window = WINDOWS[i % len(WINDOWS)]
        command = "import" if window == "transaction" or rng.random() < 0.5 else "add"
        found.append(SignalCase(command, rng.choice((signal.SIGINT, signal.SIGTERM)), window,
                                rng.choice((0.0, 0.005, 0.03, 0.1, 0.3))))
    return found


def python_start(code: int, lines: list[str], out: str, written: int) -> bool:
    """A SIGINT that landed while Python itself was starting, before the installed
    command's first line (documented in docs/trust.md): in its site module Python reports
    a fatal error and exits 1; after it, while the command's first module is being found,
    Python prints its own KeyboardInterrupt traceback and ends by the signal. From that
    first line on no KeyboardInterrupt can be raised (the line replaces Python's handler),
    so such a traceback always comes from before it. Nothing may be written or printed."""
    if not lines or lines[-1] != "KeyboardInterrupt" or out or written:
        return False
    if code == 1:
        return lines[0].startswith("Fatal Python error: init_")
    return code == -signal.SIGINT and lines[0] == "Traceback (most recent call last):"


def run_signal_case(case: SignalCase, folder: Path, rows: int = 5000,
                    usage: Usage | None = None, notes: list[str] | None = None) -> list[str]:
    db = folder / "unit.db"
    init(db)
    if case.command == "import":
        args, expected = ["import", str(handlers_csv(folder, rows))], rows
    else:
        args, expected = ["handler", "add", "bo", "--name", "Bo B", "--team", "intake",
                          "--fte", "1"], 1
    proc = subprocess.Popen([EKBIST, "--db", str(db), *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=clean_env(EKBIST_PHASES="1"))
    seen = []
    if case.window in ("0ms", "early"):
        if case.window == "early":
            time.sleep(case.offset)
    else:
        while True:
            line = proc.stderr.readline()
            if not line or line == f"ekbist-phase: {case.window}\n":
                break
            seen.append(line)
        time.sleep(case.offset)
    os.kill(proc.pid, case.signum)   # not send_signal: its poll() would reap the child
    out, err = communicate(proc, 300, usage)
    lines = [line for line in (seen + err.splitlines(keepends=True))
             if not line.startswith(("ekbist-phase: ", "note: "))]
    lines = [line.rstrip("\n") for line in lines]
    written = scalar(db, "SELECT count(*) FROM handler")
    code = proc.returncode
    if case.signum == signal.SIGINT and python_start(code, lines, out, written):
        if notes is not None:
            notes.append("python-start")
        return []
    faults = []
    if any("Traceback" in line for line in lines):
        faults.append("traceback")
    if code == -case.signum:  # ended by the default action before Python ran
        if written or out or lines:
            faults.append(f"killed by the signal after doing something: {written} rows")
    elif code == 128 + case.signum:
        if lines != [NOTHING] or written:
            faults.append(f"interrupted but {written} rows written / said {lines}")
    elif code == 0:
        if written != expected or lines:
            faults.append(f"exit 0 with {written} of {expected} rows / said {lines}")
        if case.window in ("commit", "committed") and not out:
            faults.append("no result printed after the commit")
    else:
        faults.append(f"exit {code}: {lines}")
    if case.window == "committed" and code != 0:
        faults.append(f"a signal after the commit ended with {code}")
    return faults


# -- the long run --------------------------------------------------------------------------
def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=60)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=1,
                        help="cases run side by side (each in its own folder and store)")
    parser.add_argument("--minutes", type=float, default=None,
                        help="start no case after this many minutes; report what was run")
    args = parser.parse_args(argv)
    half = args.cases // 2
    # WAL damage and signals alternate, so a run stopped early has run both alike.
    wal = [("wal", case, run_wal_case) for case in wal_cases(half, args.seed)]
    sig = [("signal", case, run_signal_case)
           for case in signal_cases(args.cases - half, args.seed)]
    order = [item for pair in zip(wal, sig) for item in pair] + wal[len(sig):] + sig[len(wal):]
    started = time.monotonic()
    deadline = started + args.minutes * 60 if args.minutes is not None else None
    usage = Usage()
    outcomes: dict[str, dict[str, int]] = {"wal": {}, "signal": {}}
    faults: list[str] = []
    done = 0
    lock = threading.Lock()

    def run(item) -> None:
        nonlocal done
        label, case, runner = item
        if deadline is not None and time.monotonic() > deadline:
            return
        notes: list[str] = []
        with tempfile.TemporaryDirectory(prefix="ekbist-faults-") as folder:
            found = (runner(case, Path(folder), usage=usage, notes=notes) if label == "signal"
                     else runner(case, Path(folder), usage=usage))
        if notes:
            key = "Python's own start (SIGINT before the first line, documented)"
        else:
            key = case.kind if label == "wal" else \
                f"{case.window} {signal.Signals(case.signum).name}"
        with lock:
            outcomes[label][key] = outcomes[label].get(key, 0) + 1
            done += 1
            if found:
                faults.append(f"{label} {case}: {'; '.join(found)}")
                print(f"FAULT {faults[-1]}", flush=True)
            if done % 100 == 0:
                print(f"{done} cases, {len(faults)} faults, {time.monotonic() - started:.0f} s",
                      flush=True)

    with ThreadPoolExecutor(max_workers=args.workers) as pool:
        for future in [pool.submit(run, item) for item in order]:
            future.result()
    seconds = time.monotonic() - started
    for label in ("wal", "signal"):
        print(f"{label}: {sum(outcomes[label].values())} cases "
              f"{dict(sorted(outcomes[label].items()))}")
    print(f"{done} of {args.cases} cases, {len(faults)} faults, {seconds:.0f} s wall "
          f"(seed {args.seed}, {args.workers} worker(s)); {usage.processes} ekbist processes "
          f"measured: max {usage.max_cpu:.2f} s CPU, max {usage.max_rss >> 20} MB")
    return 1 if faults else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
