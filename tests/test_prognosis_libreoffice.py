"""The prognosis workbook edited and saved by LibreOffice Calc comes back with exactly the edits.

Uses the LibreOffice helper of tests/test_sheets_libreoffice.py (cells typed into Calc
through its Python bridge when there is one, else edited with openpyxl and re-saved by
Calc). Skipped, with the reason, when LibreOffice is not installed.
"""

from __future__ import annotations

import subprocess
from datetime import date

import pytest
from test_prognosis_roundtrip import ASSISTANCE, LABOUR, _rows_by_line, _stored
from test_sheets_libreoffice import SOFFICE, edit_in_libreoffice

from ekbist import prognosis
from ekbist.errors import ValidationErrors
from ekbist.sheet_import import import_file
from ekbist.sheets import prognosis_workbook

TODAY = date(2026, 11, 25)

pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")


@pytest.fixture
def exported(march_prognosis, tmp_path):
    store = march_prognosis
    return prognosis_workbook.write_prognosis(prognosis.saved(store, 2026, 3), tmp_path / "prognos.xlsx")


def test_edits_typed_in_calc_come_back_as_xlsx_and_as_ods(store, exported, tmp_path):
    at = _rows_by_line(exported)
    bidrag, staff = at[(ASSISTANCE, "Bidrag")], at[(LABOUR, "Personalkostnader")]
    other = at[(ASSISTANCE, "Övriga kostnader")]
    saved = tmp_path / "sparad i calc.xlsx"
    edit_in_libreoffice(exported, saved, [
        ("Prognos", f"G{bidrag}", "budget"),
        ("Prognos", f"D{staff}", "5900"), ("Prognos", f"F{staff}", "Vakans i mars"),
        ("Prognos", f"F{other}", "Fler hushåll med barn"),
    ], tmp_path)
    ods = tmp_path / "ods"
    subprocess.run([SOFFICE, f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
                    "--headless", "--convert-to", "ods", "--outdir", str(ods), str(saved)],
                   check=True, timeout=180, capture_output=True)
    expected = [
        # Budget method: 376 500 + 1 500 000 × 9 / 12 = 1 501 500 kr.
        ("Bidrag", {"method": {"old": "run-rate", "new": "budget"},
                    "prognosis": {"old": 1_506_000, "new": 1_501_500}}),
        ("Övriga kostnader", {"comment": {"old": "Fler hushåll", "new": "Fler hushåll med barn"}}),
        ("Personalkostnader", {"method": {"old": "run-rate", "new": "manual"},
                               "prognosis": {"old": 6_060_000, "new": 5_900_000},
                               "comment": {"old": None, "new": "Vakans i mars"}}),
    ]
    for path in (saved, ods / "sparad i calc.ods"):
        kind = import_file(store, path, today=TODAY, dry_run=True).kinds["prognoses"]
        assert [(c["key"]["line"], c["fields"]) for c in kind.changes] == expected, path
        assert kind.unchanged == 2
    import_file(store, ods / "sparad i calc.ods", today=TODAY)
    stored = _stored(store)
    assert stored[(ASSISTANCE, "Bidrag")] == (1_501_500, "budget", None)
    assert stored[(LABOUR, "Personalkostnader")] == (5_900_000, "manual", "Vakans i mars")
    # The same workbook again: nothing more to change.
    again = import_file(store, saved, today=TODAY, dry_run=True).kinds["prognoses"]
    assert (again.changed, again.unchanged) == (0, 5)


def test_a_formula_typed_in_calc_is_refused_in_xlsx_and_ods(store, exported, tmp_path):
    staff = _rows_by_line(exported)[(LABOUR, "Personalkostnader")]
    saved = tmp_path / "formel.xlsx"
    edit_in_libreoffice(exported, saved, [("Prognos", f"D{staff}", f"=B{staff}*0.98"),
                                          ("Prognos", f"F{staff}", "Lägre")], tmp_path)
    subprocess.run([SOFFICE, f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
                    "--headless", "--convert-to", "ods", "--outdir", str(tmp_path), str(saved)],
                   check=True, timeout=180, capture_output=True)
    before = _stored(store)
    for path in (saved, tmp_path / "formel.ods"):
        with pytest.raises(ValidationErrors) as caught:
            import_file(store, path, today=TODAY)
        assert caught.value.problems == [
            f"Prognos!D{staff}: a formula — type the figure or text itself (a formula's result "
            "can change without anyone typing it)"]
    assert _stored(store) == before
