"""Turning refusals into one ``error: …`` line and exit code 1, never a traceback."""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
from collections.abc import Iterator

import click

from ekbist.errors import SUBJECTS, EkbistError, ValidationErrors
from ekbist.exit_status import CheckExit, Exit
from ekbist.i18n import _, ngettext


def flag(key: str) -> str:
    """The flag a user types for one of a request's values: its key, with dashes
    (``as_of`` is ``--as-of``). The library names the same key in words
    (:data:`ekbist.errors.SUBJECTS`), so a new key is written once, there."""
    return "--" + key.replace("_", "-")


# How the command line names the values a request carries: the library's refusals name them
# in the domain's words (ekbist.errors.SUBJECTS); here they become the flags a user types.
FLAGS: dict[str, str] = {key: flag(key) for key in SUBJECTS}


class CheckUsageError(click.ClickException):
    """A problem with ``ekbist check``'s own invocation (its options, the global options or an
    EKBIST_* variable): one ``EKBIST UNKNOWN: …`` line and exit 3, which monitoring reads as
    "the check could not run" — never 2, which it would read as CRITICAL."""

    exit_code = CheckExit.UNKNOWN

    def show(self, file=None) -> None:
        message = " ".join(shown(self.format_message()).split())
        click.echo(f"EKBIST UNKNOWN: {message}")


def shown(message: str, *, lines: bool = False) -> str:
    """``message`` as ekbist may show it: the output side of the secrecy gate.

    Every value a message quotes (a cell, an argument, a file name, an environment
    variable) is masked like the personnummer line (811218-****), and control characters
    a quoted value carried (tab, CR, LF, …) are shown as escapes, so one problem stays one
    line. ``lines``: a message of several lines (click's usage), masked line by line.
    """
    from ekbist.secrecy import mask

    if lines:   # click indents a list of choices with a tab: its own, kept as a tab
        return "\n".join(_indent(line) + shown(line.lstrip("\t"))
                         for line in mask(message).split("\n"))
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"),
                        mask(message))


def _indent(line: str) -> str:
    return line[:len(line) - len(line.lstrip("\t"))]


_CONTROL = re.compile("[\x00-\x1f\x7f\x85\u2028\u2029]")


def say(message: str) -> None:
    """One line on stderr (a problem, a warning), through the gate of :func:`shown`."""
    click.echo(shown(message), err=True)


def fail(message: str) -> None:
    """Print ``error: message`` on stderr (through :func:`shown`) and exit 1."""
    say(f"{_('error')}: {message}")
    raise SystemExit(Exit.REFUSED)


def interrupted(exc) -> None:
    """An interrupt before anything was written: say so, exit 130 (SIGINT) or 143 (SIGTERM)."""
    click.echo(f"{_('error')}: {_('interrupted — nothing was written')}", err=True)
    raise SystemExit(exc.exit_code)


def reason(exc: BaseException) -> str:
    """What went wrong, in one line for the user: the one mapping from an exception to
    words, shared by every command's ``error:`` line and the check's UNKNOWN line."""
    from ekbist.interrupts import Interrupted

    if isinstance(exc, EkbistError):
        return exc.worded(FLAGS)
    if isinstance(exc, (KeyboardInterrupt, Interrupted)):
        return _("interrupted")
    if isinstance(exc, sqlite3.Error):
        from ekbist.store import classify

        return classify(exc, _store_path()).worded(FLAGS)
    if isinstance(exc, OSError):
        from ekbist.files import odd_path

        odd = odd_path(exc.filename) if isinstance(exc.filename, str) else None
        if odd is not None:  # named by its cause, not "File name too long" or "File exists"
            return odd.worded(FLAGS)
        text = exc.strerror or str(exc)
        if exc.filename:
            return _("{path}: {reason}").format(path=exc.filename, reason=text)
        return _("could not write: {reason} — nothing was written").format(reason=text)
    return _("unexpected {kind}: {reason} (set EKBIST_DEBUG=1 for details)").format(
        kind=type(exc).__name__, reason=exc)


@contextlib.contextmanager
def handle_errors() -> Iterator[None]:
    try:
        yield
    except ValidationErrors as exc:
        _stop_if_interrupted()
        for problem in exc.worded_lines(FLAGS):
            say(problem)
        fail(ngettext("{n} problem found — nothing was written",
                      "{n} problems found — nothing was written", exc.total
                      ).format(n=exc.total))
    except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException, SystemExit):
        raise
    except BrokenPipeError:
        raise  # the reader stopped early (``| head``): click exits quietly
    except (EkbistError, sqlite3.Error, OSError) as exc:
        _stop_if_interrupted()
        fail(reason(exc))
    except Exception as exc:  # noqa: BLE001 - the contract is one line, never a traceback
        _stop_if_interrupted()
        if os.environ.get("EKBIST_DEBUG"):
            raise
        fail(reason(exc))


def _stop_if_interrupted() -> None:
    """A failure that follows a signal is the signal's doing: inside SQLite's call of a
    Python function (the secrecy triggers, the progress check) an interrupt becomes
    "user-defined function raised exception" or "interrupted". Nothing was committed
    (:func:`ekbist.interrupts.commit_point` refuses while a signal is pending)."""
    from ekbist import interrupts

    interrupts.stop_if_pending()


def _store_path():
    """The store the running command works on, to name it in a message."""
    from pathlib import Path

    from ekbist.commands.context import Env

    ctx = click.get_current_context(silent=True)
    env = ctx.find_object(Env) if ctx is not None else None
    return env.path if env is not None else Path("?")
