"""An .xls file's declared sheet sizes, read before calamine trusts them.

calamine sizes a sheet's block of an .xls file from the sheet's DIMENSIONS record (BIFF8
record 0x0200: first row, last row + 1, first column, last column + 1). One flipped bit
that puts the first row after the last makes it ask for hundreds of gigabytes and abort.
:func:`check_dimensions` reads the workbook stream out of the compound file (the OLE2
container of an .xls) and refuses such a record; anything it cannot follow is left to
calamine, which names what is wrong.
"""

from __future__ import annotations

import struct
from pathlib import Path

from ekbist.errors import EkbistError
from ekbist.i18n import _

_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_END = 0xFFFFFFFE
MAX_XLS_ROWS = 65_536
MAX_XLS_COLUMNS = 256


def _chain(table: list[int], start: int, limit: int) -> list[int]:
    found: list[int] = []
    seen: set[int] = set()
    at = start
    while at != _END and 0 <= at < len(table) and at not in seen and len(found) < limit:
        seen.add(at)
        found.append(at)
        at = table[at]
    return found


def _workbook_stream(data: bytes) -> bytes | None:
    """The Workbook (or Book) stream of a compound file, or None when it cannot be found."""
    if len(data) < 512 or data[:8] != _MAGIC:
        return None
    shift, mini_shift = struct.unpack_from("<HH", data, 30)
    if not 7 <= shift <= 16 or mini_shift > shift:
        return None
    size = 1 << shift
    dir_start, = struct.unpack_from("<I", data, 48)
    cutoff, minifat_start = struct.unpack_from("<II", data, 56)
    sectors = (len(data) - 512) // size + 1

    def sector(n: int) -> bytes:
        return data[512 + n * size:512 + (n + 1) * size]

    difat = [n for n in struct.unpack_from("<109I", data, 76) if n < sectors]
    fat: list[int] = []
    for n in difat:
        fat.extend(struct.unpack(f"<{size // 4}I", sector(n).ljust(size, b"\xff")))

    def stream(start: int) -> bytes:
        return b"".join(sector(n) for n in _chain(fat, start, sectors))

    directory = stream(dir_start)
    root_start = None
    for at in range(0, len(directory) - 127, 128):
        entry = directory[at:at + 128]
        name_len, = struct.unpack_from("<H", entry, 64)
        name = entry[:max(0, min(name_len, 64) - 2)].decode("utf-16-le", "replace")
        kind = entry[66]
        start, length = struct.unpack_from("<II", entry, 116)
        if kind == 5:
            root_start = start
        elif kind == 2 and name in ("Workbook", "Book"):
            if length < cutoff and root_start is not None:
                mini = 1 << mini_shift
                minifat = list(struct.unpack(f"<{len(stream(minifat_start)) // 4}I",
                                             stream(minifat_start)))
                ministream = stream(root_start)
                chain = _chain(minifat, start, len(ministream) // mini + 1)
                return b"".join(ministream[n * mini:(n + 1) * mini] for n in chain)[:length]
            return stream(start)[:length]
    return None


def check_dimensions(path: Path) -> None:
    """Refuse an .xls file whose sheet declares a first row or column after its last, or
    more than 65 536 rows or 256 columns."""
    try:
        data = Path(path).read_bytes()
        book = _workbook_stream(data)
    except (OSError, struct.error, ValueError, MemoryError):
        return
    if not book:
        return
    at = 0
    while at + 4 <= len(book):
        kind, length = struct.unpack_from("<HH", book, at)
        if kind == 0x0200 and length == 14 and at + 18 <= len(book):
            first_row, end_row, first_col, end_col = struct.unpack_from("<IIHH", book, at + 4)
            if (first_row > end_row or first_col > end_col or end_row > MAX_XLS_ROWS
                    or end_col > MAX_XLS_COLUMNS):
                raise EkbistError(_(
                    "{path}: a sheet declares rows {first_row}–{end_row} and columns "
                    "{first_col}–{end_col} — not what a spreadsheet program writes (the file "
                    "is damaged); save the workbook again from Excel or LibreOffice").format(
                    path=path, first_row=first_row + 1, end_row=end_row, first_col=first_col + 1,
                    end_col=end_col))
        at += 4 + length
