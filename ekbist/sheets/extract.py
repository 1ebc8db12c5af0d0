"""A case-management system's extract, read through its source's rules into a kind's rows.

The rules (:mod:`ekbist.sheets.extract_rules`) turn each row of the extract into the
kind's fields; the result is handed to the importer as the sheet it would read from
ekbist's own template (:meth:`Extract.sheets`), and the normal path runs from there:
the same checks, the same all-or-nothing transaction, dry run and audit.

The sheet handed on keeps the extract's rows and columns where they were: a field read
from column F of row 7 is in F7, a row the rules skip (above the header, a footer, a
``when … skip``) is blank, and a field the rules fill otherwise (a constant, a ``set``)
goes in a column after the extract's last. So every problem, whether found here or by
the importer, names the extract's own cell.

Nothing slips through unnoticed: a column the rules neither map nor ignore, a code the
map does not know (named once, with every row it is on), a date or number that does not
read as the rules say are problems; and every cell of the extract, ignored columns
included, passes the secrecy gate.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ekbist.i18n import _
from ekbist.sheets import convert
from ekbist.sheets.cells import cell_name, column_letter
from ekbist.sheets.chunks import ChunkedSheet
from ekbist.sheets.declarations import normalise
from ekbist.sheets.extract_rules import EXCEL, FieldRule, Numbers, SourceRules, near_hint

PREVIEW_ROWS = 3
REMEMBERED = 50_000   # texts remembered per field, at most
_BAD = object()   # a conversion that failed: the reason is in the cache's second slot


def _rows_text(rows: list[int]) -> str:
    """Row numbers as ranges: 5–7, 12."""
    parts: list[str] = []
    start = prev = rows[0]
    for row in [*rows[1:], None]:
        if row is not None and row == prev + 1:
            prev = row
            continue
        parts.append(str(start) if start == prev else f"{start}–{prev}")
        if row is not None:
            start = prev = row
    return ", ".join(parts)


def read_number(text: str, numbers: Numbers) -> int | float | None:
    """``text`` as a number written with ``numbers``' decimal mark and thousands
    separators and an optional currency word; None when it is not such a number."""
    s = text.strip()
    lowered = s.casefold()
    for word in sorted(numbers.currency, key=len, reverse=True):
        if lowered.endswith(word):
            s = s[:-len(word)].rstrip()
            break
    negative = False
    if s[:1] in ("-", "\u2212", "\u2013"):
        negative, s = True, s[1:].lstrip()
    elif s[:1] == "+":
        s = s[1:].lstrip()
    whole, mark, decimals = s.partition(numbers.decimal)
    if mark and not (decimals.isdigit() and decimals.isascii()):
        return None
    groups = [whole]
    for separator in numbers.thousands:
        groups = [part for group in groups for part in group.split(separator)]
    if not groups[0] or not all(g.isdigit() and g.isascii() for g in groups) \
            or any(len(g) != 3 for g in groups[1:]) or (len(groups) > 1 and len(groups[0]) > 3):
        return None
    digits = "".join(groups)
    value: int | float = int(digits) if not decimals else float(f"{digits}.{decimals}")
    return -value if negative else value


class Extract:
    """An extract read through ``rules``; :meth:`sheets` may be called again (the importer
    reads a file a second time when its shortcut for unchanged rows cannot hold)."""

    def __init__(self, rules: SourceRules, path: Path | str, *, checking: bool = False):
        self.rules = rules
        self.path = Path(path)
        # ``rules check``: each mapped value also through the kind's own reading of the
        # column (required, codes, bounds), which the import does after this module.
        self.checking = checking
        self._reset()

    def _reset(self) -> None:
        self.problems: list[tuple[tuple, str, Any, str]] = []
        self.preview: list[tuple[int, dict[str, Any]]] = []
        self.columns: dict[str, str] = {}      # field -> the extract's header it is read from
        self.ignored: list[str] = []           # headers ignored as the rules say
        self.unmapped: dict[tuple[str, str], list[int]] = {}   # (field, value) -> rows
        self.failed: set[tuple[int, str]] = set()   # (sheet row, field) the rules could not read
        self.failed_cells: set[tuple[int, int]] = set()
        self.rows = 0
        self.skipped = 0
        self._converters: dict[str, Any] = {}
        self._seen: dict[str, dict[str, Any]] = {}
        self._layout_found: _Layout | None = None

    def join(self, ctx: Any) -> None:
        """Hand what reading found to the import's context (an
        :class:`ekbist.sheets.import_context.Context`, once the sheet is read): the problems,
        and the cells the rules could not read, which the import's own checks
        then pass over instead of naming them again in other words ("a value is required")."""
        ctx.problems.items = [item for item in ctx.problems.items
                              if (item[0][1], item[0][2]) not in self.failed_cells]
        for order, where, value, reason in self.problems:
            ctx.problems.add(order, where, convert.mask_personnummer(value), reason)
        for source in ctx.sources:
            rows = source.rows
            for row, key in self.failed:
                position = bisect.bisect_left(rows, row)
                if position < len(rows) and rows[position] == row:
                    ctx.bad_cells.add((source.index, position, key))

    # -- reading ---------------------------------------------------------------------
    def sheets(self) -> Iterator[ChunkedSheet]:
        """The extract as the one sheet the importer reads (see the module's docstring)."""
        self._reset()
        from ekbist.sheets.chunks import read_in_chunks

        if self.path.suffix.lower() == ".csv":
            from ekbist.sheets.reader import csv_pieces

            yield ChunkedSheet(self.path.stem, self._mapped(self.path.stem, csv_pieces(
                self.path, encoding=self.rules.encoding, delimiter=self.rules.delimiter)),
                self._known_layout)
            return
        wanted = self.rules.sheet
        chosen = None
        for sheet in read_in_chunks(self.path):
            if chosen is None and (wanted is None or sheet.name == wanted):
                chosen = sheet.name
                yield ChunkedSheet(sheet.name, self._mapped(sheet.name, sheet.pieces),
                                   self._known_layout)
            else:
                for _piece in sheet.pieces:   # a sheet's pieces are read before the next's
                    pass
        if chosen is None:
            from ekbist.sheets.extract_rules import RulesError

            raise RulesError(_("{file}: no sheet '{sheet}', which the rules file names").format(
                file=self.path.name, sheet=wanted))

    @property
    def _known_layout(self) -> Any:
        """For a report of part of a record (``fills``): its columns, which lack the kind's
        required ones (the other report brings them), so the importer is told them instead
        of finding them from the header (see ChunkedSheet.layout)."""
        if not self.rules.fills:
            return None

        def layout() -> tuple[Any, int, dict[str, int]]:
            return self.rules.kind, self.rules.skip, dict(self._layout_found.positions)

        return layout

    def _failed(self, row: int, col: int, key: str) -> None:
        self.failed.add((row, key))
        self.failed_cells.add((row, col))

    def _problem(self, row: int, col: int, value: Any, reason: str) -> None:
        self.problems.append(((0, row, col), cell_name(self._sheet, row, col), value, reason))

    def _mapped(self, sheet: str, pieces: Iterator[tuple[int, list[list[Any]]]]
                ) -> Iterator[tuple[int, list[list[Any]]]]:
        """The extract's pieces, each as the kind's rows (see the module's docstring)."""
        self._sheet = sheet
        rules = self.rules
        header_row = rules.skip
        held: list[list[Any]] = []      # rows that may still be the footer
        held_first = 0
        layout = None
        above: list[list[Any]] = []     # the rows down to the header, however many pieces
        for first, rows in pieces:
            self._scan(first, rows)
            if layout is None:
                # The importer finds the header in the first piece it is given: one piece
                # from the top down to the header row.
                above.extend(rows)
                if len(above) <= header_row:
                    continue
                rows, above = above, []
                layout = self._layout_found = self._layout(rows[header_row])
                yield 0, [[""] * layout.width for _ in range(header_row)] + [layout.header]
                first, rows = header_row + 1, rows[header_row + 1:]
                held_first = first
            if held:
                rows, first = held + rows, held_first
            rows, held = self._hold_footer(rows)
            held_first = first + len(rows)
            if rows and layout.complete:
                yield first, [self._row(layout, first + i, row) for i, row in enumerate(rows)]
            elif rows:   # a column the rules name is missing: that problem says it all
                yield first, [[""] * layout.width for _ in rows]
        if layout is None:
            from ekbist.sheets.extract_rules import RulesError

            raise RulesError(_("{file}: the extract ends before its header row (line {line}, "
                               "after the {skip} the rules skip)").format(
                file=self.path.name, line=header_row + 1, skip=header_row))
        if held:
            yield held_first, [[""] * layout.width for _ in held]
        for (key, value), numbers in self.unmapped.items():
            position = layout.positions.get(key, 0)
            for number in numbers:
                self._failed(number - 1, position, key)
            self.problems.append((
                (0, numbers[0] - 1, position), f"{cell_name(sheet, numbers[0] - 1, position)}",
                value, _("not in the rules' map for {field} (rows {rows}): add it to "
                         "fields.{field}.map").format(field=key, rows=_rows_text(numbers))))

    def _hold_footer(self, rows: list[list[Any]]) -> tuple[list[list[Any]], list[list[Any]]]:
        """(rows that are surely data, the last rows that may be the footer)."""
        footer = self.rules.footer
        if not footer:
            return rows, []
        seen = 0
        for index in range(len(rows) - 1, -1, -1):
            if any(not convert.is_empty(v) for v in rows[index]):
                seen += 1
                if seen == footer:
                    return rows[:index], rows[index:]
        return [], rows

    def _scan(self, first: int, rows: list[list[Any]]) -> None:
        """Every cell through the secrecy gate, ignored columns too."""
        for col, column in enumerate(zip(*rows, strict=False)):
            for index in convert.personnummer_cells(column):
                value = column[index]
                self._problem(first + index, col, convert.mask_personnummer(value), _(
                    "looks like a personnummer — ekbist stores no personal identity numbers"))

    # -- the header ------------------------------------------------------------------
    def _layout(self, header: list[Any]) -> _Layout:
        rules = self.rules
        row = rules.skip
        found: dict[str, list[int]] = {}
        for col, cell in enumerate(header):
            text = normalise(convert.display(cell))
            if text:
                found.setdefault(text, []).append(col)
        used: set[int] = set()

        def locate(headers: tuple[str, ...], shown: tuple[str, ...], position: int | None,
                   key: str) -> int | None:
            if position is not None:
                if position >= len(header):
                    self._problem(row, position, "", _("the rules read {key} from column {col}, "
                                                       "which the extract does not have").format(
                        key=key, col=column_letter(position)))
                    return None
                return position
            hits = [col for h in headers for col in found.get(h, [])]
            if len(hits) > 1:
                for col in hits:
                    self._problem(row, col, header[col], _("{key}: more than one column has "
                                                           "this header").format(key=key))
                return None
            if not hits:
                known = [convert.display(c).strip() for c in header if convert.display(c).strip()]
                self._problem(row, 0, " | ".join(shown), _(
                    "{key}: no column has this header{hint}").format(
                    key=key, hint=near_hint(shown[0], known)))
                return None
            return hits[0]

        width = len(header)
        positions: dict[str, int] = {}
        sources: dict[str, int | None] = {}
        for rule in rules.fields:
            col = locate(rule.headers, rule.shown, rule.position, f"fields.{rule.key}") \
                if rule.from_column else None
            sources[rule.key] = col
            if col is not None:
                used.add(col)
                self.columns[rule.key] = convert.display(header[col]).strip() or column_letter(col)
        complete = all(sources[rule.key] is not None for rule in rules.fields if rule.from_column)
        whens = []
        for when in rules.when:
            col = locate(when.headers, when.shown, when.position, f"when[{when.index + 1}]")
            if col is not None:
                used.add(col)
            complete = complete and col is not None
            whens.append((when, col))
        taken: set[int] = set()
        for rule in rules.fields:
            col = sources[rule.key]
            if col is not None and col not in taken:
                positions[rule.key] = col
                taken.add(col)
            else:
                positions[rule.key] = width
                width += 1
        for when in rules.when:
            for key in when.set:
                if key not in positions:
                    positions[key] = width
                    width += 1
        ignore = set(rules.ignore)
        for col, cell in enumerate(header):
            text = normalise(convert.display(cell))
            if col in used or not text:
                continue
            if text in ignore:
                self.ignored.append(convert.display(cell).strip())
                continue
            self._problem(row, col, header[col], _(
                "a column the rules neither map nor ignore — name it in a field or in ignore"))
        out = [""] * width
        for rule in rules.fields:
            out[positions[rule.key]] = rule.column.header_en
        for key, col in positions.items():
            if not out[col]:
                out[col] = self.rules.kind.column(key).header_en
        blank = [col for col in range(len(header)) if col not in used
                 and not normalise(convert.display(header[col]))]
        return _Layout(width, out, positions, sources, whens, blank, complete)

    # -- a row -----------------------------------------------------------------------
    def _row(self, layout: _Layout, number: int, row: list[Any]) -> list[Any]:
        out = [""] * layout.width
        if all(convert.is_empty(v) for v in row):
            return out
        for col in layout.blank:
            if col < len(row) and not convert.is_empty(row[col]):
                self._problem(number, col, row[col], _("a value in a column without a header"))
                layout.blank.remove(col)   # named once
                break
        sets: dict[str, str] = {}
        for when, col in layout.whens:
            if col is None:
                continue
            cell = row[col] if col < len(row) else ""
            if when.pattern.search(convert.to_text(cell)):
                if when.skip:
                    self.skipped += 1
                    return out
                sets.update(when.set)
        self.rows += 1
        values: dict[str, Any] = {}
        for rule in self.rules.fields:
            if rule.key in sets:
                value = sets[rule.key]
            elif not rule.from_column:
                value = rule.value
            else:
                col = layout.sources[rule.key]
                if col is None:
                    continue
                value = self._value(rule, number, col, row[col] if col < len(row) else "")
            out[layout.positions[rule.key]] = value
            values[rule.key] = value
        for key, value in sets.items():
            out[layout.positions[key]] = value
            values[key] = value
        if len(self.preview) < PREVIEW_ROWS:
            self.preview.append((number + 1, values))
        if self.checking:
            self._check_row(layout, number, values)
        return out

    def _check_row(self, layout: _Layout, number: int, values: dict[str, Any]) -> None:
        kind = self.rules.kind
        for column in kind.import_columns:
            if column.key not in layout.positions or (number, column.key) in self.failed:
                continue
            converter = self._converters.get(column.key)
            if converter is None:
                converter = self._converters[column.key] = convert.ColumnConverter(column)
            seen = len(converter.problems)
            converter.convert([values.get(column.key, "")])
            for _index, value, reason in converter.problems[seen:]:
                self._problem(number, layout.positions[column.key], value, reason)

    def _value(self, rule: FieldRule, number: int, col: int, raw: Any) -> Any:
        """The field's value of one cell; a text read without a problem is remembered per
        field (a month's extract repeats a few hundred days, codes and amounts)."""
        if raw.__class__ is str:
            seen = self._seen.get(rule.key)
            if seen is None:
                seen = self._seen[rule.key] = {}
            value = seen.get(raw, _BAD)
            if value is not _BAD:
                return value
            problems, unmapped = len(self.problems), len(self.unmapped)
            value = self._read(rule, number, col, raw)
            if len(self.problems) == problems and len(self.unmapped) == unmapped \
                    and (number, rule.key) not in self.failed and len(seen) < REMEMBERED:
                seen[raw] = value
            return value
        return self._read(rule, number, col, raw)

    def _read(self, rule: FieldRule, number: int, col: int, raw: Any) -> Any:
        if convert.is_empty(raw):
            return ""
        kind = rule.column.type
        if rule.mapping is not None:
            text = convert.to_text(raw)
            mapped = rule.mapping.get(normalise(text))
            if mapped is None:
                self.unmapped.setdefault((rule.key, text), []).append(number + 1)
                self.failed.add((number, rule.key))
                return ""
            return mapped
        if kind in ("date", "month"):
            value = _date(raw, rule.formats)
            if value is None:
                self._failed(number, col, rule.key)
                self._problem(number, col, raw, _("not a date as the rules read it ({formats})")
                              .format(formats=", ".join(rule.formats)))
                return ""
            return value[:7] if kind == "month" else value
        if rule.column.numeric and raw.__class__ is str:
            value = read_number(raw, rule.numbers)
            if value is None:
                self._failed(number, col, rule.key)
                self._problem(number, col, raw, _(
                    "not a number as the rules read it (decimal mark '{mark}')").format(
                    mark=rule.numbers.decimal))
                return ""
            if rule.numbers.round and value.__class__ is float:
                from ekbist.number_text import round_half_away

                value = int(round_half_away(value))
            return value
        return raw


class _Layout:
    """Where each field goes in the sheet handed on, and which extract column it is read from."""

    def __init__(self, width: int, header: list[Any], positions: dict[str, int],
                 sources: dict[str, int | None], whens: list, blank: list[int], complete: bool):
        self.width = width
        self.complete = complete   # every column the rules name was found
        self.header = header
        self.positions = positions
        self.sources = sources
        self.whens = whens
        self.blank = blank


def _date(raw: Any, formats: tuple[str, ...]) -> str | None:
    """ISO text of ``raw`` read with the first of ``formats`` that fits, or None."""
    if raw.__class__ is date:
        return raw.isoformat()
    if isinstance(raw, datetime):
        return raw.date().isoformat()
    # A number cell is read by its digits too: 20261102 is a day by "%Y%m%d", not a serial.
    text = convert.to_text(raw)
    for fmt in formats:
        if fmt == EXCEL:
            if raw.__class__ in (int, float) or (raw.__class__ is str and text.isascii()
                                                 and text.isdigit()):
                serial = convert._serial(float(raw))
                if serial is not None:
                    return serial
            continue
        try:
            return datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return None


def check(rules: SourceRules, path: Path | str) -> Extract:
    """Read the extract at ``path`` through ``rules`` without a store: what each column
    fills, the first rows as they map, and every problem that would refuse the file
    (``ekbist rules check``; checks against the store's records are the import's)."""
    extract = Extract(rules, path, checking=True)
    for sheet in extract.sheets():
        for _piece in sheet.pieces:
            pass
    extract.problems.sort(key=lambda problem: problem[0])
    return extract


def problem_lines(extract: Extract) -> list[str]:
    """The extract's problems as the import lists them: ``Sheet!C7: 'value' — reason``."""
    return [f"{where}: '{convert.display(convert.mask_personnummer(value))}' — {reason}"
            for _order, where, value, reason in extract.problems]


__all__ = ["Extract", "check", "problem_lines", "read_number"]
