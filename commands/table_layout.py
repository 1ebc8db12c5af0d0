"""Fitting a table to a width: which columns stay, how wide each is, headers on two lines,
text wrapped inside its cell, the group as heading rows, and the note naming what was left
out. Pure layout: the drawing is :mod:`ekbist.commands.render`'s.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ekbist.commands.cells import Column

from ekbist.i18n import _


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


# A number's unit, which stays on the number's line ('2 %', '5 dagar', '300 tkr').
UNIT_AFTER_NUMBER = re.compile(
    r"(?<=\d) (?=(?:%|‰|°|kr|tkr|mkr|mnkr|st|h|min|dag|dagar|days?|mån|månader|months?|år|"
    r"years?|veckor|weeks?)(?![^\W\d_]))")


def header_splits(header: str, *, inside_words: bool = True) -> list[str]:
    """The header on one line, then the ways it may stand on two, best first: at a space
    (never between a number and its unit), after a hyphen, and at last (``inside_words``)
    inside a long word, with a hyphen."""
    out = [header]
    bound = {m.start() for m in UNIT_AFTER_NUMBER.finditer(header)}
    spaces = [i for i, ch in enumerate(header) if ch == " " and i not in bound]
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
