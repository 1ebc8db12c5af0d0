"""Turning refusals into one ``error: …`` line and exit code 1, never a traceback."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator

import click

from ekbist.errors import EkbistError, ValidationErrors
from ekbist.i18n import _

UNKNOWN_EXIT = 3


class CheckUsageError(click.ClickException):
    """A problem with ``ekbist check``'s own invocation (its options, the global options or an
    EKBIST_* variable): one ``EKBIST UNKNOWN: …`` line and exit 3, which monitoring reads as
    "the check could not run" — never 2, which it would read as CRITICAL."""

    exit_code = UNKNOWN_EXIT

    def show(self, file=None) -> None:
        message = " ".join(self.format_message().split())
        click.echo(f"EKBIST UNKNOWN: {message}")


def fail(message: str) -> None:
    """Print ``error: message`` on stderr and exit 1."""
    click.echo(f"{_('error')}: {message}", err=True)
    raise SystemExit(1)


def interrupted(exc) -> None:
    """An interrupt before anything was written: say so, exit 130 (SIGINT) or 143 (SIGTERM)."""
    click.echo(f"{_('error')}: {_('interrupted — nothing was written')}", err=True)
    raise SystemExit(exc.exit_code)


@contextlib.contextmanager
def handle_errors() -> Iterator[None]:
    try:
        yield
    except ValidationErrors as exc:
        for problem in exc.problems:
            click.echo(problem, err=True)
        fail(_("{n} problem(s) found — nothing was written").format(n=len(exc.problems)))
    except EkbistError as exc:
        fail(str(exc))
    except sqlite3.Error as exc:
        from ekbist.store import classify

        fail(str(classify(exc, _store_path())))
    except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException, SystemExit):
        raise
    except BrokenPipeError:
        raise  # the reader stopped early (``| head``): click exits quietly
    except OSError as exc:
        reason = exc.strerror or str(exc)
        if exc.filename:
            fail(_("{path}: {reason}").format(path=exc.filename, reason=reason))
        fail(_("could not write: {reason} — nothing was written").format(reason=reason))
    except Exception as exc:  # noqa: BLE001 - the contract is one line, never a traceback
        if os.environ.get("EKBIST_DEBUG"):
            raise
        fail(
            _("unexpected {kind}: {reason} (set EKBIST_DEBUG=1 for details)").format(
                kind=type(exc).__name__, reason=exc
            )
        )


def _store_path():
    """The store the running command works on, to name it in a message."""
    from pathlib import Path

    from ekbist.commands.context import Env

    ctx = click.get_current_context(silent=True)
    env = ctx.find_object(Env) if ctx is not None else None
    return env.path if env is not None else Path("?")
