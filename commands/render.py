"""Rendering at the edge: tables for people, JSON and CSV for machines.

Values stay typed (int kronor, ISO dates, float shares) until here. Tables are
drawn with rich on a terminal and as plain aligned text when piped, so scripts
and mails get stable output; NO_COLOR is honoured by rich.
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import click

from ekbist.i18n import _, language
from ekbist.money import to_tkr
from ekbist.number_text import format_fixed

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
        help=help or _("Output format."),
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


# -- numbers ----------------------------------------------------------------------
def fmt_int(value: int | float | None) -> str:
    if value is None:
        return ""
    return fmt_number(round(value), 0)


def fmt_number(value: float | None, decimals: int = 1) -> str:
    return "" if value is None else format_fixed(value, decimals, swedish=language() == "sv")


def fmt_fte(value: float | None) -> str:
    """An employment rate: '1' when whole, else two decimals ('0.75', in Swedish '0,75')."""
    if value is None:
        return ""
    return fmt_number(value, 0 if float(value).is_integer() else 2)


def fmt_percent(share: float | None, decimals: int = 1) -> str:
    """A share (0.78) as '78.0%' or, in Swedish, '78,0 %'."""
    if share is None:
        return ""
    number = fmt_number(share * 100, decimals)
    return f"{number} %" if language() == "sv" else f"{number}%"


def fmt_kr(value: int | None) -> str:
    return "" if value is None else f"{fmt_int(value)} kr"


def fmt_tkr(value_kr: int | None) -> str:
    return "" if value_kr is None else f"{fmt_int(to_tkr(value_kr))} tkr"


def fmt_value(value: Any) -> str:
    """A value of unknown type (a setting): numbers as the reader writes them, text as is."""
    from ekbist.number_text import format_number

    if isinstance(value, bool) or not isinstance(value, int | float):
        return "" if value is None else str(value)
    if isinstance(value, float) and value.is_integer():
        return fmt_number(value, 1)  # 1.0 stays visibly a decimal setting: "1,0"
    return format_number(value, swedish=language() == "sv")


UNIT_SUFFIX = {"percent": " %", "tkr": " tkr", "kr": " kr"}


def fmt_in_unit(value: float | None, unit: str) -> str:
    """A target or outcome in its unit (per cent for shares, tkr for money): '4.4 %',
    '5 111 tkr', '22'."""
    if value is None:
        return ""
    if unit == "percent":
        return fmt_percent(value / 100)
    text = fmt_int(value) if float(value).is_integer() else fmt_number(value, 1)
    return text + UNIT_SUFFIX.get(unit, "")


def fmt_target(direction: str, value: float, unit: str) -> str:
    """A target as the report reads it: '≤ 4.4 %', '≥ 22'."""
    return f"{'≥' if direction == 'at_least' else '≤'} {fmt_in_unit(value, unit)}"


FORMATTERS: dict[str, Callable[[Any], str]] = {
    "value": fmt_value,
    "text": lambda v: "" if v is None else str(v),
    "int": fmt_int,
    "float": fmt_number,
    "fte": fmt_fte,
    "percent": fmt_percent,
    "kr": fmt_kr,
    "tkr": fmt_tkr,
    "date": lambda v: "" if v is None else str(v),
    "bool": lambda v: _("yes") if v else "",
}


@dataclass(frozen=True)
class Column:
    """One column: ``key`` in JSON/CSV, ``header`` an English message translated when shown.

    ``kind`` picks the formatter: text, int, float, percent, kr, tkr, date, bool, or
    ``code:<kind>`` for a stable code shown by its translated label.
    """

    key: str
    header: str
    kind: str = "text"
    # When the table is wider than the terminal, columns with a ``drop`` rank go first
    # (1 before 2 …), then the other columns that are not protected, from the right.
    drop: int = 0

    def display(self, value: Any) -> str:
        if self.kind.startswith("code:"):
            from ekbist.codes import label

            return label(self.kind.split(":", 1)[1], value)
        return FORMATTERS[self.kind](value)

    @property
    def right(self) -> bool:
        return self.kind in ("int", "float", "fte", "percent", "kr", "tkr")

    @property
    def protected(self) -> bool:
        """Ids, case numbers, dates and amounts: never left out, cut or wrapped."""
        return self.kind in PROTECTED_KINDS or self.key in ID_KEYS


PROTECTED_KINDS = ("kr", "tkr", "date")
ID_KEYS = {"id", "case", "handler", "application", "subject", "month", "period", "from", "to",
           "plan_id", "for_handler", "key", "day", "year"}


def fit(
    rows: Sequence[dict[str, Any]], columns: Sequence[Column], width: int, *,
    drop: Sequence[str] | None = None, rich: bool = True,
) -> tuple[list[Column], list[Column]]:
    """The columns to show in ``width`` characters, and those left out to get there.

    ``drop`` names the columns a table may leave out, least important first; by default
    every column that is not protected, from the right. Protected columns stay even when
    the table is still too wide (it then runs past the edge rather than cut an id).
    """
    natural = {
        c.key: max([len(_(c.header))] + [len(c.display(r.get(c.key))) for r in rows])
        for c in columns
    }

    def total(cols: Sequence[Column]) -> int:
        widths = [natural[c.key] for c in cols]
        # rich draws '│ a │ b │' (3 per column and 1); plain text puts 2 spaces between.
        return sum(widths) + (3 * len(widths) + 1 if rich else 2 * (len(widths) - 1))

    # The first column names the row (a handler, a team, a month): it stays too.
    keep = {c.key for c in columns if c.protected}
    if drop is None:
        ranked = [c.key for c in sorted((c for c in columns if c.drop), key=lambda c: c.drop)]
        rest = [c for c in reversed(columns) if c.key not in keep and not c.drop]
        # text (names, notes) before counts
        drop = ranked + [c.key for c in rest if not c.right] + [c.key for c in rest if c.right]
        keep -= set(ranked)
    order = list(drop)
    kept, dropped = list(columns), []
    for key in order:
        if total(kept) <= width:
            break
        column = next((c for c in kept[1:] if c.key == key and c.key not in keep), None)
        if column is not None:
            kept.remove(column)
            dropped.append(column)
    return kept, [c for c in columns if c in dropped]


def left_out_note(dropped: Sequence[Column]) -> str:
    return _("Left out to fit the terminal: {columns} (--wide shows all).").format(
        columns=", ".join(_(c.header) for c in dropped))


def terminal_width() -> int:
    return console().width


def is_terminal() -> bool:
    return sys.stdout.isatty()


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

        def progress(done: int, total: int | None = None, description: str | None = None) -> None:
            if description is None:
                bar.update(task, completed=done, total=total)
            else:
                bar.update(task, completed=done, total=total, description=description)

        yield progress


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
    """Aligned text; on a terminal narrower than the table the least important columns
    are left out and named under it (a pipe always gets every column)."""
    dropped: list[Column] = []
    if is_terminal() and not WIDE:
        columns, dropped = fit(rows, columns, terminal_width(), drop=drop, rich=False)
    text = _plain(rows, columns, title)
    return text + ("\n" + left_out_note(dropped) if dropped else "")


def _plain(rows: Sequence[dict[str, Any]], columns: Sequence[Column], title: str | None) -> str:
    headers = [_(c.header) for c in columns]
    cells = [[c.display(row.get(c.key)) for c in columns] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]

    def line(values: Sequence[str]) -> str:
        parts = [
            v.rjust(widths[i]) if columns[i].right else v.ljust(widths[i])
            for i, v in enumerate(values)
        ]
        return "  ".join(parts).rstrip()

    out = [title] if title else []
    out.append(line(headers))
    out.append("  ".join("-" * w for w in widths))
    out.extend(line(r) for r in cells)
    return "\n".join(out)


def rich_table(rows: Sequence[dict[str, Any]], columns: Sequence[Column], title: str | None = None,
               *, drop: Sequence[str] | None = None):
    """A rich table that fits the terminal: the least important columns are left out (and
    named in a line under it) before an id, a date or an amount would be cut or wrapped."""
    from rich.table import Table

    dropped: list[Column] = []
    if not WIDE:
        columns, dropped = fit(rows, columns, terminal_width(), drop=drop)
    table = Table(title=title, title_justify="left", header_style="bold",
                  )
    cells = [[column.display(row.get(column.key)) for column in columns] for row in rows]
    needed = 1
    for i, column in enumerate(columns):
        natural = max([len(_(column.header))] + [len(r[i]) for r in cells])
        needed += natural + 3
        whole = column.protected or i == 0
        table.add_column(
            _(column.header), justify="right" if column.right else "left",
            no_wrap=whole, min_width=natural if whole else None,
        )
    for row in cells:
        table.add_row(*row)
    table.ekbist_needed = needed  # the width at which nothing is cut (see print_rich)
    table.ekbist_note = left_out_note(dropped) if dropped else None
    return table


def print_rich(table) -> None:
    """Print a rich table; when even its protected columns are wider than the terminal, the
    lines run past the edge rather than cut an id, a date or an amount."""
    current = console()
    needed = getattr(table, "ekbist_needed", 0)
    if needed > current.width:
        from rich.console import Console

        current = Console(highlight=False, width=needed)
    current.print(table)
    note = getattr(table, "ekbist_note", None)
    if note:
        click.echo(note)


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
        click.echo(empty)
    elif is_terminal():
        print_rich(rich_table(rows, columns, title, drop=drop))
    else:
        click.echo(plain_table(rows, columns, title, drop=drop))
