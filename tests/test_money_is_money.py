"""Money is money: every whole amount within its bound is stored, whatever its digits; an
identity number in any spelling is still refused in every text; an amount out of bounds
says so (issue 24, "Money is money").

Amounts of nine and ten digits are where the old gate read money as a personnummer:
412 010 001 kr read as 0412010001 (born 2004-12-01), 8 112 189 876 kr as 811218-9876.
"""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ekbist import budget
from ekbist.errors import EkbistError
from ekbist.money import (
    MAX_APPLICATION_AMOUNT,
    MAX_BUDGET_AMOUNT,
    MAX_YEAR_AMOUNT,
    MONEY_COLUMNS,
    parse_amount,
)
from ekbist.secrecy import looks_like_personnummer
from ekbist.store import Store

# Amounts the old gate refused, counted by hand: 412010001 is 041201-0001 with a valid
# check digit (0+4+2+2+0+1+0+0+0+1 → Luhn 20), 8112189876 is the 811218-9876.
READ_AS_NUMBERS = [412_010_001, 8_112_189_876, 8_104_296_796, 4_306_123_623]
AMOUNTS = st.integers(min_value=0, max_value=MAX_BUDGET_AMOUNT)
PROPERTY = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def test_the_hand_counted_amounts_are_personnummer_digits() -> None:
    # The other side first: as identity numbers these digits are what the gate refuses.
    assert looks_like_personnummer(412_010_001) and looks_like_personnummer("811218-9876")
    assert all(looks_like_personnummer(n) for n in READ_AS_NUMBERS)


@pytest.fixture(scope="module")
def money_store(tmp_path_factory):
    from ekbist import working_days

    path = tmp_path_factory.mktemp("money") / "money.db"
    store = Store.open(path, create=True)
    working_days.ensure_index(store)
    with store.transaction():
        store.execute("INSERT INTO cases (id, opened) VALUES ('C-1', '2026-01-02')")
    yield store
    store.close()


@PROPERTY
@given(amount=AMOUNTS, sign=st.sampled_from([1, -1]))
@example(amount=412_010_001, sign=1).via("the issue")
@example(amount=8_112_189_876, sign=-1).via("the issue's digits, negative")
@example(amount=MAX_BUDGET_AMOUNT, sign=1).via("the bound")
def test_budget_and_actuals_store_every_amount_to_the_bound(money_store, amount, sign) -> None:
    kronor = sign * amount
    row = budget.set_budget(money_store, 2027, "Arbetsmarknad", "Personalkostnader", str(kronor),
                            new=True)
    assert row["amount"] == kronor
    assert money_store.scalar("SELECT amount FROM budget WHERE year = 2027") == kronor
    row = budget.set_actual(money_store, 2027, 3, "Arbetsmarknad", "Lokalkostnader", kronor,
                            new=True)
    assert money_store.scalar("SELECT amount FROM actual WHERE year = 2027 AND month = 3") == kronor


@pytest.mark.parametrize("amount", READ_AS_NUMBERS)
def test_every_money_column_stores_personnummer_digits(money_store, amount) -> None:
    rows = {
        "application": ("INSERT INTO application (id, case_id, period, received, decided, decision,"
                        " amount) VALUES ('A-9', 'C-1', '2026-01', '2026-01-02', '2026-01-03',"
                        " 'granted', ?)", min(amount, MAX_APPLICATION_AMOUNT)),
        "prognosis": ("INSERT INTO prognosis (year, month, activity, line, budget, actual_ytd,"
                      " prognosis, method, saved_on) VALUES (2027, 1, 'Arbetsmarknad',"
                      " 'Personalkostnader', ?1, ?1, ?1, 'budget', '2027-02-01')", amount),
    }
    assert {t for t, _c in MONEY_COLUMNS} == {"application", "budget", "actual", "prognosis"}
    for sql, value in rows.values():
        with money_store.transaction():
            money_store.execute(sql, (value,))
    with money_store.transaction():
        money_store.execute("DELETE FROM application WHERE id = 'A-9'")
        money_store.execute("DELETE FROM prognosis WHERE year = 2027")


@pytest.mark.parametrize(("table", "column", "sql"), [
    ("budget", "amount", "INSERT INTO budget VALUES (2028, 'Arbetsmarknad', 'Bidrag', ?)"),
    ("actual", "amount", "INSERT INTO actual VALUES (2028, 1, 'Arbetsmarknad', 'Bidrag', ?)"),
])
def test_out_of_bounds_says_out_of_bounds(money_store, table, column, sql) -> None:
    bound = MONEY_COLUMNS[(table, column)]
    for value in (bound + 1, -bound - 1, 194_306_123_623, 12.5, "811218-9876"):
        with pytest.raises(EkbistError) as raised, money_store.transaction():
            money_store.execute(sql, (value,))
        message = str(raised.value)
        assert f"{table}.{column}" in message and "bounds of money" in message, message
        assert "personnummer" not in message
    for value in (bound, -bound):
        with money_store.transaction():
            money_store.execute(sql, (value,))
        with money_store.transaction():
            money_store.execute(f"DELETE FROM {table} WHERE year = 2028")


def test_parse_amount_says_out_of_bounds_and_masks_what_it_quotes() -> None:
    with pytest.raises(EkbistError) as raised:
        parse_amount("19811218-9876", "amount")
    assert "not an amount" in str(raised.value) and "9876" not in str(raised.value)
    with pytest.raises(EkbistError) as raised:
        parse_amount(-194306123623, "amount")
    assert str(raised.value) == "amount: '-19430612****' — more than 10,000,000,000 kr"
    # Spaces group thousands in threes: "811218 9876" is no amount (it is a personnummer).
    with pytest.raises(EkbistError, match="not an amount"):
        parse_amount("811218 9876", "amount")
    assert parse_amount("8 112 189 876", "amount") == 8_112_189_876
    assert MAX_YEAR_AMOUNT == 12 * MAX_BUDGET_AMOUNT


# -- the command line ---------------------------------------------------------------------------
@pytest.mark.parametrize("amount", ["412010001", "8112189876", "-8112189876", "10000000000",
                                    "8 112 189 876", "0"])
def test_budget_and_actuals_set_accept_the_amount(cli, amount) -> None:
    cli.ok("init")
    kronor = int(amount.replace(" ", ""))
    cli.ok("budget", "set", "2027", "Arbetsmarknad", "Personalkostnader", amount, "--new")
    cli.ok("actuals", "set", "2027", "1", "Arbetsmarknad", "Personalkostnader", amount)
    rows = cli.ok("budget", "show", "2027", "--format", "json").output
    assert str(kronor) in rows.replace(" ", "")
    with sqlite3.connect(cli.db) as raw:
        assert raw.execute("SELECT amount FROM budget").fetchone()[0] == kronor
        assert raw.execute("SELECT amount FROM actual").fetchone()[0] == kronor


@pytest.mark.parametrize("spelled", ["811218-9876", "811218\t9876", "19811218 9876", "811218/9876",
                                     "811218\u2013\u200b9876", "811218\u00e2\u20ac\u201c9876"])
def test_an_identity_number_as_an_amount_is_refused_and_masked(cli, spelled) -> None:
    cli.ok("init")
    result = cli("budget", "set", "2027", "Arbetsmarknad", "Personalkostnader", spelled, "--new")
    assert result.exit_code == 1
    assert "personnummer" in result.stderr and "9876" not in result.stderr
    # The same digits as a name are refused too: a money parameter takes only money.
    line = cli.fails("budget", "set", "2027", "8112189876", "Personalkostnader", "5", "--new")
    assert "personnummer" in line and "9876" not in line


def test_out_of_bounds_on_the_command_line_says_so(cli) -> None:
    cli.ok("init")
    line = cli.fails("budget", "set", "2027", "Arbetsmarknad", "Personalkostnader",
                     "10000000001", "--new")
    assert line == "error: amount: '10000000001' — more than 10,000,000,000 kr"


def test_prognosis_set_and_save_take_any_amount(cli) -> None:
    cli.ok("init")
    cli.ok("budget", "set", "2026", "Arbetsmarknad", "Personalkostnader", "412010001", "--new")
    for month in range(1, 4):
        cli.ok("actuals", "set", "2026", str(month), "Arbetsmarknad", "Personalkostnader",
               "8112189876")
    cli.ok("prognosis", "make", "--year", "2026", "--month", "3", "--save",
           "--set", "Arbetsmarknad:Personalkostnader=4306123623",
           "--comment", "Arbetsmarknad:Personalkostnader=Ny plan")
    with sqlite3.connect(cli.db) as raw:
        saved = raw.execute("SELECT budget, actual_ytd, prognosis FROM prognosis").fetchone()
    assert saved == (412_010_001, 3 * 8_112_189_876, 4_306_123_623)
    line = cli.fails("prognosis", "make", "--year", "2026", "--month", "3",
                     "--set", "811218-9876=5", "--comment", "x=y")
    assert "personnummer" in line and "9876" not in line


def test_an_import_stores_money_and_refuses_the_number_as_text(cli, tmp_path) -> None:
    import openpyxl

    cli.ok("init")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Budget"
    sheet.append(["Year", "Activity", "Line", "Amount"])
    sheet.append([2027, "Arbetsmarknad", "Personalkostnader", 412010001])
    sheet.append([2027, "Arbetsmarknad", "Lokalkostnader", 8112189876])
    path = tmp_path / "budget.xlsx"
    book.save(path)
    cli.ok("import", str(path), "--new")
    with sqlite3.connect(cli.db) as raw:
        assert sorted(r[0] for r in raw.execute("SELECT amount FROM budget")) == [
            412_010_001, 8_112_189_876]
    text = tmp_path / "budget.csv"
    text.write_text("Year,Activity,Line,Amount\n2027,Arbetsmarknad,Bidrag,8112189876\n"
                    "2027,Arbetsmarknad,Övriga kostnader,811218-9876\n", encoding="utf-8")
    result = cli("import", str(text))
    assert result.exit_code == 1
    assert "budget!D3: '811218-****' — looks like a personnummer" in result.stderr
    assert "9876" not in result.stderr
    # A number above the header of a money column is no amount: it is read as a number.
    book = openpyxl.Workbook()
    book.active.title = "Budget"
    book.active.append(["Klient", None, None, 8112189876])
    book.active.append(["Year", "Activity", "Line", "Amount"])
    book.active.append([2027, "Arbetsmarknad", "Bidrag", 5])
    book.save(path)
    result = cli("import", str(path))
    assert result.exit_code == 1 and "Budget!D1: '811218****'" in result.stderr


# -- the prognosis workbook ---------------------------------------------------------------------
def _prognosis_row(path, activity: str, line: str) -> int:
    """The sheet row (1-based) of ``activity · line`` in the export's Prognos sheet."""
    import openpyxl

    current = None
    for row in openpyxl.load_workbook(path)["Prognos"].iter_rows(min_col=1, max_col=1):
        value = row[0].value
        if isinstance(value, str) and value.startswith("Verksamhet: "):
            current = value.removeprefix("Verksamhet: ")
        elif current == activity and value == line:
            return row[0].row
    raise AssertionError(f"{activity} · {line} not in {path}")


def _saved_prognosis(db) -> dict[str, tuple]:
    with sqlite3.connect(db) as raw:
        return {r[0]: r[1:] for r in raw.execute(
            "SELECT line, budget, actual_ytd, prognosis, method FROM prognosis")}


def test_the_prognosis_workbook_comes_back_with_any_amount(cli, tmp_path) -> None:
    import openpyxl

    # A city's line of 1 000 Mkr, and amounts whose digits are identity numbers: the actual to
    # date of three months of 8 112 189 876 kr (24 336 569 628 kr) is past one month's bound
    # and within the year's; the hidden sheet holds the prognosis 4 306 123 623 in kronor.
    cli.ok("init")
    cli.ok("budget", "set", "2026", "Arbetsmarknad", "Personalkostnader", "412010001", "--new")
    cli.ok("budget", "set", "2026", "Arbetsmarknad", "Lokalkostnader", "1 000 000 000", "--new")
    for month in range(1, 4):
        cli.ok("actuals", "set", "2026", str(month), "Arbetsmarknad", "Personalkostnader",
               "8112189876")
        cli.ok("actuals", "set", "2026", str(month), "Arbetsmarknad", "Lokalkostnader",
               "250000000")
    cli.ok("prognosis", "make", "--year", "2026", "--month", "3", "--save",
           "--set", "Arbetsmarknad:Personalkostnader=4306123623",
           "--comment", "Arbetsmarknad:Personalkostnader=Ny plan")
    saved = _saved_prognosis(cli.db)
    assert saved["Personalkostnader"] == (412_010_001, 24_336_569_628, 4_306_123_623, "manual")
    assert saved["Lokalkostnader"][:2] == (1_000_000_000, 750_000_000)
    export = tmp_path / "p.xlsx"
    cli.ok("prognosis", "export", "--year", "2026", "--month", "3", str(export))

    result = cli.ok("import", str(export))
    assert result.stderr == ""  # no warning: every figure and sum is what the export wrote
    assert _saved_prognosis(cli.db) == saved

    # A prognosis typed in tkr whose digits read as 010429-6793 (104 296 793 tkr, within the
    # year's bound of 120 000 000 tkr) is an amount.
    row = _prognosis_row(export, "Arbetsmarknad", "Personalkostnader")
    assert looks_like_personnummer(104_296_793)
    book = openpyxl.load_workbook(export)
    book["Prognos"][f"D{row}"] = 104_296_793
    book.save(tmp_path / "typed.xlsx")
    cli.ok("import", str(tmp_path / "typed.xlsx"))
    assert _saved_prognosis(cli.db)["Personalkostnader"][2:] == (104_296_793_000, "manual")

    # The other side: the same number beside the table, and an identity number as the
    # prognosis's text, are refused and masked; nothing is written.
    before = _saved_prognosis(cli.db)
    for cell, value in ((f"H{row}", 104_296_793), (f"D{row}", "811218-9876")):
        book = openpyxl.load_workbook(export)
        book["Prognos"][cell] = value
        book.save(tmp_path / "bad.xlsx")
        result = cli("import", str(tmp_path / "bad.xlsx"))
        assert result.exit_code == 1, result.stderr
        assert f"Prognos!{cell}: '" in result.stderr and "personnummer" in result.stderr
        assert "6793" not in result.stderr and "9876" not in result.stderr
        assert _saved_prognosis(cli.db) == before


def test_the_controllers_wide_sheet_stores_any_amount(cli, tmp_path) -> None:
    import openpyxl

    # The wide layout in kronor: a month of 412 010 001 kr (read as 041201-0001 by the old
    # gate), a year's sum of 8 112 189 876 kr and a city's line of 1 000 Mkr.
    months = ["Jan", "Feb", "Mar", "Apr", "Maj", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dec"]
    quiet = [0] * 11

    def book(bidrag_jan: object) -> openpyxl.Workbook:
        made = openpyxl.Workbook()
        sheet = made.active
        sheet.title = "Budget"
        sheet.append(["Budget 2027"])
        sheet.append(["Individ- och familjeomsorg, belopp i kronor"])
        sheet.append([])
        sheet.append(["Aktivitet", "Rad", *months, "Summa"])
        sheet.append(["Arbetsmarknad", "Bidrag", bidrag_jan, *quiet, 412_010_001])
        sheet.append(["", "Personalkostnader", 8_112_189_876, *quiet, 8_112_189_876])
        sheet.append(["", "Lokalkostnader", *[0] * 11, 1_000_000_000, 1_000_000_000])
        return made

    cli.ok("init")
    book(412_010_001).save(tmp_path / "budget.xlsx")
    cli.ok("import", str(tmp_path / "budget.xlsx"), "--new")
    with sqlite3.connect(cli.db) as raw:
        stored = dict(raw.execute("SELECT line, amount FROM budget WHERE year = 2027"))
    assert stored == {"Bidrag": 412_010_001, "Personalkostnader": 8_112_189_876,
                      "Lokalkostnader": 1_000_000_000}
    # The other side: an identity number as a month's text is refused, masked, nothing written.
    book("811218-9876").save(tmp_path / "bad.xlsx")
    result = cli("import", str(tmp_path / "bad.xlsx"))
    assert result.exit_code == 1
    assert "Budget!C5: '811218-****'" in result.stderr and "personnummer" in result.stderr
    assert "9876" not in result.stderr
    with sqlite3.connect(cli.db) as raw:
        assert dict(raw.execute("SELECT line, amount FROM budget WHERE year = 2027")) == stored
