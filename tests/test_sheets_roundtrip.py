"""Any store makes the round trip: a kind beyond a sheet's rows continues on further sheets
of the same kind, CSV holds any number of rows and is read as a stream, and both come back
changing nothing.

Excel's 1 048 576 rows a sheet are replaced here by a small limit passed to the exporter
(``sheet_rows``) or set on its module constant; the full-size case is in
benchmarks/bench_roundtrip.py.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from helpers.workbooks import refused_import, workbook

from ekbist.errors import EkbistError, ValidationErrors
from ekbist.sheet_import import import_file
from ekbist.sheets import exporter, guard, reader
from ekbist.sheets.declarations import kinds
from ekbist.sheets.exporter import export
from ekbist.store import Store

TODAY = date(2026, 11, 25)
HEADER_EN = ["Application", "Case", "Period", "Received", "Completed", "Decided", "Decision",
             "Amount"]
HEADER_SV = ["Ansökan", "Ärende", "Period", "Inkom", "Komplett", "Beslutsdatum", "Beslut",
             "Belopp"]


def _row(i: int) -> list:
    """Application ``i``: granted 1 000 + i kronor on the 1st–28th of October 2026."""
    day = date(2026, 10, 1 + i % 28)
    return [f"N{i:04d}", f"C-{1 + i % 2}", "2026-10", day, day, day, "granted", 1000 + i]


@pytest.fixture
def filled(unit, tmp_path):
    """The small unit with 250 applications N0000 … N0249 (imported, so audited as usual)."""
    book = workbook(tmp_path / "in.xlsx", {"Applications": [HEADER_EN, *map(_row, range(250))]})
    with Store.open(unit.db) as store:
        assert import_file(store, book, today=TODAY).kinds["applications"].added == 250
    return unit


def _count(db: Path) -> int:
    with Store.open(db, readonly=True) as store:
        return store.scalar("SELECT count(*) FROM application")


def _refused(db: Path, path: Path) -> list[str]:
    return refused_import(db, path, TODAY)


# -- export: continued on further sheets ---------------------------------------------------------
def test_a_kind_beyond_a_sheet_continues_on_further_sheets(filled, tmp_path):
    out = tmp_path / "out.xlsx"
    with Store.open(filled.db, readonly=True) as store:
        written = export(store, "applications", out, today=TODAY, sheet_rows=101)
    # 250 rows, 100 a sheet under the header: 100 + 100 + 50.
    assert written == [{"kind": "applications", "sheet": "Applications", "rows": 250,
                        "sheets": [("Applications", 100), ("Applications (2)", 100),
                                   ("Applications (3)", 50)]}]
    wb = openpyxl.load_workbook(out, read_only=True)
    assert wb.sheetnames == ["Applications", "Applications (2)", "Applications (3)"]
    ids = []
    for name, rows in zip(wb.sheetnames, (100, 100, 50), strict=True):
        values = list(wb[name].iter_rows(values_only=True))
        assert values[0][:8] == tuple(HEADER_EN)            # every sheet has its header
        assert len(values) == rows + 1
        ids.extend(v[0] for v in values[1:])
    wb.close()
    assert sorted(ids) == [f"N{i:04d}" for i in range(250)]   # none lost, none twice
    with Store.open(filled.db) as store:
        back = import_file(store, out, today=TODAY, dry_run=True)
    assert [s["sheet"] for s in back.sheets] == wb.sheetnames
    assert {s["kind"] for s in back.sheets} == {"applications"}
    assert (back.added, back.changed, back.kinds["applications"].unchanged) == (0, 0, 250)


@pytest.mark.parametrize("sheet_rows, expected", [
    (251, [("Applications", 250)]),                              # exactly full: one sheet
    (126, [("Applications", 125), ("Applications (2)", 125)]),   # two exactly full sheets
    (250, [("Applications", 249), ("Applications (2)", 1)]),     # one row over
])
def test_sheets_at_the_edge_of_the_limit(filled, tmp_path, sheet_rows, expected):
    with Store.open(filled.db, readonly=True) as store:
        written = export(store, "applications", tmp_path / "o.xlsx", sheet_rows=sheet_rows)
    assert written[0]["sheets"] == expected


def test_an_empty_kind_still_gets_its_one_sheet(unit, tmp_path):
    with Store.open(unit.db, readonly=True) as store:
        written = export(store, "applications", tmp_path / "o.xlsx", sheet_rows=2)
    assert written[0]["sheets"] == [("Applications", 0)]


def test_every_kind_continues_in_swedish_and_the_whole_file_reads_back(filled, tmp_path, cli):
    out = tmp_path / "enhet.xlsx"
    cli.ok("handler", "add", "dan", "--name", "Dan Dahl", "--team", "debt", "--fte", "1",
           "--start", "2025-02-01")
    from ekbist.i18n import set_language

    set_language("sv")
    try:
        with Store.open(filled.db, readonly=True) as store:
            written = export(store, "all", out, today=TODAY, sheet_rows=3)
    finally:
        set_language("en")
    by_kind = {w["kind"]: w["sheets"] for w in written}
    # Four handlers, two rows a sheet: Handläggare, Handläggare (2).
    assert by_kind["handlers"] == [("Handläggare", 2), ("Handläggare (2)", 2)]
    assert by_kind["applications"][-1] == ("Ansökningar (125)", 2)
    names = openpyxl.load_workbook(out, read_only=True).sheetnames
    assert names.index("Handläggare (2)") == names.index("Handläggare") + 1
    with Store.open(filled.db) as store:
        back = import_file(store, out, today=TODAY, dry_run=True)
    assert back.added == 0 and back.changed == 0
    assert back.kinds["applications"].unchanged == 250 and back.kinds["handlers"].unchanged == 4


def test_the_command_names_every_sheet_of_a_continued_kind(filled, tmp_path, monkeypatch):
    monkeypatch.setattr(exporter, "SHEET_ROWS", 201)
    out = tmp_path / "a.xlsx"
    result = filled.ok("export", "applications", out)
    assert result.output.strip() == (f"Wrote {out}: Applications 250 (Applications 200, "
                                      "Applications (2) 50).")
    assert "Ansökningar 250 (Ansökningar 200, Ansökningar (2) 50)" in \
        filled.ok("export", "applications", tmp_path / "b.xlsx", lang="sv").output
    # Read back whole by the command too.
    assert "Applications      0        0        250" in \
        filled.ok("import", out, "--dry-run").output


# -- import: which sheets are continuations --------------------------------------------------------
def test_a_continuation_sheet_alone_and_in_the_other_language_is_the_same_kind(unit, tmp_path):
    alone = workbook(tmp_path / "alone.xlsx",
                     {"Ansökningar (2)": [HEADER_SV, *map(_row, range(5))]})
    mixed = workbook(tmp_path / "mixed.xlsx", {
        "Applications": [HEADER_EN, *map(_row, range(5, 8))],
        "Ansökningar (2)": [HEADER_SV, *map(_row, range(8, 10))],
    })
    with Store.open(unit.db) as store:
        report = import_file(store, alone, today=TODAY)
        assert report.kinds["applications"].added == 5
        assert report.sheets == [{"sheet": "Ansökningar (2)", "kind": "applications",
                                  "header_row": 1}]
        report = import_file(store, mixed, today=TODAY)
        assert report.kinds["applications"].added == 5
        assert [s["kind"] for s in report.sheets] == ["applications", "applications"]
    assert _count(unit.db) == 10


def test_a_users_own_sheet_in_brackets_is_not_a_continuation(filled, tmp_path):
    export_file = tmp_path / "export.xlsx"
    with Store.open(filled.db, readonly=True) as store:
        export(store, "applications", export_file, sheet_rows=201)
    wb = openpyxl.load_workbook(export_file)
    notes = wb.create_sheet("Applications (notes)")
    notes.append(["To ask the handler about N0003 on Monday"])
    notes.append(["Checked", "yes"])
    wb.save(export_file)
    with Store.open(filled.db) as store:
        report = import_file(store, export_file, today=TODAY, dry_run=True)
    assert report.kinds["applications"].unchanged == 250
    assert report.warnings == ["sheet 'Applications (notes)': no header row of a known kind — "
                               "ignored"]


def test_a_numbered_sheet_of_another_kinds_columns_is_refused(unit, tmp_path):
    book = workbook(tmp_path / "odd.xlsx", {
        "Applications (2)": [["Year", "Activity", "Line", "Amount"],
                             [2026, "Ekonomiskt bistånd", "Bidrag", 1000]]})
    problems = _refused(unit.db, book)
    assert problems[0].startswith(
        "sheet 'Applications (2)': the title says applications but the columns are those of "
        "budget")


def test_continued_sheets_are_all_or_nothing_with_cells_on_the_right_sheet(unit, tmp_path):
    first = [HEADER_EN, *map(_row, range(4))]
    second = [HEADER_EN, *map(_row, range(4, 8))]
    second[3] = [*second[3][:7], "1 000,50"]         # Applications (2)!H4: not whole kronor
    second[4] = _row(1)                               # N0001 again, already on Applications!A3
    book = workbook(tmp_path / "bad.xlsx", {"Applications": first, "Applications (2)": second})
    problems = _refused(unit.db, book)
    assert problems == [
        "'Applications (2)'!H4: '1 000,50' — not whole kronor",
        "'Applications (2)'!A5: 'N0001' — appears twice in the file (also Applications!A3)",
    ]
    assert _count(unit.db) == 0


# -- CSV: the machine form of any kind, any size ---------------------------------------------------
def test_csv_holds_one_kind_with_keys_codes_and_iso_dates(filled, tmp_path):
    out = tmp_path / "ansokningar.csv"
    with Store.open(filled.db, readonly=True) as store:
        written = export(store, "applications", out, today=TODAY, sheet_rows=101)
    assert written[0]["rows"] == 250 and len(written[0]["sheets"]) == 1   # no row limit
    with open(out, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["id", "case", "period", "received", "completed", "decided", "decision",
                       "amount", "first_contact", "handler"]
    # N0007: C-2, received 8 October, granted 1 007 kr; C-2's handler is bo.
    assert next(r for r in rows if r[0] == "N0007") == ["N0007", "C-2", "2026-10", "2026-10-08", "2026-10-08", "2026-10-08",
                       "granted", "1007", "", "bo"]
    assert len(rows) == 251
    with Store.open(filled.db) as store:
        back = import_file(store, out, today=TODAY, dry_run=True)
    assert (back.added, back.changed, back.kinds["applications"].unchanged) == (0, 0, 250)


def test_every_kind_makes_the_round_trip_as_csv(filled, tmp_path):
    filled.ok("budget", "set", "2026", "Ekonomiskt bistånd/handläggning", "Bidrag", "1500000")
    filled.ok("handler", "away", "bo", "--from", "2026-11-02", "--to", "2026-11-06",
              "--note", "-sjuk, ring först")
    with Store.open(filled.db) as store:
        for kind in kinds().values():
            if not kind.importable:
                continue
            out = tmp_path / f"{kind.name}.csv"
            count = export(store, kind.name, out, today=TODAY)[0]["rows"]
            back = import_file(store, out, today=TODAY, dry_run=True)
            assert (back.added, back.changed) == (0, 0), (kind.name, back.to_json())
            if count:
                assert back.kinds[kind.name].unchanged == count, kind.name
    # Formula-like text is quoted in the file and read back without the quote.
    assert "'-sjuk, ring först" in (tmp_path / "absences.csv").read_text(encoding="utf-8")


def test_a_carriage_return_in_a_name_stays_inside_its_csv_record(filled, tmp_path):
    # A name pasted with a bare CR (an old Mac line end) into the command line.
    filled.ok("handler", "add", "dan", "--name", "Dan\rDoe", "--team", "intake", "--fte", "1",
              "--start", "2025-01-01")
    out = tmp_path / "handlers.csv"
    filled.ok("export", "handlers", out)
    assert b'\ndan,"Dan\rDoe",intake,1,2025-01-01,\n' in out.read_bytes()
    with open(out, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert len(rows) == 5 and ["dan", "Dan\rDoe", "intake", "1", "2025-01-01", ""] in rows
    assert "Handlers      0        0          4" in filled.ok("import", out, "--dry-run").output


def test_csv_export_refuses_all_kinds_and_other_suffixes(filled, tmp_path):
    assert filled.fails("export", "all", tmp_path / "alla.csv") == (
        f"error: {tmp_path / 'alla.csv'}: a CSV file holds one kind — export one kind to it, "
        "or all kinds to an .xlsx file")
    assert filled.fails("export", "applications", tmp_path / "a.txt") == (
        f"error: {tmp_path / 'a.txt'}: write an .xlsx or a .csv file")
    assert not (tmp_path / "alla.csv").exists() and not (tmp_path / "a.txt").exists()
    out = tmp_path / "a.csv"
    assert filled.ok("export", "applications", out).output.strip() == \
        f"Wrote {out}: Applications 250."


# -- CSV read as a stream ---------------------------------------------------------------------------
def test_csv_has_no_row_limit(filled, tmp_path, monkeypatch):
    out = tmp_path / "a.csv"
    with Store.open(filled.db) as store:
        export(store, "applications", out, today=TODAY)
        monkeypatch.setattr(guard, "MAX_ROWS", 100)   # a sheet's limit, far below 250 rows
        back = import_file(store, out, today=TODAY, dry_run=True)
    assert back.kinds["applications"].unchanged == 250


def test_csv_comes_in_pieces_and_the_import_is_the_same(filled, tmp_path, monkeypatch):
    out = tmp_path / "a.csv"
    with Store.open(filled.db) as store:
        export(store, "applications", out, today=TODAY)
        whole = import_file(store, out, today=TODAY, dry_run=True).to_json()
        pieces = list(reader.csv_pieces(out, piece_rows=100))
        assert [(first, len(rows)) for first, rows in pieces] == [(0, 100), (100, 100),
                                                                   (200, 51)]
        monkeypatch.setattr(reader, "CSV_PIECE_ROWS", 7)
        assert import_file(store, out, today=TODAY, dry_run=True).to_json() == whole


def test_problems_in_later_csv_pieces_name_their_rows(unit, tmp_path, monkeypatch):
    path = tmp_path / "ansokningar.csv"
    lines = ["Ansökan;Ärende;Period;Inkom;Komplett;Beslutsdatum;Beslut;Belopp"]
    lines += [f"N{i:04d};C-1;2026-10;2026-10-05;2026-10-05;2026-10-06;beviljat;1000"
              for i in range(30)]
    lines[25] = "N0024;C-9;2026-10;2026-10-05;2026-10-05;2026-10-06;beviljat;1000,5"
    path.write_text("\n".join(lines) + "\n", encoding="cp1252")
    monkeypatch.setattr(reader, "CSV_PIECE_ROWS", 4)
    problems = _refused(unit.db, path)
    assert problems == [
        "ansokningar!B26: 'C-9' — not found in the store or in this file",
        "ansokningar!H26: '1000,5' — not whole kronor",
    ]
    assert _count(unit.db) == 0


def test_a_broken_line_is_named_after_the_pieces_before_it(tmp_path):
    path = tmp_path / "broken.csv"
    path.write_text('a,b\n1,2\n3,4\n5,"6\x00\n', encoding="utf-8")
    with pytest.raises(EkbistError, match="holds NUL characters"):
        next(reader.csv_pieces(path, piece_rows=1))
    path.write_text("a,b\n1,2\n3,4\n5," + "x" * 200_000 + "\n", encoding="utf-8")
    pieces = reader.csv_pieces(path, piece_rows=1)
    assert [next(pieces), next(pieces), next(pieces)] == [(0, [["a", "b"]]), (1, [["1", "2"]]),
                                                          (2, [["3", "4"]])]
    with pytest.raises(EkbistError, match=r"line 4: a field longer than 131,072 characters"):
        next(pieces)


def test_the_encoding_is_chosen_from_the_whole_file(tmp_path, monkeypatch):
    monkeypatch.setattr(reader, "_BLOCK", 16)   # the Windows-1252 byte far after the first block
    path = tmp_path / "late.csv"
    path.write_bytes(b"Id;Namn\n" + b"".join(b"h%d;Anna\n" % i for i in range(20))
                     + b"h99;Andr\xe9\n")
    rows = reader.read_csv(path).rows
    assert rows[-1] == ["h99", "André"] and len(rows) == 22
    path.write_bytes("Id;Namn\nh1;Åsa\n".encode() + b"h2;\x81\x8d\n")
    with pytest.raises(EkbistError, match="neither UTF-8, UTF-16 nor Windows-1252"):
        reader.read_csv(path)


def test_a_line_wider_than_the_columns_ekbist_reads_is_named(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text("a;b\n" + ";".join("x" * 201) + "\n", encoding="utf-8")
    with pytest.raises(EkbistError) as refused:
        reader.read_csv(path)
    assert str(refused.value) == f"{path}: line 2: 201 columns — ekbist reads at most 200 columns"


def test_a_quote_before_other_text_is_kept(tmp_path):
    path = tmp_path / "q.csv"
    path.write_text("a,b,c\n'=1,'hej,''-2\n", encoding="utf-8")
    assert reader.read_csv(path).rows[1] == ["=1", "'hej", "''-2"]


def test_repeated_text_cells_are_each_checked(unit, tmp_path):
    """Dates and amounts read from text are remembered per column only when they were good:
    a bad value, or a personnummer, is named on every row that holds it."""
    path = tmp_path / "upprepat.csv"
    lines = ["id,case,period,received,completed,decided,decision,amount"]
    for i in range(6):
        received = "2026-02-30" if i in (1, 4) else "2026-10-05"
        amount = '"1000,5"' if i in (2, 5) else "1000"
        lines.append(f"N{i},C-1,2026-10,{received},2026-10-05,2026-10-06,granted,{amount}")
    lines.append("N9,C-1,2026-10,19811218-9876,2026-10-05,2026-10-06,granted,1000")
    lines.append("N10,C-1,2026-10,19811218-9876,2026-10-05,2026-10-06,granted,1000")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = _refused(unit.db, path)
    assert [p.split(":")[0] for p in problems if "'2026-02-30' — not a date" in p] == [
        "upprepat!D3", "upprepat!D6"]
    assert [p.split(":")[0] for p in problems if "not whole kronor" in p] == [
        "upprepat!H4", "upprepat!H7"]
    assert [p.split(":")[0] for p in problems if "personnummer" in p] == [
        "upprepat!D8", "upprepat!D9"]
    assert _count(unit.db) == 0


def test_past_the_remembered_texts_every_cell_is_still_converted_and_checked(unit, tmp_path,
                                                                             monkeypatch):
    """Two texts a column remembered: the third and later are converted each time, and a
    bad month, date or amount is named on every row, remembered or not."""
    from ekbist.sheets import convert

    monkeypatch.setattr(convert, "REMEMBERED_TEXTS", 2)
    path = tmp_path / "minne.csv"
    periods = ["2026-10", "2026-11", "2026-12", "2026-10", "2026-12", "2026-12"]
    days = ["2026-10-05", "2026-10-06", "2026-10-07", "2026-10-07", "2026-10-05", "2026-10-07"]
    amounts = ["1000", "1 000", "2000", "2000", "1000", "1 000"]
    lines = ["id,case,period,received,completed,decided,decision,amount"]
    lines += [f"N{i},C-1,{p},{d},{d},{d},granted,{a}"
              for i, (p, d, a) in enumerate(zip(periods, days, amounts, strict=True))]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with Store.open(unit.db) as store:
        assert import_file(store, path, today=TODAY).kinds["applications"].added == 6
        assert list(store.tuples("SELECT id, period, received, amount FROM application "
                                 "ORDER BY id")) == [
            ("N0", "2026-10", "2026-10-05", 1000), ("N1", "2026-11", "2026-10-06", 1000),
            ("N2", "2026-12", "2026-10-07", 2000), ("N3", "2026-10", "2026-10-07", 2000),
            ("N4", "2026-12", "2026-10-05", 1000), ("N5", "2026-12", "2026-10-07", 1000)]
    bad = tmp_path / "fel.csv"
    bad.write_text("id,case,period,received,completed,decided,decision,amount\n"
                   "M0,C-1,2026-13,2026-10-32,2026-10-07,2026-10-07,granted,1000.5\n"
                   "M1,C-1,2026-13,2026-10-32,2026-10-07,2026-10-07,granted,1000.5\n"
                   "M2,C-1,2026-10,2026-10-05,2026-10-05,2026-10-05,granted,1000\n"
                   "M3,C-1,2026-11,2026-10-06,2026-10-06,2026-10-06,granted,1 000\n",
                   encoding="utf-8")
    assert sorted(_refused(unit.db, bad)) == [
        "fel!C2: '2026-13' — not a month (YYYY-MM)",
        "fel!C3: '2026-13' — not a month (YYYY-MM)",
        "fel!D2: '2026-10-32' — not a date (YYYY-MM-DD)",
        "fel!D3: '2026-10-32' — not a date (YYYY-MM-DD)",
        "fel!H2: '1000.5' — not whole kronor",
        "fel!H3: '1000.5' — not whole kronor"]
