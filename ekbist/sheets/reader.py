"""Reading workbooks and CSV files into plain rows of cell values.

Spreadsheets (.xlsx, .xlsm, .xls, .ods) are read with python-calamine, which parses
in Rust and is several times faster than openpyxl; every sheet comes back as a
rectangular list of rows starting at cell A1, so a row's index plus one is its
row number in the program and problems can name the exact cell.

CSV comes in two dialects in a Swedish office: UTF-8 (with or without the byte
order mark Excel adds for "CSV UTF-8") separated by commas, and what Swedish Excel
writes by default — semicolons, decimal commas and Windows-1252. The encoding is
found from the bytes (BOM, else valid UTF-8, else Windows-1252) and the separator
from the header lines; the numbers themselves are read later, per column, by
:mod:`ekbist.number_text`, which understands both decimal marks.

A CSV file is read as a stream (:func:`csv_pieces`): one pass checks its encoding
without keeping it, the next gives its rows in pieces of :data:`CSV_PIECE_ROWS`, so a
city's 1.3 million applications are never all in memory as text. CSV has no row
limit (a sheet's 1 048 576 rows are Excel's, not the format's); a line wider than
:data:`ekbist.sheets.guard.MAX_COLUMNS` fields is refused. A field that begins with a
single quote before ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read
without the quote: that is how ekbist's CSV export (and the OWASP advice on CSV
injection) keeps such text from being run by a spreadsheet.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ekbist.errors import EkbistError
from ekbist.i18n import _
from ekbist.number_text import grouped

SPREADSHEETS = (".xlsx", ".xlsm", ".xls", ".ods")
READABLE = (*SPREADSHEETS, ".csv")
# Rows of a CSV file per piece: about 5–20 MB of Python objects for a table of ten columns.
CSV_PIECE_ROWS = 50_000
_BLOCK = 4 * 1024 * 1024


@dataclass
class Sheet:
    """One sheet: its name and its rows from A1 (empty cells are '' or None)."""

    name: str
    rows: list[list[Any]]


def read(path: Path) -> list[Sheet]:
    """Every sheet of the workbook or CSV file at ``path``."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in READABLE:
        raise EkbistError(
            _("{path}: cannot import this kind of file (use {kinds})").format(
                path=path, kinds=", ".join(READABLE)
            )
        )
    _check_file(path)
    if suffix == ".csv":
        return [read_csv(path)]
    return read_spreadsheet(path)


def _check_file(path: Path) -> None:
    if not path.is_file():
        raise EkbistError(_("{path}: no such file").format(path=path))


def read_spreadsheet(path: Path) -> list[Sheet]:
    from python_calamine import CalamineError, CalamineWorkbook

    from ekbist.sheets import guard

    # Never let calamine size a sheet by a stray far cell or inflate a zip bomb: look at
    # the zip and its XML first (.xlsx, .xlsm, .ods; an .xls is not a zip).
    guard.check_workbook(path)
    try:
        with CalamineWorkbook.from_path(str(path)) as workbook:
            sheets = []
            for index, name in enumerate(workbook.sheet_names):
                calamine_sheet = workbook.get_sheet_by_index(index)
                end_row, end_col = calamine_sheet.end or (0, 0)
                guard.check_size(name, end_row + 1 if calamine_sheet.height else 0,
                                 end_col + 1 if calamine_sheet.width else 0)
                rows = calamine_sheet.to_python(skip_empty_area=False)
                sheets.append(Sheet(name, rows))
            return sheets
    except (CalamineError, ValueError, OSError) as exc:
        raise guard.broken_part(path) or EkbistError(
            _("{path}: cannot read the workbook ({reason})").format(
                path=path, reason=str(exc) or type(exc).__name__)) from None
    except BaseException as exc:  # calamine raises pyo3 panics for some broken files
        if type(exc).__name__ == "PanicException":
            raise guard.broken_part(path) or EkbistError(
                _("{path}: cannot read the workbook ({reason})").format(
                    path=path, reason=str(exc))) from None
        raise


def _attempts(head: bytes, declared: str | None = None) -> list[tuple[str, int]]:
    """The encodings a CSV file beginning with ``head`` is tried in, in order, each with
    the bytes of byte order mark to skip: UTF-8 with BOM, UTF-16 with BOM, else the
    ``declared`` one (a source's rules) alone, else UTF-8, and Windows-1252 when UTF-8 fails."""
    if head.startswith(b"\xef\xbb\xbf"):
        return [("utf-8", 3), ("cp1252", 3)]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return [("utf-16", 0)]
    if declared is not None:
        return [(declared, 0)]
    return [("utf-8", 0), ("cp1252", 0)]


def _not_text() -> str:
    return _("the file is neither UTF-8, UTF-16 nor Windows-1252 text — save it as CSV UTF-8 "
             "and import it again")


def decode(data: bytes) -> str:
    """CSV bytes as text: UTF-8, UTF-8 with BOM, UTF-16 with BOM, else Windows-1252.

    Nothing is replaced silently: bytes that none of them can read are refused.
    """
    for encoding, skip in _attempts(data[:4]):
        try:
            return data[skip:].decode(encoding)
        except UnicodeDecodeError:
            continue
    raise EkbistError(_not_text())


def _csv_reason(exc: Exception) -> str:
    if "field larger than field limit" in str(exc):
        return _("a field longer than {n} characters").format(
            n=grouped(csv.field_size_limit()))
    return str(exc)


def sniff_delimiter(text: str) -> str:
    """The separator of the first non-empty lines: ';', tab or ','."""
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    best, best_score = ",", 0
    for delimiter in (";", "\t", ","):
        counts = [line.count(delimiter) for line in lines]
        score = max(counts, default=0)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _encoding(path: Path, declared: str | None = None) -> tuple[str, int, bool]:
    """(encoding, bytes to skip, whether any field may start with a quote) of a CSV file.

    The same choice as :func:`decode` — BOM, else the declared encoding if any, else valid
    UTF-8, else Windows-1252 — made by decoding the file block by block, so a big file is
    never whole in memory.
    NUL characters are refused.
    """
    with open(path, "rb") as fh:
        head = fh.read(4)
    attempts = _attempts(head, declared)
    for encoding, skip in attempts:
        decoder = codecs.getincrementaldecoder(encoding)("strict")
        quote = False
        try:
            with open(path, "rb") as fh:
                fh.seek(skip)
                while True:
                    block = fh.read(_BLOCK)
                    text = decoder.decode(block, final=not block)
                    if "\x00" in text:
                        raise EkbistError(_("{path}: holds NUL characters — not a text file")
                                          .format(path=path))
                    quote = quote or "'" in text
                    if not block:
                        break
        except UnicodeDecodeError:
            continue
        return encoding, skip, quote
    if declared is not None and attempts == [(declared, 0)]:
        raise EkbistError(_("{path}: not {encoding} text, as the rules file says it is").format(
            path=path, encoding=declared))
    raise EkbistError("{path}: {reason}".format(path=path, reason=_not_text()))


def _unquoted(rows: list[list[str]]) -> None:
    """Take off the quote ekbist's CSV export puts before formula-like text ("'=…")."""
    from ekbist.textcells import FORMULA_STARTS

    for row in rows:
        for i, cell in enumerate(row):
            if cell[:1] == "'" and cell[1:2] and cell[1:].startswith(FORMULA_STARTS):
                row[i] = cell[1:]


def _pad(rows: list[list[str]], width: int) -> None:
    if not rows or min(map(len, rows)) >= width:
        return
    for row in rows:
        if len(row) < width:
            row.extend([""] * (width - len(row)))


def csv_pieces(path: Path, *, piece_rows: int | None = None, encoding: str | None = None,
               delimiter: str | None = None) -> Iterator[tuple[int, list[list[str]]]]:
    """The rows of the CSV file at ``path`` as (index of the first row, rows) pieces.

    Each piece holds at most ``piece_rows`` rows (:data:`CSV_PIECE_ROWS` unless a test asks
    for fewer), padded with '' to its widest row. ``encoding`` and ``delimiter`` are a
    source's rules (:mod:`ekbist.sheets.extract_rules`): given, they are used instead of
    found (a byte order mark still says UTF-8 or UTF-16, whatever the rules say).
    Problems name the file and line; nothing is read before the first piece is asked for.
    """
    from ekbist.sheets import guard

    path = Path(path)
    piece_rows = CSV_PIECE_ROWS if piece_rows is None else max(piece_rows, 1)
    _check_file(path)
    encoding, skip, quote = _encoding(path, encoding)
    if delimiter is None:
        with open(path, "rb") as raw:
            raw.seek(skip)
            sample = io.TextIOWrapper(raw, encoding=encoding, newline="")
            delimiter = sniff_delimiter(sample.read(64 * 1024))
            sample.detach()
    with open(path, "rb") as raw:
        raw.seek(skip)
        text = io.TextIOWrapper(raw, encoding=encoding, newline="")
        reader = csv.reader(text, delimiter=delimiter)
        first = 0
        rows: list[list[str]] = []
        width = 0
        try:
            for row in reader:
                rows.append(row)
                if len(row) > width:
                    width = len(row)
                    if width > guard.MAX_COLUMNS:
                        raise EkbistError(_(
                            "{path}: line {line}: {columns} columns — ekbist reads at most "
                            "{max_columns} columns").format(path=path, line=reader.line_num,
                                                            columns=width,
                                                            max_columns=guard.MAX_COLUMNS))
                if len(rows) >= piece_rows:
                    if quote:
                        _unquoted(rows)
                    _pad(rows, width)
                    yield first, rows
                    first += len(rows)
                    rows, width = [], 0
        except csv.Error as exc:
            raise EkbistError(_("{path}: line {line}: {reason}").format(
                path=path, line=reader.line_num, reason=_csv_reason(exc))) from None
        if rows:
            if quote:
                _unquoted(rows)
            _pad(rows, width)
            yield first, rows


def read_csv(path: Path) -> Sheet:
    """The whole CSV file at ``path`` as one sheet named after the file (see :func:`csv_pieces`)."""
    rows: list[list[str]] = []
    for _first, piece in csv_pieces(path):
        rows.extend(piece)
    _pad(rows, max(map(len, rows), default=0))
    return Sheet(Path(path).stem, rows)
