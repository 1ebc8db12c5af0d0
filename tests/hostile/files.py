"""Generators of hostile workbooks: far cells in every spelling, zip bombs, byte flips, cuts.

Every file is written here, at test time, with :mod:`zipfile`'s streaming writes (a zip
bomb's gigabyte of XML is never held in memory and never kept in the repository). Each
generator returns the path it wrote; :func:`cases` draws a seeded mix of them for the
fuzzing runs (``tests/hostile/test_hostile_workbooks.py`` and ``python -m tests.hostile``).
"""

from __future__ import annotations

import random
import struct
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from openpyxl.utils import get_column_letter as column

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
HEADER = ["Id", "Namn", "Team", "FTE"]

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
    'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
    'worksheet+xml"/></Types>')
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<workbook xmlns="{MAIN}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships"><sheets><sheet name="Handläggare" sheetId="1" r:id="rId1"/></sheets>'
    '</workbook>')
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
SHEET_PART = "xl/worksheets/sheet1.xml"


def _inline(ref: str, value: object) -> str:
    if isinstance(value, str):
        return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'
    return f'<c r="{ref}"><v>{value}</v></c>'


def handler_rows(rows: int = 2) -> str:
    """A plain, valid Handläggare sheet's rows (header and ``rows - 1`` handlers)."""
    out = ["<row r=\"1\">" + "".join(_inline(f"{column(i + 1)}1", h)
                                     for i, h in enumerate(HEADER)) + "</row>"]
    for r in range(2, rows + 1):
        values = [f"h{r}", f"Anna {r}", "mottagning", 1]
        out.append(f'<row r="{r}">' + "".join(_inline(f"{column(i + 1)}{r}", v)
                                              for i, v in enumerate(values)) + "</row>")
    return "".join(out)


def sheet(rows_xml: str | Iterable[bytes], *, prefix: str = "") -> Iterator[bytes]:
    """A worksheet part around ``rows_xml`` (text, or chunks of bytes to stream)."""
    p = f"{prefix}:" if prefix else ""
    ns = f'xmlns:{prefix}="{MAIN}"' if prefix else f'xmlns="{MAIN}"'
    yield (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           f"<{p}worksheet {ns}><{p}sheetData>").encode()
    if isinstance(rows_xml, str):
        yield rows_xml.encode()
    else:
        yield from rows_xml
    yield f"</{p}sheetData></{p}worksheet>".encode()


def write_xlsx(path: Path, sheet_xml: Iterable[bytes], *, level: int = 6,
               others: dict[str, bytes] | None = None) -> Path:
    """An .xlsx whose one sheet streams from ``sheet_xml`` (never held whole in memory)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as book:
        book.writestr("[Content_Types].xml", _CONTENT_TYPES)
        book.writestr("_rels/.rels", _RELS)
        book.writestr("xl/workbook.xml", _WORKBOOK)
        book.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        for name, data in (others or {}).items():
            book.writestr(name, data)
        with book.open(SHEET_PART, "w", force_zip64=True) as part:
            for chunk in sheet_xml:
                part.write(chunk)
    return path


# -- far cells, in every spelling ----------------------------------------------------------

FAR_SPELLINGS: dict[str, Callable[[str], str]] = {
    "double quotes": lambda ref: f'<row r="1048576"><c r="{ref}"><v>1</v></c></row>',
    "single quotes": lambda ref: f"<row r='1048576'><c r='{ref}'><v>1</v></c></row>",
    "spaces around =": lambda ref: f'<row r = "1048576"><c r = "{ref}"><v>1</v></c></row>',
    "tab and line break": lambda ref: f'<row\tr="1048576"><c\nr="{ref}"\t><v>1</v></c></row>',
    "lower case": lambda ref: f'<row r="1048576"><c r="{ref.lower()}"><v>1</v></c></row>',
    "leading zeros": lambda ref: f'<row r="1048576"><c r="{_zeros(ref)}"><v>1</v></c></row>',
    "row without number": lambda ref: f'<row><c r="{ref}"><v>1</v></c></row>',
    "after a comment": lambda ref: f'<!-- x --><row r="1048576"><c r="{ref}"><v>1</v></c></row>',
    "other attributes first": lambda ref: (f'<row r="1048576"><c s="0" t="n" r="{ref}">'
                                           "<v>1</v></c></row>"),
    "inline string": lambda ref: (f'<row r="1048576"><c r="{ref}" t="inlineStr"><is><t>x</t>'
                                  "</is></c></row>"),
    "empty string formula": lambda ref: (f'<row r="1048576"><c r="{ref}" t="str"><f>""</f>'
                                         "<v></v></c></row>"),
    "character reference": lambda ref: (f'<row r="1048576"><c r="&#{ord(ref[0])};{ref[1:]}">'
                                        "<v>1</v></c></row>"),
}
PREFIXED = "x: namespace prefix"


def _zeros(ref: str) -> str:
    letters = ref.rstrip("0123456789")
    return letters + "000" + ref[len(letters):]


def far_cell(path: Path, spelling: str, ref: str = "XFD1048576") -> Path:
    """A small, valid Handläggare sheet with one far cell written in ``spelling``."""
    if spelling == PREFIXED:
        rows = handler_rows().replace("<row", "<x:row").replace("</row", "</x:row")
        rows = rows.replace("<c ", "<x:c ").replace("</c>", "</x:c>")
        rows = rows.replace("<v>", "<x:v>").replace("</v>", "</x:v>")
        rows = rows.replace("<is>", "<x:is>").replace("</is>", "</x:is>")
        rows = rows.replace("<t>", "<x:t>").replace("</t>", "</x:t>")
        rows += f'<x:row r="1048576"><x:c r="{ref}"><x:v>1</x:v></x:c></x:row>'
        return write_xlsx(path, sheet(rows, prefix="x"))
    return write_xlsx(path, sheet(handler_rows() + FAR_SPELLINGS[spelling](ref)))


def all_spellings() -> list[str]:
    return [*FAR_SPELLINGS, PREFIXED]


# -- zip bombs ------------------------------------------------------------------------------

def _repeat(unit: bytes, total: int) -> Iterator[bytes]:
    block = unit * max(1, (1 << 20) // len(unit))
    left = total
    while left > 0:
        piece = block[:left]
        left -= len(piece)
        yield piece


def text_bomb(path: Path, text_bytes: int, *, level: int = 9) -> Path:
    """One inline-string cell holding ``text_bytes`` of text (a 1 GiB cell packs to ~1 MB)."""
    rows = [handler_rows().encode(),
            b'<row r="3"><c r="A3" t="inlineStr"><is><t>',
            *_repeat(b"a", text_bytes),
            b"</t></is></c></row>"]
    return write_xlsx(path, sheet(rows), level=level)


def dense_bomb(path: Path, rows: int, columns: int = 20, *, level: int = 9,
               digits: random.Random | None = None) -> Path:
    """``rows`` × ``columns`` cells of 1 written without cell references (1 048 576 × 20
    packs to about 3 MB): every row differs only in its number. With ``digits``, each cell
    holds a random digit instead, which packs about ten times less tightly."""
    cells = b"<c><v>1</v></c>" * columns

    def body() -> Iterator[bytes]:
        yield handler_rows().encode()
        batch = []
        for r in range(3, rows + 1):
            if digits is not None:
                cells_ = b"".join(b"<c><v>%d</v></c>" % digits.randrange(10)
                                  for _ in range(columns))
                batch.append(b'<row r="%d">%s</row>' % (r, cells_))
            else:
                batch.append(b'<row r="%d">%s</row>' % (r, cells))
            if len(batch) == 4096:
                yield b"".join(batch)
                batch = []
        yield b"".join(batch)

    return write_xlsx(path, sheet(body()), level=level)


def odd_spelling_sheet(path: Path, rows: int, columns: int = 10, *, seed: int = 1) -> Path:
    """Plausible data in a spelling Excel does not write: ``rows`` × ``columns`` cells of
    small random numbers with their attributes in single quotes (so the sheet is read by
    expat, element by element). 100 000 × 10 cells pack into about 4 MB."""
    rng = random.Random(seed)
    letters = [column(i + 1).encode() for i in range(columns)]

    def body() -> Iterator[bytes]:
        yield handler_rows().encode()
        for start in range(3, rows + 1, 10_000):
            yield b"".join(
                b"<row r='%d'>" % r
                + b"".join(b"<c r='%s%d'><v>%d</v></c>" % (c, r, rng.randrange(100))
                           for c in letters)
                + b"</row>" for r in range(start, min(start + 10_000, rows + 1)))

    return write_xlsx(path, sheet(body()))


def element_bomb(path: Path, elements: int, *, seed: int = 1) -> Path:
    """``elements`` empty elements that are no cells (``<x/>``, one in ten ``<y/>`` so that
    the part packs like real data, about 39 times) in a plain sheet of two handler rows:
    25 million pack into 2.6 MB, which calamine would read for seconds."""
    rng = random.Random(seed)

    def body() -> Iterator[bytes]:
        yield handler_rows().encode()
        left = elements
        while left > 0:
            n = min(left, 1_000_000)
            yield b"".join(b"<y/>" if rng.random() < 0.1 else b"<x/>" for _ in range(n))
            left -= n

    return write_xlsx(path, sheet(body()), level=9)


def xml_bomb(path: Path, xml_bytes: int, *, level: int = 9) -> Path:
    """Gigabytes of well-formed XML that holds no cell (spaces between two rows)."""
    rows = [handler_rows().encode(), *_repeat(b" " * 4096, xml_bytes)]
    return write_xlsx(path, sheet(rows), level=level)


def shared_string_bomb(path: Path, text_bytes: int) -> Path:
    """A shared string of ``text_bytes`` characters, split over many runs of rich text."""
    run = b"<r><t>" + b"b" * 1000 + b"</t></r>"

    def strings() -> Iterator[bytes]:
        yield (f'<?xml version="1.0"?><sst xmlns="{MAIN}" count="1" uniqueCount="1"><si>'
               ).encode()
        yield from _repeat(run, text_bytes // 1000 * len(run))
        yield b"</si></sst>"

    rows = handler_rows() + '<row r="3"><c r="A3" t="s"><v>0</v></c></row>'
    write_xlsx(path, sheet(rows))
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=9) as book, \
            book.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
        for chunk in strings():
            part.write(chunk)
    return path


def lying_header(path: Path, member: str = SHEET_PART, declared: int = 1000) -> Path:
    """Rewrite a part's declared uncompressed size (local header and directory) to
    ``declared``: a reader that trusts the header undercounts what the part holds."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as book:
        info = book.getinfo(member)
    name = member.encode()
    local = info.header_offset
    assert data[local:local + 4] == b"PK\x03\x04"
    extra_len = struct.unpack_from("<H", data, local + 28)[0]
    if struct.unpack_from("<I", data, local + 22)[0] == 0xFFFFFFFF:   # zip64: in the extra
        _patch_zip64(data, local + 30 + len(name), extra_len, declared, local=True)
    else:
        struct.pack_into("<I", data, local + 22, declared)
    at = 0
    while True:
        at = data.find(b"PK\x01\x02", at)
        if at < 0:
            raise AssertionError(f"{member} not in the central directory")
        name_len, extra_len = struct.unpack_from("<HH", data, at + 28)
        if bytes(data[at + 46:at + 46 + name_len]) == name:
            break
        at += 4
    if struct.unpack_from("<I", data, at + 24)[0] == 0xFFFFFFFF:
        _patch_zip64(data, at + 46 + name_len, extra_len, declared, local=False)
    else:
        struct.pack_into("<I", data, at + 24, declared)
    path.write_bytes(bytes(data))
    return path


def _patch_zip64(data: bytearray, start: int, length: int, declared: int, *, local: bool) -> None:
    at = start
    while at < start + length:
        tag, size = struct.unpack_from("<HH", data, at)
        if tag == 0x0001:
            struct.pack_into("<Q", data, at + 4, declared)   # the uncompressed size comes first
            return
        at += 4 + size
    raise AssertionError("no zip64 extra field")


# -- damage ----------------------------------------------------------------------------------

def flip_bytes(source: bytes, rng: random.Random, count: int = 1) -> bytes:
    data = bytearray(source)
    for _ in range(count):
        at = rng.randrange(len(data))
        data[at] ^= 1 << rng.randrange(8) or 0xFF
    return bytes(data)


def truncate(source: bytes, rng: random.Random) -> bytes:
    return source[:rng.randrange(1, len(source))]


def broken_xml(path: Path, rng: random.Random) -> Path:
    """A valid zip whose sheet XML is cut or has a stray character."""
    xml = b"".join(sheet(handler_rows(4)))
    at = rng.randrange(40, len(xml))
    xml = xml[:at] if rng.random() < 0.5 else xml[:at] + b"<&" + xml[at:]
    return write_xlsx(path, [xml])


def method_not_used(path: Path, method: int = 12) -> Path:
    """A valid .xlsx whose sheet part claims a compression method (bzip2, lzma…) that
    spreadsheet programs do not write: the directory says so, the data is unchanged."""
    write_xlsx(path, sheet(handler_rows()))
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as book:
        info = book.getinfo(SHEET_PART)
    struct.pack_into("<H", data, info.header_offset + 8, method)
    at = 0
    while True:
        at = data.find(b"PK\x01\x02", at)
        name_len = struct.unpack_from("<H", data, at + 28)[0]
        if bytes(data[at + 46:at + 46 + name_len]) == SHEET_PART.encode():
            struct.pack_into("<H", data, at + 10, method)
            break
        at += 4
    path.write_bytes(bytes(data))
    return path


def ods(path: Path, rows_xml: str) -> Path:
    """A minimal .ods file whose one table holds ``rows_xml``."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="Handläggare">'
        f"{rows_xml}</table:table></office:spreadsheet></office:body>"
        "</office:document-content>")
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:'
        'names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry '
        'manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.'
        'spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" '
        'manifest:media-type="text/xml"/></manifest:manifest>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        book.writestr("META-INF/manifest.xml", manifest)
        book.writestr("content.xml", content)
    return path


def ods_row(values: list[object], *, repeat_rows: int = 1, repeat_last: int = 1) -> str:
    cells = []
    for i, value in enumerate(values):
        rep = f' table:number-columns-repeated="{repeat_last}"' \
            if i == len(values) - 1 and repeat_last > 1 else ""
        if isinstance(value, str):
            cells.append(f'<table:table-cell office:value-type="string"{rep}><text:p>{value}'
                         "</text:p></table:table-cell>")
        else:
            cells.append(f'<table:table-cell office:value-type="float" office:value="{value}"'
                         f"{rep}><text:p>{value}</text:p></table:table-cell>")
    rows = f' table:number-rows-repeated="{repeat_rows}"' if repeat_rows > 1 else ""
    return f"<table:table-row{rows}>{''.join(cells)}</table:table-row>"


# -- a seeded mix ----------------------------------------------------------------------------

@dataclass
class Case:
    kind: str
    path: Path
    must_refuse: bool       # True: ekbist must refuse it; False: it may be read or refused
    shared: bool = False    # a zip bomb reused by later cases: not to be deleted after use


KINDS = ("far cell", "byte flip", "truncation", "broken xml", "text bomb", "dense bomb",
         "xml bomb", "lying header", "ods far cell", "ods flip", "xls flip", "method",
         "element bomb", "many problems")


def cases(folder: Path, count: int, seed: int, *, scale: float = 1.0,
          xls: bytes | None = None, reuse_bombs: bool = False) -> Iterator[Case]:
    """``count`` hostile files, the kinds in turn, written to ``folder``.

    ``scale`` sizes the zip bombs: 1.0 writes the full-size ones of the issue (a 1 GiB and
    a 3 GiB text cell, 1 048 576 rows × 20 columns, 3 GB of XML); the quick run uses a
    small fraction that still crosses every bound. With ``reuse_bombs`` each bomb size is
    written once and shared by the cases that draw it.
    """
    rng = random.Random(seed)
    good = write_xlsx(folder / "good.xlsx", sheet(handler_rows(6))).read_bytes()
    good_ods = ods(folder / "good.ods", ods_row(HEADER)
                   + ods_row(["h1", "Anna", "mottagning", 1])).read_bytes()
    bombs: dict[tuple, Path] = {}

    def bomb(key: tuple, path: Path, make: Callable[[Path], Path]) -> tuple[Path, bool]:
        if not reuse_bombs:
            return make(path), False
        if key not in bombs:
            bombs[key] = make(folder / ("bomb-" + "-".join(map(str, key)) + ".xlsx"))
        return bombs[key], True

    spellings = all_spellings()
    for n in range(count):
        kind = KINDS[n % len(KINDS)]
        path = folder / f"case{n:05d}.xlsx"
        if kind == "far cell":
            ref = rng.choice(["XFD1048576", "GS1", "A1048577", "GR900000", "ZZ10", "AAAA9",
                              "A99999999"])
            yield Case(kind, far_cell(path, rng.choice(spellings), ref), True)
        elif kind == "byte flip":
            path.write_bytes(flip_bytes(good, rng, rng.randint(1, 8)))
            yield Case(kind, path, False)
        elif kind == "truncation":
            path.write_bytes(truncate(good, rng))
            yield Case(kind, path, True)
        elif kind == "broken xml":
            yield Case(kind, broken_xml(path, rng), True)
        elif kind == "text bomb":
            size = max(rng.choice([40_000, int((1 << 30) * scale), int(3 * (1 << 30) * scale)]),
                       40_000 if scale >= 0.5 else 9 << 20)
            made, shared = bomb(("text", size), path, lambda p: text_bomb(p, size))
            yield Case(kind, made, True, shared)
        elif kind == "dense bomb":
            rows = max(int(1_048_576 * scale), 1_000)
            columns = rng.choice([20, 10])
            if scale < 0.5:                    # quick: 1.1 million cells, refused at once
                made, shared = bomb(("dense", columns), path, lambda p: dense_bomb(
                    p, 1_100_000 // columns, columns))
            elif rows * columns < 300_000:     # small: random digits, caught per cell
                made, shared = bomb(("dense-digits", columns), path, lambda p: dense_bomb(
                    p, 300_000 // columns, columns, digits=random.Random(columns)))
            else:
                made, shared = bomb(("dense", rows, columns), path,
                                    lambda p: dense_bomb(p, rows, columns, level=6))
            yield Case(kind, made, True, shared)
        elif kind == "xml bomb":
            size = max(int(3_000_000_000 * scale), 9 << 20)
            made, shared = bomb(("xml", size), path, lambda p: xml_bomb(p, size))
            yield Case(kind, made, True, shared)
        elif kind == "lying header":
            size = max(int(64 * (1 << 20) * scale), 1 << 20)
            declared = rng.choice([1000, size // 2])
            made, shared = bomb(("lie", size, declared), path, lambda p: lying_header(
                xml_bomb(p, size), declared=declared))
            yield Case(kind, made, True, shared)
        elif kind == "ods far cell":
            far = rng.choice([
                ods_row(["x"], repeat_last=16384),
                ods_row(["x"], repeat_rows=2_000_000),
                ods_row([1] * 3, repeat_rows=100_000, repeat_last=190),
            ])
            yield Case(kind, ods(path.with_suffix(".ods"), ods_row(HEADER) + far), True)
        elif kind == "ods flip":
            path = path.with_suffix(".ods")
            path.write_bytes(flip_bytes(good_ods, rng, rng.randint(1, 8)))
            yield Case(kind, path, False)
        elif kind == "xls flip" and xls:
            path = path.with_suffix(".xls")
            path.write_bytes(flip_bytes(xls, rng, rng.randint(1, 16)))
            yield Case(kind, path, False)
        elif kind == "method":
            yield Case(kind, method_not_used(path, rng.choice([12, 14, 93, 99])), True)
        elif kind == "element bomb":
            # The 25 million empty elements in 2.6 MB; quick: just over the bound.
            count = max(int(25_000_000 * scale), 2_100_000)
            made, shared = bomb(("elements", count), path, lambda p: element_bomb(p, count))
            yield Case(kind, made, True, shared)
        elif kind == "many problems":
            # 40 000 rows of ten number cells in single quotes (1.7 MB, read element by
            # element): 120 000 bad cells, each counted, the first of each kind listed.
            rows = max(int(40_000 * scale), 1_000)
            yield Case(kind, odd_spelling_sheet(path, rows, seed=rng.randrange(1 << 30)), True)
        else:
            path.write_bytes(truncate(good, rng))
            yield Case("truncation", path, True)
