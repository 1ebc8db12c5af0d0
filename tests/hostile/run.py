"""Running one hostile file through the real installed ``ekbist import`` process, measured.

The child's wall time and peak resident set (from ``os.wait4``, the kernel's own count for
that one process) are recorded with its exit status and stderr, and each outcome is judged
by the contract: exit 0 (read) or exit 1 with one ``error:`` line naming the cause — never
a signal (an abort), never a traceback or "unexpected", never over the bounds.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

EKBIST = shutil.which("ekbist", path=str(Path(sys.executable).parent)) or "ekbist"
TIME_BOUND = 5.0                 # seconds, for any file under 10 MB
RSS_BOUND = 500 * 1024 * 1024    # bytes
HARD_LIMIT = 120.0               # a stalled child is killed (and counted as a stall)


@dataclass
class Outcome:
    path: Path
    kind: str
    size: int
    status: int | None           # exit status; None when killed by a signal
    signal: int | None
    seconds: float               # wall-clock
    peak_rss: int                # bytes
    stderr: str
    cpu: float = 0.0             # user + system seconds of the child

    @property
    def refused(self) -> bool:
        return self.status == 1

    @property
    def read(self) -> bool:
        return self.status == 0

    def faults(self, *, timed: bool = True) -> list[str]:
        """What breaks the contract, in words (empty when the outcome is fine).

        ``timed=False`` leaves the time bound out: the test run shares a busy machine, so
        time is judged by the long run in benchmarks/ (memory is the kernel's count and
        does not depend on the load)."""
        found = []
        if self.signal is not None:
            found.append(f"killed by signal {self.signal}")
        elif self.status not in (0, 1):
            found.append(f"exit {self.status}")
        if "Traceback" in self.stderr:
            found.append("traceback")
        if "unexpected" in self.stderr:
            found.append("'unexpected'")
        if self.status == 1:
            errors = [line for line in self.stderr.splitlines() if line.startswith("error: ")]
            if not errors:
                found.append("no 'error:' line")
        if self.size < 10_000_000:
            # CPU seconds: on a shared machine the wall clock also counts the wait for a core.
            if timed and self.cpu > TIME_BOUND:
                found.append(f"{self.cpu:.1f} s of CPU > {TIME_BOUND:.0f} s")
            if self.peak_rss > RSS_BOUND:
                found.append(f"{self.peak_rss >> 20} MB > {RSS_BOUND >> 20} MB")
        return found


def env() -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("EKBIST_")}
    clean.update({"EKBIST_LANG": "en", "EKBIST_TODAY": "2026-11-25"})
    return clean


def init_store(db: Path) -> None:
    subprocess.run([EKBIST, "--db", str(db), "init"], check=True, capture_output=True,
                   env=env())


def import_file(db: Path, path: Path, kind: str) -> Outcome:
    """Run ``ekbist import --dry-run FILE`` and measure the child alone."""
    started = time.monotonic()
    proc = subprocess.Popen([EKBIST, "--db", str(db), "import", "--dry-run", str(path)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env())
    stderr_chunks: list[bytes] = []
    import threading

    reader = threading.Thread(target=lambda: stderr_chunks.append(proc.stderr.read()))
    reader.start()
    killed = False
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() - started > HARD_LIMIT:
            proc.kill()
            killed = True
            pid, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.005)
    seconds = time.monotonic() - started
    proc.returncode = 0   # reaped here; keep subprocess from waiting again
    reader.join()
    stderr = b"".join(stderr_chunks).decode("utf-8", "replace")
    sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
    code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else None
    if killed:
        stderr += f"\n[killed after {HARD_LIMIT:.0f} s]"
        sig = signal.SIGKILL
    return Outcome(path, kind, path.stat().st_size, code, sig, seconds,
                   usage.ru_maxrss * 1024, stderr, usage.ru_utime + usage.ru_stime)
