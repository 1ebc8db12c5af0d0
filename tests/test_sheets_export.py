"""Spreadsheet export and templates, the declarations behind them, and Swedish number text."""

from __future__ import annotations

import tomllib
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from ekbist.errors import EkbistError
from ekbist.number_text import format_number, parse_number
from ekbist.sheet_import import import_file
from ekbist.sheets.declarations import columns_markdown, kinds, parse_declaration
from ekbist.sheets.exporter import SOURCES, export
from ekbist.sheets.templates import template
from ekbist.store import Store

TODAY = date(2026, 11, 25)
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def imported_store(unit):
    """The conftest unit with the human-made workbook ``sheets_human.xlsx`` imported."""
    store = Store.open(unit.db)
    import_file(store, FIXTURES / "sheets_human.xlsx", today=TODAY)
    yield store
    store.close()


# -- numbers ------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, value", [
    ("5 111", 5111), ("7 643,50", 7643.5), ("7 643,00", 7643.0), ("−44", -44), ("-44", -44),
    ("1,5 %", 0.015), ("100 %", 1), ("(44)", -44), ("5\u00a0111 kr", 5111), ("12 345 678", 12345678),
    ("1.234,50", 1234.5), ("1,234.50", 1234.5), ("1,234", 1.234), ("+7", 7), (" 12 ", 12),
    ("51 11", None), ("1 2 3", None), ("sju", None), ("", None), ("1,2,3", None), ("2026-10-01", None),
])
def test_swedish_number_text(text, value):
    assert parse_number(text) == value


@given(st.integers(min_value=-10**12, max_value=10**12))
def test_numbers_written_the_swedish_way_read_back(number):
    assert parse_number(format_number(number, swedish=True)) == number
    assert parse_number(format_number(number, swedish=False).replace(",", " ")) == number


# -- declarations ---------------------------------------------------------------------------------
def test_every_declaration_matches_the_store(store):
    for kind in kinds().values():
        assert kind.sheet_sv and kind.sheet_en and kind.help_sv and kind.help_en, kind.name
        for column in kind.columns:
            assert column.help_sv and column.help_en, (kind.name, column.key)
        if not kind.importable:
            continue
        table_columns = {r["name"] for r in store.query(f'PRAGMA table_info("{kind.table}")')}
        for column in kind.columns:
            if column.written:
                assert column.column in table_columns, (kind.name, column.key)
        for name in kind.write:
            assert name in table_columns, (kind.name, name)
        if kind.name in SOURCES:
            continue
        # Each export query runs against the real schema.
        export_sql = ", ".join(c.sql for c in kind.columns)
        store.query(f"SELECT {export_sql} FROM {kind.export_from} LIMIT 1")


def test_headers_are_unique_within_a_kind_and_sheet_names_across_kinds():
    for kind in kinds().values():
        seen: set[str] = set()
        for column in kind.columns:
            assert not (column.headers() & seen), (kind.name, column.key)
            seen |= column.headers()
    for lang in ("sv", "en"):
        names = [k.sheet(lang) for k in kinds().values()]
        assert len(names) == len(set(names))


def test_declaration_mistakes_are_caught():
    base = {"kind": "x", "sheet_sv": "X", "sheet_en": "X", "table": "cases", "key": ["id"],
            "column": [{"key": "id", "header_sv": "Id", "header_en": "Id"}]}
    parse_declaration(base)
    with pytest.raises(ValueError, match="unknown type"):
        parse_declaration({**base, "column": [{"key": "id", "header_sv": "I", "header_en": "I",
                                               "type": "float"}]})
    with pytest.raises(ValueError, match="key column"):
        parse_declaration({**base, "key": ["nope"]})
    with pytest.raises(ValueError, match="Excel sheet name"):
        parse_declaration({**base, "sheet_en": "A/B"})
    # Without a table a kind is export-only: its rows come from code (exporter.SOURCES),
    # which refuses a kind it has no function for (tests/test_sheet_rules.py).
    assert not parse_declaration({**base, "table": None}).importable


def test_the_readme_table_comes_from_the_declarations():
    text = columns_markdown()
    for kind in kinds().values():
        assert f"### `{kind.name}`" in text
        for column in kind.columns:
            assert f"| `{column.key}` | {column.header_sv} | {column.header_en} |" in text
    assert "| `amount` | Belopp | Amount | whole kronor |" in text
    assert columns_markdown(["budget"]).count("###") == 1


def test_declarations_are_data_files():
    folder = Path(__file__).parent.parent / "schemas" / "sheets"
    for path in folder.glob("*.toml"):
        assert tomllib.loads(path.read_text(encoding="utf-8"))["kind"] in kinds()


# -- export --------------------------------------------------------------------------------------------
def test_export_writes_real_dates_numbers_and_words(imported_store, tmp_path):
    path = tmp_path / "apps.xlsx"
    assert export(imported_store, "applications", path, today=TODAY) == [
        {"kind": "applications", "sheet": "Applications", "rows": 3,
         "sheets": [("Applications", 3)]}]
    ws = load_workbook(path).active
    assert [c.value for c in ws[1]] == ["Application", "Case", "Period", "Received", "Completed",
                                        "Decided", "Decision", "Amount", "First contact",
                                        "Handler"]
    row = [c for c in ws[2]]
    assert row[0].value == "A-10"
    assert row[2].value == "2026-10" and row[2].data_type == "s"
    assert isinstance(row[3].value, datetime) and row[3].is_date
    assert row[3].value.date() == date(2026, 10, 1)
    assert row[6].value == "granted"
    assert row[7].value == 7643 and row[7].data_type == "n"
    assert row[8].value is None
    assert row[9].value == "dina"
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:J4"


def test_export_in_swedish_with_a_date_range(unit, imported_store, tmp_path):
    path = tmp_path / "ansokningar.xlsx"
    result = unit.ok("export", "applications", path, "--from", "2026-10-01", "--to", "2026-10-31",
                     lang="sv")
    assert "Skrev" in result.output and "Ansökningar 2" in result.output
    ws = load_workbook(path)["Ansökningar"]
    assert ws["A1"].value == "Ansökan" and ws["G1"].value == "Beslut"
    assert [ws.cell(row=r, column=7).value for r in (2, 3)] == ["bifall", "delvis bifall"]


def test_export_types_of_every_kind(imported_store, tmp_path):
    imported_store.execute("UPDATE cases SET homeless = 1 WHERE id = 'C-1'")
    path = tmp_path / "all.xlsx"
    export(imported_store, "all", path, today=TODAY)
    wb = load_workbook(path)
    assert wb.sheetnames == [k.sheet("en") for k in kinds().values() if k.importable]
    handlers = wb["Handlers"]
    fte = [r for r in handlers.iter_rows(min_row=2) if r[0].value == "dina"][0][3]
    assert fte.value == 0.75 and fte.number_format == "0.00"
    cases = wb["Cases"]
    homeless = {r[0].value: r[8].value for r in cases.iter_rows(min_row=2)}
    # Yes-or-no in the words of the template's drop-down, not TRUE/FALSE.
    assert homeless["C-1"] == "yes" and homeless["C-2"] == "no"
    settings = {r[0].value: r[1].value for r in wb["Settings"].iter_rows(min_row=2)}
    assert settings["handling.days"] == 5


@pytest.mark.parametrize("name", ["closed_days", "Closed days", "closed  DAYS", "stängda dagar",
                                  " Stängda dagar "])
def test_a_kind_is_named_by_its_key_or_its_sheet_name_in_either_language(unit, tmp_path,
                                                                           name):
    path = tmp_path / "closed.xlsx"
    unit.ok("export", name, path)
    assert load_workbook(path).sheetnames == ["Closed days"]
    unit.ok("template", name, tmp_path / "t.xlsx")
    assert load_workbook(tmp_path / "t.xlsx").sheetnames[0] == "Closed days"


def test_export_refuses_to_write_over_a_file(unit, imported_store, tmp_path):
    path = tmp_path / "mine.xlsx"
    path.write_bytes(b"a person's own workbook")
    assert "exists already" in unit.fails("export", "cases", path)
    assert path.read_bytes() == b"a person's own workbook"
    assert "write an .xlsx or a .csv file" in unit.fails("export", "cases", tmp_path / "cases.ods")
    (tmp_path / "cases.csv").write_text("mine\n", encoding="utf-8")
    assert "exists already" in unit.fails("export", "cases", tmp_path / "cases.csv")
    assert (tmp_path / "cases.csv").read_text(encoding="utf-8") == "mine\n"
    assert "unknown sheet kind 'kases'" in unit.fails("export", "kases", tmp_path / "x.xlsx")
    with pytest.raises(EkbistError, match="folder does not exist"):
        export(imported_store, "cases", tmp_path / "no" / "x.xlsx")


def test_report_kinds_export_from_their_source(unit, tmp_path):
    path = tmp_path / "caseload.xlsx"
    unit.ok("export", "caseload", path)
    ws = load_workbook(path).active
    assert ws["A1"].value == kinds()["caseload"].columns[0].header_en
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert rows[0] == ["Month", "Handler", "Name", "Team", "FTE", "Active cases", "Per FTE",
                       "Team mean per FTE", "Away"]
    # November: Anna holds C-4 (1 FTE); Bo C-1 and C-2 on 0.5 FTE = 4 per FTE; Cia C-3.
    # The investigation team: 3 cases on 1.5 FTE = 2 per FTE.
    assert rows[-3:] == [
        ["2026-11", "anna", "Anna Andersson", "intake", 1, 1, 1, 1, "no"],
        ["2026-11", "bo", "Bo Berg", "investigation", 0.5, 2, 4, 2, "no"],
        ["2026-11", "cia", "Cia Ceder", "investigation", 1, 1, 1, 2, "no"]]
    # March: only C-1 and C-2 (opened 10 January and 1 March), both with Bo: 2 ÷ 1.5 = 1.33.
    assert [r[5:8] for r in rows if r[0] == "2026-03"] == [[0, 0, 0], [2, 4, 1.33], [0, 0, 1.33]]
    result = unit("import", path, "--dry-run")
    # A report is never imported, and a file with nothing else is refused (exit 1).
    assert result.exit_code == 1 and "is a report and cannot be imported" in result.stderr
    assert "nothing to import" in result.stderr


# -- templates --------------------------------------------------------------------------------------
def test_template_for_every_kind(unit, tmp_path):
    path = tmp_path / "mall.xlsx"
    result = unit.ok("template", "all", path, lang="sv")
    assert "Ärenden" in result.output
    wb = load_workbook(path)
    importable = [k for k in kinds().values() if k.importable]
    assert wb.sheetnames == [k.sheet("sv") for k in importable] + ["Kolumner", "Listor"]
    assert wb["Listor"].sheet_state == "hidden"
    cases = wb["Ärenden"]
    assert [c.value for c in cases[1]] == [c.header_sv for c in kinds()["cases"].import_columns]
    assert cases.freeze_panes == "A2"
    assert cases.column_dimensions["A"].width == 14
    assert cases.column_dimensions["C"].number_format == "yyyy-mm-dd"
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in cases.data_validations.dataValidation}
    assert lists["E2"].startswith("'Listor'!$") and lists["I2"].startswith("'Listor'!$")
    listed = [c.value for c in wb["Listor"][lists["E2"].split("!")[1].replace("$", "").split(":")[0][0]]]
    assert [v for v in listed[1:] if v] == ["arbete", "studier", "sjuk-/aktivitetsersättning",
                                            "annan ersättning", "flyttat", "annat"]
    budget = wb["Budget"]
    line = [dv for dv in budget.data_validations.dataValidation if str(dv.sqref).startswith("C2")][0]
    assert "Listor" in line.formula1   # the store's budget lines
    explained = [[c.value for c in row] for row in wb["Kolumner"].iter_rows(values_only=False)]
    assert explained[0][:5] == ["Blad", "Kolumn", "Typ", "Obligatorisk", "Värden"]
    assert any(row[1] == "Belopp" and row[2] == "hela kronor" for row in explained)
    assert not any(row[1] == "Handläggare" and row[0] is None and "räknas fram" in str(row[5])
                   for row in explained)   # derived columns are not in a template


def test_a_filled_in_template_imports(unit, tmp_path):
    path = tmp_path / "mall.xlsx"
    template("cases", path)
    wb = load_workbook(path)
    ws = wb["Cases"]
    ws.append(["C-70", "anna", date(2026, 11, 2), None, None, 2, 1, "woman", "yes"])
    wb.save(tmp_path / "filled.xlsx")
    with Store.open(unit.db) as store:
        report = import_file(store, tmp_path / "filled.xlsx", today=TODAY)
        assert report.kinds["cases"].added == 1 and not report.warnings
        assert store.one("SELECT adults, children, gender, homeless FROM cases WHERE id = 'C-70'") == {
            "adults": 2, "children": 1, "gender": "f", "homeless": 1}


def test_template_refuses_an_existing_file_and_report_kinds(cli, tmp_path):
    path = tmp_path / "t.xlsx"
    cli.ok("template", "budget", path)
    assert "exists already" in cli.fails("template", "budget", path)
    if "caseload" in kinds():
        assert "is a report" in cli.fails("template", "caseload", tmp_path / "c.xlsx")
        assert not (tmp_path / "c.xlsx").exists()


# -- round trip, property-based ---------------------------------------------------------------------
_day = st.dates(min_value=date(2020, 1, 1), max_value=date(2026, 11, 20))


@st.composite
def _application(draw, number: int):
    received = draw(_day)
    completed = draw(st.one_of(st.none(), st.dates(min_value=received, max_value=date(2026, 11, 25))))
    decided = draw(st.one_of(st.none(), st.dates(min_value=completed or received,
                                                 max_value=date(2026, 11, 25))))
    decision = draw(st.sampled_from(["granted", "partly", "rejected", "withdrawn"])) if decided else None
    amount = draw(st.integers(0, 10**7)) if decision in ("granted", "partly") else None
    return (f"P-{number}", draw(st.sampled_from(["C-1", "C-2", "C-3"])), f"{received:%Y-%m}",
            received.isoformat(), completed and completed.isoformat(),
            decided and decided.isoformat(), decision, amount)


@pytest.fixture(scope="module")
def prop_store(tmp_path_factory):
    from ekbist import cases, handlers

    folder = tmp_path_factory.mktemp("prop")
    store = Store.open(folder / "p.db", create=True)
    handlers.add(store, "bo", name="Bo", team="intake", fte=1)
    for case in ("C-1", "C-2", "C-3"):
        cases.open_case(store, case, handler="bo", opened=date(2019, 1, 1), today=TODAY)
    yield store, folder
    store.close()


@settings(max_examples=25, deadline=None)
@given(data=st.data(), lang=st.sampled_from(["en", "sv"]))
def test_any_applications_survive_export_and_import(prop_store, data, lang):
    from ekbist.i18n import set_language

    store, folder = prop_store
    rows = [data.draw(_application(i)) for i in range(data.draw(st.integers(1, 8)))]
    with store.transaction():
        store.execute("DELETE FROM application")
        store.executemany("INSERT INTO application (id, case_id, period, received, completed, decided, "
                          "decision, amount) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    path = folder / "a.xlsx"
    path.unlink(missing_ok=True)
    set_language(lang)
    try:
        export(store, "applications", path, today=TODAY)
        report = import_file(store, path, today=TODAY, dry_run=True)
    finally:
        set_language("en")
    assert (report.kinds["applications"].added, report.kinds["applications"].changed) == (0, 0)
    assert report.kinds["applications"].unchanged == len(rows)
