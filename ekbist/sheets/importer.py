"""Importing a workbook or CSV file: every sheet, every kind, all or nothing.

How a file is read:

1. Every sheet is read with python-calamine (CSV with the csv module) — a big
   .xlsx sheet in pieces of rows (:mod:`ekbist.sheets.chunks`), each converted and
   let go before the next is read — and every cell of it, title rows and unknown
   columns included, is checked for something that looks like a personnummer. Rows
   exactly as stored under their key are found first and left out of everything
   below (:mod:`ekbist.sheets.unchanged`: their compared cells are stored values,
   which the store's gate passed; their other cells are still checked). A
   workbook from ``ekbist prognosis export`` (its title read by
   :mod:`ekbist.sheets.prognosis_read`) is handed whole to
   :mod:`ekbist.sheets.prognosis_sheet`.
2. A sheet's kind is found from its header row, the first row among the top
   rows whose cells name all the required columns of a declared kind (either
   language, any case and spacing; title rows and merged cells above it are
   skipped; :mod:`ekbist.sheets.sheet_kind`). Unknown extra columns give a warning
   and are ignored. A sheet no kind matches is offered to the controller's wide
   budget layout (:mod:`ekbist.sheets.wide_sheet`, see :func:`_wide_records`), else
   warned about and ignored.
3. Rows are converted column by column (:mod:`ekbist.sheets.convert`). Blank rows
   are skipped; a row whose first text cell starts with "Summa", "Total" or another
   word of :mod:`ekbist.sheets.sum_rows` is checked against the sum of the rows above
   it (since the previous sum row, or all of them for a grand total; gross or net) by
   that module's rule, and never imported.
4. Codes and lookups, new activities, duplicate keys and references (a case or
   handler named must exist in the store or the file) are checked in Python over
   each kind's whole batch (:mod:`ekbist.sheets.import_checks`). Then, inside one write
   transaction, the rows of every kind go into a temporary table
   ``temp."sheet_<kind>"``; the declared checks and the kinds' rules (the ``rules``
   given, see :mod:`ekbist.sheet_import`) run there over the whole set, and each row is matched
   with the stored record of the same key: added, changed or unchanged
   (:mod:`ekbist.sheets.import_sql`; what the rules see is in
   :mod:`ekbist.sheets.import_context`).
5. Any problem anywhere raises :class:`ValidationErrors` listing every one as
   ``Sheet!C7: 'value' — reason`` and the transaction is rolled back: nothing is
   written. Otherwise added rows are inserted and changed rows updated with one
   ``INSERT … SELECT`` and one ``UPDATE … FROM`` per kind (the store's triggers
   audit each row); unchanged rows are not touched. ``dry_run`` stops before
   writing and returns the same report.

Extension point — the controller's wide layout: when no declared kind matches a
sheet, the importer imports :mod:`ekbist.sheets.wide_sheet` lazily and calls
``parse_wide_sheet(sheet_name, rows, *, year, title)`` with the sheet's rows from A1,
the ``--year`` given (or None) and the file name without its suffix. It returns None
for "not this layout", or records ``{"kind": "budget"|"actual", "year", "month" (None
for budget), "activity", "line", "amount" (int kr), "cell"}``, which are imported as
budget/actuals rows (checked and reported like any other, problems naming the record's
cell). It may raise :class:`ValidationErrors` with cell-named problems of its own.
"""

from __future__ import annotations

import gc
import itertools
import re
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from ekbist.errors import EkbistError, ValidationErrors
from ekbist.i18n import _
from ekbist.sheets import convert, import_checks, import_sql, sheet_kind, sum_rows
from ekbist.sheets.cells import cell_name
from ekbist.sheets.chunks import ChunkedSheet, read_in_chunks
from ekbist.sheets.declarations import HELPER_SHEETS, kinds, named
from ekbist.sheets.import_context import Batch, Context, Origin, Rules, Source
from ekbist.sheets.import_report import ImportReport
from ekbist.sheets.reader import Sheet
from ekbist.sheets.unchanged import Rescan, Unchanged
from ekbist.store import Store

IMPORT_CACHE_KIB = 128 * 1024


# -- the entry point ------------------------------------------------------------------------
def import_file(store: Store, path: Path | str, *, rules: Mapping[str, type[Rules]],
                today: date, dry_run: bool = False, year: int | None = None,
                kind: str | None = None, new: bool = False,
                progress: Callable[..., None] | None = None, extract: Any = None) -> ImportReport:
    """Import every sheet of ``path`` into ``store``, or nothing (raises ValidationErrors).

    ``rules`` gives the rules a declaration cannot express, by kind name: every kind's, as
    :data:`ekbist.sheet_import.RULES` gathers them from the floors that own them (the
    targets' rules need the reports' figures, which this floor may not import); that
    module's ``import_file`` passes them.

    ``kind`` settles which kind every sheet is when its columns or title leave it open.
    ``new`` takes a budget or actuals activity that no year has as a new activity (else it
    is refused as a likely typo, as ``budget set`` and ``actuals set`` refuse it).
    ``progress(step, steps)`` is called as the import goes from reading to checking to
    writing, for a progress bar, with ``read=`` the rows read so far after each piece of a
    sheet and ``written=`` the rows written so far after each kind.
    ``extract``: a case system's extract read through its rules (:mod:`ekbist.sheets.extract`).
    """
    # A sheet becomes hundreds of thousands of small objects that all live until the end;
    # the cyclic garbage collector would walk them again and again for nothing.
    enabled = gc.isenabled()
    gc.disable()
    arguments = dict(rules=rules, today=today, dry_run=dry_run, year=year, kind=kind, new=new,
                     progress=progress or (lambda step, steps, **counts: None), extract=extract)
    try:
        try:
            return _import_file(store, Path(path), shortcut=True, **arguments)
        except Rescan:
            # Rows found as stored were left out where every row must be seen (a sum row,
            # a key twice, a store changed meanwhile): the whole way, every row.
            return _import_file(store, Path(path), shortcut=False, **arguments)
    finally:
        if enabled:
            gc.enable()


IMPORT_STEPS = 5


def _import_file(store: Store, path: Path, *, rules: Mapping[str, type[Rules]], today: date,
                 dry_run: bool, year: int | None, kind: str | None, new: bool,
                 progress: Callable[..., None], shortcut: bool, extract: Any) -> ImportReport:
    from ekbist.secrecy import check_text

    hooks = _rules(rules)  # a table naming no importable kind is a mistake in the code

    # The file name goes into the report and the audit's command line: no personnummer.
    check_text(path.name, _("the file name"))
    if kind is not None and kind not in kinds():
        # The kind's sheet name in either language ("Utfall") names it too.
        kind = getattr(named(kind), "name", kind)
    if kind is not None and (kind not in kinds() or not kinds()[kind].importable):
        raise EkbistError.about(_("{option}: '{kind}' is not a kind ekbist imports ({kinds})"),
                                {"option": "kind"}, kind=kind,
                                kinds=", ".join(k.name for k in kinds().values() if k.importable))
    progress(0, IMPORT_STEPS)
    sheets = iter(read_in_chunks(path) if extract is None else extract.sheets())
    # The prognosis workbook of 'ekbist prognosis export' comes back as a whole: its own module.
    first = next(sheets, None)
    if first is not None:
        head = next(first.pieces, (0, []))
        from ekbist.sheets import prognosis_read, prognosis_sheet

        found = prognosis_read.recognise([Sheet(first.name, head[1])]) \
            if head[0] == 0 and kind is None and extract is None else None
        if found is not None:
            whole = [Sheet(first.name, head[1]), *(
                Sheet(s.name, [row for _first, rows in s.pieces for row in rows]) for s in sheets)]
            return prognosis_sheet.import_workbook(store, found, whole, path, today=today,
                                                   dry_run=dry_run)
        sheets = itertools.chain([ChunkedSheet(first.name, _prepend(head, first.pieces),
                                                first.layout)], sheets)
        del head
    report = ImportReport(path=str(path), dry_run=dry_run)
    ctx = Context(store, today=today, dry_run=dry_run, report=report)
    ctx.forced_kind = kind
    ctx.new_names = new
    ctx.progress = progress
    if shortcut:
        ctx.unchanged = {}
        ctx.rule_kinds = frozenset(rule.kind for rule in hooks if rule.every_row(store))
    # Another process's commit after the rows were compared with the store shows here.
    version = store.scalar("PRAGMA data_version")
    _read_sheets(ctx, sheets, path, year)
    if extract is not None:
        extract.join(ctx)
    progress(1, IMPORT_STEPS)
    _build_batches(ctx)
    _identical_keys_once(ctx)
    import_checks.lookups(ctx)
    import_checks.activities(ctx)
    import_checks.duplicates(ctx)
    import_checks.references(ctx)
    for rule in hooks:
        rule.prepare(ctx)
    progress(2, IMPORT_STEPS)

    hold = store.snapshot() if dry_run else store.transaction()
    # A large import touches index pages all over a big store: a bigger page cache for
    # this connection (restored after) saves most of the re-reading.
    cache_size = store.scalar("PRAGMA cache_size")
    rows = sum(len(b) for b in ctx.batches.values())
    if rows > 10_000:
        store.execute(f"PRAGMA cache_size = {-IMPORT_CACHE_KIB}")
    try:
        with hold:
            import_sql.load_temp_tables(ctx)
            if ctx.unchanged_keys and store.scalar("PRAGMA data_version") != version:
                raise Rescan   # the rows found as stored may no longer be
            for kind in import_sql.kinds_in_file(ctx):
                import_sql.match_stored(ctx, kind)
                import_sql.declared_checks(ctx, kind)
            for rule in hooks:
                rule.check(ctx)
            ctx.problems.raise_if_any()
            progress(3, IMPORT_STEPS)
            for kind in import_sql.kinds_in_file(ctx):
                import_sql.report_kind(ctx, kind)
            for finder in (ctx.unchanged or {}).values():
                if finder.count:
                    report.kind(finder.kind.name).unchanged += finder.count
            for rule in hooks:
                rule.report(ctx)
            # In declaration order; a kind whose sheet had no rows (an empty template) is left out.
            report.kinds = {name: report.kinds[name] for name in kinds() if name in report.kinds
                            and (report.kinds[name].added or report.kinds[name].changed
                                 or report.kinds[name].unchanged)}
            if not dry_run:
                written = 0
                for kind in kinds().values():
                    if kind.name in ctx.batches:
                        import_sql.write_kind(ctx, kind)
                        done = report.kinds.get(kind.name)
                        if done is not None:
                            written += done.added + done.changed
                            progress(3, IMPORT_STEPS, written=written)
                    for rule in hooks:
                        if rule.kind == kind.name:
                            rule.write(ctx)
                report.written = True
            progress(4, IMPORT_STEPS)
    finally:
        import_sql.drop_temp_tables(ctx)
        store.execute(f"PRAGMA cache_size = {cache_size}")
    return report


# -- reading sheets -------------------------------------------------------------------------
def _read_sheets(ctx: Context, sheets: Iterable[ChunkedSheet], path: Path,
                 year: int | None) -> None:
    """Every sheet, piece by piece: a table of a known kind is converted as its pieces come
    (a big sheet is never whole in memory, see :mod:`ekbist.sheets.chunks`); any other sheet
    is gathered whole and offered to the controller's wide layout.

    Never a silent no-op: a sheet that looks like a kind but lacks a required column, or
    whose kind is in doubt, is an error, and so is a file with nothing to import.
    """
    from ekbist.secrecy import looks_like_personnummer

    for order, chunked in enumerate(sheets):
        pieces = chunked.pieces
        if looks_like_personnummer(chunked.name):
            ctx.problems.add((order, -1, -1), convert.mask_personnummer(chunked.name),
                             convert.mask_personnummer(chunked.name),
                             _("this sheet name looks like a personnummer — ekbist stores no "
                               "personal identity numbers"))
            for _piece in pieces:  # a sheet's pieces are read before the next sheet's
                pass
            continue
        first, rows = next(pieces, (0, []))
        head = Sheet(chunked.name, [[] for _ in range(min(first, sheet_kind.HEADER_SEARCH_ROWS))]
                     + rows[:sheet_kind.HEADER_SEARCH_ROWS] if first < sheet_kind.HEADER_SEARCH_ROWS else [])
        if chunked.layout is not None:   # columns known without their header
            found, verdict = (*chunked.layout(), [], []), None
        else:
            found, verdict = (None, None) if chunked.name in HELPER_SHEETS else \
                sheet_kind.recognise(head, ctx.forced_kind)
        if verdict is not None or found is None or not found[0].importable:
            sheet = Sheet(chunked.name, _gather(first, rows, pieces))
            del rows
            numbers: list[tuple[tuple, str, Any]] = []
            _scan_personnummer(ctx, order, sheet.name, 0, sheet.rows, later=numbers)
            amounts = _read_other_sheet(ctx, sheet, order, path, year, verdict, found)
            for key, cell, value in numbers:  # a number is money only as a wide sheet's amount
                if key[1] not in amounts:
                    _personnummer_problem(ctx, key, cell, value)
            continue
        kind, header_row, mapping, unknown, duplicates = found
        header = head.rows[header_row]
        for col_index in unknown:
            ctx.report.warnings.append(
                _("{cell}: column '{header}' is not part of {kind} — ignored").format(
                    cell=cell_name(chunked.name, header_row, col_index),
                    header=convert.display(header[col_index]).strip(), kind=kind.name))
        for col_index in duplicates:
            ctx.problems.add((order, header_row, col_index), cell_name(chunked.name, header_row, col_index),
                             header[col_index], _("this column appears twice"))
        source = Source(len(ctx.sources), kind, chunked.name, order, mapping)
        ctx.sources.append(source)
        if ctx.unchanged is not None and kind.name not in ctx.rule_kinds \
                and Unchanged.applies(ctx.store, kind, mapping):
            ctx.unchanged[source.index] = Unchanged(
                ctx.store, kind, mapping, ctx.unchanged_keys.setdefault(kind.name, set()))
        ctx.report.sheets.append({"sheet": chunked.name, "kind": kind.name, "header_row": header_row + 1})
        pieces = _prepend((first, rows), pieces)
        del rows, head
        _convert_pieces(ctx, source, header_row, pieces)
    if not ctx.sources and not ctx.problems:
        # Never a silent no-op: a file with nothing ekbist imports is an error.
        raise ValidationErrors([*ctx.report.warnings, _(
            "{file}: nothing to import — no sheet has the header row of a kind ekbist imports "
            "('ekbist template all FILE' writes one of each)").format(file=path.name)])


def _read_other_sheet(ctx: Context, sheet: Sheet, order: int, path: Path, year: int | None,
                     verdict: Any, found: Any) -> frozenset[int]:
    """A sheet that is no table of an importable kind: a doubt, a report, the controller's
    wide layout or nothing ekbist reads. Returns the rows the wide layout took amounts from."""
    if verdict is not None:
        ctx.problems.add_text((order, -1, -1), verdict)
        return frozenset()
    if found is not None:
        ctx.report.warnings.append(
            _("sheet '{sheet}': {kind} is a report and cannot be imported — ignored").format(
                sheet=sheet.name, kind=found[0].name))
        return frozenset()
    if not sheet.rows:
        return frozenset()
    if ctx.forced_kind is None:
        amounts = _wide_records(ctx, sheet, order, path, year)
        if amounts is not None:
            return amounts
    near = None if sheet.name in HELPER_SHEETS else sheet_kind.near_miss(sheet, ctx.forced_kind)
    if near is not None:
        ctx.problems.add_text((order, -1, -1), near)
        return frozenset()
    if sheet.name not in HELPER_SHEETS and any(any(row) for row in sheet.rows):
        ctx.report.warnings.append(
            _("sheet '{sheet}': no header row of a known kind — ignored").format(sheet=sheet.name))
    return frozenset()


# -- which kind a sheet is -------------------------------------------------------------------
def _prepend(piece: tuple[int, list[list[Any]]], pieces: Iterator[tuple[int, list[list[Any]]]]
             ) -> Iterator[tuple[int, list[list[Any]]]]:
    """``piece``, then ``pieces`` — holding on to none of them once given out."""
    box = [piece]
    del piece
    yield box.pop()
    yield from pieces


def _slice(column: tuple, rows: list[int]) -> list[Any]:
    if rows and rows[-1] - rows[0] + 1 == len(rows):
        return list(column[rows[0]:rows[-1] + 1])
    return [column[r] for r in rows]


def _gather(first: int, rows: list[list[Any]], pieces: Iterator[tuple[int, list[list[Any]]]]
            ) -> list[list[Any]]:
    """The whole sheet from A1 as rectangular rows (a sheet that is read in one piece already is)."""
    more = list(pieces)
    if first == 0 and not more:
        return rows
    everything: list[list[Any]] = []
    for start, part in [(first, rows), *more]:
        everything.extend([] for _ in range(start - len(everything)))
        everything.extend(part)
    width = max(map(len, everything), default=0)
    return [row + [""] * (width - len(row)) for row in everything]


def _scan_personnummer(ctx: Context, order: int, sheet: str, first: int, rows: list[list[Any]],
                       *, money: frozenset[int] = frozenset(), data_from: int = 0,
                       later: list[tuple[tuple, str, Any]] | None = None,
                       numbers: list[int] | None = None,
                       only: Iterable[int] | None = None) -> None:
    """Every cell of ``rows`` (sheet rows from ``first``) through the secrecy gate.

    Money is money: in a column of ``money`` (0-based), a data row's cell (sheet row
    ``data_from`` on) that reads as a number is an amount, bounded by the column, never an
    identity number; its text is read like any other ("811218-9876" is refused). With
    ``later``, number cells that read as a personnummer are put there instead of refused:
    the controller's wide sheet decides after parsing which cells are its amounts.
    ``numbers`` gives each row's sheet row when they are not consecutive, ``only`` the
    columns to read when not all of them.
    """
    if only is None:
        columns: Iterable[tuple[int, Any]] = enumerate(zip(*rows, strict=False))
    else:
        columns = ((c, [row[c] for row in rows]) for c in only)
    for col_index, column in columns:
        for row_index in convert.personnummer_cells(column):
            value = column[row_index]
            row = first + row_index if numbers is None else numbers[row_index]
            is_number = value.__class__ is not str or convert.to_number(value) is not None
            if col_index in money and row >= data_from and is_number:
                continue
            key, cell = (order, row, col_index), cell_name(sheet, row, col_index)
            if later is not None and is_number:
                later.append((key, cell, value))
                continue
            _personnummer_problem(ctx, key, cell, value)


def _personnummer_problem(ctx: Context, key: tuple, cell: str, value: Any) -> None:
    ctx.problems.add(key, cell, convert.mask_personnummer(value),
                     _("looks like a personnummer — ekbist stores no personal identity numbers"))


def _is_sum_row(row: list[Any]) -> bool:
    for value in row:
        if convert.is_empty(value):
            continue
        return value.__class__ is str and sum_rows.is_sum_label(value)
    return False


def _data_rows(rows: list[list[Any]], start: int, first: int, sums: list[tuple[int, int]],
               sum_cells: dict[int, dict[int, Any]], above: int) -> list[int]:
    """The data rows of a piece from ``start`` on, row by row: blank rows are skipped, and a
    sum row is noted in ``sums`` (with the data rows above it, ``above`` from earlier
    pieces) and its cells in ``sum_cells``."""
    local: list[int] = []
    for index in range(start, len(rows)):
        row = rows[index]
        cell = row[0] if row else None
        if cell.__class__ is str and cell.strip():
            is_sum = cell[0] in sum_rows.SUM_INITIALS and sum_rows.is_sum_label(cell)
        elif all(convert.is_empty(v) for v in row):
            continue
        else:
            is_sum = _is_sum_row(row)
        if is_sum:
            sums.append((first + index, above + len(local)))
            for col, cells in sum_cells.items():
                cells[first + index] = row[col] if col < len(row) else ""
        else:
            local.append(index)
    return local


def _convert_pieces(ctx: Context, source: Source, header_row: int,
                    pieces: Iterable[tuple[int, list[list[Any]]]]) -> None:
    """Scan, sort and convert a table sheet piece by piece; only converted values are kept.

    Blank rows are skipped; sum rows are kept raw for
    :func:`ekbist.sheets.import_checks.check_sums`; every data row is converted column by
    column (fast paths in :mod:`ekbist.sheets.convert`).
    """
    kind = source.kind
    converters = {c.key: convert.ColumnConverter(c) for c in kind.import_columns
                  if c.key in source.columns}
    values: dict[str, list[Any]] = {key: [] for key in converters}
    data_rows = source.rows = array("q")   # grows as pieces come; problems name its rows
    sums: list[tuple[int, int]] = []   # (sheet row, number of data rows above it)
    sum_cells: dict[int, dict[int, Any]] = {col: {} for col in source.columns.values()}
    money = frozenset(source.columns[c.key] for c in kind.import_columns
                      if c.type == "money" and c.key in source.columns)
    finder = (ctx.unchanged or {}).get(source.index)
    for first, rows in pieces:
        ctx.rows_read += len(rows)
        ctx.progress(0, IMPORT_STEPS, read=ctx.rows_read)
        start = max(header_row + 1 - first, 0)
        # Most rows begin with text that is no sum word: data rows, seen at C speed; any
        # other row (blank, a sum, a number or nothing in column A) sends the piece through
        # the row-by-row reading of _data_rows.
        initials = sum_rows.SUM_INITIALS
        local = [index for index in range(start, len(rows))
                 if (cell := rows[index][0] if rows[index] else None).__class__ is str
                 and cell[:1] not in initials and cell.strip()]
        if len(local) != len(rows) - start:
            local = _data_rows(rows, start, first, sums, sum_cells, len(data_rows))
        if sums and finder is not None:
            if finder.count:
                raise Rescan   # the sum row adds rows that were left out as identical
            finder = None      # no row left out yet: from here on, every row the whole way
        identical = finder.identical(rows, local) if finder is not None else []
        if identical:
            # Rows found as stored: their compared cells are stored values, which the gate
            # passed when they were written; every other cell of theirs is read here, and
            # every cell of the other rows below.
            left_out = set(identical)
            local = [index for index in local if index not in left_out]
            rest = [index for index in range(len(rows)) if index not in left_out]
            _scan_personnummer(ctx, source.sheet_order, source.sheet, first,
                               [rows[index] for index in rest], money=money,
                               data_from=header_row + 1, numbers=[first + i for i in rest])
            compared = finder.compared_columns()
            width = max(map(len, rows), default=0)
            others = [c for c in range(width) if c not in compared]
            if others:
                _scan_personnummer(ctx, source.sheet_order, source.sheet, first,
                                   [rows[index] for index in identical], money=money,
                                   data_from=header_row + 1,
                                   numbers=[first + i for i in identical], only=others)
            if not local:
                continue
            # The rows left, one after the other: their indexes in the piece are now 0, 1, …
            numbers = [first + index for index in local]
            rows = [rows[index] for index in local]
            local = list(range(len(rows)))
        else:
            _scan_personnummer(ctx, source.sheet_order, source.sheet, first, rows, money=money,
                               data_from=header_row + 1)
            if not local:
                continue
            numbers = [first + index for index in local]
        offset = len(data_rows)
        data_rows.extend(numbers)
        columns = list(zip(*rows, strict=False))
        del rows
        for key, converter in converters.items():
            col = source.columns[key]
            raw = _slice(columns[col], local) if col < len(columns) else [""] * len(local)
            seen = len(converter.problems)
            values[key].extend(converter.convert(raw))
            for position, value, reason in converter.problems[seen:]:
                ctx.problem_at(source.index, offset + position, key, value, reason)
                ctx.bad_cells.add((source.index, offset + position, key))
        del columns
    n = len(data_rows)
    for column in kind.import_columns:
        if column.key not in values:
            default = column.default
            if column.type == "boolean" and default is not None:
                default = int(default)
            values[column.key] = [default] * n
    source.sums = sums
    source.columns_data = sum_cells
    source.converted = values


def _identical_keys_once(ctx: Context) -> None:
    """A key of a row left out as identical must not be in the file twice: if a row read
    the whole way has it too, the import starts again without the shortcut, so that the
    duplicate is named as always."""
    for name, seen in ctx.unchanged_keys.items():
        batch = ctx.batches.get(name)
        if seen and batch is not None and not seen.isdisjoint(
                batch.values[batch.kind.key[0]]):
            raise Rescan


def _build_batches(ctx: Context) -> None:
    """Convert every source's columns and join the sources of each kind into one batch."""
    per_kind: dict[str, list[tuple[Source, dict[str, list[Any]]]]] = {}
    for source in ctx.sources:
        kind = source.kind
        if source.converted is not None:   # a table sheet, converted as it was read
            values = source.converted
            source.converted = None
        else:                              # the records of a wide sheet
            values = {}
            for column in kind.import_columns:
                converter = convert.ColumnConverter(column)
                values[column.key] = converter.convert(source.records_values[column.key])
                for position, value, reason in converter.problems:
                    ctx.problem_at(source.index, position, column.key, value, reason)
                    ctx.bad_cells.add((source.index, position, column.key))
        import_checks.check_values(ctx, source, values)
        if source.cells is None:
            import_checks.check_sums(ctx, source, values)
        # The raw cells are no longer needed; on a big sheet they are hundreds of megabytes.
        source.columns_data = []
        source.records_values = {}
        per_kind.setdefault(kind.name, []).append((source, values))
    for name, parts in per_kind.items():
        kind = parts[0][0].kind
        origin = Origin([(source.index, len(source.rows)) for source, _values in parts])
        if len(parts) == 1:
            ctx.batches[name] = Batch(kind, parts[0][1], origin)
            continue
        merged: dict[str, list[Any]] = {c.key: [] for c in kind.import_columns}
        for _source, values in parts:
            for key, column_values in values.items():
                merged[key].extend(column_values)
        ctx.batches[name] = Batch(kind, merged, origin)


# -- the controller's wide layout ----------------------------------------------------------------
def _wide_records(ctx: Context, sheet: Sheet, order: int, path: Path,
                  year: int | None) -> frozenset[int] | None:
    """Offer ``sheet`` to ekbist.sheets.wide_sheet.parse_wide_sheet: the rows (0-based) of its
    amounts when it took the sheet (none when it refused it), None when it is not that layout."""
    from ekbist.sheets.wide_sheet import parse_wide_sheet  # lazily: only workbooks need it

    try:
        records = parse_wide_sheet(sheet.name, sheet.rows, year=year, title=path.stem,
                                   warnings=ctx.report.warnings)
    except ValidationErrors as exc:
        for problem in exc.refusals:
            ctx.problems.add_text((order, 0, 0), problem)
        return frozenset()
    if records is None:
        return None
    for kind_name, record_kind in (("budget", "budget"), ("actuals", "actual")):
        chosen = [r for r in records if r.get("kind") == record_kind]
        if not chosen:
            continue
        kind = kinds()[kind_name]
        source = Source(len(ctx.sources), kind, sheet.name, order, {})
        source.cells = [str(r.get("cell") or sheet.name) for r in chosen]
        source.rows = list(range(len(chosen)))
        source.records_values = {c.key: [r.get(c.key) for r in chosen] for c in kind.import_columns}
        source.name_cells = {key: [(r.get("name_cells") or {}).get(key) or str(r.get("cell"))
                                   for r in chosen] for key in ("activity", "line")}
        ctx.sources.append(source)
    ctx.report.sheets.append({"sheet": sheet.name, "kind": "wide", "header_row": None})
    # A row of the layout holds one line's amounts: its months, and its total.
    return frozenset(int(m.group(1)) - 1 for r in records
                     if (m := re.search(r"(\d+)$", str(r.get("cell") or ""))))


# -- rules --------------------------------------------------------------------------------------------------
def _rules(rules: Mapping[str, type[Rules]]) -> list[Rules]:
    """The rules to run, in the kinds' import order, one for each kind ``rules`` names."""
    wrong = sorted(name for name in rules if name not in kinds() or not kinds()[name].importable)
    if wrong:
        raise ValueError(f"rules for kinds that are not imported: {', '.join(wrong)}")
    return [rules[kind.name](kind.name) for kind in kinds().values() if kind.name in rules]


__all__ = ["import_file"]
