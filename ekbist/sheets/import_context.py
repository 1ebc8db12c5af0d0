"""What an import holds as it goes, and what the kinds' rules (:class:`Rules`) see.

The importer (:mod:`ekbist.sheets.importer`) fills a :class:`Context`: the sheets' row
blocks (:class:`Source`), every kind's rows joined into one :class:`Batch`, the problems
found so far and the report. Rules subclass :class:`Rules` and are handed the context
at each step; they live below the importer, so this module is the floor both stand on.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import operator
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ekbist.errors import EkbistError, ValidationErrors
from ekbist.i18n import ngettext
from ekbist.secrecy import mask
from ekbist.sheets import convert
from ekbist.sheets.cells import cell_name
from ekbist.sheets.declarations import Kind
from ekbist.sheets.import_report import ImportReport
from ekbist.sheets.zip_parts import spaced
from ekbist.store import Store


# -- problems --------------------------------------------------------------------------
# Problems of one kind (the same reason) listed, in the order of the sheets; the others are
# counted in one line, so that a file of 100 000 bad cells is refused in seconds, not in a
# listing no one reads.
MAX_LISTED_PER_KIND = 200


class Problems:
    """Every problem found, sorted by sheet, row and column when reported.

    A problem is kept as it was found (its cell's name is made only when it is listed).
    Only the first :data:`MAX_LISTED_PER_KIND` of each kind are listed, each value, cell
    and reason through the secrecy gate's mask; the rest are counted, a line for each kind.
    A problem's kind is its reason's words before any parenthesis: what the parenthesis
    says is this cell's own ("appears twice in the file (also A6)")."""

    def __init__(self) -> None:
        # (order, where or a function that names the cell, value, reason) or (order, text)
        self.items: list[tuple] = []

    def add(self, order: tuple, where: str | Callable[[], str], value: Any,
            reason: str) -> None:
        self.items.append((order, where, value, reason))

    def add_text(self, order: tuple, text: str | EkbistError) -> None:
        self.items.append((order, text))

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self) -> None:
        if not self.items:
            return
        seen: set = set()
        lines: list[str | EkbistError] = []
        listed: dict[str, int] = {}
        more: dict[str, int] = {}
        for item in sorted(self.items, key=_ORDER):
            if len(item) == 2:
                text = item[1]
                if str(text) not in seen:
                    seen.add(str(text))
                    lines.append(_masked(text))
                continue
            order, where, value, reason = item
            if (order, reason) in seen:
                continue
            seen.add((order, reason))
            kind = reason.partition(" (")[0]
            if listed.get(kind, 0) >= MAX_LISTED_PER_KIND:
                more[kind] = more.get(kind, 0) + 1
                continue
            listed[kind] = listed.get(kind, 0) + 1
            where = where() if callable(where) else where
            lines.append(f"{mask(where)}: '{_shown(value)}' — {mask(reason)}")
        for kind, n in more.items():
            lines.append(ngettext("… and {n} more problem of this kind: {reason}",
                                  "… and {n} more problems of this kind: {reason}", n
                                  ).format(n=spaced(n), reason=mask(kind)))
        raise ValidationErrors(lines, total=len(seen))


_ORDER = operator.itemgetter(0)


def _shown(value: Any) -> str:
    """A cell's value as a problem quotes it, through the secrecy gate. A text of digits
    is masked as the number cell it may have been read from (a text column holds the
    number cell 104296793, which is 010429-6793 without its leading zero)."""
    if value.__class__ is str and value.isascii() and value.isdigit() and len(value) <= 12:
        return convert.mask_personnummer(int(value))
    return convert.mask_personnummer(value)


def _masked(text: str | EkbistError) -> str | EkbistError:
    """A problem line through the secrecy gate: a refusal keeps its slots for the command
    line's words, with every value it quotes masked."""
    if not isinstance(text, EkbistError):
        return mask(text)
    if text.template is None:
        return EkbistError(mask(str(text)))
    values = {k: mask(v) if isinstance(v, str) else v for k, v in text.values.items()}
    return EkbistError.about(text.template, text.slots, **values)


# -- where rows come from -----------------------------------------------------------------
@dataclass
class Source:
    """One block of rows of one kind: a sheet's table, or the records of a wide sheet."""

    index: int
    kind: Kind
    sheet: str
    sheet_order: int
    columns: dict[str, int]           # column key -> 0-based column in the sheet
    rows: list[int] = field(default_factory=list)   # 0-based sheet rows of the records
    cells: list[str] | None = None    # wide layout: the cell each record came from
    sums: list[tuple[int, int]] = field(default_factory=list)  # (sheet row, data rows above)
    columns_data: list[tuple] = field(default_factory=list)    # the sheet, column by column
    records_values: dict[str, list[Any]] = field(default_factory=dict)  # wide layout values
    converted: dict[str, list[Any]] | None = None   # a table sheet's values, converted piece by piece
    # wide layout: the cell that holds each record's activity and line name (A8, not B8…M8)
    name_cells: dict[str, list[str]] = field(default_factory=dict)

    def cell(self, position: int, key: str | None) -> tuple[tuple, str]:
        """(sort order, 'Sheet!C7') of record ``position``'s cell in column ``key``."""
        return self.order(position, key), self.where(position, key)

    def order(self, position: int, key: str | None) -> tuple:
        """Where record ``position``'s cell in column ``key`` sorts among the problems."""
        if key in self.name_cells or self.cells is not None:
            return (self.sheet_order, position, 0)
        return (self.sheet_order, self.rows[position], self._column(key))

    def where(self, position: int, key: str | None) -> str:
        """The name of record ``position``'s cell in column ``key`` ('Sheet!C7')."""
        if key in self.name_cells:
            return self.name_cells[key][position]
        if self.cells is not None:
            return self.cells[position]
        return cell_name(self.sheet, self.rows[position], self._column(key))

    def _column(self, key: str | None) -> int:
        return self.columns.get(key, min(self.columns.values(), default=0)) if key else 0


@dataclass
class Batch:
    """Every imported row of one kind, column by column, with where each came from."""

    kind: Kind
    values: dict[str, list[Any]]
    origin: Any     # a sequence of (source index, position within the source), e.g. Origin

    def __len__(self) -> int:
        return len(self.origin)


class Origin:
    """Where each row of a batch came from, as (source index, position) — without a tuple
    per row: a batch is its sources one after the other, so their sizes say it all."""

    def __init__(self, parts: list[tuple[int, int]]):
        self.parts = [(src, n) for src, n in parts if n]
        self.starts = list(itertools.accumulate((n for _src, n in self.parts), initial=0))

    def __len__(self) -> int:
        return self.starts[-1]

    def __getitem__(self, i: int) -> tuple[int, int]:
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        part = bisect.bisect_right(self.starts, i) - 1
        return self.parts[part][0], i - self.starts[part]

    def __iter__(self) -> Iterator[tuple[int, int]]:
        for src, n in self.parts:
            yield from zip(itertools.repeat(src, n), range(n), strict=False)

    def sources(self) -> Iterator[int]:
        return itertools.chain.from_iterable(itertools.repeat(src, n) for src, n in self.parts)

    def positions(self) -> Iterator[int]:
        return itertools.chain.from_iterable(range(n) for _src, n in self.parts)


class Context:
    """What rules see: the store, the batches, problems, the report."""

    def __init__(self, store: Store, *, today: date, dry_run: bool, report: ImportReport):
        self.store = store
        self.today = today
        self.dry_run = dry_run
        self.report = report
        self.problems = Problems()
        self.sources: list[Source] = []
        self.batches: dict[str, Batch] = {}
        self.state: dict[str, Any] = {}
        # (source, position, column key) of cells that could not be read: later checks
        # would only repeat the problem in other words, so they pass over them.
        self.bad_cells: set[tuple[int, int, str]] = set()
        # ``--kind``: every sheet is read as this kind, whatever its title says.
        self.forced_kind: str | None = None
        # ``--new``: a budget or actuals activity no year has is meant, not a typo.
        self.new_names = False
        self.rows_read = 0
        # progress(step, steps, read=rows read so far) while sheets are read in pieces.
        self.progress: Callable[..., None] = lambda step, steps, **counts: None
        # Rows found exactly as stored (ekbist.sheets.unchanged): per source index its
        # finder, per kind the keys of its identical rows; None when the shortcut is off.
        self.unchanged: dict[int, Any] | None = None
        self.unchanged_keys: dict[str, set[Any]] = {}
        self.rule_kinds: frozenset[str] = frozenset()

    def problem(self, kind: str, position: int, key: str | None, value: Any, reason: str) -> None:
        """A problem at record ``position`` of ``kind``'s batch, in column ``key``."""
        src_index, local = self.batches[kind].origin[position]
        self.problem_at(src_index, local, key, value, reason)

    def problem_at(self, src_index: int, local: int, key: str | None, value: Any, reason: str) -> None:
        source = self.sources[src_index]
        self.problems.add(source.order(local, key), functools.partial(source.where, local, key),
                          value, reason)


# -- rules --------------------------------------------------------------------------------------------------
class Rules:
    """Hooks for what a declaration cannot say; subclasses live in ekbist.sheets.rules and
    ekbist.reports.target_rows, each declared for its kind in that module's ``RULES``.

    Every hook runs on every import (whether or not the file has rows of the kind):
    ``prepare`` before the transaction (Python batches), ``check`` after the rows are
    matched with the store, ``report`` after the generic report, ``write`` right
    after the kind's rows are written.
    """

    # Other kinds whose rows these rules read as a whole (the cases, for the assignments'
    # history): such a kind's rows cannot come from a report of parts, whose rows may wait.
    reads: tuple[str, ...] = ()
    # Why, in words (translated where shown), when ``reads`` names a kind.
    reads_whole: str = ""

    def __init__(self, kind: str):
        self.kind = kind

    def prepare(self, ctx: Context) -> None:
        pass

    def check(self, ctx: Context) -> None:
        pass

    def report(self, ctx: Context) -> None:
        pass

    def write(self, ctx: Context) -> None:
        pass

    def every_row(self, store: Store) -> bool:
        """Whether these rules must see every row of the file, the rows a re-import finds
        exactly as stored too (:mod:`ekbist.sheets.unchanged`): by default they must, since
        their checks may look at the whole batch. Rules that only need the keys of such
        rows (``ctx.unchanged_keys``) say False and the shortcut stays on."""
        return True


class Around(Rules):
    """Rules around a kind's own rules (``inner``, if the kind has any), which run first in
    every hook: an import through a rules file (:mod:`ekbist.sheets.source_memory`,
    :mod:`ekbist.sheets.extract_join`) keeps what the kind's import always does."""

    def __init__(self, kind: str, inner: Rules | None = None):
        super().__init__(kind)
        self.inner = inner

    def prepare(self, ctx: Context) -> None:
        if self.inner is not None:
            self.inner.prepare(ctx)

    def check(self, ctx: Context) -> None:
        if self.inner is not None:
            self.inner.check(ctx)

    def report(self, ctx: Context) -> None:
        if self.inner is not None:
            self.inner.report(ctx)

    def write(self, ctx: Context) -> None:
        if self.inner is not None:
            self.inner.write(ctx)

    def every_row(self, store: Store) -> bool:
        # Only as the kind's own rules need: around none, the keys of rows found as stored do.
        return self.inner is not None and self.inner.every_row(store)
