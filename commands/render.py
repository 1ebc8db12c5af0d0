"""Rendering at the edge: tables for people, JSON and CSV for machines.

Values stay typed (int kronor, ISO dates, float shares) until here. Tables are
drawn with rich on a terminal and as plain aligned text when piped, so scripts
and mails get stable output; NO_COLOR is honoured by rich.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import click

# Rendering's vocabulary, used by every command module: how a value shows (cells) and how
# a table fits a width (table_layout).
from ekbist.commands.cells import Column as Column
from ekbist.commands.cells import fmt_fte as fmt_fte
from ekbist.commands.cells import fmt_in_unit as fmt_in_unit
from ekbist.commands.cells import fmt_int as fmt_int
from ekbist.commands.cells import fmt_kr as fmt_kr
from ekbist.commands.cells import fmt_number as fmt_number
from ekbist.commands.cells import fmt_percent as fmt_percent
from ekbist.commands.cells import fmt_target as fmt_target
from ekbist.commands.cells import fmt_tkr as fmt_tkr
from ekbist.commands.cells import fmt_value as fmt_value
from ekbist.commands.table_layout import Layout, grouped_rows, layout, left_out_note, wrap_cell
from ekbist.commands.table_layout import drop_order as drop_order
from ekbist.commands.table_layout import group_column as group_column
from ekbist.commands.table_layout import key_columns as key_columns
from ekbist.commands.table_layout import wrap_header as wrap_header

from ekbist.i18n import _

FORMATS = ("table", "json", "csv")


# Older spellings still accepted: the year and month reports once called the table "text".
FORMAT_ALIASES = {"text": "table"}


class FormatChoice(click.Choice):
    """The --format words of every listing and report (one vocabulary), older spellings read
    as the word they stand for."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str):
            value = FORMAT_ALIASES.get(value.strip().lower(), value)
        return super().convert(value, param, ctx)


def format_option(*, formats: Sequence[str] = FORMATS, help: str | None = None) -> Callable:
    format_ = click.option(
        "--format",
        "fmt",
        type=FormatChoice(list(formats)),
        default="table",
        show_default=True,
        help=help or (
            _("Output format: a table for people (on a pipe or in a file laid out at 100 "
              "columns, or $COLUMNS), or json or csv with every column for programs.")
            if "csv" in formats else
            _("Output format: a table for people (on a pipe or in a file laid out at 100 "
              "columns, or $COLUMNS), or json with every field for programs.")),
    )

    def decorate(function: Callable) -> Callable:
        return wide_option(format_(function))

    return decorate


# Set by --wide (a global option, and one on every command with --format): show every
# column even when the table is wider than the terminal.
WIDE = False


def _set_wide(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    global WIDE
    if value:
        WIDE = True


def wide_option(function: Callable) -> Callable:
    return click.option(
        "--wide", is_flag=True, expose_value=False, callback=_set_wide,
        help=_("Show every column even when the table is wider than the terminal."),
    )(function)


# Piped output (a file, `less`, a cron mail) is laid out at this width, or at $COLUMNS when
# that is set, so mail stays readable; --format csv or json give a program every column.
PIPE_WIDTH = 100


def _stated_columns() -> int | None:
    """The width $COLUMNS states, if it states one."""
    try:
        return int(os.environ.get("COLUMNS", ""))
    except ValueError:
        return None


def pipe_width() -> int:
    stated = _stated_columns()
    return PIPE_WIDTH if stated is None else max(20, stated)


def stream_width(stream: Any) -> int | None:
    """The width of the terminal ``stream`` shows on, or None for a pipe or a file: $COLUMNS
    when it states one (as rich reads it for the tables), else the terminal's own."""
    if not stream.isatty():
        return None
    stated = _stated_columns()
    if stated is not None and stated > 0:
        return stated
    try:
        return os.get_terminal_size(stream.fileno()).columns
    except (OSError, ValueError):
        import shutil

        return shutil.get_terminal_size().columns


def terminal_width() -> int:
    return console().width


def is_terminal() -> bool:
    return sys.stdout.isatty()


def wrap_text(text: str, width: int | None = None) -> str:
    """``text`` wrapped at the terminal's width (each line on its own, indentation kept for
    the lines it continues); as it is when not on a terminal and no ``width`` is given."""
    import textwrap

    if width is None:
        return text
    out = []
    for line in text.split("\n"):
        if len(line) <= width:
            out.append(line)
            continue
        indent = " " * (len(line) - len(line.lstrip()) + (2 if line.lstrip()[:1] in "-•" else 0))
        out.extend(textwrap.wrap(line, width, subsequent_indent=indent, break_long_words=False,
                                 break_on_hyphens=False) or [""])
    return "\n".join(out)


def say(text: str = "", *, err: bool = False) -> None:
    """Print a note, a warning or a line of prose, wrapped at the width of the terminal it
    goes to (nothing wider than the terminal); a pipe gets each line whole, as written."""
    if err and _LIVE is not None:
        # a progress bar is on the screen: the note goes above it, wrapped by rich
        _LIVE.console.print(text, markup=False, highlight=False)
        return
    click.echo(wrap_text(text, stream_width(sys.stderr if err else sys.stdout)), err=err)


def prose_width(limit: int = 80) -> int:
    """The width a report's prose is wrapped at: ``limit`` (what is pasted into a document,
    and what a pipe gets), fewer on a narrower terminal, so nothing is wider than it."""
    width = stream_width(sys.stdout)
    return limit if width is None else min(limit, width)


_LIVE = None  # the progress bar on the screen, while one is (see working and say)


@contextlib.contextmanager
def working(description: str, fmt: str = "table") -> Iterator[Callable[..., None] | None]:
    """A transient progress bar on stderr while a long step runs, for a person at a terminal.

    Yields ``progress(done, total=None)`` to pass to the library (None when there is no
    bar: on a pipe, in cron, or with JSON/CSV output, so nothing but the result is printed).
    Without calls it still shows that ekbist is at work.
    """
    if fmt != "table" or not (sys.stdout.isatty() and sys.stderr.isatty()):
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(description, total=None)
        global _LIVE
        _LIVE = bar

        def progress(done: int, total: int | None = None, description: str | None = None) -> None:
            if description is None:
                bar.update(task, completed=done, total=total)
            else:
                bar.update(task, completed=done, total=total, description=description)

        try:
            yield progress
        finally:
            _LIVE = None


def console():
    from rich.console import Console

    return Console(highlight=False)


def to_json(payload: Any) -> str:
    return json.dumps(payload, ensure_ascii=False, indent=2, default=str)


def to_csv(rows: Iterable[dict[str, Any]], columns: Sequence[Column]) -> str:
    from ekbist.textcells import csv_text

    # RFC 4180 quoting; text a spreadsheet would run as a formula gets a leading quote (OWASP).
    return csv_text([c.key for c in columns],
                    (["" if row.get(c.key) is None else row.get(c.key) for c in columns]
                     for row in rows))


def plain_table(
    rows: Sequence[dict[str, Any]], columns: Sequence[Column], title: str | None = None,
    *, drop: Sequence[str] | None = None,
) -> str:
    """Aligned text at the terminal's width, or on a pipe at :data:`PIPE_WIDTH`: headers and
    text wrap, a group becomes heading rows and the least important columns are left out
    (and named under it) only when nothing else makes it fit."""
    on_terminal = is_terminal()
    width = terminal_width() if on_terminal else pipe_width()
    shape = layout(rows, columns, width, drop=drop, rich=False, wide=WIDE)
    text = _plain(rows, shape, wrap_text(title, width) if title else None)
    if shape.dropped:
        text += "\n" + wrap_text(left_out_note(shape.dropped, None if on_terminal else width),
                                  width)
    return text


def _cell_lines(text: str, width: int, wraps: bool) -> list[str]:
    return wrap_cell(text, width) if wraps else [text]


def _plain(rows: Sequence[dict[str, Any]], shape: Layout, title: str | None) -> str:
    columns, widths = shape.columns, shape.widths

    def line(values: Sequence[str]) -> str:
        parts = [
            v.rjust(widths[i]) if columns[i].right else v.ljust(widths[i])
            for i, v in enumerate(values)
        ]
        return "  ".join(parts).rstrip()

    def block(values: Sequence[str], wraps: Sequence[bool]) -> list[str]:
        split = [_cell_lines(v, widths[i], wraps[i]) for i, v in enumerate(values)]
        height = max(len(s) for s in split)
        return [line([s[n] if n < len(s) else "" for s in split]) for n in range(height)]

    out = [title] if title else []
    head = [h.split("\n") for h in shape.headers]
    height = max(len(h) for h in head)
    for n in range(height):
        # a two-line header stands on its lower line, next to the one-line ones
        out.append(line([h[n - (height - len(h))] if n >= height - len(h) else "" for h in head]))
    out.append("  ".join("-" * w for w in widths))
    wraps = [c.wraps for c in columns]
    # A row none of whose cells may wrap is one line (the long lists: cases, findings).
    one_line = not any(wraps)
    for heading, row in grouped_rows(rows, shape.group):
        if heading is not None:
            out += wrap_cell(heading, max(shape.needed, sum(widths)))
            continue
        values = [c.display(row.get(c.key)) for c in columns]
        if one_line:
            out.append(line(values))
        else:
            out += block(values, wraps)
    return "\n".join(out)


def rich_table(rows: Sequence[dict[str, Any]], columns: Sequence[Column], title: str | None = None,
               *, drop: Sequence[str] | None = None,
               styles: dict[str, Callable[[dict[str, Any]], str]] | None = None):
    """A rich table that fits the terminal (see :func:`layout`); ``styles`` gives a column's
    cell a style chosen from its row (the caseload's load bar)."""
    from rich.table import Table
    from rich.text import Text

    shape = layout(rows, columns, terminal_width(), drop=drop, wide=WIDE)
    table = Table(title=title, title_justify="left", header_style="bold")
    for column, width, header in zip(shape.columns, shape.widths, shape.headers, strict=True):
        table.add_column(header, justify="right" if column.right else "left", width=width,
                         no_wrap=True)  # cells come wrapped (wrap_cell), the same as on a pipe
    first = True
    for heading, row in grouped_rows(rows, shape.group):
        if heading is not None:
            if not first:
                table.add_section()
            table.add_row(Text("\n".join(wrap_cell(heading, shape.widths[0])), style="bold"),
                          *([""] * (len(shape.columns) - 1)))
        else:
            texts = ["\n".join(_cell_lines(c.display(row.get(c.key)), w, c.wraps))
                     for c, w in zip(shape.columns, shape.widths, strict=True)]
            table.add_row(*(
                Text(t, style=styles[c.key](row)) if styles and c.key in styles else Text(t)
                for c, t in zip(shape.columns, texts, strict=True)
            ))
        first = False
    table.ekbist_needed = shape.needed  # the width at which nothing is cut (see print_rich)
    table.ekbist_note = left_out_note(shape.dropped) if shape.dropped else None
    return table


def print_rich(table) -> None:
    """Print a rich table; when even its keys and first value are wider than the terminal,
    the lines run past the edge rather than cut an id, a date or an amount."""
    current = console()
    needed = getattr(table, "ekbist_needed", 0)
    if needed > current.width:
        from rich.console import Console

        current = Console(highlight=False, width=needed)
    current.print(table)
    note = getattr(table, "ekbist_note", None)
    if note:
        click.echo(wrap_text(note, current.width))


def emit_machine(fmt: str, payload: Any, rows: Sequence[dict[str, Any]],
                 columns: Sequence[Column]) -> bool:
    """Write the machine forms, ``payload`` as JSON or ``rows`` as CSV, when one is asked
    for; True when it was (the table, each command's own, is then not shown)."""
    if fmt not in ("json", "csv"):
        return False
    emit(rows, columns, fmt, payload=payload)
    return True


def emit(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[Column],
    fmt: str,
    *,
    title: str | None = None,
    payload: Any = None,
    empty: str | None = None,
    drop: Sequence[str] | None = None,
) -> None:
    """Show ``rows`` as a table, or as JSON (``payload`` if given, else the rows) or CSV."""
    if fmt == "json":
        click.echo(to_json(rows if payload is None else payload))
    elif fmt == "csv":
        click.echo(to_csv(rows, columns), nl=False)
    elif not rows and empty:
        say(empty)
    elif is_terminal():
        print_rich(rich_table(rows, columns, title, drop=drop))
    else:
        click.echo(plain_table(rows, columns, title, drop=drop))
