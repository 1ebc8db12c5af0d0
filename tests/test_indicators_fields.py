"""What the key figures need stored: birth year, first contact, population (CLI, library, sheets)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from helpers.procs import rows
from helpers.workbooks import workbook

from ekbist.errors import EkbistError, ValidationErrors
from ekbist.sheet_import import import_file
from ekbist.store import Store

TODAY = date(2026, 11, 25)


def test_birth_year_on_open_at_both_edges_and_refused_outside(unit):
    assert "1900–2026" in unit.fails("case", "open", "C-9", "--handler", "bo",
                                     "--opened", "2026-02-01", "--birth-year", "2027")
    assert "1900–2026" in unit.fails("case", "open", "C-9", "--handler", "bo",
                                     "--opened", "2026-02-01", "--birth-year", "1899")
    assert rows(unit.db, "SELECT id FROM cases WHERE id = 'C-9'") == []
    unit.ok("case", "open", "C-9", "--handler", "bo", "--opened", "2026-02-01",
            "--birth-year", "2026")
    unit.ok("case", "open", "C-10", "--handler", "bo", "--opened", "2026-02-01",
            "--birth-year", "1900")
    assert rows(unit.db, "SELECT id, birth_year FROM cases WHERE id IN ('C-9', 'C-10') "
                         "ORDER BY id") == [("C-10", 1900), ("C-9", 2026)]
    # "This year" is the as-of date's year, not the machine's.
    assert "1900–2025" in unit.fails("case", "open", "C-11", "--handler", "bo",
                                     "--opened", "2025-02-01", "--birth-year", "2026",
                                     today="2025-12-31")


def test_case_edit_sets_and_forgets_the_birth_year_and_is_audited(unit):
    assert "Case C-1: birth year 1998." in unit.ok("case", "edit", "C-1",
                                                  "--birth-year", "1998").output
    assert rows(unit.db, "SELECT birth_year FROM cases WHERE id = 'C-1'") == [(1998,)]
    assert "Applicant's birth year: 1998" in unit.ok("case", "show", "C-1").output
    assert "not a year" in unit.fails("case", "edit", "C-1", "--birth-year", "1998-05-04")
    assert "outside" in unit.fails("case", "edit", "C-1", "--birth-year", "3000")
    assert rows(unit.db, "SELECT birth_year FROM cases WHERE id = 'C-1'") == [(1998,)]
    assert "unknown" in unit.ok("case", "edit", "C-1", "--birth-year", "unknown").output
    assert rows(unit.db, "SELECT birth_year FROM cases WHERE id = 'C-1'") == [(None,)]
    assert "unknown case" in unit.fails("case", "edit", "C-99", "--birth-year", "1990")
    audited = rows(unit.db, "SELECT count(*) FROM audit WHERE tbl = 'cases' AND action = 'update'")
    assert audited == [(2,)]


def test_first_contact_on_or_before_the_arrival(unit):
    assert "after the application was received" in unit.fails(
        "application", "add", "C-1", "--period", "2026-03", "--received", "2026-02-20",
        "--first-contact", "2026-02-21")
    assert "more than a year" in unit.fails(
        "application", "add", "C-1", "--period", "2026-03", "--received", "2026-02-20",
        "--first-contact", "2025-02-18")
    assert rows(unit.db, "SELECT count(*) FROM application") == [(0,)]
    unit.ok("application", "add", "C-1", "--period", "2026-03", "--received", "2026-02-20",
            "--first-contact", "2026-02-20", "--id", "A-1")
    unit.ok("application", "add", "C-1", "--period", "2026-03", "--received", "2026-02-20",
            "--id", "A-2")
    assert rows(unit.db, "SELECT id, first_contact FROM application ORDER BY id") == [
        ("A-1", "2026-02-20"), ("A-2", None)]


def test_population_set_replace_and_refusals(unit):
    assert "less than adults and children" in unit.fails(
        "population", "set", "2026", "--adults", "100", "--children", "30", "--total", "129")
    assert "negative" in unit.fails(
        "population", "set", "2026", "--adults", "-1", "--children", "30", "--total", "129")
    assert "outside" in unit.fails(
        "population", "set", "1800", "--adults", "1", "--children", "1", "--total", "2")
    assert rows(unit.db, "SELECT * FROM population") == []
    unit.ok("population", "set", "2026", "--adults", "100", "--children", "30", "--total", "130")
    unit.ok("population", "set", "2026", "--adults", "101", "--children", "30", "--total", "131")
    assert rows(unit.db, "SELECT * FROM population") == [(2026, 101, 30, 131)]
    out = unit.ok("population", "list", "--format", "csv").output
    assert out.splitlines() == ["year,adults,children,total", "2026,101,30,131"]


def _key_figure_book(path: Path, *, birth_year: int, total: int, case: str,
                     first_contact: date) -> Path:
    """Case C-20 (bo's, opened 2026-03-01) born in ``birth_year``; 2026's population of 100
    adults, 30 children and ``total`` in all; application A-7 on ``case`` for April, received
    2026-03-10, with its ``first_contact``."""
    return workbook(path, {
        "Ärenden": [["Ärende", "Handläggare", "Öppnat", "Födelseår"],
                    ["C-20", "bo", date(2026, 3, 1), birth_year]],
        "Folkmängd": [["År", "Vuxna", "Barn", "Totalt"], [2026, 100, 30, total]],
        "Ansökningar": [["Ansökan", "Ärende", "Avser månad", "Inkom", "Första kontakt"],
                        ["A-7", case, "2026-04", date(2026, 3, 10), first_contact]],
    })


def test_sheets_carry_birth_year_first_contact_and_population(unit, tmp_path):
    store = Store.open(unit.db)
    try:
        # The birth year is after this year, the total below adults and children, and the
        # first contact (on case C-1) after the application was received.
        bad = _key_figure_book(tmp_path / "bad.xlsx", birth_year=2027, total=120, case="C-1",
                               first_contact=date(2026, 3, 11))
        with pytest.raises(ValidationErrors) as caught:
            import_file(store, bad, today=TODAY)
        text = "\n".join(caught.value.problems)
        assert "after this year" in text
        assert "less than adults and children" in text
        assert "first contact after it was received" in text
        good = _key_figure_book(tmp_path / "good.xlsx", birth_year=2001, total=131, case="C-20",
                                first_contact=date(2026, 3, 2))
        import_file(store, good, today=TODAY)
        assert store.scalar("SELECT birth_year FROM cases WHERE id = 'C-20'") == 2001
        assert store.scalar("SELECT first_contact FROM application WHERE id = 'A-7'") == "2026-03-02"
        assert store.query("SELECT * FROM population") == [
            {"year": 2026, "adults": 100, "children": 30, "total": 131}]
    finally:
        store.close()


def test_library_refuses_a_birth_date(store):
    from ekbist.cases import check_birth_year

    with pytest.raises(EkbistError, match="not a year"):
        check_birth_year("1990-01-01", TODAY)
    assert check_birth_year(" 1990 ", TODAY) == 1990
    assert check_birth_year("", TODAY) is None
