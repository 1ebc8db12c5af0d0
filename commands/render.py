"""Rendering at the edge: tables for people, JSON and CSV for machines.

Values stay typed (int kronor, ISO dates, float shares) until here. Tables are
drawn with rich on a terminal and as plain aligned text when piped, so scripts
and mails get stable output; NO_COLOR is honoured by rich.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import click

from ekbist.i18n import _, language
from ekbist.money import to_tkr

FORMATS = ("table", "json", "csv")


def format_option(*, formats: Sequence[str] = FORMATS) -> Callable:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(list(formats)),
        default="table",
        show_default=True,
        help=_("Output format."),
    )


# -- numbers ----------------------------------------------------------------------
def fmt_int(value: int | float | None) -> str:
    if value is None:
        return ""
    text = f"{round(value):,}"
    return text.replace(",", " ") if language() == "sv" else text


def fmt_number(value: float | None, decimals: int = 1) -> str:
    if value is None:
        return ""
    text = f"{value:,.{decimals}f}"
    if language() == "sv":
        text = text.replace(",", " ").replace(".", ",")
    return text


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
    from ekbist.sheets.numbers import format_number

    if isinstance(value, bool) or not isinstance(value, int | float):
        return "" if value is None else str(value)
    if isinstance(value, float) and value.is_integer():
        return fmt_number(value, 1)  # 1.0 stays visibly a decimal setting: "1,0"
    return format_number(value, swedish=language() == "sv")


FORMATTERS: dict[str, Callable[[Any], str]] = {
    "value": fmt_value,
    "fte": lambda v: fmt_number(v, 2),  # a tjänstgöringsgrad of 0.75 must not read as 0.8
    "text": lambda v: "" if v is None else str(v),
    "int": fmt_int,
    "float": fmt_number,
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

    def display(self, value: Any) -> str:
        if self.kind.startswith("code:"):
            from ekbist.codes import label

            return label(self.kind.split(":", 1)[1], value)
        return FORMATTERS[self.kind](value)

    @property
    def right(self) -> bool:
        return self.kind in ("int", "float", "percent", "kr", "tkr", "fte")


def is_terminal() -> bool:
    return sys.stdout.isatty()


def console():
    from rich.console import Console

    return Console(highlight=False)


def to_json(payload: Any) -> str:
    return json.dumps(payload, ensure_ascii=False, indent=2, default=str)


def to_csv(rows: Iterable[dict[str, Any]], columns: Sequence[Column]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([c.key for c in columns])
    for row in rows:
        writer.writerow(["" if row.get(c.key) is None else row.get(c.key) for c in columns])
    return buffer.getvalue()


def plain_table(
    rows: Sequence[dict[str, Any]], columns: Sequence[Column], title: str | None = None
) -> str:
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


def rich_table(rows: Sequence[dict[str, Any]], columns: Sequence[Column], title: str | None = None):
    from rich.table import Table

    table = Table(title=title, title_justify="left", header_style="bold")
    for column in columns:
        table.add_column(_(column.header), justify="right" if column.right else "left")
    for row in rows:
        table.add_row(*(column.display(row.get(column.key)) for column in columns))
    return table


def emit(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[Column],
    fmt: str,
    *,
    title: str | None = None,
    payload: Any = None,
    empty: str | None = None,
) -> None:
    """Show ``rows`` as a table, or as JSON (``payload`` if given, else the rows) or CSV."""
    if fmt == "json":
        click.echo(to_json(rows if payload is None else payload))
    elif fmt == "csv":
        click.echo(to_csv(rows, columns), nl=False)
    elif not rows and empty:
        click.echo(empty)
    elif is_terminal():
        console().print(rich_table(rows, columns, title))
    else:
        click.echo(plain_table(rows, columns, title))
