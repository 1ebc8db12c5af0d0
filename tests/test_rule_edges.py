"""Both sides of every rule, and its edge: the value just below, on and just above each limit.

The expected values are counted by hand (the check digit by its own small Luhn sum
below, independent of ekbist's), never taken from the code under test.
"""

from __future__ import annotations

import calendar as std_calendar
from datetime import date

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
    # What a unit really stores passes: case and application numbers, short codes, amounts.
    for ordinary in ("", "C-1", "A-123", "K2026-0412", "2026-11-25", 7643, 44_400_000, None,
                     "Ekonomiskt bistånd/handläggning"):
        assert not looks_like_personnummer(ordinary), ordinary
    # Nine or eleven digits are not a personnummer, even with a good check digit.
    assert not looks_like_personnummer(number("85012")[:-1])
    assert not looks_like_personnummer("1" + number("850115").replace("-", ""))


# -- the caseload limit -----------------------------------------------------------------------------
def findings(db_path, today: date, only: str) -> list[tuple[str, str]]:
    """(kind, subject) of what ``ekbist check --only ONLY`` finds on ``today``."""
    from ekbist import check
    from ekbist.store import Store

    with Store.open(db_path, readonly=True) as store:
        return [(f.kind, f.subject) for f in check.run(store, today, only=[only]).findings]


@pytest.mark.parametrize(("cases", "flagged"), [(3, False), (4, False), (5, True)])
def test_caseload_limit_flags_only_above_it(unit, db_path, cases: int, flagged: bool) -> None:
    from ekbist import caseload
    from ekbist.store import Store

    # Cia works full time and holds C-3; the limit is 4 cases per FTE.
    unit.ok("settings", "set", "caseload.max_per_fte", "4")
    for i in range(cases - 1):
        unit.ok("case", "open", f"L-{i}", "--handler", "cia", "--opened", "2026-10-01")
    with Store.open(db_path, readonly=True) as store:
        rows = {h["id"]: h for h in caseload.current(store, TODAY)["handlers"]}
    assert rows["cia"]["per_fte"] == cases
    assert rows["cia"]["flagged"] is flagged
    assert rows["bo"]["flagged"] is False  # 2 cases on 0.5 FTE: 4.0, on the limit
    over = [s for k, s in findings(db_path, TODAY, "caseload") if k == "over_caseload_limit"]
    assert over == (["cia"] if flagged else [])


# -- an incomplete application waiting ------------------------------------------------------------------
@pytest.mark.parametrize(("as_of", "waited", "flagged"), [
    ("2026-11-19", 9, False), ("2026-11-20", 10, False), ("2026-11-23", 11, True)])
def test_incomplete_application_flagged_after_ten_working_days(unit, db_path, as_of, waited,
                                                               flagged) -> None:
    from ekbist import handling_time
    from ekbist.store import Store

    # Arrived Monday 9 November 2026, still incomplete. Counting the arrival day as 1:
    # 9 10 11 12 13 | 16 17 18 19 → 9 on the 19th, 10 on Friday the 20th, 11 on Monday the 23rd.
    unit.ok("application", "add", "C-1", "--period", "2026-11", "--received", "2026-11-09",
            "--id", "A-wait")
    with Store.open(db_path, readonly=True) as store:
        rows = handling_time.open_applications(store, date.fromisoformat(as_of))
    row = next(r for r in rows if r["id"] == "A-wait")
    assert row["working_days_since_arrival"] == waited
    assert row["flagged"] is flagged


# -- the plan grace period ------------------------------------------------------------------------------
def rows_by_case(db_path, listing, **options) -> dict[str, dict]:
    """The rows a plans listing (``plans.due``, …) gives on TODAY, by case."""
    from ekbist.store import Store

    with Store.open(db_path, readonly=True) as store:
        return {r["case"]: r for r in listing(store, as_of=TODAY, **options)}


@pytest.mark.parametrize(("opened", "listed"), [
    ("2026-08-28", False), ("2026-08-27", False), ("2026-08-26", True)])
def test_a_case_needs_a_change_plan_after_ninety_days(unit, db_path, opened, listed) -> None:
    from ekbist import plans

    # 25 November 2026 − 90 days = 27 August: a case opened that day is exactly 90 days old
    # and still within its grace; one opened the 26th is 91 days old and past it.
    unit.ok("case", "open", "G-1", "--handler", "cia", "--opened", opened)
    never = set(rows_by_case(db_path, plans.cases_past_grace_without_plan))
    assert ("G-1" in never) is listed
    assert {"C-1", "C-2"} <= never  # opened in January and March, never a plan
    assert "C-4" not in never  # opened 2 November


# -- a follow-up due today ----------------------------------------------------------------------------
@pytest.mark.parametrize(("next_followup", "overdue"), [
    ("2026-11-26", False), ("2026-11-25", False), ("2026-11-24", True)])
def test_a_follow_up_due_today_is_not_overdue(unit, db_path, next_followup, overdue) -> None:
    from ekbist import plans

    unit.ok("plan", "add", "C-3", "--made", "2026-08-25", "--next", next_followup)
    late = set(rows_by_case(db_path, plans.overdue_followups))
    due = rows_by_case(db_path, plans.due, within=0)
    assert ("C-3" in late) is overdue
    if next_followup <= "2026-11-25":
        assert due["C-3"]["overdue"] is overdue
    else:
        assert "C-3" not in due  # tomorrow is outside a window of 0 days
    assert (("followup_overdue", "C-3") in findings(db_path, TODAY, "plans")) is overdue


# -- the prognosis warning ------------------------------------------------------------------------------
@pytest.mark.parametrize(("january", "warned"), [
    (101_999, False), (102_000, False), (102_001, True)])
def test_prognosis_warns_only_beyond_two_per_cent(cli, january: int, warned: bool) -> None:
    # Net budget 1 200 000 kr; January's run-rate × 12: 1 223 988 (1.999 % worse),
    # 1 224 000 (exactly 2 %: not beyond the limit) and 1 224 012 (2.001 %).
    cli.ok("init")
    cli.ok("budget", "set", "2026", "Ekonomiskt bistånd/handläggning", "Personalkostnader",
           "1200000")
    cli.ok("actuals", "set", "2026", "1", "Ekonomiskt bistånd/handläggning", "Personalkostnader",
           str(january))
    cli.ok("prognosis", "make", "--year", "2026", "--month", "1", "--save", today="2026-02-06")
    kinds = [k for k, _subject in findings(cli.db, date(2026, 2, 10), "budget")]
    assert kinds == (["prognosis_worse"] if warned else [])
    result = cli("check", "--only", "budget", today="2026-02-10")
    assert result.exit_code == (1 if warned else 0)


# -- money: whole kronor, with a millionth of a krona for a formula's float noise -------------------------
def test_whole_kronor_from_a_float_cell() -> None:
    from ekbist.money import parse_amount
    from ekbist.number_text import whole

    # Float noise from an Excel formula (far below a millionth of a krona) is that krona.
    for noisy, kronor in ((12.0000001, 12), (11.9999999, 12), (0.1 + 0.2 - 0.3, 0),
                          (7643.000000000001, 7643), (-44.0000001, -44)):
        assert whole(noisy) == kronor, noisy
        assert parse_amount(noisy, "amount") == kronor, noisy
    # A real fraction of a krona, however small, is refused: never rounded away.
    for fraction in (12.05, 12.5, 12.001, 12.00001, 11.99999, -44.05):
        assert whole(fraction) is None, fraction
        with pytest.raises(Exception, match="not whole kronor"):
            parse_amount(fraction, "amount")
    assert whole(12) == 12 and parse_amount(12, "amount") == 12


def test_amount_text_units_signs_and_the_millionth_of_a_krona() -> None:
    from ekbist.errors import EkbistError
    from ekbist.money import parse_amount

    # Every unit suffix multiplies by its own factor, in any case, with or without a space.
    for text, kronor in (("12 kr", 12), ("12 SEK", 12), ("12:-", 12), ("12 tkr", 12_000),
                         ("12 ksek", 12_000), ("12 tsek", 12_000), ("12 mnkr", 12_000_000),
                         ("12 mkr", 12_000_000), ("12 MSEK", 12_000_000), ("1,5 tkr", 1_500)):
        assert parse_amount(text, "amount") == kronor, text
    # A minus sign, an en dash or a hyphen all make the amount negative.
    assert [parse_amount(t, "amount") for t in ("\u221244", "\u201344", "-44")] == [-44] * 3
    # An amount given in tkr (factor 1 000), as an int, a float and text.
    assert [parse_amount(v, "amount", factor=1000) for v in (5111, 5111.0, "5 111")] == [
        5_111_000] * 3
    # Below, on and above a millionth of a krona of float noise.
    assert parse_amount(12.0000009999995, "amount") == 12
    for refused in (12.000001, 12.0000015, float("nan"), float("inf"), float("-inf"), True):
        with pytest.raises(EkbistError):
            parse_amount(refused, "amount")


def test_spreadsheet_number_text_at_its_edges() -> None:
    from ekbist.number_text import parse_number, whole

    assert [parse_number(t) for t in ("\u201344", "\u221244", "(44)", "15%", "5111kr")] == [
        -44, -44, -44, 0.15, 5111]
    # Half a pair of parentheses is not accounting notation: not a number at all.
    assert parse_number("(44") is None and parse_number("44)") is None
    # The tolerance is inclusive: on it is whole, past it is not (exact binary fractions).
    assert whole(12.25, tolerance=0.25) == 12
    assert whole(12.25, tolerance=0.125) is None
    assert whole(12.0000015) is None  # 1.5 millionths of a krona: a real fraction


def test_numbers_are_written_as_a_person_writes_them() -> None:
    from ekbist.number_text import format_number

    assert format_number(7643.5, swedish=True) == "7\u00a0643,5"  # a no-break space
    assert format_number(7643.5, swedish=False) == "7,643.5"
    assert format_number(1234567.125, swedish=True) == "1\u00a0234\u00a0567,125"
    assert format_number(12.0, swedish=True) == "12"
    # The ASCII hyphen-minus, so a value pasted into Excel stays a number.
    assert format_number(-44, swedish=True) == "-44"
    assert format_number(-44.5, swedish=True) == "-44,5"
    assert format_number(-44, swedish=False) == "-44"
    assert format_number(None, swedish=True) == ""


def test_rounding_halves_away_from_zero_with_either_sign() -> None:
    from ekbist.money import round_div, to_tkr

    # 7 ÷ 2 = 3.5 → 4; the sign may sit on either side of the division.
    assert [round_div(7, 2), round_div(-7, 2), round_div(7, -2), round_div(-7, -2)] == [4, -4, -4, 4]
    assert [round_div(5, 2), round_div(4, 2), round_div(7, 1), round_div(0, -3)] == [3, 2, 7, 0]
    # Just below, on and just above half a thousand kronor.
    assert [to_tkr(2499), to_tkr(2500), to_tkr(2501), to_tkr(-2500)] == [2, 3, 3, -3]
    with pytest.raises(ZeroDivisionError):
        round_div(1, 0)


def test_an_imported_money_cell_of_12_05_is_refused_not_rounded(unit, db_path, tmp_path) -> None:
    import openpyxl

    from ekbist.errors import ValidationErrors
    from ekbist.sheet_import import import_file
    from ekbist.store import Store

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Applications"
    ws.append(["Application", "Case", "Period", "Received", "Completed", "Decided", "Decision",
               "Amount"])
    for i, amount in enumerate((12.05, 7643.0000001, "12,05", "7 643,00", 5111), start=2):
        ws.append([f"M-{i}", "C-1", "2026-11", date(2026, 11, 2), date(2026, 11, 2),
                   date(2026, 11, 4), "granted", amount])
    wb.save(tmp_path / "money.xlsx")
    with Store.open(db_path) as store:
        with pytest.raises(ValidationErrors) as refused:
            import_file(store, tmp_path / "money.xlsx", today=TODAY)
        assert [p.split(" — ")[1] for p in refused.value.problems] == ["not whole kronor"] * 2
        assert [p.split(":")[0] for p in refused.value.problems] == [
            "Applications!H2", "Applications!H4"]
        ws.delete_rows(4)
        ws.delete_rows(2)
        wb.save(tmp_path / "money.xlsx")
        import_file(store, tmp_path / "money.xlsx", today=TODAY)
        assert store.query("SELECT id, amount FROM application ORDER BY id") == [
            {"id": "M-3", "amount": 7643}, {"id": "M-5", "amount": 7643}, {"id": "M-6", "amount": 5111}]


# -- the calendar's range ends ----------------------------------------------------------------------------
def test_calendar_range_ends_on_both_sides(store) -> None:
    from ekbist import working_days
    from ekbist.errors import EkbistError

    cal = working_days.WorkCalendar()
    assert cal.is_workday(date(1990, 1, 1)) is False  # nyårsdagen, the first day known
    assert cal.is_workday(date(1990, 1, 2)) is True
    assert cal.is_workday(date(2060, 12, 31)) is False  # nyårsafton, the last day known
    assert cal.is_workday(date(2060, 12, 30)) is True  # a Thursday
    for outside in (date(1989, 12, 31), date(2061, 1, 1)):
        with pytest.raises(EkbistError, match="outside the calendar"):
            cal.is_workday(outside)
    # 2 January 1990 was a Tuesday; 6 January (trettondedag jul) a Saturday: day 5 is Monday 8th.
    assert cal.deadline(date(1990, 1, 1)) == date(1990, 1, 8)
    assert cal.between(date(1990, 1, 1), date(1990, 1, 31)) == 22
    # The SQL index agrees on the first day, too (it has no day before it to count from).
    def sql(expr: str):
        return store.scalar(f"SELECT {expr}")

    assert sql(working_days.sql_deadline("'1990-01-01'", "5")) == "1990-01-08"
    assert sql(working_days.sql_between("'1990-01-01'", "'1990-01-31'")) == 22
    assert sql(working_days.sql_deadline("'2060-12-20'", "5")) == "2060-12-27"
    assert sql(working_days.sql_deadline("'2060-12-27'", "5")) is None  # past the last day known
    # The index holds the last day too: 28, 29 and 30 December 2060 work, the 31st does not.
    assert sql(working_days.sql_between("'2060-12-28'", "'2060-12-31'")) == 3
    assert sql("(SELECT is_workday FROM calendar_day WHERE day = '2060-12-31')") == 0
    with pytest.raises(EkbistError, match="outside the calendar"):
        cal.deadline(date(2060, 12, 27))


def test_a_closed_day_is_not_a_working_day_on_both_sides(store) -> None:
    from ekbist import working_days

    # Monday 28 December 2026 closed for planning: the days around it stay working days.
    closed = working_days.WorkCalendar({date(2026, 12, 28): "Planering"})
    assert closed.is_workday(date(2026, 12, 28)) is False
    assert closed.is_workday(date(2026, 12, 29)) is True
    assert working_days.WorkCalendar().is_workday(date(2026, 12, 28)) is True
    # Received Wednesday 23 December (day 1); 24 julafton, 25 juldagen, 26–27 weekend;
    # 28 (2), 29 (3), 30 (4); 31 nyårsafton, 1 nyårsdagen, 2–3 weekend; 4 January (5).
    # With the 28th closed, day 5 moves to Tuesday 5 January.
    assert working_days.WorkCalendar().deadline(date(2026, 12, 23)) == date(2027, 1, 4)
    assert closed.deadline(date(2026, 12, 23)) == date(2027, 1, 5)
    assert closed.between(date(2026, 12, 21), date(2026, 12, 31)) == 5  # 21 22 23 29 30
    working_days.close_day(store, date(2026, 12, 28), "Planering")
    assert working_days.WorkCalendar.from_store(store).closed_days == {date(2026, 12, 28): "Planering"}
    assert store.scalar(f"SELECT {working_days.sql_deadline(repr('2026-12-23'), '5')}") == "2027-01-05"


def test_holiday_names_follow_the_language() -> None:
    from ekbist.working_days import swedish_holidays

    christmas = date(2026, 12, 25)
    assert swedish_holidays(2026, "sv")[christmas] == swedish_holidays(2026)[christmas] == "Juldagen"
    assert "Christmas" in swedish_holidays(2026, "en")[christmas]


def test_non_working_weekdays_list_holidays_and_closed_weekdays_of_the_year_only() -> None:
    from ekbist import working_days

    cal = working_days.WorkCalendar({
        date(2026, 12, 28): "Planering",  # a Monday: listed with its reason
        date(2026, 12, 19): "Julfest",  # a Saturday: not a weekday, not listed
        date(2026, 12, 24): "Stängt",  # julafton, a Thursday: listed under its holiday name
        date(2027, 1, 7): "Utbildning",  # next year's: not listed in 2026
    })
    listed = dict(cal.non_working_weekdays(2026))
    assert listed[date(2026, 12, 28)] == "Planering"
    assert listed[date(2026, 12, 24)] == working_days.swedish_holidays(2026, "en")[date(2026, 12, 24)]
    assert listed[date(2026, 12, 24)] != "Stängt"
    assert date(2026, 12, 19) not in listed and date(2027, 1, 7) not in listed
    assert date(2026, 12, 26) not in listed  # annandag jul falls on a Saturday
    assert all(day.year == 2026 and day.weekday() < 5 for day in listed)


# -- handling time: the wait over 14 days, the calendar's ends, a store without its index ------------
@pytest.mark.parametrize(("decided", "wait", "over"), [
    ("2026-10-14", 13, False), ("2026-10-15", 14, False), ("2026-10-16", 15, True)])
def test_a_wait_counts_as_over_14_days_from_the_15th_day(store, decided, wait, over) -> None:
    from ekbist import applications, cases, handlers, handling_time

    # Three applications, all arrived and complete on Thursday 1 October 2026: two decided
    # the next day (working day 2, a wait of 1 day), the third on ``decided``. Counting
    # 1, 2, 5, 6, 7, 8, 9, 12, 13, 14 October, the 14th is working day 10 (late), the 15th
    # day 11 and the 16th day 12.
    handlers.add(store, "anna", name="Anna Andersson", team="intake", fte=1)
    cases.open_case(store, "C-1", handler="anna", opened=date(2026, 1, 5), today=TODAY)
    for app_id, on in (("A-1", "2026-10-02"), ("A-2", decided), ("A-3", "2026-10-02")):
        applications.add(store, "C-1", period="2026-10", received=date(2026, 10, 1),
                         completed=date(2026, 10, 1), app_id=app_id, today=TODAY)
        applications.decide(store, app_id, date.fromisoformat(on), "rejected", today=TODAY)
    total = handling_time.report(store, date(2026, 10, 1), date(2026, 10, 31))["total"]
    working_days = wait - 3  # 10, 11, 12
    assert (total["decided"], total["in_time"], total["late"]) == (3, 2, 1)
    assert total["share_in_time"] == 0.6667  # 2 of 3, to four decimals
    assert total["median_working_days"] == 2.0 and total["median_wait_days"] == 1.0
    assert total["max_working_days"] == working_days
    # Means to two decimals: (2 + 2 + 10) / 3 = 4.67, 15 / 3 = 5.0, 16 / 3 = 5.33;
    # (1 + 1 + 13) / 3 = 5.0, 16 / 3 = 5.33, 17 / 3 = 5.67.
    assert total["mean_working_days"] == {10: 4.67, 11: 5.0, 12: 5.33}[working_days]
    assert total["mean_wait_days"] == {13: 5.0, 14: 5.33, 15: 5.67}[wait]
    assert total["share_wait_over_14"] == (0.3333 if over else 0.0)


def test_handling_time_over_the_whole_calendar_and_one_day_beyond(store) -> None:
    from ekbist import handling_time
    from ekbist.errors import EkbistError

    # From the first day known (1 January 1990) to the last (31 December 2060): an empty report.
    whole = handling_time.report(store, date(1990, 1, 1), date(2060, 12, 31))
    assert (whole["from"], whole["to"], whole["total"]["decided"]) == (
        "1990-01-01", "2060-12-31", 0)
    assert handling_time.open_applications(store, date(2060, 12, 31)) == []
    assert handling_time.open_applications(store, date(1990, 1, 1)) == []
    for first, last, outside in ((date(1989, 12, 31), date(2000, 1, 1), "1989-12-31"),
                                 (date(2000, 1, 1), date(2061, 1, 1), "2061-01-01")):
        with pytest.raises(EkbistError) as refused:
            handling_time.report(store, first, last)
        assert str(refused.value) == f"{outside} is outside the calendar (1990 to 2060)"
    with pytest.raises(EkbistError) as refused:
        handling_time.report(store, date(2026, 1, 1), date(2026, 12, 31), by="colour")
    assert str(refused.value) == "unknown grouping 'colour' (expected one of: handler, team, month)"


def test_a_deadline_without_the_working_day_index(db_path) -> None:
    from ekbist import handling_time
    from ekbist.store import Store

    # A store whose working-day index was never built still answers from the calendar:
    # complete Monday 16 November 2026, day 5 is Friday the 20th; complete Friday
    # 6 November, day 5 is Thursday the 12th.
    with Store.open(db_path, create=True) as bare:
        assert bare.scalar("SELECT count(*) FROM workday") == 0
        assert handling_time.deadline(bare, date(2026, 11, 16)) == date(2026, 11, 20)
        assert handling_time.deadline(bare, date(2026, 11, 6)) == date(2026, 11, 12)
