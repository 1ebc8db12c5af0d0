"""Fault injection for the store: WAL damage and interrupts at every window, seeded.

    python tests/hostile/store_faults.py --cases 500 --seed 1     # the long run

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
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests/helpers/procs.py, run as a script
from helpers.procs import EKBIST, clean_env, handlers_csv, scalar  # noqa: E402

PAGE = 4096
FRAME = 24 + PAGE
WAL_DAMAGE = ("intact", "deleted", "cut_inside", "cut_between", "flip", "foreign")
WINDOWS = ("0ms", "early", "transaction", "commit", "committed")
NOTHING = "error: interrupted — nothing was written"


def init(db: Path) -> None:
    subprocess.run([EKBIST, "--db", str(db), "init"], check=True, capture_output=True,
                   env=clean_env(EKBIST_JOURNAL="wal"))


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


def run_wal_case(case: WalCase, folder: Path) -> list[str]:
    """The faults of one case (empty when ekbist told the truth)."""
    db = folder / "unit.db"
    init(db)
    crashed_writer(db, case.rows)
    damage(db, case, folder)
    result = subprocess.run([EKBIST, "--db", str(db), "check"], capture_output=True,
                            text=True, env=clean_env(), timeout=300)
    out = (result.stdout + result.stderr).strip()
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


def run_signal_case(case: SignalCase, folder: Path, rows: int = 5000) -> list[str]:
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
    proc.send_signal(case.signum)
    out, err = proc.communicate(timeout=300)
    lines = [line for line in (seen + err.splitlines(keepends=True))
             if not line.startswith(("ekbist-phase: ", "note: "))]
    lines = [line.rstrip("\n") for line in lines]
    written = scalar(db, "SELECT count(*) FROM handler")
    code = proc.returncode
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
    args = parser.parse_args(argv)
    half = args.cases // 2
    failures = 0
    started = time.monotonic()
    for label, cases, runner in (("wal", wal_cases(half, args.seed), run_wal_case),
                                 ("signal", signal_cases(args.cases - half, args.seed),
                                  run_signal_case)):
        outcomes: dict[str, int] = {}
        for case in cases:
            with tempfile.TemporaryDirectory(prefix="ekbist-faults-") as folder:
                faults = runner(case, Path(folder))
            key = getattr(case, "kind", None) or getattr(case, "window", "")
            outcomes[key] = outcomes.get(key, 0) + 1
            if faults:
                failures += 1
                print(f"FAULT {label} {case}: {'; '.join(faults)}")
        print(f"{label}: {len(cases)} cases {dict(sorted(outcomes.items()))}")
    print(f"{args.cases} cases, {failures} faults, {time.monotonic() - started:.0f} s "
          f"(seed {args.seed})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
