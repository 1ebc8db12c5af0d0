"""The controller's workbooks: the wide budget/actuals layout in, the prognosis out and --into."""

from __future__ import annotations

import json
import shutil
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from ekbist import budget, prognosis
from ekbist.errors import EkbistError, ValidationErrors
from ekbist.sheets import prognosis_into, prognosis_workbook, wide_sheet

FIXTURES = Path(__file__).parent / "fixtures"
ASSISTANCE = "Ekonomiskt bistånd/handläggning"
LABOUR = "Arbetsmarknad"
TODAY = date(2026, 11, 25)
MONTHS = ["Jan", "Feb", "Mar", "Apr", "Maj", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dec"]


def _rows(path: Path, sheet: str) -> list[list]:
    with CalamineWorkbook.from_path(str(path)) as workbook:
        return workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False)


# -- reading the wide layout --------------------------------------------------------------------
def test_wide_budget_in_kr_from_the_fixture():
    records = wide_sheet.parse_wide_sheet(
        "Budget", _rows(FIXTURES / "controller_budget_kr.xlsx", "Budget"), year=None, title="")
    assert records[0] == {"kind": "budget", "year": 2026, "month": None, "activity": ASSISTANCE,
                          "line": "Bidrag", "amount": 1_500_000, "cell": "Budget!B5",
                          "name_cells": {"activity": "Budget!A5", "line": "Budget!B5"}}
    by_key = {(r["activity"], r["line"]): r["amount"] for r in records}
    # Twelve months of 3 700 000 kr; the activity cell left blank means "as above".
    assert by_key[(ASSISTANCE, "Övriga kostnader")] == 44_400_000
    assert by_key[(LABOUR, "Övriga kostnader")] == 150_000
    assert len(records) == 7  # the 'Summa netto' and 'Summa' rows are not records


def test_wide_actuals_in_tkr_from_the_fixture():
    records = wide_sheet.parse_wide_sheet(
        "Utfall", _rows(FIXTURES / "controller_actuals_tkr.xlsx", "Utfall"), year=None, title="")
    assert {r["kind"] for r in records} == {"actual"}
    paid = [r for r in records if r["activity"] == ASSISTANCE and r["line"] == "Övriga kostnader"]
    # 3 650,123 tkr is 3 650 123 kr exactly; blank months (April on) give no record.
    assert [(r["month"], r["amount"], r["cell"]) for r in paid] == [
        (1, 3_650_123, "Utfall!B10"), (2, 3_801_000, "Utfall!C10"), (3, 3_720_500, "Utfall!D10")]
    labour = {(r["line"], r["month"]): r["amount"] for r in records if r["activity"] == LABOUR}
    assert labour[("Bidrag", 3)] == 209_999
    assert labour[("Personalkostnader", 3)] == 0
    assert len(records) == 15


def _sheet(header, rows, title_rows=()):
    return [list(r) for r in title_rows] + [list(header)] + [list(r) for r in rows]


@pytest.mark.parametrize("months", [
    ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"],
    ["JANUARY", "FEBRUARY", "MARCH", "APRIL", "MAY", "JUNE", "JULY", "AUGUST", "SEPTEMBER",
     "OCTOBER", "NOVEMBER", "DECEMBER"],
    ["Januari", "Februari", "Mars", "April", "Maj", "Juni", "Juli", "Augusti", "September",
     "Oktober", "November", "December"],
    ["Jan.", "Feb.", "Mar.", "Apr.", "May", "Jun.", "Jul.", "Aug.", "Sept.", "Oct.", "Nov.",
     "Dec."],
])
def test_month_headers_in_either_language_and_any_case(months):
    rows = _sheet(["Aktivitet", "Rad", *months],
                  [[LABOUR, "bidrag", 100, *[None] * 11]])
    records = wide_sheet.parse_wide_sheet("Utfall", rows, year=2026, title="")
    assert records == [{"kind": "actual", "year": 2026, "month": 1, "activity": LABOUR,
                        "line": "Bidrag", "amount": 100, "cell": "Utfall!C2",
                        "name_cells": {"activity": "Utfall!A2", "line": "Utfall!B2"}}]


def test_year_from_a_column_from_date_headers_and_from_the_title():
    rows = _sheet(["År", "Verksamhet", "Kostnadsslag", *MONTHS],
                  [[2025.0, LABOUR, "Bidrag", *[1000.0] * 12],
                   ["2026", LABOUR, "Bidrag", *[2000.0] * 12]])
    records = wide_sheet.parse_wide_sheet("Budget", rows, year=None, title="")
    assert [(r["year"], r["amount"]) for r in records] == [(2025, 12_000), (2026, 24_000)]
    dated = _sheet(["Rad", *[datetime(2025, m, 1) for m in range(1, 13)]],
                   [["Personalkostnader", *[1.5] * 12]], title_rows=[["Aktivitet: " + LABOUR]])
    records = wide_sheet.parse_wide_sheet("Utfall tkr", dated, year=None, title="")
    assert {(r["year"], r["amount"]) for r in records} == {(2025, 1500)}
    titled = wide_sheet.parse_wide_sheet(
        "Blad1", _sheet(["Rad", *MONTHS], [["Bidrag", 5, *[None] * 11]]), year=None,
        title=f"Utfall 2024, aktivitet: {LABOUR} (tkr)")
    assert (titled[0]["year"], titled[0]["activity"], titled[0]["amount"]) == (2024, LABOUR, 5000)


def test_tkr_from_header_or_title():
    header = ["Aktivitet", "Rad (tkr)", *MONTHS]
    records = wide_sheet.parse_wide_sheet(
        "Utfall", _sheet(header, [[LABOUR, "Bidrag", "1 500,5", *[None] * 11]]),
        year=2026, title="")
    assert records[0]["amount"] == 1_500_500
    records = wide_sheet.parse_wide_sheet(
        "Budget", _sheet(["Aktivitet", "Rad", *MONTHS], [[LABOUR, "Bidrag", *[2.5] * 12]]),
        year=2026, title="Budget 2026, belopp i tkr")
    assert records[0]["amount"] == 30_000


def test_not_this_layout():
    assert wide_sheet.parse_wide_sheet(
        "Budget", [["År", "Verksamhet", "Budgetrad", "Belopp"], [2026, LABOUR, "Bidrag", 5]],
        year=None, title="") is None
    assert wide_sheet.parse_wide_sheet("Tom", [], year=None, title="") is None
    # Eleven months are not the layout.
    assert wide_sheet.parse_wide_sheet(
        "Utfall", [["Rad", *MONTHS[:11]], ["Bidrag", *[1] * 11]], year=2026, title="") is None


def test_cell_named_problems_all_at_once():
    rows = _sheet(["Aktivitet", "Rad", *MONTHS], [
        [LABOUR, "Bidrag", 100, "12,5", 12.5, "abc", date(2026, 1, 1), *[None] * 7],
        [LABOUR, "Bidrag", 1, *[None] * 11],
        [LABOUR, None, 5, *[None] * 11],
    ])
    with pytest.raises(ValidationErrors) as err:
        wide_sheet.parse_wide_sheet("Utfall", rows, year=2026, title="")
    assert err.value.problems == [
        "Utfall!D2: '12,5' — not whole kronor",
        "Utfall!E2: '12.5' — not whole kronor",
        "Utfall!F2: 'abc' — not an amount",
        "Utfall!G2: '2026-01-01' — not an amount",
        f"Utfall!C3: {LABOUR} · Bidrag appears twice (also Utfall!C2)",
        "Utfall!B4: amounts without a budget line",
    ]


def test_tkr_must_still_be_whole_kronor():
    rows = _sheet(["Aktivitet", "Rad", *MONTHS], [[LABOUR, "Bidrag", 1.2345, *[None] * 11]])
    with pytest.raises(ValidationErrors, match="Utfall!C2: '1.2345' — not whole kronor"):
        wide_sheet.parse_wide_sheet("Utfall", rows, year=2026, title="tkr")


def test_year_kind_and_activity_refusals():
    rows = _sheet(["Aktivitet", "Rad", *MONTHS], [[LABOUR, "Bidrag", 1, *[None] * 11]])
    with pytest.raises(ValidationErrors, match=r"Utfall!B2: no year"):
        wide_sheet.parse_wide_sheet("Utfall", rows, year=None, title="")
    with pytest.raises(ValidationErrors, match="the sheet says 2025 but the year asked for is 2026"):
        wide_sheet.parse_wide_sheet("Utfall 2025", rows, year=2026, title="")
    with pytest.raises(ValidationErrors, match="cannot tell budget from actuals"):
        wide_sheet.parse_wide_sheet("Blad1", rows, year=2026, title="")
    with pytest.raises(ValidationErrors, match="Budget!A2: no activity"):
        wide_sheet.parse_wide_sheet("Budget", _sheet(["Rad", *MONTHS],
                                                     [["Bidrag", *[1] * 12]]), year=2026, title="")
    with pytest.raises(ValidationErrors, match=r"Budget!O2: '13' — the months add up to 12"):
        wide_sheet.parse_wide_sheet(
            "Budget", _sheet(["Aktivitet", "Rad", *MONTHS, "Summa"],
                             [[LABOUR, "Bidrag", *[1] * 12, 13]]), year=2026, title="")


def test_kind_from_the_sheet_name_first():
    rows = _sheet(["Aktivitet", "Rad", *MONTHS], [[LABOUR, "Bidrag", 1, *[None] * 11]])
    # The title mentions the budget, but the sheet is named for actuals.
    records = wide_sheet.parse_wide_sheet("Utfall", rows, year=2026,
                                          title="Utfall jämfört med budget")
    assert records[0]["kind"] == "actual"
    records = wide_sheet.parse_wide_sheet("Budget 2026 'sheet", rows, year=None, title="")
    assert records[0]["cell"] == "'Budget 2026 'sheet'!B2"


# -- the controller's layout ----------------------------------------------------------------------
@pytest.fixture
def made(march_prognosis):
    return prognosis.saved(march_prognosis, 2026, 3)


def test_export_in_the_controllers_layout(made, tmp_path):
    path = prognosis_workbook.write_prognosis(made, tmp_path / "prognos.xlsx")
    rows = _rows(path, "Prognos")
    assert rows[0][0] == "Prognos 2026 – utfall till och med mars"
    assert rows[1][0] == "Beloppen anges i tkr"
    header = rows[5]
    assert header == ["Rad", "Budget", "Utfall ackumulerat", "Prognos helår", "Avvikelse",
                      "Kommentar", "Metod"]
    table = {(r[0]): r for r in rows[6:20] if r[0]}
    # 3 × 3 700 500 = 11 101 500 kr → 11 102 tkr; × 4 = 44 406 000 → 44 406 tkr.
    assert table["Övriga kostnader"][1:6] == [44_400, 11_102, 44_406, -6, "Fler hushåll"]
    # 3 × 125 500 = 376 500 kr → 377 tkr (half away from zero); prognosis 1 506 000 → 1 506.
    assert table["Bidrag"][1:5] == [1500, 377, 1506, 6]
    # Net: 16 800 000 + 44 406 000 − 1 506 000 kr; actual 4 200 000 + 11 101 500 − 376 500.
    assert table["Summa netto"][1:5] == [59_700, 14_925, 59_700, 0]
    workbook = openpyxl.load_workbook(path)
    # The hidden sheet keeps what was exported, for the import of the edited workbook.
    assert workbook.sheetnames == ["Prognos", "Sammanställning", "ekbist"]
    assert workbook["ekbist"].sheet_state == "hidden"
    assert len(workbook["Prognos"]._charts) == 2  # one per activity
    assert len(workbook["Sammanställning"]._charts) == 1
    summary = _rows(path, "Sammanställning")
    assert summary[3][:4] == [ASSISTANCE, 59_700, 59_700, 0]
    assert summary[5][0] == "Totalt"


def test_export_sum_rows_are_rounded_sums_of_kronor(store, tmp_path):
    # Two revenue lines of 1 500 kr: each shows as 2 tkr, their sum as 3 tkr.
    budget.set_budget(store, 2026, LABOUR, "Bidrag", 1500)
    budget.set_budget(store, 2026, LABOUR, "Förvaltningsinterna intäkter", 1500)
    result = prognosis.make(store, 2026, 3, today=TODAY, methods=[("*", "budget")],
                            allow_missing_actuals=True)
    path = prognosis_workbook.write_prognosis(result, tmp_path / "p.xlsx")
    # Made without actuals: the workbook says so above the figures.
    assert _rows(path, "Prognos")[3][0] == "Gjord utan utfall för mars 2026 (Arbetsmarknad)"
    table = {r[0]: r for r in _rows(path, "Prognos") if r and r[0]}
    assert table["Bidrag"][1] == 2 and table["Förvaltningsinterna intäkter"][1] == 2
    assert table["Summa intäkter"][1] == 3


def test_export_never_writes_over_a_file(made, tmp_path):
    target = tmp_path / "p.xlsx"
    target.write_bytes(b"the controller's file")
    with pytest.raises(EkbistError, match="exists already"):
        prognosis_workbook.write_prognosis(made, target)
    assert target.read_bytes() == b"the controller's file"
    prognosis_workbook.write_prognosis(made, target, overwrite=True)
    assert _rows(target, "Prognos")[1][0] == "Beloppen anges i tkr"
    with pytest.raises(EkbistError, match="write an .xlsx workbook"):
        prognosis_workbook.write_prognosis(made, tmp_path / "p.csv")


# -- --into the controller's own workbook --------------------------------------------------------
def test_into_fills_figures_and_keeps_everything_else(made, tmp_path):
    template = tmp_path / "mall.xlsx"
    shutil.copy(FIXTURES / "controller_template.xlsx", template)
    before = template.read_bytes()
    out = tmp_path / "prognos mars.xlsx"
    report = prognosis_into.write_into(made, template, out)
    assert template.read_bytes() == before
    assert report["rows"] == 20 + 6  # ten lines and three sum rows, two activities
    assert any("Våld i nära relation" in note for note in report["notes"])
    wb = openpyxl.load_workbook(out)
    ws = wb["Prognos"]
    # Figures: row 15 is Övriga kostnader of the first activity, in tkr.
    assert [ws.cell(row=15, column=c).value for c in range(1, 6)] == [
        "Övriga kostnader", 44_400, 11_102, 44_406, -6]
    assert ws["G15"].value == "Fler hushåll"
    assert ws["G6"].value is None  # last month's comment is gone with last month's figures
    assert [ws.cell(row=8, column=c).value for c in range(2, 6)] == [0, 0, 0, 0]
    assert [ws.cell(row=23, column=c).value for c in range(2, 6)] == [2520, 630, 2520, 0]
    # Formulas, merged title, styles, validation, conditional formatting, names, sheets.
    assert ws["B16"].value == "=SUM(B6:B9)"
    assert ws["E18"].value == "=B18-D18"
    assert ws["F6"].value == '=IF(B6=0,"",E6/B6)'
    assert [str(r) for r in ws.merged_cells.ranges] == ["A1:G1"]
    assert ws["A1"].value == "Månadsprognos 2026 – Individ och familj"
    assert (ws["A1"].font.b, ws["A1"].font.sz, ws["A1"].font.color.rgb) == (True, 14, "001F3864")
    assert ws["B5"].fill.fgColor.rgb == "00FCE4D6"
    assert ws["B15"].number_format == "#,##0;[Red]-#,##0"
    assert ws.column_dimensions["A"].width == 42
    assert ws.freeze_panes == "B4"
    assert str(ws.data_validations.dataValidation[0].sqref) == "G6:G52"
    assert len(ws.conditional_formatting) == 1
    assert wb.sheetnames == ["Prognos", "Anvisningar"]
    assert wb["Anvisningar"]["A1"].value == "Fyll i prognosen senast femte arbetsdagen."
    assert wb["Anvisningar"]["B4"].value == "=Prognos!D17"
    assert "Prognosdatum" in wb.defined_names
    assert wb.calculation.fullCalcOnLoad
    # The activity the prognosis does not have is left exactly as it was.
    assert [ws.cell(row=38, column=c).value for c in range(1, 8)] == [
        "Förvaltningsinterna intäkter", 111, 111, 111, 111, '=IF(B38=0,"",E38/B38)',
        "förra månadens kommentar"]


def test_into_refuses_what_it_would_lose_unless_forced(made, tmp_path):
    chart = FIXTURES / "controller_template_chart.xlsx"
    with pytest.raises(EkbistError, match=r"1 chart — .*give permission to write"):
        prognosis_into.write_into(made, chart, tmp_path / "a.xlsx")
    assert not (tmp_path / "a.xlsx").exists()
    report = prognosis_into.write_into(made, chart, tmp_path / "a.xlsx", force=True)
    assert report["lost"] and (tmp_path / "a.xlsx").exists()
    with pytest.raises(EkbistError, match="data validation from an Excel extension"):
        prognosis_into.write_into(made, FIXTURES / "controller_template_ext.xlsx", tmp_path / "b.xlsx")
    assert not (tmp_path / "b.xlsx").exists()


def test_into_stops_on_a_missing_line_or_column(made, tmp_path):
    wb = openpyxl.load_workbook(FIXTURES / "controller_template.xlsx")
    wb["Prognos"]["A15"] = "Övrigt"  # the first activity's 'Övriga kostnader' row is gone
    no_line = tmp_path / "no_line.xlsx"
    wb.save(no_line)
    with pytest.raises(ValidationErrors) as err:
        prognosis_into.write_into(made, no_line, tmp_path / "out.xlsx")
    assert err.value.problems == [
        f"line 'Övriga kostnader' of '{ASSISTANCE}' not found in no_line.xlsx"]
    wb = openpyxl.load_workbook(FIXTURES / "controller_template.xlsx")
    wb["Prognos"]["G5"] = "Notering"
    no_column = tmp_path / "no_column.xlsx"
    wb.save(no_column)
    with pytest.raises(ValidationErrors, match=r"Prognos!5: column Kommentar not found"):
        prognosis_into.write_into(made, no_column, tmp_path / "out.xlsx")
    assert not (tmp_path / "out.xlsx").exists()
    assert list(tmp_path.glob(".ekbist-*")) == []


def test_into_refuses_to_save_over_the_template(made, tmp_path):
    template = tmp_path / "mall.xlsx"
    shutil.copy(FIXTURES / "controller_template.xlsx", template)
    before = template.read_bytes()
    with pytest.raises(EkbistError, match="is the template itself"):
        prognosis_into.write_into(made, template, tmp_path / "." / "mall.xlsx")
    with pytest.raises(EkbistError, match="exists already"):
        prognosis_into.write_into(made, template, FIXTURES / "controller_template_ext.xlsx")
    with pytest.raises(EkbistError, match="takes an .xlsx workbook"):
        prognosis_into.write_into(made, tmp_path / "mall.ods", tmp_path / "x.xlsx")
    assert template.read_bytes() == before


def test_into_a_workbook_with_one_sheet_per_activity(made, tmp_path):
    wb = openpyxl.Workbook()
    for index, activity in enumerate((ASSISTANCE.replace("/", " "), LABOUR)):
        ws = wb.active if index == 0 else wb.create_sheet()
        ws.title = activity[:31]
        ws.append(["Prognos i kr"])
        ws.append(["Rad", "Budget", "Utfall hittills", "Prognos", "Avvikelse", "Kommentar"])
        for line in ("Bidrag", "Personalkostnader", "Övriga kostnader"):
            ws.append([line])
    wb["Ekonomiskt bistånd handläggning"].title = "Ekonomiskt bistånd"
    wb["Ekonomiskt bistånd"]["A1"] = f"Aktivitet: {ASSISTANCE} (kr)"
    path = tmp_path / "per_sheet.xlsx"
    wb.save(path)
    prognosis_into.write_into(made, path, tmp_path / "out.xlsx")
    out = openpyxl.load_workbook(tmp_path / "out.xlsx")
    assert [c.value for c in out["Arbetsmarknad"][3]] == ["Bidrag", 2_520_000, 630_000, 2_520_000,
                                                          0, None]
    assert out["Ekonomiskt bistånd"]["D5"].value == 44_406_000


@pytest.mark.parametrize(("unit", "expected"), [
    ("kr", 44_406_000), ("tkr", 44_406), ("mnkr", 44.406), ("miljoner kronor", 44.406),
    ("SEK", 44_406_000), ("", 44_406)])  # no unit named: the controller's tkr
def test_into_writes_in_the_unit_the_template_names(made, tmp_path, unit, expected):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Prognos"
    ws.append([f"Aktivitet: {ASSISTANCE}"])
    ws.append([f"Belopp i {unit}" if unit else "Belopp"])
    ws.append(["Rad", "Budget", "Utfall hittills", "Prognos", "Avvikelse", "Kommentar"])
    for line in ("Bidrag", "Personalkostnader", "Övriga kostnader"):
        ws.append([line])
    other = wb.create_sheet(LABOUR)
    other.append(["Rad", "Budget", "Utfall hittills", "Prognos", "Avvikelse", "Kommentar"])
    for line in ("Bidrag", "Personalkostnader", "Övriga kostnader"):
        other.append([line])
    wb.save(tmp_path / "unit.xlsx")
    prognosis_into.write_into(made, tmp_path / "unit.xlsx", tmp_path / "out.xlsx")
    assert openpyxl.load_workbook(tmp_path / "out.xlsx")["Prognos"]["D6"].value == expected


def test_into_names_a_cell_of_a_sheet_with_a_space_as_excel_does(made, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Ekonomiskt bistånd"
    ws.append([f"Aktivitet: {ASSISTANCE} (kr)"])
    ws.append(["Rad", "Budget", "Utfall hittills", "Prognos", "Avvikelse", "Kommentar"])
    for line in ("Bidrag", "Personalkostnader", "Övriga kostnader", "Bidrag"):
        ws.append([line])
    wb.save(tmp_path / "twice.xlsx")
    with pytest.raises(ValidationErrors) as refused:
        prognosis_into.write_into(made, tmp_path / "twice.xlsx", tmp_path / "out.xlsx")
    assert (f"'Ekonomiskt bistånd'!A6: {ASSISTANCE} · Bidrag is in the workbook twice "
            "(also 'Ekonomiskt bistånd'!A3)") in refused.value.refusals
    assert not (tmp_path / "out.xlsx").exists()


# -- the command line -------------------------------------------------------------------------------
@pytest.fixture
def made_cli(made, store, cli):
    store.close()
    return cli


def test_export_and_into_from_the_command_line(made_cli, tmp_path):
    cli = made_cli
    out = cli.ok("prognosis", "export", str(tmp_path / "p.xlsx"), "--year", "2026",
                 "--month", "3").output
    assert "the prognosis saved 2026-04-07" in out
    assert "already" in cli.fails("prognosis", "export", str(tmp_path / "p.xlsx"), "--year",
                                  "2026", "--month", "3")
    out = cli.ok("prognosis", "export", "--year", "2026", "--month", "3", "--into",
                 str(FIXTURES / "controller_template.xlsx"), "--out", str(tmp_path / "q.xlsx")).output
    assert "26 rows" in out and "Våld i nära relation" in out
    assert "--force" in cli.fails("prognosis", "export", "--year", "2026", "--month", "3",
                                  "--into", str(FIXTURES / "controller_template_chart.xlsx"),
                                  "--out", str(tmp_path / "r.xlsx"))
    cli.ok("prognosis", "export", "--year", "2026", "--month", "3", "--force", "--into",
           str(FIXTURES / "controller_template_chart.xlsx"), "--out", str(tmp_path / "r.xlsx"))
    assert "--into needs --out" in cli.fails("prognosis", "export", "--year", "2026", "--month",
                                             "3", "--into", str(FIXTURES / "controller_template.xlsx"))
    assert "goes with --into" in cli.fails("prognosis", "export", str(tmp_path / "s.xlsx"),
                                           "--out", str(tmp_path / "t.xlsx"))
    cli.ok("prognosis", "export", str(tmp_path / "p.xlsx"), "--year", "2026", "--month", "3",
           "--force")
    assert "is the template itself" in cli.fails(
        "prognosis", "export", "--into", str(tmp_path / "q.xlsx"), "--out", str(tmp_path / "q.xlsx"),
        "--year", "2026", "--month", "3")
    # No saved prognosis for February: a fresh one with the default methods.
    out = cli.ok("prognosis", "export", str(tmp_path / "feb.xlsx"), "--year", "2026",
                 "--month", "2").output
    assert "none is saved" in out

    # What was written, as the controller opens it (tkr; see test_export_in_the_controllers_layout).
    def assistance_payments(path, sheet="Prognos"):
        return next(r for r in _rows(path, sheet) if r and r[0] == "Övriga kostnader")

    assert assistance_payments(tmp_path / "p.xlsx")[1:6] == [44_400, 11_102, 44_406, -6,
                                                             "Fler hushåll"]
    assert _rows(tmp_path / "p.xlsx", "Prognos")[2][0] == "Sparad 2026-04-07"
    # February, not saved: 2 × 3 700 500 = 7 401 000 kr so far, × 6 = 44 406 000 kr.
    assert assistance_payments(tmp_path / "feb.xlsx")[1:6] == [44_400, 7_401, 44_406, -6, ""]
    for into in ("q.xlsx", "r.xlsx"):
        ws = openpyxl.load_workbook(tmp_path / into)["Prognos"]
        assert [ws.cell(row=15, column=c).value for c in range(1, 6)] == [
            "Övriga kostnader", 44_400, 11_102, 44_406, -6], into
        assert ws["G15"].value == "Fler hushåll"


def test_into_problems_are_listed_and_nothing_is_written(made_cli, tmp_path):
    wb = openpyxl.load_workbook(FIXTURES / "controller_template.xlsx")
    wb["Prognos"]["A15"] = "Övrigt"
    wb.save(tmp_path / "t.xlsx")
    result = made_cli("prognosis", "export", "--year", "2026", "--month", "3", "--into",
                      str(tmp_path / "t.xlsx"), "--out", str(tmp_path / "out.xlsx"))
    assert result.exit_code == 1
    assert "line 'Övriga kostnader' of 'Ekonomiskt bistånd/handläggning' not found" in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("error: 1 problem found")
    assert not (tmp_path / "out.xlsx").exists()


# -- the whole month, as the chief does it ------------------------------------------------------------
def test_import_make_and_send_back_agree_with_a_hand_calculation(cli, tmp_path):
    cli.ok("init")
    dry = cli.ok("import", str(FIXTURES / "controller_budget_kr.xlsx"), "--dry-run").output
    assert "nothing was written" in dry
    cli.ok("import", str(FIXTURES / "controller_budget_kr.xlsx"))
    cli.ok("import", str(FIXTURES / "controller_actuals_tkr.xlsx"))
    cli.ok("prognosis", "make", "--year", "2026", "--month", "3",
           "--method", "Lokalkostnader=budget", "--method", f"{LABOUR}:Övriga kostnader=budget",
           "--set", f"{LABOUR}:Personalkostnader=5 900 000",
           "--comment", f"{LABOUR}:Personalkostnader=Vakans i mars, tillsatt i maj",
           "--comment", f"{ASSISTANCE}:Övriga kostnader=Fler hushåll med barn",
           "--comment", f"{ASSISTANCE}:Bidrag=Färre återsökningar", "--save")
    data = json.loads(cli.ok("prognosis", "show", "--year", "2026", "--month", "3",
                             "--format", "json").output)
    got = {(r["activity"], r["line"]): (r["prognosis"], r["deviation"]) for r in data["lines"]}
    # By hand, in kronor: run-rate = year to date × 12 ÷ 3; budget = ytd + budget × 9 ÷ 12.
    assert got[(ASSISTANCE, "Bidrag")] == (369_750 * 4, 1_479_000 - 1_500_000)
    assert got[(ASSISTANCE, "Personalkostnader")] == (4_178_300 * 4, 16_800_000 - 16_713_200)
    assert got[(ASSISTANCE, "Lokalkostnader")] == (1_971_000, 657_000)
    assert got[(ASSISTANCE, "Övriga kostnader")] == (11_171_623 * 4, 44_400_000 - 44_686_492)
    assert got[(LABOUR, "Bidrag")] == (630_499 * 4, 2_521_996 - 2_520_000)
    assert got[(LABOUR, "Personalkostnader")] == (5_900_000, 160_000)
    assert got[(LABOUR, "Övriga kostnader")] == (112_500, 37_500)
    net = 16_713_200 + 1_971_000 + 44_686_492 - 1_479_000
    assert data["activities"][0]["prognosis_net"] == net
    assert data["activities"][0]["deviation"] == 62_328_000 - net
    cli.ok("prognosis", "export", "--year", "2026", "--month", "3",
           "--into", str(FIXTURES / "controller_template.xlsx"), "--out", str(tmp_path / "mars.xlsx"))
    ws = openpyxl.load_workbook(tmp_path / "mars.xlsx")["Prognos"]
    assert [ws.cell(row=15, column=c).value for c in range(1, 6)] == [
        "Övriga kostnader", 44_400, 11_172, 44_686, -286]
    assert ws["G15"].value == "Fler hushåll med barn"
    assert [ws.cell(row=27, column=c).value for c in (1, 2, 3, 4, 5, 7)] == [
        "Personalkostnader", 6060, 1010, 5900, 160, "Vakans i mars, tillsatt i maj"]


def test_a_bad_cell_in_the_wide_layout_stops_the_import(cli, tmp_path):
    cli.ok("init")
    wb = openpyxl.load_workbook(FIXTURES / "controller_actuals_tkr.xlsx")
    wb["Utfall"]["C10"] = 1.2345
    wb.save(tmp_path / "utfall.xlsx")
    result = cli("import", str(tmp_path / "utfall.xlsx"))
    assert result.exit_code == 1
    assert "Utfall!C10: '1.2345' — not whole kronor" in result.stderr
    assert json.loads(cli.ok("actuals", "show", "2026", "--format", "json").output)["activities"] == []


def test_sum_rows_are_checked_not_imported():
    header = ["Aktivitet", "Rad", *MONTHS]
    rows = [[LABOUR, "Bidrag", 1000, 2000, *[None] * 10],
            [LABOUR, "Försäljning av verksamhet", 500, 500, *[None] * 10],
            [LABOUR, "Personalkostnader", 7000, 7000, *[None] * 10],
            [None, "Summa intäkter", 1500, 2500, *[None] * 10],
            [None, "Summa kostnader", 7000, 7001, *[None] * 10],
            [None, "Summa netto", 5500, 4500, *[None] * 10],
            ["Summa", None, 8500, 9500, *[None] * 10]]
    with pytest.raises(ValidationErrors) as err:
        wide_sheet.parse_wide_sheet("Utfall", _sheet(header, rows), year=2026, title="")
    assert err.value.problems == [
        "Utfall!D6: '7001' — does not match the sum of the rows above (7000)"]
    rows[4][3] = 7000
    records = wide_sheet.parse_wide_sheet("Utfall", _sheet(header, rows), year=2026, title="")
    assert len(records) == 6
    # In a tkr sheet a sum may be rounded to whole tkr.
    tkr_rows = [[LABOUR, "Bidrag", 1.234, *[None] * 11],
                [LABOUR, "Personalkostnader", 10.5, *[None] * 11],
                [None, "Summa intäkter", 1, *[None] * 11]]
    records = wide_sheet.parse_wide_sheet("Utfall tkr", _sheet(header, tkr_rows), year=2026,
                                          title="")
    assert [r["amount"] for r in records] == [1234, 10_500]
    tkr_rows[2][2] = 2
    with pytest.raises(ValidationErrors, match=r"Utfall tkr'!C4: '2' — does not match .*\(1.234\)"):
        wide_sheet.parse_wide_sheet("Utfall tkr", _sheet(header, tkr_rows), year=2026, title="")
    # A line of the unit's own is not known to be a revenue or a cost: sums over it by kind
    # are not checked.
    tkr_rows.insert(2, [LABOUR, "Egen rad", 3, *[None] * 11])
    tkr_rows.append([None, "Summa netto", 999, *[None] * 11])
    records = wide_sheet.parse_wide_sheet("Utfall tkr", _sheet(header, tkr_rows), year=2026,
                                          title="")
    assert [r["amount"] for r in records] == [1234, 10_500, 3000]


def test_export_usage_refusals(made_cli, tmp_path):
    cli = made_cli
    template = str(FIXTURES / "controller_template.xlsx")
    assert "give the workbook to write" in cli.fails("prognosis", "export", "--year", "2026",
                                                     "--month", "3")
    assert "FILE or --out" in cli.fails("prognosis", "export", str(tmp_path / "a.xlsx"), "--into",
                                        template, "--out", str(tmp_path / "b.xlsx"))
    assert "write an .xlsx workbook" in cli.fails("prognosis", "export", str(tmp_path / "a.csv"),
                                                  "--year", "2026", "--month", "3")
    assert "the folder does not exist" in cli.fails(
        "prognosis", "export", str(tmp_path / "nowhere" / "a.xlsx"), "--year", "2026", "--month", "3")
    assert "no budget or actuals for 2025" in cli.fails(
        "prognosis", "export", str(tmp_path / "a.xlsx"), "--year", "2025", "--month", "3")
    assert not list(tmp_path.glob("*.xlsx"))
