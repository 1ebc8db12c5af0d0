"""A workbook's zip archive read part by part, within bounds, before anything trusts it.

A spreadsheet program writes an .xlsx, .xlsm or .ods file as a zip; calamine inflates every
part it needs whole. :func:`open_parts` and :func:`inflate` read the archive's own bytes and
refuse, naming the file and the part:

- a zip that cannot be read (damaged directory, a part that fails its checksum, a deflate
  stream that is cut or corrupt, a compression method or encryption that spreadsheet
  programs do not write, a part listed twice);
- a part larger than :data:`MAX_PART_BYTES` uncompressed, or parts larger than
  :data:`MAX_TOTAL_BYTES` together — counted while inflating, never taken from the header
  alone (a header can lie: a part that inflates to more than its header says is refused);
- a part above :data:`RATIO_FLOOR` that expands more than :data:`MAX_RATIO` times: real
  sheets expand 10 to 20 times (even a sheet of nothing but zeros written by Excel stays
  under 20), a zip bomb hundreds of times.

What the parts hold (their XML, their cells) is :mod:`ekbist.sheets.sheet_xml`'s to read.
"""

from __future__ import annotations

import contextlib
import struct
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from ekbist.errors import EkbistError
from ekbist.i18n import _

# Bounds on what a zip may expand to (see the module's docstring).
MAX_PART_BYTES = 1 << 30
MAX_TOTAL_BYTES = 3 << 29          # 1.5 GiB
RATIO_FLOOR = 8 << 20              # parts up to 8 MiB may expand as much as they like
MAX_RATIO = 50
CHUNK = 1 << 20


def mb(size: int) -> str:
    """A size in a message: "3.2 MB", "1.50 GB"."""
    return f"{size / 1e6:,.1f} MB".replace(",", " ") if size < 1e9 else \
        f"{size / 1e9:,.2f} GB".replace(",", " ")


def spaced(n: int) -> str:
    """A count in a message, its thousands apart: "1 048 576"."""
    return f"{n:,}".replace(",", " ")


ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError,
              NotImplementedError, struct.error, UnicodeDecodeError, KeyError, IndexError,
              OverflowError, zlib.error, RuntimeError)


def _damaged(path: Path, part: str, reason: str) -> EkbistError:
    return EkbistError(_("{path}: part {part} is damaged — {reason}; save the workbook again "
                         "from Excel or LibreOffice").format(path=path, part=part, reason=reason))


def _unreadable(path: Path, exc: BaseException) -> EkbistError:
    return EkbistError(_("{path}: cannot read the workbook — its zip archive is damaged "
                         "({reason})").format(path=path, reason=str(exc) or type(exc).__name__))


@contextlib.contextmanager
def open_parts(path: Path) -> Iterator[tuple[list[zipfile.ZipInfo], BinaryIO]]:
    """The archive's parts, after every check its directory allows, and the file to
    :func:`inflate` them from."""
    try:
        with zipfile.ZipFile(path) as book:
            infos = _check_directory(path, book)
    except EkbistError:
        raise
    except ZIP_ERRORS as exc:
        raise _unreadable(path, exc) from None
    with open(path, "rb") as raw:
        yield infos, raw


def _check_directory(path: Path, book: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The parts, after the checks that need only the zip's directory."""
    infos = book.infolist()
    seen: set[str] = set()
    total = 0
    for info in infos:
        name = info.filename
        if name in seen:
            raise EkbistError(_("{path}: part {part} is in the zip archive twice — not a file "
                                "a spreadsheet program writes").format(path=path, part=name))
        seen.add(name)
        if info.flag_bits & 0x1:
            raise EkbistError(_("{path}: part {part} is encrypted — save the workbook without "
                                "a password").format(path=path, part=name))
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise EkbistError(_("{path}: part {part} is compressed with method {method}, which "
                                "spreadsheet programs do not use — save the workbook again "
                                "from Excel or LibreOffice").format(
                path=path, part=name, method=info.compress_type))
        _check_declared(path, name, info.file_size, info.compress_size)
        total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise EkbistError(_("{path}: its parts expand to more than {limit} — ekbist reads "
                                "workbooks of at most {limit} uncompressed").format(
                path=path, limit=mb(MAX_TOTAL_BYTES)))
    return infos


def _check_declared(path: Path, name: str, size: int, packed: int) -> None:
    if size > MAX_PART_BYTES:
        raise EkbistError(_("{path}: part {part} expands to {size} — ekbist reads parts of at "
                            "most {limit}").format(path=path, part=name, size=mb(size),
                                                   limit=mb(MAX_PART_BYTES)))
    if size > RATIO_FLOOR and size > MAX_RATIO * max(packed, 1):
        raise EkbistError(_("{path}: part {part} expands {ratio} times ({packed} to {size}) — "
                            "real spreadsheet data expands at most {limit} times; the file "
                            "looks like a zip bomb").format(
            path=path, part=name, ratio=spaced(size // max(packed, 1)), packed=mb(packed),
            size=mb(size), limit=MAX_RATIO))


def inflate(path: Path, raw, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The part's bytes in chunks of at most :data:`CHUNK`, counted and checked on the way.

    Read from the archive's own bytes, not through :mod:`zipfile`'s reader, which stops at
    the size the header declares: a deflate stream that goes on past it is refused here,
    because another reader (calamine's) would read it all.
    """
    name = info.filename
    try:
        raw.seek(info.header_offset)
        header = raw.read(30)
        if len(header) < 30 or header[:4] != b"PK\x03\x04":
            raise _damaged(path, name, _("its local header is missing"))
        name_len, extra_len = struct.unpack("<HH", header[26:30])
        raw.seek(info.header_offset + 30 + name_len + extra_len)
    except OSError as exc:
        raise _damaged(path, name, str(exc)) from None
    left = info.compress_size
    inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    crc = 0
    count = 0
    while True:
        if inflater is None:
            if left <= 0:
                break
            data = raw.read(min(left, CHUNK))
            if not data:
                raise _damaged(path, name, _("the file ends inside it"))
            left -= len(data)
        else:
            if inflater.eof:
                break
            pending = inflater.unconsumed_tail
            if not pending and left > 0:
                pending = raw.read(min(left, CHUNK))
                if not pending:
                    raise _damaged(path, name, _("the file ends inside it"))
                left -= len(pending)
            try:
                data = inflater.decompress(pending, CHUNK)
            except zlib.error as exc:
                raise _damaged(path, name, _("its compressed data is corrupt ({reason})").format(
                    reason=exc)) from None
            if not data and not pending and not inflater.eof:
                raise _damaged(path, name, _("its compressed data ends too soon"))
        if data:
            count += len(data)
            if count > info.file_size:
                raise _damaged(path, name, _("it holds more than the {size} its header "
                                             "declares").format(size=mb(info.file_size)))
            crc = zlib.crc32(data, crc)
            yield data
    if count != info.file_size:
        raise _damaged(path, name, _("it holds {count} bytes, not the {size} its header "
                                     "declares").format(count=spaced(count),
                                                        size=spaced(info.file_size)))
    if crc != info.CRC:
        raise _damaged(path, name, _("it fails its checksum (CRC)"))
