"""Hostile and odd workbooks: look at what a file really holds before reading it.

python-calamine reads a sheet into one dense block from its first to its farthest cell, and
it inflates every part of the zip it needs whole, so a 3 KB .xlsx with one stray cell at
XFD1048576 asks for half a terabyte, and a 1 MB file holding a 1 GiB text cell asks for
gigabytes. Before calamine sees an .xlsx, .xlsm or .ods file, :func:`check_workbook` reads
the zip itself, part by part, and refuses, naming the file and the part or the cell:

- what the archive is: a zip that cannot be read, a part that expands beyond the bounds or
  like a zip bomb (:mod:`ekbist.sheets.zip_parts`);
- what its XML holds: XML that is not well-formed, a text longer than Excel allows, a cell
  beyond the rows and columns ekbist reads or far from the rest, cells packed tighter than
  real data, a formula without a saved value (:mod:`ekbist.sheets.sheet_xml`, and
  :mod:`ekbist.sheets.xml_events` for what is read element by element).

An .xls file is not a zip: its sheets' declared sizes are checked first
(:mod:`ekbist.sheets.xls_dimensions`), then calamine reads it and names what is wrong. Every format is
also checked after reading, by the size of what was read (:func:`check_size`).
"""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Iterator
from pathlib import Path

from ekbist.errors import EkbistError, ValidationErrors
from ekbist.i18n import _
from ekbist.sheets import sheet_xml
from ekbist.sheets.sheet_xml import (MAX_COLUMNS, MAX_ROWS, NotPlain, Sheet, SheetScan,
                                     Unsure, cell_at, count_elements, parse, quick_cells,
                                     scan_plain, well_formed)
from ekbist.sheets.xml_events import scan_expat, scan_ods, scan_strings
from ekbist.sheets.xls_dimensions import check_dimensions
from ekbist.sheets.zip_parts import RATIO_FLOOR, ZIP_ERRORS, inflate, open_parts, spaced

__all__ = ["MAX_COLUMNS", "MAX_ROWS", "RATIO_FLOOR", "SheetScan", "broken_part", "check_size",
           "check_workbook", "check_zip"]

# Sheets up to this size are also read by expat for well-formedness; a bigger one must
# at least close its sheetData and worksheet and balance its '<' and '>'.
WELL_FORMED_CHECK = 16 << 20
MAX_SHEETS = 65_536

_SPREADSHEET_ZIPS = (".xlsx", ".xlsm", ".ods")


# -- which part is what ------------------------------------------------------------------------

def _elements(path: Path, raw, info: zipfile.ZipInfo, wanted: str) -> list[dict[str, str]]:
    """{local attribute name: value} of every ``wanted`` element (by local name) of a part."""
    found: list[dict[str, str]] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        if name.rpartition(":")[2] == wanted:
            if len(found) >= MAX_SHEETS:
                raise EkbistError(_("{path}: part {part} lists more than {n} sheets").format(
                    path=path, part=info.filename, n=spaced(MAX_SHEETS)))
            found.append({key.rpartition(":")[2]: value for key, value in attrs.items()})

    parse(path, info.filename, inflate(path, raw, info), start=start)
    return found


def _sheet_parts(path: Path, raw, by_name: dict[str, zipfile.ZipInfo]) -> dict[str, str]:
    """{zip part: sheet name} from xl/workbook.xml and its relationships (may be empty)."""
    workbook = by_name.get("xl/workbook.xml")
    rels = by_name.get("xl/_rels/workbook.xml.rels")
    if workbook is None or rels is None:
        return {}
    targets: dict[str, str] = {}
    for attrs in _elements(path, raw, rels, "Relationship"):
        if "Id" in attrs and "Target" in attrs:
            target = attrs["Target"].replace("\\", "/")
            target = target.lstrip("/") if target.startswith("/") else "xl/" + target
            targets[attrs["Id"]] = posixpath.normpath(target)
    found: dict[str, str] = {}
    for attrs in _elements(path, raw, workbook, "sheet"):
        if attrs.get("id") in targets:
            found[targets[attrs["id"]]] = attrs.get("name", "")
    return found


# -- the whole file ----------------------------------------------------------------------------

_checked: dict[tuple, list[SheetScan]] = {}


def check_workbook(path: Path) -> list[SheetScan]:
    """Read every part of an .xlsx, .xlsm or .ods file; raise on what calamine must not be given.

    Returns the scan of every sheet found (in the order of the zip). A file already checked
    unchanged in this process is not read again.
    """
    path = Path(path)
    if path.suffix.lower() == ".xls" and path.is_file():
        check_dimensions(path)
        return []
    if path.suffix.lower() not in _SPREADSHEET_ZIPS or not path.is_file():
        return []           # the reader names what is wrong with the path
    try:
        stat = path.stat()
        key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns, stat.st_ino)
    except OSError:
        key = None
    if key is not None and key in _checked:
        return _checked[key]
    scans = _check(path)
    if key is not None:
        _checked.clear()
        _checked[key] = scans
    return scans


def _check(path: Path) -> list[SheetScan]:
    problems: list[str] = []
    scans: list[SheetScan] = []
    ods = path.suffix.lower() == ".ods"
    with open_parts(path) as (infos, raw):
        sheets = {} if ods else _sheet_parts(path, raw, {info.filename: info for info in infos})
        for info in infos:
            name = info.filename
            chunks = inflate(path, raw, info)
            lower = name.lower()
            if ods and lower == "content.xml":
                scans.extend(scan_ods(path, name, info.compress_size, problems, chunks,
                                      info.file_size, _count(path, raw, info)))
            elif ods:
                if lower.endswith(".xml"):
                    parse(path, name, chunks)
                else:
                    _drain(chunks)
            elif lower.endswith("sharedstrings.xml"):
                scan_strings(path, name, chunks, info.file_size, _count(path, raw, info))
            elif name in sheets or (lower.startswith("xl/worksheets/")
                                    and lower.endswith(".xml")):
                scans.append(_scan_sheet(path, raw, info, sheets.get(name, name), problems))
            elif lower.endswith((".xml", ".rels")):
                parse(path, name, chunks)
            else:
                _drain(chunks)
    if problems:
        raise ValidationErrors(problems)
    return scans


def _count(path: Path, raw, info: zipfile.ZipInfo) -> int:
    """The elements of a part that expat must read one by one, counted at C speed first
    (a part within the byte bound only: a bigger one is refused without being read)."""
    if info.file_size > sheet_xml.MAX_SLOW_BYTES:
        return 0
    return count_elements(inflate(path, raw, info))


def _drain(chunks: Iterator[bytes]) -> None:
    for _chunk in chunks:
        pass


def _scan_sheet(path: Path, raw, info: zipfile.ZipInfo, name: str,
                problems: list[str]) -> SheetScan:
    sheet = Sheet(path, info.filename, name, info.compress_size, problems)
    try:
        chunks = inflate(path, raw, info)
        if info.file_size <= WELL_FORMED_CHECK:
            chunks = well_formed(path, info.filename, chunks)
        scan_plain(sheet, chunks, quick_cells)
        if sheet.scan.cells:
            sheet.scan.farthest = cell_at(name, sheet.scan.max_row, sheet.scan.max_col)
        return sheet.scan
    except (NotPlain, Unsure):
        pass
    sheet = Sheet(path, info.filename, name, info.compress_size, problems)
    listed = len(problems)
    try:
        scan_plain(sheet, inflate(path, raw, info))
    except NotPlain:
        del problems[listed:]
        sheet = Sheet(path, info.filename, name, info.compress_size, problems)
        scan_expat(sheet, inflate(path, raw, info), info.file_size, _count(path, raw, info))
    return sheet.finish()


def check_zip(path: Path) -> None:
    """The zip-level half of the guard, for a workbook ekbist opens with openpyxl rather
    than calamine (the controller's template): every part inflated within the bounds and
    checksummed, every XML part well-formed. Its cells are not judged."""
    path = Path(path)
    with open_parts(path) as (infos, raw):
        for info in infos:
            chunks = inflate(path, raw, info)
            if info.filename.lower().endswith((".xml", ".rels")):
                parse(path, info.filename, chunks)
            else:
                _drain(chunks)


def broken_part(path: Path) -> EkbistError | None:
    """After calamine failed on a zip workbook: the part whose XML is broken, if one is.

    Only called on failure, so it may read every part with expat.
    """
    path = Path(path)
    if path.suffix.lower() not in _SPREADSHEET_ZIPS:
        return None
    try:
        with zipfile.ZipFile(path) as book, open(path, "rb") as raw:
            for info in book.infolist():
                if info.filename.lower().endswith((".xml", ".rels")):
                    try:
                        parse(path, info.filename, inflate(path, raw, info))
                    except EkbistError as exc:
                        return exc
    except ZIP_ERRORS:
        return None
    return None


def check_size(sheet: str, rows: int, columns: int) -> None:
    """Refuse a sheet read some other way (.xls, .ods, CSV) that is larger than ekbist reads."""
    if rows > MAX_ROWS or columns > MAX_COLUMNS:
        raise EkbistError(_(
            "sheet '{sheet}': {rows} rows × {columns} columns — ekbist reads at most "
            "{max_rows} rows × {max_columns} columns"
        ).format(sheet=sheet, rows=rows, columns=columns,
                 max_rows=spaced(MAX_ROWS), max_columns=MAX_COLUMNS))
