"""The installed ``ekbist`` command's first lines: a signal is heard from the first moment.

Loading the command line (click and the rest) takes a good part of a second on a busy
machine. A Ctrl-C or SIGTERM in that time must still stop the command, so the signals
are listened for before anything else is imported: a signal that arrives now is only
noted, and :func:`ekbist.commands.main.cli` stops the command for it as soon as its own
handler is in place, before anything is read or written.
"""

from __future__ import annotations

import signal
import sys

# Listen first, import after: even ekbist.interrupts takes milliseconds to load, and a
# signal in that time would otherwise end the process with a traceback.
_arrived: list[int] = []


def _early(signum: int, frame) -> None:
    _arrived.append(signum)


for _name in ("SIGINT", "SIGTERM"):
    if hasattr(signal, _name):
        signal.signal(getattr(signal, _name), _early)

from ekbist import interrupts  # noqa: E402  (after the handlers, on purpose)


def _heard(signum: int, frame) -> None:
    interrupts.receive(signum)


for _name in ("SIGINT", "SIGTERM"):
    if hasattr(signal, _name):
        signal.signal(getattr(signal, _name), _heard)
for _signum in _arrived:
    interrupts.receive(_signum)


def main() -> None:
    """Run the command; once it has ended, a signal changes nothing any more."""
    from ekbist.commands.main import cli

    try:
        cli(prog_name="ekbist")
    finally:
        # The command's outcome is decided and reported: a signal now must not kill the
        # process on its way out (Python gives the default action back while it exits).
        for name in ("SIGINT", "SIGTERM"):
            if hasattr(signal, name):
                signal.signal(getattr(signal, name), signal.SIG_IGN)
        sys.stdout.flush()
