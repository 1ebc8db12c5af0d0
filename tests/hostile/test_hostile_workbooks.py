"""Hostile workbooks: far cells in every spelling, zip bombs, damaged zips and XML.

Every one is refused with one ``error:`` line naming the file, the part or the cell — or
read — and never aborts, stalls or says "unexpected". The zip bombs are built here with
streaming writes (nothing big is kept in the repository) and run through the real
installed ``ekbist import`` process, whose peak memory is measured (its time is judged
by the long run, ``python benchmarks/hostile_workbooks.py``, not on a shared test
machine); the seeded mix at the end is that run's quick subset.
"""

from __future__ import annotations

import random
import re
import shutil
import zipfile
from pathlib import Path

import pytest

from ekbist.errors import EkbistError
from ekbist.sheets import guard, reader, sheet_xml, xml_events

from . import files
from .run import RSS_BOUND, import_file, init_store

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.fixture
def fresh(cli):
    cli.ok("init")
    return cli


@pytest.fixture
def real_store(tmp_path) -> Path:
    db = tmp_path / "real.db"
    init_store(db)
    return db


def _one_error(result) -> str:
    assert result.exit_code == 1, (result.output, result.stderr)
    assert "Traceback" not in result.stderr and "unexpected" not in result.stderr, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, result.stderr
    return errors[0]


# -- far cells ---------------------------------------------------------------------------------

@pytest.mark.parametrize("spelling", files.all_spellings())
def test_a_far_cell_in_any_spelling_is_refused_by_name(fresh, tmp_path, spelling) -> None:
    path = files.far_cell(tmp_path / "far.xlsx", spelling)
    assert path.stat().st_size < 5_000
    line = _one_error(fresh("import", "--dry-run", path))
    assert line.startswith("error: Handläggare!XFD1048576: beyond the 1 048 576 rows × 200 "
                           "columns (column GR) ekbist reads"), line


@pytest.mark.parametrize("spelling", files.all_spellings())
def test_a_near_cell_in_any_spelling_is_placed_where_calamine_puts_it(tmp_path,
                                                                      spelling) -> None:
    if spelling == "character reference":
        pytest.skip("calamine itself refuses a character reference in a cell reference")
    path = files.far_cell(tmp_path / "near.xlsx", spelling, ref="G9")
    # Two handler rows (A1:D2) and the cell G9: 9 rows × 7 columns, 9 filled (an empty
    # string formula's value is not counted as filled).
    filled = 8 if spelling == "empty string formula" else 9
    assert [(s.name, s.cells, s.max_row, s.max_col) for s in guard.check_workbook(path)] == [
        ("Handläggare", filled, 9, 7)]
    if spelling != "empty string formula":
        [sheet] = reader.read(path)
        assert len(sheet.rows) == 9 and sheet.rows[8][6] in (1, 1.0, "x")


@pytest.mark.parametrize("spelling", ["single quotes", "spaces around =", files.PREFIXED])
def test_the_spellings_that_aborted_ekbist_are_refused_by_the_real_process(
        real_store, tmp_path, spelling) -> None:
    outcome = import_file(real_store, files.far_cell(tmp_path / "far.xlsx", spelling), spelling)
    assert outcome.faults(timed=False) == [] and outcome.status == 1, outcome
    assert "Handläggare!XFD1048576: beyond the 1 048 576 rows" in outcome.stderr


def test_the_byte_scan_and_expat_agree_on_a_plain_sheet(tmp_path) -> None:
    rows = files.handler_rows(300) + '<row r="400"><c r="GR400"><v>5</v></c></row>'
    plain = files.write_xlsx(tmp_path / "plain.xlsx", files.sheet(rows))
    odd = files.write_xlsx(tmp_path / "odd.xlsx", files.sheet(rows.replace('"', "'")))
    # 300 rows × 4 columns and one cell at GR400: 1 201 filled, 400 rows × 200 columns.
    expected = [("Handläggare", 1201, 400, 200)]
    assert [(s.name, s.cells, s.max_row, s.max_col) for s in guard.check_workbook(plain)] == \
        expected
    assert [(s.name, s.cells, s.max_row, s.max_col) for s in guard.check_workbook(odd)] == \
        expected


def test_a_cell_naming_its_place_twice_in_a_sheet_too_big_for_expat_first_is_refused(
        tmp_path, monkeypatch) -> None:
    # A sheet of more than 16 MiB is not read by expat before the byte scan; a cell with two
    # r attributes is not XML at all, and must never be placed at A… while calamine might
    # take the other. 400 000 rows of a random 9-digit number (so it packs like real data).
    rng = random.Random(7)

    def rows(evil: bytes):
        yield files.handler_rows().encode()
        for start in range(3, 400_003, 10_000):
            yield b"".join(b'<row r="%d"><c r="A%d"><v>%d</v></c></row>'
                           % (r, r, rng.randrange(10**8, 10**9))
                           for r in range(start, start + 10_000))
        yield evil

    good = files.write_xlsx(tmp_path / "good.xlsx",
                            files.sheet(rows(b'<row r="400003"><c r="A400003"><v>1</v></c></row>')))
    with zipfile.ZipFile(good) as book:
        assert book.getinfo(files.SHEET_PART).file_size > 16 << 20
    # The header and one handler (2 rows × 4 columns = 8 cells) and 400 001 cells in A3:A400003.
    assert [(s.cells, s.max_row, s.max_col) for s in guard.check_workbook(good)] == [
        (400_009, 400_003, 4)]
    twice = files.write_xlsx(tmp_path / "twice.xlsx", files.sheet(
        rows(b'<row r="400003"><c r="A400003" r="XFD1048576"><v>1</v></c></row>')))
    # Not plain, so read element by element: its 1.2 million elements (a row, a cell and a
    # value each) are over the bound, and it is refused for that before the end ...
    with pytest.raises(EkbistError, match="holds more than 1 000 000 XML elements"):
        guard.check_workbook(twice)
    # ... and with a higher bound, for the cell that names its place twice.
    monkeypatch.setattr(sheet_xml, "MAX_SLOW_ELEMENTS", 2_000_000)
    with pytest.raises(EkbistError, match="part xl/worksheets/sheet1.xml is not well-formed XML "
                                          r"\(duplicate attribute"):
        guard.check_workbook(twice)


# -- what expat reads element by element is bounded ---------------------------------------------

def _single_quoted(tmp_path: Path) -> Path:
    # The two handler rows of files.handler_rows() in single quotes (so not plain): the
    # worksheet and sheetData, then row 1 (1 + 4 inline strings × c, is, t = 13 elements)
    # and row 2 (1 + 3 inline strings × 3 + a number's c and v = 12): 27 elements.
    return files.write_xlsx(tmp_path / "quoted.xlsx",
                            files.sheet(files.handler_rows().replace('"', "'")))


def test_a_sheet_in_another_spelling_is_read_up_to_its_element_bound(tmp_path,
                                                                     monkeypatch) -> None:
    path = _single_quoted(tmp_path)
    monkeypatch.setattr(sheet_xml, "MAX_SLOW_ELEMENTS", 27)
    assert [(s.cells, s.max_row, s.max_col) for s in guard.check_workbook(path)] == [(8, 2, 4)]
    guard._checked.clear()
    monkeypatch.setattr(sheet_xml, "MAX_SLOW_ELEMENTS", 26)
    with pytest.raises(EkbistError, match=r"part xl/worksheets/sheet1\.xml holds more than 26 "
                                          "XML elements that must be read one by one — ekbist "
                                          "reads at most 26; the sheet is not written the way "
                                          "Excel and LibreOffice write one"):
        guard.check_workbook(path)


def test_a_sheet_in_another_spelling_is_read_up_to_its_byte_bound(tmp_path,
                                                                  monkeypatch) -> None:
    path = _single_quoted(tmp_path)
    with zipfile.ZipFile(path) as book:
        size = book.getinfo(files.SHEET_PART).file_size
    monkeypatch.setattr(sheet_xml, "MAX_SLOW_BYTES", size)
    assert [s.cells for s in guard.check_workbook(path)] == [8]
    guard._checked.clear()
    monkeypatch.setattr(sheet_xml, "MAX_SLOW_BYTES", size - 1)
    with pytest.raises(EkbistError, match=r"part xl/worksheets/sheet1\.xml expands to .* of XML "
                                          "that must be read element by element"):
        guard.check_workbook(path)
    # The same sheet in the plain spelling is not read element by element: no bound.
    plain = files.write_xlsx(tmp_path / "plain.xlsx", files.sheet(files.handler_rows()))
    monkeypatch.setattr(sheet_xml, "MAX_SLOW_ELEMENTS", 1)
    assert [s.cells for s in guard.check_workbook(plain)] == [8]


def test_an_ods_is_read_up_to_its_element_bound(tmp_path, monkeypatch) -> None:
    # document-content, body, spreadsheet, table; two rows of 1 + 4 × (cell, p): 22.
    path = files.ods(tmp_path / "ok.ods", files.ods_row(files.HEADER)
                     + files.ods_row(["h1", "Anna", "mottagning", 1]))
    monkeypatch.setattr(sheet_xml, "MAX_SLOW_ELEMENTS", 22)
    assert [s.cells for s in guard.check_workbook(path)] == [8]
    guard._checked.clear()
    monkeypatch.setattr(sheet_xml, "MAX_SLOW_ELEMENTS", 21)
    with pytest.raises(EkbistError, match="part content.xml holds more than 21 XML elements .* "
                                          "save the file as .xlsx"):
        guard.check_workbook(path)


def test_shared_strings_are_read_up_to_twice_the_element_bound(tmp_path, monkeypatch) -> None:
    strings = (f'<sst xmlns="{files.MAIN}"><si><t>Anna</t></si>'
               "<si><r><t>Bo</t></r></si>")          # sst, si, t, si, r, t: 6 elements
    path = files.write_xlsx(tmp_path / "s.xlsx", files.sheet(files.handler_rows()),
                            others={"xl/sharedStrings.xml": strings + "</sst>"})
    monkeypatch.setattr(sheet_xml, "MAX_SLOW_ELEMENTS", 3)
    assert [s.cells for s in guard.check_workbook(path)] == [8]
    guard._checked.clear()
    seven = files.write_xlsx(tmp_path / "s7.xlsx", files.sheet(files.handler_rows()),
                             others={"xl/sharedStrings.xml": strings + "<si/></sst>"})
    with pytest.raises(EkbistError, match="part xl/sharedStrings.xml holds more than 6 XML "
                                          "elements .* split the workbook"):
        guard.check_workbook(seven)


def test_an_ods_and_shared_strings_are_read_up_to_the_byte_bound(tmp_path, monkeypatch) -> None:
    # Over the byte bound a part's elements are not even counted: its size alone refuses it.
    book = files.ods(tmp_path / "ok.ods", files.ods_row(files.HEADER)
                     + files.ods_row(["h1", "Anna", "mottagning", 1]))
    strings = f'<sst xmlns="{files.MAIN}"><si><t>Anna</t></si></sst>'
    workbook = files.write_xlsx(tmp_path / "s.xlsx", files.sheet(files.handler_rows()),
                                others={"xl/sharedStrings.xml": strings})
    for path, part, advice in [(book, "content.xml", "save the file as .xlsx"),
                               (workbook, "xl/sharedStrings.xml", "split the workbook")]:
        with zipfile.ZipFile(path) as archive:
            size = archive.getinfo(part).file_size
        monkeypatch.setattr(sheet_xml, "MAX_SLOW_BYTES", size)
        assert [s.cells for s in guard.check_workbook(path)] == [8]
        guard._checked.clear()
        monkeypatch.setattr(sheet_xml, "MAX_SLOW_BYTES", size - 1)
        with pytest.raises(EkbistError, match=f"part {re.escape(part)} expands to .* of XML "
                                              f"that must be read element by element .*{advice}"):
            guard.check_workbook(path)
        guard._checked.clear()


# -- a plain sheet holds no more elements than its cells could need ----------------------------

def _junk(tmp_path: Path, extra: int) -> Path:
    # files.handler_rows() in the plain spelling: worksheet and sheetData (2), row 1 (1 + 4
    # inline strings × c, is, t = 13), row 2 (1 + 3 inline strings × 3 + a number's c and v
    # = 12): 27 elements for 8 filled cells; then ``extra`` empty elements that are no cells.
    return files.write_xlsx(tmp_path / f"junk{extra}.xlsx", files.sheet(
        files.handler_rows() + "<x/>" * extra))


def test_a_plain_sheet_holds_at_most_four_elements_a_filled_cell_over_its_floor(
        tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(sheet_xml, "ELEMENT_FLOOR", 0)   # 4 × 8 filled cells = 32 elements
    assert [(s.cells, s.max_row, s.max_col) for s in guard.check_workbook(
        _junk(tmp_path, 5))] == [(8, 2, 4)]
    with pytest.raises(EkbistError, match="sheet 'Handläggare' holds more than 32 XML "
                                          "elements for its 8 filled cells — ekbist reads at "
                                          "most 0 and 4 more for each filled cell"):
        guard.check_workbook(_junk(tmp_path, 6))
    monkeypatch.setattr(sheet_xml, "ELEMENT_FLOOR", 2_000_000)
    assert [s.cells for s in guard.check_workbook(_junk(tmp_path, 6))] == [8]


def test_empty_elements_packed_like_data_are_refused_by_the_real_process_at_once(
        real_store, tmp_path) -> None:
    # 2.1 million empty elements (8.4 MB of XML in about 0.2 MB): over the floor of
    # 2 000 000 and 4 × 8. The 25 million in 2.6 MB kept calamine busy for 8.9 s
    # of CPU; the long run (benchmarks/hostile_workbooks.py) builds that size.
    path = files.element_bomb(tmp_path / "elements.xlsx", 2_100_000)
    outcome = import_file(real_store, path, "element bomb")
    assert outcome.faults(timed=False) == [] and outcome.status == 1, outcome
    assert "sheet 'Handläggare' holds more than 2 000 032 XML elements for its 8 filled " \
           "cells" in outcome.stderr, outcome.stderr
    assert outcome.peak_rss < RSS_BOUND


def test_a_sheet_in_another_spelling_is_counted_before_expat_reads_it(tmp_path,
                                                                    monkeypatch) -> None:
    # The 27 elements of _single_quoted are counted at C speed first: over the bound, the
    # part is refused with expat's handlers never called.
    path = _single_quoted(tmp_path)
    called = []
    real = xml_events._sheet_handlers
    monkeypatch.setattr(xml_events, "_sheet_handlers",
                        lambda sheet: called.append(sheet) or real(sheet))
    monkeypatch.setattr(sheet_xml, "MAX_SLOW_ELEMENTS", 26)
    with pytest.raises(EkbistError, match="holds more than 26 XML elements"):
        guard.check_workbook(path)
    assert called == []
    assert sheet_xml.count_elements(iter([b'<?xml version="1.0"?><a><!-- <b> --><c/></a>'])) \
        == 3                                     # a, c and the '<' in the comment: never fewer


def test_four_megabytes_of_data_in_another_spelling_is_refused_by_the_real_process(
        real_store, tmp_path) -> None:
    # 100 000 rows × 10 cells in single quotes: 2.1 million elements in 4 MB. Read element
    # by element it kept ekbist busy for 18 s of CPU (and 120 s on a busy machine).
    path = files.odd_spelling_sheet(tmp_path / "odd.xlsx", 100_000)
    assert path.stat().st_size < 5_000_000
    outcome = import_file(real_store, path, "odd spelling")
    assert outcome.faults(timed=False) == [] and outcome.status == 1, outcome
    assert "holds more than 1 000 000 XML elements" in outcome.stderr, outcome.stderr


# -- zip bombs (real processes, measured) ------------------------------------------------------

def _refused_within_bounds(db: Path, path: Path, kind: str, words: str):
    outcome = import_file(db, path, kind)
    assert outcome.faults(timed=False) == [], (outcome.faults(), outcome.stderr)
    assert outcome.status == 1 and words in outcome.stderr, outcome.stderr
    assert outcome.peak_rss < RSS_BOUND
    return outcome


def test_a_64_mib_text_cell_packed_a_thousand_times_is_refused_before_it_is_inflated(
        real_store, tmp_path) -> None:
    path = files.text_bomb(tmp_path / "text.xlsx", 64 << 20)
    assert path.stat().st_size < 200_000
    _refused_within_bounds(real_store, path, "text bomb",
                           "part xl/worksheets/sheet1.xml expands")


def test_a_text_cell_beyond_excel_s_limit_is_refused_while_streaming(fresh, tmp_path) -> None:
    exactly = files.text_bomb(tmp_path / "exactly.xlsx", 32_767)
    assert guard.check_workbook(exactly)[0].cells == 9
    over = files.text_bomb(tmp_path / "over.xlsx", 32_768)
    line = _one_error(fresh("import", "--dry-run", over))
    assert line == ("error: Handläggare!A3: a text of more than 32 767 characters — Excel "
                    "allows at most 32 767 in a cell")


def test_a_text_of_swedish_letters_is_counted_in_characters_not_bytes(tmp_path) -> None:
    rows = files.handler_rows() + '<row r="3"><c r="A3" t="inlineStr"><is><t>' + \
        "å" * 30_000 + "</t></is></c></row>"
    path = files.write_xlsx(tmp_path / "å.xlsx", files.sheet(rows))
    assert guard.check_workbook(path)[0].cells == 9


def test_a_shared_string_of_many_short_runs_is_bounded_as_one_string(fresh, tmp_path) -> None:
    path = files.shared_string_bomb(tmp_path / "sst.xlsx", 40_000)
    line = _one_error(fresh("import", "--dry-run", path))
    assert line == ("error: {}: part xl/sharedStrings.xml: shared string 1 is longer than "
                    "32 767 characters — Excel allows at most 32 767 in a cell").format(path)


def test_a_quarter_million_cells_packed_below_a_byte_each_are_refused(real_store,
                                                                       tmp_path) -> None:
    # 12 500 rows × 20 random digits = 250 000 filled cells, 3.8 MB of XML that packs about
    # 30 times (below the ratio bound) into less than a byte per cell: the byte-per-cell
    # rule refuses it while streaming, once 200 000 cells are counted.
    path = files.dense_bomb(tmp_path / "dense.xlsx", 12_502, 20, digits=random.Random(1))
    with zipfile.ZipFile(path) as book:
        info = book.getinfo(files.SHEET_PART)
    assert info.file_size < guard.RATIO_FLOOR and info.compress_size < 250_000
    _refused_within_bounds(real_store, path, "dense bomb", "looks like a zip bomb")


def test_a_million_rows_of_twenty_cells_in_three_megabytes_is_refused_at_once(
        real_store, tmp_path) -> None:
    path = files.dense_bomb(tmp_path / "dense.xlsx", 1_048_576, 20, level=6)
    assert path.stat().st_size < 4_000_000
    _refused_within_bounds(real_store, path, "dense bomb", "looks like a zip bomb")


def test_forty_mib_of_xml_spaces_is_refused_by_its_ratio(real_store, tmp_path) -> None:
    path = files.xml_bomb(tmp_path / "xml.xlsx", 40 << 20)
    _refused_within_bounds(real_store, path, "xml bomb", "real spreadsheet data expands at "
                                                         "most 50 times")


@pytest.mark.parametrize("declared", [1000, 1 << 20])
def test_a_header_that_understates_a_part_is_caught_by_counting(real_store, tmp_path,
                                                               declared) -> None:
    path = files.lying_header(files.xml_bomb(tmp_path / "lie.xlsx", 2 << 20), declared=declared)
    with zipfile.ZipFile(path) as book:
        assert book.getinfo(files.SHEET_PART).file_size == declared
    _refused_within_bounds(real_store, path, "lying header", "holds more than the")


def test_an_ordinary_sheet_just_under_the_bounds_is_read(tmp_path) -> None:
    # 2 000 rows of four cells: ordinary data expands about ten times, far below the bounds.
    path = files.write_xlsx(tmp_path / "ok.xlsx", files.sheet(files.handler_rows(2000)))
    [scan] = guard.check_workbook(path)
    assert (scan.cells, scan.max_row, scan.max_col) == (8000, 2000, 4)
    assert len(reader.read(path)[0].rows) == 2000


# -- damaged zips and XML ----------------------------------------------------------------------

def _good(tmp_path: Path) -> bytes:
    return files.write_xlsx(tmp_path / "good.xlsx",
                            files.sheet(files.handler_rows(6))).read_bytes()


def test_a_flipped_byte_in_a_part_names_the_part(fresh, tmp_path) -> None:
    good = _good(tmp_path)
    with zipfile.ZipFile(tmp_path / "good.xlsx") as book:
        info = book.getinfo(files.SHEET_PART)
    data = bytearray(good)
    data[info.header_offset + 30 + len(files.SHEET_PART) + 40] ^= 0x55
    (tmp_path / "flip.xlsx").write_bytes(bytes(data))
    line = _one_error(fresh("import", "--dry-run", tmp_path / "flip.xlsx"))
    assert line.startswith(f"error: {tmp_path / 'flip.xlsx'}: part xl/worksheets/sheet1.xml is "
                           "damaged — "), line


def test_a_cut_file_is_one_clear_line(fresh, tmp_path) -> None:
    good = _good(tmp_path)
    (tmp_path / "cut.xlsx").write_bytes(good[: len(good) // 2])
    line = _one_error(fresh("import", "--dry-run", tmp_path / "cut.xlsx"))
    assert line.startswith(f"error: {tmp_path / 'cut.xlsx'}: cannot read the workbook — its "
                           "zip archive is damaged ("), line


@pytest.mark.parametrize("method", [12, 14, 93])
def test_a_compression_method_spreadsheets_do_not_use_is_named(fresh, tmp_path, method) -> None:
    path = files.method_not_used(tmp_path / "method.xlsx", method)
    line = _one_error(fresh("import", "--dry-run", path))
    assert line == (f"error: {path}: part xl/worksheets/sheet1.xml is compressed with method "
                    f"{method}, which spreadsheet programs do not use — save the workbook again "
                    "from Excel or LibreOffice")


def test_broken_sheet_xml_names_the_part(fresh, tmp_path) -> None:
    xml = b"".join(files.sheet(files.handler_rows(3))).replace(b"</row>", b"</rov>", 1)
    path = files.write_xlsx(tmp_path / "bad.xml.xlsx", [xml])
    line = _one_error(fresh("import", "--dry-run", path))
    assert line.startswith(f"error: {path}: part xl/worksheets/sheet1.xml is not well-formed XML "
                           "(mismatched tag, line 2, column "), line


def test_a_document_type_declaration_is_refused(fresh, tmp_path) -> None:
    xml = b"".join(files.sheet(files.handler_rows(3))).replace(
        b"\n", b'\n<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">]>', 1)
    path = files.write_xlsx(tmp_path / "dtd.xlsx", [xml])
    line = _one_error(fresh("import", "--dry-run", path))
    assert line == (f"error: {path}: part xl/worksheets/sheet1.xml declares a document type — "
                    "spreadsheet programs never write one")


def test_a_part_listed_twice_is_refused(fresh, tmp_path) -> None:
    path = files.write_xlsx(tmp_path / "twice.xlsx", files.sheet(files.handler_rows()))
    with pytest.warns(UserWarning), zipfile.ZipFile(path, "a") as book:
        book.writestr(files.SHEET_PART, b"".join(files.sheet(
            '<row r="1"><c r="XFD1"><v>1</v></c></row>')))
    line = _one_error(fresh("import", "--dry-run", path))
    assert line == (f"error: {path}: part xl/worksheets/sheet1.xml is in the zip archive twice "
                    "— not a file a spreadsheet program writes")


# -- .ods and .xls -----------------------------------------------------------------------------

def test_an_ods_with_a_cell_repeated_across_16384_columns_is_refused(fresh, tmp_path) -> None:
    path = files.ods(tmp_path / "far.ods", files.ods_row(files.HEADER)
                     + files.ods_row(["x"], repeat_last=16384))
    line = _one_error(fresh("import", "--dry-run", path))
    assert line.startswith("error: Handläggare!XFD2: beyond the 1 048 576 rows × 200 columns"), line


def test_an_ods_with_two_million_repeated_rows_is_refused(fresh, tmp_path) -> None:
    path = files.ods(tmp_path / "rows.ods", files.ods_row(files.HEADER)
                     + files.ods_row(["x"], repeat_rows=2_000_000))
    line = _one_error(fresh("import", "--dry-run", path))
    assert line.startswith("error: Handläggare!A2000001: beyond the 1 048 576 rows"), line


def test_an_ordinary_ods_is_read_with_its_repeats(tmp_path) -> None:
    path = files.ods(tmp_path / "ok.ods", files.ods_row(files.HEADER)
                     + files.ods_row(["h1", "Anna", "mottagning", 1])
                     + files.ods_row([], repeat_rows=1_048_000))
    [scan] = guard.check_workbook(path)
    assert (scan.cells, scan.max_row, scan.max_col) == (8, 2, 4)
    assert reader.read(path)[0].rows[1] == ["h1", "Anna", "mottagning", 1.0]


def test_broken_ods_content_names_the_part(fresh, tmp_path) -> None:
    path = files.ods(tmp_path / "bad.ods", files.ods_row(files.HEADER) + "<table:table-row>")
    line = _one_error(fresh("import", "--dry-run", path))
    assert line.startswith(f"error: {path}: part content.xml is not well-formed XML"), line


def test_an_xls_whose_sheet_declares_its_first_row_after_its_last_is_refused(
        real_store, fresh, tmp_path) -> None:
    # Found by the long run (seed 24, case 4 774): one bit of the fixture's DIMENSIONS
    # record (first row 0, last row + 1 = 3) at byte 0xDC9 makes the first row 4 194 304,
    # and calamine asked for 686 GB and aborted.
    source = (FIXTURES / "sheets_cases.xls").read_bytes()
    assert source[0xDC3:0xDC7] == b"\x00\x02\x0e\x00" and source[0xDC9] == 0
    flipped = tmp_path / "flipped.xls"
    flipped.write_bytes(source[:0xDC9] + b"\x40" + source[0xDCA:])
    outcome = import_file(real_store, flipped, "xls flip")
    assert outcome.faults(timed=False) == [] and outcome.status == 1, outcome
    assert "a sheet declares rows 4194305–3 and columns 1–4" in outcome.stderr, outcome.stderr
    # The file as saved is read, its sheets as declared.
    whole = tmp_path / "whole.xls"
    whole.write_bytes(source)
    assert guard.check_workbook(whole) == []
    assert reader.read(whole)


# -- the seeded mix ------------------------------------------------------------------------------

QUICK_CASES = 280            # 20 of each of the 14 kinds


def test_a_seeded_mix_of_hostile_files_is_refused_or_read_and_never_aborts(
        fresh, real_store, tmp_path) -> None:
    xls = (FIXTURES / "sheets_cases.xls").read_bytes()
    folder = tmp_path / "mix"
    folder.mkdir()
    seen: dict[str, list[str]] = {}
    for case in files.cases(folder, QUICK_CASES, seed=23, scale=0.001, xls=xls):
        if case.kind not in seen:
            # The first of each kind runs as the real installed command, measured.
            outcome = import_file(real_store, case.path, case.kind)
            assert outcome.faults(timed=False) == [], (case, outcome.faults(), outcome.stderr)
            status, stderr = outcome.status, outcome.stderr
        else:
            result = fresh("import", "--dry-run", case.path)
            status, stderr = result.exit_code, result.stderr
            assert status in (0, 1), (case, result.output, stderr)
            assert "Traceback" not in stderr and "unexpected" not in stderr, (case, stderr)
            if status == 1:
                assert sum(line.startswith("error: ") for line in stderr.splitlines()) == 1, \
                    (case, stderr)
        if case.must_refuse:
            assert status == 1, (case, stderr)
        seen.setdefault(case.kind, []).append("refused" if status else "read")
        case.path.unlink()
    # Every kind ran as often as the others; every damaged .xlsx was refused or (a flip in
    # a date field of the zip, or in a byte no reader looks at) read.
    assert set(seen) == set(files.KINDS), seen.keys()
    assert {len(outcomes) for outcomes in seen.values()} == {QUICK_CASES // len(files.KINDS)}
    shutil.rmtree(folder)


# -- the prognosis workbook and the controller's template ----------------------------------------

def _rewrite(source: Path, target: Path, part: str, change) -> Path:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info.filename)
            new.writestr(info.filename, change(data) if info.filename == part else data)
    return target


@pytest.fixture
def saved_march(march_prognosis, store, cli):
    from ekbist import prognosis

    prognosis.saved(march_prognosis, 2026, 3)
    store.close()
    return cli


def test_a_prognosis_workbook_with_broken_xml_names_the_part(saved_march, tmp_path) -> None:
    cli = saved_march
    cli.ok("prognosis", "export", str(tmp_path / "p.xlsx"), "--year", "2026", "--month", "3")
    bad = _rewrite(tmp_path / "p.xlsx", tmp_path / "bad.xlsx", files.SHEET_PART,
                   lambda xml: xml.replace(b"</row>", b"</rov>", 1))
    line = _one_error(cli("import", "--dry-run", bad))
    assert line.startswith(f"error: {bad}: part xl/worksheets/sheet1.xml is not well-formed XML "
                           "(mismatched tag, line "), line


def test_a_controller_template_with_broken_xml_names_the_part(saved_march, tmp_path) -> None:
    bad = _rewrite(FIXTURES / "controller_template.xlsx", tmp_path / "template.xlsx",
                   "xl/workbook.xml", lambda xml: xml[: len(xml) // 2])
    line = _one_error(saved_march("prognosis", "export", "--year", "2026", "--month", "3",
                                  "--into", bad, "--out", tmp_path / "out.xlsx"))
    assert line.startswith(f"error: {bad}: part xl/workbook.xml is not well-formed XML"), line
    assert not (tmp_path / "out.xlsx").exists()


def test_a_controller_template_holding_a_zip_bomb_is_refused(saved_march, tmp_path) -> None:
    bomb = _rewrite(FIXTURES / "controller_template.xlsx", tmp_path / "template.xlsx",
                    "docProps/app.xml", lambda xml: xml + b" " * (9 << 20))
    line = _one_error(saved_march("prognosis", "export", "--year", "2026", "--month", "3",
                                  "--into", bomb, "--out", tmp_path / "out.xlsx"))
    assert line.startswith(f"error: {bomb}: part docProps/app.xml expands "), line


def test_an_unknown_encoding_is_broken_xml_and_a_flip_in_it_is_damage(fresh, tmp_path) -> None:
    xml = b"".join(files.sheet(files.handler_rows(3))).replace(b"UTF-8", b"UpF-8", 1)
    path = files.write_xlsx(tmp_path / "enc.xlsx", [xml])
    line = _one_error(fresh("import", "--dry-run", path))
    assert line.startswith(f"error: {path}: part xl/worksheets/sheet1.xml is not well-formed XML "
                           "(unknown encoding: UpF-8)"), line
    # The same flip in a stored part whose checksum is of the good text: the damage is named.
    good = b"".join(files.sheet(files.handler_rows(3)))
    stored = tmp_path / "stored.xlsx"
    with zipfile.ZipFile(stored, "w", zipfile.ZIP_STORED) as book:
        for name in ("[Content_Types].xml", "_rels/.rels", "xl/workbook.xml",
                     "xl/_rels/workbook.xml.rels"):
            with zipfile.ZipFile(path) as source:
                book.writestr(name, source.read(name))
        book.writestr(files.SHEET_PART, good)
    data = stored.read_bytes()
    assert data.count(good) == 1
    stored.write_bytes(data.replace(good, xml))
    line = _one_error(fresh("import", "--dry-run", stored))
    assert line.startswith(f"error: {stored}: part xl/worksheets/sheet1.xml is damaged — it "
                           "fails its checksum (CRC)"), line
