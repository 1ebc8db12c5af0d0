"""A worksheet, shared strings or an .ods file's content.xml read by expat, element by element.

A sheet not in the plain shape that :mod:`ekbist.sheets.sheet_xml` scans at byte level,
every .ods content.xml and every shared strings part is read here, with Python handlers for
each element. That is about ten times slower than the byte scan, so what is read this way
is bounded (:func:`~ekbist.sheets.sheet_xml.refuse_slow_read`): the part's size and its
elements, counted at C speed before expat reads a byte
(:func:`~ekbist.sheets.sheet_xml.count_elements`, never fewer than expat finds). The
handlers count nothing more.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

from ekbist.errors import EkbistError
from ekbist.i18n import _
from ekbist.sheets import sheet_xml
from ekbist.sheets.sheet_xml import (MAX_SPARSE_AREA, MAX_TEXT, Sheet, SheetScan,
                                     column_number, not_plain_advice, parse,
                                     refuse_slow_read)
from ekbist.sheets.zip_parts import spaced

# -- an .xlsx sheet read by expat --------------------------------------------------------------

_REF = re.compile(r"([A-Za-z]+)([0-9]+)\Z")
# The elements a worksheet's handlers act on, by local name; any other is passed over.
_SHEET_DATA, _ROW, _CELL, _VALUE, _INLINE, _TEXT, _FORMULA = range(1, 8)
_CODES = {"sheetData": _SHEET_DATA, "row": _ROW, "c": _CELL, "v": _VALUE, "is": _INLINE,
          "t": _TEXT, "f": _FORMULA}


def _sheet_handlers(sheet: Sheet) -> tuple[Callable, Callable, Callable]:
    """expat's start, end and text handlers for a worksheet: cells as calamine places them.

    They run for every element, so they are closures over plain variables, each element
    name is looked up once, and a cell calls :meth:`Sheet.cell` only when it moves the
    sheet's bounds (the other filled cells are counted here). No element is counted: the
    part's elements were counted before it was parsed (refuse_slow_read).
    """
    scan = sheet.scan
    codes: dict[str, int] = {}
    columns: dict[str, int] = {}
    inside = done = in_cell = in_v = in_t = has_v = has_is = has_f = False
    row = col = length = 0
    kind = ""

    def code_of(name: str) -> int:
        code = codes[name] = _CODES.get(name.rpartition(":")[2], 0)
        return code

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal inside, in_cell, in_v, in_t, has_v, has_is, has_f, row, col, length, kind
        if done:
            return
        code = codes.get(name)
        if code is None:
            code = code_of(name)
        if not code:
            return
        if not inside:
            inside = code == _SHEET_DATA
        elif code == _CELL:
            ref = attrs.get("r")
            if ref is None:
                col += 1
                row = max(row, 1)
            else:
                match = _REF.match(ref)
                if match is None:
                    raise EkbistError(_("{path}: part {part}: '{ref}' is not a cell reference"
                                        ).format(path=sheet.path, part=sheet.part,
                                                 ref=ref[:40]))
                letters = match.group(1)
                col = columns.get(letters) or columns.setdefault(letters,
                                                                 column_number(letters))
                row = int(match.group(2))
            in_cell = True
            kind = attrs.get("t", "")
            has_v = has_is = has_f = False
            length = 0
        elif code == _ROW:
            number = attrs.get("r", "")
            row = int(number) if number.isascii() and number.isdigit() else row + 1
            col = 0
        elif in_cell:
            if code == _VALUE:
                has_v = in_v = True
            elif code == _INLINE:
                has_is = True
            elif code == _TEXT:
                in_t = in_t or has_is
            elif code == _FORMULA:
                has_f = True

    def end(name: str) -> None:
        nonlocal done, in_cell, in_v, in_t
        if done or not inside:
            return
        code = codes.get(name)
        if code is None:
            code = code_of(name)
        if code == _VALUE:
            in_v = False
        elif code == _TEXT:
            in_t = False
        elif code == _CELL and in_cell:
            in_cell = False
            if has_f and not (length or has_is or (kind == "str" and has_v)):
                sheet.formula_without_value(row, col)
            elif has_v or has_is:
                if row > scan.max_row or col > scan.max_col:
                    sheet.cell(row, col, length > 0)
                elif length:
                    scan.cells += 1
                    if scan.cells > sheet_xml.DENSE_FLOOR and \
                            scan.cells * sheet_xml.MIN_PACKED_PER_CELL > sheet.packed:
                        sheet.too_dense()
        elif code == _SHEET_DATA:
            done = True

    def text(data: str) -> None:
        nonlocal length
        if in_v or in_t:
            length += len(data)
            if length > MAX_TEXT:
                sheet.text(length, row, col)

    return start, end, text


def scan_expat(sheet: Sheet, chunks: Iterator[bytes], size: int, elements: int) -> None:
    """Read a sheet that is not in the plain shape (``size``: its bytes, as counted;
    ``elements``: as :func:`~ekbist.sheets.sheet_xml.count_elements` counted them)."""
    refuse_slow_read(sheet.path, sheet.part, not_plain_advice(), size, elements)
    start, end, text = _sheet_handlers(sheet)
    parse(sheet.path, sheet.part, chunks, start=start, end=end, text=text)


# -- shared strings and .ods content -----------------------------------------------------------

def scan_strings(path: Path, part: str, chunks: Iterator[bytes], size: int,
                 elements: int) -> None:
    """Bound every shared string's length (``size``: the part's bytes, as counted;
    ``elements``: counted before, as for :func:`scan_expat`)."""
    refuse_slow_read(path, part, _("split the workbook into smaller files"), size, elements,
                     times=2)
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
                                                   limit=spaced(MAX_TEXT)))

    parse(path, part, chunks, start=start, end=end, text=text)


_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"


class _OdsEvents:
    """expat handlers for an .ods content.xml: every table's filled block, repeats counted."""

    def __init__(self, path: Path, part: str, packed: int, problems: list[str]):
        self.path, self.part, self.packed, self.problems = path, part, packed, problems
        self.sheet: Sheet | None = None
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
            self.sheet = Sheet(self.path, self.part, attrs.get(f"{_TABLE} name", ""),
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


def scan_ods(path: Path, part: str, packed: int, problems: list[str],
             chunks: Iterator[bytes], size: int, elements: int) -> list[SheetScan]:
    """Read an .ods file's content.xml (``size``: its bytes, as counted; ``elements``:
    counted before, as for :func:`scan_expat`)."""
    refuse_slow_read(path, part, _("save the file as .xlsx, which ekbist reads faster"), size,
                     elements)
    events = _OdsEvents(path, part, packed, problems)
    # Namespaces matter in ODF (table:table vs text:table): parse with them resolved.
    parse(path, part, chunks, start=events.start, end=events.end, text=events.text,
          namespaces=True)
    return events.scans
