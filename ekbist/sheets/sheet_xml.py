"""What a workbook's XML holds, read as it streams out of the zip, before calamine reads it.

python-calamine reads a sheet into one dense block from its first to its farthest cell, so
a 3 KB .xlsx with one stray cell at XFD1048576 asks for half a terabyte. The readers here
refuse, naming the cell or the part:

- a sheet with more than :data:`DENSE_FLOOR` filled cells that are packed into less than
  :data:`MIN_PACKED_PER_CELL` compressed bytes each (real data, even all zeros, takes
  almost two);
- a text of more than :data:`MAX_TEXT` characters in a cell or shared string (Excel's own
  limit);
- XML that is not well-formed, or that declares a document type;
- a value beyond :data:`MAX_COLUMNS` columns or :data:`MAX_ROWS` rows, or a sheet whose
  block would be far bigger than its data (a stray cell far away): the block may hold at
  most :data:`MAX_SPARSE_AREA` cells unless a quarter of them is filled;
- a formula without a saved value (a file written by a script and never opened in Excel
  or LibreOffice): calamine would read it as empty and a default would be stored instead
  of the value.

The XML is read as XML: any quoting (``r='XFD1'``), spacing (``r = "XFD1"``), letter case
(``xfd1``) or namespace prefix (``<x:c>``) of a cell means what calamine takes it to mean.
A sheet is read by expat, the standard library's streaming parser, unless every chunk of it
has the plain shape that Excel, LibreOffice and openpyxl write (no comments, CDATA,
processing instructions, tabs or line breaks, no prefixed cell or row elements, attributes
written ``name="value"``, every cell matched whole by one strict pattern): then a
byte-level scan that gives the same answer runs, about four times as fast. A chunk that is
not plain sends the whole part to expat.

expat calls Python for every element, so what it reads that way is bounded before it
reads (:func:`refuse_slow_read`): a part of at most :data:`MAX_SLOW_BYTES` and
:data:`MAX_SLOW_ELEMENTS` elements (twice as many in shared strings, whose handlers do
less). Their elements are counted first at C speed (:func:`count_elements`), so a part
over the bound is refused before expat reads it. Without the bounds a sheet of 10 MB in
another spelling, or of elements that are not cells, keeps ekbist reading for a minute.

A plain sheet is bounded by what its cells could need (:data:`ELEMENT_FLOOR` elements, and
:data:`ELEMENTS_PER_VALUE` more for each filled cell): calamine reads every element of a
sheet, so 25 million empty elements packed into 2.6 MB would keep it busy for seconds.
The elements read by expat itself (an .ods file's table cells, shared strings) are read
and bounded in :mod:`ekbist.sheets.xml_events`.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.parsers import expat

from ekbist.errors import EkbistError
from ekbist.i18n import _
from ekbist.sheets.cells import column_letter
from ekbist.sheets.zip_parts import CHUNK, mb, spaced

MAX_ROWS = 1_048_576
MAX_COLUMNS = 200
# A sheet's block (rows × columns from A1) may be this big whatever it holds; beyond it,
# at least a quarter of the block must be filled.
MAX_SPARSE_AREA = 4_000_000
DENSE_FLOOR = 200_000
MIN_PACKED_PER_CELL = 1.0
MAX_TEXT = 32_767                  # characters in a cell, as in Excel
MAX_LISTED = 20
# What expat may read with Python handlers (see the module's docstring): a sheet not in the
# plain shape, an .ods file's content.xml, shared strings.
MAX_SLOW_BYTES = 64 << 20
MAX_SLOW_ELEMENTS = 1_000_000
# What a plain sheet's XML may hold: this many elements whatever it holds (formatted empty
# rows and cells, column widths, merged cells), and this many more for each filled cell (a
# cell, its value, its row's share: a real cell needs two or three).
ELEMENT_FLOOR = 2_000_000
ELEMENTS_PER_VALUE = 4


class NotPlain(Exception):
    """A chunk the byte-level scan cannot read exactly: the part goes to expat."""


@dataclass
class SheetScan:
    name: str
    cells: int = 0
    max_row: int = 0          # 1-based, of cells with a value
    max_col: int = 0
    farthest: str = ""        # the cell that set max_row or max_col last


def column_number(letters: str) -> int:
    number = 0
    for ch in letters.upper():
        number = number * 26 + ord(ch) - 64
    return number


def cell_at(sheet: str, row: int, col: int) -> str:
    from ekbist.sheets.cells import cell_name

    return cell_name(sheet, row - 1, col - 1)


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


def refuse_slow_read(path: Path, part: str, advice: str, size: int, elements: int,
                     times: int = 1) -> None:
    """Refuse a part that expat would read element by element with Python handlers, before
    a byte of it is parsed: ``size``, its bytes as counted (see zip_parts.inflate), over
    :data:`MAX_SLOW_BYTES`; ``elements``, as :func:`count_elements` counted them (never fewer
    than expat meets), over ``times`` × :data:`MAX_SLOW_ELEMENTS`. The handlers then need
    count nothing. ``advice`` ends the message: what the user can do about it."""
    limit = times * MAX_SLOW_ELEMENTS
    if elements > limit:
        raise EkbistError(_("{path}: part {part} holds more than {n} XML elements that "
                            "must be read one by one — ekbist reads at most {n}; "
                            "{advice}").format(
            path=path, part=part, n=spaced(limit), advice=advice))
    if size > MAX_SLOW_BYTES:
        raise EkbistError(_("{path}: part {part} expands to {size} of XML that must be "
                            "read element by element — ekbist reads at most {limit} of "
                            "it; {advice}").format(
            path=path, part=part, size=mb(size), limit=mb(MAX_SLOW_BYTES), advice=advice))


def count_elements(chunks: Iterator[bytes]) -> int:
    """How many elements a part's XML starts, counted by its '<' at C speed (no Python call
    per element): every '<' but those of end tags, comments, CDATA and declarations. A '<'
    inside a comment or CDATA section counts too, so the count is never below expat's."""
    count = 0
    for chunk in chunks:
        count += (chunk.count(b"<") - chunk.count(b"</") - chunk.count(b"<!")
                  - chunk.count(b"<?"))
    return count


def not_plain_advice() -> str:
    return _("the sheet is not written the way Excel and LibreOffice write one: open the file "
             "in Excel or LibreOffice and save it again")


_STRICT_CELL = re.compile(
    rb'<c r="([A-Za-z]+)([1-9][0-9]*)"(?: [\w:.-]+="[^"<]*")*'
    rb'(?:/>|>(<v>[^<]*</v>|<v/>|<is><t(?: xml:space="preserve")?>[^<]*</t></is>)?</c>)')
_EMPTY_VALUES = {b"<v></v>", b"<v/>", b"<is><t></t></is>", b'<is><t xml:space="preserve"></t></is>'}
_DECLARATION = re.compile(rb"\A(?:\xef\xbb\xbf)?<\?xml[^>]*\?>\s*")


class Sheet:
    """What is known of one sheet while its XML streams past."""

    def __init__(self, path: Path, part: str, name: str, packed: int, problems: list[str]):
        self.path, self.part, self.name = path, part, name
        self.packed = packed
        self.problems = problems
        self.scan = SheetScan(name)
        self.reached = 0            # cells that may hold a value (empty <v> or <is> included)
        self.elements = 0           # elements of the plain scan so far
        self.far: tuple[int, int] | None = None   # the cell that set max_row or max_col last

    def elements_within(self, values: int) -> None:
        """Refuse a plain sheet whose elements so far are more than its ``values`` filled
        cells could need (``values`` never fewer than the sheet's real filled cells)."""
        if self.elements > ELEMENT_FLOOR + ELEMENTS_PER_VALUE * values:
            raise EkbistError(_(
                "{path}: sheet '{sheet}' holds more than {limit} XML elements for its "
                "{cells} filled cells — ekbist reads at most {floor} and {per} more for each "
                "filled cell; delete what is not data (formatted empty rows and cells) and "
                "save the file again").format(
                path=self.path, sheet=self.name,
                limit=spaced(ELEMENT_FLOOR + ELEMENTS_PER_VALUE * values),
                cells=spaced(values), floor=spaced(ELEMENT_FLOOR), per=ELEMENTS_PER_VALUE))

    def cell(self, row: int, col: int, filled: bool) -> None:
        """A cell that calamine places in the sheet's block (filled: holds text or a number)."""
        scan = self.scan
        if row > MAX_ROWS or col > MAX_COLUMNS:
            raise EkbistError(_(
                "{cell}: beyond the {rows} rows × {columns} columns (column {last}) "
                "ekbist reads — delete what is there and save the file again"
            ).format(cell=cell_at(self.name, row, col), rows=spaced(MAX_ROWS),
                     columns=MAX_COLUMNS, last=column_letter(MAX_COLUMNS - 1)))
        if row > scan.max_row or col > scan.max_col:
            scan.max_row = max(scan.max_row, row)
            scan.max_col = max(scan.max_col, col)
            self.far = (row, col)       # named once, by finish()
        if filled:
            scan.cells += 1
            if scan.cells > DENSE_FLOOR and scan.cells * MIN_PACKED_PER_CELL > self.packed:
                self.too_dense()

    def too_dense(self) -> None:
        raise EkbistError(_("{path}: sheet '{sheet}' packs more than {cells} filled cells into "
                            "{packed} — real data takes at least a byte per cell; the file "
                            "looks like a zip bomb").format(
            path=self.path, sheet=self.name, cells=spaced(self.scan.cells),
            packed=mb(self.packed)))

    def text(self, length: int, row: int, col: int) -> None:
        if length > MAX_TEXT:
            raise EkbistError(_("{cell}: a text of more than {limit} characters — Excel allows "
                                "at most {limit} in a cell").format(
                cell=cell_at(self.name, row, col), limit=spaced(MAX_TEXT)))

    def formula_without_value(self, row: int, col: int) -> None:
        if len(self.problems) < MAX_LISTED:
            self.problems.append(_(
                "{cell}: a formula without a saved value — open the file in "
                "Excel or LibreOffice and save it, then import it again"
            ).format(cell=cell_at(self.name, row, col)))

    def finish(self) -> SheetScan:
        scan = self.scan
        if self.far is not None:
            scan.farthest = cell_at(self.name, *self.far)
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


def _plain_refs(sheet: Sheet, part: bytes,
                pattern: re.Pattern[bytes]) -> list[tuple[bytes, ...]]:
    """The cells of a chunk of plain sheet XML as ``pattern`` matches them (column letters,
    row digits, …); raise NotPlain when the chunk is not plain or a cell escapes the pattern.
    The chunk's elements are added to ``sheet.elements``."""
    for marker in _NOT_PLAIN:
        if marker in part:
            raise NotPlain
    opened = part.count(b"<")
    if opened != part.count(b">"):
        raise NotPlain
    sheet.elements += opened - part.count(b"</")    # no '<!' or '<?' in a plain chunk
    found = pattern.findall(part)
    if len(found) != part.count(b"<c ") + part.count(b"<c>") + part.count(b"<c/"):
        raise NotPlain
    if part.count(b' r="') != len(found) + part.count(b'<row r="'):
        raise NotPlain      # an attribute r twice in a cell, or one somewhere else
    return found


def _farthest(found: list[tuple[bytes, ...]], columns: dict[bytes, int]) -> tuple[int, int]:
    """The largest row and column of ``found`` (not empty); ``columns`` remembers the
    number of each column's letters."""
    top_col = 0
    for letters in set(map(_FIRST, found)):
        col = columns.get(letters)
        if col is None:
            col = columns[letters] = column_number(letters.decode("ascii"))
        top_col = max(top_col, col)
    return _top_row(list(map(_SECOND, found))), top_col


def _plain_cells(sheet: Sheet, part: bytes, columns: dict[bytes, int]) -> None:
    """Read the cells of a chunk of plain sheet XML; raise NotPlain when it is not plain.

    Every cell must be matched whole by the strict pattern (so nothing hides between the
    matches), and the bounds are taken per chunk with list operations rather than per
    cell in Python: this is what keeps the guard cheap beside calamine's own read.
    """
    valued = [m for m in _plain_refs(sheet, part, _STRICT_CELL) if m[2]]
    if not valued:
        sheet.elements_within(sheet.scan.cells)
        return
    if max(len(m[2]) for m in valued) > MAX_TEXT:
        raise NotPlain      # bytes, not characters: expat counts them exactly
    top_row, top_col = _farthest(valued, columns)
    scan = sheet.scan
    if top_row > MAX_ROWS or top_col > MAX_COLUMNS:
        for letters, row_digits, *_rest in valued:   # name the first cell beyond the bounds
            sheet.cell(int(row_digits), columns[letters], False)
    if top_row > scan.max_row or top_col > scan.max_col:
        for letters, row_digits, *_rest in reversed(valued):
            if int(row_digits) == top_row or columns[letters] == top_col:
                scan.farthest = cell_at(sheet.name, int(row_digits), columns[letters])
                break
        scan.max_row = max(scan.max_row, top_row)
        scan.max_col = max(scan.max_col, top_col)
    empty = _EMPTY_VALUES
    scan.cells += len(valued) - sum(1 for m in valued if m[2] in empty)
    if scan.cells > DENSE_FLOOR and scan.cells * MIN_PACKED_PER_CELL > sheet.packed:
        sheet.too_dense()
    sheet.elements_within(scan.cells)


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


class Unsure(Exception):
    """The quick bounds cannot decide: the sheet is read cell by cell."""


def quick_cells(sheet: Sheet, part: bytes, columns: dict[bytes, int]) -> None:
    """Bounds of a chunk of plain sheet XML from byte counts, never too low.

    Every cell counts as placed (an empty formatted one too) and every <v> or <is> as a
    filled cell, so the bounds are high; when they exceed a limit, :class:`Unsure` sends
    the sheet to the exact reading. No text can be longer than MAX_TEXT bytes when every
    window of _TEXT_WINDOW bytes holds a '<'.
    """
    refs = _plain_refs(sheet, part, _CELL_REF)
    for start in range(0, len(part) - _TEXT_WINDOW + 1, _TEXT_WINDOW):
        if part.find(b"<", start, start + _TEXT_WINDOW) < 0:
            raise NotPlain
    if not refs:
        sheet.elements_within(sheet.scan.cells)   # here an upper bound of the filled cells
        return
    top_row, top_col = _farthest(refs, columns)
    scan = sheet.scan
    scan.max_row = max(scan.max_row, top_row)
    scan.max_col = max(scan.max_col, top_col)
    scan.cells += part.count(b"<v") + part.count(b"<is")
    sheet.elements_within(scan.cells)
    if (scan.max_row > MAX_ROWS or scan.max_col > MAX_COLUMNS
            or scan.max_row * scan.max_col > MAX_SPARSE_AREA
            or (scan.cells > DENSE_FLOOR and scan.cells * MIN_PACKED_PER_CELL > sheet.packed)):
        raise Unsure


def scan_plain(sheet: Sheet, chunks: Iterator[bytes], read=_plain_cells) -> None:
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
                raise NotPlain
        read(sheet, buffer[:cut], columns)
        buffer = buffer[cut:]
    if buffer:
        read(sheet, buffer, columns)
    if not done or not tail.rstrip().endswith(b"</worksheet>"):
        raise NotPlain         # cut short, or not a plain worksheet: expat says which


def parse(path: Path, part: str, chunks: Iterator[bytes], *,
          start: Callable[[str, dict[str, str]], None] | None = None,
          end: Callable[[str], None] | None = None, text: Callable[[str], None] | None = None,
          namespaces: bool = False) -> None:
    """Feed a part to expat chunk by chunk, calling ``start``, ``end`` and ``text`` (expat's
    element and character data handlers) where given; not well-formed XML is refused naming
    the part."""
    parser = expat.ParserCreate(namespace_separator=" ") if namespaces else expat.ParserCreate()
    parser.buffer_text = True
    parser.buffer_size = 1 << 16
    _refuse_entities(parser)
    if start is not None:
        parser.StartElementHandler = start
    if end is not None:
        parser.EndElementHandler = end
    if text is not None:
        parser.CharacterDataHandler = text
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


def well_formed(path: Path, part: str, chunks: Iterator[bytes]) -> Iterator[bytes]:
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
