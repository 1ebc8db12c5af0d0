"""Contacts and the promises of access: deadlines on the Swedish calendar, the check, the day,
the reports, the command line and the workbook.

Every expected date is counted by hand on the 2026/2027 calendar:

* Easter 2026: Maundy Thursday 2 April is a working day; Good Friday 3 April, the weekend,
  Easter Monday 6 April are not.
* Ascension 2026: Thursday 14 May.
* Midsommarafton: Friday 19 June 2026.
* Christmas and New Year: julafton Thu 24 Dec, juldagen Fri 25 Dec, nyårsafton Thu 31 Dec,
  nyårsdagen Fri 1 Jan 2027. 28 February 2027 is a Sunday.
* Friday 29 May 2026 is a working day; Monday 1 June 2026 is one unless the unit closes it.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from helpers import procs

from ekbist import check, contacts, handlers, settings, working_days
from ekbist.day import working_day
from ekbist.errors import EkbistError
from ekbist.reports import contacts as contact_figures
from ekbist.store import Store

LATE = date(2027, 6, 30)  # an as-of day after every date below


def day(text: str) -> date:
    return date.fromisoformat(text)


@pytest.fixture
def unit(store: Store) -> Store:
    handlers.add(store, "anna", name="Anna Andersson", team="intake", fte=1, start=day("2025-01-01"))
    handlers.add(store, "vera", name="Vera Våld", team="violence", fte=1, start=day("2025-01-01"))
    return store


def add(store: Store, kind: str, received: str, *, children: bool = False,
        answered: str | None = None, today: date = LATE, **who) -> dict:
    if not who:
        who = {"handler": "anna"} if kind in ("callback", "first_visit", "other") else {"team": kind}
    return contacts.add(store, received=day(received), kind=kind, children=children, today=today,
                        answered=day(answered) if answered else None, **who)


# (what, kind, children, received, deadline counted by hand)
DEADLINES = [
    ("call-back left on Maundy Thursday", "callback", False, "2026-04-02", "2026-04-07"),
    ("call-back left the day before", "callback", False, "2026-04-01", "2026-04-02"),
    ("call-back left on a Saturday", "callback", False, "2026-11-14", "2026-11-16"),
    ("call-back left on an ordinary Monday", "callback", False, "2026-11-16", "2026-11-17"),
    ("call-back left the eve of Ascension", "callback", False, "2026-05-13", "2026-05-15"),
    ("call-back left before julafton", "callback", False, "2026-12-23", "2026-12-28"),
    ("call-back left before nyårsafton", "callback", False, "2026-12-30", "2027-01-04"),
    ("violence the day before midsommarafton", "violence", False, "2026-06-18", "2026-06-22"),
    ("violence two days before midsommarafton", "violence", False, "2026-06-17", "2026-06-18"),
    ("violence on a Friday, Monday open", "violence", False, "2026-05-29", "2026-06-01"),
    ("family's debt advice over Christmas", "debt", True, "2026-12-18", "2026-12-28"),
    ("family's debt advice to julafton", "debt", True, "2026-12-17", "2026-12-28"),
    ("family's debt advice to the 23rd", "debt", True, "2026-12-16", "2026-12-23"),
    ("family's debt advice to a Monday", "debt", True, "2026-12-14", "2026-12-21"),
    ("debt advice to a month's last day", "debt", False, "2026-08-31", "2026-11-30"),
    ("debt advice to 28 Feb, a Sunday", "debt", False, "2026-11-30", "2027-03-01"),
    ("debt advice to juldagen", "debt", False, "2026-09-25", "2026-12-28"),
    ("debt advice to the 23rd", "debt", False, "2026-09-23", "2026-12-23"),
]


@pytest.mark.parametrize(("what", "kind", "children", "received", "deadline"), DEADLINES,
                         ids=[d[0] for d in DEADLINES])
def test_deadlines_counted_by_hand(unit, what, kind, children, received, deadline):
    row = add(unit, kind, received, children=children)
    assert row["deadline"] == deadline, what


@pytest.mark.parametrize("kind", ["first_visit", "other"])
def test_kinds_without_a_promise_have_no_deadline(unit, kind):
    row = add(unit, kind, "2026-11-16")
    assert row["deadline"] is None
    assert row["status"] == "open"
    assert contacts.check(unit, LATE) == []


def test_a_closed_day_after_a_friday_moves_the_violence_deadline(unit):
    working_days.close_day(unit, day("2026-06-01"), "Planeringsdag")
    assert add(unit, "violence", "2026-05-29")["deadline"] == "2026-06-02"
    # A family's week ending on the closed day moves too: Mon 25 May + 7 = Mon 1 June.
    assert add(unit, "debt", "2026-05-25", children=True)["deadline"] == "2026-06-02"
    # And the call-back of the Friday before.
    assert add(unit, "callback", "2026-05-29")["deadline"] == "2026-06-02"


def test_same_day_violence_setting(unit):
    settings.put(unit, "contacts.violence_workdays", "0")
    assert add(unit, "violence", "2026-05-29")["deadline"] == "2026-05-29"   # Friday itself
    assert add(unit, "violence", "2026-05-30")["deadline"] == "2026-06-01"   # Saturday: Monday
    assert add(unit, "violence", "2026-04-02")["deadline"] == "2026-04-02"   # Maundy Thursday
    assert add(unit, "violence", "2026-04-03")["deadline"] == "2026-04-07"   # Good Friday


def test_the_settings_change_each_promise(unit):
    settings.put(unit, "contacts.callback_workdays", "2")
    settings.put(unit, "contacts.debt_months", "1")
    settings.put(unit, "contacts.debt_children_days", "3")
    assert add(unit, "callback", "2026-04-02")["deadline"] == "2026-04-08"
    assert add(unit, "debt", "2026-01-31")["deadline"] == "2026-03-02"  # 28 Feb is a Saturday
    assert add(unit, "debt", "2026-12-21", children=True)["deadline"] == "2026-12-28"


@pytest.mark.parametrize(("answered", "as_of", "status", "days_late"), [
    (None, "2026-04-06", "waiting", None),
    (None, "2026-04-07", "due_today", None),
    (None, "2026-04-08", "overdue", 1),
    ("2026-04-07", "2026-04-08", "kept", None),
    ("2026-04-08", "2026-04-08", "late", 1),
    # An answer recorded for a later day is not one yet.
    ("2026-04-08", "2026-04-07", "due_today", None),
])
def test_status_on_both_sides_of_the_deadline(unit, answered, as_of, status, days_late):
    row = add(unit, "callback", "2026-04-02", answered=answered)
    seen = contacts.get(unit, row["id"], day(as_of))
    assert (seen["status"], seen["days_late"]) == (status, days_late)


def test_check_lists_due_overdue_and_late(unit):
    today = day("2026-04-08")
    overdue = add(unit, "callback", "2026-04-02", today=today)           # due 04-07
    due_today = add(unit, "violence", "2026-04-07", today=today)         # due 04-08
    late = add(unit, "callback", "2026-04-01", answered="2026-04-03", today=today)  # due 04-02
    last_month = add(unit, "callback", "2026-03-20", answered="2026-03-31", today=today)
    add(unit, "callback", "2026-04-07", answered="2026-04-08", today=today)  # kept
    add(unit, "callback", "2026-04-08", today=today)                          # waiting
    found = contacts.check(unit, today)
    assert [(r["id"], r["status"]) for r in found] == [
        (overdue["id"], "overdue"), (due_today["id"], "due_today"), (late["id"], "late")]
    since_march = contacts.check(unit, today, since=day("2026-03-01"))
    assert [r["id"] for r in since_march if r["status"] == "late"] == [
        last_month["id"], late["id"]]
    assert [r["id"] for r in contacts.check(unit, today, handler="anna")] == [
        overdue["id"], late["id"]]
    with pytest.raises(EkbistError):
        contacts.check(unit, today, since=day("2026-04-09"))


def test_morning_check_grades_contacts(unit):
    add(unit, "callback", "2026-04-02")
    report = check.run(unit, day("2026-04-07"), only=["contacts"])
    assert (report.status, [f.kind for f in report.findings]) == ("WARNING", ["contact_due_today"])
    assert report.findings[0].handler == "anna"
    report = check.run(unit, day("2026-04-08"), only=["contacts"])
    assert (report.status, [f.kind for f in report.findings]) == ("WARNING", ["contact_overdue"])
    add(unit, "violence", "2026-04-02")  # due 04-07, like the call-back
    report = check.run(unit, day("2026-04-07"), only=["kontakter"])
    assert report.status == "WARNING"
    report = check.run(unit, day("2026-04-08"), only=["contacts"])
    assert report.status == "CRITICAL"
    assert [f.kind for f in report.findings] == ["violence_overdue", "contact_overdue"]
    contacts.answer(unit, 2, on=day("2026-04-08"), today=day("2026-04-08"))
    report = check.run(unit, day("2026-04-08"), only=["contacts"])
    assert report.status == "WARNING"  # answered late: history, not a morning finding


def test_day_lists_the_handlers_call_backs(unit):
    handlers.add(unit, "bo", name="Bo Berg", team="intake", fte=1, start=day("2025-01-01"))
    mine = add(unit, "callback", "2026-11-24")
    add(unit, "callback", "2026-11-24", handler="bo")
    add(unit, "callback", "2026-11-20", answered="2026-11-23")
    add(unit, "violence", "2026-11-24")
    today = day("2026-11-25")
    calls = working_day(unit, today, handler="anna")["callbacks"]
    assert [(c["id"], c["deadline"], c["status"]) for c in calls] == [
        (mine["id"], "2026-11-25", "due_today")]
    assert len(working_day(unit, today)["callbacks"]) == 2


def test_add_and_answer_refuse_bad_input(unit):
    today = day("2026-11-25")
    with pytest.raises(EkbistError, match="after today"):
        add(unit, "callback", "2026-11-26", today=today)
    with pytest.raises(EkbistError, match="handler or a team"):
        contacts.add(unit, received=today, kind="callback", today=today)
    with pytest.raises(EkbistError, match="no handler 'nobody'"):
        add(unit, "callback", "2026-11-24", handler="nobody", today=today)
    with pytest.raises(EkbistError, match="before it was received"):
        add(unit, "callback", "2026-11-24", answered="2026-11-23", today=today)
    with pytest.raises(EkbistError, match="personnummer"):
        add(unit, "callback", "2026-11-24", handler="anna", case="19121212-1212", today=today)
    with pytest.raises(EkbistError, match="personnummer"):
        contacts.add(unit, received=today, kind="callback", handler="anna", today=today,
                     note="ring 121212 1212 i morgon")
    with pytest.raises(EkbistError, match="time of day"):
        contacts.add(unit, received=today, kind="callback", handler="anna", today=today,
                     received_time="24:00")
    with pytest.raises(EkbistError):
        add(unit, "visit", "2026-11-24", team="intake", today=today)
    with pytest.raises(EkbistError, match="1989-12-31 is outside the calendar"):
        add(unit, "callback", "1989-12-31", team="intake", today=today)  # no deadline to count
    assert unit.scalar("SELECT count(*) FROM contact") == 0
    row = contacts.add(unit, received=today, kind="återuppringning", handler="anna",
                       today=today, received_time="9.05", case="C-1")
    assert (row["kind"], row["received_time"], row["team"], row["case"]) == (
        "callback", "09:05", "intake", "C-1")
    assert contacts.answer(unit, row["id"], on=today, today=today)["status"] == "kept"
    with pytest.raises(EkbistError, match="answered already"):
        contacts.answer(unit, row["id"], on=today, today=today)
    with pytest.raises(EkbistError, match="no contact 99"):
        contacts.answer(unit, 99, on=today, today=today)
    # The index's first day: Monday 1 January 1990 is a holiday, so the next working day
    # after it is Tuesday the 2nd.
    assert add(unit, "callback", "1990-01-01", team="intake", today=today)["deadline"] == (
        "1990-01-02")


def test_figures_count_waits_and_promises_kept(unit):
    # First visits held in March 2026: 10 (children), 15 and 11 days; one held in April.
    add(unit, "first_visit", "2026-03-02", answered="2026-03-12", children=True)
    add(unit, "first_visit", "2026-03-05", answered="2026-03-20")
    add(unit, "first_visit", "2026-02-20", answered="2026-03-03")
    add(unit, "first_visit", "2026-03-25", answered="2026-04-02")
    # Call-backs received in March: kept; late (due 03-05); unanswered, due 1 April.
    add(unit, "callback", "2026-03-02", answered="2026-03-03")
    add(unit, "callback", "2026-03-04", answered="2026-03-06")
    add(unit, "callback", "2026-03-31")
    # Debt advice: a family late (due 03-09), a household in time (due 2 June).
    add(unit, "debt", "2026-03-02", children=True, answered="2026-03-10")
    add(unit, "debt", "2026-03-02", answered="2026-05-04")
    march = contact_figures.figures(unit, day("2026-03-01"), day("2026-03-31"),
                                    today=day("2026-11-25"))
    assert march["first_visit"]["all"] == {"visits": 3, "mean_days": 12.0, "median_days": 11.0}
    assert march["first_visit"]["children"] == {"visits": 1, "mean_days": 10.0,
                                                "median_days": 10.0}
    assert march["first_visit"]["waiting"] == 1  # received 25 March, seen 2 April
    p = march["promises"]
    assert p["callback"] == {"settled": 3, "kept": 1, "share_kept": 0.3333}
    assert p["violence"] == {"settled": 0, "kept": 0, "share_kept": None}
    assert p["debt_children"] == {"settled": 1, "kept": 0, "share_kept": 0.0}
    assert p["debt"] == {"settled": 1, "kept": 1, "share_kept": 1.0}
    # On 31 March the last call-back is not due yet, and the debt visit not held yet.
    early = contact_figures.figures(unit, day("2026-03-01"), day("2026-03-31"),
                                    today=day("2026-03-31"))
    assert early["promises"]["callback"]["settled"] == 2
    assert early["promises"]["debt"]["settled"] == 0
    months = contact_figures.monthly(unit, "2026-02", "2026-04", today=day("2026-11-25"))
    assert [m["first_visit"]["all"]["visits"] for m in months] == [0, 3, 1]


# -- the command line ------------------------------------------------------------------------
def _state(db: Path) -> tuple:
    return (procs.scalar(db, "SELECT count(*) FROM contact"),
            procs.scalar(db, "SELECT count(*) FROM audit"),
            procs.scalar(db, "SELECT group_concat(coalesce(answered, '-')) FROM contact"))


def test_cli_round(demo_copy: Path):
    db = demo_copy
    run = lambda *a, **kw: procs.run(db, "--today", "2026-11-25", *a, **kw)  # noqa: E731
    done = run("contacts", "add", "--kind", "violence", "--team", "violence", "--received",
               "2026-11-23", "--time", "16:40")
    assert done.returncode == 0, done.stderr
    new_id = procs.scalar(db, "SELECT max(id) FROM contact")
    assert f"Added contact {new_id} (violence, received 2026-11-23): to be answered by " \
           "2026-11-24." in done.stdout
    assert procs.scalar(db, f"SELECT count(*) FROM audit WHERE tbl = 'contact' "
                            f"AND action = 'insert' AND key = '{new_id}'") == 1
    result = run("check", "--only", "contacts", "--format", "json")
    assert result.returncode == 2
    payload = json.loads(result.stdout)
    assert [f["subject"] for f in payload["findings"] if f["severity"] == "critical"] == [
        str(new_id)]
    listed = json.loads(run("contacts", "check", "--format", "json").stdout)
    assert {"id": new_id, "status": "overdue", "deadline": "2026-11-24", "days_late": 1}.items() \
        <= next(c for c in listed["contacts"] if c["id"] == new_id).items()
    answered = run("contacts", "answer", str(new_id))
    assert f"Contact {new_id} answered on 2026-11-25, 1 day after 2026-11-24" in answered.stdout
    sv = run("--lang", "sv", "contacts", "check", env=procs.clean_env(COLUMNS="80"))
    assert "Kontakttyp" in sv.stdout and "återuppringning" in sv.stdout
    *table, total = sv.stdout.splitlines()  # the table fits; a pipe gets the prose line whole
    assert max(len(line) for line in table) <= 80
    assert total == ("Per 2026-11-25: 1 inte besvarade i tid, 2 att besvara i dag, 13 besvarade "
                     "för sent sedan 2026-11-01.")  # the demo's 12 and the one above


@pytest.mark.parametrize("args", [
    ("contacts", "add", "--kind", "besök", "--team", "intake"),
    ("contacts", "add", "--kind", "callback"),
    ("contacts", "add", "--kind", "callback", "--handler", "h999"),
    ("contacts", "add", "--kind", "callback", "--handler", "h001", "--received", "2026-11-26"),
    ("contacts", "add", "--kind", "callback", "--handler", "h001", "--time", "7:60"),
    ("contacts", "add", "--kind", "callback", "--handler", "h001", "--received", "1989-12-31"),
    ("contacts", "add", "--kind", "callback", "--handler", "h001", "--case", "191212121212"),
    ("contacts", "add", "--kind", "callback", "--handler", "h001", "--note", "19121212–1212"),
    ("contacts", "add", "--kind", "callback", "--handler", "h001", "--received", "2026-11-20",
     "--answered", "2026-11-19"),
    ("contacts", "answer", "1", "--date", "2026-11-26"),
    ("contacts", "answer", "999999"),
    ("contacts", "check", "--since", "2026-11-26"),
    ("contacts", "list", "--from", "2026-11-20", "--to", "2026-11-01"),
])
def test_cli_refuses_bad_input_and_writes_nothing(demo_copy: Path, args):
    before = _state(demo_copy)
    result = procs.run(demo_copy, "--today", "2026-11-25", *args)
    assert result.returncode == 1, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("error: ") and "Traceback" not in result.stderr
    assert "191212121212" not in result.stderr and "19121212–1212" not in result.stderr
    assert _state(demo_copy) == before


def test_cli_answer_twice_is_refused(demo_copy: Path):
    first = procs.scalar(demo_copy, "SELECT min(id) FROM contact WHERE answered IS NOT NULL")
    before = _state(demo_copy)
    result = procs.run(demo_copy, "--today", "2026-11-25", "contacts", "answer", str(first))
    assert result.returncode == 1 and "answered already" in result.stderr
    assert _state(demo_copy) == before


def test_workbook_round_trip_and_bad_rows(demo_copy: Path, tmp_path: Path):
    import openpyxl

    out = tmp_path / "kontakter.xlsx"
    exported = procs.run(demo_copy, "--today", "2026-11-25", "--lang", "sv", "export",
                         "contacts", str(out))
    assert exported.returncode == 0, exported.stderr
    again = procs.run(demo_copy, "--today", "2026-11-25", "import", str(out), "--dry-run",
                      "--format", "json")
    assert again.returncode == 0, again.stderr
    counted = json.loads(again.stdout)["kinds"]["contacts"]
    assert (counted["added"], counted["changed"]) == (0, 0)
    assert counted["unchanged"] == procs.scalar(demo_copy, "SELECT count(*) FROM contact") > 0
    wb = openpyxl.load_workbook(out)
    ws = wb.active
    assert [c.value for c in ws[1]][:4] == ["Kontakt", "Inkom", "Klockslag", "Kontakttyp"]
    ws.append([900001, "2026-11-24", "9.30", "våld", "ja", None, None, None, None, None])
    ws.append([900002, "2026-11-24", None, "återuppringning", "nej", "h001", None,
               "19121212-1212", None, None])
    bad = tmp_path / "bad.xlsx"
    wb.save(bad)
    before = _state(demo_copy)
    refused = procs.run(demo_copy, "--today", "2026-11-25", "import", str(bad))
    assert refused.returncode == 1
    assert "not a time of day" in refused.stdout + refused.stderr
    assert "give a handler or a team" in refused.stdout + refused.stderr
    assert "1212-1212" not in refused.stdout + refused.stderr
    assert _state(demo_copy) == before
    ws.delete_rows(ws.max_row - 1, 2)
    ws.append([900003, "2026-11-24", "09:30", "våld", "ja", None, "våld i nära relation", None,
               None, None])
    ws.append([900004, "2026-11-24", None, "återuppringning", "nej", "h001", None, "C-9",
               None, None])
    good = tmp_path / "good.xlsx"
    wb.save(good)
    imported = procs.run(demo_copy, "--today", "2026-11-25", "import", str(good))
    assert imported.returncode == 0, imported.stderr
    assert procs.scalar(demo_copy, "SELECT team FROM contact WHERE id = 900003") == "violence"
    assert procs.scalar(demo_copy, "SELECT team FROM contact WHERE id = 900004") == "intake"
    assert procs.scalar(demo_copy, "SELECT children FROM contact WHERE id = 900003") == 1


def test_demo_contacts_follow_the_seeds_unit(demo_db: Path):
    """About 185 contacts a month for 480 households, most promises kept, none after today."""
    with Store.open(demo_db, readonly=True) as store:
        per_kind = dict(store.tuples(
            "SELECT kind, count(*) FROM contact WHERE received BETWEEN '2025-01-01' AND "
            "'2025-12-31' GROUP BY kind").fetchall())
        assert store.scalar("SELECT max(received) FROM contact") <= "2026-11-25"
        assert store.scalar("SELECT max(answered) FROM contact") < "2026-11-25"
        year = contact_figures.figures(store, day("2025-01-01"), day("2025-12-31"),
                                       today=day("2026-11-25"))
    assert 1200 <= per_kind["callback"] <= 1700
    assert 70 <= per_kind["violence"] <= 130
    assert 0.8 <= year["promises"]["callback"]["share_kept"] < 1.0
    assert 0.8 <= year["promises"]["violence"]["share_kept"] < 1.0
