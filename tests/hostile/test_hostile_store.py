"""The quick, seeded subset of the store's fault injection (the long run: see store_faults.py).

Every WAL damage of the second pass and an intact control, and signals at every window of a
command, each judged by the contract in tests/hostile/store_faults.py.
"""

from __future__ import annotations

import os
import signal
import subprocess

import pytest

from . import store_faults

pytestmark = pytest.mark.skipif(not store_faults.Path("/proc/self/fd").exists(),
                                reason="needs /proc")


@pytest.mark.parametrize("case", store_faults.wal_cases(12, seed=23), ids=lambda c: c.kind)
def test_wal_damage_is_reported_and_a_sound_log_is_not(case, tmp_path):
    assert store_faults.run_wal_case(case, tmp_path) == []


@pytest.mark.parametrize("case", store_faults.signal_cases(10, seed=23),
                         ids=lambda c: f"{c.command}-{c.window}-{c.signum}")
def test_a_signal_in_any_window_tells_the_truth(case, tmp_path):
    assert store_faults.run_signal_case(case, tmp_path, rows=3000) == []


def test_a_sigint_while_python_itself_starts_is_told_apart_and_writes_nothing(tmp_path):
    # A sitecustomize that waits holds Python inside its site module, before the installed
    # command's first line: the SIGINT lands where ekbist cannot listen yet.
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(
        "import sys, time\nsys.stderr.write('in site\\n')\nsys.stderr.flush()\ntime.sleep(120)\n")
    returncode, lines, out, written = _sigint_when_held(tmp_path, hook, "in site\n")
    assert (returncode, written, out) == (1, 0, "")
    assert store_faults.python_start(returncode, lines, out, written), lines
    # ekbist's own refusals, a write or a result before the signal are never taken for it.
    assert not store_faults.python_start(1, ["error: interrupted — nothing was written"], "", 0)
    assert not store_faults.python_start(1, lines, "", 1)
    assert not store_faults.python_start(1, lines, "Added handler bo", 0)


def test_a_sigint_before_the_command_s_first_line_is_told_apart_and_writes_nothing(tmp_path):
    # Python has started; the installed command is finding its first module
    # (ekbist.commands.entry), held there by an import hook that waits.
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(
        "import sys, time\n"
        "class Wait:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'ekbist.commands.entry':\n"
        "            sys.stderr.write('finding the entry\\n')\n"
        "            sys.stderr.flush()\n"
        "            time.sleep(120)\n"
        "        return None\n"
        "sys.meta_path.insert(0, Wait())\n")
    returncode, lines, out, written = _sigint_when_held(tmp_path, hook, "finding the entry\n")
    assert (returncode, written, out) == (-signal.SIGINT, 0, ""), lines
    assert store_faults.python_start(returncode, lines, out, written), lines
    assert not store_faults.python_start(-signal.SIGINT, lines, "", 1)
    assert not store_faults.python_start(-signal.SIGTERM, lines, "", 0)


def _sigint_when_held(tmp_path, hook, shown: str) -> tuple[int, list[str], str, int]:
    """``handler add`` on a new store with ``hook`` (a sitecustomize that holds the process
    after it writes ``shown``), SIGINT once it is held: the exit code, stderr's lines,
    stdout, and how many handlers the store then holds."""
    db = tmp_path / "unit.db"
    store_faults.init(db)
    proc = subprocess.Popen(
        [store_faults.EKBIST, "--db", str(db), "handler", "add", "bo", "--name", "Bo B",
         "--team", "intake", "--fte", "1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, env=store_faults.clean_env(PYTHONPATH=str(hook)))
    assert proc.stderr.readline() == shown
    os.kill(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    return (proc.returncode, err.splitlines(), out,
            store_faults.scalar(db, "SELECT count(*) FROM handler"))
