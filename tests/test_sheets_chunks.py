"""Big sheets are read in pieces: the same cells, the same import, in bounded memory.

The pieces are forced on small real workbooks by making the split threshold and the piece
size tiny; what comes out must be what python-calamine reads from the whole sheet.
"""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from ekbist.errors import ValidationErrors
from ekbist.sheet_import import import_file
from ekbist.sheets import chunks
from ekbist.sheets.exporter import export
from ekbist.sheets.reader import read
from ekbist.store import Store

FIXTURES = Path(__file__).parent / "fixtures"
TODAY = date(2026, 11, 25)


def _pieced(path: Path, chunk_bytes: int) -> dict[str, list[list]]:
    """Every sheet rebuilt from its pieces, rows from A1, as the whole-sheet reader gives them."""
    sheets = {}
    for sheet in chunks.read_in_chunks(path, chunk_bytes=chunk_bytes, split_bytes=0):
        rows: list[list] = []
        for first, part in sheet.pieces:
            assert first >= len(rows)  # pieces come in order and never overlap
            rows.extend([] for _ in range(first - len(rows)))
            rows.extend(part)
        sheets[sheet.name] = rows
    return sheets


def _trimmed(rows: list[list]) -> list[list]:
    """Rows without trailing empty cells and without trailing empty rows: their meaning."""
    out = [list(row) for row in rows]
    for row in out:
        while row and row[-1] in ("", None):
            row.pop()
    while out and not out[-1]:
        out.pop()
    return out


@pytest.mark.parametrize("fixture", ["sheets_human.xlsx", "sheets_cases.xlsx",
                                     "sheets_errors.xlsx", "controller_budget_kr.xlsx"])
@pytest.mark.parametrize("chunk_bytes", [1, 700, 10_000_000])
def test_pieces_hold_the_same_cells_as_the_whole_sheet(fixture, chunk_bytes):
    whole = {s.name: _trimmed(s.rows) for s in read(FIXTURES / fixture)}
    pieced = {name: _trimmed(rows) for name, rows in _pieced(FIXTURES / fixture, chunk_bytes).items()}
    assert pieced == whole


def test_a_sheet_is_cut_into_many_pieces(tmp_path):
    book = tmp_path / "big.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(["Id", "Dag", "Belopp"])
    for i in range(3000):
        ws.append([f"X{i:05d}", date(2026, 1, 1 + i % 28), i * 7 if i % 5 else None])
    wb.save(book)
    counts = []
    for sheet in chunks.read_in_chunks(book, chunk_bytes=20_000, split_bytes=0):
        for first, rows in sheet.pieces:
            counts.append((first, len(rows)))
    assert len(counts) > 5
    assert sum(n for _first, n in counts) == 3001
    pieced = _pieced(book, 20_000)["Data"]
    assert pieced[2999 + 1] == ["X02999", date(2026, 1, 1 + 2999 % 28), 2999 * 7]
    assert _trimmed(pieced) == _trimmed(read(book)[0].rows)


def test_rows_without_numbers_are_read_whole(tmp_path):
    source = FIXTURES / "sheets_cases.xlsx"
    book = tmp_path / "unnumbered.xlsx"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(book, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                import re

                data = re.sub(rb'<row r="\d+"', b"<row", data)
                data = re.sub(rb'<c r="[A-Z]+\d+"', b"<c", data)
            dst.writestr(info, data)
    assert {k: _trimmed(v) for k, v in _pieced(book, 1).items()} == \
        {s.name: _trimmed(s.rows) for s in read(book)}


def test_an_import_in_pieces_is_the_same_import(unit, tmp_path, monkeypatch):
    with Store.open(unit.db) as store:
        whole = import_file(store, FIXTURES / "sheets_human.xlsx", today=TODAY, dry_run=True)
    monkeypatch.setattr(chunks, "SPLIT_BYTES", 0)
    monkeypatch.setattr(chunks, "CHUNK_BYTES", 600)
    with Store.open(unit.db) as store:
        pieced = import_file(store, FIXTURES / "sheets_human.xlsx", today=TODAY, dry_run=True)
        assert pieced.to_json() == whole.to_json()
        import_file(store, FIXTURES / "sheets_human.xlsx", today=TODAY)
        exported = tmp_path / "back.xlsx"
        export(store, "all", exported, today=TODAY)
        again = import_file(store, exported, today=TODAY, dry_run=True)
        assert again.added == 0 and again.changed == 0
        assert sum(k.unchanged for k in again.kinds.values()) > 0


def test_problems_in_later_pieces_name_their_cells(unit, tmp_path, monkeypatch):
    with Store.open(unit.db) as store:
        with pytest.raises(ValidationErrors) as whole:
            import_file(store, FIXTURES / "sheets_errors.xlsx", today=TODAY)
        monkeypatch.setattr(chunks, "SPLIT_BYTES", 0)
        monkeypatch.setattr(chunks, "CHUNK_BYTES", 300)
        with pytest.raises(ValidationErrors) as pieced:
            import_file(store, FIXTURES / "sheets_errors.xlsx", today=TODAY)
    assert pieced.value.problems == whole.value.problems
    assert len(whole.value.problems) > 3


def test_progress_counts_rows_read_and_written(unit, tmp_path, monkeypatch):
    book = tmp_path / "ansokningar.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Ansökningar"
    ws.append(["Ansökan", "Ärende", "Period", "Inkom"])
    for i in range(400):
        ws.append([f"N{i:04d}", f"C-{1 + i % 2}", "2026-10", date(2026, 10, 1 + i % 28)])
    wb.save(book)
    monkeypatch.setattr(chunks, "SPLIT_BYTES", 0)
    monkeypatch.setattr(chunks, "CHUNK_BYTES", 4000)
    seen: list[tuple[int, dict]] = []
    with Store.open(unit.db) as store:
        report = import_file(store, book, today=TODAY,
                             progress=lambda step, steps, **counts: seen.append((step, counts)))
    # Read in pieces, the import reports its steps in order, from reading to written …
    steps = [step for step, _counts in seen]
    assert steps == sorted(steps) and steps[-1] == 4
    # … the rows read after each piece (the header row too), and the rows written.
    reads = [c["read"] for _step, c in seen if "read" in c]
    assert len(reads) > 3 and reads == sorted(reads) and reads[-1] == 401
    assert [c["written"] for _step, c in seen if "written" in c] == [400]
    assert report.kinds["applications"].added == 400
