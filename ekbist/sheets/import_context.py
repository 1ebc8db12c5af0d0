"""What an import holds as it goes, and what the kinds' rules (:class:`Rules`) see.

The importer (:mod:`ekbist.sheets.importer`) fills a :class:`Context`: the sheets' row
blocks (:class:`Source`), every kind's rows joined into one :class:`Batch`, the problems
found so far and the report. Rules subclass :class:`Rules` and are handed the context
at each step; they live below the importer, so this module is the floor both stand on.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ekbist.errors import EkbistError, ValidationErrors
from ekbist.sheets import convert
from ekbist.sheets.cells import cell_name
from ekbist.sheets.declarations import Kind
from ekbist.sheets.import_report import ImportReport
from ekbist.store import Store


# -- problems --------------------------------------------------------------------------
class Problems:
    """Every problem found, sorted by sheet, row and column when reported."""

    def __init__(self) -> None:
        self.items: list[tuple[tuple, str]] = []

    def add(self, order: tuple, where: str, value: Any, reason: str) -> None:
        self.items.append((order, f"{where}: '{convert.display(value)}' — {reason}"))

    def add_text(self, order: tuple, text: str | EkbistError) -> None:
        self.items.append((order, text))

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self) -> None:
        if self.items:
            seen, lines = set(), []
            for _order, text in sorted(self.items, key=lambda item: item[0]):
                if str(text) not in seen:
                    seen.add(str(text))
                    lines.append(text)
            raise ValidationErrors(lines)


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
        if key in self.name_cells:
            return (self.sheet_order, position, 0), self.name_cells[key][position]
        if self.cells is not None:
            return (self.sheet_order, position, 0), self.cells[position]
        row = self.rows[position]
        col = self.columns.get(key, min(self.columns.values(), default=0)) if key else 0
        return (self.sheet_order, row, col), cell_name(self.sheet, row, col)


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
        order, where = self.sources[src_index].cell(local, key)
        self.problems.add(order, where, value, reason)


# -- rules --------------------------------------------------------------------------------------------------
class Rules:
    """Hooks for what a declaration cannot say; subclasses live in ekbist.sheets.rules and
    ekbist.reports.target_rows, each declared for its kind in that module's ``RULES``.

    Every hook runs on every import (whether or not the file has rows of the kind):
    ``prepare`` before the transaction (Python batches), ``check`` after the rows are
    matched with the store, ``report`` after the generic report, ``write`` right
    after the kind's rows are written.
    """

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
