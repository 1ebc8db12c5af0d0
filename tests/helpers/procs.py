"""Helpers for tests that run the installed command in real processes and hold real locks."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import shutil
import sqlite3
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

EKBIST = shutil.which("ekbist", path=str(Path(sys.executable).parent)) or "ekbist"
HAS_PROC = Path("/proc/self/fd").exists()
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
# Root without its power to ignore file permissions, as a chief's own account runs:
# ``[*PLAIN_USER, program, …]`` (None when setpriv is missing).
SETPRIV = shutil.which("setpriv")
_CAPS = "-dac_override,-dac_read_search,-fowner"
PLAIN_USER = [SETPRIV, f"--inh-caps={_CAPS}", f"--bounding-set={_CAPS}"] if SETPRIV else None


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EKBIST_")}
    env.update({"EKBIST_LANG": "en", "EKBIST_TODAY": "2026-11-25", **extra})
    return env


def start(db: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen:
    return subprocess.Popen([EKBIST, "--db", str(db), *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env or clean_env())


def run(db: Path | None, *args: str, env: dict[str, str] | None = None, timeout: float = 120,
        plain_user: bool = False, **kwargs) -> subprocess.CompletedProcess:
    """``ekbist [--db DB] ARGS`` in a process of its own, its output captured as text; the
    one runner of the installed command (``db`` None leaves ``--db`` out, as a user who
    relies on ``EKBIST_DB`` or the default does; ``plain_user`` runs it as
    :data:`PLAIN_USER`)."""
    prefix = PLAIN_USER if plain_user else []
    return subprocess.run([*prefix, EKBIST, *(("--db", str(db)) if db is not None else ()),
                           *args], capture_output=True, text=True, env=env or clean_env(),
                          timeout=timeout, **kwargs)


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


def scalar(db: Path, sql: str) -> object:
    """The one value ``sql`` selects from ``db``, read as any program reads the file."""
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


def rows(db: Path, sql: str) -> list[tuple]:
    """Every row ``sql`` selects from ``db``, read as any program reads the file."""
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def handlers_csv(folder: Path, rows: int) -> Path:
    """``folder/handlers.csv``: ``rows`` handlers to import (h00000, h00001, …), enough rows
    for an import whose write phase a signal can land in."""
    path = folder / "handlers.csv"
    lines = ["Id,Name,Team,FTE", *(f"h{i:05d},Handläggare Nummer {i:05d},intake,1"
                                   for i in range(rows))]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def file_size_limit(limit: int):
    """A ``preexec_fn`` for a "full disk": no file the process writes grows past ``limit``
    bytes (CPython ignores SIGXFSZ, so the write fails with EFBIG)."""
    def apply() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def one_error(result) -> str:
    assert result.returncode == 1, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def demo_store(db: Path, *args: str) -> Path:
    """``db`` made by a real ``ekbist demo ARGS`` process as of 2026-11-25."""
    subprocess.run([sys.executable, "-m", "ekbist", "--db", str(db), "--today", "2026-11-25", "demo",
                    *args], check=True, capture_output=True)
    return db


def terminal_env(db: Path) -> dict[str, str]:
    """A user's terminal on ``db`` in English on 2026-11-25; no COLUMNS overrides the window."""
    env = clean_env(EKBIST_DB=str(db), TERM="xterm")
    env.pop("COLUMNS", None)
    return env


def on_terminal(args: list[str], env: dict[str, str], *, columns: int = 160,
                answer: str | None = None, program: list[str] | None = None,
                overwrite: bool = False,
                signal_at: tuple[str, int] | None = None) -> tuple[int, str]:
    """The exit code of ``ekbist ARGS`` on a real pseudo-terminal of ``columns`` columns and
    what it showed there (colours and carriage returns taken out); ``answer`` is typed first.
    ``program`` runs instead of ``python -m ekbist`` (a test's own launcher); with
    ``overwrite`` a carriage return writes over its line, as on a screen (a progress bar).
    With ``signal_at=(TEXT, SIGNAL)`` the signal is sent once TEXT is shown (a prompt
    waiting for its answer): waiting for what is shown, not for time to pass."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 60, columns, 0, 0))
    command = [*(program or [sys.executable, "-m", "ekbist"]), *args]
    process = subprocess.Popen(command, stdin=follower,
                               stdout=follower, stderr=follower, env=env, close_fds=True)
    os.close(follower)
    if answer is not None:
        os.write(leader, answer.encode())
    chunks = []
    while True:
        ready, _, _ = select.select([leader], [], [], 60)
        if not ready:
            break
        try:
            data = os.read(leader, 65536)
        except OSError:  # the other end closed
            break
        if not data:
            break
        chunks.append(data)
        if signal_at is not None and signal_at[0].encode() in b"".join(chunks):
            process.send_signal(signal_at[1])
            signal_at = None
    try:
        code = process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise AssertionError(f"{args} did not end (a signal not heard?): "
                             f"{b''.join(chunks).decode(errors='replace')}") from None
    finally:
        os.close(leader)
    text = b"".join(chunks).decode()
    if signal_at is not None:
        raise AssertionError(f"{signal_at[0]!r} was never shown: {text}")
    if overwrite:
        text = text.replace("\x1b[2K", "\r")  # erasing a line: what follows writes over it
    text = ANSI.sub("", text)
    if overwrite:  # what stays on the screen: a carriage return writes over its line
        return code, "\n".join(_last_written(line) for line in text.split("\n"))
    return code, text.replace("\r", "")


def _last_written(line: str) -> str:
    pieces = [piece for piece in line.split("\r") if piece]
    return pieces[-1] if pieces else ""
