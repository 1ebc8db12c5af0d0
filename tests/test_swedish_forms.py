"""Swedish forms a chief reads: plurals, the words one may type, numbers one way, absent values."""

from __future__ import annotations

from datetime import date

import openpyxl
import pytest

from ekbist import applications, cases, handlers
from ekbist.store import Store

NBSP = "\u00a0"


def test_plans_missing_takes_the_singular_and_the_plural(unit) -> None:
    # C-3 is the one homeless household, and it has no housing plan.
    one = unit.ok("plans", "missing", lang="sv").stdout
    assert "; 1 hemlös utan boendeplan." in one and "hemlösa" not in one.splitlines()[0]
    unit.ok("case", "open", "C-5", "--handler", "cia", "--opened", "2026-11-02", "--homeless")
    two = unit.ok("plans", "missing", lang="sv").stdout
    assert "; 2 hemlösa utan boendeplan." in two
    assert "; 2 homeless without a housing plan." in unit.ok("plans", "missing").stdout


def test_no_message_builds_a_plural_by_hand() -> None:
    import re

    import catalog_tools as catalogs

    by_hand = [m for m in catalogs.extract() if not m.plural
               and re.search(r"\w\((s|es|ren)\)", m.msgid)]
    assert by_hand == [], by_hand


def test_a_refused_employment_rate_is_quoted_as_typed(unit) -> None:
    line = unit.fails("handler", "add", "dan", "--name", "Dan Dahl", "--team", "mottagning",
                      "--fte", "1,5", lang="sv")
    assert line == "fel: tjänstgöringsgraden måste vara över 0 och högst 1, inte 1,5"
    assert unit.fails("handler", "add", "dan", "--name", "Dan Dahl", "--team", "intake",
                      "--fte", "1.5").endswith("not 1.5")


def test_an_employment_rate_is_shown_one_way(unit, tmp_path) -> None:
    listed = unit.ok("handler", "list", lang="sv").stdout
    rates = {line.split()[0]: line.split()[4] for line in listed.splitlines()[2:] if line.strip()}
    assert rates == {"anna": "1,00", "bo": "0,50", "cia": "1,00"}
    unit.ok("export", "handlers", tmp_path / "h.xlsx", lang="sv")
    sheet = openpyxl.load_workbook(tmp_path / "h.xlsx").worksheets[0]
    column = [c.value for c in sheet[1]].index("Tjänstgöringsgrad") + 1
    assert {sheet.cell(row=r, column=column).number_format for r in (2, 3, 4)} == {"0.00"}


def test_delvis_is_partly_granted(unit) -> None:
    added = unit.ok("application", "add", "C-1", "--period", "2026-11", "--received", "2026-11-02",
                    "--completed", "2026-11-02").stdout.strip().split()[-1].rstrip(".")
    unit.ok("application", "decide", added, "--date", "2026-11-04", "--decision", "delvis",
            "--amount", "3 000", lang="sv")
    store = Store.open(unit.db, readonly=True)
    try:
        assert store.scalar("SELECT decision FROM application WHERE id = ?", [added]) == "partly"
    finally:
        store.close()


@pytest.mark.parametrize(("path", "english", "swedish"), [
    ("application decide", "--decision granted --amount 9450", "--decision bifall --amount 9450"),
    ("application decide", "--decision partly --amount", "--decision 'delvis bifall' --amount"),
    ("handler away", "--kind parental", "--kind föräldraledighet"),
    ("budget add-line", "--kind revenue --after Bidrag", "--kind intäkt --after Bidrag"),
    ("handling-time report", "--by month", "--by månad"),
    ("caseload balance", "--team debt --apply", "--team 'budget- och skuldrådgivning' --apply"),
    ("export", "export applications ansokningar.xlsx", "export ansökningar ansokningar.xlsx"),
    ("template", "template all mall.xlsx", "template alla mall.xlsx"),
])
def test_swedish_help_examples_type_the_swedish_words(path, english, swedish) -> None:
    from ekbist.commands.main import swedish_example

    assert swedish in swedish_example(path, f"ekbist {path} X {english}".replace(
        f"ekbist {path} X {path.split()[0]} ", f"ekbist {path.split()[0]} "))


def test_every_swedish_example_word_is_accepted_as_its_code() -> None:
    import shlex

    from ekbist import codes
    from ekbist.commands.examples import EXAMPLES
    from ekbist.commands.main import _EXAMPLE_CODES, swedish_example
    from ekbist.commands.params import GROUP_BY

    changed = 0
    for path, lines in EXAMPLES.items():
        for line in lines:
            before, after = shlex.split(line), shlex.split(swedish_example(path, line))
            assert len(before) == len(after), (line, after)
            for i, (code, word) in enumerate(zip(before, after, strict=True)):
                if code == word:
                    continue
                changed += 1
                option = before[i - 1]
                table = _EXAMPLE_CODES.get((path, option)) or _EXAMPLE_CODES.get(("", option))
                if option == "--by":
                    assert GROUP_BY[code] == word
                elif isinstance(table, dict):
                    assert table[code] == word
                elif table:
                    kinds = (table,) if isinstance(table, str) else table
                    assert code in [codes.find_code(kind, word) for kind in kinds], (line, word)
                else:  # export/template: a sheet kind
                    from ekbist.sheets.declarations import selected

                    assert [k.name for k in selected(word)] == [k.name for k in selected(code)]
    assert changed >= 8


def _late_store(path) -> None:
    """A unit whose applications begin in March 2026: nothing is known of 2025."""
    from ekbist import working_days

    store = Store.open(path, create=True)
    working_days.ensure_index(store)  # as `ekbist init` does
    handlers.add(store, "bo", name="Bo Berg", team="investigation", fte=1.0)
    cases.open_case(store, "C-1", handler="bo", opened=date(2024, 5, 2), today=date(2026, 11, 25))
    for month in range(3, 11):
        row = applications.add(store, "C-1", period=f"2026-{month:02d}",
                               received=date(2026, month, 2), completed=date(2026, month, 2),
                               today=date(2026, 11, 25))
        applications.decide(store, row["id"], date(2026, month, 4), "granted", amount=5000,
                            today=date(2026, 11, 25))
    store.close()


def test_a_previous_year_the_store_does_not_hold_is_absent_not_zero(cli, tmp_path) -> None:
    from ekbist.reports import indicators as ind

    _late_store(cli.db)
    store = Store.open(cli.db, readonly=True)
    try:
        assert ind.first_month_with_data(store) == "2026-03"
        data = ind.indicators(store, ind.period_of(today=date(2026, 11, 25), year=2026))
    finally:
        store.close()
    figures = {f["key"]: f for f in data["figures"]}
    # The period runs January to November (today is 25 November); so does the previous one.
    assert [m["households"] for m in figures["households_per_month"]["previous"]] == [None] * 11
    assert figures["households_total"]["previous"] is None
    assert figures["closed_by_reason"]["previous"] == dict.fromkeys(
        figures["closed_by_reason"]["value"])
    # This year's months before March are absent too from the previous year's side only:
    # the period itself is counted as the store has it.
    assert [m["households"] for m in figures["households_per_month"]["value"]][:4] == [0, 0, 1, 1]
    month = cli.ok("report", "month", "2026", "10", lang="sv").stdout
    assert "Samma månad förra året" in month
    assert next(x for x in month.splitlines() if x.startswith("Samma månad")).split()[-1] == "–"
    table = cli.ok("indicators", "--year", "2026", lang="sv").stdout
    total = next(x for x in table.splitlines() if x.startswith("Bidragshushåll under perioden"))
    assert total.split()[-2:] == ["1", "–"]
    cli.ok("report", "year", "2026", "--xlsx", tmp_path / "ar.xlsx", lang="sv")
    sheet = openpyxl.load_workbook(tmp_path / "ar.xlsx")["Bidragshushåll"]
    # Absent, not 0: empty cells in the number column (a text "–" breaks the controller's
    # sums), and the sheet says why below the table.
    assert sheet["C4"].value is None and sheet["B6"].value == 1
    assert all(sheet.cell(row=r, column=3).value is None for r in range(4, sheet.max_row + 1))
    assert any(str(c.value).startswith("En tom cell saknar värde") for c in sheet["A"])


def test_a_whole_previous_year_counts_its_zeros(cli) -> None:
    from ekbist.reports import indicators as ind

    _late_store(cli.db)
    store = Store.open(cli.db, readonly=True)
    try:
        # 2027 beside 2026: the store holds applications from March 2026, so January and
        # February 2026 are absent and every other month is counted.
        data = ind.indicators(store, ind.period_of(today=date(2027, 12, 31), year=2027))
    finally:
        store.close()
    months = next(f for f in data["figures"] if f["key"] == "households_per_month")["previous"]
    assert [m["households"] for m in months] == [None, None, *[1] * 8, 0, 0]


def test_exports_write_yes_or_no_in_the_templates_words(unit, tmp_path) -> None:
    unit.ok("export", "cases", tmp_path / "sv.xlsx", lang="sv")
    unit.ok("export", "cases", tmp_path / "en.xlsx")
    for name, yes, no in (("sv.xlsx", "ja", "nej"), ("en.xlsx", "yes", "no")):
        sheet = openpyxl.load_workbook(tmp_path / name).worksheets[0]
        column = [c.value for c in sheet[1]].index("Hemlös" if name == "sv.xlsx" else "Homeless")
        values = {row[0].value: row[column].value for row in sheet.iter_rows(min_row=2)}
        assert values == {"C-1": no, "C-2": no, "C-3": yes, "C-4": no}
    # Read back, the words change nothing; TRUE/FALSE is still read.
    def counts(name: str) -> list[str]:
        out = unit.ok("import", tmp_path / name, "--dry-run", lang="sv").stdout
        return next(x for x in out.splitlines() if x.startswith("Ärenden")).split()

    assert counts("sv.xlsx") == ["Ärenden", "0", "0", "4"]
    book = openpyxl.load_workbook(tmp_path / "sv.xlsx")
    sheet = book.worksheets[0]
    column = [c.value for c in sheet[1]].index("Hemlös") + 1
    for r in range(2, sheet.max_row + 1):
        sheet.cell(row=r, column=column).value = sheet.cell(row=r, column=column).value == "ja"
    book.save(tmp_path / "bool.xlsx")
    assert sheet.cell(row=4, column=column).value is True
    assert counts("bool.xlsx") == ["Ärenden", "0", "0", "4"]


def test_target_and_outcome_csv_carry_the_number(unit) -> None:
    unit.ok("target", "set", "2026", "sick_leave", "4,4", "--at-most", lang="sv")
    unit.ok("outcome", "set", "2026", "summer_jobs", "270", "--label", "Sommarjobb")
    target = unit.ok("target", "list", "2026", "--format", "csv", lang="sv").stdout.splitlines()
    assert target[0] == "year,key,label,value,direction,unit"
    assert target[1].startswith("2026,sick_leave,") and target[1].endswith(",4.4,at_most,percent")
    outcome = unit.ok("outcome", "list", "--format", "csv", lang="sv").stdout.splitlines()
    assert outcome == ["year,key,label,value", "2026,summer_jobs,Sommarjobb,270.0"] or outcome == [
        "year,key,label,value", "2026,summer_jobs,Sommarjobb,270"]
    # The table keeps the reader's form.
    assert "≤ 4,4 %" in unit.ok("target", "list", "2026", lang="sv").stdout


def test_grouping_in_swedish_never_breaks_a_number(unit) -> None:
    unit.ok("budget", "set", "2026", "Arbetsmarknad", "Personalkostnader", "4 300 000", "--new")
    shown = unit.ok("budget", "show", "2026", lang="sv").stdout
    assert f"4{NBSP}300" in shown and "4 300" not in shown
    assert "4300" in unit.ok("budget", "show", "2026", "--format", "csv", lang="sv").stdout
