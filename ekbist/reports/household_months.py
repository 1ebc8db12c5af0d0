"""The households with assistance, month by month: the atom every key figure counts.

A household (a case) has assistance in month M when a granted or partly granted
application with an amount above 0 has period M. This module holds the national
constants, the SQL building blocks the reports reuse, and the one pass that folds
every household's months into a bit mask (:func:`sql_month_masks`), from which
:mod:`ekbist.reports.indicators` and :mod:`ekbist.reports.long_term` count every window.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from operator import itemgetter
from typing import Any

from ekbist.months import month_index, sql_month_index
from ekbist.number_text import round_half_away
from ekbist.store import Store

# -- the national constants ------------------------------------------------------------------
LONG_TERM_MONTHS = 10  # of 12: Socialstyrelsen and Kolada
LONG_TERM_WINDOW = 12
VERY_LONG_TERM_WINDOW = 36  # the unit's own measure; the months needed are a setting
AT_RISK_MONTHS = (6, 9)  # of 12: "klienter som haft kontakt med enheten under sex-tio månader"
YOUNG_ADULT_MIN_AGE = 18
GENDERS = ("f", "m", "x", "unknown")

# -- SQL building blocks ---------------------------------------------------------------------
# The condition for an application that gives its household assistance in its period.
# Written exactly as the partial indexes application_granted(_case) are, so SQLite uses them.
SQL_PAYING = "a.decision IN ('granted', 'partly') AND a.amount > 0"


def sql_household_months(first: str = ":first", last: str = ":last") -> str:
    """One row per household and month with assistance from ``first`` to ``last`` (YYYY-MM).

    Columns ``case_id``, ``period`` and ``paid`` (kronor granted for that month, all
    applications together). Socialstyrelsen counts the month of payment; this counts
    the month the assistance is for.
    """
    return (f"SELECT a.case_id, a.period, sum(a.amount) AS paid FROM application a "
            f"WHERE {SQL_PAYING} AND a.period BETWEEN {first} AND {last} "
            f"GROUP BY a.case_id, a.period")


def sql_months_per_household(first: str = ":first", last: str = ":last") -> str:
    """Households with assistance in the window and how many of its months: ``case_id, months``."""
    return (f"SELECT hm.case_id, count(*) AS months FROM ({sql_household_months(first, last)}) hm "
            f"GROUP BY hm.case_id")


def sql_long_term(first: str = ":first", last: str = ":last", low: str = ":low",
                  high: str = ":high") -> str:
    """Households with assistance in ``low``–``high`` months of the window: ``case_id, months``.

    Long-term (Socialstyrelsen, Kolada): 10–12 of the 12 months of a calendar year.
    The seed's unit uses the rolling last twelve months; the same block serves both,
    the at-risk households (6–9 of 12) and the unit's very long-term measure.
    """
    return (f"SELECT m.case_id, m.months FROM ({sql_months_per_household(first, last)}) m "
            f"WHERE m.months BETWEEN {low} AND {high}")


def sql_household_summary(households: str, year: str = ":year", young_max: str = ":young_max") -> str:
    """Counts over the cases whose id is in the subquery ``households`` (a ``case_id`` column).

    Persons are the case's recorded adults and children. Young adults (Kolada: 18–24)
    are applicants whose age in ``year`` (``year`` − birth year, the age reached during
    the year) is 18 to ``young_max``; unknown birth years are counted, never guessed.
    """
    return f"""
        SELECT count(*) AS households,
               coalesce(sum(c.adults), 0) AS adults,
               coalesce(sum(c.children), 0) AS children,
               coalesce(sum(c.gender = 'f'), 0) AS gender_f,
               coalesce(sum(c.gender = 'm'), 0) AS gender_m,
               coalesce(sum(c.gender = 'x'), 0) AS gender_x,
               coalesce(sum(c.gender IS NULL), 0) AS gender_unknown,
               coalesce(sum(c.adults * (c.gender = 'f')), 0) AS adults_f,
               coalesce(sum(c.adults * (c.gender = 'm')), 0) AS adults_m,
               coalesce(sum(c.children > 0), 0) AS with_children,
               coalesce(sum(c.children > 0 AND c.homeless = 1), 0) AS homeless_with_children,
               coalesce(sum(c.birth_year IS NOT NULL
                            AND {year} - c.birth_year BETWEEN {YOUNG_ADULT_MIN_AGE} AND {young_max}),
                        0) AS young_adults,
               coalesce(sum(c.birth_year IS NULL), 0) AS birth_year_unknown
        FROM cases c WHERE c.id IN ({households})"""


def sql_closed(first_day: str = ":first_day", last_day: str = ":last_day") -> str:
    """Cases closed from ``first_day`` to ``last_day`` by reason: ``close_reason, n``.

    The seed's annual report counts closed households and why ("84 gått till egen
    försörjning genom arbete, 20 till studier och 14 har beviljats sjukersättning").
    """
    return (f"SELECT c.close_reason, count(*) AS n FROM cases c "
            f"WHERE c.closed BETWEEN {first_day} AND {last_day} GROUP BY c.close_reason")


def sql_waiting_days(first_day: str = ":first_day", last_day: str = ":last_day") -> str:
    """Days from first contact to decision for new applicants whose first contact is in the window.

    U31402 (Kolada): mean days from the first contact about an application at a new
    visit to the decision; measured January–June. Only applications with a first
    contact (set for new applicants only) and a decision count; a withdrawn
    application has no decision on assistance and is left out.
    """
    return (f"SELECT CAST(julianday(a.decided) - julianday(a.first_contact) AS INTEGER) AS days "
            f"FROM application a WHERE a.first_contact BETWEEN {first_day} AND {last_day} "
            f"AND a.decided IS NOT NULL AND a.decision <> 'withdrawn'")


# -- counting -----------------------------------------------------------------------------
def share(part: int | float | None, whole: int | float | None) -> float | None:
    if part is None or not whole:
        return None
    return round_half_away(part / whole, 4)


def sql_month_masks(span_first: str = ":span_first", last: str = ":last",
                    base: str = ":base", *, cases: str | None = None) -> str:
    """One row per household with assistance from ``span_first`` to ``last``: ``case_id, mask``.

    Bit *i* of ``mask`` is set when the household has assistance in the *i*-th month
    after ``span_first`` (``base`` is that month's index, year × 12 + month − 1). It is
    :func:`sql_household_months` folded into one integer per household, so that every
    window (the period, the calendar year, the rolling 12 and the 36 months, this year
    and last) is counted from one pass over the applications: the count of months in a
    window is the number of bits set in ``mask`` within it. ``cases``, a subquery of case
    ids, keeps to those households.
    """
    index = sql_month_index("a.period")
    only = f"AND a.case_id IN ({cases}) " if cases else ""
    return (f"SELECT a.case_id, sum(DISTINCT 1 << ({index} - {base})) AS mask "
            f"FROM application a INDEXED BY application_granted_case "
            f"WHERE {SQL_PAYING} AND a.period BETWEEN {span_first} AND {last} {only}"
            f"GROUP BY a.case_id")

def window_bits(span_first: str, first: str, last: str) -> int:
    """The bits of the months ``first`` to ``last`` in a mask starting at ``span_first``."""
    low = max(0, month_index(first) - month_index(span_first))
    high = month_index(last) - month_index(span_first)
    return ((1 << (high - low + 1)) - 1) << low if high >= low else 0

def sql_month_sums(span_first: str = ":span_first", last: str = ":last",
                   base: str = ":base") -> str:
    """:func:`sql_month_masks` without its DISTINCT: ``case_id, mask, n``, ``mask`` the sum
    of one bit per paying application and ``n`` their number.

    Summing without DISTINCT spares SQLite a sort per household; it is the mask exactly
    when no two of the household's applications are for the same month, which is exactly
    when ``mask`` has ``n`` bits set (two equal bits added carry into one). A household
    where that fails is counted again with DISTINCT (:func:`household_rows`).
    """
    index = sql_month_index("a.period")
    return (f"SELECT a.case_id, sum(1 << ({index} - {base})) AS mask, count(*) AS n "
            f"FROM application a INDEXED BY application_granted_case "
            f"WHERE {SQL_PAYING} AND a.period BETWEEN {span_first} AND {last} "
            f"GROUP BY a.case_id")

def household_rows(store: Store, span_first: str, last: str) -> list[tuple]:
    """Every household with assistance in the span: its month mask and case fields
    (``mask, adults, children, gender, homeless, birth_year``, then two columns for this
    function's own use).

    One pass over the paying applications (:func:`sql_month_sums`); the few households
    with two applications for one month are folded again with DISTINCT
    (:func:`sql_month_masks`), and so is every household should a sum overflow (tens of
    thousands of applications of one household in one month)."""
    params = {"span_first": span_first, "last": last, "base": month_index(span_first)}
    fields = "c.adults, c.children, c.gender, c.homeless, c.birth_year"
    try:
        summed = store.tuples(
            f"""SELECT m.mask, {fields}, m.n, c.id
                FROM ({sql_month_sums()}) m JOIN cases c ON c.id = m.case_id""",
            params).fetchall()
    except sqlite3.OperationalError as exc:
        if "overflow" not in str(exc):
            raise
        return store.tuples(
            f"""SELECT m.mask, {fields}, NULL, c.id
                FROM ({sql_month_masks()}) m JOIN cases c ON c.id = m.case_id""",
            params).fetchall()
    rows = [r for r in summed if r[0].bit_count() == r[6]]
    if len(rows) < len(summed):
        repeated = [r[7] for r in summed if r[0].bit_count() != r[6]]
        rows += store.tuples(
            f"""SELECT m.mask, {fields}, NULL, c.id
                FROM ({sql_month_masks(cases="SELECT value FROM json_each(:ids)")}) m
                JOIN cases c ON c.id = m.case_id""",
            {**params, "ids": json.dumps(repeated)}).fetchall()
    return rows

def sql_paid(first: str = ":first", last: str = ":last") -> str:
    """Kronor granted for the months ``first`` to ``last`` (the month the assistance is for)."""
    return (f"SELECT coalesce(sum(a.amount), 0) FROM application a "
            f"WHERE {SQL_PAYING} AND a.period BETWEEN {first} AND {last}")

_GENDER_KEY = {"f": "gender_f", "m": "gender_m", "x": "gender_x"}

def tally(rows: list[tuple], windows: list[tuple[int, int]], year: int,
           young_max: int) -> list[dict[str, int]]:
    """For each window (bits, least months): the households with at least that many months
    within the bits, and their people.

    The rows chosen for a window are counted by their case fields (adults, children,
    gender, homeless, birth year), which few distinct combinations take, so the sums run
    over those combinations instead of over every household; a window asked for twice (a
    whole year's period, calendar and rolling windows are the same months) is counted once.
    """
    oldest, youngest = year - young_max, year - YOUNG_ADULT_MIN_AGE
    fields = itemgetter(1, 2, 3, 4, 5)
    done: dict[tuple[int, int], dict[str, int]] = {}
    for bits, least in windows:
        if (bits, least) in done:
            continue
        if least <= 1:
            chosen = [r for r in rows if r[0] & bits] if least == 1 else rows
        else:
            chosen = [r for r in rows if (r[0] & bits).bit_count() >= least]
        counts = {"households": len(chosen), "adults": 0, "children": 0, "gender_f": 0,
                  "gender_m": 0, "gender_x": 0, "gender_unknown": 0, "with_children": 0,
                  "homeless_with_children": 0, "young_adults": 0, "birth_year_unknown": 0}
        for (adults, children, gender, homeless, birth), n in Counter(
                map(fields, chosen)).items():
            counts["adults"] += adults * n
            counts["children"] += children * n
            counts[_GENDER_KEY.get(gender, "gender_unknown")] += n
            if children:
                counts["with_children"] += n
                if homeless:
                    counts["homeless_with_children"] += n
            if birth is None:
                counts["birth_year_unknown"] += n
            elif oldest <= birth <= youngest:
                counts["young_adults"] += n
        done[(bits, least)] = counts
    return [dict(done[(bits, least)]) for bits, least in windows]

def per_month(rows: list[tuple], span_first: str, months: list[str]) -> list[dict[str, Any]]:
    """The households with assistance in each of ``months`` (consecutive, within the span):
    the rows that share a pattern of months are counted once per pattern."""
    low = month_index(months[0]) - month_index(span_first)
    patterns = Counter((row[0] >> low) & ((1 << len(months)) - 1) for row in rows)
    return [{"month": m, "households": sum(n for p, n in patterns.items() if p >> i & 1)}
            for i, m in enumerate(months)]
