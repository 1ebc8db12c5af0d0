"""Reading a sheet in chunks of rows, so that a city-size workbook fits in bounded memory.

python-calamine parses a whole sheet into memory before it gives back the first row
(its ``iter_rows`` walks a range that is already complete): for the city's 1.3 million
applications that is about 1 GB at the peak before ekbist has converted a single cell.
A big .xlsx sheet is therefore cut into pieces: its XML is decompressed as a stream and
split between ``</row>`` and ``<row>`` tags, and each piece — the sheet's own opening
(columns, views), a slice of its rows, and the closing tags — goes into a small
in-memory copy of the workbook (same styles, same shared strings, same workbook part)
that python-calamine reads as usual. Every cell is thus read by the same parser, with
the same types, dates and shared strings, as a small workbook's; rows keep their
numbers from the ``r`` attribute, so problems still name the real cell.

A sheet whose rows carry no ``r`` attribute (allowed, and rare) cannot be cut this way:
it is read whole. So are .ods and .xls files, and any sheet whose XML is smaller than
:data:`SPLIT_BYTES`. A CSV file is read as a stream in pieces of rows by
:func:`ekbist.sheets.reader.csv_pieces`.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from ekbist.errors import EkbistError
from ekbist.i18n import _
from ekbist.sheets.reader import Sheet, read

# A sheet part bigger than this (uncompressed) is read in pieces of about CHUNK_BYTES of XML.
SPLIT_BYTES = 96 * 1024 * 1024
CHUNK_BYTES = 24 * 1024 * 1024
READ_BLOCK = 4 * 1024 * 1024

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_DOC_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_SHEET_DATA = re.compile(rb"<((?:[\w.-]+:)?sheetData)\b[^>]*?(/?)>")
_DIMENSION = re.compile(rb"<(?:[\w.-]+:)?dimension\b[^>]*/>")
_ROOT = re.compile(rb"<((?:[\w.-]+:)?worksheet)\b")
_ROW_END = re.compile(rb"</(?:[\w.-]+:)?row>")
_ROW_WITHOUT_NUMBER = re.compile(rb"<(?:[\w.-]+:)?row\b(?![^>]*\sr=)[^>]*>")


class _NotSplittable(Exception):
    """The sheet cannot be cut into pieces: read it whole."""


@dataclass
class ChunkedSheet:
    """A sheet read piece by piece: its name and an iterator of (first row index, rows).

    Rows are lists of cell values from column A (empty cells are ''), like
    :class:`ekbist.sheets.reader.Sheet`'s; pieces come in row order and the first row
    index is 0-based, so ``first + i`` is the sheet row of ``rows[i]``.
    """

    name: str
    pieces: Iterator[tuple[int, list[list[Any]]]]
    # A sheet whose columns are known without reading its header (a case system's report
    # that brings part of a record, :mod:`ekbist.sheets.extract`): called once the first
    # piece is read, it gives (kind, header row, {column key: column}).
    layout: Callable[[], tuple[Any, int, dict[str, int]]] | None = None


def read_in_chunks(path: Path, *, chunk_bytes: int | None = None,
                   split_bytes: int | None = None) -> Iterator[ChunkedSheet]:
    """Every sheet of ``path``, each as pieces of rows (see the module's docstring).

    A sheet's pieces must be consumed before the next sheet is asked for. The sizes
    default to :data:`CHUNK_BYTES` and :data:`SPLIT_BYTES`.
    """
    path = Path(path)
    from ekbist.sheets import guard

    # Before any part is read: a zip bomb or a far cell is refused here (read() and the
    # split below find the file already checked and do not read it twice).
    guard.check_workbook(path)
    chunk_bytes = CHUNK_BYTES if chunk_bytes is None else chunk_bytes
    split_bytes = SPLIT_BYTES if split_bytes is None else split_bytes
    if path.suffix.lower() == ".csv":
        from ekbist.sheets.reader import csv_pieces

        yield ChunkedSheet(path.stem, csv_pieces(path))
        return
    parts = _big_sheet_parts(path, split_bytes) if path.suffix.lower() in (".xlsx", ".xlsm") \
        else None
    if not parts:
        for sheet in read(path):
            yield ChunkedSheet(sheet.name, _whole(sheet))
        return
    names = _sheet_names(path)
    for name in names:
        part = parts.get(name)
        if part is None:
            yield ChunkedSheet(name, _whole(_one_sheet(path, name)))
        else:
            yield ChunkedSheet(name, _split(path, name, part, chunk_bytes))


def _whole(sheet: Sheet) -> Iterator[tuple[int, list[list[Any]]]]:
    rows = sheet.rows
    sheet.rows = []
    yield 0, rows


def _sheet_names(path: Path) -> list[str]:
    from python_calamine import CalamineWorkbook

    with CalamineWorkbook.from_path(str(path)) as workbook:
        return list(workbook.sheet_names)


def _one_sheet(path: Path, name: str) -> Sheet:
    from python_calamine import CalamineWorkbook

    with CalamineWorkbook.from_path(str(path)) as workbook:
        return Sheet(name, workbook.get_sheet_by_name(name).to_python(skip_empty_area=False))


def _big_sheet_parts(path: Path, split_bytes: int) -> dict[str, str]:
    """{sheet name: its XML part} for the sheets worth cutting; {} when none (or unreadable)."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            targets: dict[str, str] = {}
            rels = "xl/_rels/workbook.xml.rels"
            if rels not in names or "xl/workbook.xml" not in names:
                return {}
            for rel in ElementTree.fromstring(archive.read(rels)).iter(f"{_REL}Relationship"):
                target = rel.get("Target", "")
                targets[rel.get("Id", "")] = target.lstrip("/") if target.startswith("/") \
                    else f"xl/{target}"
            found = {}
            for sheet in ElementTree.fromstring(archive.read("xl/workbook.xml")).iter(
                    f"{_MAIN}sheet"):
                part = targets.get(sheet.get(f"{_DOC_REL}id", ""))
                if part in names and archive.getinfo(part).file_size > split_bytes:
                    found[sheet.get("name", "")] = part
            return found
    except (zipfile.BadZipFile, ElementTree.ParseError, KeyError, OSError):
        return {}  # the ordinary reader says what is wrong with the file


def _split(path: Path, name: str, part: str, chunk_bytes: int
           ) -> Iterator[tuple[int, list[list[Any]]]]:
    pieces = _split_pieces(path, name, part, chunk_bytes)
    try:
        first = next(pieces, None)
    except _NotSplittable:
        yield from _whole(_one_sheet(path, name))
        return
    if first is None:
        return
    yield first
    try:
        yield from pieces
    except _NotSplittable:
        raise EkbistError(_("{path}: sheet '{sheet}' numbers some rows and not others — save it "
                            "again in Excel or LibreOffice").format(path=path.name,
                                                                    sheet=name)) from None


def _split_pieces(path: Path, name: str, part: str, chunk_bytes: int
                  ) -> Iterator[tuple[int, list[list[Any]]]]:
    with zipfile.ZipFile(path) as archive:
        others = {info.filename: archive.read(info.filename) for info in archive.infolist()
                  if info.filename != part and not _is_sheet_part(info.filename)}
        sheet_parts = [n for n in archive.namelist() if _is_sheet_part(n) and n != part]
        with archive.open(part) as stream:
            buffer = b""
            opening = None
            while opening is None:
                block = stream.read(READ_BLOCK)
                buffer += block
                match = _SHEET_DATA.search(buffer)
                if match:
                    root = _ROOT.search(buffer)
                    if root is None or match.group(2):  # no rows at all: nothing to cut
                        raise _NotSplittable
                    # Without its <dimension>, each piece is sized by its own rows.
                    opening = _DIMENSION.sub(b"", buffer[:match.end()])
                    closing = b"</" + match.group(1) + b"></" + root.group(1) + b">"
                    buffer = buffer[match.end():]
                elif not block:
                    raise _NotSplittable
            done = False
            while not done:
                block = stream.read(READ_BLOCK)
                done = not block
                buffer += block
                while len(buffer) >= chunk_bytes or (done and buffer):
                    cut = _row_end_before(buffer, max(chunk_bytes, 1))
                    if cut < 0:
                        if not done:
                            break   # a row longer than a piece: read on
                        buffer = b""
                        break
                    rows_xml, buffer = buffer[:cut], buffer[cut:]
                    if _ROW_WITHOUT_NUMBER.search(rows_xml):
                        raise _NotSplittable
                    piece = _read_piece(others, sheet_parts, part, name,
                                        opening + rows_xml + closing)
                    if piece[1]:
                        yield piece


def _row_end_before(buffer: bytes, limit: int) -> int:
    """The end of the last complete row within ``limit`` bytes (or of the first one after it,
    for a row longer than a piece); -1 when the buffer holds no complete row."""
    at = buffer.rfind(b"</row>", 0, limit + 6)
    if at >= 0:
        return at + 6
    last = None
    for last in _ROW_END.finditer(buffer, 0, limit):
        pass
    if last is not None:
        return last.end()
    following = _ROW_END.search(buffer, limit)
    return following.end() if following else -1


def _is_sheet_part(name: str) -> bool:
    return name.startswith("xl/worksheets/") and name.endswith(".xml")


_EMPTY_SHEET = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                b"<sheetData/></worksheet>")


def _read_piece(others: dict[str, bytes], sheet_parts: list[str], part: str, name: str,
                xml: bytes) -> tuple[int, list[list[Any]]]:
    from python_calamine import CalamineWorkbook

    memory = io.BytesIO()
    with zipfile.ZipFile(memory, "w", zipfile.ZIP_STORED) as piece:
        for filename, data in others.items():
            piece.writestr(filename, data)
        for filename in sheet_parts:
            piece.writestr(filename, _EMPTY_SHEET)
        piece.writestr(part, xml)
    del xml
    memory.seek(0)
    with CalamineWorkbook.from_filelike(memory) as workbook:
        sheet = workbook.get_sheet_by_name(name)
        start = sheet.start
        rows = sheet.to_python(skip_empty_area=True)
    if start is None or not rows:
        return 0, []
    first_row, first_col = start
    if first_col:
        pad = [""] * first_col
        rows = [pad + row for row in rows]
    return first_row, rows


__all__ = ["ChunkedSheet", "read_in_chunks", "CHUNK_BYTES", "SPLIT_BYTES"]
