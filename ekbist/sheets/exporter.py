"""Exporting kinds of records to .xlsx (one sheet per kind, real dates and numbers) or to
CSV (one kind, the machine form).

The rows come from the declaration: ``SELECT <column sql> FROM <export from>``
ordered as declared, or from the kind's ``source`` function for report kinds.
Values become what Excel understands natively — ``date`` for dates, ``int``
kronor, ``float`` shares, ``bool`` — and codes are written as the word of the
active language, which the importer reads back (so export then import changes
nothing). Months are written as 'YYYY-MM' text: a month is not a day, and text
stops the spreadsheet from turning it into the first of the month.

A sheet holds at most :data:`SHEET_ROWS` rows, the header included (Excel's limit): a
kind with more records continues on further sheets of the same kind, each with its own
header row — "Ansökningar", "Ansökningar (2)", "Ansökningar (3)" … — which the importer
reads back as one kind (:func:`ekbist.sheets.sheet_kind.title_kind`).

CSV (``FILE.csv``) is the machine form of one kind: UTF-8, comma-separated, the column
keys as its header row and the stored values as they are — ISO dates, codes, whole
kronor, 1/0 for yes or no, a '.' for decimals — with no row limit. Text a spreadsheet
would run as a formula gets a leading quote (:func:`ekbist.textcells.csv_field`), which
the CSV reader takes off again.

Rows stream from the SQLite cursor through openpyxl's write-only mode (or the csv
module) to the file, so memory stays flat for any number of rows. The file is written
under a temporary name and appears whole or not at all; an existing file, which may be
a person's own workbook, is never overwritten.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from ekbist import caseload
from ekbist.errors import EkbistError
from ekbist.i18n import _, language
from ekbist.sheets.cells import column_letter
from ekbist.sheets.declarations import Column, Kind, selected
from ekbist.sheets.rules import settings_rows
from ekbist.store import Store

# The kinds whose export rows a function gives instead of the declared table's SQL, by kind
# name: called as ``function(store, *, date_from, date_to, today)``, a dict a row with the
# kind's column keys. A kind without a table (a report kind, as caseload) is export-only
# and needs one here; a declaration names no code.
SOURCES: dict[str, Callable[..., list[dict[str, Any]]]] = {
    "caseload": caseload.export_rows,
    "settings": settings_rows,
}

HEADER_FILL = "DDEBF7"
# Per-cell number formats (thousands separators, per cent) cost about 8 % of a big export;
# above this many rows numbers are written plain.
FORMATTED_ROWS = 20_000
# Excel's rows per sheet, the header row included; beyond it a kind continues on another sheet.
SHEET_ROWS = 1_048_576
SUFFIXES = (".xlsx", ".csv")


def check_target(path: Path, suffixes: tuple[str, ...] = (".xlsx",)) -> Path:
    """Refuse a file that exists (never save over a user's file) or has the wrong suffix."""
    path = Path(path)
    if path.suffix.lower() not in suffixes:
        if ".csv" in suffixes:
            raise EkbistError(_("{path}: write an .xlsx or a .csv file").format(path=path))
        raise EkbistError(_("{path}: write an .xlsx file").format(path=path))
    if path.exists():
        raise EkbistError(_("{path} exists already — ekbist never writes over a file; choose a new name")
                          .format(path=path))
    if not path.parent.exists():
        raise EkbistError(_("{path}: the folder does not exist").format(path=path))
    return path


def save_new(workbook: Any, path: Path) -> None:
    """Save ``workbook`` to ``path``, which must not exist, through :mod:`ekbist.files`:
    a temporary name renamed into place, mode 0600, never half-written."""
    from ekbist import files

    files.save_workbook(workbook, path)


def _code_words(column: Column) -> dict[str, str]:
    from ekbist import codes

    table = codes.KINDS[column.codes]
    index = 1 if language() == "sv" else 0
    return {code: words[index] for code, words in table.items()}


def _cell_converter(column: Column):
    """A function turning a stored value into what the spreadsheet cell should hold."""
    kind = column.type
    if kind == "date":
        return lambda v: None if v is None else (v if isinstance(v, date) else date.fromisoformat(v))
    if kind == "code":
        words = _code_words(column)
        return lambda v: None if v is None else words.get(v, v)
    if kind == "boolean":
        # The words of the template's drop-down (ja/nej), not TRUE/FALSE: import reads both.
        from ekbist.sheets.declarations import allowed_values

        yes, no = allowed_values(column)
        return lambda v: None if v is None else (yes if v else no)
    if kind == "number":
        return lambda v: None if v is None else float(v)
    return None


def _sql(kind: Kind, date_from: date | None, date_to: date | None) -> tuple[str, list[Any]]:
    select = ", ".join(f"{c.sql} AS \"{c.key}\"" for c in kind.columns)
    where = []
    params: list[Any] = []
    if kind.export_where:
        where.append(f"({kind.export_where})")
    if kind.date_expr and date_from:
        where.append(f"{kind.date_expr} >= ?")
        params.append(date_from.isoformat())
    if kind.date_expr and date_to:
        where.append(f"{kind.date_expr} <= ?")
        params.append(date_to.isoformat())
    sql = f"SELECT {select} FROM {kind.export_from}"
    if where:
        sql += " WHERE " + " AND ".join(where)
    if kind.order_by:
        sql += f" ORDER BY {kind.order_by}"
    return sql, params


def records(store: Store, kind: Kind, *, date_from: date | None = None, date_to: date | None = None,
            today: date | None = None) -> tuple[int, Iterable[tuple]]:
    """(how many, the records): stored values, one tuple per row in column order.

    SQL records stream from the cursor, so a million rows are never all in memory;
    call inside ``store.snapshot()`` so the count and the rows agree.
    """
    function = SOURCES.get(kind.name)
    if function is None and not kind.importable:
        raise ValueError(f"sheet kind {kind.name}: no table, and no source in SOURCES")
    if function is not None:
        rows = function(store, date_from=date_from, date_to=date_to, today=today)
        keys = [c.key for c in kind.columns]
        listed = [tuple(row.get(k) for k in keys) for row in rows]
        return len(listed), listed
    sql, params = _sql(kind, date_from, date_to)
    count = store.scalar(f"SELECT count(*) FROM ({sql})", params)
    return count, store.tuples(sql, params)


def excel_rows(kind: Kind, rows: Iterable[tuple]) -> Iterator[tuple]:
    """Stored values turned into spreadsheet values, converting only the columns that need it."""
    converters = [(i, f) for i, f in enumerate(_cell_converter(c) for c in kind.columns) if f]
    if not converters:
        yield from rows
        return
    for row in rows:
        out = list(row)
        for i, function in converters:
            out[i] = function(out[i])
        yield out


def sheet_name(kind: Kind, number: int) -> str:
    """The name of a kind's ``number``-th sheet (from 1): its own name, then "Name (2)" …"""
    return kind.sheet() if number == 1 else f"{kind.sheet()} ({number})"


def write_sheets(workbook: Any, kind: Kind, count: int, rows: Iterable[tuple], *,
                 sheet_rows: int | None = None) -> list[tuple[str, int]]:
    """One kind on as many sheets of a write-only workbook as its rows need: [(sheet, rows)].

    Each sheet holds at most ``sheet_rows`` rows with its header; a kind with no rows
    still gets its (empty) sheet.
    """
    sheet_rows = SHEET_ROWS if sheet_rows is None else sheet_rows
    if sheet_rows < 2:
        raise ValueError("a sheet must hold its header and at least one row")
    per_sheet = sheet_rows - 1
    rows = iter(rows)
    written = []
    number, left = 1, count
    while True:
        here = min(left, per_sheet)
        name = sheet_name(kind, number)
        write_sheet(workbook, kind, here, itertools.islice(rows, here), name=name,
                    formatted=count <= FORMATTED_ROWS)
        written.append((name, here))
        left -= here
        number += 1
        if left <= 0:
            next(rows, None)   # the end of the rows: a progress report's last call
            return written


def write_sheet(workbook: Any, kind: Kind, count: int, rows: Iterable[tuple], *,
                name: str | None = None, formatted: bool | None = None) -> None:
    """One kind as one sheet of a write-only workbook: styled header, frozen, filtered.

    ``name`` defaults to the kind's sheet name; ``formatted`` (per-cell number formats)
    to whether ``count`` is small enough for them.
    """
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill

    sheet = workbook.create_sheet(name or kind.sheet())
    for index, column in enumerate(kind.columns):
        width = column.width or max(10, len(column.header()) + 2)
        sheet.column_dimensions[column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold, fill = Font(bold=True), PatternFill("solid", fgColor=HEADER_FILL)
    header = []
    for column in kind.columns:
        cell = WriteOnlyCell(sheet, column.header())
        cell.font, cell.fill = bold, fill
        header.append(cell)
    sheet.append(header)
    if count:
        sheet.auto_filter.ref = f"A1:{column_letter(len(kind.columns) - 1)}{count + 1}"
    formats = [(i, c.number_format) for i, c in enumerate(kind.columns) if c.number_format]
    if formatted is None:
        formatted = count <= FORMATTED_ROWS
    # Text a spreadsheet would run (=…, +…, @…) is written as a text cell.
    from ekbist.textcells import write_only_row

    def append(row: Iterable[Any]) -> None:
        sheet.append(write_only_row(sheet, row))

    if formats and formatted:
        for row in excel_rows(kind, rows):
            out = list(row)
            for i, number_format in formats:
                if out[i] is not None:
                    cell = WriteOnlyCell(sheet, out[i])
                    cell.number_format = number_format
                    out[i] = cell
            append(out)
    else:
        for row in excel_rows(kind, rows):
            append(row)


def csv_rows(kind: Kind, rows: Iterable[tuple]) -> Iterator[list[Any]]:
    """Stored values as CSV fields: None empty, floats without an exponent, formula-like
    text quoted (:func:`ekbist.textcells.csv_field`); everything else as stored."""
    from ekbist.textcells import FORMULA_STARTS

    texts = [i for i, c in enumerate(kind.columns) if c.type in ("text", "code")]
    floats = [i for i, c in enumerate(kind.columns) if c.type == "number"]
    booleans = [i for i, c in enumerate(kind.columns) if c.type == "boolean"]
    for row in rows:
        out = ["" if v is None else v for v in row]
        for i in texts:
            value = out[i]
            if value.__class__ is str and value.startswith(FORMULA_STARTS):
                out[i] = "'" + value
        for i in floats:
            value = out[i]
            if value.__class__ is float:
                out[i] = _float_text(value)
        for i in booleans:
            if out[i] != "":
                out[i] = int(bool(out[i]))
        yield out


def _float_text(value: float) -> str:
    text = repr(value)
    if "e" in text or "E" in text:
        text = f"{value:.20f}".rstrip("0").rstrip(".")
    return text.removesuffix(".0")


def write_csv(path: Path, kind: Kind, rows: Iterable[tuple]) -> None:
    """``rows`` of ``kind`` as the new CSV file ``path``, whole or not at all."""
    from ekbist import files

    from ekbist.textcells import write_csv_records

    with files.writing(path, mode="w") as fh:
        write_csv_records(fh, itertools.chain([[c.key for c in kind.columns]],
                                              csv_rows(kind, rows)))


def export(store: Store, name: str, path: Path | str, *, date_from: date | None = None,
           date_to: date | None = None, today: date | None = None,
           progress: Callable[[int, int], None] | None = None,
           sheet_rows: int | None = None) -> list[dict[str, Any]]:
    """Write kind ``name`` (or ``all``) to the new file ``path``;
    [{kind, sheet, rows, sheets: [(sheet, rows), …]}].

    An .xlsx file gets a sheet per kind, continued on "Name (2)" … beyond ``sheet_rows``
    rows a sheet (:data:`SHEET_ROWS`, Excel's limit, unless a test asks for fewer); a .csv
    file holds one kind,
    whatever its number of rows. ``progress(rows written, rows in all)`` is called now and
    then, for a progress bar.
    """
    path = check_target(Path(path), SUFFIXES)
    chosen = selected(name)
    as_csv = path.suffix.lower() == ".csv"
    if as_csv and len(chosen) != 1:
        raise EkbistError(_("{path}: a CSV file holds one kind — export one kind to it, or all "
                            "kinds to an .xlsx file").format(path=path))
    written = []
    with store.snapshot():
        sources = [(kind, *records(store, kind, date_from=date_from, date_to=date_to, today=today))
                   for kind in chosen]
        total, done = sum(count for _kind, count, _rows in sources), 0
        if as_csv:
            kind, count, rows = sources[0]
            if progress:
                rows = _reporting(rows, done, total, progress)
            write_csv(path, kind, rows)
            return [{"kind": kind.name, "sheet": kind.sheet(), "rows": count,
                     "sheets": [(kind.sheet(), count)]}]
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        for kind, count, rows in sources:
            if progress:
                rows = _reporting(rows, done, total, progress)
            sheets = write_sheets(workbook, kind, count, rows, sheet_rows=sheet_rows)
            done += count
            written.append({"kind": kind.name, "sheet": kind.sheet(), "rows": count,
                            "sheets": sheets})
    save_new(workbook, path)
    return written


def _reporting(rows: Iterable[tuple], done: int, total: int,
               progress: Callable[[int, int], None], every: int = 5000) -> Iterator[tuple]:
    progress(done, total)
    for row in rows:
        yield row
        done += 1
        if done % every == 0:
            progress(done, total)
    progress(done, total)
