"""Adding months, the one way: a month gives a month, a day the same day of the month reached."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from ekbist.months import (
    month_add,
    month_end,
    month_index,
    month_of,
    months_between,
    sql_month_index,
)


@pytest.mark.parametrize(("month", "n", "expected"), [
    ("2026-01", 0, "2026-01"), ("2026-01", 1, "2026-02"), ("2026-12", 1, "2027-01"),
    ("2026-01", -1, "2025-12"), ("2026-03", -14, "2025-01"), ("2026-11", -11, "2025-12"),
    ("0001-01", 1, "0001-02"),
])
def test_a_month_plus_n_months(month, n, expected):
    assert month_add(month, n) == expected


@pytest.mark.parametrize(("day", "n", "expected"), [
    (date(2026, 1, 31), 1, date(2026, 2, 28)),    # February is shorter: its last day
    (date(2028, 1, 31), 1, date(2028, 2, 29)),    # a leap year
    (date(2026, 3, 31), -1, date(2026, 2, 28)),
    (date(2026, 5, 31), 1, date(2026, 6, 30)),
    (date(2026, 11, 30), 3, date(2027, 2, 28)),   # three months over the new year
    (date(2026, 8, 15), 3, date(2026, 11, 15)),
    (date(2026, 2, 28), 1, date(2026, 3, 28)),    # not the month's end again: the same day
    (date(2026, 1, 1), -12, date(2025, 1, 1)),
])
def test_a_day_plus_n_calendar_months(day, n, expected):
    assert month_add(day, n) == expected


def test_month_helpers_agree():
    assert month_of(2026, 2) == "2026-02"
    assert months_between("2025-11", "2026-02") == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert months_between("2026-02", "2026-01") == []
    assert month_end("2028-02") == date(2028, 2, 29)
    assert month_end("2026-11", today=date(2026, 11, 25)) == date(2026, 11, 25)


@pytest.mark.parametrize(("later", "earlier", "distance"), [
    ("2026-01", "2025-12", 1), ("2026-12", "2026-01", 11), ("2027-01", "2026-01", 12),
    ("2025-01", "2026-12", -23), (date(2026, 3, 31), "2026-03", 0),
    (date(2026, 1, 1), date(2025, 12, 31), 1),
])
def test_a_distance_in_months_is_a_difference_of_indices(later, earlier, distance):
    assert month_index(later) - month_index(earlier) == distance
    # month_add is its inverse, and the SQL reads a month or a day the same way.
    assert month_add(str(earlier)[:7], distance) == str(later)[:7]
    with sqlite3.connect(":memory:") as con:
        assert con.execute(f"SELECT {sql_month_index(':m')}", {"m": str(later)}).fetchone()[0] \
            == month_index(later)


# -- a month typed on the command line: the shared MONTH type ---------------------------------
@pytest.mark.parametrize(("args", "lang", "line"), [
    (("caseload", "history", "--from", "2026-13", "--to", "2027-01"), "en",
     "error: --from: '2026-13' is not a month (YYYY-MM)"),
    (("caseload", "history", "--from", "2026-01", "--to", "2026-1"), "en",
     "error: --to: '2026-1' is not a month (YYYY-MM)"),
    (("demo", "--end", "2026-00"), "en", "error: --end: '2026-00' is not a month (YYYY-MM)"),
    (("demo", "--end", "dec"), "sv", "fel: --end: 'dec' är ingen månad (ÅÅÅÅ-MM)"),
])
def test_a_bad_month_option_is_one_error_line_and_exit_1(tmp_path, args, lang, line):
    """Every command that takes the MONTH type refuses a bad month as the library does for
    every other month: one line naming the flag, exit 1, no usage block, nothing written."""
    from helpers.procs import run

    db = tmp_path / "unit.db"
    result = run(db, "--lang", lang, *args)
    assert (result.returncode, result.stderr, result.stdout) == (1, line + "\n", "")
    assert not db.exists()


def test_a_good_month_option_is_taken(tmp_path):
    from helpers.procs import run

    db = tmp_path / "unit.db"
    assert run(db, "init").returncode == 0
    result = run(db, "caseload", "history", "--from", "2026-11", "--to", "2026-12",
                 "--format", "json")
    assert result.returncode == 0, result.stderr
