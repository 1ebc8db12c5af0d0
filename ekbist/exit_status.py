"""The exit statuses ekbist ends with: one table for every command, one for the morning check.

A scheduler, a script or a monitoring system reads nothing but this number, so each
status has one meaning and one name, and no module writes a bare number instead.
Every command but ``check`` follows the shell's conventions; ``check`` follows the
monitoring-plugin convention (Nagios, Icinga), where 1 and 2 are findings and every
problem with the check itself is UNKNOWN.
"""

from __future__ import annotations

import signal
from enum import IntEnum


class Exit(IntEnum):
    """How every command but ``check`` ends."""

    OK = 0
    #: The command could not do what was asked: one ``error: …`` line names the cause.
    REFUSED = 1
    #: A mistyped command, option or value, as click reports it.
    USAGE = 2
    #: Stopped by Ctrl-C (SIGINT, 128 + 2) before anything was written.
    INTERRUPTED = 128 + signal.SIGINT
    #: Stopped by SIGTERM (128 + 15) before anything was written.
    TERMINATED = 128 + signal.SIGTERM

    @classmethod
    def for_signal(cls, signum: int) -> int:
        """The status of a command stopped by ``signum``: 128 + its number, as shells report."""
        try:
            return cls(128 + signum)
        except ValueError:
            return 128 + signum


class CheckExit(IntEnum):
    """How ``ekbist check`` ends (the monitoring-plugin convention)."""

    OK = 0
    WARNING = 1
    CRITICAL = 2
    #: The check could not run: its own options, the global options, an EKBIST_* variable,
    #: the store. Never 1 or 2, which a monitoring system reads as findings.
    UNKNOWN = 3
