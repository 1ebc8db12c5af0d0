"""Monthly attendance, its control before the next month's decision, and the readiness for
a full-time activity requirement, counted by hand on the small unit of ``build_unit``
(anna, bo, cia; C-1 … C-4; today 2026-11-25)."""

from __future__ import annotations

import json
import sqlite3

import pytest


def _count(db, table: str = "attendance") -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def _application(unit, case: str, period: str, received: str, app_id: str,
                 decided: str | None = None, decision: str = "granted",
                 amount: str = "5000") -> None:
    unit.ok("application", "add", case, "--period", period, "--received", received,
            "--completed", received, "--id", app_id)
    if decided:
        args = ["--amount", amount] if decision in ("granted", "partly") else []
        unit.ok("application", "decide", app_id, "--date", decided, "--decision", decision,
                *args)


@pytest.fixture
def control_unit(unit):
    """Activities (ids in the order added):
      1 C-1 Jobbtorg 20 h from 2026-09-01              (bo)
      2 C-1 municipal job 20 h from 2026-09-30         (bo)
      3 C-2 SFI 20 h 2026-10-15 … 2026-11-10           (bo)
      4 C-3 rehabilitation 10 h 2026-06-01 … 2026-09-30 (cia)
      5 C-3 studies 10 h from 2026-10-31               (cia)
      6 C-3 exempt (sickness) 2026-10-01 … 2026-11-15  (cia)
      7 C-2 studies 20 h from 2026-11-11               (bo)
    Applications: C-1 for October decided 09-29, for November 11-03 and a second for
    November 11-20, for December open; C-2 for November withdrawn 11-02, rejected 11-05,
    granted 11-10; C-3 for November granted 11-04, for December open; C-4 (anna, no
    activity) for November granted 11-20.
    """
    add = [("C-1", "jobbtorg", "20", "2026-09-01", None),
           ("C-1", "municipal_job", "20", "2026-09-30", None),
           ("C-2", "sfi", "20", "2026-10-15", "2026-11-10"),
           ("C-3", "rehabilitation", "10", "2026-06-01", "2026-09-30"),
           ("C-3", "studies", "10", "2026-10-31", None)]
    for case, kind, hours, first, last in add:
        unit.ok("activities", "add", case, "--kind", kind, "--hours", hours, "--from", first,
                *(["--to", last] if last else []))
    unit.ok("activities", "exempt", "C-3", "--reason", "sickness", "--from", "2026-10-01",
            "--to", "2026-11-15")
    unit.ok("activities", "add", "C-2", "--kind", "studies", "--hours", "20", "--from",
            "2026-11-11")
    _application(unit, "C-1", "2026-10", "2026-09-25", "A-1-10", "2026-09-29")
    _application(unit, "C-1", "2026-11", "2026-10-28", "A-1-11", "2026-11-03")
    _application(unit, "C-1", "2026-11", "2026-11-16", "A-1-11b", "2026-11-20")
    _application(unit, "C-1", "2026-12", "2026-11-24", "A-1-12")
    _application(unit, "C-2", "2026-11", "2026-10-29", "A-2-11w", "2026-11-02", "withdrawn")
    _application(unit, "C-2", "2026-11", "2026-11-03", "A-2-11r", "2026-11-05", "rejected")
    _application(unit, "C-2", "2026-11", "2026-11-06", "A-2-11", "2026-11-10")
    _application(unit, "C-3", "2026-11", "2026-10-30", "A-3-11", "2026-11-04")
    _application(unit, "C-3", "2026-12", "2026-11-23", "A-3-12")
    _application(unit, "C-4", "2026-11", "2026-11-16", "A-4-11", "2026-11-20")
    return unit


def _control(unit, first: str, last: str, *more: str) -> dict:
    return json.loads(unit.ok("activities", "attendance", "--from", first, "--to", last,
                              *more, "--format", "json").output)


def test_attendance_is_recorded_in_hours_or_as_a_share(control_unit) -> None:
    u = control_unit
    out = u.ok("activities", "attend", "1", "--month", "2026-10", "--hours", "72.5").output
    assert "Activity 1 (case C-1), 2026-10: 72.5 hours, recorded 2026-11-25." in out
    out = u.ok("activities", "attend", "3", "--month", "2026-10", "--share", "85,5 %",
               "--date", "2026-11-06").output
    assert "85.5% present, recorded 2026-11-06" in out
    # A second record of the same month corrects the first.
    u.ok("activities", "attend", "1", "--month", "2026-10", "--share", "100", "--date",
         "2026-11-02")
    with sqlite3.connect(u.db) as conn:
        rows = conn.execute("SELECT activity_id, month, hours, share, recorded FROM attendance "
                            "ORDER BY activity_id").fetchall()
        audited = conn.execute("SELECT count(*) FROM audit WHERE tbl = 'attendance'"
                               ).fetchone()[0]
    assert rows == [(1, "2026-10", None, 1.0, "2026-11-02"),
                    (3, "2026-10", None, 0.855, "2026-11-06")]
    assert audited == 3  # two inserts and the correction


@pytest.mark.parametrize(("args", "words"), [
    (("99", "--month", "2026-10", "--hours", "1"), "unknown activity 99"),
    (("6", "--month", "2026-10", "--hours", "1"), "is an exemption"),
    (("1", "--month", "2026-08", "--hours", "1"), "does not run in 2026-08"),
    (("3", "--month", "2026-12", "--hours", "1"), "before the month has begun"),
    (("4", "--month", "2026-10", "--hours", "1"), "does not run in 2026-10"),
    (("1", "--month", "2026-10"), "hours or as a share"),
    (("1", "--month", "2026-10", "--hours", "2", "--share", "50"), "hours or as a share"),
    (("1", "--month", "2026-10", "--share", "100.5"), "percent from 0 to 100"),
    (("1", "--month", "2026-10", "--share", "-1"), "percent from 0 to 100"),
    (("1", "--month", "2026-10", "--share", "mycket"), "percent from 0 to 100"),
    (("1", "--month", "2026-10", "--hours", "400.5"), "between 0 and 400"),
    (("1", "--month", "2026-10", "--hours", "-0.5"), "between 0 and 400"),
    (("1", "--month", "2026-10", "--hours", "1", "--date", "2026-11-26"), "after today"),
    (("1", "--month", "2026-10", "--hours", "1", "--date", "2026-09-30"),
     "before the month has begun"),
    (("1", "--month", "2026-13", "--hours", "1"), "2026-13"),
    (("1", "--month", "2026-10", "--hours", "tolv"),
     "error: hours attended must be a number such as 12 or 12,5, not 'tolv'"),
    (("1", "--month", "2026-10", "--hours", "12,5,0"), "not '12,5,0'"),
    (("1", "--month", "2026-10", "--hours", ""), "not ''"),
])
def test_attend_refusals_write_nothing(control_unit, args, words) -> None:
    before = _count(control_unit.db), _count(control_unit.db, "audit")
    assert words in control_unit.fails("activities", "attend", *args)
    assert (_count(control_unit.db), _count(control_unit.db, "audit")) == before


def test_attend_accepts_the_edges(control_unit) -> None:
    u = control_unit
    u.ok("activities", "attend", "1", "--month", "2026-09", "--hours", "0",
         "--date", "2026-09-01")  # the month's first day, the activity's first month
    u.ok("activities", "attend", "1", "--month", "2026-11", "--hours", "400")  # this month
    u.ok("activities", "attend", "2", "--month", "2026-10", "--share", "0")
    u.ok("activities", "attend", "3", "--month", "2026-11", "--share", "100%")  # last month
    assert _count(u.db) == 4


@pytest.mark.parametrize(("lang", "said", "refused"), [
    ("en", "2026-10: 12.5 hours",
     "error: hours attended must be a number such as 12 or 12,5, not '12 h'"),
    ("sv", "2026-10: 12,5 timmar",
     "fel: närvarotimmar ska vara ett tal som 12 eller 12,5, inte '12 h'"),
])
def test_hours_take_a_decimal_comma_in_both_languages(control_unit, lang, said, refused):
    u = control_unit
    assert said in u.ok("activities", "attend", "1", "--month", "2026-10", "--hours", "12,5",
                        lang=lang).output
    u.ok("activities", "attend", "2", "--month", "2026-10", "--hours", " 7.25 ", lang=lang)
    with sqlite3.connect(u.db) as conn:
        assert conn.execute("SELECT activity_id, hours FROM attendance ORDER BY 1").fetchall() \
            == [(1, 12.5), (2, 7.25)]
    before = _count(u.db, "audit")
    assert u.fails("activities", "attend", "1", "--month", "2026-10", "--hours", "12 h",
                   lang=lang) == refused
    assert _count(u.db, "audit") == before


@pytest.mark.parametrize("command", ["attendance", "readiness"])
def test_a_period_ends_this_month_at_the_latest(control_unit, command) -> None:
    u = control_unit  # today 2026-11-25
    data = json.loads(u.ok("activities", command, "--from", "2026-10", "--to", "2026-11",
                           "--format", "json").output)
    assert [m["month"] for m in data["months"]] == ["2026-10", "2026-11"]
    assert u.fails("activities", command, "--from", "2026-11", "--to", "2026-12") == \
        "error: --to 2026-12 is after this month (2026-11)"
    assert u.fails("activities", command, "--from", "2026-11", "--to", "2027-03",
                   lang="sv") == "fel: --to 2027-03 är efter innevarande månad (2026-11)"
    # the same rule as plan coverage's
    assert u.fails("plans", "coverage", "--from", "2026-11", "--to", "2026-12") == \
        "error: --to 2026-12 is after this month (2026-11)"


def test_the_control_counts_by_hand(control_unit) -> None:
    u = control_unit
    u.ok("activities", "attend", "1", "--month", "2026-09", "--hours", "40",
         "--date", "2026-09-29")  # the day of the decision: in time
    u.ok("activities", "attend", "1", "--month", "2026-10", "--hours", "80",
         "--date", "2026-11-03")  # the day of the first decision for November: in time
    u.ok("activities", "attend", "3", "--month", "2026-10", "--share", "90",
         "--date", "2026-11-06")  # the day after the first assessment (rejected 11-05)
    data = _control(u, "2026-09", "2026-11")
    # September: activity 1 only (2 began 09-30, after the decision of 09-29).
    # October: 1 (in time), 2 (never), 3 (late), 5 (never; it ran on 10-31 only); not 4
    # (ended 09-30), not 6 (an exemption), not 7 (began in November).
    assert data["months"] == [
        {"month": "2026-09", "activities": 1, "in_time": 1, "share": 1.0},
        {"month": "2026-10", "activities": 4, "in_time": 1, "share": 0.25},
        {"month": "2026-11", "activities": 0, "in_time": 0, "share": None}]
    assert data["missing"] == [
        {"case": "C-1", "handler": "bo", "activity": 2, "kind": "municipal_job",
         "month": "2026-10", "decided": "2026-11-03", "recorded": None},
        {"case": "C-2", "handler": "bo", "activity": 3, "kind": "sfi", "month": "2026-10",
         "decided": "2026-11-05", "recorded": "2026-11-06"},
        {"case": "C-3", "handler": "cia", "activity": 5, "kind": "studies",
         "month": "2026-10", "decided": "2026-11-04", "recorded": None}]
    # One handler's part: cia's case only.
    assert [m["case"] for m in _control(u, "2026-10", "2026-10", "--handler",
                                        "cia")["missing"]] == ["C-3"]
    # Recorded on the decision day instead: in time.
    u.ok("activities", "attend", "3", "--month", "2026-10", "--share", "90",
         "--date", "2026-11-05")
    assert _control(u, "2026-10", "2026-10")["months"][0]["in_time"] == 2
    table = u.ok("activities", "attendance", "--from", "2026-10", "--to", "2026-10").output
    assert "Decided without the attendance: 2" in table
    assert all(len(line) <= 100 for line in table.split("Counted:")[0].splitlines())


def test_the_days_list_names_the_attendance_to_record(control_unit) -> None:
    u = control_unit
    bo = json.loads(u.ok("day", "--handler", "bo", "--format", "json").output)["attendance"]
    # C-1's open application for December: November's attendance at activities 1 and 2.
    assert bo == [{"application": "A-1-12", "case": "C-1", "handler": "bo", "activity": 1,
                   "kind": "jobbtorg", "month": "2026-11"},
                  {"application": "A-1-12", "case": "C-1", "handler": "bo", "activity": 2,
                   "kind": "municipal_job", "month": "2026-11"}]
    cia = json.loads(u.ok("day", "--handler", "cia", "--format", "json").output)["attendance"]
    assert [(r["case"], r["activity"]) for r in cia] == [("C-3", 5)]
    u.ok("activities", "attend", "1", "--month", "2026-11", "--hours", "60")
    text = u.ok("day", "--handler", "bo").output
    assert "Attendance to record before deciding (1)" in text and "municipal" in text
    u.ok("activities", "attend", "2", "--month", "2026-11", "--hours", "60")
    assert "Attendance to record before deciding: none" in u.ok("day", "--handler",
                                                                  "bo").output


def _readiness(unit, *more: str) -> dict:
    return json.loads(unit.ok("activities", "readiness", "--from", "2026-11", "--to",
                              "2026-11", *more, "--format", "json").output)


def test_readiness_counts_by_hand(control_unit) -> None:
    u = control_unit
    data = _readiness(u)
    # November: C-1 20 + 20 hours together = 40, exactly full time; C-2 SFI 20 h to 11-10,
    # then studies 20 h from 11-11 (never together): part time; C-3 exempt until 11-15
    # (sickness), studies 10 h: exempt; C-4 nothing: none.
    assert data["full_time_hours"] == 40.0
    assert data["months"] == [{"month": "2026-11", "households": 4, "full_time": 1,
                               "part_time": 1, "exempt": 1, "none": 1,
                               "exempt_by_reason": {"sickness": 1, "parental": 0,
                                                    "care_of_relative": 0, "disability": 0,
                                                    "other": 0}}]
    assert data["without"]["cases"] == [{"case": "C-4", "handler": "anna"}]
    assert data["without"]["by_handler"] == [{"handler": "anna", "cases": 1}]
    assert _readiness(u, "--handler", "bo")["without"]["cases"] == []
    # A quarter hour above the hours the activities reach: C-1 is part time.
    u.ok("settings", "set", "activities.full_time_hours", "40.25")
    assert _readiness(u)["months"][0]["full_time"] == 0
    assert _readiness(u)["months"][0]["part_time"] == 2
    u.ok("settings", "set", "activities.full_time_hours", "20")
    assert _readiness(u)["months"][0]["full_time"] == 2  # C-1 and C-2


def test_an_exemption_ending_the_last_day_before_the_month_does_not_count(control_unit):
    u = control_unit
    u.ok("activities", "end", "6", "--date", "2026-10-31")
    month = _readiness(u)["months"][0]
    assert (month["exempt"], month["part_time"]) == (0, 2)  # C-3 studies only now
    # Activities overlapping one day reach full time: C-2's other activity from the SFI's
    # last day.
    u.ok("activities", "add", "C-2", "--kind", "other", "--hours", "20", "--from",
         "2026-11-10", "--to", "2026-11-10")
    month = _readiness(u)["months"][0]
    assert (month["full_time"], month["part_time"]) == (2, 1)


def test_readiness_table_and_year_report(control_unit) -> None:
    u = control_unit
    text = u.ok("activities", "readiness", "--from", "2026-11", "--to", "2026-11").output
    assert "No activity and no exemption in 2026-11: 1" in text
    assert "anna" in text and "C-4" in text
    # every line, the footnote too, fits 80 columns on a pipe
    assert all(len(line) <= 80 for line in text.splitlines()), text
    footnote = text[text.index("Counted:"):].split()
    assert " ".join(footnote).startswith("Counted: households with assistance in the month; "
                                         "full time = activities running together")
    assert len(text[text.index("Counted:"):].splitlines()) == 4
    year = json.loads(u.ok("report", "year", "2026", "--format", "json").output)
    november = year["activity_readiness"]["months"][-1]
    assert (november["month"], november["households"], november["none"]) == ("2026-11", 4, 1)
    assert "Readiness for a full-time activity requirement" in u.ok("report", "year",
                                                                    "2026").output


def test_the_check_part_is_off_until_switched_on(control_unit) -> None:
    u = control_unit
    assert not [f for f in json.loads(u("check", "--format", "json").output)["findings"]
                if f["check"] == "activities"]
    u.ok("settings", "set", "check.activity_requirement", "1")
    found = [f for f in json.loads(u("check", "--format", "json").output)["findings"]
             if f["check"] == "activities"]
    assert found == [{"check": "activities", "severity": "warning", "handler": "anna",
                      "subject": "C-4", "due": None,
                      "message": "case C-4 has assistance for 2026-11 and no activity or "
                                 "exemption"}]


def test_the_attendance_sheet_goes_out_and_back(control_unit, tmp_path) -> None:
    u = control_unit
    u.ok("activities", "attend", "1", "--month", "2026-10", "--hours", "80",
         "--date", "2026-11-03")
    u.ok("activities", "attend", "3", "--month", "2026-10", "--share", "90",
         "--date", "2026-11-06")
    out = tmp_path / "närvaro.csv"
    u.ok("export", "attendance", str(out))
    assert out.read_text(encoding="utf-8").splitlines() == [
        "case,kind,activity_from,month,hours,share,recorded",
        "C-1,jobbtorg,2026-09-01,2026-10,80,,2026-11-03",
        "C-2,sfi,2026-10-15,2026-10,,90,2026-11-06"]
    book = tmp_path / "närvaro.xlsx"
    u.ok("export", "attendance", str(book))
    line = next(x for x in u.ok("import", str(book)).output.splitlines()
                if x.startswith("Attendance"))
    assert line.split() == ["Attendance", "0", "0", "2"]  # added, changed, unchanged
    new = tmp_path / "ny.csv"
    new.write_text("case,kind,activity_from,month,hours,share,recorded\n"
                   "C-1,jobbtorg,2026-09-01,2026-11,,75%,2026-11-25\n"
                   "C-3,studies,2026-10-31,2026-10,12,,2026-11-04\n", encoding="utf-8")
    u.ok("import", str(new))
    with sqlite3.connect(u.db) as conn:
        assert conn.execute("SELECT activity_id, month, hours, share, recorded FROM attendance "
                            "WHERE activity_id IN (1, 5) AND month IN ('2026-10', '2026-11') "
                            "ORDER BY activity_id, month").fetchall() == [
            (1, "2026-10", 80.0, None, "2026-11-03"), (1, "2026-11", None, 0.75, "2026-11-25"),
            (5, "2026-10", 12.0, None, "2026-11-04")]
    # C-3's studies recorded on the decision day: in time now.
    assert _control(u, "2026-10", "2026-10")["months"][0]["in_time"] == 2


@pytest.mark.parametrize(("row", "words"), [
    ("C-1,jobbtorg,2026-09-01,2026-10,,,2026-11-03", "hours or as a share"),
    ("C-1,jobbtorg,2026-09-01,2026-10,5,50,2026-11-03", "hours or as a share"),
    ("C-1,jobbtorg,2026-09-02,2026-10,5,,2026-11-03", "no such activity"),
    ("C-3,exempt,2026-10-01,2026-10,5,,2026-11-03", "an exemption has no attendance"),
    ("C-1,jobbtorg,2026-09-01,2026-08,5,,2026-09-03", "before the month the activity began"),
    ("C-3,rehabilitation,2026-06-01,2026-10,5,,2026-11-03", "after the month the activity ended"),
    ("C-1,jobbtorg,2026-09-01,2026-10,5,,2026-09-30", "recorded before the month"),
    ("C-1,jobbtorg,2026-09-01,2026-10,5,,2026-11-26", "2026-11-26"),
    ("C-1,jobbtorg,2026-09-01,2026-10,,101,2026-11-03", "101"),
    ("C-1,jobbtorg,2026-09-01,2026-10,401,,2026-11-03", "401"),
])
def test_the_attendance_sheet_refuses_what_the_command_refuses(control_unit, tmp_path, row,
                                                                words) -> None:
    sheet = tmp_path / "bad.csv"
    sheet.write_text("case,kind,activity_from,month,hours,share,recorded\n" + row + "\n",
                     encoding="utf-8")
    before = _count(control_unit.db)
    result = control_unit("import", str(sheet))
    assert result.exit_code == 1 and words in result.stderr, result.stderr
    assert _count(control_unit.db) == before


def test_the_migration_keeps_attendance_in_hours(tmp_path) -> None:
    """A store whose attendance table is migration 015's (hours only) gets the share column
    and keeps its rows."""
    from ekbist.store import Store

    db = tmp_path / "old.db"
    Store.open(db, create=True).close()
    with sqlite3.connect(db) as conn:
        conn.executescript("""
            DROP TABLE attendance;
            CREATE TABLE attendance (
                activity_id INTEGER NOT NULL REFERENCES activity(id),
                month TEXT NOT NULL, hours REAL NOT NULL, recorded TEXT NOT NULL,
                PRIMARY KEY (activity_id, month));
            INSERT INTO cases (id, opened) VALUES ('C-1', '2026-01-10');
            INSERT INTO activity (case_id, kind, hours, from_date)
                VALUES ('C-1', 'sfi', 10, '2026-02-01');
            INSERT INTO attendance VALUES (1, '2026-02', 30.5, '2026-03-02');
            PRAGMA user_version = 18;""")
    Store.open(db, migrate=True).close()
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT * FROM attendance").fetchall() == [
            (1, "2026-02", 30.5, None, "2026-03-02")]
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute("INSERT INTO attendance VALUES (1, '2026-03', 1, 0.5, '2026-04-01')")


def test_a_negative_number_is_an_argument_not_an_option(control_unit) -> None:
    """'-1' where an ID goes is the number -1, refused by the library as unknown; click
    read it as an option of that name. Every command reads it so, not attend alone."""
    u = control_unit
    before = _count(u.db)
    assert u.fails("activities", "attend", "-1", "--month", "2026-10", "--hours", "3") == \
        "error: unknown activity -1"
    assert u.fails("activities", "attend", "--month", "2026-10", "-1", "--share", "50") == \
        "error: unknown activity -1"
    assert u.fails("activities", "end", "-5", "--date", "2026-11-01") == \
        "error: unknown activity -5"
    assert _count(u.db) == before
    # A negative value of an option is the option's, as before: refused by its bounds.
    assert u.fails("activities", "attend", "1", "--month", "2026-10", "--hours", "-3") == \
        "error: hours attended in a month must be between 0 and 400"
    # A mistyped option is still named as one.
    result = u("activities", "attend", "1", "--month", "2026-10", "--hourz", "3")
    assert result.exit_code == 2 and "--hourz" in result.stderr
