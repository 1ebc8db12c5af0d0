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


def test_an_import_lists_new_activities_in_the_dry_run_and_the_report(year_2026, tmp_path):
    import openpyxl

    path = tmp_path / "utfall.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Utfall"
    for row in (["År", "Månad", "Verksamhet", "Budgetrad", "Belopp"],
                [2026, 11, "arbetsmarknad", "Bidrag", 5000],   # known, other case
                [2026, 11, "Arbetsmarknd", "Bidrag", 6000]):    # a typo: new
        sheet.append(row)
    book.save(path)
    cli = year_2026
    dry = cli.ok("import", str(path), "--dry-run").output
    assert "New activities (no year has them yet — check the spelling): Arbetsmarknd" in dry
    assert "Dry run" in dry
    import json

    data = json.loads(cli.ok("import", str(path), "--dry-run", "--format", "json").output)
    assert data["new_activities"] == ["Arbetsmarknd"]
    done = cli.ok("import", str(path)).output
    assert "New activities (no year has them yet — check the spelling): Arbetsmarknd" in done
    # The known one kept its stored spelling.
    assert _activities(cli) == {ASSISTANCE, LABOUR, "Arbetsmarknd"}
