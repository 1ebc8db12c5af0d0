"""Names are checked: a typo in an activity or a line is refused with the closest known name."""

from __future__ import annotations

import pytest

from ekbist import budget
from ekbist.errors import EkbistError

ASSISTANCE = "Ekonomiskt bistånd/handläggning"
LABOUR = "Arbetsmarknad"


@pytest.fixture
def year_2026(cli):
    cli.ok("init")
    cli.ok("budget", "set", "2026", ASSISTANCE, "Personalkostnader", "16 849 000")
    cli.ok("budget", "set", "2026", LABOUR, "Bidrag", "2 516 000", "--new")
    return cli


def _activities(cli) -> set[str]:
    out = cli.ok("budget", "show", "2026", "--format", "csv").output.splitlines()[1:]
    out += cli.ok("actuals", "show", "2026", "--format", "csv").output.splitlines()[1:]
    return {row.split(",")[1 if row.count(",") == 4 else 2] for row in out}


def test_a_typo_in_an_activity_is_refused_with_did_you_mean(year_2026):
    cli = year_2026
    line = cli.fails("budget", "set", "2026", "Ekonomiskt bistand/handlaggning", "Bidrag", "1")
    assert line == ("error: no activity 'Ekonomiskt bistand/handlaggning' in 2026 — did you mean "
                    f"'{ASSISTANCE}'? (known: {ASSISTANCE}, {LABOUR}; give --new to add a new "
                    "activity)")
    line = cli.fails("actuals", "set", "2026", "11", "Arbetsmarknd", "Bidrag", "5000")
    assert f"— did you mean '{LABOUR}'?" in line
    assert _activities(cli) == {ASSISTANCE, LABOUR}
    # Case and spacing are not typos; the stored spelling is kept.
    out = cli.ok("actuals", "set", "2026", "11", "  arbetsmarknad ", "Bidrag", "5000").output
    assert f"{LABOUR} · Bidrag" in out


def test_new_adds_an_activity_and_other_years_names_are_known(year_2026):
    cli = year_2026
    cli.ok("budget", "set", "2026", "Våld i nära relation", "Personalkostnader", "1000", "--new")
    assert "Våld i nära relation" in _activities(cli)
    # Next year goes on with this year's activities without --new.
    cli.ok("budget", "set", "2027", LABOUR, "Bidrag", "2 600 000")
    far_off = cli.fails("budget", "set", "2027", "Ekonomiskt", "Bidrag", "1")
    assert "did you mean" not in far_off and "give --new" in far_off


def test_a_typo_in_a_line_is_refused_with_did_you_mean(year_2026):
    line = year_2026.fails("budget", "set", "2026", LABOUR, "Personalkostander", "1")
    assert line.startswith("error: unknown budget line 'Personalkostander' — did you mean "
                           "'Personalkostnader'? (known: ")
    assert line.endswith("'ekbist budget add-line' adds one)")


def test_swedish(year_2026):
    line = year_2026.fails("actuals", "set", "2026", "11", "Arbetsmarknd", "Bidrag", "5", lang="sv")
    assert f"— menade du '{LABOUR}'?" in line


def test_library_refuses_unless_new(store):
    budget.set_budget(store, 2026, LABOUR, "Bidrag", 1)  # the store's first activity
    with pytest.raises(EkbistError, match="did you mean 'Arbetsmarknad'"):
        budget.set_actual(store, 2026, 1, "Arbetsmarknd", "Bidrag", 1, new=False)
    budget.set_actual(store, 2026, 1, "Ny verksamhet", "Bidrag", 1, new=True)
    assert budget.activities(store, 2026) == [LABOUR, "Ny verksamhet"]


def _workbook(path, title, rows):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_an_import_refuses_an_unknown_activity_as_the_command_line_does(year_2026, tmp_path):
    path = _workbook(tmp_path / "utfall.xlsx", "Utfall", (
        ["År", "Månad", "Verksamhet", "Budgetrad", "Belopp"],
        [2026, 11, "arbetsmarknad", "Bidrag", 5000],   # known, other case
        [2026, 11, "Arbetsmarknd", "Bidrag", 6000],    # a typo
        [2026, 10, "Arbetsmarknd", "Bidrag", 6000]))   # the same typo again: one error
    cli = year_2026
    result = cli("import", str(path))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "Utfall!C3: 'Arbetsmarknd' — no activity of that name in any year — did you mean "
        "'Arbetsmarknad'? (give --new to add a new activity) (also in 1 more cell)",
        "error: 1 problem found — nothing was written"]
    assert _activities(cli) == {ASSISTANCE, LABOUR}
    assert cli.ok("actuals", "show", "2026", "--format", "csv").output.count("\n") == 1


def test_new_takes_an_unknown_activity_and_lists_it(year_2026, tmp_path):
    import json

    path = _workbook(tmp_path / "utfall.xlsx", "Utfall", (
        ["År", "Månad", "Verksamhet", "Budgetrad", "Belopp"],
        [2026, 11, "arbetsmarknad", "Bidrag", 5000],
        [2026, 11, "Våld i nära relation", "Bidrag", 6000]))
    cli = year_2026
    dry = cli.ok("import", str(path), "--dry-run", "--new").output
    assert "New activities (no year has them yet — check the spelling): Våld i nära relation" in dry
    data = json.loads(cli.ok("import", str(path), "--dry-run", "--new", "--format", "json").output)
    assert data["new_activities"] == ["Våld i nära relation"]
    cli.ok("import", str(path), "--new")
    # The known one kept its stored spelling.
    assert _activities(cli) == {ASSISTANCE, LABOUR, "Våld i nära relation"}


def test_a_store_without_activities_takes_the_first_names(cli, tmp_path):
    cli.ok("init")
    path = _workbook(tmp_path / "budget.xlsx", "Budget", (
        ["År", "Verksamhet", "Budgetrad", "Belopp"],
        [2026, LABOUR, "Bidrag", 5000], [2026, "Stöd", "Bidrag", 6000]))
    out = cli.ok("import", str(path)).output
    assert f"check the spelling): {LABOUR}, Stöd" in out


WIDE = ["Rad", "jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]


def test_the_controllers_wide_sheet_names_the_cell_that_holds_the_name(year_2026, tmp_path):
    months = [100] * 10 + [None, None]
    path = _workbook(tmp_path / "utfall.xlsx", "Utfall 2026", (
        ["Utfall 2026 (kr)"],
        ["Enhet: Arbetsmarknd"],                   # A2: a typo in a heading
        WIDE,
        ["Bidrag", *months],
        ["Personalkostnder", *months],             # A5: a typo in a line, ten months
        ["Enhet: Arbetsmarknad"],
        ["Personalkostnder", *months]))            # A7: the same typo
    result = year_2026("import", str(path))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "'Utfall 2026'!A2: 'Arbetsmarknd' — no activity of that name in any year — did you "
        "mean 'Arbetsmarknad'? (give --new to add a new activity)",
        "'Utfall 2026'!A5: 'Personalkostnder' — unknown budget line — did you mean "
        "'Personalkostnader'? ('ekbist budget lines' lists them; 'ekbist budget add-line' adds "
        "one) (also in 1 more cell)",
        "error: 2 problems found — nothing was written"]
    swedish = year_2026("import", str(path), lang="sv").stderr
    assert "menade du 'Arbetsmarknad'?" in swedish and "ange --new" in swedish
    # Corrected, it goes in.
    fixed = tmp_path / "utfall_rättat.xlsx"
    _workbook(fixed, "Utfall 2026", (["Utfall 2026 (kr)"], ["Enhet: Arbetsmarknad"], WIDE,
                                      ["Bidrag", *months], ["Personalkostnader", *months]))
    year_2026.ok("import", str(fixed))
    assert _activities(year_2026) == {ASSISTANCE, LABOUR}


def test_the_wide_sheet_names_what_it_does_not_read(year_2026, tmp_path):
    months = [100] * 10 + [None, None]
    path = _workbook(tmp_path / "utfall.xlsx", "Utfall 2026", (
        ["Utfall 2026 (kr)"],
        ["Enhet: Arbetsmarknad"],
        [*WIDE, None, "Kommentar"],
        ["Intäkter", *[None] * 12, None, "se bilaga"],          # a comment on a group row
        ["Bidrag", *months, None, "högre än väntat"],             # O5
        ["Personalkostnader", *months, "glömd siffra", None]))    # N6: an empty column
    result = year_2026.ok("import", str(path))
    assert result.stderr.splitlines() == [
        "warning: 'Utfall 2026'!N6: 'glömd siffra' — not read: ekbist reads the line, activity, "
        "year, month and total columns",
        "warning: 'Utfall 2026'!O4: 'se bilaga' — not read: ekbist reads the line, activity, "
        "year, month and total columns (and 1 more cell in this column)"]
    assert "Actuals" in result.output   # imported: a warning, not a refusal
    # A figure on the group row makes it a line, and an unknown one: refused at its cell.
    path = _workbook(tmp_path / "utfall2.xlsx", "Utfall 2026", (
        ["Utfall 2026 (kr)"], ["Enhet: Arbetsmarknad"], WIDE,
        ["Intäkter", 5, *[None] * 11], ["Bidrag", *months]))
    line = year_2026.fails("import", str(path), "--dry-run")
    assert "problem" in line
    assert "'Utfall 2026'!A4: 'Intäkter' — unknown budget line" in year_2026(
        "import", str(path), "--dry-run").stderr
