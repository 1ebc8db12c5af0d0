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
:mod:`ekbist.sheets.numbers`, which understands both decimal marks.
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


def column_letter(index: int) -> str:
    """0 → 'A', 25 → 'Z', 26 → 'AA'."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_name(sheet: str, row: int, col: int) -> str:
    """'Sheet!C7' for 0-based ``row`` and ``col``; quoted like Excel when the name has spaces."""
    name = f"'{sheet}'" if any(not (ch.isalnum() or ch == "_") for ch in sheet) else sheet
    return f"{name}!{column_letter(col)}{row + 1}"


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

    try:
        with CalamineWorkbook.from_path(str(path)) as workbook:
            sheets = []
            for index, name in enumerate(workbook.sheet_names):
                rows = workbook.get_sheet_by_index(index).to_python(skip_empty_area=False)
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
    """CSV bytes as text: UTF-8 with or without BOM, else Windows-1252 (Swedish Excel)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


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
    text = decode(path.read_bytes())
    delimiter = sniff_delimiter(text)
    rows = [list(row) for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    width = max((len(row) for row in rows), default=0)
    for row in rows:
        if len(row) < width:
            row.extend([""] * (width - len(row)))
    return Sheet(path.stem, rows)
