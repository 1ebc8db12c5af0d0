"""Every exit status ekbist can end with, from real processes: the one table in
ekbist/exit_status.py, for the commands (0/1/2/130/143) and for the check (0–3)."""

from __future__ import annotations

import signal
import sqlite3
from pathlib import Path

import pytest
from helpers import procs

from ekbist.exit_status import CheckExit, Exit

PN = "811218-9876"  # a valid personnummer (check digit 6)


def test_the_tables_are_the_conventions():
    # The shell's conventions and the monitoring-plugin convention, number by number.
    assert [int(e) for e in Exit] == [0, 1, 2, 130, 143]
    assert [int(e) for e in CheckExit] == [0, 1, 2, 3]
    assert Exit.for_signal(signal.SIGINT) == 130 and Exit.for_signal(signal.SIGTERM) == 143
    assert Exit.for_signal(signal.SIGHUP) == 129  # any other signal: 128 + its number


@pytest.fixture
def empty(tmp_path: Path) -> Path:
    db = tmp_path / "empty.db"
    assert procs.run(db, "init").returncode == Exit.OK
    return db


# -- the check: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN for every problem of its own -------
def test_check_ok_on_an_empty_store(empty):
    done = procs.run(empty, "check")
    assert (done.returncode, done.stdout.split(":")[0]) == (CheckExit.OK, "EKBIST OK")


def test_check_warning_and_critical(empty):
    # A handler with an application due today (a warning), then one overdue (critical).
    assert procs.run(empty, "handler", "add", "h1", "--name", "Anna", "--team", "intake", "--fte", "1",
                     "--start", "2026-01-01").returncode == 0
    assert procs.run(empty, "case", "open", "C-1", "--handler", "h1", "--opened", "2026-11-02").returncode == 0
    # Received complete Wednesday 2026-11-19: working day 5 is Tuesday 2026-11-25, today.
    assert procs.run(empty, "application", "add", "C-1", "--id", "A1", "--period", "2026-12",
                     "--received", "2026-11-19", "--completed", "2026-11-19").returncode == 0
    done = procs.run(empty, "check", "--only", "handling-time")
    assert (done.returncode, done.stdout.split(":")[0]) == (CheckExit.WARNING, "EKBIST WARNING")
    # Received Tuesday 2026-11-18: working day 5 was Monday 2026-11-24, yesterday.
    assert procs.run(empty, "application", "add", "C-1", "--id", "A2", "--period", "2026-11",
                     "--received", "2026-11-18", "--completed", "2026-11-18").returncode == 0
    done = procs.run(empty, "check", "--only", "handling-time")
    assert (done.returncode, done.stdout.split(":")[0]) == (CheckExit.CRITICAL, "EKBIST CRITICAL")


@pytest.mark.parametrize("args", [
    ["check", "--handler", PN],            # a refused argument: no finding, the check did not run
    ["check", "--no-such-option"],         # its own usage error
    ["--today", "2026-13-01", "check"],    # a global option
    ["check", "--only", "nonsense"],       # a value of its own option
])
def test_check_unknown_for_every_problem_with_its_invocation(empty, args):
    done = procs.run(empty, *args)
    assert done.returncode == CheckExit.UNKNOWN, (done.stdout, done.stderr)
    assert done.stdout.startswith("EKBIST UNKNOWN: ")
    assert PN not in done.stdout + done.stderr


def test_check_unknown_for_a_missing_store(tmp_path):
    done = procs.run(tmp_path / "none.db", "check")
    assert done.returncode == CheckExit.UNKNOWN and done.stdout.startswith("EKBIST UNKNOWN: no database")


def test_check_unknown_for_an_identity_number_in_the_environment(empty):
    done = procs.run(empty, "check", env=procs.clean_env(EKBIST_TODAY=PN))
    assert done.returncode == CheckExit.UNKNOWN and PN not in done.stdout + done.stderr


# -- every other command: 0, 1, 2, 130, 143 --------------------------------------------
def test_commands_ok_refused_and_usage(empty):
    assert procs.run(empty, "handler", "list").returncode == Exit.OK
    refused = procs.run(empty, "case", "open", "C-1", "--handler", "nobody", "--opened", "2026-11-02")
    assert refused.returncode == Exit.REFUSED and refused.stderr.startswith("error: ")
    pn = procs.run(empty, "handler", "list", "--team", PN)
    assert pn.returncode == Exit.REFUSED and PN not in pn.stdout + pn.stderr
    usage = procs.run(empty, "handler", "list", "--no-such-option")
    assert usage.returncode == Exit.USAGE


def _stopped_at_the_prompt(db: Path, signum: int) -> tuple[int, str]:
    """``caseload balance --apply`` on a terminal, stopped by ``signum`` while it asks."""
    return procs.on_terminal(["caseload", "balance", "--team", "debt", "--apply"],
                             procs.terminal_env(db), signal_at=("[y/N]", signum))


# A signal that lands just before a blocking read was lost about one time in four (the
# prompt waited forever): each signal is sent several times to catch that race.
@pytest.mark.parametrize("attempt", range(3))
@pytest.mark.parametrize(("signum", "status"), [(signal.SIGINT, Exit.INTERRUPTED),
                                                 (signal.SIGTERM, Exit.TERMINATED)])
def test_an_interrupt_at_the_prompt_is_130_or_143_and_writes_nothing(demo_copy, signum, status, attempt):
    def moves() -> int:
        with sqlite3.connect(demo_copy) as con:
            return con.execute("SELECT count(*) FROM assignment").fetchone()[0]

    before = moves()
    code, shown = _stopped_at_the_prompt(demo_copy, signum)
    assert code == status, shown
    assert "nothing was written" in shown
    assert moves() == before
