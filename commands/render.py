"""Rendering at the edge: tables for people, JSON and CSV for machines.

Values stay typed (int kronor, ISO dates, float shares) until here. Tables are
drawn with rich on a terminal and as plain aligned text when piped, so scripts
and mails get stable output; NO_COLOR is honoured by rich.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import click

from ekbist.i18n import _, language
from ekbist.money import to_tkr
from ekbist.number_text import format_fixed, format_percent, round_half_away

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


# -- numbers ----------------------------------------------------------------------
def fmt_int(value: int | float | None) -> str:
    if value is None:
        return ""
    return fmt_number(round_half_away(value), 0)


def fmt_number(value: float | None, decimals: int = 1) -> str:
    return "" if value is None else format_fixed(value, decimals, swedish=language() == "sv")


def fmt_fte(value: float | None) -> str:
    """An employment rate, always with two decimals ('1.00', '0.75'; in Swedish '0,75'), as
    the workbooks write it (ekbist.cell_formats.FTE): one form on every screen."""
    if value is None:
        return ""
    return fmt_number(value, 2)


def fmt_percent(share: float | None, decimals: int = 1) -> str:
    """A share (0.78) as '78.0%' or, in Swedish, '78,0 %'."""
    if share is None:
        return ""
    return format_percent(share * 100, decimals, swedish=language() == "sv")


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


def fmt_in_unit(value: float | None, unit: str, decimals: int | None = None) -> str:
    """A target or outcome in its unit (per cent for shares, tkr for money): '4.4 %',
    '5 111 tkr', '22'; with ``decimals`` when given, else as many as the value is written
    with (at least one on a share: '0.54 %', '4.4 %')."""
    from ekbist.reports.targets import target_decimals

    if value is None:
        return ""
    if decimals is None:
        decimals = target_decimals(value, unit)
    if unit == "percent":
        return fmt_percent(value / 100, decimals)
    text = fmt_int(value) if decimals == 0 else fmt_number(value, decimals)
    return text + UNIT_SUFFIX.get(unit, "")


def fmt_target(direction: str, value: float, unit: str) -> str:
    """A target as the report reads it: '≤ 4.4 %', '≤ 0.54 %', '≥ 22'."""
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
    "ident": lambda v: "" if v is None else str(v),
}


@dataclass(frozen=True)
class Column:
    """One column: ``key`` in JSON/CSV, ``header`` an English message translated when shown.

    ``kind`` picks the formatter: text, int, float, percent, kr, tkr, date, bool, or
    ``code:<kind>`` for a stable code shown by its translated label.

    ``role`` says what the column is to a reader: ``"key"`` names the row (a line, a
    handler, a case, an application, a date due); ``"group"`` is a label repeated over a run
    of rows (the activity of a budget line), shown as a heading row when the table is
    narrow; anything else is a value. A table that declares no key has its first column as
    key. Value columns are in order of importance as declared, left to right, except that
    ``drop`` ranks name the ones to leave out first (1 before 2 …); the most important value
    column is the one left out last. Keys and the most important value are never left out.
    """

    key: str
    header: str
    kind: str = "text"
    drop: int = 0
    role: str = ""

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
        """Ids, case numbers, dates and amounts: never cut or wrapped inside their cell."""
        return self.kind in PROTECTED_KINDS or self.key in ID_KEYS

    @property
    def wraps(self) -> bool:
        """Text (a name, a label, a note) may wrap inside its cell at its spaces, and an
        identifier (kind ``ident``, e.g. a figure's key) after its underscores."""
        if self.kind == "ident":
            return True
        return not self.protected and not self.right and self.kind not in ("int", "bool")


PROTECTED_KINDS = ("kr", "tkr", "date")
ID_KEYS = {"id", "case", "handler", "application", "subject", "month", "period", "from", "to",
           "plan_id", "for_handler", "key", "day", "year"}


# -- layout -------------------------------------------------------------------------
@dataclass
class Layout:
    """How a table is drawn in a given width: the columns shown and their widths, the
    headers (two lines at most), the columns left out, and the group shown as heading rows."""

    columns: list[Column]
    widths: list[int]
    headers: list[str]
    dropped: list[Column]
    group: Column | None = None
    needed: int = 0  # the width of the drawn table (more than asked when nothing else fits)


def key_columns(columns: Sequence[Column]) -> list[Column]:
    """The columns that say what a row is: those declared ``key``, else the first column
    that is not a group."""
    keys = [c for c in columns if c.role == "key"]
    if keys:
        return keys
    rest = [c for c in columns if c.role != "group"]
    return rest[:1]


def group_column(columns: Sequence[Column]) -> Column | None:
    """The column whose label is repeated over runs of rows (shown as heading rows when the
    table is narrow), if the table has one that is not also a key."""
    keys = key_columns(columns)
    return next((c for c in columns if c.role == "group" and c not in keys), None)


def drop_order(columns: Sequence[Column], drop: Sequence[str] | None = None) -> list[Column]:
    """The value columns in the order they are left out: ``drop`` when given, else the ranked
    ones (1 first), then the others from the right. The last is the most important value."""
    keys = {c.key for c in key_columns(columns)}
    values = [c for c in columns if c.key not in keys and c.role != "group"]
    if drop is not None:
        named = [next(c for c in values if c.key == k) for k in drop if any(c.key == k for c in values)]
        return named + [c for c in reversed(values) if c not in named]
    ranked = sorted((c for c in values if c.drop), key=lambda c: c.drop)
    return ranked + [c for c in reversed(values) if not c.drop]


VOWELS = set("aeiouyåäöéAEIOUYÅÄÖÉ")
UNBROKEN = {"ng", "ck", "ch", "th", "ph", "tj", "sj", "kj", "gj", "dj", "lj", "hj", "sk",
            "st", "nk", "sp"}


def _word_breaks(word: str) -> list[int]:
    """Where a long single word may break with a hyphen, nearest the middle first: after a
    Swedish compound's joining s (Besluts|dag, Tjänstgörings|grad) when it has one, else
    between syllables, where a consonant before a vowel starts the next one (Anmärk|ning,
    Hand|läggare, Före|gående) but a pair that is one sound (st, ng, ck …) is not split."""
    def consonant(ch: str) -> bool:
        return ch.isalpha() and ch not in VOWELS

    inner = [i for i in range(3, len(word) - 2) if word[i - 1:i + 1].lower() not in UNBROKEN]
    joints = [i for i in inner if word[i - 1] == "s" and consonant(word[i - 2])
              and consonant(word[i])]
    syllables = [i for i in inner if consonant(word[i]) and word[i + 1] in VOWELS
                 and word[i - 1].isalpha()]
    return sorted(joints or syllables, key=lambda i: abs(len(word) / 2 - i))


def header_splits(header: str, *, inside_words: bool = True) -> list[str]:
    """The header on one line, then the ways it may stand on two, best first: at a space,
    after a hyphen, and at last (``inside_words``) inside a long word, with a hyphen."""
    out = [header]
    spaces = [i for i, ch in enumerate(header) if ch == " "]
    out += sorted((header[:i] + "\n" + header[i + 1:] for i in spaces),
                  key=lambda h: max(map(len, h.split("\n"))))
    hyphens = [i for i, ch in enumerate(header[:-1]) if ch == "-" and i > 0]
    out += sorted((header[:i + 1] + "\n" + header[i + 1:] for i in hyphens),
                  key=lambda h: max(map(len, h.split("\n"))))
    if inside_words and " " not in header and len(header) >= 10:
        out += [header[:i] + "-\n" + header[i:] for i in _word_breaks(header)]
    return out


def _lines_width(text: str) -> int:
    return max(len(line) for line in text.split("\n"))


def wrap_header(header: str, width: int) -> str:
    """``header`` in ``width`` characters, on two lines when one is too narrow."""
    for candidate in header_splits(header):
        if _lines_width(candidate) <= width:
            return candidate
    return header


BREAK_AFTER = re.compile(r"(?<=[_/])(?=\S)")


def _pieces(word: str) -> list[str]:
    """A word's parts that may end a line: after an underscore or a slash."""
    return BREAK_AFTER.split(word)


def _longest_word(text: str) -> int:
    return max((len(p) for w in text.split() for p in _pieces(w)), default=0)


def wrap_cell(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width``: at its spaces, else after an underscore or a
    slash in a long word, and only a word longer than the width is cut (never a key's, whose
    column is at least as wide as its longest part)."""
    if len(text) <= width:
        return [text]
    lines: list[str] = []
    current = ""
    for word in text.split():
        parts = _pieces(word) if len(word) > width else [word]
        for n, part in enumerate(parts):
            joiner = "" if n > 0 or not current else " "
            if current and len(current) + len(joiner) + len(part) > width:
                lines.append(current)
                current, joiner = "", ""
            while len(part) > width:
                lines.append(part[:width])
                part = part[width:]
            current += joiner + part
    if current:
        lines.append(current)
    return lines or [""]


def layout(
    rows: Sequence[dict[str, Any]], columns: Sequence[Column], width: int, *,
    drop: Sequence[str] | None = None, rich: bool = True, wide: bool = False,
) -> Layout:
    """Lay out a table in ``width`` characters.

    Every column at its natural width when that fits (or with ``wide``). Otherwise, in this
    order until it fits: the group label becomes heading rows, headers wrap onto two lines and
    text wraps inside its cell, and then value columns are left out, least important first.
    The key columns and the most important value are never left out; when even they do not
    fit, the table runs past the edge (``needed``) rather than cut an id or an amount.
    """
    columns = list(columns)
    headers = {c.key: _(c.header) for c in columns}
    cells = {c.key: [c.display(r.get(c.key)) for r in rows] for c in columns}
    natural = {c.key: max([len(headers[c.key])] + [len(v) for v in cells[c.key]]) for c in columns}

    def overhead(n: int) -> int:
        # rich draws '│ a │ b │' (3 per column and 1); plain text puts 2 spaces between.
        return 3 * n + 1 if rich else 2 * (n - 1)

    def body(c: Column) -> int:
        return max(map(len, cells[c.key]), default=0)

    def head(c: Column, inside_words: bool = True) -> int:
        return min(map(_lines_width, header_splits(headers[c.key], inside_words=inside_words)))

    def minimum(c: Column) -> int:
        if c.wraps:
            words = max(map(_longest_word, cells[c.key]), default=0)
            text = words if c in keys else max(words, min(natural[c.key], 12))
        else:
            text = body(c)
        return max(head(c), text, 1)

    keys = key_columns(columns)
    group = group_column(columns)
    if wide or sum(natural.values()) + overhead(len(columns)) <= width:
        widths = [natural[c.key] for c in columns]
        return Layout(columns, widths, [headers[c.key] for c in columns], [], None,
                      sum(widths) + overhead(len(columns)))
    kept = [c for c in columns if c is not group]
    floor = {c.key: minimum(c) for c in kept}
    if group is not None and kept:
        # the group's headings stand in the first column, wrapped at their spaces
        labels = [group.display(r.get(group.key)) for r in rows]
        first = kept[0].key
        floor[first] = max([floor[first]] + [_longest_word(v) for v in labels])
    order = drop_order(kept, drop)
    keep = {c.key for c in keys} | ({order[-1].key} if order else set())
    dropped: list[Column] = []
    for column in order:
        if sum(floor[c.key] for c in kept) + overhead(len(kept)) <= width:
            break
        if column.key not in keep:
            kept.remove(column)
            dropped.append(column)
    # Shrink the widest columns first: headers onto two lines at a space or a hyphen, then
    # inside a long word (the floor allows for that), and only then text inside its cell,
    # values before keys; never below the floor.
    whole_text = {c.key: max(body(c), floor[c.key]) for c in kept}
    tiers = [
        {c.key: max(head(c, inside_words=False), whole_text[c.key]) for c in kept},
        whole_text,
        {c.key: whole_text[c.key] if c in keys else floor[c.key] for c in kept},
        floor,
    ]
    widths = {c.key: natural[c.key] for c in kept}
    excess = sum(widths.values()) + overhead(len(kept)) - width
    for tier in tiers:
        while excess > 0:
            slack = [c.key for c in kept if widths[c.key] > tier[c.key]]
            if not slack:
                break
            widest = max(slack, key=lambda k: widths[k])
            widths[widest] -= 1
            excess -= 1
    shown = [widths[c.key] for c in kept]
    return Layout(kept, shown, [wrap_header(headers[c.key], widths[c.key]) for c in kept],
                  [c for c in columns if c in dropped], group, sum(shown) + overhead(len(kept)))


def grouped_rows(rows: Sequence[dict[str, Any]], group: Column | None) -> list[tuple[str | None, dict]]:
    """The rows with a heading before each run of one group label: (heading, None) pairs
    for headings and (None, row) for rows."""
    out: list[tuple[str | None, dict]] = []
    last = None
    for row in rows:
        if group is not None:
            label = group.display(row.get(group.key))
            if label and label != last:
                out.append((label, {}))
                last = label
        out.append((None, row))
    return out


def left_out_note(dropped: Sequence[Column], width: int | None = None) -> str:
    """The line under a table that names what was left out; ``width`` when it was to fit a
    stated width (a pipe) rather than the terminal."""
    columns = ", ".join(_(c.header) for c in dropped)
    if width is None:
        return _("Left out to fit the terminal: {columns} (--wide shows all).").format(
            columns=columns)
    return _("Left out to fit {width} columns: {columns} (--wide shows all).").format(
        width=width, columns=columns)


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
    for heading, row in grouped_rows(rows, shape.group):
        if heading is not None:
            out += wrap_cell(heading, max(shape.needed, sum(widths)))
            continue
        out += block([c.display(row.get(c.key)) for c in columns], [c.wraps for c in columns])
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
