"""Hostile and odd workbooks: look at what a file really holds before reading it.

python-calamine reads a sheet into one dense block from its first to its farthest
cell, so a 3 KB .xlsx with one stray cell at XFD1048576 asks for half a terabyte; and
it inflates every part of the zip it needs whole, so a 1 MB file holding a 1 GiB text
cell asks for gigabytes. Before calamine sees an .xlsx, .xlsm or .ods file, this module
reads the zip itself, part by part, and refuses, naming the file and the part:

- a zip that cannot be read (damaged directory, a part that fails its checksum, a
  deflate stream that is cut or corrupt, a compression method or encryption that
  spreadsheet programs do not write, a part listed twice);
- a part larger than :data:`MAX_PART_BYTES` uncompressed, or parts larger than
  :data:`MAX_TOTAL_BYTES` together — counted while inflating, never taken from the
  header alone (a header can lie: a part that inflates to more than its header says
  is refused);
- a part above :data:`RATIO_FLOOR` that expands more than :data:`MAX_RATIO` times:
  real sheets expand 10 to 20 times (even a sheet of nothing but zeros written by
  Excel stays under 20), a zip bomb hundreds of times;
- a sheet with more than :data:`DENSE_FLOOR` filled cells that are packed into less
  than :data:`MIN_PACKED_PER_CELL` compressed bytes each (real data, even all
  zeros, takes almost two);
- a text of more than :data:`MAX_TEXT` characters in a cell or shared string (Excel's
  own limit);
- XML that is not well-formed;
- a value beyond :data:`MAX_COLUMNS` columns or :data:`MAX_ROWS` rows, or a sheet whose
  block would be far bigger than its data (a stray cell far away): the block may hold
  at most :data:`MAX_SPARSE_AREA` cells unless a quarter of them is filled;
- a formula without a saved value (a file written by a script and never opened in
  Excel or LibreOffice): calamine would read it as empty and a default would be
  stored instead of the value.

The XML is read as XML: any quoting (``r='XFD1'``), spacing (``r = "XFD1"``), letter
case (``xfd1``) or namespace prefix (``<x:c>``) of a cell means what calamine takes it
to mean. A sheet is read by expat, the standard library's streaming parser, unless
every chunk of it has the plain shape that Excel, LibreOffice and openpyxl write (no
comments, CDATA, processing instructions, tabs or line breaks, no prefixed cell or row
elements, attributes written ``name="value"``, every cell matched whole by one strict
pattern): then a byte-level scan that gives the same answer runs, about four times as
fast. A chunk that is not plain sends the whole part to expat.

An .xls file is not a zip: calamine reads it and names what is wrong. Every format is
also checked after reading, by the size of what was read (:func:`check_size`).
"""

from __future__ import annotations

import operator
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat

from ekbist.errors import EkbistError, ValidationErrors
from ekbist.i18n import _

MAX_ROWS = 1_048_576
MAX_COLUMNS = 200
# A sheet's block (rows × columns from A1) may be this big whatever it holds; beyond it,
# at least a quarter of the block must be filled.
MAX_SPARSE_AREA = 4_000_000
# Bounds on what a zip may expand to (see the module's docstring).
MAX_PART_BYTES = 1 << 30
MAX_TOTAL_BYTES = 3 << 29          # 1.5 GiB
RATIO_FLOOR = 8 << 20              # parts up to 8 MiB may expand as much as they like
MAX_RATIO = 50
DENSE_FLOOR = 200_000
MIN_PACKED_PER_CELL = 1.0
MAX_TEXT = 32_767                  # characters in a cell, as in Excel
# Sheets up to this size are also read by expat for well-formedness; a bigger one must
# at least close its sheetData and worksheet and balance its '<' and '>'.
WELL_FORMED_CHECK = 16 << 20
CHUNK = 1 << 20
MAX_LISTED = 20

_SPREADSHEET_ZIPS = (".xlsx", ".xlsm", ".ods")


class _NotPlain(Exception):
    """A chunk the byte-level scan cannot read exactly: the part goes to expat."""


@dataclass
class SheetScan:
    name: str
    cells: int = 0
    max_row: int = 0          # 1-based, of cells with a value
    max_col: int = 0
    farthest: str = ""        # the cell that set max_row or max_col last


@dataclass
class _Part:
    info: zipfile.ZipInfo
    sheet: str = ""           # the sheet's name when the part is a worksheet
    kind: str = "other"       # "sheet", "strings", "ods", "xml" or "other"
    scans: list[SheetScan] = field(default_factory=list)


def column_number(letters: str) -> int:
    number = 0
    for ch in letters.upper():
        number = number * 26 + ord(ch) - 64
    return number


def _letters(number: int) -> str:
    text = ""
    while number:
        number, rest = divmod(number - 1, 26)
        text = chr(65 + rest) + text
    return text


def _cell_name(sheet: str, row: int, col: int) -> str:
    from ekbist.sheets.cells import cell_name

    return cell_name(sheet, row - 1, col - 1)


def _mb(size: int) -> str:
    return f"{size / 1e6:,.1f} MB".replace(",", " ") if size < 1e9 else \
        f"{size / 1e9:,.2f} GB".replace(",", " ")


def _number(n: int) -> str:
    return f"{n:,}".replace(",", " ")


# -- the zip -----------------------------------------------------------------------------------

_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError,
               NotImplementedError, struct.error, UnicodeDecodeError, KeyError, IndexError,
               OverflowError, zlib.error, RuntimeError)


def _damaged(path: Path, part: str, reason: str) -> EkbistError:
    return EkbistError(_("{path}: part {part} is damaged — {reason}; save the workbook again "
                         "from Excel or LibreOffice").format(path=path, part=part, reason=reason))


def _open_zip(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except _ZIP_ERRORS as exc:
        raise EkbistError(_("{path}: cannot read the workbook — its zip archive is damaged "
                            "({reason})").format(path=path, reason=str(exc) or type(exc).__name__)
                          ) from None


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
                path=path, limit=_mb(MAX_TOTAL_BYTES)))
    return infos


def _check_declared(path: Path, name: str, size: int, packed: int) -> None:
    if size > MAX_PART_BYTES:
        raise EkbistError(_("{path}: part {part} expands to {size} — ekbist reads parts of at "
                            "most {limit}").format(path=path, part=name, size=_mb(size),
                                                   limit=_mb(MAX_PART_BYTES)))
    if size > RATIO_FLOOR and size > MAX_RATIO * max(packed, 1):
        raise EkbistError(_("{path}: part {part} expands {ratio} times ({packed} to {size}) — "
                            "real spreadsheet data expands at most {limit} times; the file "
                            "looks like a zip bomb").format(
            path=path, part=name, ratio=_number(size // max(packed, 1)), packed=_mb(packed),
            size=_mb(size), limit=MAX_RATIO))


def _inflate(path: Path, raw, info: zipfile.ZipInfo) -> Iterator[bytes]:
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
                                             "declares").format(size=_mb(info.file_size)))
            crc = zlib.crc32(data, crc)
            yield data
    if count != info.file_size:
        raise _damaged(path, name, _("it holds {count} bytes, not the {size} its header "
                                     "declares").format(count=_number(count),
                                                        size=_number(info.file_size)))
    if crc != info.CRC:
        raise _damaged(path, name, _("it fails its checksum (CRC)"))


# -- which part is what ------------------------------------------------------------------------

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _refuse_entities(parser) -> None:
    """No document type declarations: OOXML and ODF never have one, and one is how an XML
    file multiplies a few bytes into gigabytes of entities."""
    def refuse(*_args):
        raise _DocType

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse


class _DocType(Exception):
    pass


_XML_ERRORS = (expat.ExpatError, LookupError, ValueError)   # LookupError: a bad encoding


def _bad_xml(path: Path, part: str, exc: Exception,
             rest: Iterator[bytes] | None = None) -> EkbistError:
    """Not well-formed XML, named by its part; but a part that fails its checksum says that
    first (``rest``, the part's remaining chunks, is read to find out)."""
    for _chunk in rest or ():
        pass
    if isinstance(exc, expat.ExpatError):
        reason = _("{reason}, line {line}, column {column}").format(
            reason=expat.errors.messages.get(exc.code, str(exc)), line=exc.lineno,
            column=exc.offset)
    else:
        reason = str(exc) or type(exc).__name__
    return EkbistError(_("{path}: part {part} is not well-formed XML ({reason}) — save the "
                         "workbook again from Excel or LibreOffice").format(
        path=path, part=part, reason=reason))


MAX_SHEETS = 65_536


def _elements(path: Path, raw, info: zipfile.ZipInfo, wanted: str) -> list[dict[str, str]]:
    """{local attribute name: value} of every ``wanted`` element (by local name) of a part."""
    found: list[dict[str, str]] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        if name.rpartition(":")[2] == wanted:
            if len(found) >= MAX_SHEETS:
                raise EkbistError(_("{path}: part {part} lists more than {n} sheets").format(
                    path=path, part=info.filename, n=_number(MAX_SHEETS)))
            found.append({key.rpartition(":")[2]: value for key, value in attrs.items()})

    def setup(parser) -> None:
        parser.StartElementHandler = start

    _parse(path, info.filename, _inflate(path, raw, info), setup)
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


# -- an .xlsx sheet: the plain byte-level scan ----------------------------------------------

_STRICT_CELL = re.compile(
    rb'<c r="([A-Za-z]+)([1-9][0-9]*)"(?: [\w:.-]+="[^"<]*")*'
    rb'(?:/>|>(<v>[^<]*</v>|<v/>|<is><t(?: xml:space="preserve")?>[^<]*</t></is>)?</c>)')
_EMPTY_VALUES = {b"<v></v>", b"<v/>", b"<is><t></t></is>", b'<is><t xml:space="preserve"></t></is>'}
_VALUE_MARKUP = len(b'<is><t xml:space="preserve"></t></is>')
_DECLARATION = re.compile(rb"\A(?:\xef\xbb\xbf)?<\?xml[^>]*\?>\s*")


class _Sheet:
    """What is known of one sheet while its XML streams past."""

    def __init__(self, path: Path, part: str, name: str, packed: int, problems: list[str]):
        self.path, self.part, self.name = path, part, name
        self.packed = packed
        self.problems = problems
        self.scan = SheetScan(name)
        self.reached = 0            # cells that may hold a value (empty <v> or <is> included)

    def cell(self, row: int, col: int, filled: bool) -> None:
        """A cell that calamine places in the sheet's block (filled: holds text or a number)."""
        scan = self.scan
        if row > MAX_ROWS or col > MAX_COLUMNS:
            raise EkbistError(_(
                "{cell}: beyond the {rows} rows × {columns} columns (column {last}) "
                "ekbist reads — delete what is there and save the file again"
            ).format(cell=_cell_name(self.name, row, col), rows=_number(MAX_ROWS),
                     columns=MAX_COLUMNS, last=_letters(MAX_COLUMNS)))
        if row > scan.max_row or col > scan.max_col:
            scan.max_row = max(scan.max_row, row)
            scan.max_col = max(scan.max_col, col)
            scan.farthest = _cell_name(self.name, row, col)
        if filled:
            scan.cells += 1
            if scan.cells > DENSE_FLOOR and scan.cells * MIN_PACKED_PER_CELL > self.packed:
                self.too_dense()

    def too_dense(self) -> None:
        raise EkbistError(_("{path}: sheet '{sheet}' packs more than {cells} filled cells into "
                            "{packed} — real data takes at least a byte per cell; the file "
                            "looks like a zip bomb").format(
            path=self.path, sheet=self.name, cells=_number(self.scan.cells),
            packed=_mb(self.packed)))

    def text(self, length: int, row: int, col: int) -> None:
        if length > MAX_TEXT:
            raise EkbistError(_("{cell}: a text of more than {limit} characters — Excel allows "
                                "at most {limit} in a cell").format(
                cell=_cell_name(self.name, row, col), limit=_number(MAX_TEXT)))

    def formula_without_value(self, row: int, col: int) -> None:
        if len(self.problems) < MAX_LISTED:
            self.problems.append(_(
                "{cell}: a formula without a saved value — open the file in "
                "Excel or LibreOffice and save it, then import it again"
            ).format(cell=_cell_name(self.name, row, col)))

    def finish(self) -> SheetScan:
        scan = self.scan
        area = scan.max_row * scan.max_col
        if area > MAX_SPARSE_AREA and scan.cells * 4 < area:
            raise EkbistError(_(
                "{cell}: a cell far from the rest of the sheet ({cells} cells filled, "
                "spread over {rows} rows × {columns} columns) — delete the stray cells "
                "and save the file again"
            ).format(cell=scan.farthest, cells=scan.cells, rows=scan.max_row,
                     columns=scan.max_col))
        return scan


_NOT_PLAIN = (b"<!", b"<?", b"\n", b"\r", b"\t", b"<f", b"='", b" =", b"= ",
              b":c ", b":c>", b":c/", b":sheetData")


def _plain_cells(sheet: _Sheet, part: bytes, columns: dict[bytes, int]) -> None:
    """Read the cells of a chunk of plain sheet XML; raise _NotPlain when it is not plain.

    Every cell must be matched whole by the strict pattern (so nothing hides between the
    matches), and the bounds are taken per chunk with list operations rather than per
    cell in Python: this is what keeps the guard cheap beside calamine's own read.
    """
    for marker in _NOT_PLAIN:
        if marker in part:
            raise _NotPlain
    if part.count(b"<") != part.count(b">"):
        raise _NotPlain
    found = _STRICT_CELL.findall(part)
    if len(found) != part.count(b"<c ") + part.count(b"<c>") + part.count(b"<c/"):
        raise _NotPlain
    if part.count(b' r="') != len(found) + part.count(b'<row r="'):
        raise _NotPlain      # an attribute r twice in a cell, or one somewhere else
    valued = [m for m in found if m[2]]
    if not valued:
        return
    if max(len(m[2]) for m in valued) > MAX_TEXT:
        raise _NotPlain      # bytes, not characters: expat counts them exactly
    top_row = _top_row(list(map(_SECOND, valued)))
    top_col = 0
    for letters in set(map(_FIRST, valued)):
        col = columns.get(letters)
        if col is None:
            col = columns[letters] = column_number(letters.decode("ascii"))
        top_col = max(top_col, col)
    scan = sheet.scan
    if top_row > MAX_ROWS or top_col > MAX_COLUMNS:
        for letters, row_digits, *_rest in valued:   # name the first cell beyond the bounds
            sheet.cell(int(row_digits), columns[letters], False)
    if top_row > scan.max_row or top_col > scan.max_col:
        for letters, row_digits, *_rest in reversed(valued):
            if int(row_digits) == top_row or columns[letters] == top_col:
                scan.farthest = _cell_name(sheet.name, int(row_digits), columns[letters])
                break
        scan.max_row = max(scan.max_row, top_row)
        scan.max_col = max(scan.max_col, top_col)
    empty = _EMPTY_VALUES
    scan.cells += len(valued) - sum(1 for m in valued if m[2] in empty)
    if scan.cells > DENSE_FLOOR and scan.cells * MIN_PACKED_PER_CELL > sheet.packed:
        sheet.too_dense()


_CELL_REF = re.compile(rb'<c r="([A-Za-z]+)([1-9][0-9]*)"')
# When every window of this many bytes holds a '<' (and a chunk is cut before a '<'), no
# text is longer than 2 × _TEXT_WINDOW - 1 = MAX_TEXT bytes, so none has more characters.
_TEXT_WINDOW = 16_384


_FIRST = operator.itemgetter(0)
_SECOND = operator.itemgetter(1)


def _top_row(digits: list[bytes]) -> int:
    """The largest of row numbers written without leading zeros, with C-speed comparisons:
    among numbers of the same length the largest string is the largest number."""
    largest = max(digits)
    longest = max(map(len, digits))
    if len(largest) == longest:
        return int(largest)
    return int(max(d for d in digits if len(d) == longest))


class _Unsure(Exception):
    """The quick bounds cannot decide: the sheet is read cell by cell."""


def _quick_cells(sheet: _Sheet, part: bytes, columns: dict[bytes, int]) -> None:
    """Bounds of a chunk of plain sheet XML from byte counts, never too low.

    Every cell counts as placed (an empty formatted one too) and every <v> or <is> as a
    filled cell, so the bounds are high; when they exceed a limit, :class:`_Unsure` sends
    the sheet to the exact reading. No text can be longer than MAX_TEXT bytes when every
    window of _TEXT_WINDOW bytes holds a '<'.
    """
    for marker in _NOT_PLAIN:
        if marker in part:
            raise _NotPlain
    if part.count(b"<") != part.count(b">"):
        raise _NotPlain
    refs = _CELL_REF.findall(part)
    if len(refs) != part.count(b"<c ") + part.count(b"<c>") + part.count(b"<c/"):
        raise _NotPlain
    if part.count(b' r="') != len(refs) + part.count(b'<row r="'):
        raise _NotPlain      # an attribute r twice in a cell, or one somewhere else
    for start in range(0, len(part) - _TEXT_WINDOW + 1, _TEXT_WINDOW):
        if part.find(b"<", start, start + _TEXT_WINDOW) < 0:
            raise _NotPlain
    if not refs:
        return
    top_row = _top_row(list(map(_SECOND, refs)))
    top_col = 0
    for letters in set(map(_FIRST, refs)):
        col = columns.get(letters)
        if col is None:
            col = columns[letters] = column_number(letters.decode("ascii"))
        top_col = max(top_col, col)
    scan = sheet.scan
    scan.max_row = max(scan.max_row, top_row)
    scan.max_col = max(scan.max_col, top_col)
    scan.cells += part.count(b"<v") + part.count(b"<is")
    if (scan.max_row > MAX_ROWS or scan.max_col > MAX_COLUMNS
            or scan.max_row * scan.max_col > MAX_SPARSE_AREA
            or (scan.cells > DENSE_FLOOR and scan.cells * MIN_PACKED_PER_CELL > sheet.packed)):
        raise _Unsure


def _scan_plain(sheet: _Sheet, chunks: Iterator[bytes], read=_plain_cells) -> None:
    buffer = b""
    first = True
    columns: dict[bytes, int] = {}
    done = False
    tail = b""
    for chunk in chunks:
        if done:
            tail = (tail + chunk)[-64:]
            continue            # inflate on: the rest is counted and checksummed
        buffer += chunk
        if first:
            declaration = _DECLARATION.match(buffer)
            if declaration is None and len(buffer) < 256 and buffer.startswith(b"<?"):
                continue
            first = False
            if declaration:
                buffer = buffer[declaration.end():]
        end = buffer.find(b"</sheetData>")
        if end >= 0:
            read(sheet, buffer[:end], columns)
            tail = buffer[-64:]
            buffer = b""
            done = True
            continue
        cut = max(buffer.rfind(b"<c "), buffer.rfind(b"<row"))
        if cut <= 0:
            if len(buffer) < 8 * CHUNK:
                continue
            cut = buffer.rfind(b"<")       # never inside a text: a text ends at a '<'
            if cut <= 0:
                raise _NotPlain
        read(sheet, buffer[:cut], columns)
        buffer = buffer[cut:]
    if buffer:
        read(sheet, buffer, columns)
    if not done or not tail.rstrip().endswith(b"</worksheet>"):
        raise _NotPlain         # cut short, or not a plain worksheet: expat says which


# -- an .xlsx sheet read by expat --------------------------------------------------------------

_REF = re.compile(r"([A-Za-z]+)([0-9]+)\Z")


class _SheetEvents:
    """expat handlers for a worksheet: cells as calamine places them."""

    def __init__(self, sheet: _Sheet):
        self.sheet = sheet
        self.inside = False
        self.done = False
        self.row = 0
        self.col = 0
        self.in_cell = False
        self.kind = ""
        self.has_v = self.has_is = self.has_f = False
        self.in_v = self.in_t = False
        self.length = 0

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if self.done:
            return
        local = name.rpartition(":")[2]
        if local == "sheetData":
            self.inside = True
        elif not self.inside:
            return
        elif local == "row":
            number = attrs.get("r", "")
            self.row = int(number) if number.isascii() and number.isdigit() else self.row + 1
            self.col = 0
        elif local == "c":
            ref = attrs.get("r")
            if ref is None:
                self.col += 1
                self.row = max(self.row, 1)
            else:
                match = _REF.match(ref)
                if match is None:
                    raise EkbistError(_("{path}: part {part}: '{ref}' is not a cell reference"
                                        ).format(path=self.sheet.path, part=self.sheet.part,
                                                 ref=ref[:40]))
                self.col = column_number(match.group(1))
                self.row = int(match.group(2))
            self.in_cell = True
            self.kind = attrs.get("t", "")
            self.has_v = self.has_is = self.has_f = False
            self.length = 0
        elif self.in_cell:
            if local == "v":
                self.has_v = self.in_v = True
            elif local == "is":
                self.has_is = True
            elif local == "t" and self.has_is:
                self.in_t = True
            elif local == "f":
                self.has_f = True

    def end(self, name: str) -> None:
        if self.done or not self.inside:
            return
        local = name.rpartition(":")[2]
        if local == "sheetData":
            self.done = True
        elif local == "v":
            self.in_v = False
        elif local == "t":
            self.in_t = False
        elif local == "c" and self.in_cell:
            self.in_cell = False
            sheet = self.sheet
            if self.has_f and not (self.length or self.has_is
                                   or (self.kind == "str" and self.has_v)):
                sheet.formula_without_value(self.row, self.col)
                return
            if self.has_v or self.has_is:
                sheet.cell(self.row, self.col, self.length > 0)

    def text(self, data: str) -> None:
        if self.in_v or self.in_t:
            self.length += len(data)
            if self.length > MAX_TEXT:
                self.sheet.text(self.length, self.row, self.col)


def _parse(path: Path, part: str, chunks: Iterator[bytes],
           setup: Callable[[expat.XMLParserType], None] | None = None,
           namespaces: bool = False) -> None:
    """Feed a part to expat chunk by chunk; not well-formed XML is refused naming the part."""
    parser = expat.ParserCreate(namespace_separator=" ") if namespaces else expat.ParserCreate()
    parser.buffer_text = True
    parser.buffer_size = 1 << 16
    _refuse_entities(parser)
    if setup:
        setup(parser)
    try:
        for chunk in chunks:
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except _XML_ERRORS as exc:
        raise _bad_xml(path, part, exc, chunks) from None
    except _DocType:
        raise _doctype(path, part) from None


def _doctype(path: Path, part: str) -> EkbistError:
    return EkbistError(_("{path}: part {part} declares a document type — spreadsheet programs "
                         "never write one").format(path=path, part=part))


def _scan_expat(sheet: _Sheet, chunks: Iterator[bytes]) -> None:
    events = _SheetEvents(sheet)

    def setup(parser) -> None:
        parser.StartElementHandler = events.start
        parser.EndElementHandler = events.end
        parser.CharacterDataHandler = events.text

    _parse(sheet.path, sheet.part, chunks, setup)


# -- shared strings and .ods content -----------------------------------------------------------

def _scan_strings(path: Path, part: str, chunks: Iterator[bytes]) -> None:
    state = {"in_si": 0, "in_t": False, "length": 0, "index": -1}

    def start(name: str, attrs) -> None:
        local = name.rpartition(":")[2]
        if local == "si":
            state["in_si"] += 1
            state["length"] = 0
            state["index"] += 1
        elif local == "t" and state["in_si"]:
            state["in_t"] = True

    def end(name: str) -> None:
        local = name.rpartition(":")[2]
        if local == "si":
            state["in_si"] -= 1
        elif local == "t":
            state["in_t"] = False

    def text(data: str) -> None:
        if state["in_t"]:
            state["length"] += len(data)
            if state["length"] > MAX_TEXT:
                raise EkbistError(_("{path}: part {part}: shared string {n} is longer than "
                                    "{limit} characters — Excel allows at most {limit} in a "
                                    "cell").format(path=path, part=part, n=state["index"] + 1,
                                                   limit=_number(MAX_TEXT)))

    def setup(parser) -> None:
        parser.StartElementHandler = start
        parser.EndElementHandler = end
        parser.CharacterDataHandler = text

    _parse(path, part, chunks, setup)


_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"


class _OdsEvents:
    """expat handlers for an .ods content.xml: every table's filled block, repeats counted."""

    def __init__(self, path: Path, part: str, packed: int, problems: list[str]):
        self.path, self.part, self.packed, self.problems = path, part, packed, problems
        self.sheet: _Sheet | None = None
        self.scans: list[SheetScan] = []
        self.row = 0
        self.row_repeat = 1
        self.col = 0
        self.cell: tuple[int, bool] | None = None   # (columns repeated, has a value type)
        self.length = 0
        self.in_text = 0

    def _repeat(self, attrs: dict[str, str], key: str) -> int:
        value = attrs.get(key, "1")
        if not value.isdigit():
            raise EkbistError(_("{path}: part {part}: '{value}' is not a number of repeats"
                                ).format(path=self.path, part=self.part, value=value[:40]))
        return max(int(value), 1)

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = name.rpartition(" ")[2]
        if local == "table" and name.startswith(_TABLE):
            self.sheet = _Sheet(self.path, self.part, attrs.get(f"{_TABLE} name", ""),
                                self.packed, self.problems)
            self.row = 0
        elif self.sheet is None:
            return
        elif local == "table-row":
            self.row_repeat = self._repeat(attrs, f"{_TABLE} number-rows-repeated")
            self.col = 0
        elif local in ("table-cell", "covered-table-cell"):
            typed = any(key.endswith(" value-type") for key in attrs)
            self.cell = (self._repeat(attrs, f"{_TABLE} number-columns-repeated"), typed)
            self.length = 0
        elif self.cell is not None and local == "p":
            self.in_text += 1

    def end(self, name: str) -> None:
        local = name.rpartition(" ")[2]
        sheet = self.sheet
        if sheet is None:
            return
        if local == "table" and name.startswith(_TABLE):
            self.scans.append(sheet.finish())
            self.sheet = None
        elif local == "table-row":
            self.row += self.row_repeat
        elif local in ("table-cell", "covered-table-cell") and self.cell is not None:
            repeat, typed = self.cell
            self.cell = None
            if typed or self.length:
                last_row = self.row + self.row_repeat
                last_col = self.col + repeat
                sheet.cell(last_row, last_col, True)
                # The repeats fill the block: count them as filled (up to the bound).
                extra = min(repeat * self.row_repeat - 1, MAX_SPARSE_AREA)
                sheet.scan.cells += extra
            self.col += repeat
        elif local == "p" and self.in_text:
            self.in_text -= 1

    def text(self, data: str) -> None:
        if self.in_text and self.sheet is not None:
            self.length += len(data)
            if self.length > MAX_TEXT:
                self.sheet.text(self.length, self.row + 1, self.col + 1)


def _scan_ods(path: Path, part: str, packed: int, problems: list[str],
              chunks: Iterator[bytes]) -> list[SheetScan]:
    events = _OdsEvents(path, part, packed, problems)

    def setup(parser) -> None:
        parser.StartElementHandler = events.start
        parser.EndElementHandler = events.end
        parser.CharacterDataHandler = events.text

    # Namespaces matter in ODF (table:table vs text:table): parse with them resolved.
    _parse(path, part, chunks, setup, namespaces=True)
    return events.scans


# -- the whole file ----------------------------------------------------------------------------

_checked: dict[tuple, list[SheetScan]] = {}


def check_workbook(path: Path) -> list[SheetScan]:
    """Read every part of an .xlsx, .xlsm or .ods file; raise on what calamine must not be given.

    Returns the scan of every sheet found (in the order of the zip). A file already checked
    unchanged in this process is not read again.
    """
    path = Path(path)
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


def check_xlsx(path: Path) -> list[SheetScan]:
    """The same as :func:`check_workbook` (the name the readers have always called)."""
    return check_workbook(path)


def _check(path: Path) -> list[SheetScan]:
    book = _open_zip(path)
    problems: list[str] = []
    scans: list[SheetScan] = []
    ods = path.suffix.lower() == ".ods"
    with book:
        try:
            infos = _check_directory(path, book)
        except EkbistError:
            raise
        except _ZIP_ERRORS as exc:
            raise EkbistError(_("{path}: cannot read the workbook — its zip archive is damaged "
                                "({reason})").format(path=path, reason=str(exc)
                                                     or type(exc).__name__)) from None
        by_name = {info.filename: info for info in infos}
        with open(path, "rb") as raw:
            sheets = {} if ods else _sheet_parts(path, raw, by_name)
            for info in infos:
                name = info.filename
                chunks = _inflate(path, raw, info)
                lower = name.lower()
                if ods and lower == "content.xml":
                    scans.extend(_scan_ods(path, name, info.compress_size, problems, chunks))
                elif ods:
                    if lower.endswith(".xml"):
                        _parse(path, name, chunks)
                    else:
                        _drain(chunks)
                elif lower.endswith("sharedstrings.xml"):
                    _scan_strings(path, name, chunks)
                elif name in sheets or (lower.startswith("xl/worksheets/")
                                        and lower.endswith(".xml")):
                    scans.append(_scan_sheet(path, raw, info, sheets.get(name, name), problems))
                elif lower.endswith((".xml", ".rels")):
                    _parse(path, name, chunks)
                else:
                    _drain(chunks)
    if problems:
        raise ValidationErrors(problems)
    return scans


def _drain(chunks: Iterator[bytes]) -> None:
    for _chunk in chunks:
        pass


def _well_formed(path: Path, part: str, chunks: Iterator[bytes]) -> Iterator[bytes]:
    """The chunks, passed on after expat (without handlers, at C speed) has read them."""
    parser = expat.ParserCreate()
    _refuse_entities(parser)
    try:
        for chunk in chunks:
            parser.Parse(chunk, False)
            yield chunk
        parser.Parse(b"", True)
    except _XML_ERRORS as exc:
        raise _bad_xml(path, part, exc, chunks) from None
    except _DocType:
        raise _doctype(path, part) from None


def _scan_sheet(path: Path, raw, info: zipfile.ZipInfo, name: str,
                problems: list[str]) -> SheetScan:
    sheet = _Sheet(path, info.filename, name, info.compress_size, problems)
    try:
        chunks = _inflate(path, raw, info)
        if info.file_size <= WELL_FORMED_CHECK:
            chunks = _well_formed(path, info.filename, chunks)
        _scan_plain(sheet, chunks, _quick_cells)
        if sheet.scan.cells:
            sheet.scan.farthest = _cell_name(name, sheet.scan.max_row, sheet.scan.max_col)
        return sheet.scan
    except (_NotPlain, _Unsure):
        pass
    sheet = _Sheet(path, info.filename, name, info.compress_size, problems)
    listed = len(problems)
    try:
        _scan_plain(sheet, _inflate(path, raw, info))
    except _NotPlain:
        del problems[listed:]
        sheet = _Sheet(path, info.filename, name, info.compress_size, problems)
        _scan_expat(sheet, _inflate(path, raw, info))
    return sheet.finish()


def check_zip(path: Path) -> None:
    """The zip-level half of the guard, for a workbook ekbist opens with openpyxl rather
    than calamine (the controller's template): every part inflated within the bounds and
    checksummed, every XML part well-formed. Its cells are not judged."""
    path = Path(path)
    book = _open_zip(path)
    with book:
        try:
            infos = _check_directory(path, book)
        except EkbistError:
            raise
        except _ZIP_ERRORS as exc:
            raise EkbistError(_("{path}: cannot read the workbook — its zip archive is damaged "
                                "({reason})").format(path=path, reason=str(exc)
                                                     or type(exc).__name__)) from None
        with open(path, "rb") as raw:
            for info in infos:
                chunks = _inflate(path, raw, info)
                if info.filename.lower().endswith((".xml", ".rels")):
                    _parse(path, info.filename, chunks)
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
                        _parse(path, info.filename, _inflate(path, raw, info))
                    except EkbistError as exc:
                        return exc
    except _ZIP_ERRORS:
        return None
    return None


def check_size(sheet: str, rows: int, columns: int) -> None:
    """Refuse a sheet read some other way (.xls, .ods, CSV) that is larger than ekbist reads."""
    if rows > MAX_ROWS or columns > MAX_COLUMNS:
        raise EkbistError(_(
            "sheet '{sheet}': {rows} rows × {columns} columns — ekbist reads at most "
            "{max_rows} rows × {max_columns} columns"
        ).format(sheet=sheet, rows=rows, columns=columns,
                 max_rows=_number(MAX_ROWS), max_columns=MAX_COLUMNS))
