"""Helpers for tests that run the installed command in real processes and hold real locks."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

EKBIST = shutil.which("ekbist", path=str(Path(sys.executable).parent)) or "ekbist"
HAS_PROC = Path("/proc/self/fd").exists()


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EKBIST_")}
    env.update({"EKBIST_LANG": "en", "EKBIST_TODAY": "2026-11-25", **extra})
    return env


def start(db: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen:
    return subprocess.Popen([EKBIST, "--db", str(db), *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env or clean_env())


def run(db: Path, *args: str, env: dict[str, str] | None = None, **kwargs):
    return subprocess.run([EKBIST, "--db", str(db), *args], capture_output=True, text=True,
                          env=env or clean_env(), timeout=120, **kwargs)


def wait_until(condition, what: str, limit: float = 30.0) -> None:
    """Poll an observable state of the other process (not a fixed sleep)."""
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


def has_open(proc: subprocess.Popen, path: Path) -> bool:
    fds = Path(f"/proc/{proc.pid}/fd")
    try:
        return any(os.readlink(fds / fd) == str(path) for fd in os.listdir(fds))
    except (FileNotFoundError, ProcessLookupError):
        return False


def waiting_on_lock(proc: subprocess.Popen) -> bool:
    """Asleep in SQLite's busy handler (it sleeps between tries for the lock)."""
    try:
        state = Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        wchan = Path(f"/proc/{proc.pid}/wchan").read_text()
    except FileNotFoundError:
        return False
    return state == "S" and ("sleep" in wchan or wchan in ("0", ""))


def one_error(result) -> str:
    assert result.returncode == 1, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]
