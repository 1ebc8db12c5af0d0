"""Spreadsheet import: human-made layouts, every refusal, upserts and round trips (library and CLI)."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from helpers.workbooks import workbook
from openpyxl import load_workbook

from ekbist.errors import EkbistError, ValidationErrors
from ekbist.sheet_import import import_file
from ekbist.sheets.exporter import export
from ekbist.store import Store

TODAY = date(2026, 11, 25)
FIXTURES = Path(__file__).parent / "fixtures"


def snapshot(db: Path) -> tuple:
    """Every table's rows and the audit count: what a refused import must leave as it was."""
    with Store.open(db, readonly=True) as store:
        tables = [t for t in store.tables() if t not in ("calendar_day", "workday")]
        return tuple(tuple(map(tuple, store.conn.execute(f'SELECT * FROM "{t}" ORDER BY 1')))
                     for t in tables)


def problems_of(store: Store, path: Path, **kwargs) -> list[str]:
    with pytest.raises(ValidationErrors) as caught:
        import_file(store, path, today=TODAY, **kwargs)
    return caught.value.problems


APPLICATION_HEADER = ["Ansökan", "Ärende", "Avser månad", "Inkom", "Komplett", "Beslutad", "Beslut", "Belopp"]


# -- human-made files ------------------------------------------------------------------------
def test_title_rows_merged_cells_blank_rows_and_swedish_numbers(unit_store):
    report = import_file(unit_store, FIXTURES / "sheets_human.xlsx", today=TODAY)
    assert report.written
    assert {s["sheet"]: s["header_row"] for s in report.sheets} == {
        "Handläggare 2026": 4, "Ärenden": 2, "Ansökningar": 2}
    assert [(k, r.added) for k, r in report.kinds.items()] == [
        ("handlers", 2), ("cases", 3), ("assignments", 3), ("applications", 3)]
    assert unit_store.query("SELECT id, team, fte, start_date FROM handler WHERE id IN ('dina', 'erik') "
                     "ORDER BY id") == [
        {"id": "dina", "team": "intake", "fte": 0.75, "start_date": "2026-02-01"},
        {"id": "erik", "team": "investigation", "fte": 1.0, "start_date": "2026-03-15"}]
    cases = {r["id"]: r for r in unit_store.query("SELECT * FROM cases WHERE id LIKE 'C-1_'")}
    assert (cases["C-10"]["adults"], cases["C-10"]["children"], cases["C-10"]["homeless"]) == (2, 2, 1)
    assert (cases["C-11"]["adults"], cases["C-11"]["homeless"]) == (1, 0)   # empty = the default
    assert cases["C-12"]["opened"] == "2026-10-05"                          # Excel serial 46300
    apps = {r["id"]: r for r in unit_store.query("SELECT * FROM application")}
    a10, a11 = apps["A-10"], apps["A-11"]
    assert (a10["amount"], a10["decision"], a10["handler"]) == (7643, "granted", "dina")
    assert (a11["period"], a11["decision"], a11["amount"]) == ("2026-10", "partly", 5111)
    assert apps["A-12"]["handler"] == "bo"
    assert any("'Anteckning'" in w and "ignored" in w for w in report.warnings)


def test_rows_of_only_spaces_are_blank_but_zeros_are_not(unit_store, tmp_path):
    path = workbook(tmp_path / "b.xlsx", {"Budget": [
        ["År", "Verksamhet", "Budgetrad", "Belopp"],
        ["  ", None, " ", None],
        [2026, "Arbetsmarknad", "Bidrag", 0]]})
    report = import_file(unit_store, path, today=TODAY)
    assert report.kinds["budget"].added == 1
    assert unit_store.scalar("SELECT amount FROM budget") == 0


def test_a_sum_row_is_checked_and_never_imported(unit_store, tmp_path):
    rows = [APPLICATION_HEADER,
            ["A-1", "C-1", "2026-10", date(2026, 10, 1), None, date(2026, 10, 2), "beviljat", 1000],
            ["A-2", "C-2", "2026-10", date(2026, 10, 1), None, date(2026, 10, 2), "beviljat", 2000],
            ["Summa", None, None, None, None, None, None, 3000]]
    good = workbook(tmp_path / "good.xlsx", {"Ansökningar": rows})
    assert import_file(unit_store, good, today=TODAY, dry_run=True).kinds["applications"].added == 2
    rows[-1] = ["Totalt", None, None, None, None, None, None, "3 100"]
    bad = workbook(tmp_path / "bad.xlsx", {"Ansökningar": rows})
    assert problems_of(unit_store, bad) == [
        "Ansökningar!H4: '3 100' — does not match the sum of the rows above (3,000)"]


def test_subtotals_and_a_grand_total(unit_store, tmp_path):
    rows = [["År", "Verksamhet", "Budgetrad", "Belopp"],
            [2026, "Arbetsmarknad", "Personalkostnader", 100],
            [2026, "Arbetsmarknad", "Lokalkostnader", 50],
            ["Summa Arbetsmarknad", None, None, 150],
            [2026, "Ekonomiskt bistånd/handläggning", "Personalkostnader", 200],
            ["Summa", None, None, 200],
            ["Total", None, None, 350]]
    path = workbook(tmp_path / "budget.xlsx", {"Budget": rows})
    report = import_file(unit_store, path, today=TODAY)
    assert report.kinds["budget"].added == 3
    assert unit_store.scalar("SELECT sum(amount) FROM budget") == 350


def test_a_net_sum_row_on_a_budget_sheet(unit_store, tmp_path):
    rows = [["År", "Verksamhet", "Budgetrad", "Belopp"],
            [2026, "Arbetsmarknad", "Bidrag", 100],
            [2026, "Arbetsmarknad", "Personalkostnader", 500],
            ["Summa netto", None, None, 400]]
    assert import_file(unit_store, workbook(tmp_path / "n.xlsx", {"Budget": rows}), today=TODAY).written
    rows[-1][3] = 450
    assert problems_of(unit_store, workbook(tmp_path / "m.xlsx", {"Budget": rows})) == [
        "Budget!D4: '450' — does not match the sum of the rows above (600)"]


def test_csv_from_swedish_excel_semicolons_decimal_commas_windows_1252(unit_store):
    report = import_file(unit_store, FIXTURES / "sheets_budget_swedish_excel.csv", today=TODAY)
    assert report.kinds["budget"].added == 3
    assert dict(unit_store.conn.execute("SELECT line, amount FROM budget").fetchall()) == {
        "Personalkostnader": 12_400_000, "Övriga kostnader": 45_300_000, "Bidrag": 1_200_000}


def test_csv_utf8_with_bom_and_a_unicode_minus(unit_store):
    report = import_file(unit_store, FIXTURES / "sheets_actuals_utf8_bom.csv", today=TODAY)
    assert report.kinds["actuals"].added == 3
    assert unit_store.scalar("SELECT amount FROM actual WHERE line = 'Bidrag'") == -44


def test_csv_utf8_without_bom_commas(unit_store, tmp_path):
    path = tmp_path / "closed.csv"
    path.write_text("Day,Reason\n2026-12-28,Planning day\n", encoding="utf-8")
    import_file(unit_store, path, today=TODAY)
    assert unit_store.scalar("SELECT reason FROM closed_day WHERE day = '2026-12-28'") == "Planning day"


@pytest.mark.parametrize("name", ["sheets_cases.ods", "sheets_cases.xls", "sheets_cases.xlsx"])
def test_ods_xls_and_xlsx(unit_store, name):
    report = import_file(unit_store, FIXTURES / name, today=TODAY)
    assert report.kinds["cases"].added == 2
    assert unit_store.query("SELECT case_id, handler, from_date FROM assignment WHERE case_id IN ('C-40', 'C-41') "
                     "ORDER BY case_id") == [
        {"case_id": "C-40", "handler": "anna", "from_date": "2026-08-03"},
        {"case_id": "C-41", "handler": "cia", "from_date": "2026-08-04"}]


def test_english_headers_in_any_case_and_spacing(unit_store, tmp_path):
    path = workbook(tmp_path / "h.xlsx", {"Staff": [
        ["  id", "NAME", "team  ", "fte", "Start   date"],
        ["dan", "Dan D", "debt", 0.5, "2026-01-01"]]})
    import_file(unit_store, path, today=TODAY)
    assert unit_store.one("SELECT team, fte, start_date FROM handler WHERE id = 'dan'") == {
        "team": "debt", "fte": 0.5, "start_date": "2026-01-01"}


# -- all or nothing ------------------------------------------------------------------------------
def test_every_wrong_cell_is_named_and_nothing_is_written(unit, unit_store):
    before = snapshot(unit.db)
    assert problems_of(unit_store, FIXTURES / "sheets_errors.xlsx") == [
        "Ansökningar!D2: '2016-13-01' — not a date (YYYY-MM-DD)",
        "Ansökningar!A3: '' — a value is required",
        "Ansökningar!G4: 'kanske' — unknown value (expected one of: granted, partly granted, "
        "rejected, withdrawn)",
        "Ansökningar!B5: 'C-99' — not found in the store or in this file",
        "Ansökningar!E6: '2026-10-02' — completed before it was received (2026-10-05)",
        "Ansökningar!H7: '12.5' — not whole kronor",
        "Ansökningar!A8: 'A-23' — appears twice in the file (also Ansökningar!A6)",
        "Ansökningar!I9: '121212-****' — looks like a personnummer — ekbist stores no personal "
        "identity numbers",
        "Ansökningar!F10: '2026-09-30' — decided before it was received (2026-10-01)",
        "Ärenden!D2: '2026-04-01' — closed before it was opened (2026-05-01)",
        "Ärenden!B3: 'nobody' — not found in the store or in this file",
    ]
    assert snapshot(unit.db) == before


def test_application_rules_agree_with_the_command_line(unit, unit_store, tmp_path):
    """The import refuses what ``ekbist application decide`` refuses."""
    before = snapshot(unit.db)
    path = workbook(tmp_path / "a.xlsx", {"Ansökningar": [
        APPLICATION_HEADER,
        ["A-1", "C-1", "2026-10", date(2026, 10, 5), date(2026, 10, 8), date(2026, 10, 7), "beviljat", 5000],
        ["A-2", "C-1", "2026-10", date(2026, 10, 5), date(2026, 10, 5), date(2026, 10, 7), "avslag", 0],
    ]})
    assert problems_of(unit_store, path) == [
        "Ansökningar!F2: '2026-10-07' — decided before it was complete (2026-10-08)",
        "Ansökningar!H3: '0' — an amount on a rejected or withdrawn application",
    ]
    assert snapshot(unit.db) == before
    unit.ok("application", "add", "C-1", "--period", "2026-10", "--received", "2026-10-05",
            "--completed", "2026-10-08", "--id", "A-1")
    assert "complete" in unit.fails("application", "decide", "A-1", "--date", "2026-10-07",
                                    "--decision", "granted", "--amount", "5000")
    assert "amount" in unit.fails("application", "decide", "A-1", "--date", "2026-10-09",
                                  "--decision", "rejected", "--amount", "0")


def test_refused_from_the_command_line_with_exit_1(unit):
    before = snapshot(unit.db)
    result = unit("import", FIXTURES / "sheets_errors.xlsx")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert lines[0] == "Ansökningar!D2: '2016-13-01' — not a date (YYYY-MM-DD)"
    assert lines[-1] == "error: 11 problems found — nothing was written"
    assert "Traceback" not in result.stderr
    assert snapshot(unit.db) == before


def test_problems_in_swedish(unit):
    result = unit("import", FIXTURES / "sheets_errors.xlsx", lang="sv")
    assert "Ansökningar!E6: '2026-10-02' — komplett före inkommen (2026-10-05)" in result.stderr
    assert "Ansökningar!G4: 'kanske' — okänt värde (möjliga värden: bifall, delvis bifall, " \
           "avslag, återkallad)" in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("fel: ")


def test_a_personnummer_anywhere_stops_the_import(unit_store, tmp_path):
    path = workbook(tmp_path / "p.xlsx", {
        "Ärenden": [["Lista från 19121212-1212"],     # a title row, outside any column
                    ["Ärende", "Handläggare", "Öppnat"],
                    ["C-50", "bo", date(2026, 1, 1)]],
        "Anteckningar": [["Att göra"], [None, 1212121212]]})  # a number on a sheet of no kind
    assert problems_of(unit_store, path) == [
        "Ärenden!A1: 'Lista från 19121212-****' — looks like a personnummer — ekbist stores no "
        "personal identity numbers",
        "Anteckningar!B2: '121212****' — looks like a personnummer — ekbist stores no personal "
        "identity numbers",
    ]


def test_a_value_not_found_is_quoted_masked_by_the_library_itself(unit_store, tmp_path):
    # The command line masks what it prints; a library caller that logs the problems must
    # get them masked too: a personnummer as text, as a 12-digit text, as a number cell
    # that lost its leading zero (010429-6793 read as 104296793).
    path = workbook(tmp_path / "n.xlsx", {"Ansökningar": [
        APPLICATION_HEADER[:4],
        ["A-1", "8112189876", "2026-10", date(2026, 10, 1)],
        ["A-2", 104296793, "2026-10", date(2026, 10, 1)],
        ["A-3", "19811218-9876", "2026-10", date(2026, 10, 1)]]})
    with pytest.raises(ValidationErrors) as caught:
        import_file(unit_store, path, today=TODAY)
    lines = caught.value.problems
    assert [line for line in lines if "not found" in line] == [
        "Ansökningar!B2: '811218****' — not found in the store or in this file",
        "Ansökningar!B3: '10429****' — not found in the store or in this file",
        "Ansökningar!B4: '19811218-****' — not found in the store or in this file"]
    assert not any(tail in str(caught.value) for tail in ("9876", "6793"))
    assert caught.value.total == len(lines) == 6       # and each is a personnummer line


def _handlers(tmp_path, rows: int):
    """A Handläggare sheet of ``rows`` handlers, all with the id 'dup' and the FTE 'x'."""
    return workbook(tmp_path / f"h{rows}.xlsx", {"Handläggare": [
        ["Id", "Namn", "Team", "Tjänstgöringsgrad"],
        *(["dup", f"Anna {r}", "utredning", "x"] for r in range(2, rows + 2))]})


def test_the_first_200_problems_of_each_kind_are_listed_and_the_rest_counted(unit, unit_store,
                                                                           tmp_path):
    # 203 rows: 203 FTEs that are not numbers, and 202 ids that repeat row 2's. A kind is
    # the reason before its parenthesis ("also Handläggare!A2" is the cell's own).
    before = snapshot(unit.db)
    with pytest.raises(ValidationErrors) as caught:
        import_file(unit_store, _handlers(tmp_path, 203), today=TODAY)
    lines = caught.value.problems
    assert caught.value.total == 405
    not_numbers = [f"Handläggare!D{r}: 'x' — not a number" for r in range(2, 205)]
    twice = [f"Handläggare!A{r}: 'dup' — appears twice in the file (also Handläggare!A2)"
             for r in range(3, 205)]
    cells = [line for line in lines if line.startswith("Handläggare!")]
    assert [line for line in cells if line.endswith("not a number")] == not_numbers[:200]
    assert [line for line in cells if "appears twice" in line] == twice[:200]
    assert lines[-2:] == ["… and 3 more problems of this kind: not a number",
                          "… and 2 more problems of this kind: appears twice in the file"]
    assert len(lines) == 402
    assert snapshot(unit.db) == before
    result = unit("import", _handlers(tmp_path, 203), lang="sv")
    assert result.exit_code == 1
    assert "… och 3 problem till av samma slag: inte ett tal" in result.stderr
    assert result.stderr.strip().splitlines()[-1] == "fel: 405 problem hittades — inget skrevs"


@pytest.mark.parametrize(("rows", "more"), [
    (200, []),
    (201, ["… and 1 more problem of this kind: not a number"])])
def test_the_listing_cap_at_its_edge(unit_store, tmp_path, rows, more):
    with pytest.raises(ValidationErrors) as caught:
        import_file(unit_store, _handlers(tmp_path, rows), today=TODAY)
    lines = caught.value.problems
    assert sum(line.endswith("— not a number") for line in lines) == 200
    assert [line for line in lines if line.startswith("…") and "not a number" in line] == more
    assert caught.value.total == rows + rows - 1


def test_money_must_be_whole_kronor_and_numbers_must_be_numbers(unit_store, tmp_path):
    path = workbook(tmp_path / "m.xlsx", {"Ansökningar": [
        APPLICATION_HEADER,
        ["A-1", "C-1", "2026-10", date(2026, 10, 1), None, date(2026, 10, 2), "beviljat", "7 643,50"],
        ["A-2", "C-1", "2026-10", date(2026, 10, 1), None, date(2026, 10, 2), "beviljat", "sju"],
        ["A-3", "C-1", "2026-13", date(2026, 10, 1), None, None, None, None],
        ["A-4", "C-1", "2026-10", date(2026, 10, 1), None, date(2026, 10, 2), "beviljat", -5]]})
    assert problems_of(unit_store, path) == [
        "Ansökningar!H2: '7 643,50' — not whole kronor",
        "Ansökningar!H3: 'sju' — not a number",
        "Ansökningar!C4: '2026-13' — not a month (YYYY-MM)",
        "Ansökningar!H5: '-5' — must be at least 0",
    ]


def test_ids_without_spaces_and_no_event_after_today(unit_store, tmp_path):
    path = workbook(tmp_path / "i.xlsx", {"Ärenden": [
        ["Ärende", "Handläggare", "Öppnat", "Avslutat", "Avslutsorsak"],
        ["C 51", "bo", date(2026, 1, 1), None, None],
        ["C-52", "bo", date(2026, 11, 26), None, None],
        ["C-53", "bo", date(2026, 1, 1), date(2027, 1, 1), "flytt"]]})
    assert problems_of(unit_store, path) == [
        "Ärenden!A2: 'C 51' — an id is 1–40 characters without spaces",
        "Ärenden!C3: '2026-11-26' — after today (2026-11-25)",
        "Ärenden!D4: '2027-01-01' — after today (2026-11-25)",
    ]


def test_unknown_handler_or_case_may_be_defined_in_the_same_file(unit_store, tmp_path):
    path = workbook(tmp_path / "f.xlsx", {
        "Ansökningar": [APPLICATION_HEADER, ["A-9", "C-9", "2026-10", date(2026, 10, 1)]],
        "Ärenden": [["Ärende", "Handläggare", "Öppnat"], ["C-9", "ny", date(2026, 9, 1)]],
        "Handläggare": [["Id", "Namn", "Team", "Tjänstgöringsgrad"], ["ny", "Ny N", "utredning", 1]],
    })
    report = import_file(unit_store, path, today=TODAY)
    assert [(k, r.added) for k, r in report.kinds.items()] == [
        ("handlers", 1), ("cases", 1), ("assignments", 1), ("applications", 1)]
    assert unit_store.scalar("SELECT handler FROM application WHERE id = 'A-9'") == "ny"


def test_an_imported_application_gets_the_handler_every_command_names(unit_store, tmp_path):
    """Two assignments of C-1 written from the same day around the rules: the one entered
    last wins, on import as in the application list and the handling time."""
    from ekbist.applications import handler_on

    unit_store.execute("INSERT INTO assignment (case_id, handler, from_date, to_date)"
                " VALUES ('C-1', 'cia', '2026-01-10', '2026-03-01')")
    path = workbook(tmp_path / "a.xlsx", {"Ansökningar": [
        APPLICATION_HEADER, ["A-8", "C-1", "2026-02", date(2026, 2, 2), date(2026, 2, 3)],
        ["A-9", "C-1", "2026-03", date(2026, 3, 2)]]})
    import_file(unit_store, path, today=TODAY)
    assert handler_on(unit_store, "C-1", date(2026, 2, 3)) == "cia"
    assert unit_store.query("SELECT id, handler FROM application WHERE case_id = 'C-1' ORDER BY id") == [
        {"id": "A-8", "handler": "cia"}, {"id": "A-9", "handler": "bo"}]


def test_bad_header_row_a_column_twice(unit_store, tmp_path):
    path = workbook(tmp_path / "d.xlsx", {"Ärenden": [
        ["Ärende", "Handläggare", "Öppnat", "Opened"], ["C-60", "bo", date(2026, 1, 1), None]]})
    assert problems_of(unit_store, path) == ["Ärenden!D1: 'Opened' — this column appears twice"]


def test_a_sheet_of_no_known_kind_is_ignored_with_a_warning(unit_store, tmp_path):
    path = workbook(tmp_path / "x.xlsx", {
        "Anteckningar": [["Vad", "När"], ["Möte", "i morgon"]],
        "Handläggare": [["Id", "Namn", "Team", "FTE"], ["h9", "Nina Nord", "intake", 1]]})
    report = import_file(unit_store, path, today=TODAY)
    assert set(report.kinds) == {"handlers"}
    assert report.warnings == ["sheet 'Anteckningar': no header row of a known kind — ignored"]


def test_a_file_with_nothing_to_import_is_refused(unit_store, tmp_path):
    path = workbook(tmp_path / "x.xlsx", {"Anteckningar": [["Vad", "När"], ["Möte", "i morgon"]]})
    with pytest.raises(ValidationErrors) as raised:
        import_file(unit_store, path, today=TODAY)
    assert raised.value.problems == [
        "sheet 'Anteckningar': no header row of a known kind — ignored",
        "x.xlsx: nothing to import — no sheet has the header row of a kind ekbist imports "
        "('ekbist template all FILE' writes one of each)"]


def test_unreadable_and_unknown_files(unit_store, tmp_path):
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip file")
    with pytest.raises(EkbistError, match="cannot read the workbook"):
        import_file(unit_store, broken, today=TODAY)
    with pytest.raises(EkbistError, match="cannot import this kind of file"):
        import_file(unit_store, tmp_path / "notes.txt", today=TODAY)
    with pytest.raises(EkbistError, match="no such file"):
        import_file(unit_store, tmp_path / "missing.xlsx", today=TODAY)


# -- upserts and dry runs ----------------------------------------------------------------------
def test_a_changed_value_with_line_breaks_is_quoted_on_one_line(unit, tmp_path):
    # A name typed with Alt+Enter (a line break in the cell) and a line separator pasted
    # from a web page: the change stays one line, its breaks shown as escapes.
    path = workbook(tmp_path / "h.xlsx", {"Handläggare": [
        ["Id", "Namn", "Team", "Tjänstgöringsgrad"],
        ["bo", "Bo Berg\nrad två\u2028x", "investigation", 0.5]]})
    output = unit.ok("import", path, "--dry-run").output
    assert "  Handlers bo (Handläggare!A2): Name Bo Berg → Bo Berg\\nrad två\\u2028x\n" in output
    assert "rad två\n" not in output and "\u2028" not in output
    unit.ok("import", path)
    again = unit.ok("import", path, "--dry-run").output
    assert "Handlers      0        0          1\n" in again and "→" not in again


def test_upsert_by_key_and_dry_run_shows_old_and_new(unit, unit_store, tmp_path):
    first = workbook(tmp_path / "a.xlsx", {"Ansökningar": [
        APPLICATION_HEADER,
        ["A-1", "C-1", "2026-10", date(2026, 10, 1), None, date(2026, 10, 2), "beviljat", 1000],
        ["A-2", "C-2", "2026-10", date(2026, 10, 1), None, None, None, None]]})
    import_file(unit_store, first, today=TODAY)
    second = workbook(tmp_path / "b.xlsx", {"Ansökningar": [
        APPLICATION_HEADER,
        ["A-1", "C-1", "2026-10", date(2026, 10, 1), None, date(2026, 10, 2), "beviljat", 1500],
        ["A-2", "C-2", "2026-10", date(2026, 10, 1), None, None, None, None],
        ["A-3", "C-3", "2026-11", date(2026, 11, 3), None, None, None, None]]})
    before = snapshot(unit.db)
    result = unit.ok("import", second, "--dry-run")
    assert snapshot(unit.db) == before
    assert "Dry run of" in result.output
    assert "Applications      1        1          1" in result.output
    # Each change names the sheet and the column as the reader's language does.
    assert "  Applications A-1 (Ansökningar!A2): Amount 1,000 → 1,500" in result.output
    assert "  Applications to add: A-3" in result.output
    swedish = unit.ok("import", second, "--dry-run", lang="sv").output
    assert "  Ansökningar A-1 (Ansökningar!A2): Belopp 1\u00a0000 → 1\u00a0500" in swedish
    assert "  Ansökningar att lägga till: A-3" in swedish
    payload = json.loads(unit.ok("import", second, "--dry-run", "--format", "json").output)
    assert payload["kinds"]["applications"]["changes"] == [
        {"key": {"id": "A-1"}, "cell": "Ansökningar!A2", "fields": {"amount": {"old": 1000, "new": 1500}}}]
    assert payload["total"] == {"added": 1, "changed": 1, "unchanged": 1}
    audit_before = unit_store.scalar("SELECT count(*) FROM audit")
    unit.ok("import", second)
    assert unit_store.scalar("SELECT amount FROM application WHERE id = 'A-1'") == 1500
    # One audited update and one insert; the unchanged row is not touched.
    assert unit_store.query("SELECT tbl, key, action FROM audit WHERE id > ? ORDER BY id", (audit_before,)) == [
        {"tbl": "application", "key": "A-1", "action": "update"},
        {"tbl": "application", "key": "A-3", "action": "insert"}]


def test_a_column_left_out_keeps_its_stored_value(unit_store, tmp_path):
    unit_store.execute("UPDATE cases SET children = 3 WHERE id = 'C-1'")
    path = workbook(tmp_path / "c.xlsx", {"Ärenden": [
        ["Ärende", "Handläggare", "Öppnat", "Vuxna"], ["C-1", "bo", date(2026, 1, 10), 2]]})
    report = import_file(unit_store, path, today=TODAY)
    assert report.kinds["cases"].changes[0]["fields"] == {"adults": {"old": 1, "new": 2}}
    assert unit_store.one("SELECT adults, children FROM cases WHERE id = 'C-1'") == {"adults": 2, "children": 3}


def test_a_new_handler_on_the_cases_sheet_is_a_handover_from_today(unit_store, tmp_path):
    unit_store.execute("INSERT INTO application (id, case_id, period, received) VALUES ('A-1', 'C-1', '2026-11', "
                "'2026-11-25')")
    unit_store.execute("UPDATE application SET handler = 'bo'")
    path = workbook(tmp_path / "c.xlsx", {"Ärenden": [
        ["Ärende", "Handläggare", "Öppnat"], ["C-1", "cia", date(2026, 1, 10)]]})
    report = import_file(unit_store, path, today=TODAY)
    assert report.kinds["assignments"].added == 1
    assert report.kinds["assignments"].changes == [{
        "key": {"case": "C-1", "from_date": "2026-01-10"}, "cell": "Ärenden!B2",
        "fields": {"to_date": {"old": None, "new": "2026-11-25"}}}]
    assert unit_store.query("SELECT handler, from_date, to_date FROM assignment WHERE case_id = 'C-1' "
                     "ORDER BY from_date") == [
        {"handler": "bo", "from_date": "2026-01-10", "to_date": "2026-11-25"},
        {"handler": "cia", "from_date": "2026-11-25", "to_date": None}]
    # The application whose clock starts today now belongs to the new handler.
    assert unit_store.scalar("SELECT handler FROM application WHERE id = 'A-1'") == "cia"


def test_closing_cases_needs_no_handler_column_but_a_new_case_does(unit_store, tmp_path):
    path = workbook(tmp_path / "c.xlsx", {"Ärenden": [
        ["Ärende", "Öppnat", "Avslutat", "Avslutsorsak"],
        ["C-1", date(2026, 1, 10), date(2026, 11, 20), "studier"],
        ["C-80", date(2026, 11, 2), None, None]]})
    assert problems_of(unit_store, path) == ["Ärenden!A3: '' — a new case needs its first handler"]
    path = workbook(tmp_path / "d.xlsx", {"Ärenden": [
        ["Ärende", "Öppnat", "Avslutat", "Avslutsorsak"],
        ["C-1", date(2026, 1, 10), date(2026, 11, 20), "studier"]]})
    report = import_file(unit_store, path, today=TODAY)
    assert report.kinds["cases"].changes[0]["fields"] == {
        "closed": {"old": None, "new": "2026-11-20"}, "close_reason": {"old": None, "new": "studies"}}
    assert "assignments" not in report.kinds


def test_assignment_history_must_not_overlap(unit_store, tmp_path):
    path = workbook(tmp_path / "a.xlsx", {"Handläggarhistorik": [
        ["Ärende", "Handläggare", "Från", "Till"],
        ["C-1", "bo", date(2026, 1, 10), date(2026, 6, 1)],
        ["C-1", "anna", date(2026, 5, 1), None],
        ["C-2", "cia", date(2026, 2, 1), None]]})
    assert problems_of(unit_store, path) == [
        "Handläggarhistorik!C3: '2026-05-01' — overlaps the period of 'bo' from 2026-01-10",
        "Handläggarhistorik!C4: '2026-02-01' — the handler period starts before the case was opened "
        "(2026-03-01)",
        "Handläggarhistorik!D4: '' — overlaps the period of 'bo' from 2026-03-01",
    ]
    fixed = workbook(tmp_path / "b.xlsx", {"Handläggarhistorik": [
        ["Ärende", "Handläggare", "Från", "Till"],
        ["C-1", "bo", date(2026, 1, 10), date(2026, 6, 1)],
        ["C-1", "anna", date(2026, 6, 1), None]]})
    import_file(unit_store, fixed, today=TODAY)
    assert unit_store.query("SELECT handler, to_date FROM assignment WHERE case_id = 'C-1' ORDER BY from_date") == [
        {"handler": "bo", "to_date": "2026-06-01"}, {"handler": "anna", "to_date": None}]


def test_progress_counts_the_rows_written_kind_by_kind(unit_store, tmp_path):
    def written_of(path: Path) -> list[tuple[int, int]]:
        calls: list[tuple[int, int]] = []
        import_file(unit_store, path, today=TODAY, progress=lambda step, total, **counts: (
            calls.append((step, counts["written"])) if "written" in counts else None))
        return calls

    # Two plans, then one follow-up: 2 rows written after the plans, 3 after the follow-ups.
    plans = workbook(tmp_path / "p.xlsx", {
        "Planer": [["Ärende", "Plantyp", "Upprättad", "Nästa uppföljning", "Avslutad"],
                   ["C-1", "förändringsplan", date(2026, 2, 1), date(2026, 5, 1), None],
                   ["C-3", "boendeplan", date(2026, 6, 1), date(2026, 9, 1), None]],
        "Uppföljningar": [["Ärende", "Plantyp", "Plan upprättad", "Uppföljd", "Nästa uppföljning"],
                          ["C-1", None, date(2026, 2, 1), date(2026, 4, 28), date(2026, 7, 28)]]})
    assert written_of(plans) == [(3, 2), (3, 3)]
    # A changed row counts as written too: A-1's amount changes, A-2 stays, A-3 is new.
    first = workbook(tmp_path / "a.xlsx", {"Ansökningar": [
        APPLICATION_HEADER,
        ["A-1", "C-1", "2026-10", date(2026, 10, 1), None, date(2026, 10, 2), "beviljat", 1000],
        ["A-2", "C-2", "2026-10", date(2026, 10, 1), None, None, None, None]]})
    assert written_of(first) == [(3, 2)]
    second = workbook(tmp_path / "b.xlsx", {"Ansökningar": [
        APPLICATION_HEADER,
        ["A-1", "C-1", "2026-10", date(2026, 10, 1), None, date(2026, 10, 2), "beviljat", 1500],
        ["A-2", "C-2", "2026-10", date(2026, 10, 1), None, None, None, None],
        ["A-3", "C-3", "2026-11", date(2026, 11, 3), None, None, None, None]]})
    assert written_of(second) == [(3, 2)]


def test_an_import_leaves_no_temporary_tables_behind(unit_store, tmp_path):
    good = workbook(tmp_path / "a.xlsx", {"Ansökningar": [
        APPLICATION_HEADER, ["A-1", "C-1", "2026-10", date(2026, 10, 1), None, None, None, None]]})
    bad = workbook(tmp_path / "b.xlsx", {"Ansökningar": [
        APPLICATION_HEADER, ["A-2", "C-404", "2026-10", date(2026, 10, 1), None, None, None, None]]})
    # The connection's own temporary objects (the audit's) are there before and after.
    before = unit_store.query("SELECT type, name FROM temp.sqlite_master ORDER BY name")
    import_file(unit_store, good, today=TODAY)
    import_file(unit_store, good, today=TODAY, dry_run=True)
    assert problems_of(unit_store, bad)
    after = unit_store.query("SELECT type, name FROM temp.sqlite_master ORDER BY name")
    assert after == before
    assert not [row for row in after if row["name"].startswith(("sheet_", "temp_sheet_"))]


def test_an_import_of_more_than_10_000_rows(unit_store, tmp_path):
    # Over 10 000 rows the import enlarges the connection's page cache while it writes,
    # and gives the old size back afterwards.
    path = tmp_path / "many.csv"
    lines = ["Ansökan,Ärende,Avser månad,Inkom"]
    lines += [f"M-{i},C-1,2026-10,2026-10-01" for i in range(10_001)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    cache_size = unit_store.scalar("PRAGMA cache_size")
    report = import_file(unit_store, path, today=TODAY)
    assert report.kinds["applications"].added == 10_001
    assert unit_store.scalar("SELECT count(*) FROM application WHERE case_id = 'C-1'") == 10_001
    assert unit_store.scalar("PRAGMA cache_size") == cache_size


def test_a_changed_setting_names_its_own_sheet_and_cell(unit_store, tmp_path):
    def path(grace: str) -> Path:
        return workbook(tmp_path / f"s{grace}.xlsx", {
            "Ansökningar": [APPLICATION_HEADER,
                            ["A-1", "C-1", "2026-10", date(2026, 10, 1), None, None, None, None]],
            "Inställningar": [["Inställning", "Värde"], ["plans.grace_days", grace],
                              ["handling.days", 5]]})

    import_file(unit_store, path("60"), today=TODAY)
    report = import_file(unit_store, path("70"), today=TODAY, dry_run=True)
    assert [(c["cell"], c["fields"]) for c in report.kinds["settings"].changes] == [
        ("Inställningar!A2", {"value": {"old": "60", "new": "70"}})]


def test_plans_and_follow_ups_in_one_file(unit_store, tmp_path):
    plans = [["Ärende", "Plantyp", "Upprättad", "Nästa uppföljning", "Avslutad"],
             ["C-1", "förändringsplan", date(2026, 2, 1), date(2026, 5, 1), None],
             ["C-3", "boendeplan", date(2026, 6, 1), date(2026, 9, 1), None]]
    followups = [["Ärende", "Plantyp", "Plan upprättad", "Uppföljd", "Nästa uppföljning"],
                 ["C-1", None, date(2026, 2, 1), date(2026, 4, 28), date(2026, 7, 28)],
                 ["C-2", None, date(2026, 2, 1), date(2026, 4, 28), date(2026, 7, 28)]]
    path = workbook(tmp_path / "p.xlsx", {"Planer": plans, "Uppföljningar": followups})
    assert problems_of(unit_store, path) == [
        "Uppföljningar!C3: '2026-02-01' — no such plan of this case (neither in the store nor in this file)"]
    del followups[2]
    plans.append(["C-1", "förändringsplan", date(2026, 3, 1), date(2026, 6, 1), None])
    path = workbook(tmp_path / "q.xlsx", {"Planer": plans, "Uppföljningar": followups})
    assert problems_of(unit_store, path) == [
        "Planer!E4: '' — the case already has an open plan of this kind"]
    del plans[3]
    path = workbook(tmp_path / "r.xlsx", {"Planer": plans, "Uppföljningar": followups})
    report = import_file(unit_store, path, today=TODAY)
    assert (report.kinds["plans"].added, report.kinds["followups"].added) == (2, 1)
    assert unit_store.one("SELECT p.case_id, p.kind, f.date FROM followup f JOIN plan p ON p.id = f.plan_id") == {
        "case_id": "C-1", "kind": "change", "date": "2026-04-28"}
    followups[1][4] = date(2026, 8, 1)
    plans[1][4] = date(2026, 11, 1)
    path = workbook(tmp_path / "s.xlsx", {"Planer": plans, "Uppföljningar": followups})
    report = import_file(unit_store, path, today=TODAY)
    assert [c["fields"] for c in report.kinds["followups"].changes] == [
        {"next_followup": {"old": "2026-07-28", "new": "2026-08-01"}}]
    assert [c["fields"] for c in report.kinds["plans"].changes] == [
        {"ended": {"old": None, "new": "2026-11-01"}}]
    assert unit_store.scalar("SELECT next_followup FROM followup") == "2026-08-01"


def test_settings_are_checked_and_a_default_changes_nothing(unit_store, tmp_path):
    path = workbook(tmp_path / "s.xlsx", {"Inställningar": [
        ["Inställning", "Värde"], ["handling.days", 5], ["plans.grace_days", "60"],
        ["budget.warn_deviation_pct", "2,5 %"]]})
    report = import_file(unit_store, path, today=TODAY)
    assert (report.kinds["settings"].added, report.kinds["settings"].unchanged) == (2, 1)
    assert dict(unit_store.conn.execute("SELECT key, value FROM settings").fetchall()) == {
        "plans.grace_days": "60", "budget.warn_deviation_pct": "2.5"}
    bad = workbook(tmp_path / "t.xlsx", {"Inställningar": [
        ["Inställning", "Värde"], ["handling.dayz", 5], ["handling.days", 0]]})
    problems = problems_of(unit_store, bad)
    assert problems[0].startswith("Inställningar!A2: 'handling.dayz' — unknown setting")
    assert problems[1] == "Inställningar!B3: '0' — handling.days must be between 1 and 60"


def test_absences_must_not_overlap(unit, unit_store, tmp_path):
    unit.ok("handler", "away", "bo", "--from", "2026-10-01", "--to", "2026-10-31", "--reason", "sjuk")
    header = ["Handläggare", "Frånvarande från", "Frånvarande till", "Orsak"]
    path = workbook(tmp_path / "a.xlsx", {"Frånvaro": [
        header, ["bo", date(2026, 10, 20), date(2026, 11, 5), "sjuk"],
        ["cia", date(2026, 9, 1), None, "föräldraledig"], ["cia", date(2026, 11, 1), None, "tjänstledig"]]})
    assert problems_of(unit_store, path) == [
        "Frånvaro!B2: '2026-10-20' — overlaps another absence of the same handler",
        "Frånvaro!B4: '2026-11-01' — overlaps another absence of the same handler"]
    path = workbook(tmp_path / "b.xlsx", {"Frånvaro": [
        header, ["bo", date(2026, 10, 1), date(2026, 10, 15), "sjuk"],
        ["bo", date(2026, 10, 20), date(2026, 11, 5), "sjuk"]]})
    report = import_file(unit_store, path, today=TODAY)
    assert (report.kinds["absences"].added, report.kinds["absences"].changed) == (1, 1)


def test_closed_days_rebuild_the_working_day_index(unit_store, tmp_path):
    assert unit_store.scalar("SELECT is_workday FROM calendar_day WHERE day = '2026-12-28'") == 1
    path = workbook(tmp_path / "c.xlsx",
                    {"Stängda dagar": [["Dag", "Orsak"], [date(2026, 12, 28), "Planering"]]})
    import_file(unit_store, path, today=TODAY)
    assert unit_store.scalar("SELECT is_workday FROM calendar_day WHERE day = '2026-12-28'") == 0


def test_year_is_passed_to_the_wide_layout(unit_store):
    fixture = FIXTURES / "controller_budget_kr.xlsx"
    report = import_file(unit_store, fixture, today=TODAY, dry_run=True, year=2026)
    assert report.kinds["budget"].added == 7  # the fixture's seven lines (test_controller.py)
    assert report.sheets == [{"sheet": "Budget", "kind": "wide", "header_row": None}]


# -- round trips -----------------------------------------------------------------------------------
def test_export_then_import_changes_nothing(unit, unit_store, tmp_path):
    unit.ok("case", "assign", "C-1", "cia", "--date", "2026-06-01")
    unit.ok("case", "close", "C-2", "--date", "2026-10-01", "--reason", "arbete")
    unit.ok("workdays", "close", "2026-12-28", "--reason", "Planering")
    unit.ok("settings", "set", "plans.grace_days", "60")
    import_file(unit_store, FIXTURES / "sheets_human.xlsx", today=TODAY)
    import_file(unit_store, FIXTURES / "sheets_budget_swedish_excel.csv", today=TODAY)
    import_file(unit_store, FIXTURES / "sheets_actuals_utf8_bom.csv", today=TODAY)
    for lang in ("en", "sv"):
        path = tmp_path / f"all-{lang}.xlsx"
        unit.ok("export", "all", path, lang=lang)
        payload = json.loads(unit.ok("import", path, "--dry-run", "--format", "json").output)
        assert payload["total"]["added"] == 0 and payload["total"]["changed"] == 0, payload
        assert payload["total"]["unchanged"] > 20
    before = snapshot(unit.db)
    unit.ok("import", tmp_path / "all-sv.xlsx")
    assert snapshot(unit.db) == before


def test_an_edited_export_imports_exactly_the_edited_cells(unit_store, tmp_path):
    import_file(unit_store, FIXTURES / "sheets_human.xlsx", today=TODAY)
    path = tmp_path / "apps.xlsx"
    export(unit_store, "applications", path, today=TODAY)
    wb = load_workbook(path)
    ws = wb.active
    ws["H2"] = 8000
    ws["F4"] = date(2026, 11, 20)
    ws["G4"] = "avslag"
    wb.save(tmp_path / "edited.xlsx")
    report = import_file(unit_store, tmp_path / "edited.xlsx", today=TODAY)
    assert [c["fields"] for c in report.kinds["applications"].changes] == [
        {"amount": {"old": 7643, "new": 8000}},
        {"decided": {"old": None, "new": "2026-11-20"}, "decision": {"old": None, "new": "rejected"}}]


def test_demo_store_round_trip(small_demo_db, tmp_path, cli):
    db = tmp_path / "demo.db"
    shutil.copy(small_demo_db, db)
    cli.db = db
    cli.ok("export", "all", tmp_path / "demo.xlsx")
    payload = json.loads(cli.ok("import", tmp_path / "demo.xlsx", "--dry-run", "--format", "json").output)
    assert payload["total"]["added"] == 0 and payload["total"]["changed"] == 0
    assert payload["kinds"]["applications"]["unchanged"] > 100
