"""One Summa-row rule for every sheet: which rows are totals, and how far a total may be rounded."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from ekbist.errors import ValidationErrors
from ekbist.sheet_import import import_file
from ekbist.sheets import sum_rows, wide_sheet
from ekbist.store import Store

TODAY = date(2026, 11, 25)
MONTHS = ["Jan", "Feb", "Mar", "Apr", "Maj", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dec"]
LABOUR = "Arbetsmarknad"


def _workbook(path: Path, name: str, rows: list[list]) -> Path:
    wb = Workbook()
    wb.active.title = name
    for row in rows:
        wb.active.append(row)
    wb.save(path)
    return path


def _problems(store: Store, path: Path) -> list[str]:
    with pytest.raises(ValidationErrors) as caught:
        import_file(store, path, today=TODAY)
    return caught.value.problems


def test_the_words_that_make_a_total():
    for label in ("Summa netto", "  SUMMA", "Totalt", "Total costs", "Totalkostnad", "Sum of lines",
                  "Netto", "Net cost", "Resultat 2026", "Summa\u00a0intäkter"):
        assert sum_rows.is_sum_label(label), label
    for label in ("Bidrag", "Nettan", "Sumner", "Netflix", "Personalkostnader", "", None, 2026):
        assert not sum_rows.is_sum_label(label), label


def test_a_net_or_result_row_closes_a_long_budget_sheet(unit_store, tmp_path):
    # Bidrag is a revenue (100), Personalkostnader a cost (500): net 400, gross 600.
    rows = [["År", "Verksamhet", "Budgetrad", "Belopp"],
            [2026, LABOUR, "Bidrag", 100],
            [2026, LABOUR, "Personalkostnader", 500],
            ["Netto", None, None, 400]]
    report = import_file(unit_store, _workbook(tmp_path / "netto.xlsx", "Budget", rows), today=TODAY)
    assert report.kinds["budget"].added == 2
    rows[-1] = ["Resultat", None, None, 450]
    assert _problems(unit_store, _workbook(tmp_path / "resultat.xlsx", "Budget", rows)) == [
        "Budget!D4: '450' — does not match the sum of the rows above (600)"]
    assert unit_store.scalar("SELECT sum(amount) FROM budget") == 600  # the first import, no more


def test_a_long_sheet_forgives_only_the_noise_of_decimal_fractions(unit_store, tmp_path):
    # FTE 0.75 + 0.5 = 1.25: a total of 1.254 is the same to the hundredth, 1.26 is not.
    rows = [["Id", "Namn", "Team", "Tjänstgöringsgrad"],
            ["dan", "Dan Dahl", "intake", 0.75],
            ["eva", "Eva Ek", "intake", 0.5],
            ["Summa", None, None, 1.254]]
    report = import_file(unit_store, _workbook(tmp_path / "a.xlsx", "Handläggare", rows), today=TODAY)
    assert report.kinds["handlers"].added == 2
    rows[-1][3] = 1.26
    problems = _problems(unit_store, _workbook(tmp_path / "b.xlsx", "Handläggare", rows))
    assert len(problems) == 1 and problems[0].startswith(
        "Handläggare!D4: '1.26' — does not match the sum of the rows above")


def test_a_wide_tkr_sheet_may_round_a_total_to_the_whole_tkr_half_included():
    header = ["Aktivitet", "Rad", *MONTHS]

    def parsed(line_tkr: float, total_tkr: int) -> list[dict]:
        rows = [header, [LABOUR, "Bidrag", line_tkr, *[None] * 11],
                [None, "Summa intäkter", total_tkr, *[None] * 11]]
        return wide_sheet.parse_wide_sheet("Utfall tkr", rows, year=2026, title="")

    # 1.5 tkr rounds half up to 2 tkr; 1.499 tkr rounds to 1, and 1.501 to 2.
    assert [r["amount"] for r in parsed(1.5, 2)] == [1500]
    assert [r["amount"] for r in parsed(1.501, 2)] == [1501]
    with pytest.raises(ValidationErrors, match=r"C3: '2' — does not match .*\(1.499\)"):
        parsed(1.499, 2)
    with pytest.raises(ValidationErrors, match=r"C3: '1' — does not match .*\(1.501\)"):
        parsed(1.501, 1)


@pytest.mark.parametrize(("label", "total", "kind"), [
    ("Summa intäkter", True, "revenue"),
    ("Total revenues", True, "revenue"),
    ("Summa kostnader", True, "cost"),
    ("Summa kostnad", True, "cost"),
    ("Summa netto", True, "net"),
    ("Summa nettokostnad", True, "net"),   # a net cost is a net, not a cost
    ("Nettokostnad", True, "net"),
    ("Resultat", True, "net"),
    ("Net", True, "net"),
    ("  TOTALT ", True, None),              # a plain total: the layout says of what
    ("Summa", True, None),
    ("Sum", True, None),
    ("Network costs", False, "cost"),       # a line, not a total
    ("Summer jobs", False, None),
    ("Övriga kostnader", False, "cost"),
])
def test_which_rows_are_totals_and_what_they_sum(label, total, kind):
    assert sum_rows.is_sum_label(label) is total
    assert sum_rows.sum_kind(label) == kind
