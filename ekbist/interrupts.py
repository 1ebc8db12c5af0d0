"""When an interrupt (Ctrl-C, SIGTERM) may still stop a command, and when it no longer may.

A command's work becomes permanent at one step: the COMMIT of its transaction, or the
rename that puts a written file in place. An interrupt before that step stops the
command with nothing written; an interrupt during or after it must not, or the chief
is told "interrupted" about work that was in fact done. The library marks that step
with :func:`commit_point`; the command line's signal handler asks :func:`holding` and,
while it is true, notes the signal instead of stopping the command.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator


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
        return 128 + self.signum


_holding = False
_held: list[int] = []


def holding() -> bool:
    """True from the start of a commit step on: an interrupt must no longer stop the command."""
    return _holding


def note(signum: int) -> None:
    """Remember a signal that arrived while :func:`holding`."""
    _held.append(signum)


def held() -> list[int]:
    return list(_held)


def reset() -> None:
    """A new command starts: interrupts stop it again."""
    global _holding
    _holding = False
    _held.clear()


@contextlib.contextmanager
def commit_point() -> Iterator[None]:
    """Wrap the step that makes the command's work permanent.

    Interrupts are held from before the step starts (a signal handler runs only between
    Python steps, so one that arrives during a COMMIT would otherwise fire just after it
    succeeded). If the step fails, nothing was written and interrupts stop the command
    again; if it succeeds, they stay held until the command ends.
    """
    global _holding
    before = _holding
    _holding = True
    try:
        yield
    except BaseException:
        _holding = before
        raise
