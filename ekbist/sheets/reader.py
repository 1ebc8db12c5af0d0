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
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ekbist.errors import EkbistError
from ekbist.i18n import _

SPREADSHEETS = (".xlsx", ".xlsm", ".xls", ".ods")
READABLE = (*SPREADSHEETS, ".csv")


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
    if not path.is_file():
        raise EkbistError(_("{path}: no such file").format(path=path))
    if suffix == ".csv":
        return [read_csv(path)]
    return read_spreadsheet(path)


def read_spreadsheet(path: Path) -> list[Sheet]:
    from python_calamine import CalamineError, CalamineWorkbook

    from ekbist.sheets import guard

    if path.suffix.lower() in (".xlsx", ".xlsm"):
        # Never let calamine size a sheet by a stray far cell: look at the XML first.
        guard.check_xlsx(path)
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
        raise EkbistError(_("{path}: cannot read the workbook ({reason})").format(
            path=path, reason=str(exc) or type(exc).__name__)) from None
    except BaseException as exc:  # calamine raises pyo3 panics for some broken files
        if type(exc).__name__ == "PanicException":
            raise EkbistError(_("{path}: cannot read the workbook ({reason})").format(
                path=path, reason=str(exc))) from None
        raise


def decode(data: bytes) -> str:
    """CSV bytes as text: UTF-8, UTF-8 with BOM, UTF-16 with BOM, else Windows-1252.

    Nothing is replaced silently: bytes that none of them can read are refused.
    """
    attempts: list[tuple[bytes, str]] = []
    if data.startswith(b"\xef\xbb\xbf"):
        attempts = [(data[3:], "utf-8"), (data[3:], "cp1252")]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        attempts = [(data, "utf-16")]
    else:
        attempts = [(data, "utf-8"), (data, "cp1252")]
    for payload, encoding in attempts:
        try:
            return payload.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise EkbistError(_("the file is neither UTF-8, UTF-16 nor Windows-1252 text — save it as "
                        "CSV UTF-8 and import it again"))


def _csv_reason(exc: Exception) -> str:
    if "field larger than field limit" in str(exc):
        return _("a field longer than {n} characters").format(
            n=f"{csv.field_size_limit():,}".replace(",", " "))
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


def read_csv(path: Path) -> Sheet:
    from ekbist.sheets import guard

    try:
        text = decode(path.read_bytes())
    except EkbistError as exc:
        raise EkbistError(f"{path}: {exc}") from None
    if "\x00" in text:
        raise EkbistError(_("{path}: holds NUL characters — not a text file").format(path=path))
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[str]] = []
    try:
        for row in reader:
            rows.append(row)
            if len(rows) > guard.MAX_ROWS or len(row) > guard.MAX_COLUMNS:
                guard.check_size(path.stem, len(rows), len(row))
    except csv.Error as exc:
        raise EkbistError(_("{path}: line {line}: {reason}").format(
            path=path, line=reader.line_num, reason=_csv_reason(exc))) from None
    width = max((len(row) for row in rows), default=0)
    for row in rows:
        if len(row) < width:
            row.extend([""] * (width - len(row)))
    return Sheet(path.stem, rows)
