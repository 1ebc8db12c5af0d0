"""Change plans and housing plans: the current-plan rule, due, missing and coverage.

The small unit below is counted by hand (see ``HAND``); the demo checks that the two
ways of computing coverage (one day at a time, and intervals for a series) agree.
"""

from __future__ import annotations

import json
import re
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import TODAY, Cli, build_unit
from ekbist.commands.errors import FLAGS

from ekbist import cases, handlers, plan_coverage, plans, settings
from ekbist.errors import EkbistError
from ekbist.store import Store

D = date.fromisoformat


# -- the hand-counted unit ------------------------------------------------------------
def _build_unit(cli: Cli) -> None:
    """The conftest unit (C-1..C-4) plus six cases, with plans whose state is known by hand.

    On 2026-11-25 (grace 90 days: eligible when opened before 2026-08-27):
      C-1 bo    opened 01-10  change plan, followed up late on 10-01, next 2027-01-01  current
      C-2 bo    opened 03-01  change plan, next 06-10 passed                           lapsed
      C-3 cia   opened 05-04  homeless; housing plan lapsed 09-01, no change plan      not current
      C-4 anna  opened 11-02  within the grace period                                  not eligible
      C-5 cia   opened 02-01  change plan ended today                                  not current
      C-6 anna  opened 04-01  change plan, follow-up due today                          current
      C-7 bo    opened 01-05  closed 10-01 (plan left open)                            not eligible
      C-8 cia   opened 08-27  exactly 90 days: still within grace                      not eligible
      C-9 cia   opened 08-26  91 days, no plan                                         not current
      C-10 anna opened 11-20  homeless, no plan at all                                 not eligible
    Eligible 6 (C-1, C-2, C-3, C-5, C-6, C-9), current 2 (C-1, C-6).
    """
    build_unit(cli)
    for case_id, handler, opened, extra in [
        ("C-5", "cia", "2026-02-01", []), ("C-6", "anna", "2026-04-01", []),
        ("C-7", "bo", "2026-01-05", []), ("C-8", "cia", "2026-08-27", []),
        ("C-9", "cia", "2026-08-26", []), ("C-10", "anna", "2026-11-20", ["--homeless"]),
    ]:
        cli.ok("case", "open", case_id, "--handler", handler, "--opened", opened, *extra)
    cli.ok("plan", "add", "C-1", "--made", "2026-02-01")  # next 2026-05-01
    cli.ok("plan", "follow-up", "C-1", "--date", "2026-04-20")  # next 2026-07-20
    cli.ok("plan", "follow-up", "C-1", "--date", "2026-10-01", "--next", "2027-01-01")
    cli.ok("plan", "add", "C-2", "--made", "2026-03-10")  # next 2026-06-10
    cli.ok("plan", "add", "C-3", "--kind", "housing", "--made", "2026-06-01")  # next 09-01
    cli.ok("plan", "add", "C-5", "--made", "2026-02-15", "--next", "2026-12-15")
    cli.ok("plan", "end", "C-5", "--date", "2026-11-25")
    cli.ok("plan", "add", "C-6", "--made", "2026-04-10", "--next", "2026-11-25")
    cli.ok("plan", "add", "C-7", "--made", "2026-01-20", "--next", "2026-12-01")
    cli.ok("case", "close", "C-7", "--date", "2026-10-01", "--reason", "work")


@pytest.fixture(scope="module")
def hand_template(tmp_path_factory) -> Path:
    """Built once per module; every test gets its own copy."""
    path = tmp_path_factory.mktemp("hand") / "hand.db"
    _build_unit(Cli(path))
    return path


@pytest.fixture
def hand(hand_template: Path, cli: Cli) -> Cli:
    for suffix in ("", "-wal", "-shm"):
        source = Path(str(hand_template) + suffix)
        if source.exists():
            shutil.copy(source, str(cli.db) + suffix)
    return cli


@pytest.fixture
def db(hand: Cli):
    opened = Store.open(hand.db, readonly=True)
    yield opened
    opened.close()


def test_coverage_matches_the_hand_count(db: Store) -> None:
    result = plan_coverage.coverage(db, as_of=TODAY, today=TODAY)
    assert result == {"as_of": "2026-11-25", "eligible": 6, "current": 2, "share": 0.3333,
                      "by": [],
                      # no application in the hand-counted unit
                      "applications": {"from": "2026-11-01", "to": "2026-11-25", "decided": 0,
                                       "eligible": 0, "current": 0, "share": None}}


def test_coverage_by_handler_and_team(db: Store) -> None:
    by_handler = plan_coverage.coverage(db, as_of=TODAY, today=TODAY, by="handler")["by"]
    assert [(g["handler"], g["eligible"], g["current"]) for g in by_handler] == [
        ("anna", 1, 1), ("bo", 2, 1), ("cia", 3, 0)]
    assert by_handler[0] == {"handler": "anna", "name": "Anna Andersson", "team": "intake",
                             "eligible": 1, "current": 1, "share": 1.0}
    by_team = plan_coverage.coverage(db, as_of=TODAY, today=TODAY, by="team")["by"]
    assert by_team == [
        {"team": "intake", "eligible": 1, "current": 1, "share": 1.0},
        {"team": "investigation", "eligible": 5, "current": 1, "share": 0.2},
    ]


# month -> (eligible, current), counted by hand from the fixture's story
HAND_MONTHS = {
    "2026-01": (0, 0), "2026-02": (0, 0), "2026-03": (0, 0),
    "2026-04": (2, 2),  # C-1 (eligible from 04-11), C-7 (from 04-06)
    "2026-05": (4, 4),  # + C-5 (from 05-03), C-2 (from 05-31)
    "2026-06": (4, 3),  # C-2 lapsed after 06-10
    "2026-07": (5, 3),  # + C-6 (from 07-01); C-1 lapsed after 07-20
    "2026-08": (6, 3),  # + C-3 (from 08-03), no change plan
    "2026-09": (6, 3),
    "2026-10": (5, 3),  # C-7 closed 10-01; C-1 current again from its late follow-up
    "2026-11": (6, 2),  # measured 11-25: C-5 ended today, C-9 eligible today
}


@pytest.mark.parametrize("method", ["series", "direct"])
def test_monthly_series_matches_the_hand_count(db: Store, monkeypatch, method: str) -> None:
    monkeypatch.setattr(plan_coverage, "SERIES_THRESHOLD", 0 if method == "series" else 100)
    result = plan_coverage.coverage_monthly(db, first="2026-01", last="2026-11", today=TODAY)
    assert result["from"] == "2026-01" and result["to"] == "2026-11"
    got = {m["month"]: (m["eligible"], m["current"]) for m in result["months"]}
    assert got == HAND_MONTHS
    assert result["months"][-1]["as_of"] == "2026-11-25"  # the running month is measured today
    assert result["months"][1]["as_of"] == "2026-02-28"
    assert result["months"][0]["share"] is None
    assert result["months"][5]["share"] == 0.75


@pytest.mark.parametrize("by", ["handler", "team"])
def test_series_and_direct_agree_when_split(db: Store, monkeypatch, by: str) -> None:
    monkeypatch.setattr(plan_coverage, "SERIES_THRESHOLD", 0)
    series = plan_coverage.coverage_monthly(db, first="2026-01", last="2026-11", today=TODAY, by=by)
    monkeypatch.setattr(plan_coverage, "SERIES_THRESHOLD", 100)
    direct = plan_coverage.coverage_monthly(db, first="2026-01", last="2026-11", today=TODAY, by=by)
    assert series == direct
    july = next(m for m in series["months"] if m["month"] == "2026-07")
    if by == "handler":
        assert [(g["handler"], g["eligible"], g["current"]) for g in july["by"]] == [
            ("anna", 1, 1), ("bo", 3, 1), ("cia", 1, 1)]  # bo: C-1, C-2, C-7


def test_overlapping_plans_from_outside_are_counted_once(hand: Cli, monkeypatch) -> None:
    """Plans written around the rules (an old import, a hand edit) may overlap; a case with
    two current change plans still counts once, in both ways of computing coverage."""
    store = Store.open(hand.db)
    try:
        with store.transaction():
            store.execute("UPDATE plan SET ended = '2026-05-01' WHERE case_id = 'C-2'")
            store.executemany(
                "INSERT INTO plan (case_id, kind, made, next_followup, ended) VALUES (?, ?, ?, ?, ?)",
                [("C-2", "change", "2026-03-20", "2026-09-15", "2026-10-10"),
                 ("C-2", "change", "2026-04-01", "2026-08-01", None),
                 ("C-3", "change", "2026-09-01", "2026-09-30", "2026-09-20"),
                 ("C-3", "change", "2026-09-10", "2026-10-31", None)])
        monkeypatch.setattr(plan_coverage, "SERIES_THRESHOLD", 0)
        series = plan_coverage.coverage_monthly(store, first="2026-01", last="2026-11", today=TODAY,
                                        by="handler")
        for month in series["months"]:
            day = plan_coverage.coverage(store, as_of=D(month["as_of"]), today=TODAY, by="handler")
            assert (month["eligible"], month["current"], month["by"]) == (
                day["eligible"], day["current"], day["by"]), month["month"]
        got = {m["month"]: (m["eligible"], m["current"]) for m in series["months"]}
        assert got["2026-06"] == (4, 4)  # C-2 counted once
        assert got["2026-08"] == (6, 4)  # + C-2 (its 03-20 plan runs to 09-15)
        assert got["2026-09"] == (6, 4) and got["2026-10"] == (5, 4)  # + C-3 (merged plans)
    finally:
        store.close()


def test_coverage_on_a_past_day_uses_the_history(db: Store) -> None:
    # 2026-07-31: C-1 lapsed (its 07-20 follow-up was missed; done late on 10-01)
    result = plan_coverage.coverage(db, as_of=D("2026-07-31"), today=TODAY)
    assert (result["eligible"], result["current"]) == (5, 3)


# -- the current-plan rule at its edges ---------------------------------------------------
def _current(store: Store, case_id: str, day: date, kind: str = "change") -> bool:
    return bool(store.scalar(
        f"SELECT {plans.sql_has_current(':case', ':kind', ':day')}",
        {"case": case_id, "kind": kind, "day": day.isoformat()}))


def test_made_today_is_current_today_not_before(hand: Cli, db: Store) -> None:
    hand.ok("plan", "add", "C-9", "--made", "2026-11-25")
    assert _current(db, "C-9", TODAY)
    assert not _current(db, "C-9", TODAY - timedelta(days=1))
    assert plan_coverage.coverage(db, as_of=TODAY, today=TODAY)["current"] == 3


def test_followup_due_today_is_current_today_lapsed_tomorrow(db: Store) -> None:
    assert _current(db, "C-6", D("2026-11-25"))
    assert not _current(db, "C-6", D("2026-11-26"))
    row = plans.list_plans(db, as_of=D("2026-11-26"), case="C-6")[0]
    assert row["status"] == "lapsed"


def test_ended_today_is_not_current_today(db: Store) -> None:
    assert not _current(db, "C-5", D("2026-11-25"))
    assert _current(db, "C-5", D("2026-11-24"))
    assert plans.list_plans(db, as_of=TODAY, case="C-5")[0]["status"] == "ended"


def test_a_closed_case_needs_no_plan(db: Store) -> None:
    assert _current(db, "C-7", D("2026-11-25"))  # the plan itself was left open
    assert plans.list_plans(db, as_of=TODAY, case="C-7")[0]["status"] == "case_closed"
    missing = plans.missing(db, as_of=TODAY)
    assert "C-7" not in {r["case"] for r in missing}
    assert "C-7" not in {r["case"] for r in plans.due(db, as_of=TODAY, within=365)}
    # before it closed it counted
    assert plan_coverage.coverage(db, as_of=D("2026-09-30"), today=TODAY)["eligible"] == 6


def test_late_followup_makes_the_plan_current_again(db: Store) -> None:
    assert _current(db, "C-1", D("2026-07-20"))
    assert not _current(db, "C-1", D("2026-07-21"))
    assert not _current(db, "C-1", D("2026-09-30"))
    assert _current(db, "C-1", D("2026-10-01"))


def test_followup_on_the_day_it_is_made_and_twice_a_day(store: Store) -> None:
    handlers.add(store, "h", name="H", team="intake", fte=1)
    cases.open_case(store, "K", handler="h", opened=D("2026-01-01"), today=TODAY)
    plans.add(store, "K", made=D("2026-02-01"), today=TODAY, next_followup=D("2026-02-10"))
    plans.follow_up(store, "K", on=D("2026-02-01"), today=TODAY, next_followup=D("2026-03-01"))
    plans.follow_up(store, "K", on=D("2026-02-01"), today=TODAY, next_followup=D("2026-02-05"))
    assert _current(store, "K", D("2026-02-05"))
    assert not _current(store, "K", D("2026-02-06"))  # the later entry of the day counts
    assert [f["date"] for f in plans.followups(store, 1)] == ["2026-02-01", "2026-02-01"]


def test_default_next_followup_uses_the_setting(store: Store) -> None:
    handlers.add(store, "h", name="H", team="intake", fte=1)
    cases.open_case(store, "K", handler="h", opened=D("2026-01-01"), today=TODAY)
    row = plans.add(store, "K", made=D("2026-01-31"), today=TODAY)
    assert row["next_followup"] == "2026-04-30"  # calendar months, clipped to the month's end
    settings.put(store, "plans.followup_months", "6")
    row = plans.follow_up(store, "K", on=D("2026-03-15"), today=TODAY)
    assert row["next_followup"] == "2026-09-15"
    assert row["followups"] == 1 and row["last_followup"] == "2026-03-15"


# -- grace period --------------------------------------------------------------------------
def test_grace_period_boundary(db: Store) -> None:
    never = {r["case"] for r in plans.missing(db, as_of=TODAY) if r["group"] == "never"}
    assert never == {"C-3", "C-9"}  # C-8 (90 days) and C-4 are still within grace
    assert [r["days"] for r in plans.missing(db, as_of=TODAY) if r["case"] == "C-9"] == [1]


def test_grace_period_follows_the_setting(hand: Cli) -> None:
    hand.ok("settings", "set", "plans.grace_days", "89")
    store = Store.open(hand.db, readonly=True)
    try:
        assert plan_coverage.coverage(store, as_of=TODAY, today=TODAY)["eligible"] == 7  # + C-8
        never = {r["case"] for r in plans.cases_past_grace_without_plan(store, as_of=TODAY)}
        assert never == {"C-3", "C-8", "C-9"}
    finally:
        store.close()


# -- housing plans -----------------------------------------------------------------------
def test_homeless_cases_need_a_current_housing_plan(hand: Cli, db: Store) -> None:
    rows = plans.homeless_without_housing_plan(db, as_of=TODAY)
    assert [(r["case"], r["reason"]) for r in rows] == [("C-10", "never"), ("C-3", "lapsed")]
    assert all(r["kind"] == "housing" and r["group"] == "no_housing_plan" for r in rows)
    hand.ok("plan", "follow-up", "C-3", "--kind", "boendeplan", "--date", "2026-11-25")
    hand.ok("plan", "add", "C-10", "--kind", "housing", "--made", "2026-11-24")
    assert plans.homeless_without_housing_plan(db, as_of=TODAY) == []
    # a housing plan is not a change plan
    assert not _current(db, "C-3", TODAY)
    assert _current(db, "C-3", TODAY, "housing")
    assert plan_coverage.coverage(db, as_of=TODAY, today=TODAY)["current"] == 2


def test_housing_and_change_plans_are_open_side_by_side(hand: Cli) -> None:
    hand.ok("plan", "add", "C-3", "--made", "2026-11-01")
    assert "already has an open housing plan" in hand.fails(
        "plan", "add", "C-3", "--kind", "housing", "--made", "2026-11-01")


# -- due and missing ------------------------------------------------------------------------
def test_due_lists_overdue_and_upcoming_by_handler(db: Store) -> None:
    rows = plans.due(db, as_of=TODAY)
    assert [(r["handler"], r["case"], r["kind"], r["days_overdue"], r["days_left"])
            for r in rows] == [
        ("anna", "C-6", "change", 0, 0),
        ("bo", "C-2", "change", 168, 0),
        ("cia", "C-3", "housing", 85, 0),
    ]
    wider = plans.due(db, as_of=TODAY, within=40)
    assert ("C-1", 37) in {(r["case"], r["days_left"]) for r in wider}
    assert [r["case"] for r in plans.due(db, as_of=TODAY, team="intake")] == ["C-6"]
    assert [r["case"] for r in plans.due(db, as_of=TODAY, handler="bo")] == ["C-2"]
    assert [r["case"] for r in plans.overdue_followups(db, as_of=TODAY)] == ["C-2", "C-3"]


def test_missing_groups(db: Store) -> None:
    rows = plans.missing(db, as_of=TODAY)
    assert [(r["group"], r["case"]) for r in rows] == [
        ("never", "C-3"), ("never", "C-9"), ("lapsed", "C-2"), ("ended", "C-5"),
        ("no_housing_plan", "C-10"), ("no_housing_plan", "C-3"),
    ]
    lapsed = rows[2]
    assert lapsed["next_followup"] == "2026-06-10" and lapsed["days"] == 168
    assert plans.missing_counts(rows) == {"never": 2, "lapsed": 1, "ended": 1,
                                          "no_housing_plan": 2}
    assert [r["case"] for r in plans.missing(db, as_of=TODAY, handler="bo")] == ["C-2"]


# -- refusals -----------------------------------------------------------------------------
def _snapshot(db_path) -> tuple:
    store = Store.open(db_path, readonly=True)
    try:
        return (store.query("SELECT * FROM plan ORDER BY id"),
                store.query("SELECT * FROM followup ORDER BY id"),
                store.scalar("SELECT count(*) FROM audit"))
    finally:
        store.close()


REFUSALS = [
    (("plan", "add", "C-404", "--made", "2026-11-01"), "unknown case 'C-404'"),
    (("plan", "add", "C-7", "--made", "2026-11-01"), "case 'C-7' is closed (since 2026-10-01)"),
    (("plan", "add", "C-4", "--made", "2026-10-01"),
     "the plan date (2026-10-01) is before case 'C-4' was opened (2026-11-02)"),
    (("plan", "add", "C-9", "--made", "2026-11-26"),
     "the plan date 2026-11-26 is after today (2026-11-25)"),
    (("plan", "add", "C-9", "--made", "2026-11-20", "--next", "2026-11-20"),
     "the next follow-up (2026-11-20) must be after the plan date (2026-11-20)"),
    (("plan", "add", "C-1", "--made", "2026-11-01"),
     "case 'C-1' already has an open change plan (made 2026-02-01)"),
    (("plan", "add", "C-5", "--made", "2026-11-24"),
     "the previous change plan of case 'C-5' ended on 2026-11-25"),
    (("plan", "add", "C-9", "--kind", "weekly", "--made", "2026-11-20"),
     "unknown plan kind 'weekly'"),
    (("plan", "follow-up", "C-404", "--date", "2026-11-01"), "unknown case 'C-404'"),
    (("plan", "follow-up", "C-7", "--date", "2026-10-15"), "case 'C-7' is closed"),
    (("plan", "follow-up", "C-9", "--date", "2026-11-20"), "case 'C-9' has no open change plan"),
    (("plan", "follow-up", "C-5", "--date", "2026-11-25"), "case 'C-5' has no open change plan"),
    (("plan", "follow-up", "C-2", "--date", "2026-03-01"),
     "the follow-up (2026-03-01) is before the plan was made (2026-03-10)"),
    (("plan", "follow-up", "C-2", "--date", "2026-11-26"),
     "the follow-up date 2026-11-26 is after today (2026-11-25)"),
    (("plan", "follow-up", "C-2", "--date", "2026-11-20", "--next", "2026-11-19"),
     "the next follow-up (2026-11-19) must be after the follow-up date (2026-11-20)"),
    (("plan", "follow-up", "C-1", "--date", "2026-09-01"),
     "was last followed up on 2026-10-01"),
    (("plan", "end", "C-404", "--date", "2026-11-01"), "unknown case 'C-404'"),
    (("plan", "end", "C-9", "--date", "2026-11-01"), "case 'C-9' has no open change plan"),
    (("plan", "end", "C-2", "--date", "2026-03-01"),
     "the plan cannot end (2026-03-01) before it was made (2026-03-10)"),
    (("plan", "end", "C-2", "--date", "2026-11-26"),
     "the end date 2026-11-26 is after today (2026-11-25)"),
    (("plan", "end", "C-1", "--date", "2026-09-30"), "was followed up on 2026-10-01"),
    (("plan", "list", "--case", "C-404"), "unknown case 'C-404'"),
    (("plan", "list", "--handler", "nobody"), "unknown handler 'nobody'"),
    (("plans", "due", "--within", "-1"), "--within must be 0 days or more"),
    (("plans", "due", "--handler", "nobody"), "unknown handler 'nobody'"),
    (("plans", "due", "--team", "astronauts"), "unknown team 'astronauts'"),
    (("plans", "missing", "--team", "astronauts"), "unknown team 'astronauts'"),
    (("plans", "coverage", "--as-of", "2026-11-26"), "--as-of 2026-11-26 is after today"),
    (("plans", "coverage", "--monthly", "--to", "2026-12"),
     "--to 2026-12 is after this month (2026-11)"),
    (("plans", "coverage", "--from", "2026-10", "--to", "2026-09"),
     "--from 2026-10 is after --to 2026-09"),
    (("plans", "coverage", "--from", "2026-12"), "--from 2026-12 is after this month (2026-11)"),
    (("plans", "coverage", "--from", "2026-13"), "--from: '2026-13' is not a month (YYYY-MM)"),
    (("plans", "coverage", "--to", "2026-00"), "--to: '2026-00' is not a month (YYYY-MM)"),
    (("plans", "coverage", "--from", "2000-01", "--to", "2026-11"), "at most 240 months"),
    (("plans", "coverage", "--monthly", "--as-of", "2026-10-01"), "--as-of measures one day"),
]


@pytest.mark.parametrize("args, message", REFUSALS, ids=[" ".join(a[:3]) for a, _m in REFUSALS])
def test_refusals_are_one_line_and_change_nothing(hand: Cli, args, message: str) -> None:
    before = _snapshot(hand.db)
    line = hand.fails(*args)
    assert message in line
    assert _snapshot(hand.db) == before


def test_refusals_through_the_library(store: Store) -> None:
    handlers.add(store, "h", name="H", team="intake", fte=1)
    cases.open_case(store, "K", handler="h", opened=D("2026-01-01"), today=TODAY)
    with pytest.raises(EkbistError, match="after the plan date"):
        plans.add(store, "K", made=D("2026-02-01"), today=TODAY, next_followup=D("2026-01-01"))
    plans.add(store, "K", made=D("2026-02-01"), today=TODAY)
    with pytest.raises(EkbistError, match="already has an open change plan"):
        plans.add(store, "K", made=D("2026-03-01"), today=TODAY)
    with pytest.raises(EkbistError, match="before the plan was made"):
        plans.follow_up(store, "K", on=D("2026-01-15"), today=TODAY)
    # The library names the value in the domain's words; the command line names its flag.
    with pytest.raises(EkbistError, match="the warning window must be 0 days or more") as window:
        plans.due(store, as_of=TODAY, within=-3)
    assert window.value.worded(FLAGS) == "--within must be 0 days or more, not -3"
    with pytest.raises(EkbistError, match="the grouping must be one of") as grouping:
        plan_coverage.coverage(store, as_of=TODAY, today=TODAY, by="gender")
    assert grouping.value.worded(FLAGS).startswith("--by must be one of: ")
    assert store.scalar("SELECT count(*) FROM plan") == 1


def test_coverage_by_handler_in_name_order_by_team_in_the_units_with_no_one_last(
        store: Store) -> None:
    # Zoe (a1, intake) holds Z-1; Ada (b1, investigation) holds B-1, whose plan is current;
    # N-1's handling ended in June with no one after. All three are past the grace period.
    handlers.add(store, "a1", name="Zoe", team="intake", fte=1)
    handlers.add(store, "b1", name="Ada", team="investigation", fte=1)
    for case_id, handler in (("Z-1", "a1"), ("B-1", "b1"), ("N-1", "a1")):
        cases.open_case(store, case_id, handler=handler, opened=D("2026-01-05"), today=TODAY)
    store.execute("UPDATE assignment SET to_date = '2026-06-01' WHERE case_id = 'N-1'")
    plans.add(store, "B-1", made=D("2026-11-02"), today=TODAY)
    by_handler = plan_coverage.coverage(store, as_of=TODAY, today=TODAY, by="handler")["by"]
    # Ada before Zoe although a1 sorts before b1 and intake comes first in the unit.
    assert [(g["handler"], g["name"], g["eligible"], g["current"]) for g in by_handler] == [
        ("b1", "Ada", 1, 1), ("a1", "Zoe", 1, 0), (None, None, 1, 0)]
    by_team = plan_coverage.coverage(store, as_of=TODAY, today=TODAY, by="team")["by"]
    assert [(g["team"], g["eligible"], g["current"]) for g in by_team] == [
        ("intake", 1, 0), ("investigation", 1, 1), (None, 1, 0)]


@pytest.mark.parametrize("method", ["series", "direct"])
def test_a_handler_whose_last_case_closed_leaves_the_split_series(store: Store, monkeypatch,
                                                                  method: str) -> None:
    # Both cases opened 5 January, eligible from 6 April (after 90 days), no plans. Zoe's
    # closes on 15 June: she is in the split for April and May only; Ada stays.
    handlers.add(store, "a1", name="Zoe", team="intake", fte=1)
    handlers.add(store, "b1", name="Ada", team="investigation", fte=1)
    for case_id, handler in (("Z-1", "a1"), ("B-1", "b1")):
        cases.open_case(store, case_id, handler=handler, opened=D("2026-01-05"), today=TODAY)
    cases.close_case(store, "Z-1", on=D("2026-06-15"), reason="work", today=TODAY)
    monkeypatch.setattr(plan_coverage, "SERIES_THRESHOLD", 0 if method == "series" else 100)
    result = plan_coverage.coverage_monthly(store, first="2026-03", last="2026-07", today=TODAY,
                                            by="handler")
    split = {m["month"]: [(g["handler"], g["eligible"]) for g in m["by"]]
             for m in result["months"]}
    assert split == {"2026-03": [], "2026-04": [("b1", 1), ("a1", 1)],
                     "2026-05": [("b1", 1), ("a1", 1)], "2026-06": [("b1", 1)],
                     "2026-07": [("b1", 1)]}


def test_the_monthly_series_refuses_what_the_day_refuses(store: Store) -> None:
    with pytest.raises(EkbistError) as grouping:
        plan_coverage.coverage_monthly(store, first=None, last=None, today=TODAY, by="gender")
    assert grouping.value.worded(FLAGS) == "--by must be one of: handler, team"
    for first, last, flag in ((None, "2026-13", "--to"), ("2026-00", "2026-11", "--from")):
        with pytest.raises(EkbistError) as month:
            plan_coverage.coverage_monthly(store, first=first, last=last, today=TODAY)
        bad = last if flag == "--to" else first
        assert month.value.worded(FLAGS) == f"{flag}: '{bad}' is not a month (YYYY-MM)"


def test_the_interval_method_measures_at_month_ends_the_last_day_excepted(db: Store) -> None:
    series = plan_coverage._coverage_series_counts
    # The last day may be before its month's end (today); every other day is a month's end.
    rows = series(db, [D("2026-10-31"), D("2026-11-25")], None, 90)
    assert [(r["day"], r["eligible"], r["current"]) for r in rows] == [
        ("2026-10-31", 5, 3), ("2026-11-25", 6, 2)]
    assert series(db, [], None, 90) == []
    for days in ([D("2026-09-15"), D("2026-10-31")],  # the 15th is no month's end
                 [D("2026-10-31"), D("2026-10-31")]):  # one month measured twice
        with pytest.raises(ValueError, match=r"^the interval method measures at month ends "
                                             r"\(the last may be earlier\)$"):
            series(db, days, None, 90)


def test_a_series_of_240_months_is_measured_and_one_of_241_refused(db: Store) -> None:
    # December 2006 to November 2026 is 20 years: 240 months, the most one series takes.
    series = plan_coverage.coverage_monthly(db, first="2006-12", last="2026-11", today=TODAY)
    assert len(series["months"]) == 240
    assert series["months"][0] == {"month": "2006-12", "as_of": "2006-12-31", "eligible": 0,
                                   "current": 0, "share": None, "by": [],
                                   "applications": {"from": "2006-12-01", "to": "2006-12-31",
                                                    "decided": 0, "eligible": 0, "current": 0,
                                                    "share": None}}
    assert (series["months"][-1]["eligible"], series["months"][-1]["current"]) == (6, 2)
    with pytest.raises(EkbistError, match="at most 240 months at a time, not 241"):
        plan_coverage.coverage_monthly(db, first="2006-11", last="2026-11", today=TODAY)


def test_pure_validation_helpers() -> None:
    assert plans.plan_problems(made=D("2026-02-01"), next_followup=D("2026-05-01"),
                               today=TODAY) == []
    problems = plans.plan_problems(made=D("2026-12-01"), next_followup=D("2026-11-01"),
                                   ended=D("2026-10-01"), today=TODAY)
    assert len(problems) == 3
    assert plans.followup_problems(plan_made=D("2026-02-01"), date_=D("2026-03-01"),
                                   next_followup=D("2026-06-01"), today=TODAY) == []
    assert len(plans.followup_problems(plan_made=D("2026-02-01"), date_=D("2026-01-01"),
                                       next_followup=D("2025-12-01"), today=TODAY,
                                       plan_ended=D("2025-12-31"))) == 3


def test_plan_and_follow_up_dates_on_both_sides_of_each_limit() -> None:
    made, ended, later = D("2026-11-02"), D("2026-11-20"), D("2027-02-02")
    # Made today is fine, tomorrow is not.
    assert plans.plan_problems(made=TODAY, next_followup=later, today=TODAY) == []
    assert plans.plan_problems(made=D("2026-11-26"), next_followup=later, today=TODAY) == [
        "the plan date 2026-11-26 is after today (2026-11-25)"]
    # The first follow-up must come at least a day after the plan.
    assert plans.plan_problems(made=made, next_followup=D("2026-11-03"), today=TODAY) == []
    assert plans.plan_problems(made=made, next_followup=made, today=TODAY) == [
        "the next follow-up (2026-11-02) must be after the plan date (2026-11-02)"]
    # A plan may end the day it was made, or today; not the day before, not tomorrow.
    for end in (made, TODAY):
        assert plans.plan_problems(made=made, next_followup=later, today=TODAY, ended=end) == []
    assert plans.plan_problems(made=made, next_followup=later, today=TODAY,
                               ended=D("2026-11-01")) == [
        "the plan cannot end (2026-11-01) before it was made (2026-11-02)"]
    assert plans.plan_problems(made=made, next_followup=later, today=TODAY,
                               ended=D("2026-11-26")) == [
        "the end date 2026-11-26 is after today (2026-11-25)"]
    # A follow-up from the day the plan was made to the day it ended, and not after today.
    def followup(on: date, *, next_followup: date = later, plan_ended: date | None = None):
        return plans.followup_problems(plan_made=made, date_=on, next_followup=next_followup,
                                       today=TODAY, plan_ended=plan_ended)

    assert followup(made) == followup(ended, plan_ended=ended) == followup(TODAY) == []
    assert followup(D("2026-11-01")) == [
        "the follow-up (2026-11-01) is before the plan was made (2026-11-02)"]
    assert followup(D("2026-11-21"), plan_ended=ended) == [
        "the follow-up (2026-11-21) is after the plan ended (2026-11-20)"]
    assert followup(D("2026-11-26")) == [
        "the follow-up date 2026-11-26 is after today (2026-11-25)"]
    # Its next follow-up must come at least a day later.
    assert followup(TODAY, next_followup=D("2026-11-26")) == []
    assert followup(TODAY, next_followup=TODAY) == [
        "the next follow-up (2026-11-25) must be after the follow-up date (2026-11-25)"]


def test_no_plan_on_or_after_the_day_a_case_closed(store: Store) -> None:
    handlers.add(store, "h", name="H", team="intake", fte=1)
    for case_id in ("K-1", "K-2"):
        cases.open_case(store, case_id, handler="h", opened=D("2026-01-01"), today=TODAY)
        cases.close_case(store, case_id, D("2026-11-20"), "work", today=TODAY)
    with pytest.raises(EkbistError) as refused:
        plans.add(store, "K-1", made=D("2026-11-20"), today=TODAY)
    assert str(refused.value) == "case 'K-1' is closed (since 2026-11-20)"
    assert plans.add(store, "K-2", made=D("2026-11-19"), today=TODAY)["made"] == "2026-11-19"
    assert store.scalar("SELECT count(*) FROM plan") == 1


def test_due_looks_14_days_ahead_by_default(store: Store) -> None:
    # 25 November + 14 days = 9 December: a follow-up due then is listed, the 10th is not.
    handlers.add(store, "h", name="H", team="intake", fte=1)
    for case_id, next_followup in (("K-9", "2026-12-09"), ("K-10", "2026-12-10")):
        cases.open_case(store, case_id, handler="h", opened=D("2026-01-01"), today=TODAY)
        plans.add(store, case_id, made=D("2026-09-01"), today=TODAY,
                  next_followup=D(next_followup))
    assert [r["case"] for r in plans.due(store, as_of=TODAY)] == ["K-9"]
    assert plans.due(store, as_of=TODAY)[0]["days_left"] == 14
    assert [r["case"] for r in plans.due(store, as_of=TODAY, within=15)] == ["K-9", "K-10"]
    # Both filters at once narrow to the handler within the team.
    assert [r["case"] for r in plans.due(store, as_of=TODAY, handler="h", team="intake")] == [
        "K-9"]
    assert plans.due(store, as_of=TODAY, handler="h", team="debt") == []


def test_missing_plans_are_listed_by_handler_name_then_id_with_no_handler_last(
        store: Store) -> None:
    # All four cases are past the 90-day grace period without a change plan ("never").
    handlers.add(store, "a1", name="Zoe", team="intake", fte=1)
    handlers.add(store, "b1", name="Ada", team="intake", fte=1)
    handlers.add(store, "c1", name="Ada", team="intake", fte=1)
    for case_id, handler, opened in (("Z-1", "a1", "2026-01-01"), ("B-1", "b1", "2026-06-01"),
                                     ("C-1", "c1", "2026-01-01"), ("N-1", "a1", "2026-02-01")):
        cases.open_case(store, case_id, handler=handler, opened=D(opened), today=TODAY)
    # N-1's handling ended in June with no one after (a gap an imported case history can leave).
    store.execute("UPDATE assignment SET to_date = '2026-06-01' WHERE case_id = 'N-1'")
    rows = plans.missing(store, as_of=TODAY, groups=("never",))
    # Ada (b1) before Ada (c1) although C-1 has waited longer; Zoe next; no handler last.
    assert [(r["case"], r["handler"]) for r in rows] == [
        ("B-1", "b1"), ("C-1", "c1"), ("Z-1", "a1"), ("N-1", None)]
    assert [r["case"] for r in plans.missing(store, as_of=TODAY, handler="c1",
                                             team="intake")] == ["C-1"]
    with pytest.raises(ValueError, match="colour"):
        plans.missing(store, as_of=TODAY, groups=("never", "colour"))


def test_missing_plans_order_names_as_python_does_by_code_point(store: Store) -> None:
    # The query sorts (SQLite compares text byte by byte): the order is the one Python's own
    # sort gave before, by code point — capitals, then small letters, then å, ä, ö.
    for handler, name in (("h1", "Örjan"), ("h2", "ada"), ("h3", "Åsa"), ("h4", "Zoe"),
                          ("h5", "Ärla")):
        handlers.add(store, handler, name=name, team="intake", fte=1)
        cases.open_case(store, f"K-{handler}", handler=handler, opened=D("2026-01-01"),
                        today=TODAY)
    rows = plans.missing(store, as_of=TODAY, groups=("never",))
    names = [r["handler_name"] for r in rows]
    assert names == ["Zoe", "ada", "Ärla", "Åsa", "Örjan"] == sorted(names)


def test_a_new_plan_after_the_old_one_ended(hand: Cli, db: Store) -> None:
    hand.ok("plan", "add", "C-5", "--made", "2026-11-25")
    rows = plans.list_plans(db, as_of=TODAY, case="C-5")
    assert [r["status"] for r in rows] == ["ended", "current"]


# -- the command line -------------------------------------------------------------------------
def test_cli_coverage_json_is_the_contract(hand: Cli) -> None:
    payload = json.loads(hand.ok("plans", "coverage", "--format", "json").output)
    assert payload == {"as_of": "2026-11-25", "eligible": 6, "current": 2, "share": 0.3333,
                       "by": [],
                       "applications": {"from": "2026-11-01", "to": "2026-11-25", "decided": 0,
                                        "eligible": 0, "current": 0, "share": None}}
    past = json.loads(hand.ok("plans", "coverage", "--as-of", "2026-06-30", "--by", "team",
                              "--format", "json").output)
    assert (past["eligible"], past["current"]) == (4, 3)
    assert {g["team"] for g in past["by"]} == {"investigation"}


def test_cli_coverage_table_and_swedish(hand: Cli) -> None:
    out = hand.ok("plans", "coverage", "--by", "handler").output
    assert "On 2026-11-25, 2 of 6 eligible cases had a current change plan (33.3%)." in out
    assert "Cia Ceder" in out
    sv = hand.ok("plans", "coverage", lang="sv").output
    assert "förändringsplan" in sv and "33,3 %" in sv


def test_cli_monthly_series(hand: Cli) -> None:
    out = hand.ok("plans", "coverage", "--monthly", "--from", "2026-04", "--to", "2026-07").output
    lines = out.splitlines()
    rule = next(i for i, line in enumerate(lines) if line.startswith("---"))
    assert lines[rule - 1].split()[:3] == ["Month", "As", "of"]
    assert [line.split()[0] for line in lines[rule + 1:]] == ["2026-04", "2026-05", "2026-06",
                                                              "2026-07"]
    assert "75.0%" in lines[rule + 3]
    payload = json.loads(hand.ok("plans", "coverage", "--from", "2026-10", "--format",
                                 "json").output)
    assert [m["month"] for m in payload["months"]] == ["2026-10", "2026-11"]
    default = json.loads(hand.ok("plans", "coverage", "--monthly", "--format", "json").output)
    assert default["from"] == "2025-12" and default["to"] == "2026-11"
    csv = hand.ok("plans", "coverage", "--monthly", "--by", "team", "--from", "2026-11",
                  "--format", "csv").output
    assert csv.splitlines()[0] == "month,as_of,team,eligible,current,share"


def test_cli_xlsx_with_chart(hand: Cli, tmp_path) -> None:
    from openpyxl import load_workbook

    target = tmp_path / "coverage.xlsx"
    out = hand.ok("plans", "coverage", "--monthly", "--from", "2026-01", "--to", "2026-11",
                  "--by", "handler", "--xlsx", str(target)).output
    assert f"Wrote {target}." in out
    book = load_workbook(target)
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[2], r[3]) for r in rows] == [(m, e, c) for m, (e, c) in HAND_MONTHS.items()]
    assert len(sheet._charts) == 1
    assert book.worksheets[1].max_row > 1
    assert "exists already" in hand.fails("plans", "coverage", "--xlsx", str(target))
    assert "write an .xlsx workbook" in hand.fails("plans", "coverage", "--xlsx",
                                             str(tmp_path / "c.csv"))
    single = tmp_path / "one.xlsx"
    hand.ok("plans", "coverage", "--xlsx", str(single), "--format", "json")
    assert load_workbook(single).worksheets[0]["C2"].value == 6


def test_cli_monthly_series_says_when_its_last_month_is_not_over(hand: Cli, tmp_path) -> None:
    """A series ending in the running month marks it in JSON, text and workbook, as every
    report over a period that is not over does; a series of finished months does not."""
    from openpyxl import load_workbook

    running = json.loads(hand.ok("plans", "coverage", "--from", "2026-10", "--to", "2026-11",
                                 "--format", "json").output)   # today 2026-11-25
    assert running["complete"] is False
    assert running["covers"] == {"complete": False, "to": "2026-11-25",
                                 "months": ["2026-10", "2026-11"], "running_month": "2026-11",
                                 "running_days": 25}
    assert [(m["as_of"], m["eligible"], m["current"]) for m in running["months"]] == [
        ("2026-10-31", 5, 3), ("2026-11-25", 6, 2)]   # HAND_MONTHS
    note = "Preliminary: November is not over; it is measured on the 25th, the other months " \
           "on their last day."
    text = hand.ok("plans", "coverage", "--from", "2026-10", "--to", "2026-11").output
    assert note in " ".join(text.split())
    by_team = hand.ok("plans", "coverage", "--from", "2026-10", "--by", "team").output
    assert " ".join(by_team.split()).endswith(note)
    sv = hand.ok("plans", "coverage", "--from", "2026-10", lang="sv").output
    assert ("Preliminärt: november är inte slut; den mäts den 25:e, övriga månader vid "
            "månadens slut.") in " ".join(sv.split())
    assert "Preliminary" not in hand.ok("plans", "coverage", "--from", "2026-10", "--format",
                                        "csv").output   # the machine form has the as_of column
    book = tmp_path / "running.xlsx"
    hand.ok("plans", "coverage", "--from", "2026-10", "--by", "handler", "--xlsx", str(book))
    sheets = load_workbook(book).worksheets
    assert sheets[0]["G1"].value == note      # beside the table, above the chart
    assert sheets[1]["J1"].value == note      # eight columns of handler rows, then one empty
    assert [(r[0], r[1].date(), r[2], r[3]) for r in sheets[0].iter_rows(min_row=2,
                                                                          values_only=True)] == [
        ("2026-10", date(2026, 10, 31), 5, 3), ("2026-11", date(2026, 11, 25), 6, 2)]

    # Finished months, on both sides of the running month's end.
    done = json.loads(hand.ok("plans", "coverage", "--from", "2026-09", "--to", "2026-10",
                              "--format", "json").output)
    assert done["complete"] is True and done["covers"]["running_month"] is None
    assert done["covers"]["months"] == ["2026-09", "2026-10"]
    last_day = json.loads(hand.ok("plans", "coverage", "--from", "2026-11", "--format", "json",
                                  today="2026-11-30").output)
    assert last_day["complete"] is True and last_day["months"][0]["as_of"] == "2026-11-30"
    day_before = json.loads(hand.ok("plans", "coverage", "--from", "2026-11", "--format", "json",
                                    today="2026-11-29").output)
    assert (day_before["complete"], day_before["covers"]["running_days"]) == (False, 29)
    finished = hand.ok("plans", "coverage", "--from", "2026-09", "--to", "2026-10").output
    assert "Preliminary" not in finished
    whole = tmp_path / "finished.xlsx"
    hand.ok("plans", "coverage", "--from", "2026-09", "--to", "2026-10", "--xlsx", str(whole))
    assert [c.value for c in load_workbook(whole).worksheets[0][1]][5:] in ([], [None, None])


def test_cli_due_and_missing(hand: Cli) -> None:
    out = hand.ok("plans", "due").output
    assert "Follow-ups as of 2026-11-25: 2 overdue, 1 due within 14 days." in out
    assert "Bo Berg (bo, investigation)" in out and "168 days overdue" in out
    assert "today" in out
    payload = json.loads(hand.ok("plans", "due", "--format", "json").output)
    assert payload["as_of"] == "2026-11-25" and payload["within"] == 14
    assert payload["followups"][1]["overdue"] is True
    csv = hand.ok("plans", "due", "--format", "csv").output.splitlines()
    assert csv[0].startswith("handler,handler_name,team,case") and len(csv) == 4
    assert "No follow-ups due" in hand.ok("plans", "due", "--team", "debt").output
    missing = hand.ok("plans", "missing").output
    assert "Never had a change plan (opened more than 90 days ago) (2)" in missing
    assert "Homeless without a current housing plan (2)" in missing
    assert "lapsed 168 days ago" in missing
    payload = json.loads(hand.ok("plans", "missing", "--format", "json").output)
    assert payload["counts"] == {"never": 2, "lapsed": 1, "ended": 1, "no_housing_plan": 2}
    sv = hand.ok("plans", "missing", lang="sv").output
    assert "boendeplan" in sv


def test_cli_plan_commands_speak(hand: Cli) -> None:
    out = hand.ok("plan", "add", "C-9", "--made", "2026-11-20").output
    assert out.strip() == ("Added a change plan for case C-9, made 2026-11-20; "
                           "next follow-up 2027-02-20.")
    out = hand.ok("plan", "follow-up", "C-9", "--date", "2026-11-25", "--next", "2026-12-20")
    assert "next follow-up 2026-12-20" in out.output
    assert "Ended" in hand.ok("plan", "end", "C-9", "--date", "2026-11-25").output
    listing = hand.ok("plan", "list", "--handler", "bo").output
    assert "C-1" in listing and "C-3" not in listing and "lapsed" in listing
    rows = json.loads(hand.ok("plan", "list", "--case", "C-1", "--format", "json").output)
    assert rows[0]["followups"] == 2 and rows[0]["next_followup"] == "2027-01-01"
    sv = hand.ok("plan", "add", "C-8", "--kind", "boendeplan", "--made", "2026-11-25",
                 lang="sv").output
    assert "boendeplan" in sv


def test_empty_store(cli: Cli) -> None:
    cli.ok("init")
    assert "no active case is past the grace period" in cli.ok("plans", "coverage").output
    assert json.loads(cli.ok("plans", "coverage", "--format", "json").output)["share"] is None
    assert "Every active case has the plans it needs." in cli.ok("plans", "missing").output
    assert "No plans." in cli.ok("plan", "list").output
    assert cli.ok("plans", "coverage", "--monthly", "--format", "json").output


# -- the demo ---------------------------------------------------------------------------------


def test_demo_shows_something_real(small_demo_db) -> None:
    store = Store.open(small_demo_db, readonly=True)
    try:
        result = plan_coverage.coverage(store, as_of=TODAY, today=TODAY)
        assert result["eligible"] > 20 and 0.05 < result["share"] < 0.7
        due = plans.due(store, as_of=TODAY)
        assert any(r["overdue"] for r in due) and any(not r["overdue"] for r in due)
        counts = plans.missing_counts(plans.missing(store, as_of=TODAY))
        assert counts["lapsed"] > 0 and counts["never"] > 0 and counts["no_housing_plan"] > 0
    finally:
        store.close()


@pytest.mark.parametrize("by", [None, "handler"])
def test_demo_series_equals_day_by_day(small_demo_db, monkeypatch, by) -> None:
    store = Store.open(small_demo_db, readonly=True)
    try:
        monkeypatch.setattr(plan_coverage, "SERIES_THRESHOLD", 0)
        series = plan_coverage.coverage_monthly(store, first="2026-02", last="2026-11", today=TODAY, by=by)
        for month in series["months"]:
            day = plan_coverage.coverage(store, as_of=D(month["as_of"]), today=TODAY, by=by)
            assert (month["eligible"], month["current"], month["by"]) == (
                day["eligible"], day["current"], day["by"])
    finally:
        store.close()


def test_cli_coverage_month_refusals_are_one_error_line_naming_what_was_given(hand: Cli) -> None:
    # Only --from given: the series would end this month, so the refusal names this month,
    # not a --to the user never typed.
    for lang, words in (("en", "error: --from 2026-12 is after this month (2026-11)"),
                        ("sv", "fel: --from 2026-12 är efter innevarande månad (2026-11)")):
        result = hand("plans", "coverage", "--from", "2026-12", lang=lang)
        assert result.exit_code == 1
        assert result.stderr.strip().splitlines() == [words]
    # A month that is no month: one line, as every other --from/--to month says it (no
    # click usage text), in both languages.
    for lang, words in (("en", "error: --from: '2026-13' is not a month (YYYY-MM)"),
                        ("sv", "fel: --from: '2026-13' är ingen månad (ÅÅÅÅ-MM)")):
        result = hand("plans", "coverage", "--from", "2026-13", lang=lang)
        assert result.exit_code == 1
        assert result.stderr.strip().splitlines() == [words]
        assert "Usage" not in result.output + result.stderr
    # Both given and out of order: both flags are named.
    assert hand.fails("plans", "coverage", "--from", "2026-11", "--to", "2026-10") == (
        "error: --from 2026-11 is after --to 2026-10")
    # Accepted at the edge: --from this month alone is a one-month series ending today.
    payload = json.loads(hand.ok("plans", "coverage", "--from", "2026-11", "--format",
                                 "json").output)
    assert [(m["month"], m["as_of"]) for m in payload["months"]] == [("2026-11", "2026-11-25")]


@pytest.mark.parametrize("columns", ["80", "200"])
def test_cli_monthly_headers_say_cases_or_applications(hand: Cli, monkeypatch, columns) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    expected = {"en": ["Month", "As of", "Eligible", "Current plan", "Share",
                       "Eligible applications", "With a plan", "Share with a plan"],
                "sv": ["Månad", "Mätdag", "Ska ha plan", "Aktuell plan", "Andel",
                       "Ansökningar som ska ha plan", "Med plan", "Andel med plan"]}
    for lang, headers in expected.items():
        lines = hand.ok("plans", "coverage", "--monthly", "--from", "2026-10", lang=lang
                        ).output.splitlines()
        assert max(map(len, lines)) <= int(columns)
        rule = next(i for i, line in enumerate(lines) if line.startswith("---"))
        spans = [(m.start(), m.end()) for m in re.finditer(r"-+", lines[rule])]
        shown = [" ".join(" ".join(line[a:b].strip() for line in lines[:rule]).split())
                 for a, b in spans]
        assert shown == headers  # every column kept, the month first, no two alike
        assert len(set(shown)) == len(shown)


def test_coverage_help_tells_of_the_applications_share(hand: Cli) -> None:
    english = " ".join(hand.ok("plans", "coverage", "--help").output.split())
    assert ("and the share of the applications decided in the period, on such cases, that "
            "came in with a current plan.") in english
    # Help text is translated when the command is built: the Swedish help in a process of
    # its own, as a user runs it.
    from helpers import procs

    swedish = " ".join(procs.run(None, "--lang", "sv", "plans", "coverage", "--help").stdout.split())
    assert ("och andelen av de ansökningar i sådana ärenden som beslutades under perioden "
            "som kom in med en aktuell förändringsplan.") in swedish
