"""Applications: registering, completing and deciding, and every refusal (library and CLI)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from ekbist import applications, cases, handlers
from ekbist.errors import EkbistError

TODAY = date(2026, 11, 25)


def app_count(cli) -> tuple[int, int]:
    """(applications, audit rows): what a refused command must leave unchanged."""
    from ekbist.store import Store

    with Store.open(cli.db, readonly=True) as store:
        return store.scalar("SELECT count(*) FROM application"), store.scalar("SELECT count(*) FROM audit")


def refused(cli, *args, today=None, contains: str = "") -> str:
    before = app_count(cli)
    line = cli.fails(*args, **({"today": today} if today else {}))
    assert app_count(cli) == before, "a refused command changed the store"
    assert contains in line, line
    return line


# -- library --------------------------------------------------------------------------
@pytest.fixture
def handover_store(store):
    """anna and bo; case C-1 opened by anna on 2026-01-05 and handed over to bo on 2026-11-10."""
    handlers.add(store, "anna", name="Anna Andersson", team="intake", fte=1)
    handlers.add(store, "bo", name="Bo Berg", team="investigation", fte=1)
    cases.open_case(store, "C-1", handler="anna", opened=date(2026, 1, 5), today=TODAY)
    cases.assign(store, "C-1", "bo", date(2026, 11, 10), today=TODAY)
    return store


def test_add_complete_decide_through_the_library(handover_store):
    row = applications.add(handover_store, "C-1", period="2026-11", received=date(2026, 11, 2), today=TODAY)
    assert row["id"] == "A0000001"
    assert row["completed"] is None and row["handler"] is None
    # The clock starts on 2026-11-12, when bo has the case: bo answers for it.
    row = applications.complete(handover_store, row["id"], date(2026, 11, 12), today=TODAY)
    assert (row["completed"], row["handler"]) == ("2026-11-12", "bo")
    row = applications.decide(handover_store, row["id"], date(2026, 11, 13), "beviljat", amount="7 643",
                              today=TODAY)
    assert (row["decided"], row["decision"], row["amount"]) == ("2026-11-13", "granted", 7643)


def test_handler_is_the_case_handler_on_the_clock_start_day(handover_store):
    before = applications.add(handover_store, "C-1", period="2026-11", received=date(2026, 11, 2),
                              completed=date(2026, 11, 9), today=TODAY)
    on_handover = applications.add(handover_store, "C-1", period="2026-11", received=date(2026, 11, 10),
                                   completed=date(2026, 11, 10), today=TODAY)
    assert before["handler"] == "anna"
    assert on_handover["handler"] == "bo"


def test_several_applications_per_case_and_month_and_ids(handover_store):
    ids = [applications.add(handover_store, "C-1", period="2026-11", received=date(2026, 11, 2), today=TODAY)["id"]
           for _i in range(3)]
    assert ids == ["A0000001", "A0000002", "A0000003"]
    own = applications.add(handover_store, "C-1", period="2026-11", received=date(2026, 11, 3),
                           app_id="EXTRA-1", today=TODAY)
    assert own["id"] == "EXTRA-1"
    assert applications.add(handover_store, "C-1", period="2026-11", received=date(2026, 11, 3),
                            today=TODAY)["id"] == "A0000004"


def test_assign_handlers_fills_bulk_rows(handover_store):
    handover_store.execute("INSERT INTO application (id, case_id, period, received, completed) VALUES "
                "('X1', 'C-1', '2026-11', '2026-11-02', '2026-11-03'), "
                "('X2', 'C-1', '2026-11', '2026-11-11', '2026-11-11'), "
                "('X3', 'C-1', '2026-11', '2026-11-11', NULL)")
    assert applications.assign_handlers(handover_store) == 2
    got = {r["id"]: r["handler"] for r in handover_store.query("SELECT id, handler FROM application")}
    assert got == {"X1": "anna", "X2": "bo", "X3": None}


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda s: applications.add(s, "C-9", period="2026-11", received=date(2026, 11, 2), today=TODAY),
         "unknown case 'C-9'"),
        (lambda s: applications.add(s, "C-1", period="2026-13", received=date(2026, 11, 2), today=TODAY),
         "not a month"),
        (lambda s: applications.add(s, "C-1", period="2062-11", received=date(2026, 11, 2), today=TODAY),
         "more than 12 months"),
        (lambda s: applications.add(s, "C-1", period="2026-11", received=date(2026, 11, 26), today=TODAY),
         "after today"),
        (lambda s: applications.add(s, "C-1", period="2026-11", received=date(2026, 11, 5),
                                    completed=date(2026, 11, 4), today=TODAY),
         "before the application was received"),
        (lambda s: applications.add(s, "C-1", period="2026-01", received=date(2026, 1, 2), today=TODAY),
         "was opened on 2026-01-05"),
        (lambda s: applications.add(s, "C-1", period="2026-11", received=date(2026, 11, 2),
                                    app_id="bad id", today=TODAY),
         "without spaces"),
        (lambda s: applications.add(s, "C-1", period="2026-11", received=date(2026, 11, 2),
                                    app_id="19121212-1212", today=TODAY),
         "personnummer"),
    ],
)
def test_library_refusals_write_nothing(handover_store, call, message):
    with pytest.raises(EkbistError, match=message):
        call(handover_store)
    assert handover_store.scalar("SELECT count(*) FROM application") == 0


@pytest.mark.parametrize(
    ("decision", "amount", "message"),
    [
        ("granted", None, "needs the amount"),
        ("partly", None, "needs the amount"),
        ("rejected", 100, "leave out the amount"),
        ("withdrawn", "100", "leave out the amount"),
        ("granted", "12.5", "not whole kronor"),
        ("granted", "12,50", "not whole kronor"),
        ("granted", 0, "above 0"),
        ("granted", -5, "above 0"),
        ("maybe", None, "unknown decision"),
    ],
)
def test_check_decision(decision, amount, message):
    with pytest.raises(EkbistError, match=message):
        applications.check_decision(decision, amount)


@pytest.mark.parametrize(
    ("text", "kronor"),
    [("7643", 7643), ("7 643", 7643), ("7\u00a0643", 7643), ("7 643,00", 7643), ("1 234 567", 1234567),
     (500, 500), (500.0, 500), ("1 000 kr", 1000)],
)
def test_amounts_in_whole_kronor(text, kronor):
    assert applications.check_decision("granted", text) == ("granted", kronor)


def test_check_dates_orders_received_completed_decided():
    applications.check_dates(date(2026, 11, 2), date(2026, 11, 2), date(2026, 11, 2), today=TODAY)
    with pytest.raises(EkbistError, match="before the application was complete"):
        applications.check_dates(date(2026, 11, 2), date(2026, 11, 5), date(2026, 11, 4), today=TODAY)
    with pytest.raises(EkbistError, match="decided 2026-11-01 is before the application was received"):
        applications.check_dates(date(2026, 11, 2), None, date(2026, 11, 1), today=TODAY)
    with pytest.raises(EkbistError, match="after today"):
        applications.check_dates(date(2026, 11, 2), None, date(2026, 11, 26), today=TODAY)


# -- command line ---------------------------------------------------------------------
def test_add_prints_the_id_and_list_shows_the_deadline(unit):
    first = unit.ok("application", "add", "C-1", "--period", "2026-11", "--received", "2026-11-14",
                    "--completed", "2026-11-14").output.strip()
    assert first == "A0000001"
    second = unit.ok("application", "add", "C-1", "--period", "2026-11", "--received", "2026-11-16",
                     "--id", "SUPP-7").output.strip()
    assert second == "SUPP-7"
    rows = json.loads(unit.ok("application", "list", "--format", "json").output)
    assert [(r["id"], r["deadline"], r["handler"]) for r in rows] == [
        ("A0000001", "2026-11-20", "bo"),  # arrived on a Saturday: day 1 is Monday the 16th
        ("SUPP-7", None, "bo"),
    ]


def test_complete_and_decide_messages(unit):
    unit.ok("application", "add", "C-2", "--period", "2026-11", "--received", "2026-11-02",
            "--id", "A1")
    out = unit.ok("application", "complete", "A1", "--date", "2026-11-04").output
    assert "2026-11-10" in out and "bo" in out
    out = unit.ok("application", "decide", "A1", "--date", "2026-11-10", "--decision", "granted",
                  "--amount", "6 500").output
    assert "in time" in out
    out = unit.ok("application", "decide", "A1", "--date", "2026-11-11", "--decision", "partly",
                  "--amount", "3000", "--amend").output
    assert "late" in out
    row = json.loads(unit.ok("application", "list", "--case", "C-2", "--format", "json").output)[0]
    assert (row["decided"], row["decision"], row["amount"]) == ("2026-11-11", "partly", 3000)


def test_amend_is_audited(unit):
    from ekbist.store import Store

    unit.ok("application", "add", "C-2", "--period", "2026-11", "--received", "2026-11-02",
            "--completed", "2026-11-02", "--id", "A1")
    unit.ok("application", "decide", "A1", "--date", "2026-11-05", "--decision", "rejected")
    unit.ok("application", "decide", "A1", "--date", "2026-11-06", "--decision", "granted",
            "--amount", "4000", "--amend")
    with Store.open(unit.db, readonly=True) as store:
        changes = store.query("SELECT command, before, after FROM audit WHERE tbl = 'application' "
                              "AND key = 'A1' AND action = 'update' ORDER BY id")
    assert len(changes) == 2
    before, after = json.loads(changes[1]["before"]), json.loads(changes[1]["after"])
    assert (before["decision"], before["decided"]) == ("rejected", "2026-11-05")
    assert (after["decision"], after["amount"]) == ("granted", 4000)


def test_decision_in_swedish_words(unit):
    unit.ok("application", "add", "C-2", "--period", "2026-11", "--received", "2026-11-02",
            "--completed", "2026-11-02", "--id", "A1")
    out = unit.ok("application", "decide", "A1", "--date", "2026-11-03", "--decision", "avslag",
                  lang="sv").output
    assert "avslag" in out and "i tid" in out


def test_list_filters(unit):
    for case, received, completed in [("C-1", "2026-11-02", "2026-11-02"), ("C-3", "2026-11-09", None),
                                      ("C-4", "2026-11-16", "2026-11-17")]:
        args = ["--completed", completed] if completed else []
        unit.ok("application", "add", case, "--period", "2026-11", "--received", received, *args)
    unit.ok("application", "decide", "A0000001", "--date", "2026-11-03", "--decision", "rejected")

    def ids(*args):
        return [r["id"] for r in json.loads(unit.ok("application", "list", *args, "--format",
                                                    "json").output)]

    assert ids() == ["A0000001", "A0000002", "A0000003"]
    assert ids("--open") == ["A0000002", "A0000003"]
    assert ids("--case", "C-3") == ["A0000002"]
    assert ids("--handler", "cia") == ["A0000002"]
    assert ids("--handler", "anna") == ["A0000003"]
    assert ids("--from", "2026-11-05", "--to", "2026-11-10") == ["A0000002"]
    assert "No applications." in unit.ok("application", "list", "--case", "C-2").output


def test_cli_refusals(unit):
    unit.ok("application", "add", "C-1", "--period", "2026-11", "--received", "2026-11-02", "--id", "A1")
    unit.ok("application", "add", "C-2", "--period", "2026-11", "--received", "2026-11-02",
            "--completed", "2026-11-03", "--id", "D1")
    unit.ok("application", "decide", "D1", "--date", "2026-11-04", "--decision", "granted",
            "--amount", "5000")
    unit.ok("case", "close", "C-3", "--date", "2026-11-01", "--reason", "work")
    add = ("application", "add")
    refused(unit, *add, "C-99", "--period", "2026-11", "--received", "2026-11-02", contains="unknown case")
    refused(unit, *add, "C-3", "--period", "2026-11", "--received", "2026-11-02",
            contains="case 'C-3' is closed (from 2026-11-01)")
    refused(unit, *add, "C-1", "--period", "2026-11", "--received", "2026-11-05", "--completed",
            "2026-11-04", contains="completed 2026-11-04 is before the application was received")
    refused(unit, *add, "C-1", "--period", "2026-11", "--received", "2026-11-26",
            contains="received 2026-11-26 is after today (2026-11-25)")
    refused(unit, *add, "C-1", "--period", "2026-11", "--received", "2026-11-20", "--completed",
            "2026-11-26", contains="completed 2026-11-26 is after today")
    for bad in ("2026-13", "26-11", "november", "2026-1"):
        refused(unit, *add, "C-1", "--period", bad, "--received", "2026-11-02", contains="not a month")
    refused(unit, *add, "C-1", "--period", "2026-11", "--received", "2026-11-02", "--id", "A1",
            contains="application 'A1' exists already")

    refused(unit, "application", "complete", "A9", "--date", "2026-11-03", contains="unknown application")
    refused(unit, "application", "complete", "A1", "--date", "2026-11-01",
            contains="before the application was received")
    refused(unit, "application", "complete", "A1", "--date", "2026-11-26", contains="after today")
    refused(unit, "application", "complete", "D1", "--date", "2026-11-03", contains="was decided")

    decide = ("application", "decide")
    refused(unit, *decide, "A1", "--date", "2026-11-01", "--decision", "rejected",
            contains="decided 2026-11-01 is before the application was received")
    refused(unit, *decide, "A1", "--date", "2026-11-26", "--decision", "rejected",
            contains="decided 2026-11-26 is after today")
    refused(unit, *decide, "A1", "--date", "2026-11-05", "--decision", "granted",
            contains="needs --amount")
    refused(unit, *decide, "A1", "--date", "2026-11-05", "--decision", "partly",
            contains="needs --amount")
    refused(unit, *decide, "A1", "--date", "2026-11-05", "--decision", "rejected", "--amount", "100",
            contains="leave out --amount")
    refused(unit, *decide, "A1", "--date", "2026-11-05", "--decision", "withdrawn", "--amount", "1",
            contains="leave out --amount")
    refused(unit, *decide, "A1", "--date", "2026-11-05", "--decision", "granted", "--amount", "99.5",
            contains="not whole kronor")
    refused(unit, *decide, "A1", "--date", "2026-11-05", "--decision", "yes", contains="unknown decision")
    refused(unit, *decide, "D1", "--date", "2026-11-05", "--decision", "rejected",
            contains="use --amend")
    refused(unit, *decide, "A1", "--date", "2026-11-05", "--decision", "rejected", "--amend",
            contains="no decision to amend")
    refused(unit, *decide, "D1", "--date", "2026-11-02", "--decision", "rejected", "--amend",
            contains="before the application was complete")
    refused(unit, "application", "list", "--case", "C-99", contains="unknown case")
    refused(unit, "application", "list", "--handler", "nobody", contains="unknown handler")


def test_refusals_in_swedish(unit):
    line = unit.fails("application", "add", "C-99", "--period", "2026-11", "--received", "2026-11-02",
                      lang="sv")
    assert line.startswith("fel: ")
    line = unit.fails("application", "add", "C-1", "--period", "2026-11", "--received", "2026-11-02",
                      "--completed", "2026-11-01", lang="sv")
    assert "före" in line


@pytest.mark.parametrize(("period", "ok"), [
    ("2027-01", True), ("2027-02", False), ("2025-01", True), ("2024-12", False),
    ("2026-01", True),
])
def test_the_month_applied_for_lies_within_a_year_of_the_arrival(period, ok) -> None:
    # Arrival 15 January 2026: twelve months either way, over the turn of the year.
    from ekbist.applications import check_period

    if ok:
        assert check_period(period, date(2026, 1, 15)) == period
    else:
        with pytest.raises(EkbistError, match=f"period {period} is more than 12 months from "
                                              "the arrival 2026-01-15"):
            check_period(period, date(2026, 1, 15))
