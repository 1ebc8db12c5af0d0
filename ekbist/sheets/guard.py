"""Hostile and odd workbooks: look at what a file really holds before reading it.

python-calamine reads a sheet into one dense block from its first to its farthest
cell, so a 3 KB .xlsx with one stray cell at XFD1048576 asks for half a terabyte.
Before calamine sees an .xlsx or .xlsm file, its sheets are scanned here, streaming
the XML in chunks (never trusting the declared ``<dimension>``): only cells that hold
a value count, and the scan refuses, naming the cell,

- a value beyond :data:`MAX_COLUMNS` columns or :data:`MAX_ROWS` rows;
- a sheet whose block would be far bigger than its data (a stray cell far away):
  the block may hold at most :data:`MAX_SPARSE_AREA` cells unless most of them are
  filled;
- a formula without a saved value (a file written by a script and never opened in
  Excel or LibreOffice): calamine would read it as empty and a default would be
  stored instead of the value.

A first pass counts cells, rows and the widest column with C-speed byte scans (about a
third of calamine's own read of the same sheet); only a sheet those bounds call too big
or too sparse, or one holding formulas, is then scanned cell by cell.

Every other format is checked after reading, by the size of what was read.
"""

from __future__ import annotations

import html
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ekbist.errors import EkbistError, ValidationErrors
from ekbist.i18n import _

MAX_ROWS = 1_048_576
MAX_COLUMNS = 200
# A sheet's block (rows × columns from A1) may be this big whatever it holds; beyond it,
# at least a quarter of the block must be filled.
MAX_SPARSE_AREA = 4_000_000
CHUNK = 1 << 20
MAX_LISTED = 20

_TOKEN = re.compile(rb"<row\b([^>]*)>|<c\b([^>]*?)(/>|>(.*?)</c>)", re.S)
_REF = re.compile(rb'\br="([A-Z]{1,3})(\d{1,7})"')
_ROW_NUMBER = re.compile(rb'\br="(\d{1,7})"')
_TYPE = re.compile(rb'\bt="([a-zA-Z]+)"')
_VALUE = re.compile(rb"<v>([^<]*)</v>|<is>", re.S)


@dataclass
class SheetScan:
    name: str
    cells: int = 0
    max_row: int = 0          # 1-based, of cells with a value
    max_col: int = 0
    farthest: str = ""        # the cell that set max_row or max_col last


def column_number(letters: str) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ord(ch) - 64
    return number


def _letters(number: int) -> str:
    text = ""
    while number:
        number, rest = divmod(number - 1, 26)
        text = chr(65 + rest) + text
    return text


def _sheet_members(book: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(sheet name, zip member) in workbook order, from workbook.xml and its relationships."""
    workbook = book.read("xl/workbook.xml")
    rels = book.read("xl/_rels/workbook.xml.rels")
    targets = {}
    for match in re.finditer(rb"<Relationship\b[^>]*>", rels):
        tag = match.group()
        rel_id = re.search(rb'\bId="([^"]*)"', tag)
        target = re.search(rb'\bTarget="([^"]*)"', tag)
        if rel_id and target:
            path = target.group(1).decode("utf-8", "replace")
            path = path.lstrip("/") if path.startswith("/") else "xl/" + path
            targets[rel_id.group(1)] = path
    found = []
    for match in re.finditer(rb"<sheet\b[^>]*>", workbook):
        tag = match.group()
        name = re.search(rb'\bname="([^"]*)"', tag)
        rel_id = re.search(rb'\br:id="([^"]*)"', tag) or re.search(rb'\bid="([^"]*)"', tag)
        if name and rel_id and rel_id.group(1) in targets:
            found.append((html.unescape(name.group(1).decode("utf-8", "replace")),
                          targets[rel_id.group(1)]))
    return found


def _cell_name(sheet: str, row: int, col: int) -> str:
    from ekbist.sheets.cells import cell_name

    return cell_name(sheet, row - 1, col - 1)


def _scan_sheet(book: zipfile.ZipFile, name: str, member: str, problems: list[str]) -> SheetScan:
    scan = SheetScan(name)
    row, col = 0, 0
    buffer = b""
    with book.open(member) as stream:
        while True:
            chunk = stream.read(CHUNK)
            buffer += chunk
            if chunk:
                cut = buffer.rfind(b"<row", 0, max(0, len(buffer) - 1))
                if cut <= 0:
                    continue
                part, buffer = buffer[:cut], buffer[cut:]
            else:
                part, buffer = buffer, b""
            for token in _TOKEN.finditer(part):
                row_attrs, cell_attrs, closing, content = token.groups()
                if row_attrs is not None:
                    number = _ROW_NUMBER.search(row_attrs)
                    row = int(number.group(1)) if number else row + 1
                    col = 0
                    continue
                ref = _REF.search(cell_attrs)
                if ref:
                    col, row = column_number(ref.group(1).decode()), int(ref.group(2))
                else:
                    col += 1
                if closing == b"/>" or content is None:
                    continue
                value = _VALUE.search(content)
                has_value = value is not None and (value.group(0) == b"<is>" or value.group(1))
                if b"<f" in content and not has_value:
                    kind = _TYPE.search(cell_attrs)
                    if not (kind and kind.group(1) == b"str" and value is not None):
                        if len(problems) < MAX_LISTED:
                            problems.append(_(
                                "{cell}: a formula without a saved value — open the file in "
                                "Excel or LibreOffice and save it, then import it again"
                            ).format(cell=_cell_name(name, row, col)))
                        continue
                if not has_value:
                    continue
                scan.cells += 1
                if col > MAX_COLUMNS or row > MAX_ROWS:
                    raise EkbistError(_(
                        "{cell}: beyond the {rows} rows × {columns} columns (column {last}) "
                        "ekbist reads — delete what is there and save the file again"
                    ).format(cell=_cell_name(name, row, col), rows=f"{MAX_ROWS:,}".replace(",", " "),
                             columns=MAX_COLUMNS, last=_letters(MAX_COLUMNS)))
                if row > scan.max_row or col > scan.max_col:
                    scan.max_row = max(scan.max_row, row)
                    scan.max_col = max(scan.max_col, col)
                    scan.farthest = _cell_name(name, row, col)
            if not chunk:
                break
    return scan


_ROW_REF = re.compile(rb'<row\b[^>]*?\br="(\d{1,9})"')
_LONG_REF = re.compile(rb'\br="[A-Z]{2,3}\d')
_VALUED_2 = re.compile(rb'<c\b[^>]*?\br="([A-Z]{2})(\d{1,9})"[^>/]*>')
_VALUED_3 = re.compile(rb'<c\b[^>]*?\br="([A-Z]{3})(\d{1,9})"[^>/]*>')


def _quick_bounds(book: zipfile.ZipFile, member: str) -> tuple[int, int, int, bool]:
    """(cells, rows at most, columns at most, has formulas): C-speed scans, no per-cell Python.

    The bounds may be too high (formatted empty cells count) but never too low; only a
    sheet they call too big or too sparse, or one with formulas, is scanned cell by cell.
    """
    cells, max_row, max_col, formulas = 0, 0, 0, False
    tail = b""
    with book.open(member) as stream:
        while True:
            chunk = stream.read(CHUNK * 8)
            part = tail + chunk
            # Keep the last few bytes for the next round: a tag may be cut in two.
            cut = max(0, len(part) - 64) if chunk else len(part)
            cut = part.rfind(b"<", 0, cut) if chunk and part.rfind(b"<", 0, cut) > 0 else cut
            scan, tail = part[:cut], part[cut:]
            opened = scan.count(b"<c ")
            cells += opened + scan.count(b"<c>")
            formulas = formulas or b"<f" in scan
            rows = _ROW_REF.findall(scan)
            if rows:
                max_row = max(max_row, max(map(int, rows)))
            if b"<c>" in scan or scan.count(b'<c r="') != opened:
                max_col = 16_384  # cells without a reference: no cheap bound
            elif _LONG_REF.search(scan):
                for pattern in (_VALUED_3, _VALUED_2):
                    found = pattern.findall(scan)
                    if found:
                        max_col = max(max_col, max(column_number(c.decode()) for c, _r in found))
                        break
                max_col = max(max_col, 26)
            elif scan:
                max_col = max(max_col, 26)
            if not chunk:
                break
    return cells, max_row, max_col, formulas


def check_xlsx(path: Path) -> list[SheetScan]:
    """Scan every sheet of an .xlsx/.xlsm file; raise on what calamine must not be given.

    A file that is not a readable zip is left to calamine, which names what is wrong.
    """
    try:
        book = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        return []
    problems: list[str] = []
    scans = []
    with book:
        try:
            members = _sheet_members(book)
        except (KeyError, zipfile.BadZipFile, OSError, ValueError):
            return []
        for name, member in members:
            try:
                cells, rows, columns, formulas = _quick_bounds(book, member)
                if (not formulas and columns <= MAX_COLUMNS and rows <= MAX_ROWS
                        and (rows * columns <= MAX_SPARSE_AREA or cells * 4 >= rows * columns)):
                    scans.append(SheetScan(name, cells, rows, columns))
                    continue
                scan = _scan_sheet(book, name, member, problems)
            except (KeyError, zipfile.BadZipFile, OSError, ValueError, EOFError):
                continue  # calamine will report the broken part
            area = scan.max_row * scan.max_col
            if area > MAX_SPARSE_AREA and scan.cells * 4 < area:
                raise EkbistError(_(
                    "{cell}: a cell far from the rest of the sheet ({cells} cells filled, "
                    "spread over {rows} rows × {columns} columns) — delete the stray cells "
                    "and save the file again"
                ).format(cell=scan.farthest, cells=scan.cells, rows=scan.max_row,
                         columns=scan.max_col))
            scans.append(scan)
    if problems:
        raise ValidationErrors(problems)
    return scans


def check_size(sheet: str, rows: int, columns: int) -> None:
    """Refuse a sheet read some other way (.xls, .ods, CSV) that is larger than ekbist reads."""
    if rows > MAX_ROWS or columns > MAX_COLUMNS:
        raise EkbistError(_(
            "sheet '{sheet}': {rows} rows × {columns} columns — ekbist reads at most "
            "{max_rows} rows × {max_columns} columns"
        ).format(sheet=sheet, rows=rows, columns=columns,
                 max_rows=f"{MAX_ROWS:,}".replace(",", " "), max_columns=MAX_COLUMNS))
