"""The five-working-day rule: deadlines on the Swedish calendar, the morning check, the report.

Every expected date below is counted by hand on the 2026/2027 calendar (day 1 is the day
the application is complete, or the next working day; the deadline is working day 5):

* Easter 2026: Good Friday 3 April, Easter Monday 6 April.
* Ascension 2026: Thursday 14 May (Friday 15 May is an ordinary working day).
* Midsommar 2026: midsommarafton Friday 19 June, midsommardagen Saturday 20 June.
* Christmas/New Year: julafton Thu 24 Dec, juldagen Fri 25 Dec, nyårsafton Thu 31 Dec,
  nyårsdagen Fri 1 Jan 2027, trettondedag jul Wed 6 Jan 2027.
* November 2026: Alla helgons dag is Saturday 31 October; 6 November is a normal day.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ekbist import applications, cases, handlers, handling_time, settings, working_days
from ekbist.errors import EkbistError

TODAY = date(2026, 11, 25)  # a Wednesday
LATE = date(2027, 1, 29)    # an as-of day after every date used below

# (what, completed, deadline counted by hand)
DEADLINES = [
    ("Thursday before Easter", "2026-04-02", "2026-04-10"),  # 2, (3-6 off), 7, 8, 9, 10
    ("Easter Saturday", "2026-04-04", "2026-04-13"),         # 7, 8, 9, 10, 13
    ("Monday of Ascension week", "2026-05-11", "2026-05-18"),  # 11, 12, 13, (14 off), 15, 18
    ("eve of Ascension", "2026-05-13", "2026-05-20"),        # 13, 15, 18, 19, 20
    ("before midsommar", "2026-06-17", "2026-06-24"),        # 17, 18, (19-21 off), 22, 23, 24
    ("midsommarafton", "2026-06-19", "2026-06-26"),          # 22, 23, 24, 25, 26
    ("before Christmas", "2026-12-22", "2026-12-30"),        # 22, 23, (24-27 off), 28, 29, 30
    ("julafton", "2026-12-24", "2027-01-05"),                # 28, 29, 30, (31-3 off), 4, 5
    ("over New Year", "2026-12-30", "2027-01-08"),           # 30, (31-3 off), 4, 5, (6 off), 7, 8
    ("arrival on a Saturday", "2026-11-14", "2026-11-20"),   # 16, 17, 18, 19, 20
    ("arrival on a Sunday", "2026-11-15", "2026-11-20"),
    ("an ordinary Monday", "2026-11-16", "2026-11-20"),
    ("a Friday", "2026-11-06", "2026-11-12"),                # 6, 9, 10, 11, 12
]


def day(text: str) -> date:
    return date.fromisoformat(text)


def next_day(text: str) -> str:
    return date.fromordinal(day(text).toordinal() + 1).isoformat()


@pytest.fixture
def two_case_store(store):
    """A store with two handlers and one long-running case each."""
    handlers.add(store, "anna", name="Anna Andersson", team="intake", fte=1)
    handlers.add(store, "bo", name="Bo Berg", team="investigation", fte=1)
    cases.open_case(store, "C-1", handler="anna", opened=date(2026, 1, 5), today=TODAY)
    cases.open_case(store, "C-2", handler="bo", opened=date(2026, 1, 5), today=TODAY)
    return store


def add(store, case="C-1", *, received, completed=None, decided=None, decision="granted",
        amount=5000, today=LATE, app_id=None):
    row = applications.add(store, case, period=received[:7], received=day(received),
                           completed=day(completed) if completed else None, app_id=app_id,
                           today=today)
    if decided:
        row = applications.decide(store, row["id"], day(decided), decision,
                                  amount=amount if decision in ("granted", "partly") else None,
                                  today=today)
    return row


# -- deadlines ------------------------------------------------------------------------
@pytest.mark.parametrize(("what", "completed", "deadline"), DEADLINES, ids=[d[0] for d in DEADLINES])
def test_deadline_on_the_swedish_calendar(two_case_store, what, completed, deadline):
    assert handling_time.deadline(two_case_store, day(completed)).isoformat() == deadline
    first = add(two_case_store, received=completed, completed=completed)
    second = add(two_case_store, "C-2", received=completed, completed=completed)
    listed = applications.list_applications(two_case_store, today=LATE)
    assert {r["deadline"] for r in listed} == {deadline}

    # Still open: due today on the deadline, overdue by one working day the day after
    # (even when that is a Saturday or a holiday: a decision then lands on the next working day).
    on_deadline = handling_time.open_applications(two_case_store, day(deadline))
    assert {(r["status"], r["working_days_left"]) for r in on_deadline} == {("due_today", 0)}
    after = handling_time.open_applications(two_case_store, day(next_day(deadline)))
    assert {(r["status"], r["working_days_left"]) for r in after} == {("overdue", -1)}

    # Decided on the deadline: in time; the day after: late by one working day.
    applications.decide(two_case_store, first["id"], day(deadline), "rejected", today=LATE)
    applications.decide(two_case_store, second["id"], day(next_day(deadline)), "rejected", today=LATE)
    result = handling_time.report(two_case_store, day(completed), day(completed), by="handler")
    by_handler = {g["key"]: g for g in result["groups"]}
    assert (by_handler["anna"]["in_time"], by_handler["anna"]["late"]) == (1, 0)
    assert by_handler["anna"]["max_working_days"] == 5
    assert (by_handler["bo"]["in_time"], by_handler["bo"]["late"]) == (0, 1)
    assert by_handler["bo"]["max_working_days"] == 6
    assert result["total"]["share_in_time"] == 0.5


def test_deadline_cli_agrees(unit):
    """``application complete`` prints the deadline; ``workdays deadline`` gives the same."""
    unit.ok("application", "add", "C-1", "--period", "2026-12", "--received", "2026-12-21",
            "--id", "X", today="2027-01-20")
    out = unit.ok("application", "complete", "X", "--date", "2026-12-24", today="2027-01-20").output
    assert "decision due by 2027-01-05" in out and "(handler bo)" in out
    assert unit.ok("workdays", "deadline", "2026-12-24").output.strip() == "2027-01-05"
    out = unit.ok("application", "decide", "X", "--date", "2027-01-05", "--decision", "rejected",
                  today="2027-01-20").output
    assert "in time (deadline 2027-01-05)" in out


def test_local_closed_day_moves_the_deadline(two_case_store, cli):
    # Completed Monday 16 Nov; Wednesday 18 Nov is the unit's staff day.
    assert handling_time.deadline(two_case_store, date(2026, 11, 16)) == date(2026, 11, 20)
    working_days.close_day(two_case_store, date(2026, 11, 18), "planeringsdag")
    assert handling_time.deadline(two_case_store, date(2026, 11, 16)) == date(2026, 11, 23)  # 16, 17, 19, 20, 23
    add(two_case_store, received="2026-11-16", completed="2026-11-16", decided="2026-11-23", today=TODAY)
    assert handling_time.report(two_case_store, date(2026, 11, 1), date(2026, 11, 30))["total"]["in_time"] == 1
    # Through the CLI: closing a day re-dates open applications at once.
    add(two_case_store, "C-2", received="2026-11-19", completed="2026-11-19", today=TODAY)
    before = json.loads(cli.ok("handling-time", "check", "--format", "json").output)
    assert before["applications"][0]["deadline"] == "2026-11-25"
    cli.ok("workdays", "close", "2026-11-24", "--reason", "kompetensdag")
    after = json.loads(cli.ok("handling-time", "check", "--format", "json").output)
    assert (after["applications"][0]["deadline"], after["applications"][0]["status"]) == (
        "2026-11-26", "due_next")


def test_completion_after_arrival_starts_the_clock_then(two_case_store):
    # Arrived Monday 2 Nov incomplete, complete Wednesday 4 Nov: 4, 5, 6, 9, 10.
    row = add(two_case_store, received="2026-11-02", today=TODAY)
    [waiting] = handling_time.open_applications(two_case_store, date(2026, 11, 3))
    assert (waiting["status"], waiting["deadline"]) == ("incomplete", None)
    applications.complete(two_case_store, row["id"], date(2026, 11, 4), today=TODAY)
    [timed] = handling_time.open_applications(two_case_store, date(2026, 11, 4))
    assert (timed["deadline"], timed["status"], timed["working_days_left"]) == ("2026-11-10", "ok", 4)
    applications.decide(two_case_store, row["id"], date(2026, 11, 10), "rejected", today=TODAY)
    total = handling_time.report(two_case_store, date(2026, 11, 1), date(2026, 11, 30))["total"]
    assert (total["in_time"], total["median_working_days"], total["median_wait_days"]) == (1, 5, 8)


def test_handling_days_setting(two_case_store):
    settings.put(two_case_store, "handling.days", "3")
    assert handling_time.deadline(two_case_store, date(2026, 11, 16)) == date(2026, 11, 18)
    add(two_case_store, received="2026-11-16", completed="2026-11-16", decided="2026-11-19", today=TODAY)
    total = handling_time.report(two_case_store, date(2026, 11, 16), date(2026, 11, 16))["total"]
    assert (total["in_time"], total["late"]) == (0, 1)


def test_sql_deadlines_agree_with_the_python_calendar_over_two_years(two_case_store):
    """Every start day of 2026-2027 in one set-based query against WorkCalendar, day by day."""
    cal = working_days.WorkCalendar.from_store(two_case_store)
    rows = two_case_store.query(
        f"SELECT k.day, {working_days.sql_deadline('k.day', '5')} AS deadline FROM calendar_day k "
        "WHERE k.day BETWEEN '2026-01-01' AND '2027-12-31'"
    )
    assert len(rows) == 730
    for row in rows:
        assert row["deadline"] == cal.deadline(day(row["day"]), 5).isoformat(), row


# -- the morning check ----------------------------------------------------------------
@pytest.fixture
def morning(two_case_store):
    """One application of each status as of Wednesday 25 November 2026."""
    add(two_case_store, received="2026-11-16", completed="2026-11-17", app_id="OVER", today=TODAY)  # dl 23 Nov
    add(two_case_store, received="2026-11-19", completed="2026-11-19", app_id="TODAY", today=TODAY)  # dl 25 Nov
    add(two_case_store, "C-2", received="2026-11-20", completed="2026-11-20", app_id="NEXT", today=TODAY)
    add(two_case_store, "C-2", received="2026-11-21", completed="2026-11-21", app_id="OK", today=TODAY)  # dl 27
    add(two_case_store, "C-2", received="2026-11-10", app_id="WAIT-LONG", today=TODAY)  # 12 working days
    add(two_case_store, received="2026-11-20", app_id="WAIT", today=TODAY)  # 4 working days
    add(two_case_store, received="2026-11-02", completed="2026-11-02", decided="2026-11-05", app_id="DONE",
        today=TODAY)
    return two_case_store


def test_check_statuses_by_hand(morning):
    rows = {r["id"]: r for r in handling_time.open_applications(morning, TODAY)}
    assert "DONE" not in rows
    got = {i: (r["deadline"], r["status"], r["working_days_left"]) for i, r in rows.items()}
    assert got == {
        "OVER": ("2026-11-23", "overdue", -2),
        "TODAY": ("2026-11-25", "due_today", 0),
        "NEXT": ("2026-11-26", "due_next", 1),
        "OK": ("2026-11-27", "ok", 2),
        "WAIT-LONG": (None, "incomplete", None),
        "WAIT": (None, "incomplete", None),
    }
    assert (rows["WAIT-LONG"]["working_days_since_arrival"], rows["WAIT-LONG"]["flagged"]) == (12, True)
    assert (rows["WAIT"]["working_days_since_arrival"], rows["WAIT"]["flagged"]) == (4, False)
    assert rows["OK"]["handler"] == "bo" and rows["WAIT"]["handler"] == "anna"


def test_check_groups_by_handler_most_urgent_first(morning):
    order = [(r["handler"], r["id"]) for r in handling_time.open_applications(morning, TODAY)]
    assert order == [("anna", "OVER"), ("anna", "TODAY"), ("anna", "WAIT"),
                     ("bo", "NEXT"), ("bo", "OK"), ("bo", "WAIT-LONG")]


def test_check_puts_the_handler_with_the_most_urgent_work_first(two_case_store):
    add(two_case_store, received="2026-11-20", completed="2026-11-20", app_id="A-NEXT", today=TODAY)
    add(two_case_store, "C-2", received="2026-11-23", completed="2026-11-23", app_id="B-OK", today=TODAY)
    add(two_case_store, "C-2", received="2026-11-17", completed="2026-11-17", app_id="B-OVER", today=TODAY)
    order = [r["id"] for r in handling_time.open_applications(two_case_store, TODAY)]
    assert order == ["B-OVER", "B-OK", "A-NEXT"]


def test_check_on_a_saturday(morning):
    # Saturday 28 Nov: Friday's deadline has passed (a decision now lands on Monday: late
    # by 1); nothing is due today; Monday's deadline is the next working day.
    add(morning, received="2026-11-24", completed="2026-11-24", app_id="MON", today=TODAY)
    rows = {r["id"]: r for r in handling_time.open_applications(morning, date(2026, 11, 28))}
    assert (rows["OK"]["status"], rows["OK"]["working_days_left"]) == ("overdue", -1)
    assert (rows["MON"]["deadline"], rows["MON"]["status"], rows["MON"]["working_days_left"]) == (
        "2026-11-30", "due_next", 1)


def test_check_looks_back_as_of_today(morning):
    # As of 20 Nov: DONE was decided, NEXT had just arrived, OK had not arrived yet.
    rows = {r["id"]: r for r in handling_time.open_applications(morning, date(2026, 11, 20))}
    assert set(rows) == {"OVER", "TODAY", "NEXT", "WAIT-LONG", "WAIT"}
    assert rows["NEXT"]["working_days_left"] == 4
    applications.decide(morning, "OVER", date(2026, 11, 25), "rejected", today=TODAY)
    rows = {r["id"]: r for r in handling_time.open_applications(morning, date(2026, 11, 24))}
    assert (rows["OVER"]["status"], rows["OVER"]["working_days_left"]) == ("overdue", -1)
    assert "OVER" not in {r["id"] for r in handling_time.open_applications(morning, TODAY)}


def test_incomplete_flag_setting(morning):
    settings.put(morning, "handling.incomplete_flag_days", "3")
    flagged = {r["id"] for r in handling_time.open_applications(morning, TODAY) if r["flagged"]}
    assert flagged == {"WAIT-LONG", "WAIT"}


def test_check_payload_and_counts(morning):
    payload = handling_time.check(morning, TODAY)
    assert payload["as_of"] == "2026-11-25"
    assert payload["counts"] == {"overdue": 1, "due_today": 1, "due_next": 1, "ok": 1, "incomplete": 2}
    assert payload["flagged"] == 1
    contract = {"id", "case", "handler", "received", "completed", "deadline", "status",
                "working_days_left"}
    assert all(contract <= set(a) for a in payload["applications"])
    only_bo = handling_time.check(morning, TODAY, handler="bo")
    assert {a["handler"] for a in only_bo["applications"]} == {"bo"}
    with pytest.raises(EkbistError, match="unknown handler"):
        handling_time.check(morning, TODAY, handler="nobody")


def test_check_cli_json_table_csv(morning, cli):
    payload = json.loads(cli.ok("handling-time", "check", "--format", "json").output)
    assert set(payload) >= {"as_of", "applications", "counts"}
    assert payload["counts"] == {"overdue": 1, "due_today": 1, "due_next": 1, "ok": 1, "incomplete": 2}
    first = payload["applications"][0]
    assert first == {"id": "OVER", "case": "C-1", "handler": "anna", "received": "2026-11-16",
                     "completed": "2026-11-17", "deadline": "2026-11-23", "status": "overdue",
                     "working_days_left": -2, "working_days_since_arrival": 8, "flagged": False,
                     # C-1, opened 2026-01-05, has never had a change plan
                     "without_plan": True}
    table = cli.ok("handling-time", "check").output
    assert "Anna Andersson (anna): overdue 1, due today 1, incomplete 1" in table
    assert table.index("anna") < table.index("Bo Berg")
    assert "overdue 1 · due today 1 · due next working day 1 · ok 1 · incomplete 2" in table
    csv_text = cli.ok("handling-time", "check", "--format", "csv").output
    assert csv_text.splitlines()[0].startswith("handler,id,case,received")
    due = json.loads(cli.ok("handling-time", "check", "--status", "due_today", "--status", "overdue",
                            "--format", "json").output)
    assert [a["id"] for a in due["applications"]] == ["OVER", "TODAY"]
    sv = cli.ok("handling-time", "check", lang="sv").output
    assert "försenad" in sv and "sista beslutsdag i dag" in sv and "ofullständig" in sv


def test_check_on_an_empty_store(cli):
    cli.ok("init")
    assert "No undecided applications" in cli.ok("handling-time", "check").output
    payload = json.loads(cli.ok("handling-time", "check", "--format", "json").output)
    assert payload == {"as_of": "2026-11-25", "applications": [],
                       "counts": {"overdue": 0, "due_today": 0, "due_next": 0, "ok": 0,
                                  "incomplete": 0}, "flagged": 0, "without_plan": 0}
    assert "unknown handler" in cli.fails("handling-time", "check", "--handler", "x")


# -- the report -----------------------------------------------------------------------
@pytest.fixture
def decided(two_case_store):
    """Four decided applications with known working days and waits, and one withdrawn without
    ever being complete: no decision, so neither no-clock nor late (issue 28)."""
    # working days 1, 3, 5, 6; waits 0, 2, 4, 50 calendar days.
    add(two_case_store, received="2026-10-05", completed="2026-10-05", decided="2026-10-05", today=TODAY)
    add(two_case_store, received="2026-10-05", completed="2026-10-05", decided="2026-10-07", today=TODAY)
    add(two_case_store, "C-2", received="2026-10-05", completed="2026-10-05", decided="2026-10-09",
        decision="rejected", today=TODAY)
    add(two_case_store, "C-2", received="2026-10-01", completed="2026-11-13", decided="2026-11-20",
        decision="partly", today=TODAY)  # 13, 16, 17, 18, 19 → deadline 19; 20 is day 6
    add(two_case_store, received="2026-10-12", decided="2026-10-30", decision="withdrawn", today=TODAY)
    return two_case_store


def test_report_hand_counted(decided):
    result = handling_time.report(decided, date(2026, 10, 1), date(2026, 11, 30))
    assert result["groups"] == []
    assert result["total"] == {
        "decided": 4, "in_time": 3, "late": 1, "no_clock": 0, "withdrawn": 1,
        "share_in_time": 0.75,
        "median_working_days": 4.0, "mean_working_days": 3.75, "max_working_days": 6,
        "median_wait_days": 3.0, "mean_wait_days": 14.0, "share_wait_over_14": 0.25,
    }


def test_report_groupings(decided):
    by_handler = handling_time.report(decided, date(2026, 10, 1), date(2026, 11, 30), by="handler")
    assert [(g["key"], g["decided"], g["in_time"], g["no_clock"]) for g in by_handler["groups"]] == [
        ("anna", 2, 2, 0), ("bo", 2, 1, 0)]
    assert [(g["key"], g["withdrawn"]) for g in by_handler["groups"]] == [("anna", 1), ("bo", 0)]
    by_team = handling_time.report(decided, date(2026, 10, 1), date(2026, 11, 30), by="team")
    assert [g["key"] for g in by_team["groups"]] == ["intake", "investigation"]
    by_month = handling_time.report(decided, date(2026, 10, 1), date(2026, 11, 30), by="month")
    assert [(g["key"], g["decided"], g["late"], g["no_clock"]) for g in by_month["groups"]] == [
        ("2026-10", 3, 0, 0), ("2026-11", 1, 1, 0)]
    assert by_month["total"] == by_handler["total"] == by_team["total"]
    # The range selects on the day the clock started.
    october = handling_time.report(decided, date(2026, 10, 1), date(2026, 10, 31))["total"]
    assert (october["decided"], october["late"]) == (3, 0)


def test_report_by_handler_counts_the_clock_start_handler_and_no_handler_last(two_case_store):
    # A-1 became complete with anna on 5 October; the case went to bo on the 6th and bo
    # decided it on the 7th: it counts for anna, who had it when the clock started.
    add(two_case_store, received="2026-10-05", completed="2026-10-05", app_id="A-1", today=TODAY)
    cases.assign(two_case_store, "C-1", "bo", day("2026-10-06"), today=TODAY)
    applications.decide(two_case_store, "A-1", day("2026-10-07"), "rejected", today=TODAY)
    # C-9 was nobody's from September (a gap an imported case history can leave); its
    # application, never complete, was withdrawn in October: no decision, no handler.
    cases.open_case(two_case_store, "C-9", handler="anna", opened=day("2026-01-05"), today=TODAY)
    two_case_store.execute("UPDATE assignment SET to_date = '2026-09-01' WHERE case_id = 'C-9'")
    add(two_case_store, "C-9", received="2026-10-12", decided="2026-10-30", decision="withdrawn",
        today=TODAY)
    groups = handling_time.report(two_case_store, day("2026-10-01"), day("2026-10-31"), by="handler")["groups"]
    assert [(g["key"], g["decided"], g["in_time"], g["no_clock"], g["withdrawn"])
            for g in groups] == [("anna", 1, 1, 0, 0), (None, 0, 0, 0, 1)]


def test_report_empty_and_refusals(two_case_store):
    total = handling_time.report(two_case_store, date(2026, 1, 1), date(2026, 12, 31))["total"]
    assert total["decided"] == 0 and total["share_in_time"] is None
    assert total["median_working_days"] is None
    with pytest.raises(EkbistError, match="the end of the period is before the start of the period"):
        handling_time.report(two_case_store, date(2026, 2, 1), date(2026, 1, 1))
    with pytest.raises(EkbistError, match="outside the calendar"):
        handling_time.report(two_case_store, date(1980, 1, 1), date(2026, 1, 1))
    with pytest.raises(EkbistError, match="unknown grouping"):
        handling_time.report(two_case_store, date(2026, 1, 1), date(2026, 2, 1), by="colour")


def test_report_cli(decided, cli, tmp_path: Path):
    payload = json.loads(cli.ok("handling-time", "report", "--from", "2026-10-01", "--to",
                                "2026-11-30", "--by", "month", "--format", "json").output)
    assert list(payload) == ["from", "to", "total", "groups"]
    keys = ["decided", "in_time", "late", "no_clock", "withdrawn", "share_in_time",
            "median_working_days",
            "mean_working_days", "max_working_days", "median_wait_days", "mean_wait_days",
            "share_wait_over_14"]
    assert list(payload["total"]) == keys
    assert [list(g) for g in payload["groups"]] == [["key", *keys]] * 2
    table = cli.ok("handling-time", "report", "--from", "2026-10-01", "--to", "2026-11-30",
                   "--by", "team").output
    assert "investigation" in table and "75.0%" in table
    sv = cli.ok("handling-time", "report", "--from", "2026-10-01", "--to", "2026-11-30",
                lang="sv").output
    assert "75,0 %" in sv and "arbetsdag 5" in sv
    csv_lines = cli.ok("handling-time", "report", "--from", "2026-10-01", "--to", "2026-11-30",
                       "--by", "handler", "--format", "csv").output.splitlines()
    assert csv_lines[0].startswith("key,decided,in_time") and csv_lines[-1].startswith("total,4,3,1,0,1,")
    assert "before --from" in cli.fails("handling-time", "report", "--from", "2026-10-02",
                                        "--to", "2026-10-01")


def test_report_xlsx(decided, cli, tmp_path: Path):
    from openpyxl import load_workbook

    target = tmp_path / "handlaggningstid.xlsx"
    out = cli.ok("handling-time", "report", "--from", "2026-10-01", "--to", "2026-11-30", "--by",
                 "handler", "--xlsx", str(target)).output
    assert "Wrote" in out
    wb = load_workbook(target)
    report_sheet, months = wb.worksheets
    header = [c.value for c in report_sheet[4]]
    assert header[:3] == ["Handler", "Decided", "In time"]
    # the handler named beside the id
    assert [c.value for c in report_sheet[5]][:4] == ["Anna Andersson (anna)", 2, 2, 0]
    assert report_sheet.cell(7, 1).value == "Total" and report_sheet.cell(7, 7).value == 0.75
    assert report_sheet.cell(4, 6).value == "Withdrawn" and report_sheet.cell(7, 6).value == 1
    assert [row[0].value for row in months.iter_rows(min_row=2)] == ["2026-10", "2026-11"]
    assert months.cell(2, 6).value == 1.0 and months.cell(3, 6).value == 0.0
    assert len(months._charts) == 1
    # An existing file is not overwritten without --force.
    line = cli.fails("handling-time", "report", "--from", "2026-10-01", "--to", "2026-11-30",
                     "--xlsx", str(target))
    assert "exists already" in line
    cli.ok("handling-time", "report", "--from", "2026-10-01", "--to", "2026-11-30", "--xlsx",
           str(target), "--force", lang="sv")
    assert load_workbook(target).worksheets[0].cell(4, 2).value == "Beslutade"
    assert "xlsx" in cli.fails("handling-time", "report", "--from", "2026-10-01", "--to",
                               "2026-11-30", "--xlsx", str(tmp_path / "r.csv"))


# -- the demo -------------------------------------------------------------------------
def test_demo_shows_every_status_and_a_realistic_share(small_demo_db):
    from ekbist.store import Store

    with Store.open(small_demo_db, readonly=True) as store:
        payload = handling_time.check(store, TODAY)
        assert all(n > 0 for n in payload["counts"].values()), payload["counts"]
        assert payload["flagged"] > 0
        total = handling_time.report(store, date(2026, 4, 1), date(2026, 11, 25))["total"]
        assert 0.6 < total["share_in_time"] < 0.97
        assert total["no_clock"] > 0 and total["late"] > 0
        by_handler = handling_time.report(store, date(2026, 4, 1), date(2026, 11, 25), by="handler")
        assert sum(g["decided"] for g in by_handler["groups"]) == total["decided"]
        # The set-based SQL agrees with the single-date calendar on every decided application.
        cal = working_days.WorkCalendar.from_store(store)
        rows = store.query("SELECT completed, decided FROM application WHERE completed IS NOT NULL "
                           "AND decided IS NOT NULL AND decision <> 'withdrawn' "
                           "AND completed >= '2026-04-01'")
        in_time = sum(day(r["decided"]) <= cal.deadline(day(r["completed"]), 5) for r in rows)
        assert in_time == total["in_time"]


@given(st.lists(st.tuples(st.integers(0, 60), st.integers(1, 5)), min_size=1, max_size=20))
def test_median_from_a_histogram(pairs):
    import statistics

    histogram: dict[int, int] = {}
    for value, n in pairs:
        histogram[value] = histogram.get(value, 0) + n
    expanded = [v for v, n in sorted(histogram.items()) for _i in range(n)]
    assert handling_time._median(sorted(histogram.items())) == statistics.median(expanded)
