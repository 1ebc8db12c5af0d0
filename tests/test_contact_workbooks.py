"""The promises of access in the month and year workbooks (issue 29): the sheets read back
with openpyxl hold what the text report's sections say, counted by hand.

The contacts (the scenario of tests/test_contacts.py::test_figures_count_waits_and_promises_kept),
today 2026-11-25:

    first visits   received    held        days   children
                   2026-02-20  2026-03-03  11     no   (February has 28 days: 8 + 3)
                   2026-03-02  2026-03-12  10     yes
                   2026-03-05  2026-03-20  15     no
                   2026-03-25  2026-04-02   8     no   (still waiting on 31 March)
    March:  3 visits, mean 36 / 3 = 12,0, median 11; families 1 visit, 10 and 10
    April:  1 visit, 8 and 8; the year: 4 visits, mean 44 / 4 = 11,0, median (10 + 11) / 2 = 10,5

    promises (all received in March 2026)
    call-backs     03-02 answered 03-03 (due 03-03: kept); 03-04 answered 03-06 (due 03-05:
                   late); 03-31 never answered (due 04-01: settled, not kept)  → 3 settled, 1 kept
    debt, family   03-02 answered 03-10 (due 03-09: late)                     → 1 settled, 0 kept
    debt           03-02 answered 05-04 (due 2 June: kept)                    → 1 settled, 1 kept
    violence       none                                                        → 0 settled, share blank
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from ekbist import contacts, handlers
from ekbist.store import Store
from helpers.procs import clean_env, run

TODAY = date(2026, 11, 25)
ENV = clean_env(EKBIST_TODAY=TODAY.isoformat())


@pytest.fixture
def contact_db(store: Store, db_path: Path) -> Path:
    handlers.add(store, "anna", name="Anna Andersson", team="intake", fte=1,
                 start=date(2025, 1, 1))

    def add(kind: str, received: str, answered: str | None = None, children: bool = False):
        who = {"handler": "anna"} if kind in ("callback", "first_visit") else {"team": kind}
        contacts.add(store, received=date.fromisoformat(received), kind=kind,
                     children=children, today=TODAY,
                     answered=date.fromisoformat(answered) if answered else None, **who)

    add("first_visit", "2026-03-02", "2026-03-12", children=True)
    add("first_visit", "2026-03-05", "2026-03-20")
    add("first_visit", "2026-02-20", "2026-03-03")
    add("first_visit", "2026-03-25", "2026-04-02")
    add("callback", "2026-03-02", "2026-03-03")
    add("callback", "2026-03-04", "2026-03-06")
    add("callback", "2026-03-31")
    add("debt", "2026-03-02", "2026-03-10", children=True)
    add("debt", "2026-03-02", "2026-05-04")
    store.close()
    return db_path


PROMISES = [["Call-backs", 3, 1, 0.3333], ["Violence contacts", 0, 0, None],
            ["Debt advice", 1, 1, 1.0], ["Debt advice, families with children", 1, 0, 0.0]]


def _rows(ws, first: int, count: int, width: int) -> list[list]:
    return [[c.value for c in r] for r in ws.iter_rows(min_row=first, max_row=first + count - 1,
                                                        max_col=width)]


def _write(db: Path, path: Path, *args: str, lang: str = "en") -> None:
    result = run(db, "--lang", lang, "report", *args, env=ENV)
    assert result.returncode == 0, result.stderr
    assert path.exists()


def test_the_month_workbook(contact_db, tmp_path):
    path = tmp_path / "march.xlsx"
    _write(contact_db, path, "month", "2026", "3", "--xlsx", str(path))
    wb = load_workbook(path)
    assert wb.sheetnames == ["Key figures", "Promises kept", "First visit",
                             "Barriers to self-support"]
    promises = wb["Promises kept"]
    assert promises["A1"].value == "Promises of access kept"
    assert _rows(promises, 3, 5, 4) == [["Promise", "Settled", "Kept", "Share"], *PROMISES]
    assert promises["D4"].number_format == "0.0 %"
    wait = wb["First visit"]
    assert wait["A1"].value == "Days from request to first visit"
    assert _rows(wait, 4, 1, 7) == [["2026-03", 3, 12.0, 11.0, 1, 10.0, 10.0]]
    assert wait["C4"].number_format == "#,##0.0"
    assert "1 requests were still waiting on 2026-03-31" in wait["A6"].value


def test_the_year_workbook_month_by_month(contact_db, tmp_path):
    path = tmp_path / "year.xlsx"
    _write(contact_db, path, "year", "2026", "--xlsx", str(path))
    wb = load_workbook(path)
    names = wb.sheetnames
    # Beside the five-day rule, as in the text report.
    assert names[names.index("Handling time") + 1:names.index("Handling time") + 3] == [
        "Promises kept", "First visit"]
    assert _rows(wb["Promises kept"], 4, 4, 4) == PROMISES
    wait = wb["First visit"]
    rows = _rows(wait, 4, 12, 7)  # January to November (today 25 November) and the total
    assert rows[0] == ["2026-01", 0, None, None, 0, None, None]
    assert rows[2] == ["2026-03", 3, 12.0, 11.0, 1, 10.0, 10.0]
    assert rows[3] == ["2026-04", 1, 8.0, 8.0, 0, None, None]
    assert [r[0] for r in rows[:11]] == [f"2026-{m:02d}" for m in range(1, 12)]
    assert rows[11] == ["Total", 4, 11.0, 10.5, 1, 10.0, 10.0]
    assert "0 requests were still waiting on 2026-11-25" in wait["A17"].value


def test_in_swedish(contact_db, tmp_path):
    path = tmp_path / "år.xlsx"
    _write(contact_db, path, "year", "2026", "--xlsx", str(path), lang="sv")
    wb = load_workbook(path)
    promises = wb["Hållna löften"]
    assert promises["A1"].value == "Hållna löften om tillgänglighet"
    assert [c.value for c in promises[3]] == ["Löfte", "Avgjorda", "Hållna", "Andel"]
    assert promises["A7"].value == "Budget- och skuldrådgivning, barnfamiljer"
    wait = wb["Första besök"]
    assert [c.value for c in wait[3]][:5] == ["Månad", "Besök", "Medel", "Median",
                                              "Besök, barnfamiljer"]
    assert wait["A15"].value == "Totalt"


def test_the_month_workbook_in_swedish(contact_db, tmp_path):
    path = tmp_path / "mars.xlsx"
    _write(contact_db, path, "month", "2026", "3", "--xlsx", str(path), lang="sv")
    wb = load_workbook(path)
    assert wb.sheetnames[1:] == ["Hållna löften", "Första besök", "Försörjningshinder"]
    assert _rows(wb["Hållna löften"], 4, 1, 4) == [["Återuppringningar", 3, 1, 0.3333]]
    wait = wb["Första besök"]
    assert wait["A1"].value == "Dagar från begäran till första besök"
    assert _rows(wait, 4, 1, 7) == [["2026-03", 3, 12.0, 11.0, 1, 10.0, 10.0]]
