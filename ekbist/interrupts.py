"""When an interrupt (Ctrl-C, SIGTERM) may still stop a command, and when it no longer may.

A command's work becomes permanent at one step: the COMMIT of its transaction, or the
rename that puts a written file in place. An interrupt before that step stops the
command with nothing written; an interrupt during or after it must not, or the chief
is told "interrupted" about work that was in fact done. The library marks that step
with :func:`commit_point`; the command line's signal handler asks :func:`holding` and,
while it is true, notes the signal instead of stopping the command.

Every signal the command line hears is also *received* here, whatever became of the
exception its handler raised. Python runs a signal handler between two steps of Python
code, and SQLite calls Python code (the secrecy triggers' function, the progress check
of :func:`check`) in the middle of a statement: an exception raised there is turned by
the ``sqlite3`` module into "user-defined function raised exception" and the interrupt
itself is lost. :func:`pending` keeps it: a commit step refuses to start while a signal
is pending (the work is rolled back and the command stops as interrupted), and the
command line reads any failure that follows a pending signal as the interrupt it is.

Work done in a file that only becomes the user's when it is renamed into place (the
demo, built under a temporary name) commits inside :func:`provisional`: those commits
are not the command's commit step, and an interrupt still stops it, leaving nothing.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator


class Interrupted(BaseException):
    """The command was stopped by a signal before anything was written.

    A BaseException, like KeyboardInterrupt, so no ``except Exception`` swallows it.
    """

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        """128 + the signal's number: 130 for SIGINT, 143 for SIGTERM."""
        from ekbist.exit_status import Exit

        return Exit.for_signal(self.signum)


_holding = False
_provisional = 0
_held: list[int] = []
_received: list[int] = []

# The test hook: with EKBIST_PHASES=1 the command line prints a line at each phase of a
# command (see docs/testing.md), so a test can send its signal at a known point.
PHASES_VARIABLE = "EKBIST_PHASES"
_phase_hook: Callable[[str], None] | None = None


def holding() -> bool:
    """True from the start of a commit step on: an interrupt must no longer stop the command."""
    return _holding and not _provisional


def note(signum: int) -> None:
    """Remember a signal that arrived while :func:`holding`."""
    _held.append(signum)


def held() -> list[int]:
    return list(_held)


def receive(signum: int) -> None:
    """Remember a signal that is to stop the command (called by the signal handler before it
    raises :class:`Interrupted`, so that the signal outlives a swallowed exception)."""
    _received.append(signum)


def pending() -> int | None:
    """The signal that is to stop the command, if one arrived and was not held."""
    return _received[0] if _received else None


def reset() -> None:
    """A new command starts: interrupts stop it again (signals heard before it still count)."""
    global _holding, _provisional
    _holding = False
    _provisional = 0
    _held.clear()


def stop_if_pending() -> None:
    """Raise :class:`Interrupted` for a signal that arrived and was swallowed on its way."""
    signum = pending()
    if signum is not None and not holding():
        raise Interrupted(signum)


def check() -> int:
    """SQLite's progress handler: a non-zero answer stops the running statement.

    Called every few thousand steps of a statement, so a long query or insert is stopped
    within a moment of an interrupt (a signal is otherwise only heard between statements).
    """
    return 1 if pending() is not None and not holding() else 0


def phase(name: str) -> None:
    """Tell the test hook (if any) that the command reached ``name``."""
    if _phase_hook is not None:
        _phase_hook(name)


def set_phase_hook(hook: Callable[[str], None] | None) -> None:
    global _phase_hook
    _phase_hook = hook


def phases_wanted() -> bool:
    return os.environ.get(PHASES_VARIABLE, "") not in ("", "0")


def print_phase(name: str) -> None:
    """The phase hook the command line installs under EKBIST_PHASES=1: one line on stderr."""
    sys.stderr.write(f"ekbist-phase: {name}\n")
    sys.stderr.flush()


@contextlib.contextmanager
def commit_point() -> Iterator[None]:
    """Wrap the step that makes the command's work permanent.

    Interrupts are held from before the step starts (a signal handler runs only between
    Python steps, so one that arrives during a COMMIT would otherwise fire just after it
    succeeded). If the step fails, nothing was written and interrupts stop the command
    again; if it succeeds, they stay held until the command ends. A signal that arrived
    before and was swallowed stops the command here, before anything is made permanent.
    """
    global _holding
    stop_if_pending()
    before = _holding
    _holding = True
    phase("commit")
    try:
        yield
    except BaseException:
        _holding = before
        raise
    phase("committed")


@contextlib.contextmanager
def provisional() -> Iterator[None]:
    """Commits inside are not the command's commit step: their file is the user's only once
    it is renamed into place (with :func:`commit_point`), so an interrupt still stops it."""
    global _provisional, _holding
    before = _holding
    _provisional += 1
    try:
        yield
    finally:
        _provisional -= 1
        _holding = before
