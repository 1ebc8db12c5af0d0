"""The prognosis workbook comes back: the controller's edits to `prognosis export`, imported.

Every workbook here is a real export edited with openpyxl, as the controller would
edit it in Excel; the LibreOffice round trip is in tests/test_sheets_libreoffice.py.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest
from conftest import fill_budget_and_actuals

from ekbist import prognosis
from ekbist.errors import EkbistError, ValidationErrors
from ekbist.sheet_import import import_file
from ekbist.sheets import prognosis_workbook
from ekbist.store import Store

ASSISTANCE = "Ekonomiskt bistånd/handläggning"
LABOUR = "Arbetsmarknad"
TODAY = date(2026, 11, 25)


@pytest.fixture
def saved(march_prognosis):
    """March 2026 saved on 7 April (see conftest); the store."""
    return march_prognosis


def _export(store: Store, path: Path) -> Path:
    return prognosis_workbook.write_prognosis(prognosis.saved(store, 2026, 3), path)


def _rows_by_line(path: Path) -> dict[tuple[str, str], int]:
    """(activity, line) → the row number of the line in the export."""
    ws = openpyxl.load_workbook(path)["Prognos"]
    found, activity = {}, None
    for row in ws.iter_rows(min_col=1, max_col=1):
        value = row[0].value
        if isinstance(value, str) and value.startswith("Verksamhet: "):
            activity = value.removeprefix("Verksamhet: ")
        elif isinstance(value, str) and activity and not value.startswith(
                ("Summa", "Intäkter", "Kostnader", "Budget", "Rad", "Totalt")):
            found[(activity, value)] = row[0].row
    return found


def _edit(src: Path, dst: Path, edits: dict[str, object]) -> Path:
    wb = openpyxl.load_workbook(src)
    for cell, value in edits.items():
        wb["Prognos"][cell] = value
    wb.save(dst)
    return dst


def _stored(store: Store) -> dict[tuple[str, str], tuple]:
    return {(r["activity"], r["line"]): (r["prognosis"], r["method"], r["comment"])
            for r in store.query("SELECT * FROM prognosis WHERE year = 2026 AND month = 3")}


def test_the_export_says_how_each_line_was_forecast(saved, tmp_path):
    path = _export(saved, tmp_path / "p.xlsx")
    ws = openpyxl.load_workbook(path)["Prognos"]
    at = _rows_by_line(path)
    assert ws["G6"].value == "Metod"
    # In the workbook's language; the import takes the code too.
    assert ws[f"G{at[(ASSISTANCE, 'Bidrag')]}"].value == "linjär framskrivning"
    assert len(at) == 5


def test_an_unedited_export_comes_back_unchanged(saved, tmp_path):
    path = _export(saved, tmp_path / "p.xlsx")
    before = _stored(saved)
    report = import_file(saved, path, today=TODAY, dry_run=True)
    kind = report.kinds["prognoses"]
    assert (kind.added, kind.changed, kind.unchanged) == (0, 0, 5)
    assert report.warnings == []
    report = import_file(saved, path, today=TODAY)
    assert report.written and _stored(saved) == before


def test_method_override_and_comment_are_shown_then_saved(saved, tmp_path):
    src = _export(saved, tmp_path / "p.xlsx")
    at = _rows_by_line(src)
    bidrag, staff = at[(ASSISTANCE, "Bidrag")], at[(ASSISTANCE, "Personalkostnader")]
    other = at[(ASSISTANCE, "Övriga kostnader")]
    path = _edit(src, tmp_path / "edited.xlsx", {
        f"G{bidrag}": "budget",                      # a method
        f"D{staff}": 17_250, f"F{staff}": "Vikarier i sommar",   # an override, with its comment
        f"F{other}": "Fler hushåll med barn",        # a comment
    })
    before_audit = saved.scalar("SELECT count(*) FROM audit")
    report = import_file(saved, path, today=TODAY, dry_run=True)
    kind = report.kinds["prognoses"]
    # Budget method: 376 500 + 1 500 000 × 9 / 12 = 376 500 + 1 125 000 = 1 501 500 kr.
    assert [(c["key"]["line"], c["cell"], c["fields"]) for c in kind.changes] == [
        ("Bidrag", f"Prognos!A{bidrag}", {
            "method": {"old": "run-rate", "new": "budget"},
            "prognosis": {"old": 1_506_000, "new": 1_501_500}}),
        ("Personalkostnader", f"Prognos!A{staff}", {
            "method": {"old": "run-rate", "new": "manual"},
            "prognosis": {"old": 16_800_000, "new": 17_250_000},
            "comment": {"old": None, "new": "Vikarier i sommar"}}),
        ("Övriga kostnader", f"Prognos!A{other}", {
            "comment": {"old": "Fler hushåll", "new": "Fler hushåll med barn"}}),
    ]
    assert kind.unchanged == 2
    assert saved.scalar("SELECT count(*) FROM audit") == before_audit
    assert _stored(saved)[(ASSISTANCE, "Bidrag")] == (1_506_000, "run-rate", None)

    import_file(saved, path, today=TODAY)
    stored = _stored(saved)
    assert stored[(ASSISTANCE, "Bidrag")] == (1_501_500, "budget", None)
    assert stored[(ASSISTANCE, "Personalkostnader")] == (17_250_000, "manual", "Vikarier i sommar")
    assert stored[(ASSISTANCE, "Övriga kostnader")] == (44_406_000, "run-rate",
                                                         "Fler hushåll med barn")
    assert stored[(LABOUR, "Bidrag")] == (2_520_000, "run-rate", None)
    back = prognosis.saved(saved, 2026, 3)
    assert back["saved_on"] == TODAY.isoformat()
    # Net: 17 250 000 + 44 406 000 − 1 501 500 = 60 154 500 kr against a budget net of 59 700 000.
    assert back["activities"][0]["prognosis_net"] == 60_154_500
    # Saving the month saves every line again (each is saved on the import's day): all audited.
    audited = saved.query("SELECT action, key, before, after FROM audit WHERE tbl = 'prognosis' "
                          "AND id > ? ORDER BY id", (before_audit,))
    assert [a["action"] for a in audited] == ["update"] * 5
    staff_audit = next(a for a in audited if "Personalkostnader" in a["key"]
                       and ASSISTANCE in a["key"])
    assert '"method":"run-rate"' in staff_audit["before"].replace(" ", "")
    assert '"method":"manual"' in staff_audit["after"].replace(" ", "")
    assert "17250000" in staff_audit["after"]
    # Importing the same file again changes nothing more.
    again = import_file(saved, path, today=TODAY, dry_run=True).kinds["prognoses"]
    assert (again.changed, again.unchanged) == (0, 5)


def test_without_the_hidden_sheet_the_workbook_is_compared_with_the_store(saved, tmp_path):
    src = _export(saved, tmp_path / "p.xlsx")
    at = _rows_by_line(src)
    wb = openpyxl.load_workbook(src)
    del wb["ekbist"]
    wb.create_sheet("Anteckningar")["A1"] = "Controllerns egna noteringar"
    wb["Prognos"][f"G{at[(ASSISTANCE, 'Bidrag')]}"] = "budget"
    wb.save(tmp_path / "copied.xlsx")
    report = import_file(saved, tmp_path / "copied.xlsx", today=TODAY)
    assert report.warnings == ["sheet 'Anteckningar': not part of the prognosis — ignored"]
    kind = report.kinds["prognoses"]
    assert [c["fields"]["method"] for c in kind.changes] == [{"old": "run-rate", "new": "budget"}]
    assert _stored(saved)[(ASSISTANCE, "Bidrag")] == (1_501_500, "budget", None)


def test_a_comment_that_starts_like_a_formula_is_text_both_ways(saved, tmp_path):
    result = prognosis.make(saved, 2026, 3, today=TODAY, overrides=[(f"{LABOUR}:Bidrag", "2600000")],
                            comments=[(f"{LABOUR}:Bidrag", "=mer bidrag än väntat")])
    prognosis.save(saved, result, today=date(2026, 4, 8))
    path = _export(saved, tmp_path / "p.xlsx")
    row = _rows_by_line(path)[(LABOUR, "Bidrag")]
    assert openpyxl.load_workbook(path)["Prognos"][f"F{row}"].data_type == "s"
    kind = import_file(saved, path, today=TODAY, dry_run=True).kinds["prognoses"]
    assert (kind.changed, kind.unchanged) == (0, 5)


def test_an_override_in_tkr_with_decimals_is_whole_kronor(saved, tmp_path):
    src = _export(saved, tmp_path / "p.xlsx")
    row = _rows_by_line(src)[(LABOUR, "Personalkostnader")]
    path = _edit(src, tmp_path / "e.xlsx", {f"D{row}": "5 900,5", f"F{row}": "Vakans"})
    import_file(saved, path, today=TODAY)
    assert _stored(saved)[(LABOUR, "Personalkostnader")] == (5_900_500, "manual", "Vakans")


def test_the_deviation_may_follow_the_new_prognosis(saved, tmp_path):
    src = _export(saved, tmp_path / "p.xlsx")
    row = _rows_by_line(src)[(LABOUR, "Personalkostnader")]
    # Budget 6 060 tkr, prognosis typed 6 000 tkr: the deviation 60 tkr typed too is taken.
    path = _edit(src, tmp_path / "e.xlsx", {f"D{row}": 6000, f"E{row}": 60, f"F{row}": "Vakans"})
    import_file(saved, path, today=TODAY)
    assert _stored(saved)[(LABOUR, "Personalkostnader")] == (6_000_000, "manual", "Vakans")


def test_what_cannot_be_taken_is_refused_with_its_cell_and_nothing_is_written(saved, tmp_path):
    src = _export(saved, tmp_path / "p.xlsx")
    at = _rows_by_line(src)
    bidrag = at[(ASSISTANCE, "Bidrag")]
    other, labour = at[(ASSISTANCE, "Övriga kostnader")], at[(LABOUR, "Personalkostnader")]
    labour_bidrag = at[(LABOUR, "Bidrag")]
    path = _edit(src, tmp_path / "bad.xlsx", {
        f"C{bidrag}": 400,                     # a changed actual (377 tkr in ekbist)
        f"A{labour}": "Lokalkostnader",        # a line the year does not have
        f"D{other}": 45_000, f"F{other}": None,  # an override without its comment
        f"G{labour_bidrag}": "gissning",       # an unknown method
    })
    before = _stored(saved)
    audit = saved.scalar("SELECT count(*) FROM audit")
    with pytest.raises(ValidationErrors) as caught:
        import_file(saved, path, today=TODAY)
    problems = caught.value.problems
    assert len(problems) == 4, problems
    assert any(p.startswith(f"Prognos!C{bidrag}: '400'") and "377 tkr" in p for p in problems)
    assert any(p.startswith(f"Prognos!A{labour}: 'Lokalkostnader'") for p in problems)
    assert any(p.startswith(f"Prognos!F{other}:") and "needs a comment" in p for p in problems)
    assert any(p.startswith(f"Prognos!G{labour_bidrag}: 'gissning' — unknown method")
               for p in problems)
    assert _stored(saved) == before
    assert saved.scalar("SELECT count(*) FROM audit") == audit


def test_a_formula_typed_by_a_script_is_refused_with_its_cell(saved, tmp_path):
    # openpyxl saves a formula without its result; a formula saved by Excel or LibreOffice
    # (with its result) is refused too, by the LibreOffice round-trip test.
    src = _export(saved, tmp_path / "p.xlsx")
    staff = _rows_by_line(src)[(ASSISTANCE, "Personalkostnader")]
    path = _edit(src, tmp_path / "formula.xlsx", {f"D{staff}": f"=B{staff}*1.02"})
    before = _stored(saved)
    with pytest.raises(ValidationErrors) as caught:
        import_file(saved, path, today=TODAY)
    assert [p.split(":")[0] for p in caught.value.problems] == [f"Prognos!D{staff}"]
    assert "formula" in caught.value.problems[0]
    assert _stored(saved) == before


def test_a_changed_budget_a_stray_deviation_and_driver_off_its_line_are_refused(saved, tmp_path):
    src = _export(saved, tmp_path / "p.xlsx")
    at = _rows_by_line(src)
    bidrag, staff = at[(ASSISTANCE, "Bidrag")], at[(LABOUR, "Personalkostnader")]
    path = _edit(src, tmp_path / "bad.xlsx", {f"B{bidrag}": 1600, f"E{staff}": 99,
                                             f"G{at[(LABOUR, 'Bidrag')]}": "driver"})
    with pytest.raises(ValidationErrors) as caught:
        import_file(saved, path, today=TODAY, dry_run=True)
    problems = caught.value.problems
    assert [p.split(":")[0] for p in problems] == [f"Prognos!B{bidrag}",
                                                   f"Prognos!G{at[(LABOUR, 'Bidrag')]}",
                                                   f"Prognos!E{staff}"]
    assert "the budget cannot be changed" in problems[0]
    assert "driver method forecasts only" in problems[1]
    assert "deviation follows from the budget" in problems[2]


def test_a_method_and_a_different_figure_on_one_line_are_refused(saved, tmp_path):
    src = _export(saved, tmp_path / "p.xlsx")
    row = _rows_by_line(src)[(LABOUR, "Bidrag")]
    path = _edit(src, tmp_path / "bad.xlsx", {f"D{row}": 2600, f"G{row}": "budget",
                                             f"F{row}": "Mer bidrag"})
    with pytest.raises(ValidationErrors, match=f"Prognos!G{row}: 'budget' — the prognosis was "
                                               f"also typed in \\(Prognos!D{row}\\)"):
        import_file(saved, path, today=TODAY)
    # The same figure with method 'manual' is taken.
    path = _edit(src, tmp_path / "ok.xlsx", {f"D{row}": 2600, f"G{row}": "manual",
                                            f"F{row}": "Mer bidrag"})
    import_file(saved, path, today=TODAY)
    assert _stored(saved)[(LABOUR, "Bidrag")] == (2_600_000, "manual", "Mer bidrag")


def test_a_personnummer_in_a_comment_stops_it(saved, tmp_path):
    src = _export(saved, tmp_path / "p.xlsx")
    row = _rows_by_line(src)[(LABOUR, "Bidrag")]
    path = _edit(src, tmp_path / "bad.xlsx", {f"F{row}": "Gäller 19811218-9876"})
    with pytest.raises(ValidationErrors, match=f"Prognos!F{row}: .*personnummer"):
        import_file(saved, path, today=TODAY, dry_run=True)


def test_without_a_saved_prognosis_the_export_of_the_default_is_saved(store, tmp_path):
    fill_budget_and_actuals(store)
    made = prognosis.make(store, 2026, 2, today=TODAY)
    path = prognosis_workbook.write_prognosis(made, tmp_path / "feb.xlsx")
    row = _rows_by_line(path)[(LABOUR, "Bidrag")]
    path = _edit(path, tmp_path / "feb2.xlsx", {f"G{row}": "budget"})
    report = import_file(store, path, today=TODAY, dry_run=True).kinds["prognoses"]
    # Budget method for February: 420 000 + 2 520 000 × 10 / 12 = 2 520 000 kr, as run-rate.
    assert (report.added, report.changed) == (5, 1)
    assert report.changes[0]["fields"] == {"method": {"old": "run-rate", "new": "budget"}}
    import_file(store, path, today=TODAY)
    assert prognosis.saved(store, 2026, 2)["lines"][3]["method"] == "budget"


def test_a_month_still_to_come_is_refused(saved, tmp_path):
    path = _export(saved, tmp_path / "p.xlsx")
    with pytest.raises(EkbistError, match="has not come yet"):
        import_file(saved, path, today=date(2026, 2, 10))


# -- the command line -------------------------------------------------------------------------
@pytest.fixture
def saved_cli(saved, cli):
    saved.close()
    return cli


def test_dry_run_and_import_from_the_command_line(saved_cli, tmp_path):
    cli = saved_cli
    cli.ok("prognosis", "export", str(tmp_path / "p.xlsx"), "--year", "2026", "--month", "3")
    row = _rows_by_line(tmp_path / "p.xlsx")[(LABOUR, "Personalkostnader")]
    path = _edit(tmp_path / "p.xlsx", tmp_path / "e.xlsx",
                 {f"D{row}": 5900, f"F{row}": "Vakans i mars"})
    out = cli.ok("import", str(path), "--dry-run").output
    assert "nothing was written" in out
    assert (f"Prognoses 2026 3 {LABOUR} Personalkostnader (Prognos!A{row}): Method run-rate → "
            "set by hand; Full-year prognosis 6,060,000 → 5,900,000; Comment (empty) → "
            "Vakans i mars") in out
    cli.ok("import", str(path))
    shown = cli.ok("prognosis", "show", "--year", "2026", "--month", "3", "--format",
                   "json").output
    assert '"prognosis": 5900000' in shown and "Vakans i mars" in shown
    # A figure typed without a comment: refused, the cell named, in Swedish too.
    cli.ok("prognosis", "export", str(tmp_path / "q.xlsx"), "--year", "2026", "--month", "3")
    row = _rows_by_line(tmp_path / "q.xlsx")[(ASSISTANCE, "Bidrag")]
    bad = _edit(tmp_path / "q.xlsx", tmp_path / "bad.xlsx", {f"D{row}": 1600})
    result = cli("import", str(bad), lang="sv")
    assert result.exit_code == 1
    assert f"Prognos!F{row}" in result.stderr and "kommentar" in result.stderr
    assert "5900000" in cli.ok("prognosis", "show", "--year", "2026", "--month", "3",
                               "--format", "json").output.replace(" ", "")


def test_a_line_name_saved_with_decomposed_letters_is_the_same_line(saved, tmp_path):
    # Some programs (macOS among them) store "Ö" as "O" and a combining diaeresis; the
    # name reads the same to the controller and must match the same line.
    src = _export(saved, tmp_path / "p.xlsx")
    other = _rows_by_line(src)[(ASSISTANCE, "Övriga kostnader")]
    decomposed = "O\u0308vriga kostnader"
    assert decomposed != "Övriga kostnader"
    path = _edit(src, tmp_path / "nfd.xlsx", {f"A{other}": decomposed, f"F{other}": "Hyror ökar"})
    kind = import_file(saved, path, today=TODAY, dry_run=True).kinds["prognoses"]
    assert [(c["key"]["line"], c["fields"]) for c in kind.changes] == [
        ("Övriga kostnader", {"comment": {"old": "Fler hushåll", "new": "Hyror ökar"}})]
    assert kind.unchanged == 4


def _find(path: Path, label: str, after: str | None = None) -> int:
    """The row of the first ``label`` in column A (after the row holding ``after``)."""
    ws = openpyxl.load_workbook(path)["Prognos"]
    start = 1
    if after is not None:
        start = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == after)
    return next(r for r in range(start, ws.max_row + 1) if ws.cell(r, 1).value == label)


def test_what_the_import_does_not_read_is_named_with_its_cell(saved, tmp_path):
    path = _export(saved, tmp_path / "p.xlsx")
    group = _find(path, "Intäkter")
    net = _find(path, "Summa netto")
    line = _rows_by_line(path)[(LABOUR, "Bidrag")]
    edited = _edit(path, tmp_path / "e.xlsx", {
        f"F{group}": "Intäkterna sjunker",        # a comment on a heading row
        f"B{net}": 99999,                          # a figure typed in a sum row
        f"H{line}": "fråga Eva",                   # a note beside the columns
    })
    before = _stored(saved)
    report = import_file(saved, edited, today=TODAY)
    assert report.warnings == [
        f"Prognos!F{group}: 'Intäkterna sjunker' — not read: ekbist reads the lines' method, "
        "prognosis and comment only",
        f"Prognos!B{net}: '99999' — not read: a sum row is ekbist's own arithmetic; change the "
        "lines above it",
        f"Prognos!H{line}: 'fråga Eva' — not read: ekbist reads the lines' method, prognosis "
        "and comment only"]
    assert _stored(saved) == before   # a warning, not a change


def test_a_sum_row_that_follows_the_lines_is_not_named(saved, tmp_path):
    path = _export(saved, tmp_path / "p.xlsx")
    ws = openpyxl.load_workbook(path)["Prognos"]
    net = _find(path, "Summa netto")
    shown = ws[f"B{net}"].value
    report = import_file(saved, _edit(path, tmp_path / "e.xlsx", {f"B{net}": shown}),
                         today=TODAY, dry_run=True)
    assert report.warnings == []
