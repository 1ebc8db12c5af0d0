"""Asking a person at the terminal before a change, shared by every command that asks.

A yes-or-no question is asked only when someone can answer it (:func:`interactive`);
scripts pass ``--yes`` and a pipe is never asked. The reading wakes in short steps so
that Ctrl-C or SIGTERM stops the command even while it waits for the answer.
"""

from __future__ import annotations

import click

from ekbist.i18n import _


def interactive() -> bool:
    """A person at a terminal who can answer a question."""
    import sys

    return sys.stdin.isatty() and sys.stdout.isatty()


def confirm(question: str, *, err: bool = False) -> bool:
    """Ask a yes-or-no question, answered in the chosen language ("j" in Swedish) or English;
    no by default."""
    yes = {_("y"), _("yes"), "y", "yes"}
    click.echo(f"{question} [{_('y')}/N]: ", nl=False, err=err)
    return read_answer().strip().lower() in yes


def read_answer() -> str:
    """The line typed at the terminal ('' at its end), waiting in short steps.

    A plain blocking read misses a Ctrl-C or SIGTERM that lands just before the read
    starts (the signal handler runs only once the read returns, i.e. never); waking every
    fifth of a second lets the handler run and the command stop at once.
    """
    import os
    import select
    import sys

    if os.name == "nt":  # no select() on a console: Windows delivers Ctrl-C to input() itself
        try:
            return input()
        except EOFError:
            return ""
    while not select.select([sys.stdin], [], [], 0.2)[0]:
        pass
    return sys.stdin.readline()
