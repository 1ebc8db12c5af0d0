"""Hostile and odd files get one clear line naming the cell; a sheet's kind is never guessed."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from helpers.workbooks import workbook

from ekbist.errors import EkbistError, ValidationErrors
from ekbist.sheets import guard
from ekbist.sheets.reader import decode

HANDLERS = [["Id", "Namn", "Team", "FTE"], ["h1", "Anna Andersson", "mottagning", 1]]


@pytest.fixture
def fresh(cli):
    cli.ok("init")
    return cli


def _problems(result) -> list[str]:
    assert result.exit_code == 1, (result.output, result.stderr)
    assert "Traceback" not in result.stderr and "unexpected" not in result.stderr
    return result.stderr.strip().splitlines()


# -- stray far cells ------------------------------------------------------------------------
def test_a_cell_at_xfd1048576_is_refused_by_name(fresh, tmp_path) -> None:
    path = workbook(tmp_path / "far.xlsx", {"Handläggare": HANDLERS}, {"XFD1048576": 1})
    assert path.stat().st_size < 10_000
    lines = _problems(fresh("import", path))
    assert lines[-1].startswith("error: Handläggare!XFD1048576: beyond the 1 048 576 rows × 200 "
                                "columns (column GR)")


def test_a_stray_cell_far_below_the_data_is_refused_by_name(fresh, tmp_path) -> None:
    path = workbook(tmp_path / "stray.xlsx", {"Handläggare": HANDLERS}, {"GR300000": "x"})
    lines = _problems(fresh("import", path))
    assert lines[-1] == ("error: Handläggare!GR300000: a cell far from the rest of the sheet "
                         "(9 cells filled, spread over 300000 rows × 200 columns) — delete the "
                         "stray cells and save the file again")


def test_column_gr_is_still_read_and_gs_is_not(tmp_path) -> None:
    inside = workbook(tmp_path / "gr.xlsx", {"S": [["a"]]}, {"GR1": "x"})
    assert [(s.name, s.cells, s.max_row, s.max_col) for s in guard.check_workbook(inside)] == [
        ("S", 2, 1, 200)]
    outside = workbook(tmp_path / "gs.xlsx", {"S": [["a"]]}, {"GS1": "x"})
    with pytest.raises(EkbistError, match=r"^S!GS1: beyond"):
        guard.check_workbook(outside)


def test_empty_formatted_cells_far_away_do_not_count(fresh, tmp_path) -> None:
    from openpyxl.styles import Font

    path = tmp_path / "styled.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Handläggare"
    for row in HANDLERS:
        sheet.append(row)
    sheet["XFD1048576"].font = Font(bold=True)
    book.save(path)
    fresh.ok("import", path)
    assert "h1" in fresh.ok("handler", "list", "--format", "csv").output


# -- formulas without a saved value ---------------------------------------------------------------
def _rewrite_sheets(path: Path, pattern: bytes, replacement: bytes) -> None:
    """Rewrite the sheets' XML by a pattern, not by the exact bytes a version of openpyxl
    writes (`<v />` or `<v></v>` or no `<v>` at all; attributes in its own order)."""
    with zipfile.ZipFile(path) as src:
        items = [(i, src.read(i.filename)) for i in src.infolist()]
    with zipfile.ZipFile(path, "w") as out:
        for info, data in items:
            if "worksheets/" in info.filename:
                data = re.sub(pattern, replacement, data)
            out.writestr(info, data)


def test_a_formula_without_a_saved_value_is_refused_by_cell(fresh, tmp_path) -> None:
    rows = [HANDLERS[0], ["h1", "Anna", "mottagning", "=0.5*2"]]
    path = workbook(tmp_path / "script.xlsx", {"Handläggare": rows})
    lines = _problems(fresh("import", path))
    assert lines[0] == ("Handläggare!D2: a formula without a saved value — open the file in "
                        "Excel or LibreOffice and save it, then import it again")


def test_a_formula_with_its_saved_value_imports_the_value(fresh, tmp_path) -> None:
    rows = [HANDLERS[0], ["h1", "Anna", "mottagning", "=0.25*2"]]
    path = workbook(tmp_path / "saved.xlsx", {"Handläggare": rows})
    _rewrite_sheets(path, rb"(<f>[^<]*</f>)(?:<v\s*/>|<v></v>)?", rb"\1<v>0.5</v>")
    fresh.ok("import", path)
    assert "h1,Anna,intake,0.5" in fresh.ok("handler", "list", "--format", "csv").output


# -- numbers that are not numbers ---------------------------------------------------------------------
def test_odd_numbers_are_named_cell_by_cell(fresh, tmp_path) -> None:
    path = tmp_path / "odd.csv"
    path.write_text("Id;Namn;Team;FTE;Började\n"
                    "h1;A;mottagning;inf;\n"
                    "h2;B;mottagning;nan;\n"
                    f"h3;C;mottagning;{'9' * 5000};\n"
                    "h4;D;mottagning;1;99999999999999999999\n"
                    "h5;E;mottagning;1e999;\n", encoding="utf-8")
    lines = _problems(fresh("import", path))
    assert lines[:3] == ["odd!D2: 'inf' — not a number", "odd!D3: 'nan' — not a number",
                         f"odd!D4: '{'9' * 5000}' — not a number"]
    assert lines[3].startswith("odd!E5: '99999999999999999999' — ")
    assert lines[4] == "odd!D6: '1e999' — not a number"


def test_infinite_and_huge_numbers_from_a_workbook(fresh, tmp_path) -> None:
    rows = [HANDLERS[0], ["h1", "A", "mottagning", float("inf")], ["h2", "B", "mottagning", 2.0**80]]
    path = workbook(tmp_path / "inf.xlsx", {"Handläggare": rows})
    lines = _problems(fresh("import", path))
    assert lines[0].startswith("Handläggare!D2: ")
    assert lines[1].startswith("Handläggare!D3: ") and "must be at most" in lines[1]


def test_money_beyond_ten_billion_is_refused(fresh, tmp_path) -> None:
    path = tmp_path / "budget.csv"
    path.write_text("År;Verksamhet;Budgetrad;Belopp\n"
                    "2026;Ekonomiskt bistånd/handläggning;Personalkostnader;10000000001\n",
                    encoding="utf-8")
    lines = _problems(fresh("import", path))
    assert lines[0] == "budget!D2: '10000000001' — must be at most 10,000,000,000"


# -- text encodings and CSV limits ---------------------------------------------------------------------
@pytest.mark.parametrize("data, text", [
    ("Namn;Åsa\n".encode(), "Namn;Åsa\n"),
    (b"\xef\xbb\xbf" + "Namn;Åsa\n".encode(), "Namn;Åsa\n"),
    (b"\xef\xbb\xbfNamn;\xc5sa\n", "Namn;Åsa\n"),          # BOM, then Windows-1252 bytes
    ("Namn;Åsa\n".encode("utf-16"), "Namn;Åsa\n"),
    ("Namn;Åsa\n".encode("utf-16-be").join([b"\xfe\xff", b""]), "Namn;Åsa\n"),
    (b"Namn;\xc5sa\n", "Namn;Åsa\n"),                       # Windows-1252
])
def test_decode(data: bytes, text: str) -> None:
    assert decode(data) == text


def test_undecodable_bytes_are_refused() -> None:
    with pytest.raises(EkbistError, match="neither UTF-8, UTF-16 nor Windows-1252"):
        decode(b"Namn;\x81\x8d\n")


def test_a_utf16_csv_imports(fresh, tmp_path) -> None:
    path = tmp_path / "handlers.csv"
    path.write_bytes("Id;Namn;Team;FTE\nh1;Åsa Öberg;mottagning;1\n".encode("utf-16"))
    fresh.ok("import", path)
    assert "Åsa Öberg" in fresh.ok("handler", "list", "--format", "csv").output


def test_an_oversize_csv_field_is_named(fresh, tmp_path) -> None:
    path = tmp_path / "big.csv"
    path.write_text("Id;Namn;Team;FTE\nh1;" + "x" * 200_000 + ";mottagning;1\n", encoding="utf-8")
    lines = _problems(fresh("import", path))
    assert lines[-1] == f"error: {path}: line 2: a field longer than 131,072 characters"


def test_a_csv_wider_than_200_columns_is_refused(fresh, tmp_path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text(";".join(f"c{i}" for i in range(201)) + "\n", encoding="utf-8")
    lines = _problems(fresh("import", path))
    assert lines[-1] == f"error: {path}: line 1: 201 columns — ekbist reads at most 200 columns"


# -- no silent no-op ---------------------------------------------------------------------------------
def test_a_sheet_lacking_a_required_column_names_it(fresh, tmp_path) -> None:
    path = workbook(tmp_path / "h.xlsx", {"Handläggare": [["Id", "Team", "FTE"], ["h1", "intake", 1]]})
    lines = _problems(fresh("import", path))
    assert lines[0] == "sheet 'Handläggare': looks like Handlers but lacks the required column 'Name'"
    sv = _problems(fresh("import", path, lang="sv"))
    assert "'Namn'" in sv[0]


def test_an_untitled_sheet_with_some_columns_of_a_kind_names_what_is_missing(fresh, tmp_path) -> None:
    path = workbook(tmp_path / "h.xlsx", {"Blad1": [["Namn", "Team"], ["Anna", "intake"]]})
    lines = _problems(fresh("import", path))
    assert lines[0] == ("sheet 'Blad1': looks like Handlers but lacks the required columns "
                        "'Id', 'FTE'")


BUDGET_ROWS = [["År", "Verksamhet", "Budgetrad", "Belopp"],
               [2026, "Ekonomiskt bistånd/handläggning", "Personalkostnader", 1000]]


def test_a_title_that_names_another_kind_than_the_columns(fresh, tmp_path) -> None:
    path = workbook(tmp_path / "u.xlsx", {"Utfall oktober": BUDGET_ROWS})
    lines = _problems(fresh("import", path, "--dry-run"))
    assert lines[0] == ("sheet 'Utfall oktober': the title says actuals but the columns are those "
                        "of budget (actuals needs 'Month') — give --kind actuals or --kind budget")
    out = fresh.ok("import", path, "--dry-run", "--kind", "budget").output
    assert "Budget to add" in out and "1" in out
    lines = _problems(fresh("import", path, "--kind", "actuals"))
    assert lines[0] == "sheet 'Utfall oktober': looks like Actuals but lacks the required column 'Month'"


def test_a_title_that_names_another_kind_offers_the_kinds_in_swedish(fresh, tmp_path) -> None:
    # The --kind words a Swedish reader types (both languages are accepted), not the codes.
    path = workbook(tmp_path / "u.xlsx", {"Utfall oktober": BUDGET_ROWS})
    result = fresh("import", path, "--dry-run", lang="sv")
    line = _problems(result)[0]
    assert "--kind utfall eller --kind budget" in line, line
    assert "actuals" not in line
    assert "Budget att lägga till" in fresh("import", path, "--dry-run", "--kind", "budget", lang="sv").output


def test_kind_must_be_an_importable_kind(fresh, tmp_path) -> None:
    path = workbook(tmp_path / "u.xlsx", {"Budget": BUDGET_ROWS})
    line = fresh.fails("import", path, "--kind", "caseload")
    assert line.startswith("error: --kind: 'caseload' is not a kind ekbist imports (")


def test_an_empty_workbook_is_an_error(fresh, tmp_path) -> None:
    path = workbook(tmp_path / "empty.xlsx", {"Blad1": []})
    lines = _problems(fresh("import", path))
    assert "empty.xlsx: nothing to import" in lines[0]


def test_a_handlers_sheet_is_not_taken_for_the_caseload_report(fresh, tmp_path) -> None:
    # Month and Active cases are missing: the caseload report is recognised only by all its columns.
    path = workbook(tmp_path / "h.xlsx", {"Blad1": [["Handläggare", "Namn", "Team", "FTE"],
                                                    ["h1", "Anna", "intake", 1]]})
    lines = _problems(fresh("import", path))
    assert "looks like Handlers but lacks the required column 'Id'" in lines[0]


def test_a_refused_file_leaves_the_store_as_it_was(fresh, tmp_path) -> None:
    before = fresh.db.read_bytes()
    path = workbook(tmp_path / "u.xlsx", {"Utfall oktober": BUDGET_ROWS})
    _problems(fresh("import", path))
    assert fresh.db.read_bytes() == before


def test_validation_errors_is_what_the_library_raises(store, tmp_path) -> None:
    from datetime import date

    from ekbist.sheet_import import import_file

    path = workbook(tmp_path / "u.xlsx", {"Utfall oktober": BUDGET_ROWS})
    with pytest.raises(ValidationErrors):
        import_file(store, path, today=date(2026, 11, 25))


def test_columns_that_fit_two_kinds_equally_name_both(fresh, tmp_path) -> None:
    rows = [["Dag", "Orsak", "Inställning", "Värde"], ["2026-12-28", "Inventering", "", ""]]
    path = workbook(tmp_path / "mix.xlsx", {"Blad1": rows})
    lines = _problems(fresh("import", path))
    assert lines[0].startswith("sheet 'Blad1': its columns fit both ")
    assert "settings" in lines[0] and "closed_days" in lines[0]
    result = fresh.ok("import", path, "--kind", "closed_days")
    assert "column 'Inställning' is not part of closed_days — ignored" in result.stderr
    assert "2026-12-28" in fresh.ok("workdays", "closed", "--format", "csv").output


def test_a_far_cell_is_found_whatever_the_order_of_its_attributes(tmp_path) -> None:
    path = workbook(tmp_path / "order.xlsx", {"S": [["a", "b"]]}, {"XFD1048576": 1})
    _rewrite_sheets(path, rb'<c [^>]*r="XFD1048576"[^>]*>', b'<c t="n" r="XFD1048576">')
    with zipfile.ZipFile(path) as book:
        assert b'<c t="n" r="XFD1048576">' in book.read("xl/worksheets/sheet1.xml")
    with pytest.raises(EkbistError, match=r"^S!XFD1048576: beyond"):
        guard.check_workbook(path)


def test_a_dense_sheet_passes_the_quick_scan(tmp_path) -> None:
    rows = [[f"r{r}c{c}" for c in range(30)] for r in range(200)]
    path = workbook(tmp_path / "dense.xlsx", {"S": rows})
    # 30 columns: the widest is AD, found without looking at each cell in Python.
    assert [(s.cells, s.max_row, s.max_col) for s in guard.check_workbook(path)] == [(6000, 200, 30)]
