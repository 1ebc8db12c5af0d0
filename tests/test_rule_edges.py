"""Both sides of every rule, and its edge: the value just below, on and just above each limit.

The expected values are counted by hand (the check digit by its own small Luhn sum
below, independent of ekbist's), never taken from the code under test.
"""

from __future__ import annotations

import calendar as std_calendar
import json
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ekbist.secrecy import looks_like_personnummer

TODAY = date(2026, 11, 25)


# -- the secrecy gate -----------------------------------------------------------------------------
def check_digit(nine: str) -> int:
    """The Luhn check digit of the nine digits YYMMDDNNN (weights 2, 1, 2, …)."""
    total = 0
    for i, ch in enumerate(nine):
        product = int(ch) * (2 - i % 2)
        total += product // 10 + product % 10
    return (10 - total % 10) % 10


def test_check_digit_by_hand() -> None:
    # The Swedish Tax Agency's example 811218-9876: 8·2 1 1·2 2 1·2 8 9·2 8 7·2 →
    # 1+6 + 1 + 2 + 2 + 2 + 8 + 1+8 + 8 + 1+4 = 44 → 10 − 4 = 6.
    assert check_digit("811218987") == 6
    assert check_digit("121212121") == 2  # 19121212-1212, the standard test number


def spellings(birth: date, serial: int, digit: int, *, coordination: bool) -> list[object]:
    """The standard ways a personnummer is written, for one birth date and last four digits."""
    day = birth.day + (60 if coordination else 0)
    yymmdd = f"{birth.year % 100:02d}{birth.month:02d}{day:02d}"
    century = f"{birth.year // 100:02d}"
    tail = f"{serial:03d}{digit}"
    forms: list[object] = [f"{century}{yymmdd}-{tail}", f"{century}{yymmdd}{tail}",
                           f"{yymmdd}-{tail}", f"{yymmdd}{tail}", int(f"{century}{yymmdd}{tail}"),
                           f"klient {century}{yymmdd}-{tail}, ansökan"]
    if birth.year % 100 >= 10:
        forms.append(int(f"{yymmdd}{tail}"))  # a number cell (a leading zero would be lost)
    if birth.year <= TODAY.year - 100:
        forms.append(f"{yymmdd}+{tail}")  # a hundred years old or more
    return forms


BIRTHS = st.dates(min_value=date(1900, 1, 1), max_value=TODAY)


@settings(max_examples=300, deadline=None)
@given(birth=BIRTHS, serial=st.integers(0, 999), coordination=st.booleans())
def test_every_valid_number_is_refused(birth: date, serial: int, coordination: bool) -> None:
    day = birth.day + (60 if coordination else 0)
    digit = check_digit(f"{birth.year % 100:02d}{birth.month:02d}{day:02d}{serial:03d}")
    for spelling in spellings(birth, serial, digit, coordination=coordination):
        assert looks_like_personnummer(spelling), spelling


@settings(max_examples=300, deadline=None)
@given(birth=BIRTHS, serial=st.integers(0, 999), coordination=st.booleans(),
       off=st.integers(1, 9))
def test_a_wrong_check_digit_passes(birth: date, serial: int, coordination: bool, off: int) -> None:
    day = birth.day + (60 if coordination else 0)
    right = check_digit(f"{birth.year % 100:02d}{birth.month:02d}{day:02d}{serial:03d}")
    for spelling in spellings(birth, serial, (right + off) % 10, coordination=coordination):
        assert not looks_like_personnummer(spelling), spelling


def impossible_dates() -> st.SearchStrategy[tuple[int, int, int]]:
    """(year, month, day) that no calendar has: month 0 or 13+, day 0, a day past the month."""
    years = st.integers(1901, 2026).filter(lambda y: y % 4)  # 29 February never exists
    bad_month = st.tuples(years, st.sampled_from([0, 13, 19, 20, 99]), st.integers(1, 28))
    day_zero = st.tuples(years, st.integers(1, 12), st.just(0))
    past_end = years.flatmap(lambda y: st.integers(1, 12).flatmap(
        lambda m: st.tuples(st.just(y), st.just(m),
                            st.integers(std_calendar.monthrange(y, m)[1] + 1, 32))))
    # Past every month's end (32–59), or the samordningsnummer range past it (61+32 … 99).
    past_all = st.tuples(years, st.integers(1, 12), st.sampled_from([32, 45, 59, 60, 92, 99]))
    return st.one_of(bad_month, day_zero, past_end, past_all)


@settings(max_examples=300, deadline=None)
@given(when=impossible_dates(), serial=st.integers(0, 999))
def test_an_impossible_date_passes(when: tuple[int, int, int], serial: int) -> None:
    year, month, day = when
    yymmdd = f"{year % 100:02d}{month:02d}{day:02d}"
    digit = check_digit(f"{yymmdd}{serial:03d}")
    for spelling in (f"{year // 100}{yymmdd}-{serial:03d}{digit}", f"{yymmdd}-{serial:03d}{digit}",
                     f"{year // 100}{yymmdd}{serial:03d}{digit}"):
        assert not looks_like_personnummer(spelling), spelling


def test_leap_days_and_coordination_days_at_their_edges() -> None:
    def number(yymmdd: str, serial: str = "123") -> str:
        return f"{yymmdd}-{serial}{check_digit(yymmdd + serial)}"

    assert looks_like_personnummer(number("960229"))  # 1996 is a leap year
    assert not looks_like_personnummer(number("970229"))  # neither 1997 nor 2097 is
    # Born 29 February 2000 (2000 is a leap year, 1900 is not): without the century the
    # number is still someone's, and must be refused.
    assert looks_like_personnummer(number("000229"))
    assert looks_like_personnummer("20" + number("000229"))
    assert not looks_like_personnummer("19" + number("000229"))
    # Samordningsnummer: the day plus 60, from 61 (the 1st) to 91 (the 31st).
    assert looks_like_personnummer(number("850161"))
    assert looks_like_personnummer(number("850191"))
    assert not looks_like_personnummer(number("850160"))  # day 0
    assert not looks_like_personnummer(number("850192"))  # 32 January
    assert not looks_like_personnummer(number("850431"))  # 31 April
    assert looks_like_personnummer(number("850490"))  # 30 April, samordningsnummer
    assert not looks_like_personnummer(number("850491"))  # 31 April, samordningsnummer
    # Nine or eleven digits are not a personnummer, even with a good check digit.
    assert not looks_like_personnummer(number("85012")[:-1])
    assert not looks_like_personnummer("1" + number("850115").replace("-", ""))
