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
