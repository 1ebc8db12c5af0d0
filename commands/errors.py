"""Turning refusals into one ``error: …`` line and exit code 1, never a traceback."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator

import click

from ekbist.errors import EkbistError, ValidationErrors
from ekbist.i18n import _


def fail(message: str) -> None:
    """Print ``error: message`` on stderr and exit 1."""
    click.echo(f"{_('error')}: {message}", err=True)
    raise SystemExit(1)


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
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            fail(_("the database is busy with another command — try again"))
        fail(_("database error: {reason}").format(reason=exc))
    except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException, SystemExit):
        raise
    except BrokenPipeError:
        raise  # the reader stopped early (``| head``): click exits quietly
    except OSError as exc:
        fail(_("{path}: {reason}").format(path=exc.filename or "", reason=exc.strerror or exc))
    except Exception as exc:  # noqa: BLE001 - the contract is one line, never a traceback
        if os.environ.get("EKBIST_DEBUG"):
            raise
        fail(
            _("unexpected {kind}: {reason} (set EKBIST_DEBUG=1 for details)").format(
                kind=type(exc).__name__, reason=exc
            )
        )
