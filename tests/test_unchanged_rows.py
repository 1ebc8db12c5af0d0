"""A re-import finds rows exactly as stored without converting or scanning them again
(ekbist.sheets.unchanged) — and that shortcut changes nothing a user sees.

Both sides: the whole export comes back unchanged, with no cell converted; and every way a
row may differ from what is stored — a personnummer in a changed cell in every spelling,
in a column the kind does not compare, a key twice, a sum row, a store changed by someone
else while the file was read — is refused or counted exactly as the whole way does.
"""

from __future__ import annotations

import csv
import sqlite3
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from helpers.workbooks import refused_import, workbook
from test_secrecy import KNOWN, spellings

from ekbist.errors import ValidationErrors
from ekbist.sheet_import import import_file
from ekbist.sheets import convert
from ekbist.sheets.exporter import export
from ekbist.store import Store

TODAY = date(2026, 11, 25)
HEADER = ["Application", "Case", "Period", "Received", "Completed", "Decided", "Decision",
          "Amount"]
ROWS = 250


def _row(i: int) -> list:
    """Application ``i``: granted 1 000 + i kronor on the 1st–28th of October 2026."""
    day = date(2026, 10, 1 + i % 28)
    return [f"N{i:04d}", f"C-{1 + i % 2}", "2026-10", day, day, day, "granted", 1000 + i]


@pytest.fixture
def filled(unit, tmp_path):
    """The small unit with 250 applications N0000 … N0249."""
    book = workbook(tmp_path / "in.xlsx", {"Applications": [HEADER, *map(_row, range(ROWS))]})
    with Store.open(unit.db) as store:
        assert import_file(store, book, today=TODAY).kinds["applications"].added == ROWS
    return unit


@pytest.fixture
def exported(filled, tmp_path) -> tuple[Path, list[list[str]]]:
    """The CSV export of the 250 applications, and its rows (header first)."""
    out = tmp_path / "applications.csv"
    with Store.open(filled.db, readonly=True) as store:
        export(store, "applications", out, today=TODAY)
    with open(out, newline="", encoding="utf-8") as fh:
        return out, list(csv.reader(fh))


def _csv(path: Path, rows: list[list[object]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    return path


def _state(db: Path) -> tuple:
    with Store.open(db, readonly=True) as store:
        return (store.tuples("SELECT * FROM application ORDER BY id").fetchall(),
                store.scalar("SELECT count(*) FROM audit"))


@pytest.fixture
def converted(monkeypatch) -> list[int]:
    """How many cells the whole way converted, counted as the import runs."""
    counted = [0]
    original = convert.ColumnConverter.convert

    def counting(self, values):
        counted[0] += len(values)
        return original(self, values)

    monkeypatch.setattr(convert.ColumnConverter, "convert", counting)
    return counted


def _refused(db: Path, path: Path) -> list[str]:
    return refused_import(db, path, TODAY)


# -- the export comes back unchanged, without a cell converted ----------------------------------
@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_the_whole_export_comes_back_unchanged_without_converting_a_cell(filled, tmp_path,
                                                                         converted, suffix):
    out = tmp_path / f"applications.{suffix}"
    with Store.open(filled.db, readonly=True) as store:
        export(store, "applications", out, today=TODAY)
    before = _state(filled.db)
    with Store.open(filled.db) as store:
        report = import_file(store, out, today=TODAY)
    assert (report.added, report.changed, report.kinds["applications"].unchanged) == (0, 0, ROWS)
    assert converted[0] == 0
    assert _state(filled.db) == before


def test_rows_spelled_otherwise_take_the_whole_way_and_are_still_unchanged(filled, exported,
                                                                           tmp_path, converted):
    out, rows = exported
    rows[1][2] = " 2026-10 "          # the period with space around it
    rows[2][7] = f"{int(rows[2][7]):,}".replace(",", " ")   # the amount grouped: "1 112"
    rows[3][6] = "Beviljad"           # the decision in Swedish, capitalised
    with Store.open(filled.db) as store:
        report = import_file(store, _csv(tmp_path / "other.csv", rows), today=TODAY)
    assert (report.added, report.changed, report.kinds["applications"].unchanged) == (0, 0, ROWS)
    # Only the three rows were converted, each column of them.
    assert converted[0] == 3 * 9


def test_a_changed_row_is_changed_and_written(filled, exported, tmp_path):
    out, rows = exported
    index = next(i for i, row in enumerate(rows) if row[0] == "N0007")
    rows[index][7] = "1500"
    with Store.open(filled.db) as store:
        report = import_file(store, _csv(tmp_path / "changed.csv", rows), today=TODAY)
        assert report.kinds["applications"].changes == [{
            "key": {"id": "N0007"}, "cell": f"changed!A{index + 1}",
            "fields": {"amount": {"old": 1007, "new": 1500}}}]
        assert report.kinds["applications"].unchanged == ROWS - 1
        assert store.scalar("SELECT amount FROM application WHERE id = 'N0007'") == 1500


# -- the gate still reads every cell that is not a stored value -----------------------------------
NUMBER = KNOWN[3]   # 19811218-9876


@pytest.mark.parametrize("spelled", spellings(NUMBER), ids=repr)
def test_a_personnummer_in_a_changed_cell_is_refused_in_every_spelling(filled, exported,
                                                                       tmp_path, spelled):
    out, rows = exported
    rows[5][1] = str(spelled)                       # the case of an existing application
    problems = _refused(filled.db, _csv(tmp_path / "case.csv", rows))
    # (A text case is also not found; the command line masks that line as every line.)
    assert problems[0].startswith("case!B6: '"), problems
    assert problems[0].endswith("looks like a personnummer — ekbist stores no personal "
                                "identity numbers")
    assert "9876" not in problems[0]


@pytest.mark.parametrize("spelled", spellings(NUMBER), ids=repr)
def test_a_personnummer_beside_stored_values_is_refused_in_every_spelling(filled, exported,
                                                                          tmp_path, spelled):
    """A row whose compared cells are all as stored still has its other cells read: the
    export's handler column (derived, never compared) and a column ekbist does not know."""
    out, rows = exported
    rows[8][9] = str(spelled)                        # the handler column
    problems = _refused(filled.db, _csv(tmp_path / "handler.csv", rows))
    assert len(problems) == 1 and problems[0].startswith("handler!J9: '"), problems
    rows[8][9] = rows[7][9]
    noted = [[*row, "Note" if i == 0 else ""] for i, row in enumerate(rows)]
    noted[12][10] = str(spelled)
    problems = _refused(filled.db, _csv(tmp_path / "note.csv", noted))
    assert len(problems) == 1 and problems[0].startswith("note!K13: '"), problems


@pytest.mark.parametrize("spelled", [s for s in spellings(NUMBER) if not isinstance(s, str)]
                         + ["811218-9876", "19811218-9876"], ids=repr)
def test_a_personnummer_in_a_workbook_cell_is_refused_beside_stored_values(filled, tmp_path,
                                                                           spelled):
    """The same in a workbook: number cells of either sign, and text, in a compared column of
    a changed row and in the handler column of a row otherwise as stored."""
    out = tmp_path / "applications.xlsx"
    with Store.open(filled.db, readonly=True) as store:
        export(store, "applications", out, today=TODAY)
    for column, cell in (("B", "B6"), ("J", "J9")):
        book = openpyxl.load_workbook(out)
        book.active[cell] = spelled
        changed = tmp_path / f"with-{column}.xlsx"
        book.save(changed)
        problems = _refused(filled.db, changed)
        assert problems[0].startswith(f"Applications!{cell}: '"), problems
        assert "looks like a personnummer" in problems[0]


# -- what the whole way must see -------------------------------------------------------------------
@pytest.fixture
def pieces(monkeypatch):
    """CSV read in pieces of 100 rows: rows are left out as identical in earlier pieces."""
    from ekbist.sheets import reader

    monkeypatch.setattr(reader, "CSV_PIECE_ROWS", 100)


def test_a_row_twice_is_named_as_always(filled, exported, tmp_path, pieces):
    out, rows = exported
    key = rows[3][0]
    twice = [*rows, rows[3]]                               # the same row again at the end
    assert _refused(filled.db, _csv(tmp_path / "twice.csv", twice)) == [
        f"twice!A{ROWS + 2}: '{key}' — appears twice in the file (also twice!A4)"]
    changed = [*rows, [*rows[3][:7], "9", *rows[3][8:]]]     # and changed the second time
    assert _refused(filled.db, _csv(tmp_path / "again.csv", changed)) == [
        f"again!A{ROWS + 2}: '{key}' — appears twice in the file (also again!A4)"]


@pytest.mark.parametrize("total, accepted", [(sum(1000 + i for i in range(ROWS)), True),
                                             (12345, False)])
def test_a_sum_row_adds_every_row_above_it(filled, exported, tmp_path, total, accepted, pieces):
    out, rows = exported
    summed = [*rows, ["Summa", "", "", "", "", "", "", str(total), "", ""]]
    path = _csv(tmp_path / "summed.csv", summed)
    if accepted:
        with Store.open(filled.db) as store:
            report = import_file(store, path, today=TODAY)
        assert report.kinds["applications"].unchanged == ROWS and report.changed == 0
    else:
        assert _refused(filled.db, path) == [
            f"summed!H{ROWS + 2}: '12345' — does not match the sum of the rows above "
            "(281,125)"]


def test_a_store_changed_while_the_file_was_read_is_matched_again(filled, exported, tmp_path):
    """Another process changes N0005 after the rows were compared and before the import's
    transaction: the import sees it, and the file's value is written back as a change."""
    out, rows = exported
    done = []

    def meanwhile(step, steps, **counts):
        if step == 1 and not done:
            done.append(True)
            other = sqlite3.connect(filled.db)
            other.execute("UPDATE application SET amount = 4242 WHERE id = 'N0005'")
            other.commit()
            other.close()

    with Store.open(filled.db) as store:
        report = import_file(store, out, today=TODAY, progress=meanwhile)
        assert done
        assert [c["key"] for c in report.kinds["applications"].changes] == [{"id": "N0005"}]
        assert store.scalar("SELECT amount FROM application WHERE id = 'N0005'") == 1005


def test_a_stored_text_with_space_around_it_is_never_taken_as_identical(filled, tmp_path):
    """The import stores text stripped; a stored value that is not (written some other way)
    comes back from its own export as a change, as the whole way decides."""
    other = sqlite3.connect(filled.db)
    other.execute("UPDATE application SET case_id = 'C-2 ' WHERE id = 'N0003'")
    other.commit()
    other.close()
    out = tmp_path / "spaced.csv"
    with Store.open(filled.db, readonly=True) as store:
        export(store, "applications", out, today=TODAY)
    with Store.open(filled.db) as store:
        report = import_file(store, out, today=TODAY)
        assert [(c["key"], c["fields"]) for c in report.kinds["applications"].changes] == [
            ({"id": "N0003"}, {"case": {"old": "C-2 ", "new": "C-2"}})]
        assert store.scalar("SELECT case_id FROM application WHERE id = 'N0003'") == "C-2"
